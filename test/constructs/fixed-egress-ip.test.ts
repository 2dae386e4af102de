import { Chart, Testing } from 'cdk8s';
import { Destination, EgressSource, EgressWarnings } from '../../src';
import { FixedEgressIp } from '../../src/constructs/fixed-egress-ip';
import { FixedEgressIpProvider } from '../../src/fixed-ip/fixed-egress-ip-provider';
import { chart, deployment, expectError } from '../support/fixed-ip';
import { tempApp, writtenFiles } from '../support/helpers';

const apiClient = () => EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
const gateway = () => FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' });

describe('FixedEgressIp | the seed "Cilium Egress Gateway" policy', () => {
  test('egress-external-api is reproduced, cluster-scoped, with the namespace as a pod label', () => {
    // GIVEN a chart with a namespace (cdk8s would copy it into every object)
    const c = chart('production');
    // WHEN
    const ip = new FixedEgressIp(c, 'egress-external-api', {
      name: 'egress-external-api',
      source: apiClient(),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: gateway(),
    });
    // THEN
    const manifests = Testing.synth(c);
    expect(manifests).toHaveLength(1);
    const [cegp] = manifests;
    expect(cegp).toMatchSnapshot();
    expect(cegp.apiVersion).toBe('cilium.io/v2');
    expect(cegp.kind).toBe('CiliumEgressGatewayPolicy');
    expect(cegp.metadata).toEqual({ name: 'egress-external-api' });
    expect(cegp.spec).toEqual({
      selectors: [{ podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': 'production', 'app': 'api-client' } } }],
      destinationCIDRs: ['203.0.113.0/24'],
      egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway': 'true' } }, egressIP: '10.0.0.100' },
    });
    expect(ip.egressIdentity).toBe('Cilium gateway node egress-gateway=true with 10.0.0.100');
    expect(ip.apiObjects.map((o) => o.kind)).toEqual(['CiliumEgressGatewayPolicy']);
  });

  test('the documented limits are warnings with stable ids', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    expect(EgressWarnings.list(c).map((w) => w.id)).toEqual([
      'cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections',
      'cdk8s-egress:ciliumEgressIncompatibleFeatures',
      'cdk8s-egress:ciliumEgressNewPodDelay',
      'cdk8s-egress:ciliumEgressNoGatewayDrops',
      'cdk8s-egress:ciliumEgressNoHa',
    ]);
    const byId = Object.fromEntries(EgressWarnings.list(c).map((w) => [w.id, w.message]));
    expect(byId['cdk8s-egress:ciliumEgressNoHa']).toMatch(/no high availability.*cilium\/cilium#18230/);
    expect(byId['cdk8s-egress:ciliumEgressNoGatewayDrops']).toMatch(/If no node carries the labels egress-gateway=true, Cilium drops/);
    expect(byId['cdk8s-egress:ciliumEgressIncompatibleFeatures']).toMatch(/Cluster Mesh.*CiliumEndpointSlice.*identityAllocationMode=kvstore/);
    expect(byId['cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections']).toMatch(/breaks the pods' open connections/);
  });

  test('strict mode turns the warnings into errors until they are acknowledged', () => {
    const app = tempApp();
    const c = new Chart(app, 'c');
    EgressWarnings.enableStrictMode(app);
    new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    expect(() => app.synth()).toThrow(/\[c\/ip\] Cilium's open-source egress gateway has no high availability.*cdk8s-egress:ciliumEgressNoHa; strict mode/s);
    expect(writtenFiles(app)).toEqual([]);

    const app2 = tempApp();
    const c2 = new Chart(app2, 'c');
    EgressWarnings.enableStrictMode(app2);
    new FixedEgressIp(c2, 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    for (const w of EgressWarnings.list(c2)) EgressWarnings.acknowledge(app2, w.id, 'single gateway accepted; documented in the runbook');
    app2.synth();
    expect(writtenFiles(app2)).toEqual(['c.k8s.yaml']);
  });

  test('output is deterministic', () => {
    const build = () => {
      const c = chart();
      new FixedEgressIp(c, 'ip', {
        source: EgressSource.anyOf(apiClient(), EgressSource.namespace('batch')),
        destinations: [Destination.ipv4('198.51.100.0/24'), Destination.ipv6('2001:db8::/32')],
        provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'zone': 'a', 'egress-gateway': 'true' }, egressInterface: 'eth1' }),
      });
      return JSON.stringify(Testing.synth(c));
    };
    expect(build()).toEqual(build());
  });
});

describe('FixedEgressIp | sources and destinations', () => {
  test('throws without sources', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: EgressSource.anyOf(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() }),
    'EGRESS_EMPTY_SELECTOR', /FixedEgressIp was given no sources: list the pods/));

  test('throws on an invalid source', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: EgressSource.namespace('Prod'), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() }),
    'EGRESS_INVALID_NAME', /Invalid namespace in EgressSource.namespace\(\) "Prod".*Did you mean "prod"/));

  test('throws on a workload without namespace', () => {
    const c = chart();
    const d = deployment(c, 'api', 'api', { metadata: {} });
    expectError(() => new FixedEgressIp(c, 'ip', { source: EgressSource.workload(d), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() }),
      'EGRESS_NAMESPACE_REQUIRED', /EgressSource.workload\(test\/api\) has no namespace/);
  });

  test('a provider scoped by destination needs destinations', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), provider: gateway() }),
    'EGRESS_EMPTY_POLICY', /The Cilium egress gateway applies to listed destinations only, and none were given.*Destination.anyIpv4\(\) with allowAllAddresses: true/));

  test('throws on an invalid destination CIDR, with the fix', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.7')], provider: gateway() }),
    'EGRESS_INVALID_CIDR', /"203.0.113.7" has no prefix length \(mask\). Did you mean "203.0.113.7\/32"\?/));

  test('destinations must be IP blocks', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.fqdn('api.example.com')], provider: gateway() }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /FixedEgressIp destinations must be IP blocks, got api.example.com: the Cilium egress gateway matches destination CIDRs only/));

  test('0.0.0.0/0 needs the explicit opt-in', () => {
    expectError(() => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.anyIpv4()], provider: gateway() }),
      'EGRESS_ALLOW_ALL', /Refusing to send all IPv4 egress \(0.0.0.0\/0\) of the pods through the Cilium egress gateway.*allowAllAddresses: true/);
    const c = chart();
    new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: [Destination.anyIpv4()], allowAllAddresses: true, provider: gateway() });
    expect(Testing.synth(c)[0].spec.destinationCIDRs).toEqual(['0.0.0.0/0']);
  });

  test('blocks that together cover a family need the same opt-in', () => {
    const halves = [Destination.ipv4('0.0.0.0/1'), Destination.ipv4('128.0.0.0/1')];
    expectError(() => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: halves, provider: gateway() }),
      'EGRESS_ALLOW_ALL', /Refusing to route 0.0.0.0\/1, 128.0.0.0\/1 through the Cilium egress gateway: together .* cover every IPv4 address.*allowAllAddresses: true/);
    const c = chart();
    new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: halves, allowAllAddresses: true, provider: gateway() });
    expect(Testing.synth(c)[0].spec.destinationCIDRs).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
  });

  test('throws on a duplicate destination', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24'), Destination.ipv4('203.0.113.0/24')], provider: gateway() }),
    'EGRESS_DUPLICATE_RULE', /Destination 203.0.113.0\/24 is listed twice/));

  test('providers that apply to all egress refuse destinations instead of ignoring them', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', {
      source: EgressSource.namespace('batch'),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-a'], securityGroupIds: ['sg-a'] }),
    }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /The Terway PodNetworking gives the pods their address for all egress and cannot be limited to destinations \(203.0.113.0\/24\)/));

  test('throws on an invalid object name', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { name: 'Egress_API', source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() }),
    'EGRESS_INVALID_NAME', /Invalid object name "Egress_API": it must be a DNS-1123 subdomain.*Did you mean "egress-api"\?/));

  test('throws on invalid labels for the emitted objects', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway(), labels: { 'team name': 'x' } }),
    'EGRESS_INVALID_LABEL', /Invalid label key "team name" in labels/));

  test('labels and annotations go on the emitted object', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', {
      source: apiClient(),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: gateway(),
      labels: { team: 'payments' },
      annotations: { 'example.com/owner': 'payments' },
    });
    const [cegp] = Testing.synth(c);
    expect(cegp.metadata.labels).toEqual({ team: 'payments' });
    expect(cegp.metadata.annotations).toEqual({ 'example.com/owner': 'payments' });
  });
});

describe('FixedEgressIp | cluster CIDRs', () => {
  const cluster = { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] };

  test('a destination inside the pod CIDR is refused (it never leaves through the gateway)', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.ipv4('10.244.3.0/24')], provider: gateway(), clusterCidrs: cluster }),
    'EGRESS_INVALID_CIDR', /Destination 10.244.3.0\/24 lies inside the cluster's pod CIDR 10.244.0.0\/16: in-cluster traffic never leaves through the Cilium egress gateway/));

  test('a destination inside the Service CIDR is refused', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.ipv4('10.96.0.10/32')], provider: gateway(), clusterCidrs: cluster }),
    'EGRESS_INVALID_CIDR', /lies inside the cluster's Service CIDR 10.96.0.0\/12/));

  test('a destination containing a cluster CIDR is a warning', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: [Destination.ipv4('10.0.0.0/8')], provider: gateway(), clusterCidrs: cluster });
    const w = EgressWarnings.list(c).find((x) => x.id === 'cdk8s-egress:fixedEgressIpClusterCidrExcluded');
    expect(w?.message).toMatch(/Destination 10.0.0.0\/8 contains the cluster's pod CIDR 10.244.0.0\/16 and Service CIDR 10.96.0.0\/12/);
    // AND so does every address, opted into
    const all = chart();
    new FixedEgressIp(all, 'ip', { source: apiClient(), destinations: [Destination.anyIpv4()], allowAllAddresses: true, provider: gateway(), clusterCidrs: cluster });
    expect(EgressWarnings.list(all).find((x) => x.id === 'cdk8s-egress:fixedEgressIpClusterCidrExcluded')?.message)
      .toMatch(/Destination 0.0.0.0\/0 contains the cluster's pod CIDR 10.244.0.0\/16 and Service CIDR 10.96.0.0\/12/);
  });

  test('cluster CIDRs can come from context', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-egress:clusterCidrs', cluster);
    const c = new Chart(app, 'test');
    expectError(() => new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: [Destination.ipv4('10.244.3.0/24')], provider: gateway() }),
      'EGRESS_INVALID_CIDR', /inside the cluster's pod CIDR 10.244.0.0\/16/);
  });

  test('throws on an invalid declared cluster CIDR', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway(), clusterCidrs: { podCidrs: ['10.244.0.0'] } }),
    'EGRESS_INVALID_CIDR', /Invalid CIDR in clusterCidrs.podCidrs: "10.244.0.0" has no prefix length \(mask\). Did you mean "10.244.0.0\/32"\?/));
});
