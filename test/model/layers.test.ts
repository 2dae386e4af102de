// Layered semantics: a connection is allowed only when every layer that governs the source allows
// it, and the verdict names the deciding layer and object.
import { Chart, Testing } from 'cdk8s';
import {
  DeclaredIntents, DefaultDenyEgress, Destination, EgressBackend, EgressGateway, EgressModel, EgressPolicy, EgressSource,
  EgressReport, EnforcementLayer, Port, Protocol,
} from '../../src';
import { ClusterNetworkPolicyTier } from '../../src/backends/cluster-network-policy/options';
import { chart } from '../support/helpers';

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
