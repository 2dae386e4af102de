import { Destination, EgressBackend, EgressGateway, EgressSource, Port } from '../../../src';
import { chart, expectEgressError, synth } from '../../support/helpers';

const route = (gw: EgressGateway, id = 'api', host = 'api.external.com') =>
  gw.addRoute(id, { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }), destinations: [Destination.fqdn(host)], ports: [Port.HTTPS] });
const policies = (m: any[]) => m.filter((o) => ['NetworkPolicy', 'CiliumNetworkPolicy'].includes(o.kind))
  .map((o) => `${o.kind} ${o.metadata.namespace} ${o.metadata.name}`).sort();

describe('EgressGateway bypass closure: one policy per backend', () => {
  test('one backend each: the closure policies keep their ids (SourceEgress-<hash>, GatewayEgress)', () => {
    const c = chart();
    const gw = new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] });
    route(gw);
    expect(gw.node.children.map((x) => x.node.id).filter((id) => /Egress/.test(id)).sort()).toEqual(['GatewayEgress', expect.stringMatching(/^SourceEgress-[0-9a-f]{8}$/)]);
    expect(policies(synth(c)).map((p) => p.split(' ')[0])).toEqual(['CiliumNetworkPolicy', 'NetworkPolicy']);
  });

  test('several backends: each renders the sources\' and the gateway\'s closure, with the same rules', () => {
    const c = chart();
    const gw = new EgressGateway(c, 'gw', { backends: [EgressBackend.kubernetes(), EgressBackend.cilium()], gatewayBackends: [EgressBackend.cilium()] });
    route(gw);
    route(gw, 'files', 'files.external.com');
    const m = synth(c);
    const kinds = (ns: string) => m.filter((o) => o.metadata.namespace === ns && /NetworkPolicy$/.test(o.kind)).map((o) => o.kind).sort();
    // the source: a NetworkPolicy and a CiliumNetworkPolicy; the gateway pods: one CiliumNetworkPolicy
    expect(kinds('production')).toEqual(['CiliumNetworkPolicy', 'NetworkPolicy']);
    expect(kinds('istio-system')).toEqual(['CiliumNetworkPolicy']);
    expect(gw.node.children.map((x) => x.node.id).filter((id) => /^SourceEgress/.test(id)).map((id) => id.replace(/[0-9a-f]{8}/, 'H')).sort())
      .toEqual(['SourceEgress-H-cilium', 'SourceEgress-H-kubernetes']);
    // both source policies allow the gateway pods on 8443 and istiod on 15012, and nothing else
    const np = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'production');
    expect(np.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort()).toEqual([15012, 53, 53, 8443].sort());
    const cnp = m.find((o) => o.kind === 'CiliumNetworkPolicy' && o.metadata.namespace === 'production');
    expect(JSON.stringify(cnp.spec)).toContain('"8443"');
    expect(JSON.stringify(cnp.spec)).toContain('"15012"');
  });

  test('gatewayBackends defaults to backends', () => {
    const c = chart();
    route(new EgressGateway(c, 'gw', { backends: [EgressBackend.cilium()] }));
    expect(policies(synth(c)).map((p) => p.split(' ').slice(0, 2).join(' '))).toEqual(['CiliumNetworkPolicy istio-system', 'CiliumNetworkPolicy production']);
  });

  test('throws on an empty list or a backend listed twice', () => {
    expectEgressError(() => new EgressGateway(chart(), 'gw', { backends: [] }), 'EGRESS_EMPTY_POLICY', 'test/gw', /empty backends list: omit it for the default/);
    expectEgressError(() => new EgressGateway(chart(), 'gw', { gatewayBackends: [EgressBackend.cilium(), EgressBackend.cilium()] }),
      'EGRESS_DUPLICATE_RULE', 'test/gw', /Backend "cilium" is listed twice in gatewayBackends/);
  });

  test('throws when the gatewayBackends cannot match hostnames, naming them and the fix', () => expectEgressError(
    () => new EgressGateway(chart(), 'gw', { gatewayBackends: [EgressBackend.kubernetes()] }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw', /which Kubernetes NetworkPolicy cannot express \(needs capability Fqdn\)\. Pass gatewayBackends: \[EgressBackend\.cilium\(\)\]/));

  test('throws on gatewayBackends that mix hostname-aware and address-only backends, with or without the any-address opt-in', () => {
    for (const allowGatewayEgressToAnyAddress of [false, true]) {
      expectEgressError(() => new EgressGateway(chart(), 'gw', { gatewayBackends: [EgressBackend.cilium(), EgressBackend.kubernetes()], allowGatewayEgressToAnyAddress }),
        'EGRESS_CONFLICTING_OPTIONS', 'test/gw',
        new RegExp(`gatewayBackends mixes backends that can limit the gateway pods to the routed hostnames \\(Cilium[^)]*\\) with backends that cannot \\(Kubernetes NetworkPolicy\\)\\. Keep only the first kind in gatewayBackends${allowGatewayEgressToAnyAddress ? ' and remove allowGatewayEgressToAnyAddress' : ''}`));
    }
  });
});
