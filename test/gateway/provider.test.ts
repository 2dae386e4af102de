import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Destination, EgressBackend, EgressGateway, EgressModel, EgressSource, FactKind, IEgressGatewayProvider, Port } from '../../src';
import { Problem } from '../../src/core/egress-error';
import { SourceConfig } from '../../src/core/source-config';
import { GatewaySettings, IGatewayBinding } from '../../src/gateway/binding';
import { HostEntry } from '../../src/gateway/route-model';
import { RoutePlan } from '../../src/gateway/route-planner';
import { chart, expectEgressError, ofKind, synth } from '../support/helpers';

/**
 * A provider the construct has never seen, shaped like an ambient waypoint: the sources reach
 * the waypoint pods on one HBONE port for both listeners, there is no control plane the
 * sources must reach, and each routed host becomes one ConfigMap. Written against the contract
 * only: the construct is untouched.
 */
class WaypointProvider implements IEgressGatewayProvider {
  public readonly id = 'waypoint';
  public readonly displayName = 'Test waypoint';
  public readonly calls: string[] = [];

  public _problems(): Problem[] {
    return [];
  }

  public _bind(gateway: Construct, settings: GatewaySettings): IGatewayBinding {
    const calls = this.calls;
    const objects: ApiObject[] = [];
    const hbone = { port: 15008, targetPort: 15008 };
    return {
      pods: { namespace: 'waypoints', labels: { 'gateway.networking.k8s.io/gateway-name': 'egress' }, workload: 'egress' },
      listeners: { tls: hbone, http: hbone },
      get apiObjects() { return [...objects]; },
      announce: () => calls.push('announce'),
      beforeRoute: () => calls.push('beforeRoute'),
      principals: (ns: string, sas: readonly string[]) => sas.map((sa) => `spiffe://waypoint/ns/${ns}/sa/${sa}`),
      checkRoute: (route: IConstruct, plan: RoutePlan) => {
        calls.push(`checkRoute ${route.node.id} ${plan.hosts.join(',')}`);
      },
      objectName: (name: string | undefined, _hosts: readonly string[], host: string) => name ?? `egress-${host.replace(/\./g, '-')}`,
      applyRoute: (_route: IConstruct, _plan: RoutePlan, entries: readonly HostEntry[], isNew: (h: string) => boolean) => {
        for (const e of entries) {
          if (!isNew(e.host) || objects.some((o) => o.name === e.objectName)) continue;
          objects.push(new ApiObject(gateway, `Host-${e.host}`, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: e.objectName, namespace: 'waypoints' },
            data: { host: e.host, mtls: String(settings.mtls) },
          }));
        }
      },
      routeAdded: (route: IConstruct, source: SourceConfig) => calls.push(`routeAdded ${route.node.id} ${source.namespace}`),
      denyHosts: (hosts: readonly string[]) => calls.push(`deny ${hosts.join(',')}`),
    };
  }
}

describe('IEgressGatewayProvider: a new provider fits without touching the construct', () => {
  test('the construct plans, closes the bypass towards the provider\'s pods and ports, and records typed facts', () => {
    const c = chart();
    const provider = new WaypointProvider();
    const gw = new EgressGateway(c, 'gw', { provider, gatewayBackends: [EgressBackend.cilium()] });
    gw.addRoute('api', { source: EgressSource.namespace('production'), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
    gw.denyHosts(['*.evil.example']);
    const m = synth(c);
    // the provider's objects
    expect(ofKind(m, 'ConfigMap').map((o) => [o.metadata.name, o.data.host])).toEqual([['egress-api-example-com', 'api.example.com']]);
    expect(gw.apiObjects.map((o) => o.kind)).toEqual(['ConfigMap']);
    // the construct's closure: the source may reach the waypoint on HBONE (and DNS), no control plane
    const np = ofKind(m, 'NetworkPolicy').find((o) => o.metadata.namespace === 'production');
    expect(np.spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 15008)).to[0].podSelector.matchLabels).toEqual({ 'gateway.networking.k8s.io/gateway-name': 'egress' });
    expect(JSON.stringify(np.spec)).not.toContain('15012');
    // the gateway pods may reach the routed host only
    expect(JSON.stringify(ofKind(m, 'CiliumNetworkPolicy').find((o) => o.metadata.namespace === 'waypoints').spec)).toContain('api.example.com');
    // the hooks, in order
    expect(provider.calls).toEqual(['announce', 'beforeRoute', 'checkRoute api api.example.com', 'routeAdded api production', 'deny *.evil.example']);
    // the route fact names the provider; monitoring would skip it (not Istio)
    const [fact] = EgressModel.of(c).facts().filter((f) => f.kind === FactKind.GATEWAY_ROUTE);
    expect(fact.gatewayRoute).toEqual({
      provider: 'waypoint',
      gateway: { namespace: 'waypoints', workload: 'egress', labels: { 'gateway.networking.k8s.io/gateway-name': 'egress' } },
      hosts: ['api.example.com'],
      legs: [{ appPort: 443, upstreamPort: 443, gatewayPort: 15008 }],
    });
  });

  test('the construct\'s planning errors stay the same whatever the provider', () => {
    const gw = new EgressGateway(chart(), 'gw', { provider: new WaypointProvider(), gatewayBackends: [EgressBackend.cilium()] });
    expectEgressError(() => gw.addRoute('p', { source: EgressSource.namespace('production'), destinations: [Destination.anySubdomainOf('example.com')], ports: [Port.HTTPS] }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw/p', /Cannot route the pattern \*\.example\.com through the egress gateway/);
  });

  test('a value that is not a provider is refused at the gateway', () => expectEgressError(
    () => new EgressGateway(chart(), 'gw', { provider: { id: 'x' } as never }),
    'EGRESS_INVALID_ARGUMENT', 'test/gw', /EgressGateway props.provider .*an egress gateway provider, e.g. EgressGatewayProvider.istio\(\)/));
});
