// The app whose rules scripts/promtool-test.mjs checks and unit-tests with promtool. The gateway
// route facts stand in for EgressGateway (same detail keys, see docs/monitoring.md) until it
// records them itself. Changing this app means updating the *.test.yaml files beside it.
import { App, Chart } from 'cdk8s';
import { Destination, DestinationKind, EgressModel, EgressPolicy, EgressSource, FactKind, Port } from '../../../src';
import { EgressMonitoring } from '../../../src/constructs/egress-monitoring';
import { chart } from '../../support/helpers';

export const RULE_NAME = 'egress-alerts';

/** Record a GATEWAY_ROUTE fact the way an Istio EgressGateway does. */
export function recordGatewayRoute(scope: Chart, id: string, props: {
  source: { namespace: string; podLabels?: Record<string, string> };
  hosts: string[];
  gatewayNamespace: string;
  gatewayWorkload: string;
  gatewayLabels: string;
}): void {
  EgressModel.of(scope).recordFact({
    toFact: () => ({
      kind: FactKind.GATEWAY_ROUTE,
      constructPath: `${scope.node.path}/${id}`,
      source: props.source,
      destinations: props.hosts.map((h) => ({ kind: h.startsWith('*.') ? DestinationKind.FQDN_PATTERN : DestinationKind.FQDN, hostname: h })),
      summary: `via ${props.gatewayNamespace}/${props.gatewayWorkload}`,
      objectRefs: [`Gateway/${props.gatewayNamespace}/${id}`, `VirtualService/${props.source.namespace}/${id}`],
      details: {
        provider: 'istio',
        gatewayNamespace: props.gatewayNamespace,
        gatewayWorkload: props.gatewayWorkload,
        gatewayLabels: props.gatewayLabels,
        hosts: props.hosts.join(','),
      },
    }),
  });
}

/** A chart with one NetworkPolicy workload and one gateway route (api.external.com). */
export function appChart(namespace: string | undefined = 'monitoring'): Chart {
  const c = chart(namespace);
  new EgressPolicy(c, 'backend', { name: 'backend', source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) })
    .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
  recordGatewayRoute(c, 'route', {
    source: { namespace: 'production', podLabels: { app: 'backend' } },
    hosts: ['api.external.com'],
    gatewayNamespace: 'istio-system',
    gatewayWorkload: 'istio-egressgateway',
    gatewayLabels: 'istio=egressgateway',
  });
  return c;
}

export class PromtoolTestChart extends Chart {
  public readonly monitoring: EgressMonitoring;

  constructor(scope: App, id: string) {
    super(scope, id, { namespace: 'monitoring' });
    const backend = new EgressPolicy(this, 'backend', {
      name: 'backend-egress',
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
    });
    backend.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    recordGatewayRoute(this, 'external-api', {
      source: { namespace: 'production', podLabels: { app: 'backend' } },
      hosts: ['api.external.com', '*.googleapis.com'],
      gatewayNamespace: 'istio-system',
      gatewayWorkload: 'istio-egressgateway',
      gatewayLabels: 'app=istio-egressgateway,istio=egressgateway',
    });
    recordGatewayRoute(this, 'partner', {
      source: { namespace: 'payments' },
      hosts: ['api.partner.example'],
      gatewayNamespace: 'egress',
      gatewayWorkload: 'partner-egressgateway',
      gatewayLabels: 'istio=partner-egressgateway',
    });
    this.monitoring = new EgressMonitoring(this, 'monitoring', {
      name: RULE_NAME,
      ruleSelectorLabels: { release: 'kube-prometheus-stack' },
      kubeStateMetrics: true,
      ciliumAlerts: true,
      applicationMetrics: {},
      alertLabels: { team: 'platform' },
    });
  }
}

export function buildPromtoolApp(app: App): PromtoolTestChart {
  return new PromtoolTestChart(app, 'promtool');
}
