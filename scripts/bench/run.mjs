#!/usr/bin/env node
// npm run bench: measures synth cost, load time, cross-language overhead and output economy, and
// writes docs/benchmarks.md + docs/benchmarks.json. A benchmark, not a test: it never fails on a
// missed target; it reports it. Each figure is the median of several runs in fresh processes.
// It does fail when one of the builds it compares produces different YAML. CI runs it small
// (BENCH_SIZES=100 BENCH_RUNS=1 BENCH_OUT=<tmp>) so the compared builds keep agreeing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const benchDir = path.join(repo, '.bench');
// Where the report goes (BENCH_OUT: a smoke run in CI writes elsewhere, so docs/ keeps the full run).
const outDir = process.env.BENCH_OUT ?? path.join(repo, 'docs');
fs.mkdirSync(benchDir, { recursive: true });
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const worker = path.join(repo, 'scripts', 'bench', 'worker.js');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stats = (xs) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) });
const round = (x) => Math.round(x * 100) / 100;

function run(variant, n, extraEnv = {}) {
  const flags = variant === 'pair' ? ['--expose-gc'] : [];
  const out = execFileSync(process.execPath, [...flags, worker, variant, String(n)], {
    env: { ...process.env, BENCH_DIR: benchDir, ...extraEnv }, maxBuffer: 1 << 28, timeout: 600_000,
  });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

// 1. synth cost
const synth = [];
for (const n of SIZES) {
  const first = run('egress', n, { BENCH_WRITE_FIXTURE: '1' });
  const variants = ['egress', 'l1classes', 'l1', 'tree', 'yaml'];
  const ms = Object.fromEntries(variants.map((v) => [v, []]));
  const rss = Object.fromEntries(variants.map((v) => [v, []]));
  const construct = Object.fromEntries(variants.map((v) => [v, []]));
  const ratio = []; const ratioPlain = []; const treeToPlain = [];
  for (let r = 0; r < RUNS; r++) {
    // Interleaved, so a slow spell of the machine hits every variant alike.
    const x = Object.fromEntries(variants.map((v) => [v, run(v, n)]));
    for (const v of variants) {
      // The yaml floor serializes the same objects without cdk8s (its document separators differ).
      if (v !== 'yaml' && x[v].bytes !== x.egress.bytes) throw new Error(`N=${n}: the ${v} build does not produce the same output (${x[v].bytes} vs ${x.egress.bytes} bytes)`);
      ms[v].push(x[v].ms);
      rss[v].push(x[v].rssMb);
      construct[v].push(x[v].constructMs);
    }
    ratio.push(x.egress.ms / x.l1classes.ms);
    ratioPlain.push(x.egress.ms / x.l1.ms);
    treeToPlain.push(x.tree.ms / x.l1.ms);
  }
  // The same comparison in one process (the issue's "in the same process"): both builds alternate,
  // so after the first round both run warm. Fresh processes (above) stay the headline: every
  // synth in CI is a fresh process, and there the library's own code runs cold.
  const rounds = Math.max(2, RUNS + (RUNS % 2));
  const pair = run('pair', n, { BENCH_PAIR_ROUNDS: String(rounds) });
  if (pair.bytes !== first.bytes) throw new Error(`N=${n}: the same-process builds do not produce the fresh-process output`);
  synth.push({
    n, objects: first.objects, constructs: first.constructs, charts: first.charts, bytes: first.bytes,
    egressMs: stats(ms.egress), l1Ms: stats(ms.l1classes), plainApiObjectsMs: stats(ms.l1), treeMs: stats(ms.tree), yamlMs: stats(ms.yaml),
    // The time to build each construct tree, before synthYaml() (part of the times above).
    constructMs: { egress: stats(construct.egress), l1: stats(construct.l1classes), plainApiObjects: stats(construct.l1), tree: stats(construct.tree) },
    egressRssMb: stats(rss.egress), l1RssMb: stats(rss.l1classes), plainApiObjectsRssMb: stats(rss.l1), treeRssMb: stats(rss.tree), yamlRssMb: stats(rss.yaml),
    ratioToL1: round(median(ratio)), ratioToL1Min: round(Math.min(...ratio)), ratioToL1Max: round(Math.max(...ratio)),
    ratioToPlainApiObjects: round(median(ratioPlain)), treeRatioToPlainApiObjects: round(median(treeToPlain)),
    sameProcess: {
      rounds, egressMs: stats(pair.egressMs), l1Ms: stats(pair.l1Ms),
      ratioToL1: round(median(pair.ratios)), ratioToL1Min: round(Math.min(...pair.ratios)), ratioToL1Max: round(Math.max(...pair.ratios)),
    },
  });
  console.log(`synth N=${n}: egress ${round(median(ms.egress))} ms, L1 classes ${round(median(ms.l1classes))} ms, plain ${round(median(ms.l1))} ms, `
    + `tree ${round(median(ms.tree))} ms, yaml ${round(median(ms.yaml))} ms, ratio ${round(median(ratio))} (to plain ${round(median(ratioPlain))}, tree/plain ${round(median(treeToPlain))}); `
    + `same process: ratio ${round(median(pair.ratios))}`);
}
const at = (n) => synth.find((s) => s.n === n);
// The largest size measured: the breakdown below is for it.
const big = synth[synth.length - 1];
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

// 4. output economy, from the largest fixture and what the mix declared
const largest = SIZES[SIZES.length - 1];
const objects = JSON.parse(fs.readFileSync(path.join(benchDir, `objects-${largest}.json`), 'utf-8')).flat();
const declared = JSON.parse(fs.readFileSync(path.join(benchDir, `declared-${largest}.json`), 'utf-8'));
const byKind = {};
let rules = 0; let duplicates = 0; let cidrEntries = 0;
for (const o of objects) {
  const kind = `${o.kind} (${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core'})`;
  byKind[kind] = (byKind[kind] ?? 0) + 1;
  const spec = o.spec ?? {};
  const egress = Array.isArray(spec.egress) ? spec.egress : [];
  rules += egress.length;
  const seen = new Set();
  for (const r of egress) {
    const key = JSON.stringify(r);
    if (seen.has(key)) duplicates++;
    seen.add(key);
    // Address blocks as each dataplane receives them: NetworkPolicy ipBlock, Cilium toCIDRSet, Calico nets.
    cidrEntries += (r.to ?? []).filter((p) => p.ipBlock).length + (r.toCIDRSet ?? []).length + (r.destination?.nets ?? []).length;
  }
  cidrEntries += (spec.destinationCIDRs ?? []).length; // CiliumEgressGatewayPolicy
}
const economy = {
  intents: largest, objects: objects.length, objectsByKind: byKind, rules, duplicateRules: duplicates,
  declaredDestinationPortPairs: declared.destinationPortPairs, declaredCidrBlocks: declared.cidrBlocks, emittedCidrEntries: cidrEntries,
  objectsPerIntent: round(objects.length / largest), naiveObjectsPerIntent: round(declared.destinationPortPairs / largest),
};

const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` };
const result = { date: new Date().toISOString().slice(0, 10), machine, runs: RUNS, synth, linearity: linear, load, crossLanguage, economy,
  targets: { ratioToL1At10000: 1.2, linearity: 11, loadRatio: 1.5, crossLanguageRatio: 3 } };
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'benchmarks.json'), JSON.stringify(result, null, 2) + '\n');

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
  'An *intent* is one construct of a realistic mix over 50 namespaces (`scripts/bench/mix.js`, 20 charts of 500 intents at',
  '10,000): external services by address block on Kubernetes NetworkPolicy (30 %) and Calico (10 %), by hostname on Cilium',
  '(15 %) and Istio (10 %), Istio egress-gateway routes (10 %), Cilium fixed egress IPs (5 %), internal policies (10 %),',
  'DNS rules with NodeLocal DNSCache (5 %) and default-deny baselines (5 %). Warnings the mix raises are acknowledged once',
  'for the app. Every build below produces byte-identical YAML, and every clock starts once cdk8s and the library are',
  'loaded (load time is measured on its own, below):',
  '',
  '- **L1**: the objects written with the classes `cdk8s import` generates (`k8s.KubeNetworkPolicy`, `CiliumNetworkPolicy`,',
  '  `ServiceEntry`, ...), as a hand-written cdk8s program would — the L1 of the issue this benchmark answers;',
  '- **plain ApiObjects**: the same objects as untyped `ApiObject`s with explicit names, the cheapest possible cdk8s build;',
  '- **same tree**: plain ApiObjects placed in the same construct tree as cdk8s-egress builds (every intermediate construct',
  '  as a plain `Construct`), with no intent logic at all;',
  '- **yaml**: the output serialized with the yaml library alone (the floor).',
  '',
  '| intents | objects | constructs | cdk8s-egress ms | L1 ms | plain ApiObjects ms | same tree ms | yaml ms | ratio to L1 | ratio to plain | same tree / plain | peak RSS MB (egress / L1) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...synth.map((s) => `| ${s.n} | ${s.objects} | ${s.constructs} | ${s.egressMs.median} [${s.egressMs.min}–${s.egressMs.max}] | ${s.l1Ms.median} [${s.l1Ms.min}–${s.l1Ms.max}] `
    + `| ${s.plainApiObjectsMs.median} | ${s.treeMs.median} | ${s.yamlMs.median} | ${s.ratioToL1} [${s.ratioToL1Min}–${s.ratioToL1Max}] | ${s.ratioToPlainApiObjects} `
    + `| ${s.treeRatioToPlainApiObjects} | ${s.egressRssMb.median} / ${s.l1RssMb.median} |`),
  '',
  `- ratio to L1 at 10,000: ${at(10000) ? at(10000).ratioToL1 : 'n/a'} — ${ok(at(10000)?.ratioToL1, 1.2)}`,
  `- ratio to L1 at 10,000 with both builds in the same process: ${at(10000)?.sameProcess.ratioToL1 ?? 'n/a'} — ${ok(at(10000)?.sameProcess.ratioToL1, 1.2)} (table below)`,
  `- ratio to plain ApiObjects at 10,000: ${at(10000)?.ratioToPlainApiObjects ?? 'n/a'} (the stricter reading; earlier versions of this page called this build L1)`,
  `- linearity t(10,000)/t(1,000): ${linear ?? 'n/a'} — ${ok(linear, 11)}`,
  '',
  '### In the same process',
  '',
  'The issue asks for the L1 build "in the same process". The table above runs every build in a fresh process, because',
  'that is how a synth runs in CI (and there the library\'s own code runs before the JIT has optimized it). Here',
  '`node --expose-gc scripts/bench/worker.js pair N` builds cdk8s-egress and the L1 classes one after the other in one',
  'process, alternating which goes first, with a full GC before each build; after the first round both run warm.',
  '',
  '| intents | rounds | cdk8s-egress ms | L1 ms | ratio to L1 |',
  '|---|---|---|---|---|',
  ...synth.map((s) => `| ${s.n} | ${s.sameProcess.rounds} | ${s.sameProcess.egressMs.median} [${s.sameProcess.egressMs.min}–${s.sameProcess.egressMs.max}] `
    + `| ${s.sameProcess.l1Ms.median} [${s.sameProcess.l1Ms.min}–${s.sameProcess.l1Ms.max}] | ${s.sameProcess.ratioToL1} [${s.sameProcess.ratioToL1Min}–${s.sameProcess.ratioToL1Max}] |`),
  '',
  '## Load time',
  '',
  `\`require('cdk8s-egress')\` ${load.egressMs.median} ms [${load.egressMs.min}–${load.egressMs.max}] vs \`require('cdk8s-plus-30')\` ${load.cdk8sPlus30Ms.median} ms [${load.cdk8sPlus30Ms.min}–${load.cdk8sPlus30Ms.max}]: ratio ${load.ratio} — ${ok(load.ratio, 1.5)}.`,
  'Vendor backends (and their generated bindings, up to 2.5 MB of code each) load only when their `EgressBackend` factory is first called.',
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
  'Profiled with `node --cpu-prof scripts/bench/worker.js egress 10000` (compiled library). Each row is the median of 5',
  'fresh processes at 10,000 intents, measured with the same worker; the ratios in these tables are to the plain-ApiObject',
  'build (the only baseline the earlier rows had).',
  '',
  'Earlier mix (external services by CIDR on NetworkPolicy, DNS rules, internal policies, baselines):',
  '',
  '| change | synth | ratio to plain ApiObjects |',
  '|---|---|---|',
  '| before: every CIDR re-parsed and re-formatted through ipaddr.js objects (1.1 s self time in its IPv4 constructor, plus GC) | 7.1 s | 2.81 |',
  '| CIDR parsing memoized, IPv4 parsed and formatted natively; the worker stops its clock before counting objects | 3.5 s | 1.94 |',
  '| NetworkPolicies emitted as plain ApiObjects (the generated class re-mapped every resolved object: a second traversal); budget validation memoized | 3.2 s | 1.71 |',
  '',
  'Current mix (every backend, gateway routes and fixed IPs; the clock starts after loading, as for L1; the rows before',
  '"this run" were measured before the mix declared the overlapping blocks that show merging — same output):',
  '',
  '| change | synth | ratio to plain ApiObjects |',
  '|---|---|---|',
  '| before (commit a2070b9): the FixedEgressIp conflict check compared every pair of FixedEgressIps on each of the 21 validation passes cdk8s runs (1.4 s), denyHosts lookups scanned every Istio claim, warnings were re-sorted on every pass | 5.9 s | 2.52 |',
  '| conflict check indexed by namespace and kept across passes while nothing is added; claims kept per kind; sorted warnings kept (a2b4911) | 4.1 s | 1.72 |',
  '| value objects compute their config once; the size-budget validation registered only once a policy exceeds it (72cfbd0: within noise) | 4.1 s | 1.80 |',
  '| custom resources (Cilium, Calico, Istio, ClusterNetworkPolicy, Terway, prometheus-operator) emitted as plain ApiObjects with JSON-shaped specs: the generated classes rebuilt every level of every object with an object spread per field at synth | 3.7 s | 1.66 |',
  '| the default DNS resolver built once and shared by every policy (its configs and keys computed once: foldRules had spent most of its time keying fresh copies of it); CIDR masks memoized; merging keeps the configs of blocks it leaves unchanged; capability checks format a destination only for an error; one renderer object per policy instead of four closures (9758687, 34913f9, 3633f24): A/B against b26bcb5, 9 interleaved fresh processes each, twice: −2.2 % and −2.3 % (3.90 s vs 3.99 s, 3.96 s vs 4.05 s: small, and within the machine\'s run-to-run noise) | 3.9 s | — |',
  '| memory: duplicate allowances found by scanning a policy\'s rules (a key index only past 32 rules) instead of keeping a key string per destination×port; config keys no longer cached in a WeakMap; DNS rules built once per resolver and shared (68ad03e, 07a11da). Heap kept after building the 10,000 mix (after a full GC) 94 → 73 MB; A/B against 082d3e5 (9 interleaved fresh processes each): −8.2 %, −2.4 %, −3.6 %, then −3.9 % with the DNS rules | 3.7 s | — |',
  '| new checks (session 4): the allow-all opt-in over blocks that add up to a family, IP blocks inside declared cluster ranges, duplicate object names per chart, gateway bypass through other policies (app-wide, once per model revision). First cut +8.3 % against 57213f7 (9 interleaved fresh processes); after making them allocation-free and not keeping the model\'s policy list, +1.1 % (within noise); heap kept after the build +2.6 MB | — | — |',
  '| gateway bypass check (session 5): each route\'s gateway path prefix built once instead of per policy × route, label sets compared without `Object.entries()`; the app-wide check went from 105 to 47 ms at 10,000 intents in a cold process (measured in-process: about 1 % of the synth, below the run-to-run noise of whole builds) | — | — |',
  '| layered model and declared-intent check (session 6): every allowance, route, fixed-IP destination and istiod path checked through every layer once per model revision; namespaced allowances settled by their own rule, sidecar answers kept per destination, gateway hops per host, gateway rules looked up by hostname. A/B at 10,000 intents with scripts/bench/ab.mjs (7 interleaved fresh processes, CPU time, on a machine loaded by other builds): the check against the same build with it switched off +2.0 % (5.08 s vs 5.19 s); the whole session (b49e4aa → this build: warning catalogue, workload readers, backend versions, layered checks) +10.6 %. The check alone: 21 ms at 1,000 intents, 125 ms at 10,000 (linear) | — | — |',
  `| this run (ratio to the L1 classes: ${at(10000)?.ratioToL1 ?? 'n/a'}) | ${at(10000) ? (at(10000).egressMs.median / 1000).toFixed(1) : 'n/a'} s | ${at(10000)?.ratioToPlainApiObjects ?? 'n/a'} |`,
  '',
  '### What stands between the ratio and 1.2×',
  '',
  `Where the time goes at ${big ? big.n : 'n/a'} intents (medians of the same fresh-process runs; *building* is the time to build the`,
  'construct tree, before `app.synthYaml()`; *synth* is `synthYaml()` itself — specs rendered, every validation, YAML):',
  '',
  '| build | building ms | synth ms | total ms |',
  '|---|---|---|---|',
  ...(big ? [
    ['L1 classes', big.constructMs.l1, big.l1Ms],
    ['plain ApiObjects', big.constructMs.plainApiObjects, big.plainApiObjectsMs],
    ['same tree', big.constructMs.tree, big.treeMs],
    ['cdk8s-egress', big.constructMs.egress, big.egressMs],
  ].map(([name, c, t]) => `| ${name} | ${c.median} | ${round(t.median - c.median)} | ${t.median} |`) : []),
  `| yaml alone (the floor) | — | — | ${big ? big.yamlMs.median : 'n/a'} |`,
  '',
  ...(big ? [
    `- The YAML serialization both builds share is ${round(big.yamlMs.median / big.l1Ms.median * 100)} % of the L1 build. The **same tree** build — our construct`,
    `  tree with plain objects and no intent logic — takes ${round(big.treeMs.median / big.l1Ms.median)}× L1: the tree shape costs about what the generated classes`,
    `  cost L1 (\`App.synthYaml()\` resolves dependencies and validates the **whole app** once per chart, ${big.charts + 1} passes for ${big.charts} chart${big.charts === 1 ? '' : 's'},`,
    `  over ${round(big.constructs / big.objects)} constructs per object here; the L1 classes re-map every object through their \`toJson_\` functions instead).`,
    `- So the intent layer has about ${Math.round(1.2 * big.l1Ms.median - big.treeMs.median)} ms for 1.2× L1. It takes ${Math.round(big.egressMs.median - big.treeMs.median)} ms: `
      + `${Math.round(big.constructMs.egress.median - big.constructMs.tree.median)} ms more to build`,
    '  (every value checked with its construct path: labels, names, CIDRs, ports, duplicates, backend capabilities,',
    '  cross-construct conflicts; warnings; every policy recorded in the model behind the report and `EgressModel.check()`;',
    '  object names derived from construct paths, which the L1 builds pass explicitly; vendor backends loaded on first use)',
    `  and ${Math.round(big.egressMs.median - big.constructMs.egress.median - (big.treeMs.median - big.constructMs.tree.median))} ms more to synthesize (specs rendered at synth so \`allow()\` can add rules later, the`,
    '  app-wide checks of the first validation pass, and garbage collection over the larger heap those records keep).',
  ] : []),
  '',
  'What was measured and left:',
  '',
  '- **Fewer constructs.** Collapsing every single-child construct into its child (16,101 constructs instead of 32,621, same',
  '  YAML) made the same-tree build about 4 % faster (session 4), and it would rename every emitted object, since cdk8s derives',
  '  names from construct paths.',
  '- **One validation pass instead of 21.** Proposed upstream in cdk8s-team/cdk8s-core#1658 and left out of the merged change;',
  '  it is cdk8s\'s to make. Both builds pay the passes, ours over more constructs; the same-tree row above bounds what they',
  '  cost us beyond L1.',
  '- **A warm process.** With both builds warm in one process (the table above) the ratio is lower: part of the gap is the',
  '  library\'s own code running before the JIT has optimized it, which every fresh `cdk8s synth` pays.',
  '- **Garbage collection.** In a warm profile of the construction phase it is about 30 % of the time. After building the',
  '  10,000 mix the heap keeps about 65 MB (heap snapshots, generated bindings loaded beforehand, session 5) where the same',
  '  tree with plain objects keeps about 21 MB: spread thin over the constructs\' own `Node` records and scope arrays (about',
  '  10 MB for 2.4 constructs per object), value objects and configs, the model\'s records and the rules kept so `allow()`',
  '  can add more, each about 1 MB or less.',
  '',
  'No single cause is left that would close the gap: what remains is spread over the checks and records the library exists',
  'to make. The linear-scaling, load-time and cross-language targets are met; the 1.2× target is not.',
  '',
  '## Output economy',
  '',
  `At ${largest} intents the mix declares ${economy.declaredDestinationPortPairs} destination×port pairs; a naive rendering with one object per pair would emit`,
  `${economy.declaredDestinationPortPairs} objects (${economy.naiveObjectsPerIntent} per intent). cdk8s-egress emits ${economy.objects} objects (${economy.objectsPerIntent} per intent: `
    + `${Object.entries(economy.objectsByKind).map(([k, v]) => `${v} ${k}`).join(', ')}) with ${economy.rules} egress rules.`,
  `Duplicate rules: ${economy.duplicateRules}. Address blocks: ${economy.declaredCidrBlocks} declared, ${economy.emittedCidrEntries} emitted — overlapping and adjacent blocks`,
  '(a /32 inside a /24, two halves of a /24) are merged before emission, never widened (see docs/concepts.md).',
  '',
];
fs.writeFileSync(path.join(outDir, 'benchmarks.md'), md.join('\n'));
console.log(`bench: wrote ${path.relative(process.cwd(), outDir) || '.'}/benchmarks.md and benchmarks.json`);
