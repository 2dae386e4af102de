#!/usr/bin/env node
// Compares the library model's verdicts (written by corpus.ts) with the independent NetworkPolicy
// engine (tools/np-oracle, cyclonus' matcher) on every probe of the corpus.
// Usage: NP_ORACLE=<binary> node test/cluster/np-oracle-compare.mjs <corpus>/np-probes.json [minProbes=10000]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

const negative = process.argv.includes('--negative-control');
const args = process.argv.slice(2).filter((a) => a !== '--negative-control');
const file = args[0];
const minProbes = Number(args[1] ?? 10000);

// Negative control: widen every policy the way hand-written YAML goes wrong (ipBlock `except`
// dropped, the last egress rule losing its `to`). The oracle must then disagree with the model.
function mutate(input) {
  const policies = input.policies.map((p) => {
    const egress = (p.spec.egress ?? []).map((r) => ({ ...r, to: (r.to ?? []).map((peer) => (peer.ipBlock ? { ipBlock: { cidr: peer.ipBlock.cidr } } : peer)) }));
    if (egress.length > 0) delete egress[egress.length - 1].to;
    return { ...p, spec: { ...p.spec, egress } };
  });
  return { ...input, policies };
}
const oracle = process.env.NP_ORACLE;
if (!file || !oracle) {
  console.error('usage: NP_ORACLE=<np-oracle binary> node np-oracle-compare.mjs <np-probes.json> [minProbes]');
  process.exit(2);
}
const { cases } = JSON.parse(fs.readFileSync(file, 'utf-8'));
let probes = 0;
const disagreements = [];
for (const c of cases) {
  if (c.input.probes.length === 0) continue;
  const out = execFileSync(oracle, { input: JSON.stringify(negative ? mutate(c.input) : c.input), maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  const { verdicts } = JSON.parse(out.toString());
  if (verdicts.length !== c.expected.length) throw new Error(`${c.app}: oracle returned ${verdicts.length} verdicts for ${c.expected.length} probes`);
  verdicts.forEach((v, i) => {
    probes++;
    if (v !== c.expected[i]) disagreements.push({ app: c.app, probe: c.input.probes[i], model: c.expected[i], oracle: v });
  });
}
if (negative) {
  console.log(`np-oracle negative control: ${disagreements.length} disagreements on ${probes} probes with widened policies`);
  process.exit(disagreements.length > 0 ? 0 : 1);
}
for (const d of disagreements.slice(0, 20)) {
  console.error(`DISAGREE ${d.app}: ${JSON.stringify(d.probe)} model=${d.model} oracle=${d.oracle}`);
}
console.log(`np-oracle: ${probes} probes, ${disagreements.length} disagreements`);
if (disagreements.length > 0) process.exit(1);
if (probes < minProbes) {
  console.error(`np-oracle: only ${probes} probes, fewer than the required ${minProbes}`);
  process.exit(1);
}
