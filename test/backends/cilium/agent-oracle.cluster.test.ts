// Cluster tier (npm run test:cluster; excluded from `npm test` as *.cluster.test.ts): Cilium's own
// policy parser (tools/cilium-oracle, built from the Go module proxy by
// tools/validators/build-testbins.sh) judges every emitted object, for each Cilium release of the
// matrix: v1.19.4 (the pinned CRDs, the default `version`) and CILIUM_ORACLE_VERSIONS (by default
// v1.14.19, the oldest supported; v1.18.0, the last release without `**.`; v1.20.2, the newest the
// module proxy serves). Each release gets output declared for it (`EgressBackend.cilium({ version })`).
// CILIUM_AGENT_ORACLES names the binaries (`v1.19.4=/path ...`, set by tools/validators/env.sh); when
// one is missing these tests fail, they never skip:
//   bash tools/validators/build-testbins.sh cilium-oracle && source tools/validators/env.sh &&
//   npx jest test/backends/cilium/agent-oracle --coverage=false --testPathIgnorePatterns /node_modules/
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  CiliumDnsFilter, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressPolicy, EgressSource, Port,
} from '../../../src';

interface Oracle { readonly release: string; readonly version: string; readonly minor: number; readonly path: string }

function oracles(): Oracle[] {
  const spec = process.env.CILIUM_AGENT_ORACLES ?? (process.env.CILIUM_AGENT_ORACLE ? `v1.19.4=${process.env.CILIUM_AGENT_ORACLE}` : '');
  return spec.split(/\s+/).filter(Boolean).map((pair) => {
    const [release, path] = pair.split('=');
    const m = /^v(\d+)\.(\d+)\./.exec(release)!;
    return { release, version: `${m[1]}.${m[2]}`, minor: Number(m[2]), path };
  });
}

const ORACLES = oracles();

beforeAll(() => {
  const missing = ORACLES.filter((o) => !fs.existsSync(o.path));
  if (ORACLES.length === 0 || missing.length > 0) {
    throw new Error(`The Cilium agent oracles are not built (CILIUM_AGENT_ORACLES=${process.env.CILIUM_AGENT_ORACLES ?? '(unset)'}; missing: ${missing.map((o) => o.path).join(', ') || 'all'}): `
      + 'bash tools/validators/build-testbins.sh cilium-oracle && source tools/validators/env.sh');
  }
});

interface Verdict { readonly ok: boolean; readonly name: string; readonly egressEntries: number; readonly defaultDeny: number; readonly line: string }

function run(o: Oracle, input: unknown, args: string[] = []): string {
  try {
    return execFileSync(o.path, args, { input: JSON.stringify(input), encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  } catch (e: any) {
    return String(e.stdout ?? '');
  }
}

function judge(o: Oracle, manifests: any[], args: string[] = []): Verdict[] {
  return run(o, manifests, args).trim().split('\n').filter(Boolean).map((line) => {
    const m = /^(OK|REJECT) ([^ :]+):? (?:egressEntries=(\d+) defaultDeny=(\d+))?/.exec(line)!;
    return { ok: m[1] === 'OK', name: m[2], egressEntries: Number(m[3] ?? 0), defaultDeny: Number(m[4] ?? 0), line: line.slice(0, 300) };
  });
}

/** Everything the backend emits for a release, fixed and random. */
function corpus(o: Oracle, dnsFilter?: CiliumDnsFilter): any[] {
  const ranges = o.minor >= 16;
  const multiLevel = o.minor >= 19;
  const out: any[] = [];
  for (const clusterwide of [false, true]) {
    const backend = () => EgressBackend.cilium({ clusterwide, version: o.version, ...(dnsFilter ? { dnsFilter } : {}) });
    const c = new Chart(Testing.app(), `fixed-${clusterwide}`);
    const p = new EgressPolicy(c, 'all', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
      backends: [backend()],
      dns: [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache(), ...DnsResolver.addresses(['10.96.0.10/32', 'fd00::a/128']),
        DnsResolver.kubeDns({ namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 })],
    });
    p.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    p.allow(Destination.pods({ labels: { app: 'db' }, namespace: 'data' }), Port.POSTGRES, ...(ranges ? [Port.tcpRange(7000, 7100)] : [Port.tcp(7000)]));
    p.allow(Destination.namespace('monitoring'));
    p.allow(Destination.namespacesWithLabels({ team: 'payments' }), Port.allTcp(), Port.allUdp(), Port.sctp(9));
    p.allow(Destination.ipv4('10.0.0.0/8', { except: ['10.96.0.0/12'] }), Port.HTTPS);
    p.allow(Destination.ipv6('2001:db8::/32', { except: ['2001:db8:1::/48'] }), Port.HTTPS);
    p.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    p.allow(Destination.fqdnPattern('*.googleapis.com'), Port.HTTPS, Port.HTTP);
    p.allow(Destination.fqdn('example.org'));
    if (multiLevel) p.allow(Destination.anySubdomainOf('example.net'), Port.HTTPS);
    p.allow(Destination.kubeApiServer(), Port.HTTPS, Port.KUBE_API_SERVER);
    p.allow(Destination.ipv4('198.51.100.0/24'), ...Array.from({ length: 95 }, (_, i) => Port.tcp(20000 + i)));
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production'), backends: [backend()] });
    new DnsEgressRule(c, 'dns', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), backends: [backend()] });
    new EgressPolicy(c, 'nothing', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), backends: [backend()], dns: [] });
    new EgressPolicy(c, 'cidr-only', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'y' } }), backends: [backend()] })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    out.push(...Testing.synth(c));
  }
  const labels = fc.constantFrom<Record<string, string>>({ app: 'a' }, { app: 'b', tier: 'x' }, { 'app.kubernetes.io/name': 'c' });
  const port = fc.oneof(
    fc.integer({ min: 1, max: 65535 }).map((n) => Port.tcp(n)), fc.integer({ min: 1, max: 65535 }).map((n) => Port.udp(n)),
    fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 })).map(([a, n]) => (ranges ? Port.tcpRange(a, a + n) : Port.tcp(a))),
    fc.constantFrom(Port.allTcp(), Port.allUdp(), Port.sctp(7), Port.HTTPS),
  );
  const dest = fc.oneof(
    fc.tuple(labels, fc.option(fc.constantFrom('ns-a', 'ns-b'), { nil: undefined })).map(([l, namespace]) => Destination.pods({ labels: l, namespace })),
    fc.tuple(labels, labels).map(([l, namespaceLabels]) => Destination.pods({ labels: l, namespaceLabels })),
    fc.constantFrom(Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.64/26'] }), Destination.ipv6('2001:db8::/32'),
      Destination.fqdn('api.example.com'), Destination.fqdnPattern('*.example.net'),
      multiLevel ? Destination.anySubdomainOf('example.io') : Destination.fqdnPattern('*.example.io'), Destination.kubeApiServer()),
  );
  const samples = fc.sample(fc.record({
    clusterwide: fc.boolean(),
    rules: fc.array(fc.record({ dest, ports: fc.uniqueArray(port, { maxLength: 60, selector: (x) => `${x.protocol}/${x.startPort}/${x.endPort}` }) }), { maxLength: 8 }),
  }), { numRuns: 300, seed: 20261125 });
  samples.forEach((s, i) => {
    const c = new Chart(Testing.app(), `random-${i}`);
    const p = new EgressPolicy(c, 'p', {
      source: EgressSource.pods({ namespace: 'ns-a', labels: { app: 'src' } }),
      backends: [EgressBackend.cilium({ clusterwide: s.clusterwide, version: o.version, ...(dnsFilter ? { dnsFilter } : {}) })],
    });
    const seen = new Set<string>();
    for (const r of s.rules) {
      const keys = (r.ports.length ? r.ports : [undefined]).map((x) => `${JSON.stringify(r.dest.toConfig())}|${x ? `${x.protocol}/${x.startPort}/${x.endPort}` : '*'}`);
      if (keys.some((k) => seen.has(k))) continue;
      keys.forEach((k) => seen.add(k));
      p.allow(r.dest, ...r.ports);
    }
    out.push(...Testing.synth(c));
  });
  return out;
}

const hasHostname = (m: any) => (m.spec.egress ?? []).some((r: any) => r.toFQDNs !== undefined);

describe.each(ORACLES.map((o) => [o.release, o] as const))('EgressBackend.cilium | the Cilium %s agent parser (cluster tier)', (_release, o) => {
  test('the oracle is the release it claims', () => {
    expect(execFileSync(o.path, ['-version'], { encoding: 'utf-8' }).trim()).toBe(o.release);
  });

  test('accepts every policy declared for this release (strict fields), and each one enforces egress with default deny', () => {
    const manifests = corpus(o);
    const verdicts = judge(o, manifests);
    expect(verdicts).toHaveLength(manifests.length);
    for (const v of verdicts) {
      expect({ line: v.line, ok: v.ok }).toEqual({ line: v.line, ok: true });
      // an egress entry exists (so egress is enforced) and every egress entry is default-deny
      expect(v.egressEntries).toBeGreaterThan(0);
      expect(v.defaultDeny).toBe(v.egressEntries);
    }
    // only policies with hostnames use the DNS proxy
    for (const m of manifests) expect({ name: m.metadata.name, proxy: JSON.stringify(m.spec).includes('"rules"') }).toEqual({ name: m.metadata.name, proxy: hasHostname(m) });
  }, 180_000);

  test('with the L7 proxy off (plain managed Cilium): every policy without a hostname is accepted, one with a hostname is refused', () => {
    const manifests = corpus(o);
    const plain = manifests.filter((m) => !hasHostname(m));
    const withHost = manifests.filter(hasHostname);
    expect(plain.length).toBeGreaterThan(50);
    expect(judge(o, plain, ['-l7proxy=false']).filter((v) => !v.ok)).toEqual([]);
    // negative control: the same parser refuses the DNS proxy without the L7 proxy
    const refused = judge(o, withHost.slice(0, 5), ['-l7proxy=false']);
    expect(refused.map((v) => v.ok)).toEqual(withHost.slice(0, 5).map(() => false));
    expect(refused[0].line).toMatch(/L7 policy is not supported since L7 proxy is not enabled/);
  }, 180_000);

  test('CiliumDnsFilter.policyHostnames() output is accepted too', () => {
    const manifests = corpus(o, CiliumDnsFilter.policyHostnames({ alsoAllow: ['*.production.svc.cluster.local'] }));
    const verdicts = judge(o, manifests);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(manifests.filter(hasHostname).every((m) => !JSON.stringify(m.spec).includes('"matchPattern":"*"'))).toBe(true);
  }, 180_000);

  test('matchPattern: **. is every depth from 1.19 and one label before, as the backend assumes', () => {
    const lines = run(o, [
      { pattern: '**.example.com', name: 'a.b.example.com' }, { pattern: '**.example.com', name: 'a.example.com' },
      { pattern: '**.example.com', name: 'example.com' }, { pattern: '*.example.com', name: 'a.b.example.com' },
    ], ['-match']).trim().split('\n');
    expect(lines).toEqual([
      `${o.minor >= 19 ? 'MATCH' : 'NOMATCH'} **.example.com a.b.example.com`, 'MATCH **.example.com a.example.com',
      'NOMATCH **.example.com example.com', 'NOMATCH *.example.com a.b.example.com',
    ]);
    const declare = () => new EgressPolicy(new Chart(Testing.app(), 'c'), 'p', {
      source: EgressSource.namespace('a'),
      backends: [EgressBackend.cilium({ version: o.version })],
      rules: [{ destination: Destination.anySubdomainOf('example.com'), ports: [Port.HTTPS] }],
    });
    if (o.minor >= 19) expect(declare).not.toThrow();
    else expect(declare).toThrow(/cannot express Destination\.anySubdomainOf\('example\.com'\)/);
  });

  test('negative controls: the oracle rejects what the agent (and this release\'s API) rejects', () => {
    const cnp = (name: string, egress: any[], extra: any = {}) => ({
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: 'a' }, spec: { endpointSelector: {}, ...extra, egress },
    });
    const pods = { toEndpoints: [{ matchLabels: { 'k8s:app': 'x' } }] };
    const dns = { dns: [{ matchPattern: '*' }] };
    const verdicts = judge(o, [
      cnp('mixed-peers', [{ ...pods, toFQDNs: [{ matchName: 'a.example.com' }] }]),
      cnp('dns-range', [{ ...pods, toPorts: [{ ports: [{ port: '53', endPort: 54, protocol: 'UDP' }], rules: dns }] }]),
      cnp('dns-no-port', [{ ...pods, toPorts: [{ rules: dns }] }]),
      cnp('l7-on-udp', [{ ...pods, toPorts: [{ ports: [{ port: '80', protocol: 'UDP' }], rules: { http: [{}] } }] }]),
      cnp('no-port', [{ toCIDRSet: [{ cidr: '10.0.0.0/8' }], toPorts: [{ ports: [{ protocol: 'TCP' }] }] }]),
      cnp('41-ports', [{ toCIDRSet: [{ cidr: '10.0.0.0/8' }], toPorts: [{ ports: Array.from({ length: 41 }, (_, i) => ({ port: `${1000 + i}`, protocol: 'TCP' })) }] }]),
      cnp('unknown-field', [{ ...pods, toNowhere: [] }]),
      cnp('default-deny-field', [pods], { enableDefaultDeny: { egress: true, ingress: false } }),
      cnp('end-port', [{ ...pods, toPorts: [{ ports: [{ port: '80', endPort: 90, protocol: 'TCP' }] }] }]),
      // "isolate, allow nothing" spelled as an empty egress list: refused from 1.17 (v1.17.0
      // pkg/policy/api/rule_validation.go; absent from v1.16.0); older agents accept it and isolate nothing
      cnp('empty-egress', [], o.minor >= 16 ? { enableDefaultDeny: { egress: true } } : {}),
    ]);
    const before116 = o.minor < 16;
    expect(verdicts.map((v) => [v.name.replace('CiliumNetworkPolicy/', ''), v.ok])).toEqual([
      ['mixed-peers', false], ['dns-range', false], ['dns-no-port', false], ['l7-on-udp', false], ['no-port', false], ['41-ports', false],
      ['unknown-field', false], ['default-deny-field', !before116], ['end-port', !before116], ['empty-egress', o.minor < 17],
    ]);
    expect(verdicts[0].line).toMatch(/combining ToFQDNs and ToEndpoints is not supported yet|combining ToEndpoints and ToFQDNs is not supported yet/i);
    expect(verdicts[6].line).toMatch(/unknown field "toNowhere"/);
    if (before116) {
      expect(verdicts[7].line).toMatch(/unknown field "enableDefaultDeny"/);
      expect(verdicts[8].line).toMatch(/unknown field "endPort"/);
    }
    if (o.minor >= 17) expect(verdicts[9].line).toMatch(/rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny/);
    else expect(verdicts[9].egressEntries).toBe(0);
  });
});
