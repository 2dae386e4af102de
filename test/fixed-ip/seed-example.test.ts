import { Testing } from 'cdk8s';
import { buildFixedIpSections } from '../../examples/seed/fixed-ip';
import { EgressWarnings } from '../../src';
import '../support/fixed-ip';

describe('examples/seed/fixed-ip.ts', () => {
  const app = Testing.app();
  buildFixedIpSections(app);
  const byChart = Object.fromEntries(app.charts.map((c) => [c.node.id, Testing.synth(c)]));
  const find = (chart: string, kind: string, name?: string) =>
    byChart[chart].find((m: any) => m.kind === kind && (name === undefined || m.metadata.name === name));

  test('snapshot of every section', () => {
    expect(byChart).toMatchSnapshot();
  });

  test('Cilium: the seed ConfigMap and egress-external-api policy, with the values the gateway needs', () => {
    const cm = find('cilium-egress-gateway', 'ConfigMap', 'cilium-egress');
    expect(cm.data['values.yaml']).toBe('egressGateway:\n  enabled: true\nbpf:\n  masquerade: true\nkubeProxyReplacement: true\n');
    const cegp = find('cilium-egress-gateway', 'CiliumEgressGatewayPolicy', 'egress-external-api');
    expect(cegp.metadata.namespace).toBeUndefined();
    expect(cegp.spec).toEqual({
      selectors: [{ podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': 'production', 'app': 'api-client' } } }],
      destinationCIDRs: ['203.0.113.0/24'],
      egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway': 'true' } }, egressIP: '10.0.0.100' },
    });
  });

  test('ACK: official pod-EIP keys instead of the seed\'s k8s.aliyun.com/pod-eip and eip-bindingtype: NAT', () => {
    const natEnabled = find('ack-egress', 'Deployment', 'nat-enabled');
    const annotations = natEnabled.spec.template.metadata.annotations;
    expect(annotations).toEqual({ 'k8s.aliyun.com/pod-with-eip': 'true', 'k8s.aliyun.com/eip-bandwidth': '5' });
    expect(Object.keys(annotations)).not.toContain('k8s.aliyun.com/pod-eip');
    expect(Object.keys(annotations)).not.toContain('k8s.aliyun.com/eip-bindingtype');
    expect(natEnabled.spec.template.spec.containers[0].image).toBe('myapp');
    expect(natEnabled.spec.template.spec.readinessGates).toEqual([{ conditionType: 'k8s.aliyun.com/eip' }]);
    expect(find('ack-egress', 'StatefulSet', 'ledger').spec.template.metadata.annotations['k8s.aliyun.com/pod-eip-release-strategy']).toBe('10m');
    const pn = find('ack-egress', 'PodNetworking', 'report-uploader-egress');
    expect(pn.spec.eniOptions).toEqual({ eniType: 'Trunk' });
    expect(pn.spec.vSwitchOptions).toEqual(['vsw-egresszonea', 'vsw-egresszoneb']);
    // only user resources: never the controller-owned PodENI / PodEIP (the NetworkPolicies and
    // ServiceEntries let the ledger and the uploader reach their partner through both layers)
    expect(byChart['ack-egress'].map((m: any) => m.kind).sort())
      .toEqual(['Deployment', 'NetworkPolicy', 'NetworkPolicy', 'PodNetworking', 'Service', 'ServiceEntry', 'ServiceEntry', 'StatefulSet']);
  });

  test('Calico: a dedicated pool for the fixed range; the seed BGPConfiguration kept as advertiseServices', () => {
    const pool = find('calico-egress-ip', 'IPPool', 'legacy-sync-egress');
    expect(pool.spec).toMatchObject({ cidr: '10.244.240.0/24', natOutgoing: false, assignmentMode: 'Manual' });
    expect(find('calico-egress-ip', 'Deployment', 'legacy-sync').spec.template.metadata.annotations).toEqual({ 'cni.projectcalico.org/ipv4pools': '["legacy-sync-egress"]' });
    expect(find('calico-egress-ip', 'BGPConfiguration', 'default').spec).toEqual({
      serviceClusterIPs: [{ cidr: '10.96.0.0/12' }],
      serviceExternalIPs: [{ cidr: '203.0.113.0/24' }],
    });
  });

  test('every documented limit is surfaced as a warning', () => {
    expect([...new Set(EgressWarnings.list(app).map((w) => w.id))].sort()).toEqual([
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
      // the workloads' own allowances are declared to production's sidecars too
      'cdk8s-egress:istioAmbientRegistryOnly',
      'cdk8s-egress:istioNamespaceScope',
      'cdk8s-egress:istioRegistryOnlyBypassable',
    ]);
  });
});
