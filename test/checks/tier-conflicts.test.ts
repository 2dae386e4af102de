// The ClusterNetworkPolicy tier-conflict check (src/checks/tier-conflicts.ts): what the backend
// records, checked at synth against the policies of the same tier and of other backends.
import { Testing } from 'cdk8s';
import { AllowedExternalService, ClusterNetworkPolicyTier, Destination, EgressBackend, EgressPolicy, EgressSource, Port } from '../../src';
import { chart, ofKind } from '../support/helpers';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const cnp = (options = {}) => EgressBackend.clusterNetworkPolicy(options);

describe('ClusterNetworkPolicy tier conflicts', () => {
  test('mixing with another backend is fine when the ClusterNetworkPolicy accepts everything the other allows', () => {
    const c = chart();
    new AllowedExternalService(c, 'svc', {
      source: backendPods(),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      ports: [Port.HTTPS],
      backends: [EgressBackend.kubernetes(), cnp()],
    });
    expect(() => Testing.synth(c)).not.toThrow();
    expect(ofKind(Testing.synth(c), 'ClusterNetworkPolicy')).toHaveLength(2);
  });

  test('synth fails when another policy isolates the same pods before this one accepts', () => {
    const c = chart();
    new EgressPolicy(c, 'q', { source: EgressSource.namespace('production'), backends: [cnp({ priority: 50, isolationPriority: 150 })] });
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp({ priority: 200, isolationPriority: 300 })], dns: [] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(() => Testing.synth(c)).toThrow(/\[test\/p\] This ClusterNetworkPolicy accepts at priority 200, but test\/q denies all other egress of the same pods \(Pods app=backend in namespace production\) at priority 150 in the Admin tier.*EGRESS_CONFLICTING_OPTIONS/s);
  });

  test('synth fails when an isolation shares the priority of another policy\'s accepts for the same pods (undefined order)', () => {
    const c = chart();
    new EgressPolicy(c, 'q', { source: EgressSource.namespace('production'), backends: [cnp({ priority: 100, isolationPriority: 200 })] });
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp({ priority: 200, isolationPriority: 300 })] });
    expect(() => Testing.synth(c)).toThrow(/\[test\/p\] This ClusterNetworkPolicy accepts at priority 200, but test\/q .* at priority 200 in the Admin tier, which is evaluated first \(at equal priority, in an undefined order\)/s);
  });

  test('no priority conflict between pods that cannot overlap', () => {
    const c = chart();
    new EgressPolicy(c, 'q', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'frontend' } }), backends: [cnp({ priority: 50, isolationPriority: 150 })] });
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp({ priority: 200, isolationPriority: 300 })] });
    new EgressPolicy(c, 'r', { source: EgressSource.namespace('staging'), backends: [cnp({ priority: 50, isolationPriority: 150 })] });
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('synth fails when an Admin-tier isolation would deny what another backend allows the same pods', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp()] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const k8s = new EgressPolicy(c, 'k8s', { source: backendPods() });
    k8s.allow(Destination.ipv4('203.0.113.0/25'), Port.HTTPS);
    k8s.allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    expect(() => Testing.synth(c)).toThrow(/\[test\/p\] Pods app=backend in namespace production is isolated by this Admin-tier ClusterNetworkPolicy.*test\/k8s \(backend kubernetes\) allows the same pods egress to 198.51.100.0\/24 on TCP\/443, which no Admin-tier ClusterNetworkPolicy for them accepts.*EGRESS_CONFLICTING_OPTIONS/s);
  });

  test('synth fails when a namespaced policy would make a Baseline-tier accept vanish', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cnp({ tier: ClusterNetworkPolicyTier.BASELINE })] }).allow(Destination.ipv4('203.0.113.0/24'), Port.allTcp());
    new EgressPolicy(c, 'k8s', { source: EgressSource.namespace('production') });
    expect(() => Testing.synth(c)).toThrow(/\[test\/p\] Pods app=backend in namespace production is also selected by test\/k8s \(backend kubernetes\), and Baseline-tier ClusterNetworkPolicies do not apply to pods that a namespaced policy selects: egress to 203.0.113.0\/24 on TCP\/\* accepted here would be denied.*EGRESS_CONFLICTING_OPTIONS/s);
  });
});
