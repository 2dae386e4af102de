// Cluster tier (npm run test:cluster; excluded from `npm test` as *.cluster.test.ts): the real
// Cilium 1.19.4 policy parser (tools/cilium-oracle, built from the Go module proxy by
// tools/validators/build-testbins.sh) judges every emitted object. CILIUM_AGENT_ORACLE names the
// built binary; when it is missing these tests fail, they never skip:
//   bash tools/validators/build-testbins.sh cilium-oracle && source tools/validators/env.sh &&
//   npx jest test/backends/cilium/agent-oracle --coverage=false --testPathIgnorePatterns /node_modules/
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressPolicy, EgressSource, Port,
} from '../../../src';

const ORACLE = process.env.CILIUM_AGENT_ORACLE;

beforeAll(() => {
  if (!ORACLE || !fs.existsSync(ORACLE)) {
    throw new Error(`The Cilium agent oracle is not built (CILIUM_AGENT_ORACLE=${ORACLE ?? '(unset)'}): bash tools/validators/build-testbins.sh cilium-oracle && source tools/validators/env.sh`);
  }
});

interface Verdict { readonly ok: boolean; readonly name: string; readonly egressEntries: number; readonly defaultDeny: number; readonly line: string }

function judge(manifests: any[]): Verdict[] {
  let out: string;
  try {
    out = execFileSync(ORACLE!, { input: JSON.stringify(manifests), encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  } catch (e: any) {
    out = String(e.stdout ?? '');
  }
  return out.trim().split('\n').filter(Boolean).map((line) => {
    const m = /^(OK|REJECT) ([^ :]+):? (?:egressEntries=(\d+) defaultDeny=(\d+))?/.exec(line)!;
    return { ok: m[1] === 'OK', name: m[2], egressEntries: Number(m[3] ?? 0), defaultDeny: Number(m[4] ?? 0), line: line.slice(0, 300) };
  });
}

function corpus(): any[] {
  const out: any[] = [];
  for (const clusterwide of [false, true]) {
    const backend = () => EgressBackend.cilium({ clusterwide });
    const c = new Chart(Testing.app(), `fixed-${clusterwide}`);
    const p = new EgressPolicy(c, 'all', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
      backend: backend(),
      dns: [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache(), ...DnsResolver.addresses(['10.96.0.10/32', 'fd00::a/128']),
        DnsResolver.kubeDns({ namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 })],
    });
    p.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    p.allow(Destination.pods({ labels: { app: 'db' }, namespace: 'data' }), Port.POSTGRES, Port.tcpRange(7000, 7100));
    p.allow(Destination.namespace('monitoring'));
    p.allow(Destination.namespacesWithLabels({ team: 'payments' }), Port.allTcp(), Port.allUdp(), Port.sctp(9));
    p.allow(Destination.ipv4('10.0.0.0/8', { except: ['10.96.0.0/12'] }), Port.HTTPS);
    p.allow(Destination.ipv6('2001:db8::/32', { except: ['2001:db8:1::/48'] }), Port.HTTPS);
    p.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    p.allow(Destination.fqdnPattern('*.googleapis.com'), Port.HTTPS, Port.HTTP);
    p.allow(Destination.fqdn('example.org'));
    p.allow(Destination.anySubdomainOf('example.net'), Port.HTTPS);
    p.allow(Destination.kubeApiServer(), Port.HTTPS, Port.KUBE_API_SERVER);
    p.allow(Destination.ipv4('198.51.100.0/24'), ...Array.from({ length: 95 }, (_, i) => Port.tcp(20000 + i)));
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production'), backend: backend() });
    new DnsEgressRule(c, 'dns', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), backend: backend() });
    new EgressPolicy(c, 'nothing', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), backend: backend(), dns: [] });
    out.push(...Testing.synth(c));
  }
  const labels = fc.constantFrom<Record<string, string>>({ app: 'a' }, { app: 'b', tier: 'x' }, { 'app.kubernetes.io/name': 'c' });
  const port = fc.oneof(
    fc.integer({ min: 1, max: 65535 }).map((n) => Port.tcp(n)), fc.integer({ min: 1, max: 65535 }).map((n) => Port.udp(n)),
    fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 })).map(([a, n]) => Port.tcpRange(a, a + n)),
    fc.constantFrom(Port.allTcp(), Port.allUdp(), Port.sctp(7), Port.HTTPS),
  );
  const dest = fc.oneof(
    fc.tuple(labels, fc.option(fc.constantFrom('ns-a', 'ns-b'), { nil: undefined })).map(([l, namespace]) => Destination.pods({ labels: l, namespace })),
    fc.tuple(labels, labels).map(([l, namespaceLabels]) => Destination.pods({ labels: l, namespaceLabels })),
    fc.constantFrom(Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.64/26'] }), Destination.ipv6('2001:db8::/32'),
      Destination.fqdn('api.example.com'), Destination.fqdnPattern('*.example.net'), Destination.anySubdomainOf('example.io'), Destination.kubeApiServer()),
  );
  const samples = fc.sample(fc.record({
    clusterwide: fc.boolean(),
    rules: fc.array(fc.record({ dest, ports: fc.uniqueArray(port, { maxLength: 60, selector: (x) => `${x.protocol}/${x.startPort}/${x.endPort}` }) }), { maxLength: 8 }),
  }), { numRuns: 300, seed: 20261125 });
  samples.forEach((s, i) => {
    const c = new Chart(Testing.app(), `random-${i}`);
    const p = new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'ns-a', labels: { app: 'src' } }), backend: EgressBackend.cilium({ clusterwide: s.clusterwide }) });
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

describe('EgressBackend.cilium | the Cilium 1.19.4 agent parser (cluster tier)', () => {
  test('accepts every emitted policy, and each one enforces egress with default deny', () => {
    const manifests = corpus();
    const verdicts = judge(manifests);
    expect(verdicts).toHaveLength(manifests.length);
    for (const v of verdicts) {
      expect({ line: v.line, ok: v.ok }).toEqual({ line: v.line, ok: true });
      // an egress entry exists (so egress is enforced) and every egress entry is default-deny
      expect(v.egressEntries).toBeGreaterThan(0);
      expect(v.defaultDeny).toBe(v.egressEntries);
    }
  }, 120_000);

  test('negative controls: the oracle rejects what the agent rejects', () => {
    const cnp = (name: string, egress: any[], extra: any = {}) => ({
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: 'a' }, spec: { endpointSelector: {}, ...extra, egress },
    });
    const pods = { toEndpoints: [{ matchLabels: { 'k8s:app': 'x' } }] };
    const dns = { dns: [{ matchPattern: '*' }] };
    const verdicts = judge([
      cnp('mixed-peers', [{ ...pods, toFQDNs: [{ matchName: 'a.example.com' }] }]),
      cnp('dns-range', [{ ...pods, toPorts: [{ ports: [{ port: '53', endPort: 54, protocol: 'UDP' }], rules: dns }] }]),
      cnp('dns-no-port', [{ ...pods, toPorts: [{ rules: dns }] }]),
      cnp('l7-on-udp', [{ ...pods, toPorts: [{ ports: [{ port: '80', protocol: 'UDP' }], rules: { http: [{}] } }] }]),
      cnp('no-port', [{ toCIDRSet: [{ cidr: '10.0.0.0/8' }], toPorts: [{ ports: [{ protocol: 'TCP' }] }] }]),
      cnp('41-ports', [{ toCIDRSet: [{ cidr: '10.0.0.0/8' }], toPorts: [{ ports: Array.from({ length: 41 }, (_, i) => ({ port: `${1000 + i}`, protocol: 'TCP' })) }] }]),
      // "isolate, allow nothing" spelled as an empty egress list: refused by 1.19 (older agents isolate nothing)
      cnp('empty-egress', [], { enableDefaultDeny: { egress: true } }),
    ]);
    expect(verdicts.map((v) => [v.name, v.ok])).toEqual([
      ['CiliumNetworkPolicy/mixed-peers', false], ['CiliumNetworkPolicy/dns-range', false], ['CiliumNetworkPolicy/dns-no-port', false],
      ['CiliumNetworkPolicy/l7-on-udp', false], ['CiliumNetworkPolicy/no-port', false], ['CiliumNetworkPolicy/41-ports', false],
      ['CiliumNetworkPolicy/empty-egress', false],
    ]);
    expect(verdicts[0].line).toMatch(/combining ToFQDNs and ToEndpoints is not supported yet|combining ToEndpoints and ToFQDNs is not supported yet/);
    expect(verdicts[6].line).toMatch(/rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny/);
  });
});
