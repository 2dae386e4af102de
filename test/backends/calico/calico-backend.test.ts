import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  CalicoEdition, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressModel, EgressPolicy,
  EgressSource, EgressWarningId, EgressWarnings, Port,
} from '../../../src';
import { evaluateCalico } from '../../oracles/calico-eval';
import { commonDestinationArbs, labelArb, nsArb, probeArb, rulesArb } from '../../support/arbitraries';
import { chart, ofKind, synth, expectEgressError } from '../../support/helpers';
import { schemaErrors } from '../../support/schema';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const calico = (options = {}) => EgressBackend.calico(options);
const KUBE_DNS = { selector: "projectcalico.org/orchestrator == 'k8s' && k8s-app == 'kube-dns'", namespaceSelector: "projectcalico.org/name == 'kube-system'" };

describe('Calico backend | rendering', () => {
  test('the seed egress-control policy', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const policy = new EgressPolicy(c, 'egress-control', { name: 'egress-control', source: backendPods(), backends: [calico()] });
    policy.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    policy.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    // THEN
    const [np, ...rest] = synth(c);
    expect(rest).toEqual([]);
    expect(np).toMatchSnapshot();
    expect(np.apiVersion).toBe('projectcalico.org/v3');
    expect(np.kind).toBe('NetworkPolicy');
    expect(np.metadata).toEqual({ name: 'egress-control', namespace: 'production' });
    expect(np.spec.types).toEqual(['Egress']);
    expect(np.spec.selector).toBe("app == 'backend'");
    expect(np.spec.egress).toEqual([
      { action: 'Allow', protocol: 'UDP', destination: { ...KUBE_DNS, ports: [53] } },
      { action: 'Allow', protocol: 'TCP', destination: { ...KUBE_DNS, ports: [53] } },
      // no namespaceSelector: a namespaced Calico policy's selector stays in its own namespace
      { action: 'Allow', protocol: 'TCP', destination: { selector: "projectcalico.org/orchestrator == 'k8s' && app == 'database'", ports: [5432] } },
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['203.0.113.0/24'], ports: [443] } },
    ]);
    expect(policy.apiObjects).toHaveLength(1);
  });

  test('never emits the unsupported crd.projectcalico.org/v1 API (pitfall 18)', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico({ networkSetThreshold: 0 })] });
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const manifests = synth(c);
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual(['projectcalico.org/v3 NetworkPolicy', 'projectcalico.org/v3 NetworkSet']);
  });

  test('every pod of a namespace is selected with all(); a deny-all still says types: [Egress] (pitfall 19)', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'baseline', { name: 'default-deny-egress', source: EgressSource.namespace('production'), backends: [calico()] });
    const [deny, dns] = synth(c);
    expect(deny.metadata).toEqual({ name: 'default-deny-egress', namespace: 'production' });
    expect(deny.spec).toEqual({ selector: 'all()', types: ['Egress'], egress: [] });
    expect(dns.metadata.name).toBe('default-deny-egress-dns');
    expect(dns.spec.egress.map((r: any) => r.protocol)).toEqual(['UDP', 'TCP']);
  });

  test('pods in another namespace, namespaces by labels, a whole namespace', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico()] });
    p.allow(Destination.pods({ labels: { tier: 'db', app: 'postgres' }, namespace: 'data' }), Port.POSTGRES);
    p.allow(Destination.pods({ labels: { app: 'cache' }, namespaceLabels: { team: 'platform' } }), Port.REDIS);
    p.allow(Destination.namespace('monitoring'));
    p.allow(Destination.namespacesWithLabels({ team: 'obs', env: 'prod' }), Port.HTTPS);
    const [np] = synth(c);
    const [, , db, cache, monitoring, obs] = np.spec.egress;
    expect(db.destination).toEqual({
      selector: "projectcalico.org/orchestrator == 'k8s' && app == 'postgres' && tier == 'db'",
      namespaceSelector: "projectcalico.org/name == 'data'",
      ports: [5432],
    });
    expect(cache.destination).toEqual({ selector: "projectcalico.org/orchestrator == 'k8s' && app == 'cache'", namespaceSelector: "team == 'platform'", ports: [6379] });
    // every port and protocol of one namespace's pods: no protocol, but never without a destination
    expect(monitoring).toEqual({ action: 'Allow', destination: { selector: "projectcalico.org/orchestrator == 'k8s'", namespaceSelector: "projectcalico.org/name == 'monitoring'" } });
    expect(obs.destination).toEqual({ selector: "projectcalico.org/orchestrator == 'k8s'", namespaceSelector: "env == 'prod' && team == 'obs'", ports: [443] });
  });

  test('address blocks: one rule per IP family, except as notNets of the same rule, adjacent blocks merged', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico()], dns: [DnsResolver.nodeLocalDnsCache()] });
    p.allow(Destination.ipv4('203.0.113.0/25'), Port.HTTPS);
    p.allow(Destination.ipv6('2001:db8::/32'), Port.HTTPS);
    p.allow(Destination.ipv4('203.0.113.128/25'), Port.HTTPS);
    p.allow(Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16', '10.0.0.0/16'] }), Port.HTTPS);
    const [np] = synth(c);
    expect(np.spec.egress[0]).toEqual({ action: 'Allow', protocol: 'UDP', destination: { nets: ['169.254.20.10/32'], ports: [53] } });
    expect(np.spec.egress.slice(2)).toEqual([
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['203.0.113.0/24'], ports: [443] } },
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['2001:db8::/32'], ports: [443] } },
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['10.0.0.0/8'], notNets: ['10.0.0.0/16', '10.1.0.0/16'], ports: [443] } },
    ]);
  });

  test('ports: one rule per protocol, ranges as "a:b", every port of a protocol, SCTP', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico()] });
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS, Port.udp(443), Port.tcpRange(8000, 8080), Port.sctp(9899));
    p.allow(Destination.ipv4('198.51.100.0/24'), Port.allTcp(), Port.udp(53));
    p.allow(Destination.ipv4('192.0.2.0/24'));
    const [np] = synth(c);
    expect(np.spec.egress.slice(2)).toEqual([
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['203.0.113.0/24'], ports: [443, '8000:8080'] } },
      { action: 'Allow', protocol: 'UDP', destination: { nets: ['203.0.113.0/24'], ports: [443] } },
      { action: 'Allow', protocol: 'SCTP', destination: { nets: ['203.0.113.0/24'], ports: [9899] } },
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['198.51.100.0/24'] } },
      { action: 'Allow', protocol: 'UDP', destination: { nets: ['198.51.100.0/24'], ports: [53] } },
      { action: 'Allow', destination: { nets: ['192.0.2.0/24'] } },
    ]);
  });

  test('destinations that share ports share rules', () => {
    const c = chart();
    new EgressPolicy(c, 'p', {
      source: backendPods(),
      backends: [calico()],
      rules: [
        { destination: Destination.ipv4('198.51.100.0/24'), ports: [Port.HTTPS] },
        { destination: Destination.pods({ labels: { app: 'api' } }), ports: [Port.HTTPS] },
        { destination: Destination.ipv4('192.0.2.0/24'), ports: [Port.HTTPS] },
      ],
    });
    const [np] = synth(c);
    expect(np.spec.egress.slice(2)).toEqual([
      // blocks of one family in one rule, in address order (merged where adjacent)
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['192.0.2.0/24', '198.51.100.0/24'], ports: [443] } },
      { action: 'Allow', protocol: 'TCP', destination: { selector: "projectcalico.org/orchestrator == 'k8s' && app == 'api'", ports: [443] } },
    ]);
  });

  test('the API server by endpoint addresses', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico()] }).allow(Destination.kubeApiServer({ endpoints: ['172.20.0.10/32', '172.20.0.11/32'] }), Port.HTTPS, Port.KUBE_API_SERVER);
    const [np] = synth(c);
    expect(np.spec.egress[2]).toEqual({ action: 'Allow', protocol: 'TCP', destination: { nets: ['172.20.0.10/32', '172.20.0.11/32'], ports: [443, 6443] } });
  });

  test('more than networkSetThreshold blocks on the same ports move into a NetworkSet, also when added later', () => {
    // GIVEN: 11 blocks on HTTPS (threshold 10), 2 on another port, one with except
    const c = chart();
    const p = new EgressPolicy(c, 'p', { name: 'egress-control', source: backendPods(), backends: [calico()], labels: { team: 'a' } });
    const blocks = Array.from({ length: 11 }, (_, i) => `198.51.${i * 2}.0/24`);
    for (const b of blocks.slice(0, 10)) p.allow(Destination.ipv4(b), Port.HTTPS);
    p.allow(Destination.ipv4('192.0.2.0/24'), Port.tcp(8443));
    p.allow(Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16'] }), Port.HTTPS);
    expect(p.apiObjects).toHaveLength(1);
    // WHEN: the 11th block crosses the threshold
    p.allow(Destination.ipv4(blocks[10]), Port.HTTPS);
    p.allow(Destination.ipv6('2001:db8::/32'), Port.HTTPS);
    // THEN
    expect(p.apiObjects).toHaveLength(2);
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const [np] = ofKind(manifests, 'NetworkPolicy');
    const [set] = ofKind(manifests, 'NetworkSet');
    expect(set.metadata).toEqual({ name: expect.stringMatching(/^egress-control-cidrs-[0-9a-f]{8}$/), namespace: 'production', labels: { 'team': 'a', 'cdk8s-egress.dev/network-set': set.metadata.name } });
    expect(set.spec.nets).toEqual([...blocks, '2001:db8::/32']);
    expect(np.spec.egress.slice(2)).toEqual([
      // the set is selected by label, and never by a pod that happens to carry the label
      { action: 'Allow', protocol: 'TCP', destination: { selector: `cdk8s-egress.dev/network-set == '${set.metadata.name}' && !has(projectcalico.org/orchestrator)`, ports: [443] } },
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['10.0.0.0/8'], notNets: ['10.1.0.0/16'], ports: [443] } },
      { action: 'Allow', protocol: 'TCP', destination: { nets: ['192.0.2.0/24'], ports: [8443] } },
    ]);
  });

  test('networkSetThreshold: 0 puts every list of blocks in a set; names stay stable', () => {
    const build = () => {
      const c = chart();
      const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico({ networkSetThreshold: 0 })] });
      p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
      p.allow(Destination.ipv4('198.51.100.0/24'), Port.tcp(8443));
      return synth(c);
    };
    const manifests = build();
    const sets = ofKind(manifests, 'NetworkSet');
    expect(sets.map((s) => s.spec.nets)).toEqual([['203.0.113.0/24'], ['198.51.100.0/24']]);
    expect(new Set(sets.map((s) => s.metadata.name)).size).toBe(2);
    for (const s of sets) expect(s.metadata.name.length).toBeLessThanOrEqual(63);
    expect(JSON.stringify(build())).toEqual(JSON.stringify(manifests));
  });

  test('order and tier: tiered names are prefixed, and the tier warns that it does not add up with other tiers', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { name: 'egress-control', source: backendPods(), backends: [calico({ order: 500, tier: 'security' })] });
    new EgressPolicy(c, 'q', { source: EgressSource.namespace('other'), backends: [calico({ tier: 'security' })] });
    new EgressPolicy(c, 'r', { name: 'security.already-prefixed', source: EgressSource.namespace('third'), backends: [calico({ tier: 'security' })] });
    new EgressPolicy(c, 's', { name: 'in-default', source: EgressSource.namespace('fourth'), backends: [calico({ tier: 'default' })] });
    const [p, q, r, s] = Testing.synth(c);
    expect(p.metadata.name).toBe('security.egress-control');
    expect(p.spec.order).toBe(500);
    expect(p.spec.tier).toBe('security');
    expect(q.metadata.name).toMatch(/^security\.test-q-[0-9a-z-]+$/);
    expect(r.metadata.name).toBe('security.already-prefixed');
    expect(s.metadata.name).toBe('in-default');
    expect(s.spec.tier).toBe('default');
    expect(EgressWarnings.list(c).map((w) => `${w.constructPath} ${w.id}`)).toEqual([`test/p ${EgressWarningId.CALICO_TIER_NOT_ADDITIVE}`, `test/q ${EgressWarningId.CALICO_TIER_NOT_ADDITIVE}`, `test/r ${EgressWarningId.CALICO_TIER_NOT_ADDITIVE}`]);
    expect(EgressWarnings.list(c)[0].message).toMatch(/tier "security".*defaultAction \(Deny unless the Tier says Pass\).*Keep every egress policy of these pods in this tier/);
  });

  test('Calico Enterprise: anySubdomainOf() is a *. domain; the one-label fqdnPattern() is refused', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico({ edition: CalicoEdition.ENTERPRISE })] });
    p.allow(Destination.anySubdomainOf('example.com'), Port.HTTPS);
    const [np] = Testing.synth(c);
    expect(np.spec.egress.slice(2)).toEqual([{ action: 'Allow', protocol: 'TCP', destination: { domains: ['*.example.com'], ports: [443] } }]);
    expect(() => p.allow(Destination.fqdnPattern('*.example.org'), Port.HTTPS)).toThrow(/needs capability FqdnPattern.*matches subdomains at any depth.*Destination.anySubdomainOf\(\)/);
  });

  test('Calico Enterprise: exact hostnames become destination.domains', () => {
    const c = chart();
    const backend = calico({ edition: CalicoEdition.ENTERPRISE });
    expect(backend.displayName).toBe('Calico Enterprise');
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [backend] });
    p.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    p.allow(Destination.fqdn('objects.githubusercontent.com'), Port.HTTPS);
    p.allow(Destination.fqdn('ftp.example.com'));
    const [np] = Testing.synth(c);
    expect(np.spec.egress.slice(2)).toEqual([
      { action: 'Allow', protocol: 'TCP', destination: { domains: ['api.github.com', 'objects.githubusercontent.com'], ports: [443] } },
      { action: 'Allow', destination: { domains: ['ftp.example.com'] } },
    ]);
    // The open-source schema does not know `domains` (the Enterprise API does): that is the only deviation.
    expect(schemaErrors(np)).toEqual([
      'NetworkPolicy/test-p-c8c0e2c0: /spec/egress/2/destination must NOT have additional properties (domains)',
      'NetworkPolicy/test-p-c8c0e2c0: /spec/egress/3/destination must NOT have additional properties (domains)',
    ].map((m) => m.replace('test-p-c8c0e2c0', np.metadata.name)));
  });

  test('capabilities by edition', () => {
    expect(calico().capabilities).toEqual(['PodSelector', 'Cidr', 'CidrExcept', 'PortRange', 'Sctp']);
    expect(calico({ edition: CalicoEdition.ENTERPRISE }).capabilities).toEqual(['PodSelector', 'Cidr', 'CidrExcept', 'PortRange', 'Sctp', 'Fqdn', 'FqdnSuffix']);
    expect(calico().id).toBe('calico');
    expect(calico().displayName).toBe('Calico (open source)');
  });

  test('labels and annotations on every object', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [calico({ networkSetThreshold: 0 })], labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    for (const m of synth(c)) expect(m.metadata).toMatchObject({ labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
  });

  test('output is byte-identical across runs and independent of label order', () => {
    const build = (flip: boolean) => {
      const c = chart();
      const labels = flip ? { z: '1', a: '2' } : { a: '2', z: '1' };
      const p = new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels }), backends: [calico()] });
      p.allow(Destination.pods({ labels: flip ? { y: '1', b: '2' } : { b: '2', y: '1' }, namespace: 'data' }), Port.POSTGRES);
      return JSON.stringify(synth(c));
    };
    expect(build(true)).toEqual(build(false));
    expect(build(true)).toContain("a == '2' && z == '1'");
  });

  test('a DnsEgressRule renders through the backend too', () => {
    const c = chart();
    new DnsEgressRule(c, 'dns', { source: backendPods(), backends: [calico()], dns: [DnsResolver.kubeDns({ port: 5353 })] });
    const [np] = synth(c);
    expect(np.spec.egress).toEqual([
      { action: 'Allow', protocol: 'UDP', destination: { ...KUBE_DNS, ports: [5353] } },
      { action: 'Allow', protocol: 'TCP', destination: { ...KUBE_DNS, ports: [5353] } },
    ]);
  });
});

describe('Calico backend | bad input fails with path, value and fix', () => {
  const expectError = (fn: () => void, code: string, message: RegExp) => expectEgressError(fn, code, 'test/p', message);
  const policy = (options = {}, name?: string) => new EgressPolicy(chart(), 'p', { source: backendPods(), backends: [calico(options)], ...(name ? { name } : {}) });

  test('throws on a hostname with open-source Calico, naming the open-source limitation', () =>
    expectError(() => policy().allow(Destination.fqdn('api.github.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND',
      /The Calico \(open source\) backend cannot express destination api.github.com \(needs capability Fqdn\).*Destination.ipv4\(\)\/ipv6\(\)/));
  test('throws on a hostname pattern even with Calico Enterprise (its wildcard also matches deeper names)', () =>
    expectError(() => policy({ edition: CalicoEdition.ENTERPRISE }).allow(Destination.fqdnPattern('*.googleapis.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND',
      /The Calico Enterprise backend cannot express destination \*.googleapis.com \(needs capability FqdnPattern\).*list the concrete hostnames/));
  test('throws on the API server without endpoint addresses', () =>
    expectError(() => policy().allow(Destination.kubeApiServer(), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND', /needs capability KubeApiServerEntity.*Destination.kubeApiServer\(\{ endpoints/));
  test('throws on an order that is not a finite number', () =>
    expectError(() => policy({ order: Number.NaN }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid Calico policy order NaN: it must be a finite number/));
  test('throws on an infinite order', () =>
    expectError(() => policy({ order: Infinity }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid Calico policy order Infinity/));
  test('throws on a tier that is not a DNS label', () =>
    expectError(() => policy({ tier: 'Security' }), 'EGRESS_INVALID_NAME', /Invalid Calico tier "Security": a tier name is a DNS-1123 label/));
  test('throws on a tier with a dot', () =>
    expectError(() => policy({ tier: 'a.b' }), 'EGRESS_INVALID_NAME', /Invalid Calico tier "a.b".*no '\.'/));
  test('throws on a policy name with a dot, which Calico reads as a tier separator', () =>
    expectError(() => policy({}, 'egress.control'), 'EGRESS_INVALID_NAME', /Invalid Calico policy name "egress.control".*"<tier>.<name>" separator.*Did you mean "egress-control"\?/));
  test('throws on a tier prefix that makes the name too long', () =>
    expectError(() => policy({ tier: 't'.repeat(63) }, 'n'.repeat(200)), 'EGRESS_INVALID_NAME', /longer than 253 characters/));
  test('throws on a negative networkSetThreshold', () =>
    expectError(() => policy({ networkSetThreshold: -1 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid networkSetThreshold -1: it must be a whole number/));
  test('throws on a fractional networkSetThreshold', () =>
    expectError(() => policy({ networkSetThreshold: 2.5 }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid networkSetThreshold 2.5/));
  test('throws on an unknown edition', () =>
    expectError(() => policy({ edition: 'Cloud' as CalicoEdition }), 'EGRESS_CONFLICTING_OPTIONS', /Invalid Calico edition "Cloud": use CalicoEdition.OPEN_SOURCE or CalicoEdition.ENTERPRISE/));
  test('throws on 0.0.0.0/0 without opt-in (the construct refuses it before the backend)', () =>
    expectError(() => policy().allow(Destination.anyIpv4(), Port.HTTPS), 'EGRESS_ALLOW_ALL', /covers every IPv4 address/));
});

const SAMPLE_IPS = ['203.0.113.5', '203.0.113.70', '203.0.113.200', '198.51.100.1', '198.51.101.1', '192.0.2.3', '192.0.2.99', '10.1.2.3', '10.9.9.9', '2001:db8::1', '8.8.8.8'];

describe('Calico backend | emitted rules allow exactly the declared intent (property)', () => {
  const destArb = fc.oneof(
    ...commonDestinationArbs,
    fc.constant({ d: Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16'] }), key: 'cidr:10/8' }),
  );
  const intentArb = fc.record({
    ns: nsArb,
    labels: fc.option(labelArb, { nil: undefined }),
    threshold: fc.constantFrom(0, 1, 10),
    rules: rulesArb(destArb),
  });
  const probeOf = probeArb(SAMPLE_IPS);

  test('for every probe, the Calico objects and the model agree; no rule lacks a destination', () => {
    const intentsArb = fc.array(intentArb, { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(intentsArb, fc.array(probeOf, { minLength: 30, maxLength: 50 }), (intents, probes) => {
      const c = chart();
      intents.forEach((intent, i) => {
        const source = intent.labels ? EgressSource.pods({ namespace: intent.ns, labels: intent.labels }) : EgressSource.namespace(intent.ns);
        const p = new EgressPolicy(c, `p${i}`, { source, backends: [calico({ networkSetThreshold: intent.threshold })] });
        for (const r of intent.rules) p.allow(r.dest.d, ...r.ports);
      });
      const manifests = synth(c);
      for (const np of ofKind(manifests, 'NetworkPolicy')) {
        expect(np.spec.types).toEqual(['Egress']);
        for (const rule of np.spec.egress) {
          const d = rule.destination ?? {};
          expect(Boolean(d.selector) || (d.nets ?? []).length > 0).toBe(true);
          if (d.ports) expect(['TCP', 'UDP', 'SCTP']).toContain(rule.protocol);
        }
      }
      const model = EgressModel.of(c);
      for (const pr of probes) {
        const probe = { from: pr.from, ...pr.to, port: pr.port, protocol: pr.protocol };
        const verdict = model.check(probe);
        expect({ probe, ...evaluateCalico(manifests, probe) }).toEqual({ probe, allowed: verdict.allowed, isolated: verdict.isolated });
      }
    }), { numRuns: 80 });
  });
});
