// The dataplane tier's plan (npm run test:dataplane, scripts/test-dataplane.sh).
//
// For every app under test (the seed example and a corpus of random NetworkPolicy apps) it
// synthesizes the app, derives the pods, namespaces and external hosts the app talks about, and
// writes probes, each with the library model's verdict. tools/dataplane/dpnet then applies the
// app's NetworkPolicies to a real kube-network-policies dataplane and sends the probes as real
// packets; test/dataplane/summarize.mjs compares.
//
//   <out>/batch-NN/plan.json      universe + apps (NetworkPolicies, probes, expected verdicts)
//   <out>/batch-NN/universe.tsv   one network namespace per pod or host: `netns ipv4 ipv6 role`
//   <out>/batch-NN/serve.json     the namespaces and ports dpnet serve listens on
//   <out>/plan-summary.json       counts, for the summary's fail-closed checks
//
// Usage: ts-node test/dataplane/plan.ts <out> <netns-prefix> [apps=200] [seed=20261125] [batch=50]
/* eslint-disable no-bitwise */ // address arithmetic and a seeded PRNG
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import * as fc from 'fast-check';
import * as ipaddr from 'ipaddr.js';
import { buildSeedApp } from '../../examples/seed/app';
import { EgressBackend, EgressModel, Protocol } from '../../src';
import { DestinationConfig, DestinationKind } from '../../src/core/destination';
import { PortConfig } from '../../src/core/port';
import { networkVerdict } from '../../src/model/network-verdict';
import { ModelPolicy } from '../../src/model/policy';
import { policyIndex } from '../../src/model/policy-index';
import { LayerVerdict, Probe } from '../../src/model/probe';
import { build as buildCorpusApp, intentArb, NAMESPACES as CORPUS_NAMESPACES } from '../cluster/corpus';

type Labels = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;

/**
 * The library's verdict for a probe on this dataplane, which enforces Kubernetes NetworkPolicy
 * only: the model over the app's NetworkPolicy-backend policies. The one place to switch to the
 * layered model's network-layer verdict.
 */
export function networkLayerVerdict(app: App): (probe: Probe) => LayerVerdict {
  const policies: ModelPolicy[] = EgressModel.of(app).policies().filter((p) => p.backend === 'kubernetes');
  const candidates = policyIndex(policies);
  return (probe) => networkVerdict(candidates(probe.from), probe);
}

const NAME_LABEL = 'kubernetes.io/metadata.name';
/** Labels of pods the tier adds on its own (namespace-wide sources, bystanders). */
const ROLE = 'dataplane.cdk8s-egress.dev/pod';
const ANON: Labels = { [ROLE]: 'workload' };
const BYSTANDER: Labels = { [ROLE]: 'bystander' };
const DNS_NS = 'kube-system';
const DNS_LABELS: Labels = { 'k8s-app': 'kube-dns' };
const SENTINEL_NS = 'dataplane-sentinel';
const CONTROL_NS = 'dataplane-control';
const CLUSTER_IP = '10.0.0.10';
const PORT_POOL = [53, 80, 443, 5432, 8080, 8443];
/** Hosts outside every block the corpus names (TEST-NET-1, and 3fff::/20 of RFC 9637). */
const OUTSIDE_HOSTS = ['192.0.2.200', '3fff::200'];
/** Addresses a host must never take: pod and link ranges of this topology, loopback, multicast. */
const RESERVED = ['0.0.0.0/8', '127.0.0.0/8', '10.244.0.0/16', '169.254.1.1/32', `${CLUSTER_IP}/32`, '224.0.0.0/3',
  '::/127', 'fe80::/10', 'ff00::/8', 'fd00:10:244::/64', '::ffff:0:0/96'];

// ---------------------------------------------------------------- addresses (ipaddr.js, not the library's own CIDR code)
type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const range = (cidr: string): Range => ipaddr.parseCIDR(cidr) as Range;
function inRange(ip: string, cidr: string): boolean {
  const a = ipaddr.parse(ip);
  const r = range(cidr);
  return a.kind() === r[0].kind() && a.match(r);
}
function toBig(a: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return a.toByteArray().reduce((v, b) => (v << 8n) | BigInt(b), 0n);
}
function fromBig(kind: string, v: bigint): string {
  const n = kind === 'ipv4' ? 4 : 16;
  const bytes = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) { bytes[i] = Number(v & 0xffn); v >>= 8n; }
  return ipaddr.fromByteArray(bytes).toString();
}
/** An address inside `cidr`, outside every `except` and every reserved range, or undefined. */
export function pickInside(cidr: string, except: readonly string[] = []): string | undefined {
  const [net, prefix] = range(cidr);
  const bits = net.kind() === 'ipv4' ? 32 : 128;
  const size = 1n << BigInt(bits - prefix);
  const base = toBig(net) & ~(size - 1n);
  const offsets = [5n, 1n, 0n, size / 2n + 3n, size - 2n, size / 4n + 7n, (size * 3n) / 4n + 9n];
  const docs = net.kind() === 'ipv4' ? ['203.0.113.77', '198.51.100.77', '192.0.2.77'] : ['2001:db8::77', '2001:db8:1::77', '3fff::77'];
  const candidates = [...offsets.filter((o) => o < size).map((o) => fromBig(net.kind(), base + o)), ...docs];
  return candidates.find((ip) => inRange(ip, cidr) && !except.some((e) => inRange(ip, e)) && !RESERVED.some((r) => inRange(ip, r)));
}

// ---------------------------------------------------------------- apps under test
interface AppUnderTest {
  readonly name: string;
  readonly app: App;
  readonly manifests: Manifest[];
  /** Namespace labels the app assumes (the corpus' convention). */
  readonly namespaceLabels: Record<string, Labels>;
}

function synth(outdir: string, name: string, build: (app: App) => void, namespaceLabels: Record<string, Labels> = {}): AppUnderTest {
  const app = new App({ outdir: path.join(outdir, name), yamlOutputType: YamlOutputType.FILE_PER_CHART });
  build(app);
  app.synth();
  return { name, app, manifests: app.charts.flatMap((c) => c.toJson()), namespaceLabels };
}

const networkPolicies = (a: AppUnderTest): Manifest[] =>
  a.manifests.filter((m) => m.apiVersion === 'networking.k8s.io/v1' && m.kind === 'NetworkPolicy');
/**
 * Everything the app declares, whatever enforces it: every model policy (any backend) and every
 * fact with a source (gateway routes, fixed egress IPs). Pods and hosts are materialized for all of
 * it, and its allowances are probed; the verdict they are compared with stays the NetworkPolicy one.
 */
interface Declaration {
  source: { namespace: string; podLabels?: Labels };
  rules: Array<{ destinations: DestinationConfig[]; ports: PortConfig[] }>;
  by: string;
  backend: string;
}
function declarations(a: AppUnderTest): Declaration[] {
  const model = EgressModel.of(a.app);
  return [
    ...model.policies().map((p) => ({ source: p.source, rules: p.rules, by: p.objectRef, backend: p.backend })),
    ...model.facts().filter((f) => f.source && f.destinations && f.destinations.length > 0)
      .map((f) => ({ source: f.source!, rules: [{ destinations: f.destinations!, ports: [] }], by: `${f.kind} ${f.constructPath}`, backend: `fact:${f.kind}` })),
  ];
}

// ---------------------------------------------------------------- the universe
interface Pod { namespace: string; name: string; labels: Labels; netns: string; ipv4: string; ipv6: string; role: string }
interface Host { address: string; netns: string }
interface Universe {
  namespaces: Map<string, Labels>;
  pods: Pod[];
  hosts: Host[];
}
const podKey = (ns: string, labels: Labels) => `${ns}/${JSON.stringify(Object.entries(labels).sort())}`;
const matches = (sel: Labels | undefined, labels: Labels) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);
const nsLabelsOf = (u: Universe, ns: string): Labels => ({ ...(u.namespaces.get(ns) ?? {}), [NAME_LABEL]: ns });

/** What one app needs to exist: pods (namespace + labels), namespace labels, host addresses. */
class Needs {
  readonly pods = new Map<string, { namespace: string; labels: Labels }>();
  readonly namespaces = new Map<string, Labels>();
  readonly hosts = new Set<string>();

  constructor(readonly a: AppUnderTest) {
    for (const [ns, labels] of Object.entries(a.namespaceLabels)) this.ns(ns, labels);
  }

  ns(name: string, labels: Labels = {}): void {
    this.namespaces.set(name, { ...(this.namespaces.get(name) ?? {}), ...labels });
  }

  pod(namespace: string, labels: Labels | undefined): void {
    const l = labels && Object.keys(labels).length > 0 ? labels : ANON;
    this.ns(namespace);
    this.pods.set(podKey(namespace, l), { namespace, labels: l });
  }

  /** A namespace carrying `labels`: one the app knows, else one made for them. */
  nsWithLabels(labels: Labels): string {
    if (labels[NAME_LABEL]) return labels[NAME_LABEL];
    for (const [n, l] of this.namespaces) if (matches(labels, l)) return n;
    const name = `nsl-${crypto.createHash('sha256').update(JSON.stringify(Object.entries(labels).sort())).digest('hex').slice(0, 8)}`;
    this.ns(name, labels);
    return name;
  }

  block(cidr: string, except: readonly string[] = []): void {
    const inside = pickInside(cidr, except);
    if (inside) this.hosts.add(inside);
    for (const e of except) {
      const x = pickInside(e);
      if (x) this.hosts.add(x);
    }
  }
}

function appNeeds(a: AppUnderTest): Needs {
  const n = new Needs(a);
  for (const m of a.manifests) if (m.kind === 'Namespace') n.ns(m.metadata.name, m.metadata.labels ?? {});
  n.pod(DNS_NS, DNS_LABELS);
  // Workloads, with the labels of their pod template
  for (const m of a.manifests) {
    const tpl = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template : m.kind === 'Pod' ? m : m.spec?.template;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'].includes(m.kind) && tpl?.metadata?.labels) {
      n.pod(m.metadata.namespace ?? 'default', tpl.metadata.labels);
    }
  }
  // What the model says the app declares
  for (const p of declarations(a)) {
    n.pod(p.source.namespace, p.source.podLabels);
    for (const r of p.rules) for (const d of r.destinations) destinationNeeds(n, d, p.source.namespace);
  }
  // What the emitted NetworkPolicies select (the objects actually applied)
  for (const np of networkPolicies(a)) {
    const ns = np.metadata.namespace;
    if (!np.spec.podSelector?.matchExpressions) n.pod(ns, np.spec.podSelector?.matchLabels);
    for (const rule of np.spec.egress ?? []) {
      for (const peer of rule.to ?? []) {
        if (peer.ipBlock) n.block(peer.ipBlock.cidr, peer.ipBlock.except ?? []);
        if (peer.podSelector?.matchExpressions || peer.namespaceSelector?.matchExpressions) continue;
        if (peer.namespaceSelector) {
          const sel = peer.namespaceSelector.matchLabels ?? {};
          if (Object.keys(sel).length > 0) n.pod(n.nsWithLabels(sel), peer.podSelector?.matchLabels);
        } else if (peer.podSelector) {
          n.pod(ns, peer.podSelector.matchLabels);
        }
      }
    }
  }
  for (const ns of [...n.namespaces.keys()]) n.pod(ns, BYSTANDER);
  return n;
}

function destinationNeeds(n: Needs, d: DestinationConfig, policyNs: string): void {
  switch (d.kind) {
    case DestinationKind.PODS:
      n.pod(d.namespace ?? (d.namespaceLabels ? n.nsWithLabels(d.namespaceLabels) : policyNs), d.podLabels);
      break;
    case DestinationKind.CIDR:
      n.block(d.cidr!, d.except ?? []);
      break;
    case DestinationKind.KUBE_API_SERVER:
      for (const c of d.apiServerCidrs ?? []) n.block(c);
      break;
    default: // hostnames: not NetworkPolicy
  }
}

function buildUniverse(needs: Needs[], prefix: string): Universe {
  const namespaces = new Map<string, Labels>([[SENTINEL_NS, {}], [CONTROL_NS, {}]]);
  const wanted = new Map<string, { namespace: string; labels: Labels }>();
  const hosts = new Set<string>(OUTSIDE_HOSTS);
  for (const n of needs) {
    for (const [k, v] of n.namespaces) namespaces.set(k, { ...(namespaces.get(k) ?? {}), ...v });
    for (const [k, v] of n.pods) wanted.set(k, v);
    for (const h of n.hosts) hosts.add(h);
  }
  const pods: Pod[] = [];
  const add = (namespace: string, name: string, labels: Labels, role: string) => {
    const i = pods.length;
    pods.push({
      namespace,
      name,
      labels,
      role,
      netns: `${prefix}-p${i}`,
      ipv4: `10.244.${Math.floor(i / 200)}.${(i % 200) + 2}`,
      ipv6: `fd00:10:244::${(i + 2).toString(16)}`,
    });
  };
  // The kube-dns pod first: it is the DNS target of every app and of the controls.
  add(DNS_NS, 'coredns', DNS_LABELS, 'dns');
  add(SENTINEL_NS, 'sentinel', {}, 'sentinel');
  add(CONTROL_NS, 'control', {}, 'control');
  wanted.delete(podKey(DNS_NS, DNS_LABELS));
  const sorted = [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const perNs = new Map<string, number>();
  for (const [, p] of sorted) {
    const k = perNs.get(p.namespace) ?? 0;
    perNs.set(p.namespace, k + 1);
    add(p.namespace, `pod-${k}`, p.labels, 'pod');
  }
  const hostList = [...hosts].sort().map((address, i) => ({ address, netns: `${prefix}-h${i}` }));
  return { namespaces, pods, hosts: hostList };
}

// ---------------------------------------------------------------- probes
interface PlanProbe {
  id: string;
  kind: string;
  desc: string;
  expected: boolean;
  netns: string;
  dst: string;
  port: number;
  proto: 'TCP' | 'UDP';
}

/** A pod (at `ip`, reached at `via` when a Service address is DNATed to it) or a host. */
type Target = { pod: Pod; ip: string; via?: string } | { host: Host };
const targetIp = (t: Target) => ('pod' in t ? t.via ?? t.ip : t.host.address);
const targetName = (t: Target) => ('pod' in t ? `${t.pod.namespace}/${t.pod.name}` : t.host.address);
const fmtLabels = (l: Labels) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');

/** A deterministic pseudo-random sequence per app (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function probesFor(a: AppUnderTest, u: Universe, seed: number, stats: Stats): PlanProbe[] {
  const verdict = networkLayerVerdict(a.app);
  const policies = declarations(a);
  const nps = networkPolicies(a);
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const workloads = u.pods.filter((p) => p.role === 'pod' || p.role === 'dns');
  const dnsPod = u.pods.find((p) => p.role === 'dns')!;

  // Sources: pods each emitted NetworkPolicy (or model policy) selects, a few each, and one pod
  // per such namespace that nothing selects.
  const selectedBy = (ns: string, sel: Labels | undefined) => workloads.filter((p) => p.namespace === ns && matches(sel, p.labels));
  const sources = new Map<string, Pod>();
  const addSources = (ps: Pod[]) => ps.slice(0, 3).forEach((p) => sources.set(p.netns, p));
  for (const np of nps) if (!np.spec.podSelector?.matchExpressions) addSources(selectedBy(np.metadata.namespace, np.spec.podSelector?.matchLabels));
  for (const p of policies) addSources(selectedBy(p.source.namespace, p.source.podLabels));
  const isolatedNs = new Set([...nps.map((np) => np.metadata.namespace as string), ...policies.map((p) => p.source.namespace)]);
  const sourceCap = 10;
  for (const ns of isolatedNs) {
    const free = workloads.find((p) => p.namespace === ns && !nps.some((np) => np.metadata.namespace === ns
      && (np.spec.podSelector?.matchExpressions || matches(np.spec.podSelector?.matchLabels, p.labels))));
    if (free) sources.set(free.netns, free);
  }
  const srcList = [...sources.values()].slice(0, sourceCap);

  const out: PlanProbe[] = [];
  const seen = new Set<string>();
  const add = (kind: string, src: Pod, t: Target, port: number, proto: 'TCP' | 'UDP', why = '') => {
    const dst = targetIp(t);
    const key = `${src.netns}>${dst}:${port}/${proto}`;
    if (seen.has(key)) return;
    seen.add(key);
    const probe: Probe = {
      from: { namespace: src.namespace, labels: src.labels },
      ...('pod' in t
        ? { toPod: { namespace: t.pod.namespace, labels: t.pod.labels, namespaceLabels: nsLabelsOf(u, t.pod.namespace), ip: t.ip } }
        : { toIp: dst }),
      port,
      protocol: proto === 'TCP' ? Protocol.TCP : Protocol.UDP,
    };
    const v = verdict(probe);
    if (kind.startsWith('declared') && !v.allowed) stats.declaredDenied.push(`${a.name}: ${src.namespace}/${src.name}{${fmtLabels(src.labels)}} -> ${targetName(t)} (${dst}):${port}/${proto}${why}`);
    out.push({
      id: `${a.name}#${out.length}`,
      kind,
      expected: v.allowed,
      desc: `${src.namespace}/${src.name}{${fmtLabels(src.labels)}} -> ${targetName(t)} (${dst}):${port}/${proto} [${kind}${why}] model: ${v.allowed ? `allowed by ${v.allowedBy.join(' ') || 'no isolation'}` : 'denied'}`,
      netns: src.netns,
      dst,
      port,
      proto,
    });
  };
  const podTargets = (d: DestinationConfig, policyNs: string): Target[] => workloads
    .filter((p) => {
      const nsOk = d.namespace !== undefined ? p.namespace === d.namespace
        : d.namespaceLabels !== undefined ? matches(d.namespaceLabels, nsLabelsOf(u, p.namespace)) : p.namespace === policyNs;
      return nsOk && matches(d.podLabels, p.labels);
    }).slice(0, 2).map((pod) => ({ pod, ip: pod.ipv4 }));
  const blockTargets = (cidr: string, except: readonly string[]): Target[] => {
    const inside = u.hosts.filter((h) => inRange(h.address, cidr) && !except.some((e) => inRange(h.address, e))).slice(0, 1);
    const excepted = except.flatMap((e) => u.hosts.filter((h) => inRange(h.address, e)).slice(0, 1));
    const podsInside = workloads.filter((p) => inRange(p.ipv4, cidr) && !except.some((e) => inRange(p.ipv4, e))).slice(0, 1);
    return [...inside.map((host) => ({ host })), ...excepted.map((host) => ({ host })), ...podsInside.map((pod) => ({ pod, ip: pod.ipv4 }))];
  };
  const portsOf = (ports: readonly PortConfig[]): Array<[number, 'TCP' | 'UDP']> => {
    if (ports.length === 0) return [[8080, 'TCP'], [53, 'UDP']];
    return ports.flatMap((p): Array<[number, 'TCP' | 'UDP']> => {
      if (p.protocol === Protocol.SCTP) return [];
      const proto = p.protocol === Protocol.UDP ? 'UDP' : 'TCP';
      if (p.port === undefined) return [[proto === 'TCP' ? 8080 : 53, proto]];
      return p.endPort !== undefined && p.endPort !== p.port ? [[p.port, proto], [p.endPort, proto]] : [[p.port, proto]];
    });
  };

  for (const src of srcList) {
    // Every allowance declared for this source
    for (const p of policies) {
      if (p.source.namespace !== src.namespace || !matches(p.source.podLabels, src.labels)) continue;
      for (const r of p.rules) {
        for (const d of r.destinations) {
          const targets = d.kind === DestinationKind.PODS ? podTargets(d, p.source.namespace)
            : d.kind === DestinationKind.CIDR ? blockTargets(d.cidr!, d.except ?? [])
              : d.kind === DestinationKind.KUBE_API_SERVER ? (d.apiServerCidrs ?? []).flatMap((c) => blockTargets(c, [])) : [];
          for (const t of targets) {
            const excepted = 'host' in t && (d.except ?? []).some((e) => inRange(t.host.address, e));
            const kind = excepted ? 'except' : p.backend === 'kubernetes' ? 'declared' : `declared-${p.backend}`;
            for (const [port, proto] of portsOf(r.ports)) add(kind, src, t, port, proto, ` by ${p.by}`);
          }
        }
      }
    }
    // DNS: to the kube-dns pod directly and through its ClusterIP (DNAT: decided on the pod)
    add('dns', src, { pod: dnsPod, ip: dnsPod.ipv4 }, 53, 'UDP');
    add('dns', src, { pod: dnsPod, ip: dnsPod.ipv4 }, 53, 'TCP');
    add('dns-clusterip', src, { pod: dnsPod, ip: dnsPod.ipv4, via: CLUSTER_IP }, 53, 'UDP');
    add('dns-clusterip', src, { pod: dnsPod, ip: dnsPod.ipv4, via: CLUSTER_IP }, 53, 'TCP');
    // A sample of everything else: pods (IPv4 or IPv6), hosts, ports
    const declaredPorts = [...new Set(policies.flatMap((p) => p.rules.flatMap((r) => portsOf(r.ports).map(([n]) => n))))];
    const pool = [...new Set([...PORT_POOL, ...declaredPorts])];
    for (let i = 0; i < 4; i++) {
      const t: Target = random() < 0.55
        ? (() => { const pod = pick(workloads.filter((p) => p !== src)); return { pod, ip: random() < 0.2 ? pod.ipv6 : pod.ipv4 }; })()
        : { host: pick(u.hosts) };
      add('sample', src, t, pick(pool), random() < 0.7 ? 'TCP' : 'UDP');
    }
  }
  return out;
}

// ---------------------------------------------------------------- negative controls
/** Wider than declared: ipBlock `except` dropped, and the last egress rule of each policy open to any destination. */
export function widen(nps: Manifest[]): Manifest[] {
  return nps.map((np) => {
    const egress = (np.spec.egress ?? []).map((r: Manifest) => ({
      ...r, to: (r.to ?? []).map((peer: Manifest) => (peer.ipBlock ? { ipBlock: { cidr: peer.ipBlock.cidr } } : peer)),
    }));
    if (egress.length > 0) delete egress[egress.length - 1].to;
    return { ...np, spec: { ...np.spec, egress } };
  });
}
/** Narrower than declared: the last egress rule of each policy dropped. */
export function narrow(nps: Manifest[]): Manifest[] {
  return nps.map((np) => ({ ...np, spec: { ...np.spec, egress: (np.spec.egress ?? []).slice(0, -1) } }));
}

// ---------------------------------------------------------------- main
interface Stats { declaredDenied: string[] }

function main(): void {
  const out = path.resolve(process.argv[2] ?? '.dataplane/plan');
  const prefix = process.argv[3] ?? 'cdke';
  const count = Number(process.argv[4] ?? 200);
  const seed = Number(process.argv[5] ?? 20261125);
  const batchSize = Number(process.argv[6] ?? 50);
  if (!/^[a-z0-9]{1,12}$/.test(prefix)) throw new Error(`netns prefix '${prefix}': use 1-12 characters a-z0-9`);
  fs.rmSync(out, { recursive: true, force: true });
  const appsDir = path.join(out, 'apps');

  // Every example app (examples/seed; the Python, Java and Go examples are ports of it, byte-equal
  // by the parity check), then the corpus restricted to the NetworkPolicy backend.
  const apps: AppUnderTest[] = [synth(appsDir, 'example-seed', buildSeedApp)];
  const corpusNsLabels: Record<string, Labels> = {};
  CORPUS_NAMESPACES.forEach((ns, i) => { corpusNsLabels[ns] = i % 2 === 0 ? { team: 'platform' } : {}; });
  fc.sample(fc.array(intentArb, { minLength: 1, maxLength: 6 }), { numRuns: count, seed }).forEach((intents, n) => {
    const name = `corpus-${String(n).padStart(4, '0')}`;
    apps.push(synth(appsDir, name, (app) => buildCorpusApp(app, `dp${n}`, intents, EgressBackend.kubernetes()), corpusNsLabels));
  });

  const stats: Stats = { declaredDenied: [] };
  const summary = { seed, apps: 0, probes: 0, negativeApps: { widened: 0, narrowed: 0 }, batches: [] as string[], networkPolicies: 0 };
  const negativeBases = new Set<string>(['example-seed']);
  for (const a of apps.slice(1)) {
    if (negativeBases.size >= 7) break;
    if (networkPolicies(a).some((np) => (np.spec.egress ?? []).length >= 2)) negativeBases.add(a.name);
  }
  const batches = Math.ceil(apps.length / batchSize);
  const per = Math.ceil(apps.length / batches);
  for (let b = 0; b < batches; b++) {
    const batch = apps.slice(b * per, (b + 1) * per);
    const batchId = `${prefix}b${String(b).padStart(2, '0')}`;
    const u = buildUniverse(batch.map(appNeeds), batchId);
    const planApps: Manifest[] = [];
    const negatives: Manifest[] = [];
    batch.forEach((a, i) => {
      const probes = probesFor(a, u, seed + b * 1000 + i, stats);
      const policies = networkPolicies(a);
      planApps.push({ name: a.name, policies, probes });
      summary.apps++;
      summary.probes += probes.length;
      summary.networkPolicies += policies.length;
      if (negativeBases.has(a.name)) {
        negatives.push({ name: `${a.name}~widened`, negative: 'widened', policies: widen(policies), probes });
        negatives.push({ name: `${a.name}~narrowed`, negative: 'narrowed', policies: narrow(policies), probes });
        summary.negativeApps.widened++;
        summary.negativeApps.narrowed++;
      }
    });
    const ports = [...new Set([53, ...planApps.flatMap((a) => a.probes.map((p: PlanProbe) => p.port))])].sort((x, y) => x - y);
    const closedPort = [9, 7, 13, 19, 37].find((p) => !ports.includes(p))!;
    const dir = path.join(out, `batch-${String(b).padStart(2, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    const pod = (role: string) => u.pods.find((p) => p.role === role)!;
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({
      batch: batchId,
      node: 'dataplane-node',
      namespaces: [...u.namespaces.entries()].map(([name, labels]) => ({ name, labels })),
      pods: u.pods.map(({ role: _role, ...p }) => p),
      controls: {
        sentinelNamespace: SENTINEL_NS,
        sentinelNetns: pod('sentinel').netns,
        controlNetns: pod('control').netns,
        dnsPodIp: pod('dns').ipv4,
        clusterIp: CLUSTER_IP,
        closedPort,
      },
      apps: [...planApps, ...negatives],
      ports,
    }, null, 1));
    const tsv = [
      ...u.pods.map((p) => `${p.netns}\t${p.ipv4}\t${p.ipv6}\t${p.role}`),
      ...u.hosts.map((h) => (h.address.includes(':') ? `${h.netns}\t-\t${h.address}\thost` : `${h.netns}\t${h.address}\t-\thost`)),
    ];
    fs.writeFileSync(path.join(dir, 'universe.tsv'), tsv.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'serve.json'), JSON.stringify({ netns: [...u.pods.map((p) => p.netns), ...u.hosts.map((h) => h.netns)], ports }));
    summary.batches.push(path.basename(dir));
    console.log(`plan ${path.basename(dir)} (${batchId}): ${batch.length} apps (+${negatives.length} negative controls), ${u.namespaces.size} namespaces, ${u.pods.length} pods, ${u.hosts.length} hosts, ${planApps.reduce((n, a) => n + a.probes.length, 0)} probes, ports ${ports.join(',')}`);
  }
  fs.writeFileSync(path.join(out, 'plan-summary.json'), JSON.stringify({ ...summary, declaredDenied: stats.declaredDenied }, null, 1));
  if (stats.declaredDenied.length > 0) {
    console.log(`plan: ${stats.declaredDenied.length} declared allowances that the NetworkPolicy layer denies by the model (compared with the dataplane like every other probe; item 3 of issue #17 is about these):`);
    for (const d of stats.declaredDenied.slice(0, 20)) console.log(`  ${d}`);
  }
  console.log(`plan: ${summary.apps} apps, ${summary.networkPolicies} NetworkPolicies, ${summary.probes} probes in ${summary.batches.length} batches (seed ${seed}) -> ${out}`);
}

if (require.main === module) main();
