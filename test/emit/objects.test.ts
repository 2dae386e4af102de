import { App, Chart, Testing } from 'cdk8s';
import { AllowedExternalService, Destination, EgressBackend, EgressPolicy, EgressSource, Port } from '../../src';
import { expectEgressError } from '../support/helpers';

// Two emitted objects with the same kind, namespace and name: applied together, the second
// replaces the first. A NetworkPolicy replaced by another one's selector leaves its pods
// unisolated, so this fails at the construct that would emit the second.
describe('emitted object names', () => {
  const pods = (app: string) => EgressSource.pods({ namespace: 'prod', labels: { app } });

  test('the same explicit name twice in a chart is an error at the second construct, and leaves nothing behind', () => {
    const c = Testing.chart();
    new EgressPolicy(c, 'a', { name: 'egress', source: pods('a') }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expectEgressError(() => new EgressPolicy(c, 'b', { name: 'egress', source: pods('b') }), 'EGRESS_CONFLICTING_OPTIONS', 'test/b',
      /NetworkPolicy "egress" in namespace "prod" is already emitted by test\/a\/Resource: applied together, one object would replace the other.*Give one of them another name/);
    // the refused object is not in the tree: synth emits the first policy only
    const b = c.node.tryFindChild('b');
    expect(b?.node.children ?? []).toEqual([]);
    expect(Testing.synth(c).map((m) => m.metadata.name)).toEqual(['egress']);
  });

  test('the same name of another kind or in another namespace is fine', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    new EgressPolicy(c, 'np', { name: 'egress', source: pods('a') });
    new EgressPolicy(c, 'cnp', { name: 'egress', source: pods('a'), backends: [EgressBackend.cilium()] });
    new EgressPolicy(c, 'other-ns', { name: 'egress', source: EgressSource.pods({ namespace: 'staging', labels: { app: 'a' } }) });
    new EgressPolicy(new Chart(app, 'other-chart'), 'np', { name: 'egress', source: EgressSource.pods({ namespace: 'dev', labels: { app: 'a' } }) });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('the same name in another chart of the app is an error naming both constructs (the charts share one output directory)', () => {
    const app = new App();
    new EgressPolicy(new Chart(app, 'c'), 'np', { name: 'egress', source: pods('a') });
    expectEgressError(() => new EgressPolicy(new Chart(app, 'other-chart'), 'np', { name: 'egress', source: pods('b') }), 'EGRESS_CONFLICTING_OPTIONS', 'other-chart/np',
      /NetworkPolicy "egress" in namespace "prod" is already emitted by c\/np\/Resource in another chart.*Give one of them another name/);
  });

  test('names a multi-backend service derives stay distinct', () => {
    const c = Testing.chart();
    new AllowedExternalService(c, 'svc', {
      name: 'partner',
      source: pods('a'),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      ports: [Port.HTTPS],
      backends: [EgressBackend.kubernetes(), EgressBackend.calico()],
    });
    expect(Testing.synth(c).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['NetworkPolicy/partner-kubernetes', 'NetworkPolicy/partner-calico']);
  });
});
