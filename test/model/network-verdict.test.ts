import { DestinationKind, EgressRuleConfig, EnforcementLayer, GrantPurpose, ModelPolicy, PolicyTier, Protocol } from '../../src';
import { networkVerdict } from '../../src/model/network-verdict';

const ALLOW_443: EgressRuleConfig = { destinations: [{ kind: DestinationKind.CIDR, cidr: '0.0.0.0/0' }], ports: [{ protocol: Protocol.TCP, port: 443 }] };
const policy = (ref: string, tier: PolicyTier | undefined, rules: EgressRuleConfig[], layer?: EnforcementLayer): ModelPolicy => ({
  constructPath: `test/${ref}`,
  backend: 'test',
  objectRef: ref,
  purpose: GrantPurpose.ALLOW,
  source: { namespace: 'production' },
  rules,
  providesDns: false,
  semantics: { ...(tier ? { tier } : {}), ...(layer ? { layer } : {}) },
});
const probe = (port: number) => ({ from: { namespace: 'production', labels: {} }, toIp: '192.0.2.1', port, protocol: Protocol.TCP });

describe('networkVerdict: the Admin tier first, then namespaced allow-lists, then the Baseline tier', () => {
  test('namespaced allow-lists add up; a pod no policy selects is not isolated', () => {
    const v = networkVerdict([policy('a', undefined, [ALLOW_443]), policy('b', undefined, [])], probe(443));
    expect(v).toMatchObject({ layer: EnforcementLayer.NETWORK, allowed: true, isolated: true, allowedBy: ['a'], blockedBy: [] });
    expect(networkVerdict([policy('a', undefined, [ALLOW_443]), policy('b', undefined, [])], probe(80)))
      .toMatchObject({ allowed: false, blockedBy: ['a', 'b'], blockedByConstructs: ['test/a', 'test/b'] });
    expect(networkVerdict([], probe(80))).toMatchObject({ allowed: true, isolated: false });
  });

  test('an Admin-tier policy decides alone for the pods it selects; the Baseline tier only where no namespaced policy selects', () => {
    expect(networkVerdict([policy('admin', PolicyTier.ADMIN, []), policy('ns', undefined, [ALLOW_443])], probe(443)))
      .toMatchObject({ allowed: false, blockedBy: ['admin'] });
    expect(networkVerdict([policy('base', PolicyTier.BASELINE, []), policy('ns', undefined, [ALLOW_443])], probe(443)))
      .toMatchObject({ allowed: true, allowedBy: ['ns'] });
    expect(networkVerdict([policy('base', PolicyTier.BASELINE, [])], probe(443))).toMatchObject({ allowed: false, blockedBy: ['base'] });
  });

  test('mesh-layer policies are not the network layer\'s business', () => {
    expect(networkVerdict([policy('mesh', undefined, [], EnforcementLayer.MESH)], probe(443))).toMatchObject({ allowed: true, isolated: false });
  });
});
