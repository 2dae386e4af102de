// Each oracle is an independent reading of what the emitted objects mean: it must share no code
// with the library it checks (src/), nor the address library src/ parses with (ipaddr.js).
// Otherwise a parsing mistake in src/ would be made twice and the comparison would agree.
import * as fs from 'fs';
import * as path from 'path';

const ORACLES = __dirname;
const SRC = path.resolve(__dirname, '../../src');
const FORBIDDEN_PACKAGES = ['cdk8s-egress', 'ipaddr.js'];

/** Every module specifier a file names: static imports and re-exports (type-only too), require(), import(), jest.mock(). */
function specifiers(text: string): string[] {
  const out: Array<[number, string]> = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\s\S]*?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\b(?:require|import|jest\.mock|jest\.requireActual)\s*\(\s*['"]([^'"]+)['"]/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push([m.index, m[1]]);
  return out.sort((a, b) => a[0] - b[0]).map(([, spec]) => spec);
}

/** Why `spec`, named by a file in `dir`, reaches into the library; undefined when it does not. */
function violation(dir: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const target = path.resolve(dir, spec);
    const rel = path.relative(SRC, target);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return `imports ${spec} (src/${rel})`;
    // the package root re-exports src/
    if (path.relative(path.resolve(SRC, '..'), target) === '') return `imports ${spec} (the package root)`;
    return undefined;
  }
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return FORBIDDEN_PACKAGES.includes(pkg) ? `imports the package ${pkg}` : undefined;
}

function oracleFiles(): string[] {
  return fs.readdirSync(ORACLES).filter((f) => f.endsWith('.ts')).map((f) => path.join(ORACLES, f));
}

describe('the oracles share nothing with src/', () => {
  test('no file in test/oracles/ imports from src/ or its address parser', () => {
    const found = oracleFiles().flatMap((f) => specifiers(fs.readFileSync(f, 'utf8'))
      .map((s) => violation(path.dirname(f), s))
      .filter((v): v is string => v !== undefined)
      .map((v) => `${path.basename(f)} ${v}`));
    expect(found).toEqual([]);
  });

  test('the oracles are all here', () => {
    const names = oracleFiles().map((f) => path.basename(f));
    for (const n of ['cidr.ts', 'np-eval.ts', 'calico-eval.ts', 'mesh-eval.ts', 'cnp-eval.ts', 'cilium-agent-rules.ts']) expect(names).toContain(n);
  });

  test('the check sees every way of importing (so it can fail)', () => {
    // Quotes are spliced in, so that this file's own scan does not see these lines as imports.
    const q = "'";
    const text = [
      `import { parseCidr } from ${q}../../src/util/cidr${q};`,
      `import type { DestinationConfig } from ${q}../../src/core/destination${q};`,
      `export { x } from ${q}../../src/index${q};`,
      `const m = require(${q}../../src/model/egress-model${q});`,
      `jest.mock(${q}../../src/core/port${q});`,
      `import * as ipaddr from ${q}ipaddr.js${q};`,
      `import { EgressPolicy } from ${q}cdk8s-egress${q};`,
      `import {\n  a,\n  b,\n} from ${q}../..${q};`,
      `import { isIPv4 } from ${q}net${q};`,
      `import { parseBlock } from ${q}./cidr${q};`,
      `import { x } from ${q}../support/helpers${q};`,
    ].join('\n');
    const found = specifiers(text).map((s) => violation(ORACLES, s));
    expect(found.slice(0, 8).every((v) => v !== undefined)).toBe(true);
    expect(found.slice(8)).toEqual([undefined, undefined, undefined]);
    expect(found).toHaveLength(11);
  });
});
