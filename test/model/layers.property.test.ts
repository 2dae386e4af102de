// The layered model against independent evaluators: random apps mixing NetworkPolicies and Istio
// allow-lists; for every probe, the model's verdict must equal "the NetworkPolicy reading allows
// it AND the sidecar reading allows it", each computed from the emitted YAML alone.
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { DeclaredIntents, Destination, EgressBackend, EgressModel, EgressPolicy, EgressSource, Port, Protocol } from '../../src';
import { ClusterNetworkPolicyTier } from '../../src/backends/cluster-network-policy/options';
import { evaluateCnp } from '../oracles/cnp-eval';
import { evaluateMesh } from '../oracles/mesh-eval';
import { evaluate as evaluateNp } from '../oracles/np-eval';
import { labelArb, nsArb } from '../support/arbitraries';

const CIDRS = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/28'];
const IPS = ['203.0.113.7', '198.51.100.9', '192.0.2.3', '192.0.2.200'];
const HOSTS = ['api.a.com', 'api.b.com', 'x.c.com', 'a.b.c.com', 'evil.example'];
const PORTS = [443, 8443, 5432];
/** An address inside each block. */
const WITNESS: Record<string, string> = { '203.0.113.0/24': '203.0.113.7', '198.51.100.0/24': '198.51.100.9', '192.0.2.0/28': '192.0.2.3' };

const npPolicyArb = fc.record({
  ns: nsArb,
  labels: labelArb,
  rules: fc.array(fc.record({
    dest: fc.oneof(
      fc.constantFrom(...CIDRS).map((c) => ({ key: c, d: Destination.ipv4(c) })),
      fc.tuple(labelArb, fc.option(nsArb, { nil: undefined })).map(([l, n]) => ({ key: `p${JSON.stringify(l)}${n}`, d: Destination.pods({ labels: l, namespace: n }) })),
    ),
    port: fc.constantFrom(...PORTS),
  }), { maxLength: 3 }),
});

type NpPolicy = typeof npPolicyArb extends fc.Arbitrary<infer T> ? T : never;

const meshPolicyArb = fc.record({
  ns: nsArb,
  rules: fc.array(fc.oneof(
    fc.tuple(fc.constantFrom('api.a.com', 'api.b.com'), fc.constantFrom(443, 8443)).map(([h, p]) => ({ key: `${h}|${p}`, d: Destination.fqdn(h), port: Port.https(p) })),
    fc.constantFrom(443, 8443).map((p) => ({ key: `c.com|${p}`, d: Destination.anySubdomainOf('c.com'), port: Port.https(p) })),
    fc.tuple(fc.constantFrom(...CIDRS), fc.constantFrom(...PORTS)).map(([c, p]) => ({ key: `${c}|${p}`, d: Destination.ipv4(c), port: Port.tcp(p) })),
  ), { minLength: 1, maxLength: 3 }),
});

const probeArb = fc.record({
  from: fc.record({ namespace: nsArb, labels: labelArb }),
  to: fc.oneof(
    fc.constantFrom(...IPS).map((ip) => ({ toIp: ip })),
    fc.constantFrom(...HOSTS).map((h) => ({ toHostname: h })),
    fc.record({ namespace: nsArb, labels: labelArb }).map((p) => ({ toPod: p })),
  ),
  port: fc.constantFrom(...PORTS, 80),
  protocol: fc.constantFrom(Protocol.TCP, Protocol.UDP),
});

/** A chart (of random, not necessarily coherent, intents) with these NetworkPolicies. */
function chartWithNetworkPolicies(nps: ReadonlyArray<NpPolicy>): Chart {
  const c = new Chart(Testing.app(), 'c');
  DeclaredIntents.enforcedOutsideApp(c, 'random apps are not coherent');
  nps.forEach((p, i) => {
    const policy = new EgressPolicy(c, `np${i}`, { source: EgressSource.pods({ namespace: p.ns, labels: p.labels }) });
    const seen = new Set<string>();
    for (const r of p.rules) {
      if (seen.has(`${r.dest.key}|${r.port}`)) continue;
      seen.add(`${r.dest.key}|${r.port}`);
      policy.allow(r.dest.d, Port.tcp(r.port));
    }
  });
  return c;
}

describe('layered EgressModel vs independent NetworkPolicy and sidecar readings', () => {
  test('every probe: model verdict = NetworkPolicy reading AND sidecar reading', () => {
    fc.assert(fc.property(
      fc.array(npPolicyArb, { maxLength: 3 }), fc.array(meshPolicyArb, { maxLength: 2 }), fc.array(probeArb, { minLength: 20, maxLength: 20 }),
      (nps, meshes, probes) => {
        const c = chartWithNetworkPolicies(nps);
        const meshNs = new Set<string>();
        meshes.forEach((m, i) => {
          if (meshNs.has(m.ns)) return; // one allow-list per namespace keeps host:port claims simple
          meshNs.add(m.ns);
          const policy = new EgressPolicy(c, `mesh${i}`, { source: EgressSource.namespace(m.ns), backends: [EgressBackend.istio()], dns: [] });
          const seen = new Set<string>();
          for (const r of m.rules) {
            if (seen.has(r.key)) continue;
            seen.add(r.key);
            policy.allow(r.d, r.port);
          }
        });
        const manifests = c.toJson();
        const model = EgressModel.of(c);
        for (const p of probes) {
          const probe = { from: p.from, ...p.to, port: p.port, protocol: p.protocol };
          const np = evaluateNp(manifests, { ...probe, protocol: probe.protocol } as any);
          const mesh = evaluateMesh(manifests, probe as any);
          const expected = np.allowed && mesh.allowed;
          const actual = model.check(probe);
          if (actual.allowed !== expected) {
            throw new Error(`disagreement for ${JSON.stringify(probe)}: model ${actual.allowed} (${JSON.stringify(actual.decidingLayer ?? null)}), NetworkPolicy ${np.allowed}, sidecar ${mesh.allowed}`);
          }
        }
      },
    ), { numRuns: 150, seed: 20261205 });
  });

  test('the comparison can fail: a model that ORs the layers disagrees on a known app', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    DeclaredIntents.enforcedOutsideApp(c, 'negative control');
    new EgressPolicy(c, 'np', { source: EgressSource.pods({ namespace: 'ns-a', labels: { app: 'a' } }) }).allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(443));
    new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('ns-a'), backends: [EgressBackend.istio()], dns: [] }).allow(Destination.fqdn('api.a.com'), Port.https(443));
    const manifests = c.toJson();
    const probe = { from: { namespace: 'ns-a', labels: { app: 'a' } }, toIp: '203.0.113.7', port: 443, protocol: 'TCP' };
    const ored = evaluateNp(manifests, probe).allowed || evaluateMesh(manifests, probe).allowed;
    const anded = evaluateNp(manifests, probe).allowed && evaluateMesh(manifests, probe).allowed;
    expect([ored, anded]).toEqual([true, false]);
    expect(EgressModel.of(c).check({ ...probe, protocol: Protocol.TCP }).allowed).toBe(anded);
  });
});

describe('Istio ServiceEntries regrouped as rules arrive', () => {
  test('a host that moves to another port group frees its old ServiceEntry name for the next host (found by the property above)', () => {
    const c = Testing.chart();
    const p = new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('ns-a'), backends: [EgressBackend.istio()], dns: [] });
    p.allow(Destination.fqdn('api.b.com'), Port.https(443));
    p.allow(Destination.fqdn('api.b.com'), Port.https(8443));
    p.allow(Destination.fqdn('api.a.com'), Port.https(443));
    const entries = Testing.synth(c).filter((m: any) => m.kind === 'ServiceEntry');
    expect(entries.map((e: any) => [e.spec.hosts, e.spec.ports.map((x: any) => x.number)])).toEqual([
      [['api.b.com'], [443, 8443]],
      [['api.a.com'], [443]],
    ]);
  });
});

describe('layered EgressModel vs independent readings of the network layer\'s tiers', () => {
  /** Admin-tier ClusterNetworkPolicies decide first, then NetworkPolicies, then the Baseline tier (network-policy-api). */
  function evaluateNetworkLayer(manifests: any[], probe: any): boolean {
    const cnps = (tier: string) => manifests.filter((m) => m.kind !== 'ClusterNetworkPolicy' || m.spec.tier === tier).filter((m) => m.kind === 'ClusterNetworkPolicy');
    const admin = evaluateCnp(cnps('Admin'), probe);
    if (admin.isolated) return admin.allowed;
    const np = evaluateNp(manifests, probe);
    if (np.isolated) return np.allowed;
    return evaluateCnp(cnps('Baseline'), probe).allowed;
  }

  test('every probe: model verdict = Admin tier, else NetworkPolicies, else Baseline tier', () => {
    const cnpArb = fc.record({
      tier: fc.constantFrom(ClusterNetworkPolicyTier.ADMIN, ClusterNetworkPolicyTier.BASELINE),
      ns: nsArb,
      labels: fc.option(labelArb, { nil: undefined }),
      cidr: fc.constantFrom(...CIDRS),
      port: fc.constantFrom(...PORTS),
    });
    fc.assert(fc.property(
      fc.array(npPolicyArb, { maxLength: 3 }), fc.array(cnpArb, { maxLength: 2 }), fc.array(probeArb, { minLength: 20, maxLength: 20 }),
      (nps, cnps, probes) => {
        const c = chartWithNetworkPolicies(nps);
        cnps.forEach((p, i) => {
          new EgressPolicy(c, `cnp${i}`, {
            name: `cnp-${i}`,
            source: p.labels ? EgressSource.pods({ namespace: p.ns, labels: p.labels }) : EgressSource.namespace(p.ns),
            backends: [EgressBackend.clusterNetworkPolicy({ tier: p.tier, priority: 10 + i, isolationPriority: 900 + i })],
          }).allow(Destination.ipv4(p.cidr), Port.tcp(p.port));
        });
        // Each object as emitted, without the app-wide validations: the library refuses apps whose
        // tiers contradict its other policies, and exactly those exercise the precedence.
        const manifests = c.node.findAll().filter((o): o is ApiObject => o instanceof ApiObject).map((o) => o.toJson());
        const model = EgressModel.of(c);
        // Random probes, plus every declared allowance probed from every declared source: the
        // cases where tiers disagree are exactly those.
        const sources = [
          ...nps.map((p) => ({ namespace: p.ns, labels: p.labels })),
          ...cnps.map((p) => ({ namespace: p.ns, labels: p.labels ?? {} })),
        ];
        const targets = [
          ...nps.flatMap((p) => p.rules.filter((r) => r.dest.key.includes('/')).map((r) => ({ ip: WITNESS[r.dest.key], port: r.port }))),
          ...cnps.map((p) => ({ ip: WITNESS[p.cidr], port: p.port })),
        ];
        const declared = sources.flatMap((from) => targets.map((t) => ({ from, to: { toIp: t.ip }, port: t.port, protocol: Protocol.TCP })));
        for (const p of [...probes, ...declared]) {
          if ('toHostname' in p.to) continue; // neither reading matches hostnames on this layer
          const probe = { from: p.from, ...p.to, port: p.port, protocol: p.protocol };
          const expected = evaluateNetworkLayer(manifests, probe);
          const actual = model.check(probe);
          if (actual.allowed !== expected) {
            throw new Error(`disagreement for ${JSON.stringify(probe)}: model ${actual.allowed} (${JSON.stringify(actual.decidingLayer ?? null)}), tiers ${expected}`);
          }
        }
      },
    ), { numRuns: 150, seed: 20261205 });
  });
});
