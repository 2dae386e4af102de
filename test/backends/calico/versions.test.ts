// The declared Calico Open Source release: tiers from 3.29.
import { App, Chart, Testing } from 'cdk8s';
import { CalicoEdition, Destination, EgressBackend, IEgressBackend, EgressModel, EgressPolicy, EgressSource, Port } from '../../../src';
import { expectEgressError, synth } from '../../support/helpers';

function chartWith(context: Record<string, unknown> = {}): Chart {
  const app: App = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  return new Chart(app, 'test');
}
const policy = (c: Chart, backend: IEgressBackend) => new EgressPolicy(c, 'p', { name: 'p', backends: [backend], source: EgressSource.namespace('production') });

describe('EgressBackend.calico | declared release', () => {
  test('default 3.32 (the pinned CRDs), the cdk8s-egress:calicoVersion context, the option; none for Enterprise', () => {
    const c = chartWith({ 'cdk8s-egress:calicoVersion': '3.30' });
    policy(c, EgressBackend.calico()).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'e', { backends: [EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE })], source: EgressSource.namespace('e') }).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    expect(EgressModel.of(c).policies().map((p) => p.backendVersion)).toEqual([{ version: '3.30', declaredBy: 'context cdk8s-egress:calicoVersion' }, undefined]);
    const d = chartWith();
    policy(d, EgressBackend.calico()).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(EgressModel.of(d).policies()[0].backendVersion?.version).toBe('3.32');
  });

  test('older than 3.28, or another major: refused', () => {
    expectEgressError(() => policy(chartWith(), EgressBackend.calico({ version: '3.27' })), 'EGRESS_INVALID_VERSION', 'test/p', /Unsupported EgressBackend\.calico\(\{ version \}\) "3\.27": cdk8s-egress supports Calico 3\.28 and later 3\.x releases/);
    expectEgressError(() => policy(chartWith(), EgressBackend.calico({ version: '1.30' })), 'EGRESS_INVALID_VERSION', 'test/p', /Unsupported EgressBackend\.calico\(\{ version \}\) "1\.30"/);
  });
});

describe('EgressBackend.calico | tiers on open source: Calico 3.29', () => {
  test('3.28: a tier is refused, with the alternatives', () => {
    expectEgressError(() => policy(chartWith(), EgressBackend.calico({ version: '3.28', tier: 'platform' })), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p',
      /tier "platform", but Calico Open Source 3\.28 \(declared by EgressBackend\.calico\(\{ version \}\)\) has no tiers: they arrived in 3\.29.*Leave tier out/);
    // without a tier, 3.28 is fine
    const c = chartWith();
    policy(c, EgressBackend.calico({ version: '3.28' })).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(synth(c)[0].spec.tier).toBeUndefined();
  });

  test('3.29: the tier is emitted', () => {
    const c = chartWith();
    policy(c, EgressBackend.calico({ version: '3.29', tier: 'platform' })).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [p] = synth(c);
    expect(p.metadata.name).toBe('platform.p');
    expect(p.spec.tier).toBe('platform');
  });

  test('Enterprise has tiers whatever the open-source version says', () => {
    const c = chartWith({ 'cdk8s-egress:calicoVersion': '3.28' });
    policy(c, EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE, tier: 'platform' })).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(synth(c)[0].spec.tier).toBe('platform');
  });
});
