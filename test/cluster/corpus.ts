// Generates the corpus for the cluster tier (npm run test:cluster):
//   <out>/apps/app-NNNN/*.k8s.yaml  — N random apps built only from the public constructs,
//                                       synthesized by cdk8s (validations included)
//   <out>/np-probes.json             — for every app, the NetworkPolicies it emitted, a pod
//                                       universe and probes, with the library model's verdicts,
//                                       in the np-oracle's input format
// Usage: ts-node test/cluster/corpus.ts <out> [apps=500] [seed=20261125]
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AllowedExternalService, CiliumEgressGatewayValues, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressGateway,
  IEgressBackend, FixedEgressIp, FixedEgressIpProvider,
  EgressModel, EgressPolicy, EgressSource, Port, Protocol,
} from '../../src';
import { requiredCapabilities } from '../../src/core/policy-config';
import { checkProbe } from '../../src/model/matching';

export const NAMESPACES = ['shop', 'payments', 'data', 'batch'];
export const LABELS: Array<Record<string, string>> = [{ app: 'api' }, { app: 'web' }, { app: 'worker', tier: 'backend' }, { tier: 'backend' }];
const CIDRS = ['203.0.113.0/24', '203.0.113.128/25', '198.51.100.0/24', '192.0.2.0/28', '192.0.2.16/28', '10.20.0.0/16'];
const CIDRS6 = ['2001:db8::/32', '2001:db8:1::/48'];
const EXTERNAL_IPS = ['203.0.113.5', '203.0.113.200', '198.51.100.7', '192.0.2.3', '192.0.2.20', '192.0.2.99', '10.20.3.4', '10.21.0.1', '8.8.8.8', '2001:db8::5', '2001:db8:1::9', '2001:db9::1'];
const PORTS = [53, 80, 443, 5432, 8080, 8443];

/**
 * Backends in the corpus, one per app (weights: NetworkPolicy apps also feed the oracle probes).
 * Each app uses only destinations its backend can express.
 */
const BACKENDS: Array<() => IEgressBackend> = [
  () => EgressBackend.kubernetes(),
  () => EgressBackend.kubernetes(),
  () => EgressBackend.calico(),
  () => EgressBackend.clusterNetworkPolicy(),
  () => EgressBackend.cilium(),
  () => EgressBackend.kubernetes(),
];

export type Intent =
  | { kind: 'policy'; ns: string; labels?: Record<string, string>; rules: Array<{ dest: number; ports: number[] }>; dns: number }
  | { kind: 'deny'; ns: string; labels?: Record<string, string> }
  | { kind: 'dns'; ns: string; labels?: Record<string, string>; nodeLocal: boolean }
  | { kind: 'external'; ns: string; labels: Record<string, string>; cidrs: string[]; ports: number[] };

const nsArb = fc.constantFrom(...NAMESPACES);
const labelsArb = fc.option(fc.constantFrom(...LABELS), { nil: undefined });
export const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  fc.record({
    kind: fc.constant('policy' as const),
    ns: nsArb,
    labels: labelsArb,
    dns: fc.integer({ min: 0, max: 2 }),
    rules: fc.uniqueArray(
      fc.record({ dest: fc.integer({ min: 0, max: 11 }), ports: fc.uniqueArray(fc.constantFrom(...PORTS), { maxLength: 2 }) }),
      { maxLength: 4, selector: (r) => r.dest },
    ),
  }),
  fc.record({ kind: fc.constant('deny' as const), ns: nsArb, labels: labelsArb }),
  fc.record({ kind: fc.constant('dns' as const), ns: nsArb, labels: labelsArb, nodeLocal: fc.boolean() }),
  fc.record({
    kind: fc.constant('external' as const),
    ns: nsArb,
    labels: fc.constantFrom(...LABELS),
    cidrs: fc.uniqueArray(fc.constantFrom(...CIDRS, ...CIDRS6), { minLength: 1, maxLength: 3 }),
    ports: fc.uniqueArray(fc.constantFrom(443, 8443, 80), { minLength: 1, maxLength: 2 }),
  }),
);

function destination(i: number, ns: string): Destination {
  switch (i) {
    case 0: return Destination.pods({ labels: { app: 'api' } });
    case 1: return Destination.pods({ labels: { app: 'web' }, namespace: NAMESPACES[(NAMESPACES.indexOf(ns) + 1) % NAMESPACES.length] });
    case 2: return Destination.namespace('data');
    case 3: return Destination.namespacesWithLabels({ team: 'platform' });
    case 4: return Destination.pods({ labels: { tier: 'backend' }, namespaceLabels: { team: 'platform' } });
    case 5: return Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.128/25'] });
    case 6: return Destination.ipv4('198.51.100.0/24');
    case 7: return Destination.ipv4('192.0.2.0/28');
    case 8: return Destination.ipv6('2001:db8::/32', { except: ['2001:db8:1::/48'] });
    case 9: return Destination.ipv4('10.20.0.0/16');
    case 10: return Destination.kubeApiServer({ endpoints: ['192.0.2.16/28'] });
    default: return Destination.ipv4('192.0.2.16/28');
  }
}

function source(ns: string, labels?: Record<string, string>): EgressSource {
  return labels ? EgressSource.pods({ namespace: ns, labels }) : EgressSource.namespace(ns);
}

/** One random app of intents for one backend (the cluster tier's corpus; the dataplane tier's too, NetworkPolicy only). */
export function build(app: App, id: string, intents: Intent[], backend: IEgressBackend): void {
  const chart = new Chart(app, id);
  const expressible = (d: Destination) => requiredCapabilities(d.toConfig()).every((c) => backend.supports(c));
  intents.forEach((it, i) => {
    const cid = `i${i}`;
    switch (it.kind) {
      case 'policy': {
        const dns = [[DnsResolver.kubeDns()], [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache()], DnsResolver.addresses(['10.96.0.10/32'])][it.dns];
        const p = new EgressPolicy(chart, cid, { source: source(it.ns, it.labels), dns, backends: [backend] });
        for (const r of it.rules) {
          const d = destination(r.dest, it.ns);
          if (expressible(d)) p.allow(d, ...r.ports.map((n) => Port.tcp(n)));
        }
        break;
      }
      case 'deny':
        new DefaultDenyEgress(chart, cid, { source: source(it.ns, it.labels), backends: [backend] });
        break;
      case 'dns':
        new DnsEgressRule(chart, cid, {
          source: source(it.ns, it.labels),
          dns: it.nodeLocal ? [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache()] : undefined,
          backends: [backend],
        });
        break;
      case 'external':
        new AllowedExternalService(chart, cid, {
          source: source(it.ns, it.labels),
          destinations: it.cidrs.map((c) => (c.includes(':') ? Destination.ipv6(c) : Destination.ipv4(c))),
          ports: it.ports.map((n) => Port.tcp(n)),
          backends: [backend],
        });
        break;
    }
  });
}

const HOSTS = ['api.github.com', 'api.stripe.com', 'hooks.slack.com', 'storage.example.net'];
const PATTERNS = ['*.googleapis.com', '*.amazonaws.com'];

/** Istio apps: external hostnames through sidecars (REGISTRY_ONLY) and, in some, an egress gateway. */
function buildIstio(app: App, id: string, n: number): void {
  const chart = new Chart(app, id);
  // Own namespaces too: the REGISTRY_ONLY Sidecar is one object per namespace.
  const [ns, routedNs, labels] = [`mesh-${n}`, `mesh-${n}-routed`, LABELS[n % LABELS.length]];
  // Host names are unique per app: istioctl analyzes all files as one mesh, and every corpus app
  // stands for a separate cluster.
  const host = (h: string) => `a${n}.${h}`;
  const hosts = HOSTS.filter((_, i) => Math.floor(n / 2 ** i) % 2 === 1).map(host);
  const destinations = [...hosts.map((h) => Destination.fqdn(h)), ...(n % 3 === 0 ? [Destination.anySubdomainOf(PATTERNS[n % 2].slice(2))] : [])];
  if (destinations.length === 0) destinations.push(Destination.fqdn(host(HOSTS[n % HOSTS.length])));
  new AllowedExternalService(chart, 'ext', {
    source: EgressSource.pods({ namespace: ns, labels }),
    destinations,
    ports: n % 4 === 1 ? [Port.HTTPS, Port.tls(8443)] : [Port.HTTPS],
    backends: [EgressBackend.istio()],
  });
  if (n % 2 === 0) {
    const gw = new EgressGateway(chart, 'gw', { name: `gw-${id}`, gatewayBackends: [EgressBackend.cilium()] });
    gw.addRoute('route', { source: EgressSource.pods({ namespace: routedNs, labels }), destinations: [Destination.fqdn(host(HOSTS[Math.floor(n / 2) % HOSTS.length]))], ports: [Port.HTTPS] });
    if (n % 4 === 0) gw.denyHosts([`*.a${n}.example.com`]);
  }
}

/** Fixed-egress-IP apps: one provider per app (Cilium gateway, Calico pool, Terway PodNetworking). */
function buildFixedIp(app: App, id: string, n: number): void {
  const chart = new Chart(app, id);
  const ns = `fixed-${n}`;
  const pods = EgressSource.pods({ namespace: ns, labels: LABELS[n % LABELS.length] });
  switch (Math.floor(n / 7) % 3) {
    case 0:
      new CiliumEgressGatewayValues(chart, 'values', { name: `cilium-egress-${n}` });
      new FixedEgressIp(chart, 'ip', {
        source: pods,
        destinations: [Destination.ipv4(`198.51.100.${(n % 32) * 8}/29`), Destination.ipv4('203.0.113.0/24')],
        provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: `10.0.${n % 250}.100` }),
      });
      break;
    case 1:
      new FixedEgressIp(chart, 'ip', {
        source: EgressSource.namespace(ns),
        provider: FixedEgressIpProvider.calico({
          poolCidr: `10.${100 + (n % 100)}.0.0/24`,
          emitNamespaces: true,
        }),
      });
      break;
    default:
      new FixedEgressIp(chart, 'ip', {
        source: pods,
        provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: [`vsw-corpus${n}a`, `vsw-corpus${n}b`], securityGroupIds: [`sg-corpus${n}`] }),
      });
  }
}

function main(): void {
  const out = path.resolve(process.argv[2] ?? '.cluster/corpus');
  const count = Number(process.argv[3] ?? 500);
  const seed = Number(process.argv[4] ?? 20261125);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'apps'), { recursive: true });
  const samples = fc.sample(fc.array(intentArb, { minLength: 1, maxLength: 6 }), { numRuns: count, seed });
  const oracleCases: any[] = [];
  let objects = 0;
  let probes = 0;
  samples.forEach((intents, n) => {
    const dir = path.join(out, 'apps', `app-${String(n).padStart(4, '0')}`);
    const app = new App({ outdir: dir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const backend = BACKENDS[n % BACKENDS.length]();
    const appId = `app${String(n).padStart(4, '0')}`;
    if (n % 7 === 6) buildIstio(app, appId, n);
    else if (n % 7 === 5) buildFixedIp(app, appId, n);
    else build(app, appId, intents, backend);
    app.synth();
    const manifests = app.charts.flatMap((c) => c.toJson());
    objects += manifests.length;
    // Oracle case: pods = every namespace × label set (+ the DNS pods), probes from each pod.
    const nsLabels: Record<string, Record<string, string>> = { 'kube-system': {} };
    NAMESPACES.forEach((ns, i) => { nsLabels[ns] = i % 2 === 0 ? { team: 'platform' } : {}; });
    const pods: any[] = [{ namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.9.9' }];
    NAMESPACES.forEach((ns, i) => LABELS.forEach((labels, j) => pods.push({ namespace: ns, name: `p${j}`, labels, ip: `10.244.${i}.${j + 1}` })));
    const model = EgressModel.of(app).policies().filter((p) => p.backend === 'kubernetes');
    const probeArb = fc.record({
      src: fc.nat(pods.length - 1), dst: fc.nat(pods.length + EXTERNAL_IPS.length - 1), port: fc.constantFrom(...PORTS), udp: fc.boolean(),
    });
    // Probes only where the app's policies are NetworkPolicies (the oracle's language).
    const rng = backend.id === 'kubernetes' && n % 7 < 5 ? fc.sample(probeArb, { numRuns: 64, seed: seed + n }) : [];
    const caseProbes: any[] = [];
    const expected: boolean[] = [];
    for (const r of rng) {
      const src = pods[r.src];
      if (src.namespace === 'kube-system') continue;
      const protocol = r.udp ? Protocol.UDP : Protocol.TCP;
      const dstPod = r.dst < pods.length ? pods[r.dst] : undefined;
      const dstIp = dstPod ? undefined : EXTERNAL_IPS[r.dst - pods.length];
      const toPod = dstPod
        ? { namespace: dstPod.namespace, labels: dstPod.labels, namespaceLabels: nsLabels[dstPod.namespace], ip: dstPod.ip }
        : undefined;
      const verdict = checkProbe(model, {
        from: { namespace: src.namespace, labels: src.labels },
        ...(toPod ? { toPod } : { toIp: dstIp }),
        port: r.port,
        protocol,
      });
      const dst = dstPod ? { namespace: dstPod.namespace, pod: dstPod.name } : { ip: dstIp };
      caseProbes.push({ src: { namespace: src.namespace, pod: src.name }, dst, port: r.port, protocol });
      expected.push(verdict.allowed);
    }
    probes += caseProbes.length;
    if (caseProbes.length === 0) return;
    oracleCases.push({
      app: path.basename(dir),
      input: { namespaces: nsLabels, pods, policies: manifests.filter((m: any) => m.kind === 'NetworkPolicy'), probes: caseProbes },
      expected,
    });
  });
  fs.writeFileSync(path.join(out, 'np-probes.json'), JSON.stringify({ seed, cases: oracleCases }));
  console.log(`corpus: ${count} apps, ${objects} objects, ${probes} NetworkPolicy probes (seed ${seed}) in ${out}`);
}

// The dataplane tier (test/dataplane/plan.ts) imports the generator without running it.
if (require.main === module) main();
