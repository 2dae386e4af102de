// The layering of src/ (docs/concepts.md, "Layers of the code"), checked from the outside: eslint's
// import/no-restricted-paths zones (generated from LAYERS in .projenrc.ts) are the rule; this test
// reads the same zones, walks src/ itself (every import, `import type` and require() included) and
// checks that every folder is covered, that no import points up or sideways, that there is no cycle,
// and that files stay small.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');

interface Zone { readonly target: string; readonly from: string }

function zones(): Zone[] {
  const text = fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').replace(/^\/\/.*$/m, '');
  const rule = JSON.parse(text).rules['import/no-restricted-paths'];
  return rule[1].zones as Zone[];
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports, resolved to a path: static, type-only, re-exports and require(). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*|\brequire\(\s*|\bimport\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const found = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    out.push(found ?? base);
  }
  return out;
}

/** The top folder of src/ a path lies in (`core`, `backends`), `index` for src/index.ts, or `imports`. */
function layerOf(p: string): string {
  const rel = path.relative(ROOT, p).split(path.sep);
  if (rel[0] === 'imports') return 'imports';
  return rel.length > 2 ? rel[1] : 'index';
}

const files = walk(SRC);
const edges = new Map(files.map((f) => [f, importsOf(f)]));

describe('layers of src/', () => {
  test('every folder of src/ is a layer the lint zones know', () => {
    const targets = new Set(zones().map((z) => z.target.replace('./src/', '')));
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.length).toBeGreaterThanOrEqual(10);
    expect(folders.filter((f) => !targets.has(f))).toEqual([]);
  });

  test('no import crosses a zone: every arrow points down', () => {
    const forbidden = new Set(zones().map((z) => `${z.target.replace('./src/', '')} -> ${z.from.replace(/^\.\/(src\/)?/, '')}`));
    const offenders: string[] = [];
    for (const [file, targets] of edges) {
      for (const t of targets) {
        const arrow = `${layerOf(file)} -> ${layerOf(t)}`;
        if (forbidden.has(arrow)) offenders.push(`${path.relative(ROOT, file)} imports ${path.relative(ROOT, t)}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test('the zones forbid what the layer order says: the core imports nothing above it', () => {
    const forbidden = new Set(zones().filter((z) => z.target === './src/core').map((z) => z.from));
    for (const above of ['./src/model', './src/backends', './src/checks', './src/constructs', './imports']) {
      expect(forbidden.has(above)).toBe(true);
    }
    expect(forbidden.has('./src/util')).toBe(false);
  });

  test('the import graph of src/ has no cycle, counting require() and import type', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]): void => {
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) {
        if (!edges.has(t)) continue;
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map((p) => path.relative(SRC, p)).join(' -> '));
        else if (!state.has(t)) visit(t, [...stack, t]);
      }
      state.set(f, 'done');
    };
    for (const f of [...edges.keys()].sort()) if (!state.has(f)) visit(f, [f]);
    expect(cycles).toEqual([]);
  });
});

/** Files allowed above the size limit, each with its reason. */
const LARGE_FILES: Record<string, string> = {
};

describe('one idea per file', () => {
  test('no file in src/ is above 450 lines without a stated reason', () => {
    const large = files
      .map((f) => ({ file: path.relative(SRC, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 450 && !(x.file in LARGE_FILES))
      .map((x) => `${x.file} (${x.lines} lines)`);
    expect(large).toEqual([]);
  });
});
