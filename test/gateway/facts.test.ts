import { Destination, EgressBackend, EgressGateway, EgressGatewayProvider, EgressModel, EgressSource, FactKind, Port, Protocol } from '../../src';
import { EgressMonitoring } from '../../src/constructs/egress-monitoring';
import { chart, ofKind, synth } from '../support/helpers';

describe('gateway facts are typed', () => {
  test('a route fact carries its gateway, hosts, legs and control plane as values', () => {
    const c = chart();
    const gw = new EgressGateway(c, 'gw', {
      provider: EgressGatewayProvider.istio({ namespace: 'istio-egress', selector: { istio: 'egress', app: 'gw' }, serviceHost: 'egress-gw.istio-egress.svc.cluster.local', controlPlanePort: 15010 }),
      gatewayBackends: [EgressBackend.cilium()],
    });
    gw.addRoute('r', {
      source: EgressSource.namespace('production'),
      destinations: [Destination.fqdn('api.example.com'), Destination.fqdn('files.example.com')],
      ports: [Port.HTTPS, Port.http(80)],
      tlsOrigination: false,
    });
    gw.addRoute('o', { source: EgressSource.namespace('batch'), destinations: [Destination.fqdn('legacy.example.com')], ports: [Port.http(80)], tlsOrigination: true, originationPort: 8443 });
    const routes = EgressModel.of(c).facts().filter((f) => f.kind === FactKind.GATEWAY_ROUTE);
    expect(routes.map((f) => f.gatewayRoute)).toEqual([
      {
        provider: 'istio',
        gateway: { namespace: 'istio-egress', workload: 'egress-gw', labels: { app: 'gw', istio: 'egress' } },
        hosts: ['api.example.com', 'files.example.com'],
        legs: [{ appPort: 443, upstreamPort: 443, gatewayPort: 8443 }, { appPort: 80, upstreamPort: 80, gatewayPort: 8080 }],
        controlPlane: { namespace: 'istio-system', labels: { app: 'istiod' }, port: 15010 },
      },
      {
        provider: 'istio',
        gateway: { namespace: 'istio-egress', workload: 'egress-gw', labels: { app: 'gw', istio: 'egress' } },
        hosts: ['legacy.example.com'],
        legs: [{ appPort: 80, upstreamPort: 8443, gatewayPort: 8080 }],
        controlPlane: { namespace: 'istio-system', labels: { app: 'istiod' }, port: 15010 },
      },
    ]);
    // no formatted strings for what is typed
    for (const f of routes) expect(Object.keys(f.details ?? {}).sort()).toEqual(['gatewayLabels', 'gatewayNamespace', 'gatewayWorkload', 'provider']);
  });

  test('the model routes a probe by the typed legs: the app port of the leg, through the gateway', () => {
    const c = chart();
    new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] })
      .addRoute('r', { source: EgressSource.namespace('production'), destinations: [Destination.fqdn('legacy.example.com')], ports: [Port.http(80)], tlsOrigination: true });
    const model = EgressModel.of(c);
    const from = { namespace: 'production', labels: { app: 'x' } };
    expect(model.check({ from, toHostname: 'legacy.example.com', port: 80, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from, toHostname: 'legacy.example.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
  });

  test('monitoring finds the gateway pods and hosts from the typed fact (no details parsed)', () => {
    const c = chart('monitoring');
    new EgressGateway(c, 'gw', {
      provider: EgressGatewayProvider.istio({ selector: { istio: 'egress', app: 'gw' }, serviceHost: 'egress-gw.istio-system.svc.cluster.local' }),
      gatewayBackends: [EgressBackend.cilium()],
    }).addRoute('r', { source: EgressSource.namespace('production'), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: { release: 'prom' } });
    const rules = ofKind(synth(c), 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
    const down = rules.find((r: any) => r.alert === 'EgressGatewayDown');
    expect(down.labels.egress_gateway).toBe('istio-system/egress-gw');
    expect(down.annotations.description).toContain('traffic of api.example.com has no way out');
    expect(down.annotations.description).toContain('-l app=gw,istio=egress');
  });
});
