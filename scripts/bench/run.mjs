#!/usr/bin/env node
// npm run bench: measures synth cost, load time, cross-language overhead and output economy, and
// writes docs/benchmarks.md + docs/benchmarks.json. A benchmark, not a test: it never fails on a
// missed target; it reports it. Each figure is the median of several runs in fresh processes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const benchDir = path.join(repo, '.bench');
fs.mkdirSync(benchDir, { recursive: true });
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const worker = path.join(repo, 'scripts', 'bench', 'worker.js');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stats = (xs) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) });
const round = (x) => Math.round(x * 100) / 100;

function run(variant, n, extraEnv = {}) {
  const out = execFileSync(process.execPath, [worker, variant, String(n)], {
    env: { ...process.env, BENCH_DIR: benchDir, ...extraEnv }, maxBuffer: 1 << 28, timeout: 600_000,
  });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

// 1. synth cost
const synth = [];
for (const n of SIZES) {
  const first = run('egress', n, { BENCH_WRITE_FIXTURE: '1' });
  const samples = { egress: [], l1: [], yaml: [], rss: { egress: [], l1: [], yaml: [] }, ratio: [] };
  for (let r = 0; r < RUNS; r++) {
    const e = run('egress', n);
    const l = run('l1', n);
    const y = run('yaml', n);
    if (e.bytes !== l.bytes) throw new Error(`N=${n}: the L1 build does not produce the same output (${e.bytes} vs ${l.bytes} bytes)`);
    samples.egress.push(e.ms); samples.l1.push(l.ms); samples.yaml.push(y.ms);
    samples.rss.egress.push(e.rssMb); samples.rss.l1.push(l.rssMb); samples.rss.yaml.push(y.rssMb);
    samples.ratio.push(e.ms / l.ms);
  }
  synth.push({
    n, objects: first.objects, bytes: first.bytes,
    egressMs: stats(samples.egress), l1Ms: stats(samples.l1), yamlMs: stats(samples.yaml),
    egressRssMb: stats(samples.rss.egress), l1RssMb: stats(samples.rss.l1), yamlRssMb: stats(samples.rss.yaml),
    ratioToL1: round(median(samples.ratio)), ratioToL1Min: round(Math.min(...samples.ratio)), ratioToL1Max: round(Math.max(...samples.ratio)),
  });
  console.log(`synth N=${n}: egress ${round(median(samples.egress))} ms, L1 ${round(median(samples.l1))} ms, yaml ${round(median(samples.yaml))} ms, ratio ${round(median(samples.ratio))}`);
}
const at = (n) => synth.find((s) => s.n === n);
const linear = at(10000) && at(1000) ? round(at(10000).egressMs.median / at(1000).egressMs.median) : undefined;

// 2. load time
function loadMs(spec) {
  const code = `const t=process.hrtime.bigint();require(${JSON.stringify(spec)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  return Number(execFileSync(process.execPath, ['-e', code], { cwd: repo }).toString().trim());
}
const loadRuns = Math.max(RUNS, 7);
const egressLoad = []; const plusLoad = [];
for (let r = 0; r < loadRuns; r++) {
  egressLoad.push(loadMs(path.join(repo, 'lib', 'src', 'index.js')));
  plusLoad.push(loadMs('cdk8s-plus-30'));
}
const load = { egressMs: stats(egressLoad), cdk8sPlus30Ms: stats(plusLoad), ratio: round(median(egressLoad) / median(plusLoad)) };
console.log(`load: cdk8s-egress ${load.egressMs.median} ms, cdk8s-plus-30 ${load.cdk8sPlus30Ms.median} ms, ratio ${load.ratio}`);

// 3. cross-language overhead (Python example vs TypeScript example), when the Python package is built
let crossLanguage = { measured: false, reason: 'examples/python or its virtualenv is not present: run npx projen parity first' };
const pyApp = path.join(repo, 'examples', 'python', 'main.py');
const venvPy = process.env.EGRESS_PY ?? path.join(process.env.CDK8S_EGRESS_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-egress'), 'venv-python', 'bin', 'python');
if (fs.existsSync(pyApp) && fs.existsSync(venvPy)) {
  const time = (cmd, args, cwd) => { const t = process.hrtime.bigint(); execFileSync(cmd, args, { cwd, stdio: 'ignore', timeout: 300_000 }); return Number(process.hrtime.bigint() - t) / 1e6; };
  const ts = []; const py = [];
  for (let r = 0; r < RUNS; r++) {
    ts.push(time(process.execPath, [path.join(repo, 'node_modules', '.bin', 'ts-node'), '--project', '../tsconfig.json', '--transpile-only', 'main.ts'], path.join(repo, 'examples', 'seed')));
    py.push(time(venvPy, ['main.py'], path.join(repo, 'examples', 'python')));
  }
  crossLanguage = { measured: true, typescriptMs: stats(ts), pythonMs: stats(py), ratio: round(median(py) / median(ts)) };
  console.log(`cross-language: python ${crossLanguage.pythonMs.median} ms vs typescript ${crossLanguage.typescriptMs.median} ms`);
}

// 4. output economy, from the largest fixture
const largest = SIZES[SIZES.length - 1];
const objects = JSON.parse(fs.readFileSync(path.join(benchDir, `objects-${largest}.json`), 'utf-8')).flat();
let rules = 0; let naive = 0; let duplicates = 0; let cidrPeers = 0;
for (const o of objects) {
  const egress = o.spec?.egress ?? [];
  rules += egress.length;
  const seen = new Set();
  for (const r of egress) {
    const key = JSON.stringify(r);
    if (seen.has(key)) duplicates++;
    seen.add(key);
    const peers = (r.to ?? []).length || 1;
    cidrPeers += (r.to ?? []).filter((p) => p.ipBlock).length;
    naive += peers * Math.max(1, (r.ports ?? []).length); // one object per destination × port
  }
  if (egress.length === 0) naive += 1;
}
const economy = { intents: largest, objects: objects.length, rules, naiveObjects: naive, objectsPerIntent: round(objects.length / largest), naiveObjectsPerIntent: round(naive / largest), duplicateRules: duplicates, emittedCidrPeers: cidrPeers };

const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` };
const result = { date: new Date().toISOString().slice(0, 10), machine, runs: RUNS, synth, linearity: linear, load, crossLanguage, economy,
  targets: { ratioToL1At10000: 1.2, linearity: 11, loadRatio: 1.5, crossLanguageRatio: 3 } };
fs.writeFileSync(path.join(repo, 'docs', 'benchmarks.json'), JSON.stringify(result, null, 2) + '\n');

const ok = (v, t) => (v === undefined ? 'n/a' : v <= t ? `met (≤ ${t})` : `**missed** (target ≤ ${t})`);
const md = [
  '# Benchmarks',
  '',
  `Generated by \`npm run bench\` on ${result.date}: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}.`,
  `Each figure is the median of ${RUNS} runs in fresh processes (min–max in brackets). Absolute times vary between runs`,
  'and machines; ratios vary less. Raw numbers: [benchmarks.json](benchmarks.json).',
  '',
  '## Synth cost',
  '',
  'An *intent* is one construct of a realistic mix (external services by CIDR, DNS rules with NodeLocal DNSCache,',
  'internal policies, default-deny baselines; 50 namespaces). **L1** builds the byte-identical output directly as',
  'cdk8s `ApiObject`s in the same kind of process; **yaml** serializes it with the yaml library alone (the floor).',
  '',
  '| intents | objects | cdk8s-egress ms | L1 ms | yaml ms | ratio to L1 | peak RSS MB (egress / L1) |',
  '|---|---|---|---|---|---|---|',
  ...synth.map((s) => `| ${s.n} | ${s.objects} | ${s.egressMs.median} [${s.egressMs.min}–${s.egressMs.max}] | ${s.l1Ms.median} [${s.l1Ms.min}–${s.l1Ms.max}] | ${s.yamlMs.median} | ${s.ratioToL1} [${s.ratioToL1Min}–${s.ratioToL1Max}] | ${s.egressRssMb.median} / ${s.l1RssMb.median} |`),
  '',
  `- ratio to L1 at 10,000: ${at(10000) ? at(10000).ratioToL1 : 'n/a'} — ${ok(at(10000)?.ratioToL1, 1.2)}`,
  `- linearity t(10,000)/t(1,000): ${linear ?? 'n/a'} — ${ok(linear, 11)}`,
  '',
  '## Load time',
  '',
  `\`require('cdk8s-egress')\` ${load.egressMs.median} ms [${load.egressMs.min}–${load.egressMs.max}] vs \`require('cdk8s-plus-30')\` ${load.cdk8sPlus30Ms.median} ms [${load.cdk8sPlus30Ms.min}–${load.cdk8sPlus30Ms.max}]: ratio ${load.ratio} — ${ok(load.ratio, 1.5)}.`,
  'Vendor backends (and their generated bindings, up to 1 MB of code each) load only when their `EgressBackend` factory is first called.',
  '',
  '## Cross-language overhead',
  '',
  crossLanguage.measured
    ? `Python example ${crossLanguage.pythonMs.median} ms vs TypeScript example ${crossLanguage.typescriptMs.median} ms (whole process, same seed app, same output): ratio ${crossLanguage.ratio} — ${ok(crossLanguage.ratio, 3)}. `
      + 'The TypeScript example runs through ts-node (--transpile-only), so its time includes transpiling the example and the library sources; '
      + 'the Python example loads the compiled library inside the jsii runtime.'
    : `Not measured: ${crossLanguage.reason}.`,
  '',
  '## Profile, fixes and what remains',
  '',
  'Profiled with `node --cpu-prof scripts/bench/worker.js egress 10000` (compiled library, 2026-11-25):',
  '',
  '| change | synth of 10,000 intents | ratio to L1 |',
  '|---|---|---|',
  '| before: every CIDR re-parsed and re-formatted through ipaddr.js objects (1.1 s self time in its IPv4 constructor, plus GC) | 7.1 s | 2.81 |',
  '| CIDR parsing memoized, IPv4 parsed and formatted natively; the worker stops its clock before counting objects | 3.5 s | 1.94 |',
  `| NetworkPolicies emitted as plain ApiObjects (the generated class re-mapped every resolved object through its toJson_ functions: a second traversal per object); the per-policy budget validation, which cdk8s re-runs once per chart, memoized | ${at(10000) ? (at(10000).egressMs.median / 1000).toFixed(1) : 'n/a'} s | ${at(10000)?.ratioToL1 ?? 'n/a'} |`,
  '',
  'What remains is the price of the intent layer: every value is validated with its construct path',
  '(labels, names, CIDRs, ports, duplicates, capability checks), every policy is recorded in the semantic model, and specs are',
  'rendered lazily so `allow()` can add rules later. The intent constructs also build about 2.5 construct nodes per emitted',
  'object (`AllowedExternalService` → `EgressPolicy` → object) where the L1 build has one, and cdk8s walks the whole tree',
  'for dependency resolution and validation once per chart (these walks are the largest remaining self time; with all',
  'intents in one chart the ratio is about 1.3). Construction allocates heavily (value objects, resolved configs), which',
  'shows as garbage collection. The linear-scaling and load-time targets are met; the 1.2× target is not yet.',
  '',
  '## Output economy',
  '',
  `At ${largest} intents: ${economy.objects} objects (${economy.objectsPerIntent} per intent) with ${economy.rules} rules, against ${economy.naiveObjects} objects (${economy.naiveObjectsPerIntent} per intent) for a naive one-object-per-destination×port rendering. Duplicate rules: ${economy.duplicateRules}. Overlapping and adjacent address blocks are merged before emission (see docs/concepts.md).`,
  '',
];
fs.writeFileSync(path.join(repo, 'docs', 'benchmarks.md'), md.join('\n'));
console.log('bench: wrote docs/benchmarks.md and docs/benchmarks.json');
