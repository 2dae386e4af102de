// The declared Cilium release and what follows from it (both sides of each threshold), and DNS
// proxying only where a policy has a hostname to resolve.
import { App, Chart, Testing } from 'cdk8s';
import {
  CiliumDnsFilter, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressModel, EgressPolicy, EgressSource, Port, Protocol,
} from '../../../src';
import { EgressReport } from '../../../src/report/egress-report';
import { agentRuleProblems } from '../../oracles/cilium-agent-rules';
import { expectEgressError, synth } from '../../support/helpers';

const source = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const KUBE_DNS = { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } };
const DNS_PORTS = [{ port: '53', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }];

/** A chart in an app whose context declares `context` (set before any construct is added). */
function chartWith(context: Record<string, unknown> = {}): Chart {
  const app: App = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  return new Chart(app, 'test');
}

function policy(c: Chart, version?: string, id = 'p'): EgressPolicy {
  return new EgressPolicy(c, id, { name: id, source: source(), backends: [EgressBackend.cilium(version === undefined ? {} : { version })] });
}

describe('EgressBackend.cilium | declared release', () => {
  test('default: 1.19, the release of the pinned CRDs, and the model records where it came from', () => {
    const c = chartWith();
    policy(c).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [p] = EgressModel.of(c).policies();
    expect(p.backendVersion?.version).toBe('1.19');
    expect(p.backendVersion?.declaredBy).toMatch(/^default \(the release of the pinned Cilium v1\.19\.4 CRDs; declare yours with EgressBackend\.cilium\(\{ version \}\) or the cdk8s-egress:ciliumVersion context\)$/);
  });

  test('the cdk8s-egress:ciliumVersion context applies app-wide; the option wins over it', () => {
    const c = chartWith({ 'cdk8s-egress:ciliumVersion': '1.18' });
    policy(c, undefined, 'a');
    policy(c, '1.17.3', 'b');
    const versions = EgressModel.of(c).policies().map((p) => p.backendVersion);
    expect(versions).toEqual([
      { version: '1.18', declaredBy: 'context cdk8s-egress:ciliumVersion' },
      { version: '1.17', declaredBy: 'EgressBackend.cilium({ version })' },
    ]);
  });

  test.each([
    ['option', { version: '1.x' }, {}, /Invalid EgressBackend\.cilium\(\{ version \}\) "1\.x": give the Cilium release your cluster runs as MAJOR\.MINOR, for example "1\.18"/],
    ['option', { version: '1.13' }, {}, /Unsupported EgressBackend\.cilium\(\{ version \}\) "1\.13": cdk8s-egress supports Cilium 1\.14 and later 1\.x releases .*Upgrade Cilium/],
    ['option', { version: '2.0' }, {}, /Unsupported EgressBackend\.cilium\(\{ version \}\) "2\.0"/],
    ['context', {}, { 'cdk8s-egress:ciliumVersion': 1.2 }, /Invalid the cdk8s-egress:ciliumVersion context value 1\.2: the Cilium release must be a string such as "1\.18" \(a number loses trailing zeros: 1\.20 reads as 1\.2\)\. Quote it/],
    ['context', {}, { 'cdk8s-egress:ciliumVersion': 'latest' }, /Invalid the cdk8s-egress:ciliumVersion context value "latest"/],
  ])('a bad %s value fails at the construct, naming the value and the fix', (_what, options, context, message) => {
    const c = chartWith(context);
    expectEgressError(() => new EgressPolicy(c, 'p', { source: source(), backends: [EgressBackend.cilium(options)] }),
      'EGRESS_INVALID_VERSION', 'test/p', message);
  });
});

describe('EgressBackend.cilium | enableDefaultDeny and port ranges: Cilium 1.16', () => {
  test('1.15: no enableDefaultDeny (the release has no such field; an egress section is default deny there)', () => {
    const c = chartWith();
    policy(c, '1.15').allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production'), backends: [EgressBackend.cilium({ version: '1.15' })] });
    const manifests = synth(c);
    for (const m of manifests) {
      expect(m.spec.enableDefaultDeny).toBeUndefined();
      expect(m.spec.egress.length).toBeGreaterThan(0);
      expect(agentRuleProblems(m.spec)).toEqual([]);
    }
  });

  test('1.16: enableDefaultDeny is explicit', () => {
    const c = chartWith();
    policy(c, '1.16').allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [cnp] = synth(c);
    expect(cnp.spec.enableDefaultDeny).toEqual({ egress: true, ingress: false });
  });

  test('1.15: a port range is refused at allow(), with the alternatives', () => {
    const c = chartWith();
    const p = policy(c, '1.15');
    expectEgressError(() => p.allow(Destination.ipv4('203.0.113.0/24'), Port.tcpRange(8000, 8080)), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p',
      /Cilium 1\.15 \(declared by EgressBackend\.cilium\(\{ version \}\)\) cannot express the port range TCP 8000-8080: endPort exists from Cilium 1\.16.*List the ports one by one.*cilium\/cilium#28684/);
    // the refused rule never reaches the output, even when the error was caught: synth refuses it again
    expect(() => synth(c)).toThrow(/\[test\/p\] Cilium 1\.15 .* cannot express the port range TCP 8000-8080.*\(EGRESS_UNSUPPORTED_BY_BACKEND\)/s);
    // single ports and whole protocols are fine
    const ok = chartWith();
    policy(ok, '1.15').allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(8000), Port.allUdp());
    expect(synth(ok)[0].spec.egress[1].toPorts[0].ports).toEqual([{ port: '8000', protocol: 'TCP' }, { port: '0', protocol: 'UDP' }]);
  });

  test('1.16: a port range is endPort', () => {
    const c = chartWith();
    policy(c, '1.16').allow(Destination.ipv4('203.0.113.0/24'), Port.tcpRange(8000, 8080));
    expect(synth(c)[0].spec.egress[1].toPorts[0].ports).toEqual([{ port: '8000', endPort: 8080, protocol: 'TCP' }]);
  });

  test('a range declared in props is refused at construction for 1.15 too', () => {
    const c = chartWith({ 'cdk8s-egress:ciliumVersion': '1.15' });
    expectEgressError(() => new EgressPolicy(c, 'p', {
      source: source(), backends: [EgressBackend.cilium()], rules: [{ destination: Destination.ipv4('203.0.113.0/24'), ports: [Port.udpRange(30000, 30010)] }],
    }), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /Cilium 1\.15 \(declared by context cdk8s-egress:ciliumVersion\) cannot express the port range UDP 30000-30010/);
  });
});

describe('EgressBackend.cilium | anySubdomainOf() (**.): Cilium 1.19', () => {
  test('1.18: refused with the alternatives, never a silent one-label match', () => {
    const c = chartWith();
    const p = policy(c, '1.18');
    expectEgressError(() => p.allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p',
      /Cilium 1\.18 .* cannot express Destination\.anySubdomainOf\('googleapis\.com'\): the multi-level "\*\*\." pattern exists from Cilium 1\.19 \(cilium\/cilium#43420\), and older releases read "\*\*\.googleapis\.com" as one label.*Destination\.fqdnPattern\('\*\.googleapis\.com'\).*Destination\.fqdn\(\)/);
    expect(() => synth(c)).toThrow(/\[test\/p\] Cilium 1\.18 .* cannot express Destination\.anySubdomainOf\('googleapis\.com'\)/s);
    // the one-label pattern means the same on every release
    const ok = chartWith();
    policy(ok, '1.18').allow(Destination.fqdnPattern('*.googleapis.com'), Port.HTTPS);
    expect(synth(ok)[0].spec.egress[1].toFQDNs).toEqual([{ matchPattern: '*.googleapis.com' }]);
  });

  test('1.19: the **. prefix, and the model reads it as every depth', () => {
    const c = chartWith();
    policy(c, '1.19').allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS);
    expect(synth(c)[0].spec.egress[1].toFQDNs).toEqual([{ matchPattern: '**.googleapis.com' }]);
    const allowed = (toHostname: string) => EgressModel.of(c).check({ from: { namespace: 'production', labels: { app: 'backend' } }, toHostname, port: 443, protocol: Protocol.TCP }).allowed;
    expect([allowed('a.b.googleapis.com'), allowed('googleapis.com')]).toEqual([true, false]);
  });

  test('1.18 through the context: refused at construction when given in props', () => {
    const c = chartWith({ 'cdk8s-egress:ciliumVersion': '1.18.7' });
    expectEgressError(() => new EgressPolicy(c, 'p', {
      source: source(), backends: [EgressBackend.cilium()], rules: [{ destination: Destination.anySubdomainOf('example.com'), ports: [Port.HTTPS] }],
    }), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /Cilium 1\.18 \(declared by context cdk8s-egress:ciliumVersion\)/);
  });
});

describe('EgressBackend.cilium | the DNS proxy only where a policy has a hostname', () => {
  test.each(['1.14', '1.19'])('%s: a policy without hostnames allows DNS at L4 (UDP and TCP to the resolver), no rules.dns', (version) => {
    const c = chartWith();
    const p = new EgressPolicy(c, 'p', {
      source: source(), backends: [EgressBackend.cilium({ version })], dns: [DnsResolver.kubeDns(), ...DnsResolver.addresses(['10.96.0.10/32'])],
    });
    p.allow(Destination.pods({ labels: { app: 'db' } }), Port.POSTGRES);
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [cnp] = synth(c);
    expect(cnp.spec.egress.slice(0, 2)).toEqual([
      { toEndpoints: [KUBE_DNS], toPorts: [{ ports: DNS_PORTS }] },
      { toCIDRSet: [{ cidr: '10.96.0.10/32' }], toPorts: [{ ports: DNS_PORTS }] },
    ]);
    expect(JSON.stringify(cnp.spec)).not.toMatch(/"rules"/);
  });

  test('a hostname added later by allow() turns the proxy on for that policy only', () => {
    const c = chartWith();
    const withHost = policy(c, undefined, 'a');
    policy(c, undefined, 'b').allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    withHost.allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    withHost.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const [a, b] = synth(c);
    expect(a.spec.egress[0].toPorts[0].rules).toEqual({ dns: [{ matchPattern: '*' }] });
    expect(b.spec.egress[0].toPorts[0].rules).toBeUndefined();
  });

  test('DnsEgressRule and the DefaultDenyEgress companion need no proxy', () => {
    const c = chartWith();
    new DnsEgressRule(c, 'dns', { source: source(), backends: [EgressBackend.cilium()] });
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production'), backends: [EgressBackend.cilium()] });
    for (const m of synth(c)) expect(JSON.stringify(m.spec)).not.toMatch(/"rules"/);
  });
});

describe('EgressBackend.cilium | CiliumDnsFilter.policyHostnames(): the DNS rule narrowed to what the policy needs', () => {
  test('each hostname as asked and with the Kubernetes search domains appended, patterns as patterns, sorted; no universal "*"', () => {
    const c = chartWith();
    const p = new EgressPolicy(c, 'p', { source: source(), backends: [EgressBackend.cilium({ dnsFilter: CiliumDnsFilter.policyHostnames() })] });
    p.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    p.allow(Destination.fqdnPattern('*.githubusercontent.com'), Port.HTTPS);
    p.allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS);
    const [cnp] = synth(c);
    expect(cnp.spec.egress[0].toPorts[0].rules.dns).toEqual([
      { matchName: 'api.github.com' },
      { matchName: 'api.github.com.cluster.local' },
      { matchName: 'api.github.com.production.svc.cluster.local' },
      { matchName: 'api.github.com.svc.cluster.local' },
      { matchPattern: '**.googleapis.com' },
      { matchPattern: '**.googleapis.com.cluster.local' },
      { matchPattern: '**.googleapis.com.production.svc.cluster.local' },
      { matchPattern: '**.googleapis.com.svc.cluster.local' },
      { matchPattern: '*.githubusercontent.com' },
      { matchPattern: '*.githubusercontent.com.cluster.local' },
      { matchPattern: '*.githubusercontent.com.production.svc.cluster.local' },
      { matchPattern: '*.githubusercontent.com.svc.cluster.local' },
    ]);
    expect(JSON.stringify(cnp.spec)).not.toMatch(/"matchPattern":"\*"/);
    expect(agentRuleProblems(cnp.spec)).toEqual([]);
  });

  test('cluster domain, node search domains and alsoAllow', () => {
    const c = chartWith();
    const dnsFilter = CiliumDnsFilter.policyHostnames({
      clusterDomain: 'k8s.internal', searchDomains: ['abc.internal.cloudapp.net'], alsoAllow: ['*.production.svc.k8s.internal', 'db.example.org'],
    });
    new EgressPolicy(c, 'p', { source: source(), backends: [EgressBackend.cilium({ dnsFilter })] }).allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const [cnp] = synth(c);
    expect(cnp.spec.egress[0].toPorts[0].rules.dns).toEqual([
      { matchName: 'api.github.com' },
      { matchName: 'api.github.com.abc.internal.cloudapp.net' },
      { matchName: 'api.github.com.k8s.internal' },
      { matchName: 'api.github.com.production.svc.k8s.internal' },
      { matchName: 'api.github.com.svc.k8s.internal' },
      { matchName: 'db.example.org' },
      { matchPattern: '*.production.svc.k8s.internal' },
    ]);
  });

  test('a policy without hostnames still allows DNS at L4 (nothing to narrow)', () => {
    const c = chartWith();
    new EgressPolicy(c, 'p', { source: source(), backends: [EgressBackend.cilium({ dnsFilter: CiliumDnsFilter.policyHostnames() })] })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(synth(c)[0].spec.egress[0]).toEqual({ toEndpoints: [KUBE_DNS], toPorts: [{ ports: DNS_PORTS }] });
  });

  test.each([
    [{ alsoAllow: ['*'] }, 'EGRESS_ALLOW_ALL', /alsoAllow "\*", which lets the pods resolve every name: use CiliumDnsFilter\.anyName\(\)/],
    [{ alsoAllow: ['a b.com'] }, 'EGRESS_INVALID_FQDN', /Invalid alsoAllow entry "a b\.com"/],
    [{ alsoAllow: ['a.**.com'] }, 'EGRESS_INVALID_FQDN', /Cilium reads "\*\*" only as a leading "\*\*\."/],
    [{ clusterDomain: '*.local' }, 'EGRESS_INVALID_FQDN', /Invalid clusterDomain "\*\.local"/],
    [{ searchDomains: ['bad_domain.'] }, 'EGRESS_INVALID_FQDN', /Invalid searchDomains "bad_domain\."/],
  ])('bad options %j fail with the value and the fix', (options, code, message) => {
    const c = chartWith();
    expectEgressError(() => new EgressPolicy(c, 'p', { source: source(), backends: [EgressBackend.cilium({ dnsFilter: CiliumDnsFilter.policyHostnames(options) })] }),
      code, 'test/p', message);
  });

  test('a leading **. in alsoAllow needs 1.19: refused on 1.18, accepted on 1.19', () => {
    const filter = CiliumDnsFilter.policyHostnames({ alsoAllow: ['**.svc.cluster.local'] });
    const c = chartWith();
    expectEgressError(() => new EgressPolicy(c, 'p', { source: source(), backends: [EgressBackend.cilium({ version: '1.18', dnsFilter: filter })] }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /needs Cilium 1\.19 \(multi-level "\*\*\."\), but the target is Cilium 1\.18/);
    const ok = chartWith();
    new EgressPolicy(ok, 'p', { source: source(), backends: [EgressBackend.cilium({ version: '1.19', dnsFilter: filter })] }).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    expect(synth(ok)[0].spec.egress[0].toPorts[0].rules.dns).toContainEqual({ matchPattern: '**.svc.cluster.local' });
  });
});

describe('EgressBackend.cilium | the report states the release each object holds for', () => {
  test('objects carry the release; the header lists where each release was declared', () => {
    const c = chartWith({ 'cdk8s-egress:ciliumVersion': '1.17' });
    policy(c).allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const report = EgressReport.of(c);
    const data = JSON.parse(report.renderJson());
    expect(data.backendVersions).toEqual(['cilium 1.17: declared by context cdk8s-egress:ciliumVersion']);
    expect(data.workloads[0].isolatedBy).toEqual(['CiliumNetworkPolicy/production/p (cilium 1.17)']);
    expect(data.workloads[0].reach[0].enforcedBy).toEqual(['CiliumNetworkPolicy/production/p (cilium 1.17)']);
    expect(report.renderMarkdown()).toMatch(/## Backend releases\n\nWhat this report says about each object holds for the release named next to it:\n\n- cilium 1\.17: declared by context cdk8s-egress:ciliumVersion\n/);
  });
});
