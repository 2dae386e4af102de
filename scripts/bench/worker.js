// One benchmark measurement in a fresh process: prints a JSON line {ms, constructMs, rssMb, objects, constructs, charts, bytes}.
//   node worker.js <variant: egress|l1|l1classes|tree|yaml> <N>
//   node --expose-gc worker.js pair <N>   (egress and l1classes alternately in one process; see below)
// egress: build N intents with cdk8s-egress constructs and synthesize YAML.
// l1:     build the same objects directly as plain cdk8s ApiObjects (from a precomputed JSON) and synthesize.
// l1classes: the same objects with the generated L1 classes (KubeNetworkPolicy, CiliumNetworkPolicy, ...).
// tree:   the same objects in the same construct tree as the egress build (every intermediate
//         construct as a plain Construct, same ids, same order), without any intent logic: what
//         cdk8s itself costs for the shape of the tree.
// yaml:   serialize the same objects with the yaml library alone (the floor).
const fs = require('fs');
const path = require('path');
const variant = process.argv[2];
const n = Number(process.argv[3]);
const fixture = path.join(process.env.BENCH_DIR, `objects-${n}.json`);
const treeFixture = path.join(process.env.BENCH_DIR, `tree-${n}.json`);

// Each variant is prepared (modules loaded, inputs in memory) before its clock starts; build()
// then constructs the app and synthesizes it, returning the YAML.
function prepare(v) {
  if (v === 'egress') {
    const { App } = require('cdk8s');
    const { buildMix } = require('./mix'); // loads the library's entry point (load time is measured on its own)
    return {
      build() {
        const t0 = process.hrtime.bigint();
        const app = new App();
        const declared = buildMix(app, n);
        const constructMs = sinceMs(t0);
        const yaml = app.synthYaml();
        return { yaml, app, declared, constructMs };
      },
    };
  }
  if (v === 'l1') {
    const { ApiObject } = require('cdk8s');
    return flatProgram(JSON.parse(fs.readFileSync(fixture, 'utf-8')), (chart, id, o) => new ApiObject(chart, id, o));
  }
  if (v === 'l1classes') {
    // The same objects written as a cdk8s L1 program would write them: with the classes generated
    // by `cdk8s import` (k8s.KubeNetworkPolicy, CiliumNetworkPolicy, ServiceEntry, ...) and their
    // props spelling (camel-cased field names, IntOrString and union classes). Props are prepared
    // before the clock starts, as the plain-ApiObject build's JSON is.
    const { k8s } = require('cdk8s-plus-30');
    const imports = (m) => require(path.join(__dirname, '..', '..', 'lib', 'imports', m));
    const cilium = imports('cilium.io');
    const istio = imports('networking.istio.io');
    const calico = imports('projectcalico.org');
    const classes = new Map();
    const add = (cls, props = (o) => ({ metadata: o.metadata, spec: o.spec })) => classes.set(`${cls.GVK.apiVersion}/${cls.GVK.kind}`, { cls, props });
    const rename = (obj, names) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [names[k] ?? k, v]));
    add(k8s.KubeNetworkPolicy, (o) => ({
      metadata: o.metadata,
      spec: { ...o.spec, egress: o.spec.egress.map((r) => ({ ...r, ...(r.ports ? { ports: r.ports.map((p) => ({ ...p, ...(p.port !== undefined ? { port: k8s.IntOrString.fromNumber(p.port) } : {}) })) } : {}) })) },
    }));
    add(cilium.CiliumNetworkPolicy, (o) => ({ metadata: o.metadata, spec: { ...o.spec, egress: o.spec.egress.map((r) => rename(r, { toFQDNs: 'toFqdNs', toCIDRSet: 'toCidrSet' })) } }));
    add(cilium.CiliumEgressGatewayPolicy, (o) => ({
      metadata: o.metadata,
      spec: rename({ ...o.spec, egressGateway: rename(o.spec.egressGateway, { egressIP: 'egressIp' }) }, { destinationCIDRs: 'destinationCidRs', excludedCIDRs: 'excludedCidRs' }),
    }));
    add(calico.NetworkPolicy, (o) => ({
      metadata: o.metadata,
      spec: {
        ...o.spec,
        egress: o.spec.egress.map((r) => ({
          ...r,
          ...(r.protocol ? { protocol: calico.NetworkPolicySpecEgressProtocol.fromString(r.protocol) } : {}),
          destination: { ...r.destination, ...(r.destination.ports ? { ports: r.destination.ports.map((x) => (typeof x === 'number' ? calico.NetworkPolicySpecEgressDestinationPorts.fromNumber(x) : calico.NetworkPolicySpecEgressDestinationPorts.fromString(x))) } : {}) },
        })),
      },
    }));
    for (const cls of [istio.ServiceEntry, istio.Sidecar, istio.Gateway, istio.VirtualService, istio.DestinationRule, imports('security.istio.io').AuthorizationPolicy, imports('telemetry.istio.io').Telemetry]) add(cls);
    const charts = JSON.parse(fs.readFileSync(fixture, 'utf-8')).map((objs) => objs.map((o) => {
      const l1 = classes.get(`${o.apiVersion}/${o.kind}`);
      if (!l1) throw new Error(`no L1 class for ${o.apiVersion}/${o.kind}`);
      return { cls: l1.cls, props: l1.props(o) };
    }));
    return flatProgram(charts, (chart, id, o) => new o.cls(chart, id, o.props));
  }
  if (v === 'tree') {
    const { App, Chart, ApiObject } = require('cdk8s');
    const { Construct } = require('constructs');
    const nodes = JSON.parse(fs.readFileSync(treeFixture, 'utf-8'));
    return {
      build() {
        const t0 = process.hrtime.bigint();
        const app = new App();
        const stack = [app];
        for (const [depth, id, json] of nodes) {
          stack.length = depth;
          const scope = stack[depth - 1];
          stack.push(depth === 1 ? new Chart(app, id) : json ? new ApiObject(scope, id, json) : new Construct(scope, id));
        }
        const constructMs = sinceMs(t0);
        return { yaml: app.synthYaml(), constructMs };
      },
    };
  }
  if (v === 'yaml') {
    const yaml = require('yaml');
    const charts = JSON.parse(fs.readFileSync(fixture, 'utf-8'));
    return { build: () => ({ yaml: charts.flat().map((o) => yaml.stringify(o)).join('---\n'), constructMs: 0 }) };
  }
  throw new Error(`unknown variant ${v}`);
}

/** An L1 program over the fixture: one chart per fixture chart, each object made by `make`. */
function flatProgram(charts, make) {
  const { App, Chart } = require('cdk8s');
  return {
    build() {
      const t0 = process.hrtime.bigint();
      const app = new App();
      charts.forEach((objs, i) => {
        const chart = new Chart(app, `c${i}`);
        objs.forEach((o, j) => make(chart, `o${j}`, o));
      });
      const constructMs = sinceMs(t0);
      return { yaml: app.synthYaml(), constructMs };
    },
  };
}

const sinceMs = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// Each build also reports constructMs: the time to build its construct tree, before synthYaml().
const timed = (build) => {
  const t0 = process.hrtime.bigint();
  const r = build();
  return { ...r, ms: sinceMs(t0) };
};

if (variant === 'pair') {
  // The reading "in the same process": cdk8s-egress and the L1 classes built one after the
  // other in one process, alternating which goes first, with a full GC before each build. After the
  // first round both run with warm JIT code. Prints {egressMs[], l1Ms[], ratios[], bytes}.
  const rounds = Number(process.env.BENCH_PAIR_ROUNDS ?? 6);
  const builds = { egress: prepare('egress'), l1classes: prepare('l1classes') };
  const out = { egressMs: [], l1Ms: [], ratios: [], bytes: 0 };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['egress', 'l1classes'] : ['l1classes', 'egress'];
    const ms = {};
    for (const v of order) {
      global.gc();
      const x = timed(builds[v].build);
      ms[v] = x.ms;
      const bytes = Buffer.byteLength(x.yaml);
      if (out.bytes && bytes !== out.bytes) throw new Error(`the ${v} build does not produce the same output (${bytes} vs ${out.bytes} bytes)`);
      out.bytes = bytes;
    }
    out.egressMs.push(ms.egress);
    out.l1Ms.push(ms.l1classes);
    out.ratios.push(ms.egress / ms.l1classes);
  }
  console.log(JSON.stringify(out));
  process.exit(0);
}

const x = timed(prepare(variant).build);
if (variant === 'egress' && process.env.BENCH_WRITE_FIXTURE) {
  const { app, declared } = x;
  fs.writeFileSync(fixture, JSON.stringify(app.charts.map((c) => c.toJson())));
  fs.writeFileSync(path.join(process.env.BENCH_DIR, `declared-${n}.json`), JSON.stringify(declared ?? {}));
  // Every construct below the app in pre-order: [depth, id, object JSON or 0 for a plain construct].
  const { ApiObject } = require('cdk8s');
  const base = app.node.scopes.length;
  fs.writeFileSync(treeFixture, JSON.stringify(app.node.findAll().slice(1).map((c) => [
    c.node.scopes.length - base, c.node.id, c instanceof ApiObject ? c.toJson() : 0,
  ])));
}
const out = x.yaml;
const objects = variant === 'yaml' ? JSON.parse(fs.readFileSync(fixture, 'utf-8')).reduce((k, c) => k + c.length, 0) : out.split('\n---\n').length;
const constructs = variant === 'egress' ? x.app.node.findAll().length - 1 : undefined;
const charts = variant === 'egress' ? x.app.charts.length : undefined;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ ms: x.ms, cpuMs: (cpu.user + cpu.system) / 1000, constructMs: x.constructMs, rssMb: process.resourceUsage().maxRSS / 1024, objects, constructs, charts, bytes: Buffer.byteLength(out) }));
