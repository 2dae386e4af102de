import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ClusterNetworkPolicyTier, DefaultDenyEgress, Destination, EgressBackend, EgressModel, EgressPolicy,
  EgressSource, Port,
} from '../../../src';
import { evaluateCnp } from '../../oracles/cnp-eval';
import { commonDestinationArbs, labelArb, nsArb, probeArb, rulesArb } from '../../support/arbitraries';
import { chart, synth, expectEgressError } from '../../support/helpers';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const cnp = (options = {}) => EgressBackend.clusterNetworkPolicy(options);
const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
const KUBE_DNS_RULE = {
  action: 'Accept',
  to: [{ pods: { namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }],
  protocols: [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }],
};
const ISOLATION_RULE = { name: 'deny-all-other-egress', action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] };

describe('ClusterNetworkPolicy backend | rendering', () => {
  test('the seed egress-control policy: accept policy plus isolation policy', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const policy = new EgressPolicy(c, 'egress-control', { name: 'egress-control', source: backendPods(), backends: [cnp()] });
    policy.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    policy.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const [accept, isolation, ...rest] = manifests;
    expect(rest).toEqual([]);
    expect(policy.apiObjects.map((o) => o.name)).toEqual(['egress-control', 'egress-control-isolation']);
    for (const m of [accept, isolation]) {
      expect(m.apiVersion).toBe('policy.networking.k8s.io/v1alpha2');
      expect(m.kind).toBe('ClusterNetworkPolicy');
      expect(m.metadata.namespace).toBeUndefined(); // cluster-scoped
      expect(m.spec.tier).toBe('Admin');
      expect(m.spec.subject).toEqual({ pods: { namespaceSelector: byName('production'), podSelector: { matchLabels: { app: 'backend' } } } });
    }
    expect(accept.metadata).toEqual({ name: 'egress-control' });
    expect(accept.spec.priority).toBe(100);
    expect(accept.spec.egress).toEqual([
      KUBE_DNS_RULE,
      // a pod destination without namespace is pinned to the source namespace, never "every namespace"
      { action: 'Accept', to: [{ pods: { namespaceSelector: byName('production'), podSelector: { matchLabels: { app: 'database' } } } }], protocols: [{ tcp: { destinationPort: { number: 5432 } } }] },
      { action: 'Accept', to: [{ networks: ['203.0.113.0/24'] }], protocols: [{ tcp: { destinationPort: { number: 443 } } }] },
    ]);
    // an Accept alone does not isolate: everything else is denied by a later policy
    expect(isolation.metadata).toEqual({ name: 'egress-control-isolation' });
    expect(isolation.spec.priority).toBe(1000);
    expect(isolation.spec.egress).toEqual([ISOLATION_RULE]);
  });

  test('a whole namespace as subject; namespaces and namespace labels as destinations', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: EgressSource.namespace('production'), backends: [cnp()] });
    p.allow(Destination.namespace('data'), Port.POSTGRES);
    p.allow(Destination.namespacesWithLabels({ team: 'obs' }), Port.POSTGRES);
    p.allow(Destination.pods({ labels: { app: 'cache' }, namespaceLabels: { team: 'platform' } }), Port.REDIS);
    p.allow(Destination.pods({ labels: { app: 'api' }, namespace: 'edge' }));
    const [accept, isolation] = synth(c);
    expect(accept.spec.subject).toEqual({ namespaces: byName('production') });
    expect(isolation.spec.subject).toEqual({ namespaces: byName('production') });
    expect(accept.spec.egress.slice(1)).toEqual([
      { action: 'Accept', to: [{ namespaces: byName('data') }, { namespaces: { matchLabels: { team: 'obs' } } }], protocols: [{ tcp: { destinationPort: { number: 5432 } } }] },
      { action: 'Accept', to: [{ pods: { namespaceSelector: { matchLabels: { team: 'platform' } }, podSelector: { matchLabels: { app: 'cache' } } } }], protocols: [{ tcp: { destinationPort: { number: 6379 } } }] },
      // every port and protocol: no protocols, but never without peers
      { action: 'Accept', to: [{ pods: { namespaceSelector: byName('edge'), podSelector: { matchLabels: { app: 'api' } } } }] },
    ]);
  });

  test('ports: numbers, ranges, every port of a protocol as 1-65535, SCTP; the API server by address', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp()] });
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS, Port.tcpRange(8000, 8080), Port.allUdp(), Port.sctp(9899));
    p.allow(Destination.kubeApiServer({ endpoints: ['172.20.0.10/32', '2001:db8::10/128'] }), Port.KUBE_API_SERVER);
    const [accept] = synth(c);
    expect(accept.spec.egress.slice(1)).toEqual([
      {
        action: 'Accept',
        to: [{ networks: ['203.0.113.0/24'] }],
        protocols: [
          { tcp: { destinationPort: { number: 443 } } },
          { tcp: { destinationPort: { range: { start: 8000, end: 8080 } } } },
          { udp: { destinationPort: { range: { start: 1, end: 65535 } } } },
          { sctp: { destinationPort: { number: 9899 } } },
        ],
      },
      { action: 'Accept', to: [{ networks: ['172.20.0.10/32', '2001:db8::10/128'] }], protocols: [{ tcp: { destinationPort: { number: 6443 } } }] },
    ]);
  });

  test('CRD limits: more than 25 networks, peers or ports split into more peers and rules', () => {
    // GIVEN: 30 non-adjacent blocks, 30 pod destinations and 30 ports
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp()] });
    const blocks = Array.from({ length: 30 }, (_, i) => `198.51.${i * 2}.0/24`);
    for (const b of blocks) p.allow(Destination.ipv4(b), Port.HTTPS);
    for (let i = 0; i < 30; i++) p.allow(Destination.pods({ labels: { app: `svc-${i}` } }), Port.tcp(8080));
    const ports = Array.from({ length: 30 }, (_, i) => Port.tcp(10000 + i));
    p.allow(Destination.ipv4('192.0.2.0/24'), ...ports);
    // WHEN
    const [accept] = synth(c);
    // THEN
    const [, nets, podsA, podsB, portsA, portsB] = accept.spec.egress;
    expect(accept.spec.egress).toHaveLength(6);
    expect(nets.to.map((peer: any) => peer.networks.length)).toEqual([25, 5]);
    expect(nets.to.flatMap((peer: any) => peer.networks)).toEqual(blocks);
    expect([podsA.to.length, podsB.to.length]).toEqual([25, 5]);
    expect(podsA.protocols).toEqual(podsB.protocols);
    expect([portsA.protocols.length, portsB.protocols.length]).toEqual([25, 5]);
    expect(portsA.to).toEqual([{ networks: ['192.0.2.0/24'] }]);
    expect(portsB.to).toEqual(portsA.to);
  });

  test('Baseline tier and custom priorities', () => {
    const c = chart();
    const backend = cnp({ tier: ClusterNetworkPolicyTier.BASELINE, priority: 10, isolationPriority: 20 });
    expect(backend.displayName).toBe('ClusterNetworkPolicy (Baseline tier)');
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [backend] });
    const [accept, isolation] = synth(c);
    expect([accept.spec.tier, accept.spec.priority, isolation.spec.tier, isolation.spec.priority]).toEqual(['Baseline', 10, 'Baseline', 20]);
  });

  test('capabilities: no CIDR exceptions or hostnames (not in v0.2.0 standard); admin tier only in Admin', () => {
    expect(cnp().capabilities).toEqual(['PodSelector', 'Cidr', 'PortRange', 'Sctp', 'AdminTier']);
    expect(cnp({ tier: ClusterNetworkPolicyTier.BASELINE }).capabilities).toEqual(['PodSelector', 'Cidr', 'PortRange', 'Sctp']);
    expect(cnp().id).toBe('cluster-network-policy');
    expect(cnp().displayName).toBe('ClusterNetworkPolicy (Admin tier)');
  });

  test('DefaultDenyEgress: an accept policy without rules, the isolation policy, and DNS', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'baseline', { name: 'production-default-deny', source: EgressSource.namespace('production'), backends: [cnp()] });
    const manifests = synth(c);
    expect(manifests.map((m) => m.metadata.name)).toEqual(['production-default-deny', 'production-default-deny-isolation', 'production-default-deny-dns', 'production-default-deny-dns-isolation']);
    expect(manifests[0].spec.egress).toBeUndefined();
    expect(manifests[1].spec.egress).toEqual([ISOLATION_RULE]);
    expect(manifests[2].spec.egress).toEqual([KUBE_DNS_RULE]);
  });

  test('generated names are unique and the isolation policy is named after its accept policy', () => {
    const c = chart();
    const a = new EgressPolicy(c, 'a', { source: backendPods(), backends: [cnp()] });
    const b = new EgressPolicy(c, 'b', { source: EgressSource.namespace('other'), backends: [cnp()] });
    expect(a.apiObjects[1].name).toBe(`${a.apiObjects[0].name}-isolation`);
    expect(new Set([...a.apiObjects, ...b.apiObjects].map((o) => o.name)).size).toBe(4);
  });

  test('labels and annotations on both objects; output is byte-identical across runs', () => {
    const build = () => {
      const c = chart();
      const p = new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { z: '1', a: '2' } }), backends: [cnp()], labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
      p.allow(Destination.pods({ labels: { y: '1', b: '2' }, namespace: 'data' }), Port.POSTGRES);
      return synth(c);
    };
    const manifests = build();
    for (const m of manifests) expect(m.metadata).toMatchObject({ labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
    expect(JSON.stringify(build())).toEqual(JSON.stringify(manifests));
  });

  test('policies for the same pods add up: every accept is evaluated before any isolation', () => {
    const c = chart();
    new EgressPolicy(c, 'a', { source: backendPods(), backends: [cnp()] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'b', { source: EgressSource.namespace('production'), backends: [cnp({ priority: 200 })] }).allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    const manifests = synth(c);
    const from = { namespace: 'production', labels: { app: 'backend' } };
    expect(evaluateCnp(manifests, { from, toIp: '203.0.113.1', port: 443, protocol: 'TCP' }).allowed).toBe(true);
    expect(evaluateCnp(manifests, { from, toIp: '198.51.100.1', port: 443, protocol: 'TCP' }).allowed).toBe(true);
    expect(evaluateCnp(manifests, { from, toIp: '192.0.2.1', port: 443, protocol: 'TCP' })).toEqual({ allowed: false, isolated: true });
  });
});

describe('ClusterNetworkPolicy backend | bad input fails with path, value and fix', () => {
  const expectError = (fn: () => void, code: string, message: RegExp) => expectEgressError(fn, code, 'test/p', message);
  const policy = (options = {}, c: Chart = chart()) => new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp(options)] });

  test('throws on a CIDR with except, which v0.2.0 networks cannot express', () =>
    expectError(() => policy().allow(Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16'] })), 'EGRESS_UNSUPPORTED_BY_BACKEND',
      /ClusterNetworkPolicy \(Admin tier\) backend cannot express destination 10.0.0.0\/8 except 10.1.0.0\/16 \(needs capability CidrExcept\).*split the block/));
  test('throws on a hostname (domainNames is experimental-channel only)', () =>
    expectError(() => policy().allow(Destination.fqdn('api.github.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND', /cannot express destination api.github.com \(needs capability Fqdn\)/));
  test('throws on the API server without endpoint addresses', () =>
    expectError(() => policy().allow(Destination.kubeApiServer()), 'EGRESS_UNSUPPORTED_BY_BACKEND', /needs capability KubeApiServerEntity/));
  test('throws on a priority outside 0-999', () =>
    expectError(() => policy({ priority: 1000 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid ClusterNetworkPolicy priority 1000: it must be a whole number from 0 to 999/));
  test('throws on a negative priority', () =>
    expectError(() => policy({ priority: -1 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid ClusterNetworkPolicy priority -1/));
  test('throws on a fractional priority', () =>
    expectError(() => policy({ priority: 1.5 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid ClusterNetworkPolicy priority 1.5/));
  test('throws on an isolationPriority outside 1-1000', () =>
    expectError(() => policy({ isolationPriority: 1001 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid ClusterNetworkPolicy isolationPriority 1001: it must be a whole number from 1 to 1000/));
  test('throws when isolation would come before the accepts', () =>
    expectError(() => policy({ priority: 500, isolationPriority: 500 }), 'EGRESS_CONFLICTING_OPTIONS', /isolationPriority 500 is not above priority 500.*Use a priority below 500/));
  test('throws on an unknown tier', () =>
    expectError(() => policy({ tier: 'Developer' as ClusterNetworkPolicyTier }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid ClusterNetworkPolicy tier "Developer": use ClusterNetworkPolicyTier.ADMIN or ClusterNetworkPolicyTier.BASELINE/));
  test('throws on a name used twice in the app (cluster-scoped names)', () => {
    const c = new Chart(Testing.app(), 'test');
    new EgressPolicy(c, 'q', { name: 'egress-control', source: EgressSource.namespace('staging'), backends: [cnp()] });
    expectError(() => new EgressPolicy(c, 'p', { name: 'egress-control', source: backendPods(), backends: [cnp()] }), 'EGRESS_CONFLICTING_OPTIONS',
      /ClusterNetworkPolicy name "egress-control" is already used by test\/q.*unique across namespaces.*"production-egress-control"/);
  });
  test('throws on a name whose isolation name would be too long', () =>
    expectError(() => new EgressPolicy(chart(), 'p', { name: 'a'.repeat(250), source: backendPods(), backends: [cnp()] }), 'EGRESS_INVALID_NAME', /isolation policy is named "a+-isolation", which is longer than 253 characters/));
  test('throws at the allow() that needs more than 25 rules', () => {
    const p = policy();
    for (let i = 1; i <= 24; i++) p.allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(i)); // DNS + 24 = 25 rules
    expectError(() => p.allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(25)), 'EGRESS_POLICY_TOO_LARGE',
      /needs 26 ClusterNetworkPolicy egress rules, over the CRD limit of 25 per object.*split them across several EgressPolicy constructs/);
  });
});

const SAMPLE_IPS = ['203.0.113.5', '203.0.113.70', '203.0.113.200', '198.51.100.1', '198.51.101.1', '192.0.2.3', '192.0.2.99', '2001:db8::1', '8.8.8.8'];

describe('ClusterNetworkPolicy backend | emitted rules allow exactly the declared intent (property)', () => {
  const destArb = fc.oneof(
    ...commonDestinationArbs,
    labelArb.map((l) => ({ d: Destination.namespacesWithLabels(l), key: `nsl:${JSON.stringify(l)}` })),
  );
  const intentArb = fc.record({
    ns: nsArb,
    labels: fc.option(labelArb, { nil: undefined }),
    priority: fc.integer({ min: 0, max: 999 }),
    rules: rulesArb(destArb),
  });
  const probeOf = probeArb(SAMPLE_IPS);

  test('for every probe, the ClusterNetworkPolicies and the model agree; rules respect the CRD', () => {
    const intentsArb = fc.array(intentArb, { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(intentsArb, fc.array(probeOf, { minLength: 30, maxLength: 50 }), (intents, probes) => {
      const c = chart();
      intents.forEach((intent, i) => {
        const source = intent.labels ? EgressSource.pods({ namespace: intent.ns, labels: intent.labels }) : EgressSource.namespace(intent.ns);
        const p = new EgressPolicy(c, `p${i}`, { source, backends: [cnp({ priority: intent.priority })] });
        for (const r of intent.rules) p.allow(r.dest.d, ...r.ports);
      });
      const manifests = synth(c);
      for (const m of manifests) {
        expect(m.metadata.namespace).toBeUndefined();
        expect((m.spec.egress ?? []).length).toBeLessThanOrEqual(25);
        for (const rule of m.spec.egress ?? []) {
          expect(rule.to.length).toBeGreaterThan(0);
          expect(rule.to.length).toBeLessThanOrEqual(25);
          for (const peer of rule.to) expect(Object.keys(peer)).toHaveLength(1);
          for (const proto of rule.protocols ?? []) {
            const range = (Object.values(proto)[0] as any).destinationPort.range;
            if (range) expect(range.start).toBeLessThan(range.end);
          }
        }
      }
      const model = EgressModel.of(c);
      for (const pr of probes) {
        const probe = { from: pr.from, ...pr.to, port: pr.port, protocol: pr.protocol };
        const verdict = model.check(probe);
        expect({ probe, ...evaluateCnp(manifests, probe) }).toEqual({ probe, allowed: verdict.allowed, isolated: verdict.isolated });
      }
    }), { numRuns: 80 });
  });
});
