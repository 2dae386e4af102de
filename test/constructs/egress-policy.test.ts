import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { Destination, DnsResolver, EgressModel, EgressPolicy, EgressSource, EgressWarnings, Port, Protocol, egressErrorCode } from '../../src';
import { evaluate } from '../oracles/np-eval';
import { chart, synth, expectEgressError } from '../support/helpers';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });

describe('EgressPolicy | Kubernetes NetworkPolicy', () => {
  test('the seed egress-control policy', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const policy = new EgressPolicy(c, 'egress-control', { name: 'egress-control', source: backendPods() });
    policy.allow(Destination.pods({ labels: { app: 'database' } }), Port.tcp(5432));
    policy.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    // THEN
    const [np, ...rest] = synth(c);
    expect(rest).toEqual([]);
    expect(np).toMatchSnapshot();
    expect(np.metadata).toEqual({ name: 'egress-control', namespace: 'production' });
    expect(np.spec.policyTypes).toEqual(['Egress']);
    expect(np.spec.podSelector).toEqual({ matchLabels: { app: 'backend' } });
    expect(np.spec.egress).toHaveLength(3);
    const [dns, db, ext] = np.spec.egress;
    expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(dns.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect(db).toEqual({ to: [{ podSelector: { matchLabels: { app: 'database' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(ext).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('every rule has a non-empty `to` (no accidental allow-all)', () => {
    const c = chart();
    const policy = new EgressPolicy(c, 'p', { source: backendPods() });
    policy.allow(Destination.namespace('data'));
    policy.allow(Destination.ipv6('2001:db8::/32', { except: ['2001:db8:1::/48'] }), Port.tcpRange(8000, 8080), Port.udp(9000));
    const [np] = synth(c);
    for (const rule of np.spec.egress) expect(rule.to.length).toBeGreaterThan(0);
    expect(np.spec.egress[1]).toEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }] });
    expect(np.spec.egress[2].ports).toEqual([{ protocol: 'TCP', port: 8000, endPort: 8080 }, { protocol: 'UDP', port: 9000 }]);
    expect(np.spec.egress[2].to).toEqual([{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }]);
  });

  test('destinations with the same ports share one rule', () => {
    const c = chart();
    new EgressPolicy(c, 'p', {
      source: backendPods(),
      rules: [
        { destination: Destination.ipv4('198.51.100.0/24'), ports: [Port.HTTPS] },
        { destination: Destination.ipv4('203.0.113.0/24'), ports: [Port.HTTPS] },
      ],
    });
    const [np] = synth(c);
    expect(np.spec.egress).toHaveLength(2);
    expect(np.spec.egress[1].to).toEqual([{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '203.0.113.0/24' } }]);
  });

  test('DNS: custom port, NodeLocal DNSCache and extra resolvers', () => {
    const c = chart();
    new EgressPolicy(c, 'p', {
      source: backendPods(),
      dns: [DnsResolver.kubeDns({ namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 }), DnsResolver.nodeLocalDnsCache(), ...DnsResolver.addresses(['10.96.0.10/32'])],
    });
    const [np] = synth(c);
    expect(np.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }]);
    expect(np.spec.egress[0].to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'openshift-dns' });
    expect(np.spec.egress[1].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    // resolvers on the same ports share one rule; address blocks are emitted in canonical order
    expect(np.spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.96.0.10/32' } }, { ipBlock: { cidr: '169.254.20.10/32' } }]);
  });

  test('a cdk8s-plus-30 Deployment as source', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const web = new kplus.Deployment(c, 'web', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    new EgressPolicy(c, 'p', { source: EgressSource.workload(web) }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const np = synth(c).find((m) => m.kind === 'NetworkPolicy');
    expect(np.metadata.namespace).toBe('shop');
    expect(np.spec.podSelector.matchLabels).toEqual(web.matchLabels);
  });

  test('the API server by endpoint addresses', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods() }).allow(Destination.kubeApiServer({ endpoints: ['172.20.0.10/32', '172.20.0.11/32'] }), Port.HTTPS, Port.KUBE_API_SERVER);
    const [np] = synth(c);
    expect(np.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '172.20.0.10/32' } }, { ipBlock: { cidr: '172.20.0.11/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] });
  });

  test('labels and annotations on the object', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
    expect(synth(c)[0].metadata).toMatchObject({ labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
  });

  test('output is byte-identical across runs', () => {
    const build = () => {
      const c = chart();
      const p = new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { z: '1', a: '2' } }) });
      p.allow(Destination.pods({ labels: { y: '1', b: '2' }, namespace: 'data' }), Port.POSTGRES);
      return JSON.stringify(synth(c));
    };
    expect(build()).toEqual(build());
  });
});

describe('EgressPolicy | duplicate allowances (scanned in small policies, indexed past 32 rules)', () => {
  // Values that are equal even when built apart (labels in another order), and near misses.
  const destinations = () => [
    Destination.ipv4('10.0.0.0/16'), Destination.ipv4('10.0.0.0/16', { except: ['10.0.1.0/24'] }), Destination.ipv6('2001:db8::/32'),
    Destination.pods({ labels: { app: 'db', tier: 'x' } }), Destination.pods({ labels: { tier: 'x', app: 'db' } }),
  ];
  const portSets = () => [
    [], [Port.HTTPS], [Port.tcp(443)], [Port.tcp(80)], [Port.udp(80)], [Port.tcp(80), Port.HTTPS], [Port.tcp(80), Port.tcp(80)],
  ];
  const filler = (p: EgressPolicy, n: number) => { for (let i = 0; i < n; i++) p.allow(Destination.ipv4(`192.0.2.${i}/32`), Port.HTTPS); };

  test.each([0, 40])('property: allow() throws exactly on a destination×port already allowed, and a refused call adds nothing (%i rules before)', (before) => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(4), fc.nat(6)), { maxLength: 12 }), (calls) => {
      const p = new EgressPolicy(chart(), 'p', { source: backendPods() });
      filler(p, before);
      const allowed = new Set<string>();
      let added = 0;
      for (const [di, pi] of calls) {
        const d = destinations()[di];
        const ports = portSets()[pi];
        const keys = (ports.length ? ports : [undefined]).map((x) => `${JSON.stringify(d.toConfig())}|${x ? `${x.protocol}/${x.startPort}` : '*'}`);
        const duplicate = keys.some((k, i) => allowed.has(k) || keys.indexOf(k) !== i);
        let code: string | undefined;
        try { p.allow(d, ...ports); } catch (e) { code = egressErrorCode(e); }
        expect(code).toBe(duplicate ? 'EGRESS_DUPLICATE_RULE' : undefined);
        if (!duplicate) {
          keys.forEach((k) => allowed.add(k));
          added++;
        }
      }
      // A refused allow() leaves no rule behind.
      expect(EgressModel.of(p).policies()[0].rules.filter((r) => !r.dns)).toHaveLength(before + added);
    }), { numRuns: 60 });
  });

  test.each([0, 40])('the error names the first allowance (%i rules before)', (before) => {
    expectEgressError(() => {
      const p = new EgressPolicy(chart(), 'p', { source: backendPods() });
      filler(p, before);
      p.allow(Destination.ipv4('10.0.0.0/16'), Port.HTTPS);
      p.allow(Destination.ipv4('10.0.0.0/16'), Port.tcp(80), Port.tcp(443));
    }, 'EGRESS_DUPLICATE_RULE', 'test/p', /Egress to 10\.0\.0\.0\/16 on TCP\/443 is allowed twice \(first as 10\.0\.0\.0\/16 TCP\/443 \(HTTPS\)\)/);
  });

  test.each([0, 40])('every port and one port are different allowances (%i rules before)', (before) => {
    const p = new EgressPolicy(chart(), 'p', { source: backendPods() });
    filler(p, before);
    p.allow(Destination.ipv6('2001:db8::/32'));
    p.allow(Destination.ipv6('2001:db8::/32'), Port.HTTPS);
    expectEgressError(() => p.allow(Destination.ipv6('2001:db8::/32')), 'EGRESS_DUPLICATE_RULE', 'test/p', /on every port is allowed twice \(first as 2001:db8::\/32 every port\)/);
  });
});

describe('EgressPolicy | bad input fails with path, value and fix', () => {
  const expectError = (fn: () => void, code: string, message: RegExp) => expectEgressError(fn, code, 'test/p', message);
  const policy = () => new EgressPolicy(chart(), 'p', { source: backendPods() });

  test('throws on a CIDR without mask', () => expectError(() => policy().allow(Destination.ipv4('203.0.113.7'), Port.HTTPS), 'EGRESS_INVALID_CIDR', /"203.0.113.7" has no prefix length \(mask\). Did you mean "203.0.113.7\/32"\?/));
  test('throws on an IPv6 CIDR without mask', () => expectError(() => policy().allow(Destination.ipv6('2001:db8::1')), 'EGRESS_INVALID_CIDR', /Did you mean "2001:db8::1\/128"/));
  test('throws on an except outside the CIDR', () => expectError(() => policy().allow(Destination.ipv4('10.0.0.0/16', { except: ['10.1.0.0/24'] })), 'EGRESS_INVALID_EXCEPT', /strict subset/));
  test('throws on a port outside 1-65535', () => expectError(() => policy().allow(Destination.ipv4('10.0.0.0/16'), Port.tcp(70000)), 'EGRESS_INVALID_PORT', /Invalid port 70000/));
  test('throws on a reversed range', () => expectError(() => policy().allow(Destination.ipv4('10.0.0.0/16'), Port.tcpRange(90, 80)), 'EGRESS_INVALID_PORT', /Did you mean 80-90\?/));
  test('throws on empty destination labels', () => expectError(() => policy().allow(Destination.pods({ labels: {} })), 'EGRESS_EMPTY_SELECTOR', /select every pod/));
  test('throws on an invalid label', () => expectError(() => policy().allow(Destination.pods({ labels: { app: 'a b' } })), 'EGRESS_INVALID_LABEL', /Invalid label value "a b"/));
  test('throws on an invalid namespace', () => expectError(() => policy().allow(Destination.namespace('Data')), 'EGRESS_INVALID_NAME', /Did you mean "data"/));
  test('throws on a duplicate rule', () => expectError(() => { const p = policy(); p.allow(Destination.ipv4('10.0.0.0/16'), Port.HTTPS); p.allow(Destination.ipv4('10.0.0.0/16'), Port.HTTPS); }, 'EGRESS_DUPLICATE_RULE', /on TCP\/443 \(HTTPS\) is allowed twice/));
  test('throws on the same port twice even with another app protocol', () => expectError(() => policy().allow(Destination.ipv4('10.0.0.0/16'), Port.tcp(443), Port.HTTPS), 'EGRESS_DUPLICATE_RULE', /allowed twice/));
  test('throws on 0.0.0.0/0 without opt-in', () => expectError(() => policy().allow(Destination.anyIpv4(), Port.HTTPS), 'EGRESS_ALLOW_ALL', /covers every IPv4 address.*allowAllAddresses: true/));
  test('throws on ::/0 without opt-in', () => expectError(() => policy().allow(Destination.ipv6('::/0')), 'EGRESS_ALLOW_ALL', /every IPv6 address/));
  test('throws on a hostname, naming the alternatives', () => expectError(() => policy().allow(Destination.fqdn('api.github.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND', /Kubernetes NetworkPolicy backend cannot express destination api.github.com \(needs capability Fqdn\).*Destination.ipv4\(\)\/ipv6\(\)/));
  test('throws on the API server without endpoints', () => expectError(() => policy().allow(Destination.kubeApiServer()), 'EGRESS_UNSUPPORTED_BY_BACKEND', /Destination.kubeApiServer\(\{ endpoints/));
  test('throws on an invalid object name', () => expectError(() => new EgressPolicy(chart(), 'p', { source: backendPods(), name: 'Egress_Control' }), 'EGRESS_INVALID_NAME', /Invalid object name "Egress_Control".*Did you mean "egress-control"/));
  test('throws on an empty source selector', () => expectError(() => new EgressPolicy(chart(), 'p', { source: EgressSource.pods({ namespace: 'x', labels: {} }) }), 'EGRESS_EMPTY_SELECTOR', /EgressSource.namespace\('x'\)/));

  test('throws when blocks together cover a whole family (merging would emit 0.0.0.0/0)', () => {
    // GIVEN the two halves of IPv4, on different ports
    expectError(() => { const p = policy(); p.allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS); p.allow(Destination.ipv4('128.0.0.0/1'), Port.HTTP); },
      'EGRESS_ALLOW_ALL', /Refusing egress to 128.0.0.0\/1: together 0.0.0.0\/1, 128.0.0.0\/1 cover every IPv4 address \(0.0.0.0\/0 once merged\).*allowAllAddresses: true/);
    // AND 256 /8s given as rules
    expectError(() => new EgressPolicy(chart(), 'p', {
      source: backendPods(),
      rules: Array.from({ length: 256 }, (_, i) => ({ destination: Destination.ipv4(`${i}.0.0.0/8`), ports: [Port.HTTPS] })),
    }), 'EGRESS_ALLOW_ALL', /together 0.0.0.0\/8, 1.0.0.0\/8, .*and 250 more cover every IPv4 address/);
    // AND the API server's endpoints, IPv6 halves and the DNS resolvers count too
    expectError(() => policy().allow(Destination.kubeApiServer({ endpoints: ['0.0.0.0/1', '128.0.0.0/1'] }), Port.HTTPS), 'EGRESS_ALLOW_ALL', /Refusing egress to the Kubernetes API server/);
    expectError(() => { const p = policy(); p.allow(Destination.ipv6('::/1'), Port.HTTPS); p.allow(Destination.ipv6('8000::/1'), Port.HTTPS); }, 'EGRESS_ALLOW_ALL', /every IPv6 address \(::\/0 once merged\)/);
    expectError(() => new EgressPolicy(chart(), 'p', { source: backendPods(), dns: DnsResolver.addresses(['0.0.0.0/1', '128.0.0.0/1']) }),
      'EGRESS_ALLOW_ALL', /Refusing the DNS resolvers \(DNS server 0.0.0.0\/1, DNS server 128.0.0.0\/1\)/);
    // BUT blocks with exceptions do not cover everything, nothing is recorded by a refused allow(), and the opt-in allows it
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods() });
    p.allow(Destination.ipv4('0.0.0.0/1', { except: ['10.0.0.0/8'] }), Port.HTTPS);
    p.allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS);
    expect(synth(c)[0].spec.egress[1].to.map((t: any) => t.ipBlock.cidr)).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    const optedIn = chart();
    const all = new EgressPolicy(optedIn, 'p', { source: backendPods(), allowAllAddresses: true });
    all.allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS);
    all.allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS);
    expect(synth(optedIn)[0].spec.egress[1].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
  });

  test('throws on an IPv4-mapped IPv6 block (Go reads ::ffff:0:0/96 as 0.0.0.0/0)', () => expectError(
    () => policy().allow(Destination.ipv6('::ffff:0:0/96'), Port.HTTPS),
    'EGRESS_INVALID_CIDR', /"::ffff:0:0\/96" is an IPv4-mapped IPv6 address.*IPv4 block 0.0.0.0\/0.*Destination.ipv4\(\). Did you mean Destination.ipv4\("0.0.0.0\/0"\)\?/));

  test('with the cluster ranges declared, IP blocks that reach into the cluster are a warning (ipBlock is for external addresses)', () => {
    // GIVEN an app that declares its pod and Service CIDRs
    const declared = () => {
      const app = Testing.app();
      app.node.setContext('cdk8s-egress:clusterCidrs', { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] });
      return new Chart(app, 'test');
    };
    const inCluster = (c: Chart) => EgressWarnings.list(c).filter((w) => w.id === 'cdk8s-egress:ipBlockInCluster').map((w) => `${w.constructPath}: ${w.message}`);
    // WHEN a policy allows pod IPs, "everything but the cluster" and a DNS server at its Service IP
    const c = declared();
    new EgressPolicy(c, 'pods', { source: backendPods() }).allow(Destination.ipv4('10.244.1.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'not-cluster', { source: backendPods(), allowAllAddresses: true }).allow(Destination.anyIpv4({ except: ['10.244.0.0/16', '10.96.0.0/12'] }), Port.HTTPS);
    new EgressPolicy(c, 'dns', { source: backendPods(), dns: DnsResolver.addresses(['10.96.0.10/32']) });
    new EgressPolicy(c, 'api', { source: backendPods() }).allow(Destination.kubeApiServer({ endpoints: ['10.96.0.1/32'] }), Port.HTTPS);
    // THEN each is named, with the range it reaches into and the fix
    const found = inCluster(c);
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^test\/api: Destination 10.96.0.1\/32 overlaps the cluster's Service CIDR 10.96.0.0\/12/);
    expect(found[1]).toMatch(/^test\/dns: DNS resolver: Destination 10.96.0.10\/32 overlaps the cluster's Service CIDR/);
    expect(found[2]).toMatch(/^test\/not-cluster: Destination 0.0.0.0\/0 except 10.244.0.0\/16, 10.96.0.0\/12 carves the cluster's pod CIDR 10.244.0.0\/16 and Service CIDR 10.96.0.0\/12 out of an IP block to mean "everything but the cluster".*Destination.pods\(\) or Destination.namespace\(\)/);
    expect(found[3]).toMatch(/^test\/pods: Destination 10.244.1.0\/24 overlaps the cluster's pod CIDR 10.244.0.0\/16: NetworkPolicy ipBlock is meant for addresses outside the cluster/);
    // BUT external blocks, the plain opted-in allow-all, and apps that declare nothing are left alone
    const quiet = declared();
    new EgressPolicy(quiet, 'ext', { source: backendPods() }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(quiet, 'all', { source: backendPods(), allowAllAddresses: true }).allow(Destination.anyIpv4(), Port.HTTPS);
    const undeclared = chart();
    new EgressPolicy(undeclared, 'pods', { source: backendPods() }).allow(Destination.ipv4('10.244.1.0/24'), Port.HTTPS);
    expect([...inCluster(quiet), ...inCluster(undeclared)]).toEqual([]);
    // AND an invalid declaration is an error naming the context
    const bad = Testing.app();
    bad.node.setContext('cdk8s-egress:clusterCidrs', { podCidrs: ['10.244.0.0'] });
    expect(() => new EgressPolicy(new Chart(bad, 'test'), 'p', { source: backendPods() }).allow(Destination.ipv4('10.244.1.0/24'), Port.HTTPS))
      .toThrow(/\[test\/p\] Invalid CIDR in the cdk8s-egress:clusterCidrs context's podCidrs: "10.244.0.0" has no prefix length/);
  });

  test('opting in allows 0.0.0.0/0, and says so in the output', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), allowAllAddresses: true }).allow(Destination.anyIpv4({ except: ['10.0.0.0/8'] }), Port.HTTPS);
    expect(synth(c)[0].spec.egress[1].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }]);
  });

  test('the size budget counts DNS entries and rules added at any time: 1000 entries pass, 1001 fail at synth', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods() }); // kube-dns on UDP and TCP: 2 entries
    for (let i = 0; i < 998; i++) p.allow(Destination.ipv4(`10.${Math.floor(i / 250)}.${i % 250}.1/32`), Port.HTTPS);
    expect(synth(c)).toHaveLength(1);
    p.allow(Destination.ipv4('10.200.0.1/32'), Port.HTTPS);
    expect(() => Testing.synth(c)).toThrow(/\[test\/p\] This policy has 1001 destination×port entries, over the budget of 1000.*EGRESS_POLICY_TOO_LARGE/s);
  });
});

const SAMPLE_IP: Record<string, string> = { '203.0.113.0/24': '203.0.113.1', '203.0.113.128/25': '203.0.113.129', '198.51.100.0/24': '198.51.100.1', '192.0.2.0/28': '192.0.2.1', '2001:db8::/32': '2001:db8::1' };

describe('EgressPolicy | the model agrees with the emitted NetworkPolicies (property)', () => {
  const labelArb = fc.constantFrom<Record<string, string>>({ app: 'a' }, { app: 'b' }, { app: 'a', tier: 'x' }, { tier: 'x' });
  const nsArb = fc.constantFrom('ns-a', 'ns-b');
  const cidrArb = fc.constantFrom('203.0.113.0/24', '203.0.113.128/25', '198.51.100.0/24', '192.0.2.0/28', '2001:db8::/32');
  const portArb = fc.oneof(
    fc.integer({ min: 1, max: 1000 }).map((p) => Port.tcp(p)),
    fc.integer({ min: 1, max: 1000 }).map((p) => Port.udp(p)),
    fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 })).map(([a, n]) => Port.tcpRange(a, a + n)),
  );
  const destArb = fc.oneof(
    fc.tuple(labelArb, fc.option(nsArb, { nil: undefined })).map(([labels, namespace]) => ({ d: Destination.pods({ labels, namespace }), key: `pods:${JSON.stringify(labels)}:${namespace}` })),
    nsArb.map((n) => ({ d: Destination.namespace(n), key: `ns:${n}` })),
    cidrArb.map((c) => ({ d: c.includes(':') ? Destination.ipv6(c) : Destination.ipv4(c, c === '203.0.113.0/24' ? { except: ['203.0.113.64/26'] } : {}), key: `cidr:${c}` })),
  );
  const intentArb = fc.record({
    ns: nsArb,
    labels: fc.option(labelArb, { nil: undefined }),
    rules: fc.uniqueArray(
      fc.record({ dest: destArb, ports: fc.uniqueArray(portArb, { maxLength: 2, selector: (p) => p.toString() }) }),
      { maxLength: 4, selector: (r) => r.dest.key },
    ),
  });
  const podArb = fc.record({ namespace: nsArb, labels: labelArb });
  const probeArb = fc.record({
    from: podArb,
    to: fc.oneof(podArb.map((p) => ({ toPod: p })), fc.constantFrom('203.0.113.5', '203.0.113.70', '203.0.113.200', '198.51.100.1', '192.0.2.3', '192.0.2.99', '2001:db8::1', '8.8.8.8').map((ip) => ({ toIp: ip }))),
    port: fc.integer({ min: 1, max: 1100 }),
    protocol: fc.constantFrom(Protocol.TCP, Protocol.UDP),
  });

  test('allow/deny from the model equals an independent evaluation of the YAML', () => {
    const intentsArb = fc.array(intentArb, { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(intentsArb, fc.array(probeArb, { minLength: 20, maxLength: 40 }), (intents, probes) => {
      const c = chart();
      intents.forEach((intent, i) => {
        const source = intent.labels ? EgressSource.pods({ namespace: intent.ns, labels: intent.labels }) : EgressSource.namespace(intent.ns);
        const p = new EgressPolicy(c, `p${i}`, { source });
        for (const r of intent.rules) p.allow(r.dest.d, ...r.ports);
      });
      const manifests = synth(c);
      const model = EgressModel.of(c);
      for (const pr of probes) {
        const probe = { from: pr.from, ...pr.to, port: pr.port, protocol: pr.protocol };
        const expected = evaluate(manifests, probe);
        const verdict = model.check(probe);
        expect({ probe, allowed: verdict.allowed, isolated: verdict.isolated }).toEqual({ probe, ...expected });
      }
      // every declared flow is allowed
      intents.forEach((intent) => {
        const from = { namespace: intent.ns, labels: { ...(intent.labels ?? { app: 'zzz' }) } };
        for (const r of intent.rules) {
          for (const port of r.ports.length ? r.ports : [Port.tcp(1)]) {
            const cfg = r.dest.d.toConfig();
            const toPod = cfg.kind === 'Pods' ? { namespace: cfg.namespace ?? intent.ns, labels: cfg.podLabels ?? {} } : undefined;
            const toIp = cfg.kind === 'Cidr' ? SAMPLE_IP[cfg.cidr!] : undefined;
            const probe = { from, toPod, toIp, port: port.startPort ?? 1, protocol: port.protocol };
            expect(evaluate(manifests, probe).allowed).toBe(true);
          }
        }
      });
    }), { numRuns: 60 });
  });
});
