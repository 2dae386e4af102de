import { Destination, DefaultDenyEgress, EgressBackend, EgressModel, EgressPolicy, EgressSource, EnforcementLayer, GrantPurpose, Port, Protocol } from '../../src';
import { chart } from '../support/helpers';

describe('EgressModel', () => {
  const setup = () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { name: 'egress-control', source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) });
    p.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    p.allow(Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.128/25'] }), Port.HTTPS);
    new DefaultDenyEgress(c, 'base', { name: 'deny', source: EgressSource.namespace('production') });
    return EgressModel.of(c);
  };
  const backend = { namespace: 'production', labels: { app: 'backend' } };

  test('records every policy with its purpose and object', () => {
    const policies = setup().policies();
    expect(policies.map((p) => [p.objectRef, p.purpose, p.providesDns])).toEqual([
      ['NetworkPolicy/production/egress-control', GrantPurpose.ALLOW, true],
      ['NetworkPolicy/production/deny', GrantPurpose.DENY, false],
      ['NetworkPolicy/production/deny-dns', GrantPurpose.DNS, true],
    ]);
  });

  test('declared flows are allowed, by the right objects', () => {
    const m = setup();
    expect(m.check({ from: backend, toPod: { namespace: 'production', labels: { app: 'database' } }, port: 5432, protocol: Protocol.TCP }))
      .toMatchObject({ allowed: true, isolated: true, allowedBy: ['NetworkPolicy/production/egress-control'] });
    expect(m.check({ from: backend, toIp: '203.0.113.9', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(m.check({ from: backend, toPod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: Protocol.UDP }).allowedBy)
      .toEqual(['NetworkPolicy/production/deny-dns', 'NetworkPolicy/production/egress-control']);
  });

  test('undeclared flows are denied', () => {
    const m = setup();
    expect(m.check({ from: backend, toIp: '203.0.113.200', port: 443, protocol: Protocol.TCP }).allowed).toBe(false); // except
    expect(m.check({ from: backend, toIp: '203.0.113.9', port: 80, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(m.check({ from: backend, toPod: { namespace: 'other', labels: { app: 'database' } }, port: 5432, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(m.check({ from: backend, toPod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: Protocol.SCTP }).allowed).toBe(false);
    const other = { namespace: 'production', labels: { app: 'web' } };
    expect(m.check({ from: other, toIp: '203.0.113.9', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: false, isolated: true, allowedBy: [] });
  });

  test('a Cilium address block never matches a pod (Cilium selects pods by identity), a NetworkPolicy one does', () => {
    const c = chart();
    const src = (app: string) => EgressSource.pods({ namespace: 'production', labels: { app } });
    new EgressPolicy(c, 'np', { source: src('np'), dns: [] }).allow(Destination.ipv4('10.0.0.0/8'), Port.HTTPS);
    new EgressPolicy(c, 'cnp', { source: src('cnp'), dns: [], backends: [EgressBackend.cilium()] }).allow(Destination.ipv4('10.0.0.0/8'), Port.HTTPS);
    const model = EgressModel.of(c);
    const toPod = { namespace: 'data', labels: { app: 'db' }, ip: '10.1.2.3' };
    const probe = (app: string, to: object) => model.check({ from: { namespace: 'production', labels: { app } }, ...to, port: 443, protocol: Protocol.TCP }).allowed;
    expect([probe('np', { toPod }), probe('cnp', { toPod })]).toEqual([true, false]);
    // an external address in the block is allowed by both
    expect([probe('np', { toIp: '10.9.9.9' }), probe('cnp', { toIp: '10.9.9.9' })]).toEqual([true, true]);
  });

  test('Istio policies act on the whole namespace, on TCP only, and only under REGISTRY_ONLY', () => {
    // GIVEN two Istio allow-lists for different pods of one namespace
    const c = chart();
    const istioPolicy = (id: string, app: string, host: string, registryOnly = true) => new EgressPolicy(c, id, {
      source: EgressSource.pods({ namespace: 'production', labels: { app } }), dns: [], backends: [EgressBackend.istio({ registryOnly })],
    }).allow(Destination.fqdn(host), Port.HTTPS);
    istioPolicy('a', 'a', 'api.a.com');
    istioPolicy('b', 'b', 'api.b.com');
    const model = EgressModel.of(c);
    const from = (app: string, ns = 'production') => ({ namespace: ns, labels: { app } });
    // THEN every sidecar of the namespace sees both ServiceEntries and is held by the Sidecar
    expect(model.check({ from: from('a'), toHostname: 'api.b.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: from('c'), toHostname: 'evil.example.com', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: false, isolated: true });
    // AND UDP is not the sidecar's business, nor is another namespace
    expect(model.check({ from: from('a'), toIp: '192.0.2.1', port: 4500, protocol: Protocol.UDP })).toMatchObject({ allowed: true, isolated: false, allowedBy: [] });
    expect(model.check({ from: from('a', 'staging'), toHostname: 'evil.example.com', port: 443, protocol: Protocol.TCP }).isolated).toBe(false);
    // AND without REGISTRY_ONLY the ServiceEntries isolate nothing
    const open = chart();
    new EgressPolicy(open, 'p', { source: EgressSource.namespace('production'), dns: [], backends: [EgressBackend.istio({ registryOnly: false })] })
      .allow(Destination.fqdn('api.a.com'), Port.HTTPS);
    expect(EgressModel.of(open).check({ from: from('a'), toHostname: 'evil.example.com', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: true, isolated: false, allowedBy: [] });
    expect(EgressModel.of(open).policies()[0])
      .toMatchObject({
        semantics: { wholeNamespace: true, protocols: [Protocol.TCP], isolates: false, layer: EnforcementLayer.MESH, controlsDns: false },
      });
  });

  test('each policy records the layer that enforces it: the network plugin unless the backend says otherwise', () => {
    const c = chart();
    const source = EgressSource.namespace('production');
    new EgressPolicy(c, 'np', { source }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'cilium', { source, backends: [EgressBackend.cilium()] }).allow(Destination.fqdn('api.a.com'), Port.HTTPS);
    new EgressPolicy(c, 'mesh', { source, dns: [], backends: [EgressBackend.istio()] }).allow(Destination.fqdn('api.a.com'), Port.HTTPS);
    const layers = Object.fromEntries(EgressModel.of(c).policies().map((p) => [p.constructPath, p.semantics.layer]));
    expect(layers).toEqual({ 'test/np': undefined, 'test/cilium': undefined, 'test/mesh': EnforcementLayer.MESH });
    expect(EgressBackend.kubernetes().semantics.layer ?? EnforcementLayer.NETWORK).toBe(EnforcementLayer.NETWORK);
    expect(EgressBackend.calico().semantics.layer ?? EnforcementLayer.NETWORK).toBe(EnforcementLayer.NETWORK);
    expect(EgressBackend.clusterNetworkPolicy().semantics.layer ?? EnforcementLayer.NETWORK).toBe(EnforcementLayer.NETWORK);
  });

  test('pods that no policy selects are not isolated', () => {
    expect(setup().check({ from: { namespace: 'dev', labels: {} }, toIp: '8.8.8.8', port: 53, protocol: Protocol.UDP })).toMatchObject({ allowed: true, isolated: false, allowedBy: [] });
  });
});
