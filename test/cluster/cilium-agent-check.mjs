#!/usr/bin/env node
// Sends every CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy found in the given files or
// directories through tools/cilium-oracle (Cilium's policy parser, as the agent runs it, with
// strict field decoding), for each release of CILIUM_AGENT_ORACLES that is at least the default
// EgressBackend.cilium() version (1.19): the examples and the corpus declare no version, so they
// target 1.19, and must hold for it and every later release. Older releases are checked with output
// declared for them by test/backends/cilium/agent-oracle.cluster.test.ts.
// Closing line per release: "cilium-agent vX: N policies accepted, M rejected"; exit 1 on any rejection.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');
const DEFAULT_MINOR = 19;
const spec = process.env.CILIUM_AGENT_ORACLES ?? (process.env.CILIUM_AGENT_ORACLE ? `v1.19.4=${process.env.CILIUM_AGENT_ORACLE}` : '');
const oracles = spec.split(/\s+/).filter(Boolean).map((pair) => pair.split('='))
  .filter(([release]) => Number(/^v1\.(\d+)\./.exec(release)?.[1] ?? 0) >= DEFAULT_MINOR);
if (oracles.length === 0) { console.error('CILIUM_AGENT_ORACLES is not set (source tools/validators/env.sh)'); process.exit(2); }

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
let failed = false;
const BATCH = 200;
for (const [release, oracle] of oracles) {
  let accepted = 0; let rejected = 0;
  for (let i = 0; i < objects.length; i += BATCH) {
    let out;
    try {
      out = execFileSync(oracle, { input: JSON.stringify(objects.slice(i, i + BATCH)), maxBuffer: 1 << 28, timeout: 120_000 }).toString();
    } catch (e) {
      out = (e.stdout ?? '').toString();
    }
    for (const line of out.split('\n').filter(Boolean)) {
      if (line.startsWith('OK ')) accepted++;
      else if (line.startsWith('REJECT ')) { rejected++; console.error(`${release}: ${line}`); }
    }
  }
  if (accepted + rejected !== objects.length) { console.error(`cilium-agent ${release}: oracle answered ${accepted + rejected} of ${objects.length} objects`); failed = true; }
  console.log(`cilium-agent ${release}: ${accepted} policies accepted, ${rejected} rejected`);
  if (rejected > 0) failed = true;
}
process.exit(failed ? 1 : 0);
