import { Chart, Testing } from 'cdk8s';
import { Destination, EgressModel, EgressSource, EgressWarnings } from '../../src';
import { FixedEgressIp } from '../../src/constructs/fixed-egress-ip';
import { FixedEgressIpProvider } from '../../src/fixed-ip/fixed-egress-ip-provider';
import { CalicoEncapsulation, CalicoFixedEgressIpOptions, CalicoPoolReservation } from '../../src/fixed-ip/options';
import { chart, deployment, expectError, expectSynthError } from '../support/fixed-ip';

const cluster = { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] };

const withWorkload = (options: CalicoFixedEgressIpOptions) => {
  const c = chart('production');
  const api = deployment(c, 'api', 'api-client');
  const ip = new FixedEgressIp(c, 'ip', { name: 'api-egress', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico(options), clusterCidrs: cluster });
  const manifests = Testing.synth(c);
  return { c, ip, manifests, pool: manifests.find((m) => m.kind === 'IPPool'), deploy: manifests.find((m) => m.kind === 'Deployment') };
};

describe('FixedEgressIpProvider.calico() | a dedicated IP pool requested by annotation', () => {
  test('a reserved pool (assignmentMode Manual, Workload only, no NAT) and the pod-template annotation', () => {
    const { ip, pool, deploy, c } = withWorkload({ poolCidr: '10.244.200.0/24' });
    expect(pool).toMatchSnapshot();
    expect(pool.apiVersion).toBe('projectcalico.org/v3');
    expect(pool.metadata).toEqual({ name: 'api-egress' }); // cluster-scoped: no namespace although the chart has one
    expect(pool.spec).toEqual({
      cidr: '10.244.200.0/24', natOutgoing: false, ipipMode: 'Never', vxlanMode: 'Never', allowedUses: ['Workload'], assignmentMode: 'Manual',
    });
    expect(deploy.spec.template.metadata.annotations).toEqual({ 'cni.projectcalico.org/ipv4pools': '["api-egress"]' });
    expect(ip.egressIdentity).toBe('Calico pool api-egress (10.244.200.0/24)');
    expect(EgressWarnings.list(c).map((w) => w.id)).toEqual(['cdk8s-egress:calicoPoolAtPodCreation', 'cdk8s-egress:calicoPoolMustBeRouted']);
    expect(EgressWarnings.list(c)[0].message).toMatch(/only when a pod is created: pods that already run keep their address until they are recreated/);
  });

  test('reservation by node selector for Calico before 3.30', () => {
    const { pool } = withWorkload({ poolCidr: '10.244.200.0/24', reservation: CalicoPoolReservation.NODE_SELECTOR_NONE });
    expect(pool.spec.nodeSelector).toBe('!all()');
    expect(pool.spec.assignmentMode).toBeUndefined();
  });

  test('Calico 3.29 (assignmentMode arrived in 3.30): the default reservation is the node selector, and Manual is refused with the alternative', () => {
    const { pool, ip } = withWorkload({ poolCidr: '10.244.200.0/24', version: '3.29' });
    expect(pool.spec.nodeSelector).toBe('!all()');
    expect(pool.spec.assignmentMode).toBeUndefined();
    expect(EgressModel.of(ip).facts()[0].summary).toBe('source IP: Calico pool api-egress (10.244.200.0/24) (pool reserved by nodeSelector !all(), for Calico 3.29)');
    expectError(() => withWorkload({ poolCidr: '10.244.200.0/24', version: '3.29', reservation: CalicoPoolReservation.ASSIGNMENT_MODE_MANUAL }), 'EGRESS_UNSUPPORTED_BY_BACKEND',
      /reservation ASSIGNMENT_MODE_MANUAL, but Calico 3\.29 \(declared by FixedEgressIpProvider\.calico\(\{ version \}\)\) has no IPPool assignmentMode: it arrived in 3\.30.*Use CalicoPoolReservation\.NODE_SELECTOR_NONE/);
  });

  test('Calico 3.30 through the cdk8s-egress:calicoVersion context: assignmentMode Manual', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-egress:calicoVersion', '3.30');
    const c = new Chart(app, 'test', { namespace: 'production' });
    const api = deployment(c, 'api', 'api-client');
    const ip = new FixedEgressIp(c, 'ip', { name: 'api-egress', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }), clusterCidrs: cluster });
    const pool = Testing.synth(c).find((m) => m.kind === 'IPPool');
    expect(pool.spec.assignmentMode).toBe('Manual');
    expect(pool.spec.nodeSelector).toBeUndefined();
    expect(EgressModel.of(ip).facts()[0].summary).toMatch(/\(pool reserved by assignmentMode Manual, for Calico 3\.30\)$/);
  });

  test('a malformed version fails at the construct', () => {
    expectError(() => withWorkload({ poolCidr: '10.244.200.0/24', version: 'v3' }), 'EGRESS_INVALID_VERSION',
      /Invalid FixedEgressIpProvider\.calico\(\{ version \}\) "v3": give the Calico release your cluster runs as MAJOR\.MINOR, for example "3\.30"/);
  });

  test('natOutgoing, block size and encapsulation', () => {
    const { pool, c, ip } = withWorkload({ poolCidr: '10.244.200.0/24', natOutgoing: true, blockSize: 28, encapsulation: CalicoEncapsulation.VXLAN_CROSS_SUBNET });
    expect(pool.spec).toMatchObject({ natOutgoing: true, blockSize: 28, ipipMode: 'Never', vxlanMode: 'CrossSubnet' });
    const nat = EgressWarnings.list(c).find((w) => w.id === 'cdk8s-egress:calicoNatOutgoingHidesPool');
    expect(nat?.message).toMatch(/external systems see node addresses, not 10.244.200.0\/24/);
    expect(ip.egressIdentity).toMatch(/masqueraded to node addresses/);
  });

  test.each([
    [CalicoEncapsulation.IPIP, 'Always', 'Never'],
    [CalicoEncapsulation.IPIP_CROSS_SUBNET, 'CrossSubnet', 'Never'],
    [CalicoEncapsulation.VXLAN, 'Never', 'Always'],
  ])('encapsulation %s', (encapsulation, ipip, vxlan) => {
    const { pool } = withWorkload({ poolCidr: '10.244.200.0/24', encapsulation });
    expect([pool.spec.ipipMode, pool.spec.vxlanMode]).toEqual([ipip, vxlan]);
  });

  test('an IPv6 pool uses the ipv6pools annotation', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    new FixedEgressIp(c, 'ip', { name: 'api-v6', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico({ poolCidr: 'fd00:10:244:200::/64' }) });
    const deploy = Testing.synth(c).find((m) => m.kind === 'Deployment');
    expect(deploy.spec.template.metadata.annotations).toEqual({ 'cni.projectcalico.org/ipv6pools': '["api-v6"]' });
  });

  test('a namespace source: the Namespace is emitted with the annotation only when asked', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', { name: 'batch-egress', source: EgressSource.namespace('batch'), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.201.0/24', emitNamespaces: true }) });
    const ns = Testing.synth(c).find((m) => m.kind === 'Namespace');
    expect(ns).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'batch', annotations: { 'cni.projectcalico.org/ipv4pools': '["batch-egress"]' } } });
  });

  test('the seed BGPConfiguration, only as the explicit advertiseServices option', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    new FixedEgressIp(c, 'ip', {
      source: EgressSource.workload(api),
      provider: FixedEgressIpProvider.calico({
        poolCidr: '10.244.200.0/24',
        advertiseServices: { serviceClusterIpCidrs: ['10.96.0.0/12'], serviceExternalIpCidrs: ['203.0.113.0/24'] },
      }),
    });
    const bgp = Testing.synth(c).find((m) => m.kind === 'BGPConfiguration');
    expect(bgp).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'BGPConfiguration',
      metadata: { name: 'default' },
      spec: { serviceClusterIPs: [{ cidr: '10.96.0.0/12' }], serviceExternalIPs: [{ cidr: '203.0.113.0/24' }] },
    });
    const w = EgressWarnings.list(c).find((x) => x.id === 'cdk8s-egress:calicoBgpConfigurationSingleton');
    expect(w?.message).toMatch(/singleton BGPConfiguration "default".*does not change any egress address/);
  });
});

describe('FixedEgressIpProvider.calico() | bad input fails with path, value and fix', () => {
  const build = (options: CalicoFixedEgressIpOptions, source?: EgressSource) => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    return new FixedEgressIp(c, 'ip', { source: source ?? EgressSource.workload(api), provider: FixedEgressIpProvider.calico(options), clusterCidrs: cluster });
  };

  test('throws on pools that overlap another FixedEgressIp\'s pool (Calico refuses overlapping pools)', () => {
    const c = chart();
    new FixedEgressIp(c, 'a', { name: 'a', source: EgressSource.workload(deployment(c, 'd1', 'one')), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.8.0/24' }), clusterCidrs: cluster });
    expectError(() => new FixedEgressIp(c, 'b', { name: 'b', source: EgressSource.workload(deployment(c, 'd2', 'two')), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.8.0/25' }), clusterCidrs: cluster }),
      'EGRESS_CONFLICTING_OPTIONS', /poolCidr 10.244.8.0\/25 overlaps the pool 10.244.8.0\/24 of test\/a: Calico refuses overlapping IP pools.*Give each FixedEgressIp a disjoint block/, 'test/b');
    // a disjoint pool is fine
    new FixedEgressIp(c, 'c', { name: 'c', source: EgressSource.workload(deployment(c, 'd3', 'three')), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.9.0/24' }), clusterCidrs: cluster });
    expect(Testing.synth(c).filter((m) => m.kind === 'IPPool').map((m) => m.spec.cidr)).toEqual(['10.244.8.0/24', '10.244.9.0/24']);
  });

  test('throws on an invalid pool CIDR', () => expectError(() => build({ poolCidr: '10.244.200.1/24' }),
    'EGRESS_INVALID_CIDR', /Invalid poolCidr in FixedEgressIpProvider.calico\(\): "10.244.200.1\/24" has host bits set.*Did you mean "10.244.200.0\/24"\?/));

  test('throws on a pool outside the pod CIDR (Kubernetes expects pod addresses inside it)', () => expectError(() => build({ poolCidr: '192.168.50.0/24' }),
    'EGRESS_INVALID_CIDR', /poolCidr 192.168.50.0\/24 is outside the cluster's pod CIDR \(10.244.0.0\/16\)/));

  test('throws on a pool in the Service CIDR', () => expectError(() => build({ poolCidr: '10.96.100.0/24' }),
    'EGRESS_INVALID_CIDR', /poolCidr 10.96.100.0\/24 overlaps the cluster's Service CIDR 10.96.0.0\/12/));

  test('throws on a link-local pool', () => expectError(() => build({ poolCidr: '169.254.10.0/24' }),
    'EGRESS_INVALID_CIDR', /overlaps the link-local range 169.254.0.0\/16/));

  test('throws on a pool smaller than one block', () => expectError(() => build({ poolCidr: '10.244.200.0/28' }),
    'EGRESS_INVALID_CIDR', /poolCidr 10.244.200.0\/28 is smaller than one allocation block \(\/26, the default\)/));

  test('throws on an out-of-range block size', () => expectError(() => build({ poolCidr: '10.244.200.0/24', blockSize: 19 }),
    'EGRESS_CONFLICTING_OPTIONS', /blockSize 19 is invalid for the IPv4 pool 10.244.200.0\/24: it must be an integer from 20 to 32/));

  test('throws on IP-in-IP for an IPv6 pool', () => expectError(() => build({ poolCidr: 'fd00::/64', encapsulation: CalicoEncapsulation.IPIP }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /IP-in-IP encapsulation is not supported on the IPv6 pool fd00::\/64/));

  test('throws on a pods source (cdk8s-egress cannot annotate pods it does not define)', () => expectError(
    () => build({ poolCidr: '10.244.200.0/24' }, EgressSource.pods({ namespace: 'production', labels: { app: 'x' } })),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /cannot give pods app=x in namespace production the pool.*Use EgressSource.workload/));

  test('throws on a namespace source without emitNamespaces', () => expectError(
    () => build({ poolCidr: '10.244.200.0/24' }, EgressSource.namespace('batch')),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /needs the annotation cni.projectcalico.org\/ipv4pools: '\["test-ip-c8[0-9a-f]+"\]' on namespace batch, which this app does not define. Set emitNamespaces: true/));

  test('throws when the workload already requests another pool', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client', { podMetadata: { labels: { app: 'api' }, annotations: { 'cni.projectcalico.org/ipv4pools': '["default-pool"]' } } });
    expectError(() => new FixedEgressIp(c, 'ip', { name: 'p', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }) }),
      'EGRESS_CONFLICTING_OPTIONS', /The pod template of test\/api already has annotation cni.projectcalico.org\/ipv4pools: "\[\\"default-pool\\"\]"/);
  });

  test('fails at synth when the annotation is overwritten afterwards', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    new FixedEgressIp(c, 'ip', { name: 'p', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }) });
    api.podMetadata.addAnnotation('cni.projectcalico.org/ipv4pools', '["other"]');
    expectSynthError(c, /\[test\/ip\] The pod-template annotation cni.projectcalico.org\/ipv4pools: "\[\\"p\\"\]".*was changed to "\[\\"other\\"\]" afterwards.*EGRESS_CONFLICTING_OPTIONS/);
  });

  test('throws on an invalid pool name', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    expectError(() => new FixedEgressIp(c, 'ip', { name: 'Pool_1', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }) }),
      'EGRESS_INVALID_NAME', /Invalid object name "Pool_1"/);
  });

  test('throws on destinations (a pool applies to all egress)', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    expectError(() => new FixedEgressIp(c, 'ip', { source: EgressSource.workload(api), destinations: [Destination.ipv4('203.0.113.0/24')], provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }) }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', /The Calico IP pool gives the pods their address for all egress/);
  });

  test('advertiseServices: empty, invalid, or set twice', () => {
    expectError(() => build({ poolCidr: '10.244.200.0/24', advertiseServices: {} }), 'EGRESS_EMPTY_POLICY', /advertiseServices was given no ranges/);
    expectError(() => build({ poolCidr: '10.244.200.0/24', advertiseServices: { serviceClusterIpCidrs: ['10.96.0.0'] } }),
      'EGRESS_INVALID_CIDR', /Invalid CIDR in advertiseServices.serviceClusterIpCidrs.*Did you mean "10.96.0.0\/32"/);
    const c = chart();
    const a = deployment(c, 'a', 'a');
    const b = deployment(c, 'b', 'b');
    new FixedEgressIp(c, 'first', { source: EgressSource.workload(a), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24', advertiseServices: { serviceClusterIpCidrs: ['10.96.0.0/12'] } }) });
    expectError(() => new FixedEgressIp(c, 'ip', { source: EgressSource.workload(b), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.201.0/24', advertiseServices: { serviceClusterIpCidrs: ['10.96.0.0/12'] } }) }),
      'EGRESS_CONFLICTING_OPTIONS', /advertiseServices is already set by test\/first: the BGPConfiguration "default" is a cluster singleton/);
  });

  test('throws when one provider is used twice', () => {
    const c = chart();
    const provider = FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' });
    new FixedEgressIp(c, 'first', { source: EgressSource.workload(deployment(c, 'a', 'a')), provider });
    expectError(() => new FixedEgressIp(c, 'ip', { source: EgressSource.workload(deployment(c, 'b', 'b')), provider }),
      'EGRESS_CONFLICTING_OPTIONS', /already configures another FixedEgressIp/);
  });
});
