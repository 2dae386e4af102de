import { Chart, Testing } from 'cdk8s';
import { Destination, EgressBackend, EgressGateway, EgressModel, EgressRoute, EgressSource, FactKind, Port } from '../../src';
import { chart, expectEgressError, ofKind, synth } from '../support/helpers';

const source = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const gatewayIn = (c: Chart) => new EgressGateway(c, 'gw', { name: 'egress-gateway', gatewayBackends: [EgressBackend.cilium()] });

describe('EgressRoute', () => {
  test('new EgressRoute(scope, id, { gateway, ... }) emits what gateway.addRoute(id, options) emits', () => {
    // GIVEN the same route, once created by the factory and once directly in another scope
    const viaFactory = chart();
    gatewayIn(viaFactory).addRoute('api', { source: source(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS], name: 'api' });
    const direct = chart();
    const route = new EgressRoute(direct, 'api', { gateway: gatewayIn(direct), source: source(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS], name: 'api' });
    // THEN the Istio objects are the same, and the route is a construct at its own path
    const istio = (m: any[]) => m.filter((o) => o.apiVersion.includes('istio.io'));
    expect(istio(synth(direct))).toEqual(istio(synth(viaFactory)));
    expect(route.node.path).toBe('test/api');
    expect(route.hosts).toEqual(['api.external.com']);
    expect(EgressModel.of(direct).facts().filter((f) => f.kind === FactKind.GATEWAY_ROUTE).map((f) => f.constructPath)).toEqual(['test/api']);
  });

  test('addRoute creates the route under the gateway', () => {
    const c = chart();
    const r = gatewayIn(c).addRoute('api', { source: source(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    expect(r).toBeInstanceOf(EgressRoute);
    expect(r.node.path).toBe('test/gw/api');
    expect(r.gateway.node.path).toBe('test/gw');
  });

  test('its hosts are its own copy: changing them changes nothing the gateway routes', () => {
    const c = chart();
    const gw = gatewayIn(c);
    const r = gw.addRoute('api', { source: source(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    r.hosts.push('evil.example.com');
    expect(gw.routedHosts).toEqual(['api.external.com']);
    expect(ofKind(synth(c), 'VirtualService').map((v) => v.spec.hosts)).toEqual([['api.external.com']]);
  });

  test('throws without a gateway, naming the prop and the fix', () => expectEgressError(
    () => new EgressRoute(chart(), 'r', { source: source(), destinations: [Destination.fqdn('a.example.com')], ports: [Port.HTTPS] } as never),
    'EGRESS_INVALID_ARGUMENT', 'test/r', /EgressRoute props has no gateway: pass the EgressGateway the traffic goes through/));

  test('throws on a gateway that is not one', () => expectEgressError(
    () => new EgressRoute(chart(), 'r', { gateway: Testing.chart() as never, source: source(), destinations: [Destination.fqdn('a.example.com')], ports: [Port.HTTPS] }),
    'EGRESS_INVALID_ARGUMENT', 'test/r', /EgressRoute props.gateway .*an EgressGateway/));

  test('a refused route reports its own path', () => {
    const c = chart();
    expectEgressError(() => new EgressRoute(c, 'bad', { gateway: gatewayIn(c), source: source(), destinations: [Destination.ipv4('203.0.113.0/24')], ports: [Port.HTTPS] }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/bad', /Cannot route .*203\.0\.113\.0\/24 through the egress gateway/);
  });
});
