// A representative app for the egress report: NetworkPolicy workloads, a deny baseline, an
// external service with an acknowledged warning, an Istio egress gateway route whose gateway pods
// leave from a fixed IP, access logging, an opt-out, and monitoring. The gateway, fixed-IP,
// access-log and opt-out facts are recorded by hand with EgressModel.recordFact(), with the detail
// keys of docs/monitoring.md, as for systems the library does not render.
import { App, Chart } from 'cdk8s';
import {
  AllowedExternalService, DefaultDenyEgress, Destination, DestinationKind, EgressModel, EgressPolicy,
  EgressSource, EgressWarnings, FactKind, Port,
} from '../../src';
import { EgressMonitoring } from '../../src/constructs/egress-monitoring';
import { recordGatewayRoute } from '../monitoring/promtool/app';

export class RepresentativeChart extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id);
    const model = EgressModel.of(this);

    const backend = new EgressPolicy(this, 'backend', {
      name: 'egress-control',
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
    });
    backend.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    backend.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new DefaultDenyEgress(this, 'baseline', { name: 'default-deny-egress', source: EgressSource.namespace('production') });

    // api-client may reach only DNS and the egress gateway; the gateway routes api.external.com.
    new EgressPolicy(this, 'api-client', {
      name: 'api-client-to-gateway',
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } }),
      rules: [{ destination: Destination.pods({ namespace: 'istio-system', labels: { istio: 'egressgateway' } }), ports: [Port.HTTPS] }],
    });
    recordGatewayRoute(this, 'external-api', {
      source: { namespace: 'production', podLabels: { app: 'api-client' } },
      hosts: ['api.external.com'],
      gatewayNamespace: 'istio-system',
      gatewayWorkload: 'istio-egressgateway',
      gatewayLabels: 'app=istio-egressgateway,istio=egressgateway',
    });
    model.recordFact({
      toFact: () => ({
        kind: FactKind.FIXED_EGRESS_IP,
        constructPath: `${this.node.path}/gateway-ip`,
        source: { namespace: 'istio-system', podLabels: { istio: 'egressgateway' } },
        summary: 'source IP 10.0.0.100 via Cilium egress gateway nodes egress-gateway=true',
        objectRefs: ['CiliumEgressGatewayPolicy//egress-gateway-ip'],
        details: { provider: 'cilium', egressIp: '10.0.0.100' },
      }),
    });

    // billing reaches a partner range (broad: warned and acknowledged) from a fixed IP.
    const partner = new AllowedExternalService(this, 'partner', {
      name: 'billing-partner',
      source: EgressSource.pods({ namespace: 'payments', labels: { app: 'billing' } }),
      destinations: [Destination.ipv4('100.0.0.0/7'), Destination.ipv4('198.51.100.7/32')],
      ports: [Port.tcp(8443)],
    });
    EgressWarnings.acknowledge(partner, 'cdk8s-egress:broadCidr', 'the partner announces the whole range');
    model.recordFact({
      toFact: () => ({
        kind: FactKind.FIXED_EGRESS_IP,
        constructPath: `${this.node.path}/billing-ip`,
        source: { namespace: 'payments', podLabels: { app: 'billing' } },
        destinations: [{ kind: DestinationKind.CIDR, cidr: '198.51.100.7/32', ipFamily: 4 }],
        summary: 'source IP 10.0.0.101 via Cilium egress gateway nodes egress-gateway=true',
        objectRefs: ['CiliumEgressGatewayPolicy//billing-ip'],
        details: { provider: 'cilium', egressIp: '10.0.0.101', troubleshoot: 'kubectl get ciliumegressgatewaypolicy billing-ip -o jsonpath=\'{.spec.egressGateway}\'' },
      }),
    });
    model.recordFact({
      toFact: () => ({
        kind: FactKind.ACCESS_LOG,
        constructPath: `${this.node.path}/access-log`,
        source: { namespace: 'production' },
        summary: 'Envoy access log of the sidecars, including blocked (BlackHoleCluster) attempts',
        objectRefs: ['Telemetry/production/egress-access-log'],
        details: { provider: 'istio', logsBlocked: 'true' },
      }),
    });
    model.recordFact({
      toFact: () => ({
        kind: FactKind.OPT_OUT,
        constructPath: `${this.node.path}/partner`,
        source: { namespace: 'payments', podLabels: { app: 'billing' } },
        summary: 'broad destination 100.0.0.0/7 accepted (cdk8s-egress:broadCidr acknowledged)',
        objectRefs: ['NetworkPolicy/payments/billing-partner'],
        details: { option: 'broadCidr', reason: 'the partner announces the whole range' },
      }),
    });
    // An alert that concerns no declared workload: listed, not dropped.
    model.recordFact({
      toFact: () => ({
        kind: FactKind.ALERT,
        constructPath: `${this.node.path}/legacy-alert`,
        source: { namespace: 'legacy' },
        summary: 'LegacyEgressAlert: hand-written rule',
        objectRefs: ['PrometheusRule/monitoring/legacy'],
      }),
    });

    new EgressMonitoring(this, 'monitoring', {
      name: 'egress-alerts',
      namespace: 'monitoring',
      ruleSelectorLabels: { release: 'kube-prometheus-stack' },
    });
  }
}

export function buildRepresentativeApp(app: App): RepresentativeChart {
  return new RepresentativeChart(app, 'shop');
}
