#!/usr/bin/env node
// Sends every CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy found in the given files or
// directories through tools/cilium-oracle (Cilium 1.19.4's policy parser, as the agent runs it).
// Closing line: "cilium-agent: N policies accepted, M rejected"; exit 1 on any rejection.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');
const oracle = process.env.CILIUM_AGENT_ORACLE;
if (!oracle) { console.error('CILIUM_AGENT_ORACLE is not set (source tools/validators/env.sh)'); process.exit(2); }

const files = [];
const walk = (p) => { const st = fs.statSync(p); if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e)); else if (/\.ya?ml$/.test(p)) files.push(p); };
for (const a of process.argv.slice(2)) if (fs.existsSync(a)) walk(a);
const objects = [];
for (const f of files) {
  for (const doc of parseAllDocuments(fs.readFileSync(f, 'utf-8'))) {
    const o = doc.toJS();
    if (o && /^Cilium(Clusterwide)?NetworkPolicy$/.test(o.kind)) objects.push(o);
  }
}
let accepted = 0; let rejected = 0;
const BATCH = 200;
for (let i = 0; i < objects.length; i += BATCH) {
  let out;
  try {
    out = execFileSync(oracle, { input: JSON.stringify(objects.slice(i, i + BATCH)), maxBuffer: 1 << 28, timeout: 120_000 }).toString();
  } catch (e) {
    out = (e.stdout ?? '').toString();
  }
  for (const line of out.split('\n').filter(Boolean)) {
    if (line.startsWith('OK ')) accepted++;
    else if (line.startsWith('REJECT ')) { rejected++; console.error(line); }
  }
}
if (accepted + rejected !== objects.length) { console.error(`cilium-agent: oracle answered ${accepted + rejected} of ${objects.length} objects`); process.exit(1); }
console.log(`cilium-agent: ${accepted} policies accepted, ${rejected} rejected`);
process.exit(rejected > 0 ? 1 : 0);
