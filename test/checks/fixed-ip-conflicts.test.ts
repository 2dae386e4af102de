// The fixed-egress-IP conflict checks (src/checks/fixed-ip-conflicts.ts): FixedEgressIps that
// may select the same pod must agree on its address, and PodNetworkings must not overlap.
import { Testing } from 'cdk8s';
import { Destination, EgressSource } from '../../src';
import { FixedEgressIp } from '../../src/constructs/fixed-egress-ip';
import { FixedEgressIpProvider } from '../../src/fixed-ip/fixed-egress-ip-provider';
import { AlibabaPodNetworkingOptions } from '../../src/fixed-ip/options';
import { chart, deployment, expectSynthError, statefulSet } from '../support/fixed-ip';

const apiClient = () => EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
const gateway = () => FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' });

describe('FixedEgressIp | two policies for the same pods must agree on the address', () => {
  test('the same pods and destinations through two gateways fail at synth, naming both', () => {
    const c = chart();
    new FixedEgressIp(c, 'a', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    new FixedEgressIp(c, 'b', {
      source: EgressSource.namespace('production'),
      destinations: [Destination.ipv4('203.0.113.128/25')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'eu' }, egressIp: '10.0.0.200' }),
    });
    expectSynthError(c,
      /\[test\/b\] every pod in namespace production may also be selected by test\/a \(pods app=api-client in namespace production\) for destination 203.0.113.128\/25, with a different egress address: Cilium gateway node egress-gateway=eu with 10.0.0.200 here, Cilium gateway node egress-gateway=true with 10.0.0.100 there.*EGRESS_CONFLICTING_OPTIONS/);
  });

  test('a workload selected by a Calico pool and by a Cilium gateway fails', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api-client');
    new FixedEgressIp(c, 'a', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    new FixedEgressIp(c, 'b', { name: 'api-pool', source: EgressSource.workload(api), provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24' }) });
    expectSynthError(c, /\[test\/b\] workload test\/api may also be selected by test\/a .* Calico pool api-pool \(10.244.200.0\/24\) here, Cilium gateway/);
  });

  test('disjoint destinations, disjoint pods or the same gateway do not conflict', () => {
    const c = chart();
    new FixedEgressIp(c, 'a', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    // disjoint destinations
    new FixedEgressIp(c, 'b', {
      source: apiClient(),
      destinations: [Destination.ipv4('198.51.100.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'eu' } }),
    });
    // same pods and destinations, same gateway and address
    new FixedEgressIp(c, 'c', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/25')], provider: gateway() });
    // other pods (a different value for the same label key)
    new FixedEgressIp(c, 'd', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'billing' } }),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'eu' } }),
    });
    // a destination carved out by `except`
    new FixedEgressIp(c, 'e', {
      source: apiClient(),
      destinations: [Destination.ipv4('203.0.0.0/16', { except: ['203.0.113.0/24'] })],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'us' } }),
    });
    expect(Testing.synth(c)).toHaveLength(5);
  });

  test('workloads are compared by their real pod labels', () => {
    const c = chart();
    const billing = deployment(c, 'billing', 'billing');
    const api = deployment(c, 'api', 'api-client');
    new FixedEgressIp(c, 'a', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    // billing pods do not carry app=api-client: no conflict
    new FixedEgressIp(c, 'b', { source: EgressSource.workload(billing), destinations: [Destination.ipv4('203.0.113.0/24')], provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'b' } }) });
    expect(Testing.synth(c).filter((m) => m.kind === 'CiliumEgressGatewayPolicy')).toHaveLength(2);
    // api pods do
    new FixedEgressIp(c, 'c', { source: EgressSource.workload(api), destinations: [Destination.ipv4('203.0.113.0/24')], provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'c' } }) });
    expectSynthError(c, /\[test\/c\] workload test\/api may also be selected by test\/a/);
  });

  test('only sources in the same namespace are compared, every earlier conflict is reported, in creation order', () => {
    const c = chart();
    const dest = () => [Destination.ipv4('203.0.113.0/24')];
    new FixedEgressIp(c, 'a', { source: apiClient(), destinations: dest(), provider: gateway() });
    // the same labels in another namespace: other pods, no conflict
    new FixedEgressIp(c, 'b', {
      source: EgressSource.pods({ namespace: 'staging', labels: { app: 'api-client' } }),
      destinations: dest(),
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'b' } }),
    });
    expect(Testing.synth(c)).toHaveLength(2);
    // sources in two namespaces: conflicts with a (production) and with b (staging)
    new FixedEgressIp(c, 'c', {
      source: EgressSource.anyOf(EgressSource.namespace('staging'), EgressSource.namespace('production')),
      destinations: dest(),
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'c' } }),
    });
    let message = '';
    try {
      Testing.synth(c);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/\[test\/c\] [^\n]* may also be selected by test\/[ab]/g)?.map((m) => m.slice(-6))).toEqual(['test/a', 'test/b']);
  });

  test('a workload whose pod labels change after a synth is compared with its new labels', () => {
    const c = chart();
    const billing = deployment(c, 'billing', 'billing');
    new FixedEgressIp(c, 'a', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    new FixedEgressIp(c, 'b', { source: EgressSource.workload(billing), destinations: [Destination.ipv4('203.0.113.0/24')], provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'b' } }) });
    expect(Testing.synth(c).filter((m) => m.kind === 'CiliumEgressGatewayPolicy')).toHaveLength(2);
    billing.podMetadata.addLabel('app', 'api-client');
    expectSynthError(c, /\[test\/b\] workload test\/billing may also be selected by test\/a/);
  });

  test('... also when the workload is the earlier of the two', () => {
    const c = chart();
    const billing = deployment(c, 'billing', 'billing');
    new FixedEgressIp(c, 'a', { source: EgressSource.workload(billing), destinations: [Destination.ipv4('203.0.113.0/24')], provider: gateway() });
    new FixedEgressIp(c, 'b', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'b' } }) });
    expect(Testing.synth(c).filter((m) => m.kind === 'CiliumEgressGatewayPolicy')).toHaveLength(2);
    billing.podMetadata.addLabel('app', 'api-client');
    expectSynthError(c, /\[test\/b\] pods app=api-client in namespace production may also be selected by test\/a \(workload test\/billing\)/);
  });

  test('an EIP and a PodNetworking on the same StatefulSet conflict (a pod EIP bypasses the NAT gateway)', () => {
    const c = chart();
    const db = statefulSet(c, 'db', 'db');
    new FixedEgressIp(c, 'eip', { source: EgressSource.workload(db), provider: FixedEgressIpProvider.alibabaEip() });
    new FixedEgressIp(c, 'pn', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'db' } }),
      provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-a'], securityGroupIds: ['sg-a'] }),
    });
    expectSynthError(c, /\[test\/pn\] pods app=db in namespace production may also be selected by test\/eip \(workload test\/db\) for all egress/);
  });
});

describe('Alibaba PodNetworkings must not select the same pods', () => {
  const options: AlibabaPodNetworkingOptions = { vSwitchIds: ['vsw-zonea1', 'vsw-zoneb1'], securityGroupIds: ['sg-egress1'] };

  test('PodNetworkings of the app must not select the same pods (Terway takes the first match)', () => {
    const c = chart();
    new FixedEgressIp(c, 'a', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } }),
      provider: FixedEgressIpProvider.alibabaPodNetworking(options),
    });
    // the same vSwitches (so the same egress identity) but a namespace-wide selector
    new FixedEgressIp(c, 'b', { source: EgressSource.namespace('production'), provider: FixedEgressIpProvider.alibabaPodNetworking(options) });
    expectSynthError(c,
      /\[test\/b\] PodNetworking test-b-c8[0-9a-f]+ \(every pod in namespace production\) and PodNetworking test-a-c8[0-9a-f]+ of test\/a \(pods app=api-client in namespace production\) can select the same pods.*first Ready match in list order.*EGRESS_CONFLICTING_OPTIONS/s);
  });

  test('disjoint selectors are fine', () => {
    const c = chart();
    new FixedEgressIp(c, 'a', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'a' } }), provider: FixedEgressIpProvider.alibabaPodNetworking(options) });
    new FixedEgressIp(c, 'b', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'b' } }), provider: FixedEgressIpProvider.alibabaPodNetworking(options) });
    new FixedEgressIp(c, 'c', { source: EgressSource.namespace('batch'), provider: FixedEgressIpProvider.alibabaPodNetworking(options) });
    expect(Testing.synth(c)).toHaveLength(3);
  });
});
