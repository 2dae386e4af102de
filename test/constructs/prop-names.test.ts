// One prop name per concept across the policy constructs: `backends` (where traffic is enforced,
// rendered once per backend), `dns` (the resolvers kept open). The removed names are refused with
// the name that replaced them.
import { AllowedExternalService, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressModel, IEgressBackend, EgressPolicy, EgressSource, FixedEgressIp, FixedEgressIpProvider, Port } from '../../src';
import { chart, expectEgressError, synth } from '../support/helpers';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });

describe('removed prop names point at their replacement', () => {
  const cases: Array<[string, string, string, (p: Record<string, unknown>) => unknown]> = [
    ['EgressPolicy', 'backend', 'backends', (p) => new EgressPolicy(chart(), 'p', p as never)],
    ['DnsEgressRule', 'backend', 'backends', (p) => new DnsEgressRule(chart(), 'p', p as never)],
    ['DefaultDenyEgress', 'backend', 'backends', (p) => new DefaultDenyEgress(chart(), 'p', p as never)],
    ['DnsEgressRule', 'resolvers', 'dns', (p) => new DnsEgressRule(chart(), 'p', p as never)],
  ];
  for (const [construct, old, now, build] of cases) {
    test(`${construct} { ${old} } is an unknown property: did you mean "${now}"?`, () => {
      const value = old === 'resolvers' ? [DnsResolver.kubeDns()] : EgressBackend.cilium();
      expectEgressError(() => build({ source: backendPods(), [old]: value }), 'EGRESS_INVALID_ARGUMENT', 'test/p',
        new RegExp(`^\\[test/p\\] ${construct} props has an unknown property "${old}" \\(set to .*\\): did you mean "${now}"\\?`));
    });
  }
});

describe('backends: one set of objects per backend', () => {
  test('one backend renders in the construct itself, exactly as the default', () => {
    const a = chart();
    new EgressPolicy(a, 'p', { name: 'egress', source: backendPods(), backends: [EgressBackend.kubernetes()] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const b = chart();
    new EgressPolicy(b, 'p', { name: 'egress', source: backendPods() }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(synth(a)).toEqual(synth(b));
    expect(EgressModel.of(a).policies().map((p) => p.constructPath)).toEqual(['test/p']);
  });

  test('EgressPolicy with two backends: each renders the same rules under a child named after it, and allow() reaches both', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { name: 'egress', source: backendPods(), backends: [EgressBackend.kubernetes(), EgressBackend.cilium()] });
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [np, cnp] = synth(c);
    expect([np.kind, np.metadata.name, cnp.kind, cnp.metadata.name]).toEqual(['NetworkPolicy', 'egress-kubernetes', 'CiliumNetworkPolicy', 'egress-cilium']);
    expect(np.spec.egress.map((r: any) => r.to)).toContainEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }]);
    expect(JSON.stringify(cnp.spec)).toContain('203.0.113.0/24');
    expect(p.backends.map((b) => b.id)).toEqual(['kubernetes', 'cilium']);
    expect(p.apiObjects.map((o) => o.kind)).toEqual(['NetworkPolicy', 'CiliumNetworkPolicy']);
    expect(EgressModel.of(c).policies().map((m) => `${m.constructPath} ${m.backend}`)).toEqual(['test/p/kubernetes kubernetes', 'test/p/cilium cilium']);
  });

  test('EgressPolicy: a destination one backend cannot express is refused at allow(), naming that backend', () => {
    const p = new EgressPolicy(chart(), 'p', { source: backendPods(), backends: [EgressBackend.cilium(), EgressBackend.kubernetes()] });
    expectEgressError(() => p.allow(Destination.fqdn('api.github.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /Kubernetes NetworkPolicy/);
  });

  test('an empty backends list and a backend listed twice are refused on every policy construct', () => {
    for (const [name, build] of [
      ['EgressPolicy', (b: IEgressBackend[]) => new EgressPolicy(chart(), 'p', { source: backendPods(), backends: b })],
      ['DnsEgressRule', (b: IEgressBackend[]) => new DnsEgressRule(chart(), 'p', { source: backendPods(), backends: b })],
      ['DefaultDenyEgress', (b: IEgressBackend[]) => new DefaultDenyEgress(chart(), 'p', { source: backendPods(), backends: b })],
      ['AllowedExternalService', (b: IEgressBackend[]) => new AllowedExternalService(chart(), 'p', { source: backendPods(), destinations: [Destination.ipv4('203.0.113.0/24')], ports: [Port.HTTPS], backends: b })],
    ] as const) {
      expectEgressError(() => build([]), 'EGRESS_EMPTY_POLICY', 'test/p', new RegExp(`${name} was given an empty backends list`));
      expectEgressError(() => build([EgressBackend.cilium(), EgressBackend.cilium()]), 'EGRESS_DUPLICATE_RULE', 'test/p', /Backend "cilium" is listed twice in backends/);
    }
  });

  test('DnsEgressRule with two backends: one DNS policy each; a backend that does not control DNS is refused', () => {
    const c = chart();
    const rule = new DnsEgressRule(c, 'dns', { name: 'dns', source: backendPods(), backends: [EgressBackend.kubernetes(), EgressBackend.calico()] });
    expect(synth(c).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['NetworkPolicy/dns-kubernetes', 'NetworkPolicy/dns-calico']);
    expect(rule.dns).toHaveLength(1);
    expectEgressError(() => new DnsEgressRule(chart(), 'dns', { source: backendPods(), backends: [EgressBackend.kubernetes(), EgressBackend.istio()] }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/dns', /The Istio backend does not control DNS traffic/);
  });

  test('DefaultDenyEgress with a mesh and a network backend: a deny for each, DNS kept by the network backend only', () => {
    const deny = new DefaultDenyEgress(chart(), 'baseline', { name: 'deny', source: EgressSource.namespace('production'), backends: [EgressBackend.istio(), EgressBackend.kubernetes()] });
    const kinds = deny.apiObjects.map((o) => o.kind);
    expect(kinds[kinds.length - 1]).toBe('NetworkPolicy');
    expect(kinds.slice(0, -1).every((k) => k !== 'NetworkPolicy')).toBe(true);
    expect(deny.apiObjects[deny.apiObjects.length - 1].name).toBe('deny-kubernetes');
    expect(deny.node.tryFindChild('istio')).toBeDefined();
    expect(deny.node.tryFindChild('kubernetes')).toBeDefined();
    expect(deny.dnsRule?.backends.map((b) => b.id)).toEqual(['kubernetes']);
    expect(deny.dnsRule?.apiObjects.map((o) => o.name)).toEqual(['deny-dns']);
    // AND dns resolvers with only backends that do not control DNS are refused, naming them
    expectEgressError(() => new DefaultDenyEgress(chart(), 'b', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [DnsResolver.kubeDns()] }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/b', /the Istio backend does not control DNS traffic/);
  });
});

describe('source: one set of pods per construct; EgressSource.anyOf() where one declaration covers several', () => {
  const provider = () => FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' });
  const a = () => EgressSource.namespace('batch');
  const b = () => backendPods();

  test('FixedEgressIp { sources } is an unknown property: did you mean "source"?', () => {
    expectEgressError(() => new FixedEgressIp(chart(), 'ip', { sources: [a()], provider: provider(), destinations: [Destination.ipv4('203.0.113.0/24')] } as never),
      'EGRESS_INVALID_ARGUMENT', 'test/ip', /FixedEgressIp props has an unknown property "sources" \(set to .*\): did you mean "source"\?/);
  });

  test('a list of sources on FixedEgressIp gets the anyOf() to write', () => {
    expectEgressError(() => new FixedEgressIp(chart(), 'ip', { source: [a(), b()] as never, provider: provider(), destinations: [Destination.ipv4('203.0.113.0/24')] }),
      'EGRESS_INVALID_ARGUMENT', 'test/ip', /join them: EgressSource\.anyOf\(EgressSource every pod in namespace batch, EgressSource pods app=backend in namespace production\)/);
  });

  test('anyOf() renders as the list did: one selector per set of pods, nested anyOf() flattened', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', { name: 'ip', source: EgressSource.anyOf(a(), EgressSource.anyOf(b())), provider: provider(), destinations: [Destination.ipv4('203.0.113.0/24')] });
    const [policy] = synth(c);
    expect(policy.spec.selectors).toHaveLength(2);
    expect(EgressSource.anyOf(a(), b()).describe()).toBe('any of: every pod in namespace batch; pods app=backend in namespace production');
  });

  test('every policy construct refuses anyOf(): a policy selects one set of pods', () => {
    const many = () => EgressSource.anyOf(a(), b());
    const message = /EgressSource\.anyOf\(.*\) selects several sets of pods, which only FixedEgressIp accepts: a policy or a route selects one set of pods \(one pod selector\)\. Declare one per source/;
    expectEgressError(() => new EgressPolicy(chart(), 'p', { source: many() }), 'EGRESS_INVALID_ARGUMENT', 'test/p', message);
    expectEgressError(() => new DnsEgressRule(chart(), 'p', { source: many() }), 'EGRESS_INVALID_ARGUMENT', 'test/p', message);
    expectEgressError(() => new DefaultDenyEgress(chart(), 'p', { source: many() }), 'EGRESS_INVALID_ARGUMENT', 'test/p', message);
    expectEgressError(() => new AllowedExternalService(chart(), 'p', { source: many(), destinations: [Destination.ipv4('203.0.113.0/24')], ports: [Port.HTTPS] }),
      'EGRESS_INVALID_ARGUMENT', 'test/p', message);
  });

  test('anyOf() of something that is not a source is refused by the construct that uses it', () => {
    expectEgressError(() => new FixedEgressIp(chart(), 'ip', { source: EgressSource.anyOf(a(), 'batch' as never), provider: provider(), destinations: [Destination.ipv4('203.0.113.0/24')] }),
      'EGRESS_INVALID_ARGUMENT', 'test/ip', /EgressSource\.anyOf\(\) source 2 must be an EgressSource, e\.g\. EgressSource\.workload\(deployment\), got "batch"/);
  });
});
