#!/usr/bin/env node
// The dataplane tier's verdict: compares what real packets did (dpnet's results) with the library
// model's verdicts (the plan), and fails closed.
// Usage: node test/dataplane/summarize.mjs <plan-dir> <results-dir> [minProbes=5000]
// Exits 0 only when: every planned app has results, at least minProbes probes ran, no probe of a
// real app disagrees with the model, each negative control (widened / narrowed policies) produced
// disagreements, and the fail-closed check ran. The last line is always the summary line.
import * as fs from 'node:fs';
import * as path from 'node:path';

const [planDir, resultsDir, minArg] = process.argv.slice(2);
if (!planDir || !resultsDir) {
  console.error('usage: node summarize.mjs <plan-dir> <results-dir> [minProbes]');
  process.exit(2);
}
const minProbes = Number(minArg ?? 5000);
const planSummary = JSON.parse(fs.readFileSync(path.join(planDir, 'plan-summary.json'), 'utf-8'));

const problems = [];
const disagreements = [];
const negatives = { widened: { apps: 0, probes: 0, disagreements: 0 }, narrowed: { apps: 0, probes: 0, disagreements: 0 } };
const byKind = {};
let probes = 0;
let apps = 0;
let retried = 0;
let failClosed = '';
let settleMs = 0;

for (const batch of planSummary.batches) {
  const plan = JSON.parse(fs.readFileSync(path.join(planDir, batch, 'plan.json'), 'utf-8'));
  const resultsFile = path.join(resultsDir, `${batch}.jsonl`);
  if (!fs.existsSync(resultsFile)) {
    problems.push(`${batch}: no results (${resultsFile})`);
    continue;
  }
  const results = new Map();
  for (const line of fs.readFileSync(resultsFile, 'utf-8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (r.failClosed) failClosed = r.failClosed;
    else results.set(r.name, r);
  }
  for (const app of plan.apps) {
    const r = results.get(app.name);
    if (!r) {
      problems.push(`${batch}/${app.name}: not run`);
      continue;
    }
    if (r.probes.length !== app.probes.length) {
      problems.push(`${app.name}: ${r.probes.length} results for ${app.probes.length} probes`);
      continue;
    }
    if (r.controller !== 'alive' || !Array.isArray(r.controls) || r.controls.length < 3) {
      problems.push(`${app.name}: controller check or positive controls missing`);
    }
    let d = 0;
    app.probes.forEach((p, i) => {
      const o = r.probes[i];
      if (o.id !== p.id || o.expected !== p.expected) {
        problems.push(`${app.name}: result ${i} is for ${o.id}, expected ${p.id}`);
        return;
      }
      if (o.reached !== o.expected) {
        d++;
        if (!app.negative) disagreements.push({ app: app.name, desc: p.desc, outcome: o.outcome, model: p.expected ? 'allowed' : 'denied', retried: o.retried });
      }
      if (!app.negative) {
        const k = (byKind[p.kind] ??= { probes: 0, reached: 0, timeout: 0, refused: 0 });
        k.probes++;
        if (o.reached) k.reached++;
        if (o.outcome === 'timeout') k.timeout++;
        if (o.outcome === 'refused') k.refused++;
        if (o.retried) retried++;
      }
    });
    if (app.negative) {
      const n = negatives[app.negative];
      n.apps++;
      n.probes += app.probes.length;
      n.disagreements += d;
    } else {
      apps++;
      probes += app.probes.length;
      settleMs += r.settleMs;
    }
  }
}

console.log('probes by kind (reached = connected, answered or refused; blocked = timed out):');
for (const [k, v] of Object.entries(byKind).sort()) {
  console.log(`  ${k.padEnd(28)} ${String(v.probes).padStart(6)} probes, ${String(v.reached).padStart(6)} reached, ${String(v.timeout).padStart(6)} blocked${v.refused ? `, ${v.refused} refused` : ''}`);
}
console.log(`retried once with a 3 s timeout (model allows, first try timed out): ${retried}`);
console.log(`settling barrier: mean ${(settleMs / Math.max(apps, 1)).toFixed(0)} ms per app`);
for (const [kind, n] of Object.entries(negatives)) {
  console.log(`negative control (${kind} policies, model verdicts of the declared ones): ${n.disagreements} disagreements on ${n.probes} probes over ${n.apps} apps`);
  if (n.apps === 0) problems.push(`negative control '${kind}' did not run`);
  else if (n.disagreements === 0) problems.push(`negative control '${kind}': no disagreement, so this tier could not tell ${kind} policies from the declared ones`);
}
if (failClosed) console.log(`fail-closed check: ${failClosed}`);
else problems.push('fail-closed check did not run');
if (apps !== planSummary.apps) problems.push(`${apps} apps ran, ${planSummary.apps} planned`);
if (probes < minProbes) problems.push(`only ${probes} probes ran, fewer than the required ${minProbes}`);

for (const d of disagreements.slice(0, 40)) {
  console.error(`DISAGREE ${d.app}: ${d.desc} -> dataplane: ${d.outcome}${d.retried ? ' (after a retry)' : ''}, model: ${d.model}`);
}
if (disagreements.length > 40) console.error(`... and ${disagreements.length - 40} more disagreements`);
for (const p of problems) console.error(`FAIL ${p}`);
const line = `${probes} probes over ${apps} apps, ${disagreements.length} disagreements`;
console.log(problems.length === 0 ? `dataplane: ${line}` : `dataplane: FAILED (${problems.length} problems, see FAIL above): ${line}`);
process.exit(problems.length === 0 && disagreements.length === 0 ? 0 : 1);
