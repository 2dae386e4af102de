import { Destination, DefaultDenyEgress, EgressBackend, EgressModel, EgressPolicy, EgressSource, GrantPurpose, Port, Protocol } from '../../src';
import { chart } from '../helpers';

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
      .toEqual({ allowed: true, isolated: true, allowedBy: ['NetworkPolicy/production/egress-control'] });
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
    expect(m.check({ from: other, toIp: '203.0.113.9', port: 443, protocol: Protocol.TCP })).toEqual({ allowed: false, isolated: true, allowedBy: [] });
  });

  test('a Cilium address block never matches a pod (Cilium selects pods by identity), a NetworkPolicy one does', () => {
    const c = chart();
    const src = (app: string) => EgressSource.pods({ namespace: 'production', labels: { app } });
    new EgressPolicy(c, 'np', { source: src('np'), dns: [] }).allow(Destination.ipv4('10.0.0.0/8'), Port.HTTPS);
    new EgressPolicy(c, 'cnp', { source: src('cnp'), dns: [], backend: EgressBackend.cilium() }).allow(Destination.ipv4('10.0.0.0/8'), Port.HTTPS);
    const model = EgressModel.of(c);
    const toPod = { namespace: 'data', labels: { app: 'db' }, ip: '10.1.2.3' };
    const probe = (app: string, to: object) => model.check({ from: { namespace: 'production', labels: { app } }, ...to, port: 443, protocol: Protocol.TCP }).allowed;
    expect([probe('np', { toPod }), probe('cnp', { toPod })]).toEqual([true, false]);
    // an external address in the block is allowed by both
    expect([probe('np', { toIp: '10.9.9.9' }), probe('cnp', { toIp: '10.9.9.9' })]).toEqual([true, true]);
  });

  test('pods that no policy selects are not isolated', () => {
    expect(setup().check({ from: { namespace: 'dev', labels: {} }, toIp: '8.8.8.8', port: 53, protocol: Protocol.UDP })).toEqual({ allowed: true, isolated: false, allowedBy: [] });
  });
});
