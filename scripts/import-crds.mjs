#!/usr/bin/env node
// Regenerates the typed bindings in imports/ from the pinned upstream CRDs.
//
// The CRD YAML is data we read, never copy: by default from ../shared/crds (beside the repo),
// or from the folder named by EGRESS_CRDS_DIR. imports/SOURCES.json records, for each CRD file,
// the upstream repository, tag/commit, path and URL, so a user elsewhere can fetch the same
// files and point EGRESS_CRDS_DIR at them.
//
// cdk8s import writes one module per API group and overwrites earlier output of the same group,
// so the files of one group are concatenated into one multi-document YAML first.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const sources = JSON.parse(fs.readFileSync(path.join(repo, 'imports', 'SOURCES.json'), 'utf-8'));
const crdsDir = path.resolve(process.env.EGRESS_CRDS_DIR ?? path.join(repo, '..', 'shared', 'crds'));
if (!fs.existsSync(crdsDir)) {
  console.error(`import: CRD folder ${crdsDir} does not exist.\n` +
    'Set EGRESS_CRDS_DIR to a folder laid out like imports/SOURCES.json says (each "file" relative to it);\n' +
    'every entry there names the upstream URL of its pinned copy.');
  process.exit(1);
}
const outDir = path.join(repo, 'imports');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-import-'));
const cli = path.join(repo, 'node_modules', '.bin', 'cdk8s');

for (const mod of sources.modules) {
  const docs = mod.crds.map((c) => {
    const file = path.join(crdsDir, c.file);
    if (!fs.existsSync(file)) {
      console.error(`import: missing ${file} (upstream: ${c.url})`);
      process.exit(1);
    }
    return fs.readFileSync(file, 'utf-8').replace(/^---\s*\n/, '').trimEnd();
  });
  const combined = path.join(tmp, `${mod.group}.yaml`);
  fs.writeFileSync(combined, docs.join('\n---\n') + '\n');
  execFileSync(cli, ['import', combined, '--language', 'typescript', '--output', outDir, '--no-save', '--no-check-upgrade'], {
    cwd: tmp,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const written = path.join(outDir, `${mod.group}.ts`);
  if (!fs.existsSync(written)) {
    console.error(`import: cdk8s import did not write ${written}`);
    process.exit(1);
  }
  console.log(`import: ${mod.group} <- ${mod.crds.map((c) => c.file).join(', ')}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
