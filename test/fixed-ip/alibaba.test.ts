import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { EgressSource, EgressWarnings } from '../../src';
import { FixedEgressIp } from '../../src/constructs/fixed-egress-ip';
import { FixedEgressIpProvider } from '../../src/fixed-ip/fixed-egress-ip-provider';
import {
  AlibabaAnnotationPrefix, AlibabaEipChargeType, AlibabaEipOptions, AlibabaEipReleaseStrategy, AlibabaPodNetworkingOptions,
  TerwayEniType, TerwayVSwitchSelectionPolicy,
} from '../../src/fixed-ip/options';
import { chart, deployment, expectError, expectSynthError, statefulSet } from '../support/fixed-ip';

const template = (manifests: any[], kind: string) => manifests.find((m) => m.kind === kind).spec.template;

describe('FixedEgressIpProvider.alibabaEip() | pod EIP annotations (ack-extend-network-controller)', () => {
  test('a created EIP per pod: official keys, readiness gate, and the seed keys are not used', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api', { replicas: 1 });
    const ip = new FixedEgressIp(c, 'ip', { source: EgressSource.workload(api), provider: FixedEgressIpProvider.alibabaEip({ bandwidth: 5 }) });
    const manifests = Testing.synth(c);
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment']);
    const t = template(manifests, 'Deployment');
    expect(t).toMatchSnapshot();
    expect(t.metadata.annotations).toEqual({ 'k8s.aliyun.com/pod-with-eip': 'true', 'k8s.aliyun.com/eip-bandwidth': '5' });
    // the seed's keys are not official (see docs/fixed-egress-ip.md)
    expect(t.metadata.annotations['k8s.aliyun.com/pod-eip']).toBeUndefined();
    expect(t.metadata.annotations['k8s.aliyun.com/eip-bindingtype']).toBeUndefined();
    expect(t.spec.readinessGates).toEqual([{ conditionType: 'k8s.aliyun.com/eip' }]);
    expect(ip.apiObjects).toEqual([]);
    const notFixed = EgressWarnings.list(c).find((w) => w.id === 'cdk8s-egress:ackEipNotFixed');
    expect(notFixed?.message).toMatch(/the egress address changes every time a pod is replaced/);
  });

  test('all creation options, in the network.alibabacloud.com spelling, without readiness gate', () => {
    const c = chart();
    const db = statefulSet(c, 'db', 'db', 2);
    new FixedEgressIp(c, 'ip', {
      source: EgressSource.workload(db),
      provider: FixedEgressIpProvider.alibabaEip({
        bandwidth: 20,
        internetChargeType: AlibabaEipChargeType.PAY_BY_BANDWIDTH,
        commonBandwidthPackageId: 'cbwp-bp1example',
        releaseStrategy: AlibabaEipReleaseStrategy.after(Duration.minutes(90)),
        annotationPrefix: AlibabaAnnotationPrefix.NETWORK_ALIBABACLOUD_COM,
        readinessGate: false,
      }),
    });
    const t = template(Testing.synth(c), 'StatefulSet');
    expect(t.metadata.annotations).toEqual({
      'network.alibabacloud.com/pod-with-eip': 'true',
      'network.alibabacloud.com/eip-bandwidth': '20',
      'network.alibabacloud.com/eip-internet-charge-type': 'PayByBandwidth',
      'network.alibabacloud.com/eip-common-bandwidth-package-id': 'cbwp-bp1example',
      'network.alibabacloud.com/pod-eip-release-strategy': '1h30m',
    });
    expect(t.spec.readinessGates).toBeUndefined();
    const ids = EgressWarnings.list(c).map((w) => w.id);
    expect(ids).toEqual(['cdk8s-egress:ackEipPerPod']); // kept EIPs: no "not fixed" warning, but one address per pod
  });

  test.each([
    [AlibabaEipReleaseStrategy.NEVER, 'Never'],
    [AlibabaEipReleaseStrategy.FOLLOW, 'Follow'],
    [AlibabaEipReleaseStrategy.after(Duration.seconds(330)), '5m30s'],
    [AlibabaEipReleaseStrategy.after(Duration.hours(2)), '2h'],
  ])('release strategy %#', (strategy, value) => {
    const c = chart();
    new FixedEgressIp(c, 'ip', { source: EgressSource.workload(statefulSet(c, 'db', 'db')), provider: FixedEgressIpProvider.alibabaEip({ releaseStrategy: strategy }) });
    expect(template(Testing.synth(c), 'StatefulSet').metadata.annotations['k8s.aliyun.com/pod-eip-release-strategy']).toBe(value);
  });

  test('an existing EIP on a one-replica StatefulSet', () => {
    const c = chart();
    const ip = new FixedEgressIp(c, 'ip', { source: EgressSource.workload(statefulSet(c, 'db', 'db')), provider: FixedEgressIpProvider.alibabaEip({ instanceId: 'eip-bp1example' }) });
    const t = template(Testing.synth(c), 'StatefulSet');
    expect(t.metadata.annotations).toEqual({ 'k8s.aliyun.com/pod-eip-instanceid': 'eip-bp1example' });
    expect(ip.egressIdentity).toBe('Alibaba Cloud EIP eip-bp1example');
    expect(EgressWarnings.list(c)).toEqual([]);
  });
});

describe('FixedEgressIpProvider.alibabaEip() | bad input fails with path, value and fix', () => {
  const build = (options: AlibabaEipOptions, make: (c: any) => kplus.Workload = (c) => statefulSet(c, 'db', 'db')) => {
    const c = chart();
    return new FixedEgressIp(c, 'ip', { source: EgressSource.workload(make(c)), provider: FixedEgressIpProvider.alibabaEip(options) });
  };

  test('throws when one provider is used twice', () => {
    const c = chart();
    const provider = FixedEgressIpProvider.alibabaEip();
    new FixedEgressIp(c, 'first', { source: EgressSource.workload(statefulSet(c, 'a', 'a')), provider });
    expectError(() => new FixedEgressIp(c, 'ip', { source: EgressSource.workload(statefulSet(c, 'b', 'b')), provider }),
      'EGRESS_CONFLICTING_OPTIONS', /This FixedEgressIpProvider.alibabaEip\(\) instance already configures another FixedEgressIp/);
  });

  test('throws on a non-workload source', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { source: EgressSource.namespace('batch'), provider: FixedEgressIpProvider.alibabaEip() }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /needs a workload \(Deployment, StatefulSet, DaemonSet or Job\) as source, got every pod in namespace batch.*Use EgressSource.workload/));

  test('throws on an instance id for a Deployment', () => expectError(() => build({ instanceId: 'eip-bp1example' }, (c) => deployment(c, 'api', 'api')),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /instanceId eip-bp1example attaches one existing EIP to one pod, but test\/api is a Deployment.*Use a StatefulSet with one replica/));

  test('throws on an instance id for a StatefulSet with several replicas', () => expectError(() => build({ instanceId: 'eip-bp1example' }, (c) => statefulSet(c, 'db', 'db', 3)),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /but StatefulSet test\/db has 3 replicas/));

  test('throws on an instance id for several workloads', () => {
    const c = chart();
    expectError(() => new FixedEgressIp(c, 'ip', {
      source: EgressSource.anyOf(EgressSource.workload(statefulSet(c, 'a', 'a')), EgressSource.workload(statefulSet(c, 'b', 'b'))),
      provider: FixedEgressIpProvider.alibabaEip({ instanceId: 'eip-bp1example' }),
    }), 'EGRESS_CONFLICTING_OPTIONS', /EIP eip-bp1example can be attached to one pod only, but 2 workloads were given/);
  });

  test('throws on creation options with an instance id (they would be ignored)', () => expectError(
    () => build({ instanceId: 'eip-bp1example', bandwidth: 10, releaseStrategy: AlibabaEipReleaseStrategy.NEVER }),
    'EGRESS_CONFLICTING_OPTIONS', /bandwidth, releaseStrategy apply only to EIPs the controller creates, but instanceId eip-bp1example attaches an existing EIP/));

  test('throws on an invalid instance id', () => expectError(() => build({ instanceId: 'i-123' }), 'EGRESS_INVALID_NAME', /Invalid EIP instance id "i-123"/));
  test('throws on an invalid bandwidth', () => expectError(() => build({ bandwidth: 0.5 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid EIP bandwidth 0.5/));
  test('throws on an invalid bandwidth package', () => expectError(() => build({ commonBandwidthPackageId: 'bwp-1' }), 'EGRESS_INVALID_NAME', /Invalid commonBandwidthPackageId "bwp-1"/));
  test('throws on a sub-second release delay', () => expectError(() => build({ releaseStrategy: AlibabaEipReleaseStrategy.after(Duration.millis(500)) }),
    'EGRESS_CONFLICTING_OPTIONS', /needs a whole number of seconds, at least 1 \(got 500 ms\)/));

  test('throws on a release strategy for a stateless workload (the controller does not support it)', () => expectError(
    () => build({ releaseStrategy: AlibabaEipReleaseStrategy.NEVER }, (c) => deployment(c, 'api', 'api')),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /The EIP release strategy Never only works for StatefulSet pods.*but test\/api is a Deployment/));

  test('throws on a host-network workload', () => expectError(() => build({}, (c) => deployment(c, 'api', 'api', { hostNetwork: true })),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /test\/api uses the host network/));

  test('unofficial pod-EIP keys already on the pod template are a warning, not silently kept', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api', { replicas: 1 });
    api.podMetadata.addAnnotation('k8s.aliyun.com/pod-eip', 'true');
    api.podMetadata.addAnnotation('k8s.aliyun.com/eip-bindingtype', 'NAT');
    new FixedEgressIp(c, 'ip', { source: EgressSource.workload(api), provider: FixedEgressIpProvider.alibabaEip() });
    const w = EgressWarnings.list(c).filter((x) => x.id === 'cdk8s-egress:ackUnofficialEipKeys');
    expect(w).toHaveLength(1);
    expect(w[0].constructPath).toBe('test/ip');
    expect(w[0].message).toMatch(/test\/api carries k8s.aliyun.com\/eip-bindingtype, k8s.aliyun.com\/pod-eip, keys that appear only in unofficial notes.*\(k8s.aliyun.com\/pod-with-eip\)/);
    // none without them
    const clean = chart();
    new FixedEgressIp(clean, 'ip', { source: EgressSource.workload(deployment(clean, 'api', 'api', { replicas: 1 })), provider: FixedEgressIpProvider.alibabaEip() });
    expect(EgressWarnings.list(clean).filter((x) => x.id === 'cdk8s-egress:ackUnofficialEipKeys')).toEqual([]);
  });

  test('throws when the pod template already attaches another EIP', () => expectError(
    () => build({ instanceId: 'eip-bp1example' }, (c) => {
      const s = statefulSet(c, 'db', 'db');
      s.podMetadata.addAnnotation('k8s.aliyun.com/pod-eip-instanceid', 'eip-other');
      return s;
    }),
    'EGRESS_CONFLICTING_OPTIONS', /already has annotation k8s.aliyun.com\/pod-eip-instanceid: "eip-other"/));
});

describe('FixedEgressIpProvider.alibabaPodNetworking() | Terway PodNetworking on dedicated vSwitches', () => {
  const options: AlibabaPodNetworkingOptions = { vSwitchIds: ['vsw-zonea1', 'vsw-zoneb1'], securityGroupIds: ['sg-egress1'] };

  test('a cluster-scoped PodNetworking selecting the pods by labels and namespace name', () => {
    const c = chart('production');
    const ip = new FixedEgressIp(c, 'ip', {
      name: 'api-client-egress',
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } }),
      provider: FixedEgressIpProvider.alibabaPodNetworking(options),
    });
    const [pn, ...rest] = Testing.synth(c);
    expect(rest).toEqual([]);
    expect(pn).toMatchSnapshot();
    expect(pn.apiVersion).toBe('network.alibabacloud.com/v1beta1');
    expect(pn.metadata).toEqual({ name: 'api-client-egress' });
    expect(pn.spec).toEqual({
      eniOptions: { eniType: 'Trunk' },
      vSwitchOptions: ['vsw-zonea1', 'vsw-zoneb1'],
      securityGroupIDs: ['sg-egress1'],
      selector: {
        podSelector: { matchLabels: { app: 'api-client' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } },
      },
    });
    expect(ip.egressIdentity).toBe('the SNAT entries of vSwitches vsw-zonea1, vsw-zoneb1 (Terway PodNetworking)');
    const snat = EgressWarnings.list(c).find((w) => w.id === 'cdk8s-egress:ackSnatEntryRequired');
    expect(snat?.message).toMatch(/add one SNAT entry per vSwitch \(vsw-zonea1, vsw-zoneb1\) with the fixed EIP\(s\)/);
    expect(EgressWarnings.list(c).map((w) => w.id)).toContain('cdk8s-egress:ackPodNetworkingAtPodCreation');
  });

  test('exclusive ENI, vSwitch policy, several sources (one PodNetworking each), workload labels at synth', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api');
    new FixedEgressIp(c, 'ip', {
      name: 'egress',
      source: EgressSource.anyOf(EgressSource.namespace('batch'), EgressSource.workload(api)),
      provider: FixedEgressIpProvider.alibabaPodNetworking({
        ...options, eniType: TerwayEniType.ENI, vSwitchSelectionPolicy: TerwayVSwitchSelectionPolicy.MOST,
      }),
    });
    const pns = Testing.synth(c).filter((m) => m.kind === 'PodNetworking');
    expect(pns.map((p) => p.metadata.name)).toEqual(['egress-1', 'egress-2']);
    expect(pns[0].spec.eniOptions).toEqual({ eniType: 'ENI' });
    expect(pns[0].spec.vSwitchSelectOptions).toEqual({ vSwitchSelectionPolicy: 'most' });
    expect(pns[0].spec.selector).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } } });
    expect(pns[1].spec.selector.podSelector.matchLabels).toEqual({ 'cdk8s.io/metadata.addr': expect.stringMatching(/^test-api-/) });
  });
});

describe('FixedEgressIpProvider.alibabaPodNetworking() | bad input fails with path, value and fix', () => {
  const build = (options: AlibabaPodNetworkingOptions) =>
    new FixedEgressIp(chart(), 'ip', { source: EgressSource.namespace('batch'), provider: FixedEgressIpProvider.alibabaPodNetworking(options) });

  test('throws without vSwitches (Terway would use the shared ones)', () => expectError(() => build({ vSwitchIds: [], securityGroupIds: ['sg-a'] }),
    'EGRESS_EMPTY_SELECTOR', /no vSwitchIds: Terway would fill them from the cluster's eni-config \(the vSwitches shared by all pods\)/));
  test('throws when one provider is used twice', () => {
    const c = chart();
    const provider = FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-a'], securityGroupIds: ['sg-a'] });
    new FixedEgressIp(c, 'first', { source: EgressSource.namespace('a'), provider });
    expectError(() => new FixedEgressIp(c, 'ip', { source: EgressSource.namespace('b'), provider }),
      'EGRESS_CONFLICTING_OPTIONS', /This FixedEgressIpProvider.alibabaPodNetworking\(\) instance already configures another FixedEgressIp/);
  });

  test('throws without security groups', () => expectError(() => build({ vSwitchIds: ['vsw-a'], securityGroupIds: [] }),
    'EGRESS_EMPTY_SELECTOR', /no securityGroupIds/));
  test('throws on more than 10 security groups (webhook limit)', () => expectError(
    () => build({ vSwitchIds: ['vsw-a'], securityGroupIds: Array.from({ length: 11 }, (_, i) => `sg-g${i}`) }),
    'EGRESS_CONFLICTING_OPTIONS', /11 security groups were given, but Terway's webhook accepts at most 10/));
  test('throws on an invalid vSwitch id', () => expectError(() => build({ vSwitchIds: ['subnet-1'], securityGroupIds: ['sg-a'] }),
    'EGRESS_INVALID_NAME', /Invalid vSwitch id "subnet-1" in vSwitchIds: expected an id such as "vsw-/));
  test('throws on an invalid security group id', () => expectError(() => build({ vSwitchIds: ['vsw-a'], securityGroupIds: ['SG-A'] }),
    'EGRESS_INVALID_NAME', /Invalid security group id "SG-A"/));
  test('throws on a repeated vSwitch', () => expectError(() => build({ vSwitchIds: ['vsw-a', 'vsw-a'], securityGroupIds: ['sg-a'] }),
    'EGRESS_CONFLICTING_OPTIONS', /vSwitchIds lists vsw-a twice/));
  test('throws on an invalid name', () => expectError(
    () => new FixedEgressIp(chart(), 'ip', { name: 'Egress', source: EgressSource.namespace('batch'), provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-a'], securityGroupIds: ['sg-a'] }) }),
    'EGRESS_INVALID_NAME', /Invalid object name "Egress"/));

  test('fails at synth for pods Terway would skip', () => {
    const c = chart();
    const host = deployment(c, 'host', 'host', { hostNetwork: true });
    const pinned = deployment(c, 'pinned', 'pinned', { podMetadata: { labels: { 'app': 'pinned', 'k8s.aliyun.com/ignore-by-terway': 'true' }, annotations: { 'k8s.aliyun.com/pod-networks-request': '[]' } } });
    new FixedEgressIp(c, 'ip', {
      source: EgressSource.anyOf(EgressSource.workload(host), EgressSource.workload(pinned)),
      provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-a'], securityGroupIds: ['sg-a'] }),
    });
    expectSynthError(c,
      /test\/host uses the host network: Terway gives host-network pods no PodNetworking/,
      /The pod template of test\/pinned sets k8s.aliyun.com\/pod-networks-request, which makes Terway skip PodNetworking/,
      /The pod template of test\/pinned carries k8s.aliyun.com\/ignore-by-terway: "true"/);
  });
});
