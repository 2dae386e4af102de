#!/usr/bin/env node
// Regenerates everything in imports/ that comes from the pinned upstream schemas:
//   - imports/<group>.ts            typed bindings (cdk8s import), one module per API group;
//   - imports/schemas/<group>.json  the structural schemas the unit tests validate against, keyed by
//                                   "apiVersion|kind" (every served version of every listed CRD);
//   - imports/schemas/kubernetes-<version>.json  the Kubernetes core OpenAPI definitions.
// The schemas are structure only: the upstream `description` prose is removed from every schema
// node; every validation keyword (type, properties, required, enum, pattern, format, min/max*,
// nullable, default, allOf/anyOf/oneOf/not, x-kubernetes-*) is kept exactly. Nothing upstream is
// committed verbatim, and the unit tier needs no CRD folder.
//
// The upstream files are data we read, never copy: by default from ../shared/crds (beside the
// repo), or from the folder named by EGRESS_CRDS_DIR. imports/SOURCES.json records, for each file,
// the upstream version, URL and sha256; every file is checked against its sha256 before use.
//
// Usage: node scripts/import-crds.mjs            regenerate imports/ in place   (npx projen import)
//        node scripts/import-crds.mjs --check    regenerate into a temp folder and fail if the
//                                                committed files differ          (npx projen import:check)
//
// cdk8s import writes one module per API group and overwrites earlier output of the same group,
// so the files of one group are concatenated into one multi-document YAML first.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) fail(`unknown argument ${unknown.join(' ')} (usage: import-crds.mjs [--check])`);
const name = check ? 'import --check' : 'import';

function fail(message) {
  console.error(`${name}: ${message}`);
  process.exit(1);
}

const sourcesFile = path.join(repo, 'imports', 'SOURCES.json');
const sources = JSON.parse(fs.readFileSync(sourcesFile, 'utf-8'));
const crdsDir = path.resolve(process.env.EGRESS_CRDS_DIR ?? path.join(repo, '..', 'shared', 'crds'));
if (!fs.existsSync(crdsDir)) {
  fail(`no CRD source: ${crdsDir} does not exist. Set EGRESS_CRDS_DIR to a folder laid out as imports/SOURCES.json lists ` +
    '(each "file" relative to it; each entry names its upstream URL and sha256), or place the pinned copies in ../shared/crds.');
}

// 1. Every source file exists and matches its pinned sha256, before anything is generated.
const entries = [sources.kubernetes, ...sources.modules.flatMap((m) => m.crds)];
for (const entry of entries) {
  const file = path.join(crdsDir, entry.file);
  const refetch = `re-fetch it from ${entry.url}${entry.document ? ` (document ${entry.document}, cut at its --- separators)` : ''}`;
  if (!fs.existsSync(file)) fail(`missing ${file}: ${refetch}`);
  if (!/^[0-9a-f]{64}$/.test(entry.sha256 ?? '')) fail(`imports/SOURCES.json: ${entry.file} has no sha256`);
  const got = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  if (got !== entry.sha256) fail(`checksum mismatch for ${file}: expected ${entry.sha256}, got ${got}; ${refetch}`);
}

const outDir = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-import-check-')) : path.join(repo, 'imports');
const schemaDir = path.join(outDir, 'schemas');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-import-'));
const cli = path.join(repo, 'node_modules', '.bin', 'cdk8s');
fs.mkdirSync(schemaDir, { recursive: true });

// Keys that hold a map of name -> schema, and keys that hold a schema or a list of schemas. Only
// schema nodes lose `description`: a property *named* description (e.g. a field of a CRD) stays.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf']);
/** The schema without upstream prose; validation keywords and their values are copied unchanged. */
function structural(schema) {
  if (Array.isArray(schema)) return schema.map(structural);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description') continue;
    if (SCHEMA_MAPS.has(k)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, structural(s)]));
    else if (SUBSCHEMAS.has(k)) out[k] = structural(v);
    else out[k] = v;
  }
  return out;
}

/**
 * Deterministic JSON: one line per schema (per "apiVersion|kind", or per definition), entries in
 * sorted order, so a diff names the kinds that changed. Still plain JSON.
 */
function render(note, files, mapName, map) {
  const body = Object.keys(map).sort().map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(map[k])}`);
  return [
    '{',
    `  "//": ${JSON.stringify(note)},`,
    `  "sources": ${JSON.stringify(files)},`,
    `  ${JSON.stringify(mapName)}: {`,
    body.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}
const NOTE = 'Generated by `npx projen import` (scripts/import-crds.mjs) from the pinned upstream files in imports/SOURCES.json ' +
  '(sha256 of each under "sources"): structure only, the upstream description prose removed. Do not edit; test/support/schema.ts validates against it.';

const written = [];
for (const mod of sources.modules) {
  const texts = mod.crds.map((c) => fs.readFileSync(path.join(crdsDir, c.file), 'utf-8'));

  // Bindings.
  const combined = path.join(tmp, `${mod.group}.yaml`);
  fs.writeFileSync(combined, texts.map((t) => t.replace(/^---\s*\n/, '').trimEnd()).join('\n---\n') + '\n');
  execFileSync(cli, ['import', combined, '--language', 'typescript', '--output', outDir, '--no-save', '--no-check-upgrade'], {
    cwd: tmp,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const binding = `${mod.group}.ts`;
  if (!fs.existsSync(path.join(outDir, binding))) fail(`cdk8s import did not write ${binding}`);
  written.push(binding);

  // Schemas: every served version of every CRD, keyed by apiVersion|kind.
  const schemas = {};
  mod.crds.forEach((c, i) => {
    let found = 0;
    for (const doc of parseAllDocuments(texts[i])) {
      if (doc.errors.length > 0) fail(`${c.file}: ${doc.errors[0].message}`);
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      found++;
      for (const v of crd.spec.versions) {
        if (!v.served) continue;
        const key = `${crd.spec.group}/${v.name}|${crd.spec.names.kind}`;
        if (schemas[key]) fail(`${key} is defined twice in module ${mod.group}`);
        if (!v.schema?.openAPIV3Schema) fail(`${c.file}: ${key} has no openAPIV3Schema`);
        schemas[key] = structural(v.schema.openAPIV3Schema);
      }
    }
    if (found === 0) fail(`${c.file} holds no CustomResourceDefinition`);
  });
  const files = Object.fromEntries(mod.crds.map((c) => [c.file, c.sha256]));
  fs.writeFileSync(path.join(schemaDir, `${mod.group}.json`), render(NOTE, files, 'schemas', schemas));
  written.push(`schemas/${mod.group}.json`);
  console.log(`${name}: ${mod.group} <- ${mod.crds.map((c) => c.file).join(', ')} (${Object.keys(schemas).length} schemas)`);
}

// Kubernetes core definitions, structure only: all of them except the apiextensions group (the
// CustomResourceDefinition object itself, which this library never emits). Every $ref must resolve.
const k8s = sources.kubernetes;
const k8sFile = `schemas/kubernetes-${path.basename(path.dirname(k8s.file))}.json`;
const EXCLUDED = 'io.k8s.apiextensions-apiserver.';
const upstreamDefs = JSON.parse(fs.readFileSync(path.join(crdsDir, k8s.file), 'utf-8')).definitions;
const defs = structural({
  definitions: Object.fromEntries(Object.entries(upstreamDefs).filter(([n]) => !n.startsWith(EXCLUDED))),
}).definitions;
for (const ref of JSON.stringify(defs).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) {
  if (!defs[ref[1]]) fail(`${k8s.file}: $ref to ${ref[1]}, which is not kept`);
}
fs.writeFileSync(path.join(outDir, k8sFile), render(NOTE, { [k8s.file]: k8s.sha256 }, 'definitions', defs));
written.push(k8sFile);
console.log(`${name}: kubernetes <- ${k8s.file} (${Object.keys(defs).length} definitions)`);

// Schema files of groups no longer listed would be stale: remove them (or, in --check, report them).
const committedSchemas = path.join(repo, 'imports', 'schemas');
const extra = (fs.existsSync(committedSchemas) ? fs.readdirSync(committedSchemas, { withFileTypes: true }) : [])
  .filter((d) => d.isFile() && !written.includes(`schemas/${d.name}`)).map((d) => `schemas/${d.name}`);
fs.rmSync(tmp, { recursive: true, force: true });

if (!check) {
  for (const f of extra) fs.rmSync(path.join(repo, 'imports', f));
  process.exit(0);
}

const stale = [];
for (const f of written) {
  const committed = path.join(repo, 'imports', f);
  if (!fs.existsSync(committed)) stale.push(`imports/${f} (missing)`);
  else if (!fs.readFileSync(committed).equals(fs.readFileSync(path.join(outDir, f)))) stale.push(`imports/${f} (differs)`);
}
for (const f of extra) stale.push(`imports/${f} (no longer generated)`);
fs.rmSync(outDir, { recursive: true, force: true });
if (stale.length > 0) fail(`the committed generated files are stale: ${stale.join(', ')}; run \`npx projen import\` and commit the result`);
console.log(`${name}: imports/ is up to date (${written.length} generated files identical)`);
