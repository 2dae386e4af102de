#!/usr/bin/env node
// promtool check of every PrometheusRule (monitoring.coreos.com/v1) in the given files/dirs:
// its .spec (a Prometheus rule file: {groups: [...]}) is written out and checked with
// `promtool check rules` (PromQL parsing, template syntax, duplicate rules). Files are parsed
// with kubectl's own YAML reader (`kubectl annotate --local -o json`).
// Usage: node promtool-check.mjs <file|dir>...   (PROMTOOL from env.sh / $PROMTOOL)
// Closing line: "promtool: N rule files checked, M failed"; exit 1 if M > 0 or N == 0.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const promtool = process.env.PROMTOOL ||
  execFileSync('bash', ['-c', `source "${HERE}/env.sh" && echo "$PROMTOOL"`], { encoding: 'utf8' }).trim();
if (!fs.existsSync(promtool)) { console.error(`promtool-check: ERROR: ${promtool} missing (run build-testbins.sh promtool)`); process.exit(1); }
const files = [];
const walk = (p) => fs.statSync(p).isDirectory()
  ? fs.readdirSync(p).sort().forEach((e) => { const q = path.join(p, e); if (fs.statSync(q).isDirectory() || /\.ya?ml$/.test(e)) walk(q); })
  : files.push(p);
process.argv.slice(2).forEach(walk);
if (!files.length) { console.error('promtool-check: ERROR: no files'); process.exit(1); }
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-check-'));
let n = 0, bad = 0;
for (const f of files) {
  const r = spawnSync('kubectl', ['annotate', '--local', '-o', 'json', '-f', f, 'x-'], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' }, timeout: 60000 });
  if (r.status !== 0 || /^error:/m.test(r.stderr)) { console.log(`FAILED ${f}: kubectl could not parse it: ${r.stderr.trim()}`); bad++; n++; continue; }
  const objs = JSON.parse(`[${r.stdout.replace(/}\s*\n{/g, '},{')}]`);
  for (const o of objs) {
    if (o.kind !== 'PrometheusRule' || !String(o.apiVersion).startsWith('monitoring.coreos.com/')) continue;
    n++;
    const id = `${f}: PrometheusRule ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const rf = path.join(tmp, `${n}.json`);
    fs.writeFileSync(rf, JSON.stringify(o.spec ?? {}));
    const c = spawnSync(promtool, ['check', 'rules', rf], { encoding: 'utf8', timeout: 60000 });
    if (c.status === 0) console.log(`ok ${id}`);
    else { bad++; console.log(`FAILED ${id}:\n${(c.stdout + c.stderr).trim().split('\n').map((l) => `    ${l}`).join('\n')}`); }
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`promtool: ${n} rule files checked, ${bad} failed`);
process.exit(bad > 0 || n === 0 ? 1 : 0);
