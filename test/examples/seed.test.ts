import { Testing } from 'cdk8s';
import { buildSeedApp } from '../../examples/seed/app';
import { EgressWarnings } from '../../src';

describe('examples/seed', () => {
  const app = Testing.app();
  buildSeedApp(app);
  const byChart = Object.fromEntries(app.charts.map((c) => [c.node.id, Testing.synth(c)]));

  test('snapshot of every section', () => {
    expect(byChart).toMatchSnapshot();
  });

  test('NetworkPolicy section: egress-control as in the seed, with DNS over TCP too', () => {
    const np = byChart.networkpolicy.find((m: any) => m.metadata.name === 'egress-control');
    expect(np.metadata.namespace).toBe('production');
    expect(np.spec.policyTypes).toEqual(['Egress']);
    expect(np.spec.podSelector.matchLabels).toEqual({ app: 'backend' });
    const flat = np.spec.egress.flatMap((r: any) => r.to.map((to: any) => ({ to, ports: r.ports })));
    expect(flat).toContainEqual({ to: { podSelector: { matchLabels: { app: 'database' } } }, ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(flat).toContainEqual({ to: { ipBlock: { cidr: '203.0.113.0/24' } }, ports: [{ protocol: 'TCP', port: 443 }] });
    const dns = flat.find((r: any) => r.to.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns');
    expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test('acknowledges, with a reason, the warnings inherent to what each section shows; the rest stay open', () => {
    const warnings = EgressWarnings.list(app);
    const acknowledged = warnings.filter((w) => w.acknowledgedReason !== undefined);
    expect(acknowledged.map((w) => `${w.id} at ${w.constructPath}`).sort()).toEqual([
      'cdk8s-egress:ackEipNotFixed at ack-egress/nat-enabled-eip',
      'cdk8s-egress:ackEipPerPod at ack-egress/ledger-eip',
      'cdk8s-egress:ackPodNetworkingAtPodCreation at ack-egress/report-uploader-snat',
      'cdk8s-egress:ackSnatEntryRequired at ack-egress/report-uploader-snat',
      'cdk8s-egress:calicoBgpConfigurationSingleton at calico-egress-ip/legacy-sync-pool',
      'cdk8s-egress:calicoPoolAtPodCreation at calico-egress-ip/legacy-sync-pool',
      'cdk8s-egress:calicoPoolMustBeRouted at calico-egress-ip/legacy-sync-pool',
      'cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections at cilium-egress-gateway/egress-external-api',
      'cdk8s-egress:ciliumEgressIncompatibleFeatures at cilium-egress-gateway/egress-external-api',
      'cdk8s-egress:ciliumEgressNewPodDelay at cilium-egress-gateway/egress-external-api',
      'cdk8s-egress:ciliumEgressNoGatewayDrops at cilium-egress-gateway/egress-external-api',
      'cdk8s-egress:ciliumEgressNoHa at cilium-egress-gateway/egress-external-api',
      'cdk8s-egress:istioAmbientRegistryOnly at external-services/allowed-external',
      'cdk8s-egress:istioGatewayAccessLogRootNamespace at external-services/egress-gateway',
      'cdk8s-egress:istioGatewayAccessLogRootNamespace at istio-egress-gateway/egress-gateway',
    ]);
    for (const w of acknowledged) expect(w.acknowledgedReason!.length).toBeGreaterThan(20);
    // what points at the example's own coherence is never acknowledged
    expect(warnings.filter((w) => w.id === 'cdk8s-egress:gatewayBypass' && w.acknowledgedReason !== undefined)).toEqual([]);
  });
});
