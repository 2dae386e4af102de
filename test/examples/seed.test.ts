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

  test('acknowledges every warning it raises with a reason: what each section shows by design, and the checked gateway bypass', () => {
    const warnings = EgressWarnings.list(app);
    const acknowledgedIds = [...new Set(warnings.filter((w) => w.acknowledgedReason !== undefined).map((w) => w.id))].sort();
    expect(acknowledgedIds).toEqual([
      'cdk8s-egress:ackEipNotFixed',
      'cdk8s-egress:ackEipPerPod',
      'cdk8s-egress:ackPodNetworkingAtPodCreation',
      'cdk8s-egress:ackSnatEntryRequired',
      'cdk8s-egress:calicoBgpConfigurationSingleton',
      'cdk8s-egress:calicoPoolAtPodCreation',
      'cdk8s-egress:calicoPoolMustBeRouted',
      'cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections',
      'cdk8s-egress:ciliumEgressIncompatibleFeatures',
      'cdk8s-egress:ciliumEgressNewPodDelay',
      'cdk8s-egress:ciliumEgressNoGatewayDrops',
      'cdk8s-egress:ciliumEgressNoHa',
      'cdk8s-egress:gatewayBypass',
      'cdk8s-egress:istioAmbientRegistryOnly',
      'cdk8s-egress:istioGatewayAccessLogRootNamespace',
      'cdk8s-egress:istioNamespaceScope',
      'cdk8s-egress:istioRegistryOnlyBypassable',
    ]);
    // every warning is covered, each with a reason a reader can use: a newcomer's first synth is quiet
    for (const w of warnings) {
      expect({ w: `${w.id} at ${w.constructPath}`, reason: (w.acknowledgedReason ?? '').length > 20 }).toEqual({ w: `${w.id} at ${w.constructPath}`, reason: true });
    }
  });
});
