// Layered semantics: a connection is allowed only when every layer that governs the source allows
// it, and the verdict names the deciding layer and object.
import { Chart, Testing } from 'cdk8s';
import {
  AllowedExternalService, DeclaredIntents, DefaultDenyEgress, Destination, EgressBackend, EgressGateway, EgressModel, EgressPolicy, EgressSource,
  EgressReport, EnforcementLayer, FixedEgressIp, FixedEgressIpProvider, Port, Protocol,
} from '../../src';
import { ClusterNetworkPolicyTier } from '../../src/backends/cluster-network-policy/options';
import { chart } from '../helpers';

const backend = { namespace: 'production', labels: { app: 'backend' } };

/** An app with intents the reachability check would refuse, to look at the model alone. */
function unchecked(): Chart {
  const c = chart();
  DeclaredIntents.enforcedOutsideApp(c, 'model under test');
  return c;
}

describe('EgressModel: layered semantics', () => {
  test('a NetworkPolicy allowance to an address with no ServiceEntry behind a REGISTRY_ONLY sidecar is denied by the mesh layer', () => {
    const c = unchecked();
    new EgressPolicy(c, 'np', { name: 'np', source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'mesh', { name: 'mesh', source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const v = EgressModel.of(c).check({ from: backend, toIp: '203.0.113.7', port: 443, protocol: Protocol.TCP });
    expect(v.allowed).toBe(false);
    expect(v.layers.map((l) => [l.layer, l.allowed])).toEqual([[EnforcementLayer.NETWORK, true], [EnforcementLayer.MESH, false]]);
    expect(v.decidingLayer).toMatchObject({ layer: EnforcementLayer.MESH, blockedBy: ['ServiceEntry/production/mesh-hosts-https-443'], blockedByConstructs: ['test/mesh'] });
    // traffic that skips the sidecar (or UDP, which it does not intercept) is judged by the network layer alone
    expect(EgressModel.of(c).check({ from: backend, toIp: '203.0.113.7', port: 443, protocol: Protocol.TCP, skipsMesh: true }).allowed).toBe(true);
  });

  test('a ServiceEntry host that a default-deny NetworkPolicy drops is denied by the network layer', () => {
    const c = unchecked();
    new DefaultDenyEgress(c, 'deny', { name: 'deny', source: EgressSource.namespace('production') });
    new EgressPolicy(c, 'mesh', { name: 'mesh', source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const v = EgressModel.of(c).check({ from: backend, toHostname: 'api.github.com', port: 443, protocol: Protocol.TCP });
    expect(v).toMatchObject({ allowed: false, decidingLayer: { layer: EnforcementLayer.NETWORK, blockedByConstructs: ['test/deny', 'test/deny/Dns'] } });
    // the mesh alone would have allowed it
    expect(v.layers.find((l) => l.layer === EnforcementLayer.MESH)).toMatchObject({ allowed: true, allowedBy: ['ServiceEntry/production/mesh-hosts-https-443'] });
  });

  test('a hostname is matched by an address block only when the block is a whole family', () => {
    const c = unchecked();
    const np = new EgressPolicy(c, 'np', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }), allowAllAddresses: true });
    np.allow(Destination.anyIpv4(), Port.HTTPS);
    np.allow(Destination.ipv4('140.82.112.0/20'), Port.HTTP);
    const m = EgressModel.of(c);
    expect(m.check({ from: backend, toHostname: 'api.github.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(m.check({ from: backend, toHostname: 'api.github.com', port: 80, protocol: Protocol.TCP }).allowed).toBe(false);
  });

  test('the sidecar sees in-cluster pods of its own namespace, not of others', () => {
    const c = unchecked();
    new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const m = EgressModel.of(c);
    expect(m.check({ from: backend, toPod: { namespace: 'production', labels: { app: 'db' } }, port: 5432, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(m.check({ from: backend, toPod: { namespace: 'data', labels: { app: 'db' } }, port: 5432, protocol: Protocol.TCP }))
      .toMatchObject({ allowed: false, decidingLayer: { layer: EnforcementLayer.MESH } });
    // istiod is the proxy's own connection, which the Sidecar does not restrict
    expect(m.check({ from: backend, toPod: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012, protocol: Protocol.TCP }).allowed).toBe(true);
  });

  test('the ClusterNetworkPolicy Admin tier overrides namespaced allowances; the Baseline tier applies only where none selects the pod', () => {
    const admin = unchecked();
    new EgressPolicy(admin, 'np', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) }).allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    new EgressPolicy(admin, 'cnp', { source: EgressSource.namespace('production'), backends: [EgressBackend.clusterNetworkPolicy()] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const a = EgressModel.of(admin);
    expect(a.check({ from: backend, toIp: '198.51.100.1', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: false, decidingLayer: { blockedByConstructs: ['test/cnp'] } });
    expect(a.check({ from: backend, toIp: '203.0.113.1', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);

    const baseline = unchecked();
    new EgressPolicy(baseline, 'np', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) }).allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    new EgressPolicy(baseline, 'cnp', { source: EgressSource.namespace('production'), backends: [EgressBackend.clusterNetworkPolicy({ tier: ClusterNetworkPolicyTier.BASELINE })] })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const b = EgressModel.of(baseline);
    // the backend pods are selected by a NetworkPolicy: the Baseline tier does not apply to them
    expect(b.check({ from: backend, toIp: '198.51.100.1', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(b.check({ from: backend, toIp: '203.0.113.1', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
    // other pods of the namespace are held by the Baseline tier
    const web = { namespace: 'production', labels: { app: 'web' } };
    expect(b.check({ from: web, toIp: '203.0.113.1', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(b.check({ from: web, toIp: '198.51.100.1', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
  });
});

describe('DeclaredIntents: every declared intent is reachable, or synth says why', () => {
  const synthError = (c: Chart): string => {
    try {
      Testing.synth(c);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('synth succeeded');
  };

  test('an allowance the REGISTRY_ONLY sidecar drops fails synth, naming both constructs, the probe and the fix', () => {
    const c = chart();
    new EgressPolicy(c, 'np', { name: 'np', source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'mesh', { name: 'mesh', source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const msg = synthError(c);
    expect(msg).toMatch(/\[test\/np\] NetworkPolicy\/production\/np allows pod app=backend in production → 203\.0\.113\.1 TCP\/443, but the mesh layer .*declared at test\/mesh.*Probe: .*Declare the destination to the mesh too.*\(EGRESS_INTENT_BLOCKED\)/);
  });

  test('a mesh allowance that the network layer drops fails synth; rendering it with a network backend too passes', () => {
    const bad = chart();
    new DefaultDenyEgress(bad, 'deny', { source: EgressSource.namespace('production') });
    new EgressPolicy(bad, 'istiod', { source: EgressSource.namespace('production'), dns: [] })
      .allow(Destination.pods({ namespace: 'istio-system', labels: { app: 'istiod' } }), Port.tcp(15012));
    new EgressPolicy(bad, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    expect(synthError(bad)).toMatch(/\[test\/mesh\] .*api\.github\.com TCP\/443, but the network layer, hop pod → destination: .*declared at test\/deny.*DNS-aware network backend.*EGRESS_INTENT_BLOCKED/);

    const good = chart();
    new DefaultDenyEgress(good, 'deny', { source: EgressSource.namespace('production') });
    new AllowedExternalService(good, 'svc', {
      source: EgressSource.namespace('production'),
      destinations: [Destination.fqdn('api.github.com')],
      ports: [Port.HTTPS],
      backends: [EgressBackend.istio(), EgressBackend.cilium()],
    });
    expect(() => Testing.synth(good)).not.toThrow();
    // the library added the sidecars' istiod path to the network policy itself
    expect(EgressModel.of(good).check({ from: backend, toPod: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012, protocol: Protocol.TCP }).allowed).toBe(true);
  });

  test('sidecars under a default deny without a path to istiod fail synth', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production') });
    new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'np', { source: EgressSource.namespace('production'), dns: [] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(synthError(c)).toMatch(/\[test\/mesh\] Pods in namespace production run under the REGISTRY_ONLY Sidecar .* must reach istiod .*Allow these pods istiod on the network layer.*EGRESS_INTENT_BLOCKED/);
  });

  test('a FixedEgressIp for destinations that nothing allows under a default deny fails synth', () => {
    const c = chart();
    const pods = EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production') });
    new FixedEgressIp(c, 'ip', {
      source: pods,
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
    });
    expect(synthError(c)).toMatch(/\[test\/ip\] This fixed egress IP is declared for pod app=api-client in production → 203\.0\.113\.1, which no port reaches, but the network layer.*declared at test\/deny.*EGRESS_INTENT_BLOCKED/);
    // allowing the destination on any port makes it coherent
    new EgressPolicy(c, 'allow', { source: pods }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('the opt-out is explicit, needs a reason, covers the scope and is reported as an opt-out', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production') });
    const ip = new FixedEgressIp(c, 'ip', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } }),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
    });
    expect(() => DeclaredIntents.enforcedOutsideApp(ip, ' ')).toThrow(/\[test\/ip\] DeclaredIntents\.enforcedOutsideApp\(\) needs a reason.*EGRESS_REASON_REQUIRED/);
    DeclaredIntents.enforcedOutsideApp(ip, 'the platform baseline allows the partner range');
    expect(() => Testing.synth(c)).not.toThrow();
    expect(EgressModel.of(c).facts().filter((f) => f.kind === 'OptOut').map((f) => f.summary))
      .toEqual(['declared intents at test/ip are not checked for reachability: the platform baseline allows the partner range']);
  });
});

describe('EgressReport: each layer\'s verdict per workload and destination', () => {
  test('an opted-out intent that a layer drops is reported as blocked, naming the layer and the object', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EgressPolicy(c, 'np', { name: 'np', source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'mesh', { name: 'mesh', source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    DeclaredIntents.enforcedOutsideApp(c, 'a ServiceEntry another pipeline applies');
    const data = JSON.parse(EgressReport.of(app).renderJson());
    const row = data.workloads.find((w: any) => w.id === 'production/app=backend').reach.find((r: any) => r.destination === '203.0.113.0/24');
    expect(row.verdict).toBe('BLOCKED by the mesh layer (pod → destination) for pods app=backend in namespace production: ServiceEntry/production/mesh-hosts-https-443');
    expect(row.layers).toEqual([
      'network (pod → destination): allowed by NetworkPolicy/production/np',
      'mesh (pod → destination): BLOCKED by ServiceEntry/production/mesh-hosts-https-443',
    ]);
    expect(EgressReport.of(app).renderMarkdown()).toContain('| BLOCKED by the mesh layer (pod → destination)');
  });
});

describe('one ServiceEntry per host for a namespace\'s sidecars', () => {
  const routeAndDirect = (routeFirst: boolean): (() => void) => () => {
    const c = chart();
    const source = EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
    const route = () => new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] })
      .addRoute('r', { source, destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    const direct = () => new EgressPolicy(c, 'direct', { source, backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.external.com'), Port.https(8443));
    if (routeFirst) { route(); direct(); } else { direct(); route(); }
  };

  test('a host routed through the gateway on one port and declared directly on another is refused, in either order', () => {
    expect(routeAndDirect(true)).toThrow(/\[test\/direct\] api\.external\.com is routed through an egress gateway for namespace "production" by test\/gw\/r, and declared there directly by test\/direct: .*istio\/istio#31483.*EGRESS_CONFLICTING_OPTIONS/);
    expect(routeAndDirect(false)).toThrow(/\[test\/gw\/r\] api\.external\.com is routed through an egress gateway for namespace "production" by test\/gw\/r, and declared there directly by test\/direct/);
  });

  test('the same host declared directly in another namespace is fine', () => {
    const c = chart();
    new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] })
      .addRoute('r', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    expect(() => new EgressPolicy(c, 'direct', { source: EgressSource.namespace('staging'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.external.com'), Port.HTTPS)).not.toThrow();
  });
});

describe('allow-all by union across constructs', () => {
  test('blocks split over two constructs for the same pods on the same port need the opt-in, as in one policy', () => {
    const c = chart();
    const pods = EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
    new EgressPolicy(c, 'low', { source: pods }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS);
    new AllowedExternalService(c, 'high', { source: EgressSource.namespace('production'), destinations: [Destination.ipv4('128.0.0.0/1')], ports: [Port.HTTPS] });
    expect(() => Testing.synth(c)).toThrow(/\[test\/high\/kubernetes\] Together, test\/high\/kubernetes, test\/low allow pods app=backend in namespace production 0\.0\.0\.0\/1, 128\.0\.0\.0\/1 on TCP\/443, which cover every IPv4 address \(0\.0\.0\.0\/0 once merged\).*\(EGRESS_ALLOW_ALL\)/);
  });

  test('other ports, other pods, or an explicit opt-in pass', () => {
    const ok = (build: (c: Chart) => void) => {
      const c = chart();
      build(c);
      expect(() => Testing.synth(c)).not.toThrow();
    };
    const a = EgressSource.pods({ namespace: 'production', labels: { app: 'a' } });
    const b = EgressSource.pods({ namespace: 'production', labels: { app: 'b' } });
    ok((c) => { new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS); new EgressPolicy(c, 'y', { source: a }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTP); });
    ok((c) => { new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS); new EgressPolicy(c, 'y', { source: b }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS); });
    ok((c) => {
      new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS);
      new EgressPolicy(c, 'y', { source: a, allowAllAddresses: true }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS);
    });
  });

  test('an every-port allowance adds up with a one-port one', () => {
    const c = chart();
    const a = EgressSource.pods({ namespace: 'production', labels: { app: 'a' } });
    new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'));
    new EgressPolicy(c, 'y', { source: a }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS);
    expect(() => Testing.synth(c)).toThrow(/Together, test\/x, test\/y allow .* on TCP\/443.*EGRESS_ALLOW_ALL/);
  });
});

describe('DeclaredIntents: in-cluster destinations behind a REGISTRY_ONLY sidecar', () => {
  test('an EgressPolicy allowance to pods of another namespace that the Sidecar cannot see fails synth; importing the namespace fixes it', () => {
    const build = (sidecarEgressHosts?: string[]) => {
      const c = chart();
      const db = new EgressPolicy(c, 'db', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) });
      db.allow(Destination.pods({ namespace: 'data', labels: { app: 'db' } }), Port.POSTGRES);
      db.allow(Destination.pods({ namespace: 'istio-system', labels: { app: 'istiod' } }), Port.tcp(15012));
      new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio(sidecarEgressHosts ? { sidecarEgressHosts } : {})], dns: [] })
        .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
      return c;
    };
    expect(() => Testing.synth(build())).toThrow(/\[test\/db\] .*pod app=db in data TCP\/5432, but the mesh layer .*sidecarEgressHosts: \['data\/\*'\].*EGRESS_INTENT_BLOCKED/);
    expect(() => Testing.synth(build(['data/*']))).not.toThrow();
  });
});
