// Keeps the README's "Putting it together" snippet honest: the same code, compiled with the tests
// and synthesized. Update both together.
import { App, Chart, Testing } from 'cdk8s';
import {
  AllowedExternalService, Destination, EgressBackend, EgressGateway, EgressMonitoring, EgressReport,
  EgressSource, FixedEgressIp, FixedEgressIpProvider, Port,
} from '../../src';
import { ofKind } from '../support/helpers';

function readmeSnippet(app: App): void {
  const chart = new Chart(app, 'egress');
  const backend = EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });

  // L7 visibility with Istio, enforcement with Cilium (toFQDNs + its DNS-proxy rule)
  new AllowedExternalService(chart, 'github', {
    source: backend,
    destinations: [Destination.fqdn('api.github.com'), Destination.anySubdomainOf('googleapis.com')],
    ports: [Port.HTTPS],
    backends: [EgressBackend.istio(), EgressBackend.cilium()],
  });

  // through an Istio egress gateway, with the NetworkPolicies that make it unavoidable
  const gateway = new EgressGateway(chart, 'gateway', { gatewayBackends: [EgressBackend.cilium()] });
  new AllowedExternalService(chart, 'partner', {
    source: EgressSource.pods({ namespace: 'payments', labels: { app: 'checkout' } }),
    destinations: [Destination.fqdn('api.partner.example')],
    ports: [Port.HTTPS],
    gateway,
  });

  // a stable source IP for a bank's allow-list, for the pods allowed to reach it
  const settlement = EgressSource.pods({ namespace: 'payments', labels: { app: 'settlement' } });
  new AllowedExternalService(chart, 'bank', { source: settlement, destinations: [Destination.ipv4('203.0.113.0/24')], ports: [Port.HTTPS] });
  new FixedEgressIp(chart, 'bank-ip', {
    source: settlement,
    destinations: [Destination.ipv4('203.0.113.0/24')],
    provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
  });

  // alerts derived from all of the above (declare it last)
  new EgressMonitoring(chart, 'monitoring', { namespace: 'monitoring', ruleSelectorLabels: { release: 'kube-prometheus-stack' } });
}

describe('README snippet', () => {
  test('synthesizes, with every kind it promises, and writes the report', () => {
    const app = Testing.app();
    readmeSnippet(app);
    const manifests = (app.charts[0] as Chart).toJson();
    for (const kind of ['ServiceEntry', 'Sidecar', 'CiliumNetworkPolicy', 'Gateway', 'VirtualService', 'NetworkPolicy', 'CiliumEgressGatewayPolicy', 'PrometheusRule']) {
      expect(ofKind(manifests, kind).length).toBeGreaterThan(0);
    }
    const report = JSON.parse(EgressReport.of(app).renderJson());
    expect(report.workloads.map((w: any) => w.id)).toEqual(expect.arrayContaining(['production/app=backend', 'payments/app=checkout']));
  });
});
