#!/usr/bin/env node
// promtool check + unit tests of the PrometheusRules that EgressMonitoring derives.
//
//  1. synthesizes the monitoring test app (test/monitoring/promtool/app.ts) with ts-node;
//  2. writes each PrometheusRule's spec as a Prometheus rule file and runs `promtool check rules`;
//  3. runs `promtool test rules` on the committed test/monitoring/promtool/*.test.yaml (synthetic
//     series; every alert has cases that must fire and cases that must not);
//  4. negative controls: the same tests against rules whose alerts never fire, then always fire,
//     must fail (every case that expects alerts, resp. expects none) — so the tests can fail.
//
// Usage: node scripts/promtool-test.mjs        (PROMTOOL from tools/validators/env.sh)
// Last line: "promtool: N rule files checked, M alert tests passed, F failed"; exit 1 if F > 0.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TESTS = path.join(ROOT, 'test', 'monitoring', 'promtool');
const promtool = process.env.PROMTOOL
  || execFileSync('bash', ['-c', `source "${ROOT}/tools/validators/env.sh" && echo "$PROMTOOL"`], { encoding: 'utf8' }).trim();
if (!fs.existsSync(promtool)) {
  console.error(`promtool-test: ERROR: ${promtool} missing (bash tools/validators/build-testbins.sh promtool)`);
  process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-test-'));
const synth = spawnSync('npx', ['ts-node', '--transpile-only', '--project', path.join(ROOT, 'test', 'tsconfig.json'), path.join(TESTS, 'synth.ts'), work],
  { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_EGRESS_QUIET: '1' } });
if (synth.status !== 0) {
  console.error(`promtool-test: ERROR: synthesizing the test app failed:\n${synth.stdout}${synth.stderr}`);
  process.exit(1);
}

const ruleFiles = fs.readdirSync(work).filter((f) => f.endsWith('.rules.json')).sort();
let checked = 0;
let checkFailed = 0;
for (const f of ruleFiles) {
  checked++;
  const r = spawnSync(promtool, ['check', 'rules', path.join(work, f)], { encoding: 'utf8' });
  const out = (r.stdout + r.stderr).trim();
  if (r.status === 0 && !/duplicate/i.test(out)) console.log(`ok check ${f}: ${out.split('\n').pop().trim()}`);
  else { checkFailed++; console.log(`FAILED check ${f}:\n${out.replace(/^/gm, '    ')}`); }
}

const testFiles = fs.readdirSync(TESTS).filter((f) => f.endsWith('.test.yaml')).sort();
/** Alert test cases of a file: { positive, negative } counts. */
function cases(file) {
  const doc = parse(fs.readFileSync(path.join(TESTS, file), 'utf8'));
  let positive = 0; let negative = 0;
  for (const t of doc.tests ?? []) {
    for (const a of t.alert_rule_test ?? []) ((a.exp_alerts ?? []).length > 0 ? positive++ : negative++);
  }
  return { positive, negative };
}
/** Run the test files against the rule files in `dir`; returns failed case count per file. */
function runTests(dir) {
  const failed = {};
  for (const f of testFiles) {
    fs.copyFileSync(path.join(TESTS, f), path.join(dir, f));
    const r = spawnSync(promtool, ['test', 'rules', f], { cwd: dir, encoding: 'utf8' });
    const out = r.stdout + r.stderr;
    failed[f] = r.status === 0 ? 0 : Math.max(1, (out.match(/alertname: /g) ?? []).length);
    failed[`${f}:output`] = out;
  }
  return failed;
}

let passed = 0;
let failed = 0;
const results = runTests(work);
for (const f of testFiles) {
  const { positive, negative } = cases(f);
  const total = positive + negative;
  const bad = Math.min(total, results[f]);
  passed += total - bad;
  failed += bad;
  if (bad === 0) console.log(`ok test ${f}: ${total} alert tests (${positive} firing, ${negative} silent)`);
  else console.log(`FAILED test ${f}: ${bad} of ${total} alert tests failed:\n${results[`${f}:output`].trim().replace(/^/gm, '    ')}`);
}

// Negative controls: mutate every alert's expression and expect the matching cases to fail.
function mutated(expr, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `promtool-${label}-`));
  for (const f of ruleFiles) {
    const spec = JSON.parse(fs.readFileSync(path.join(work, f), 'utf8'));
    for (const g of spec.groups) for (const r of g.rules) if (r.alert) r.expr = expr;
    fs.writeFileSync(path.join(dir, f), JSON.stringify(spec));
  }
  return dir;
}
let controlFailed = 0;
for (const [label, expr, expectFailing] of [['never', 'vector(1) < 0', 'positive'], ['always', 'vector(1)', 'negative']]) {
  const dir = mutated(expr, label);
  const res = runTests(dir);
  for (const f of testFiles) {
    const c = cases(f);
    const want = c[expectFailing];
    if (want > 0 && res[f] === 0) {
      controlFailed++;
      console.log(`FAILED negative control (${label} firing) ${f}: the tests still pass with alerts that ${label === 'never' ? 'never' : 'always'} fire`);
    } else if (want > 0) {
      console.log(`ok negative control (${label} firing) ${f}: rejected (${res[f]} case(s) failed)`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

fs.rmSync(work, { recursive: true, force: true });
const totalFailed = failed + checkFailed + controlFailed;
console.log(`promtool: ${checked} rule files checked, ${passed} alert tests passed, ${failed + checkFailed + controlFailed} failed`);
process.exit(totalFailed > 0 || checked === 0 ? 1 : 0);
