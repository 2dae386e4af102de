import { App, Chart, Testing } from 'cdk8s';
import {
  AllowedExternalService, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressGateway, EgressModel,
  EgressPolicy, EgressSource, EgressWarningId, EgressWarnings, Port, Protocol,
} from '../../src';
import { NODE_LOCAL_DNS_CACHE_CONTEXT } from '../../src/core/dns-defaults';
import { expectEgressError, ofKind, synth } from '../support/helpers';

/** A chart in an app that declares `value` as its NodeLocal DNSCache (no declaration when undefined). */
function chartWithCache(value?: unknown): Chart {
  const app: App = Testing.app();
  if (value !== undefined) app.node.setContext(NODE_LOCAL_DNS_CACHE_CONTEXT, value);
  return new Chart(app, 'test');
}

const KUBE_DNS_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
const DNS_PORTS = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
const source = EgressSource.pods({ namespace: 'production', labels: { app: 'api' } });
const missing = (c: Chart) => EgressWarnings.list(c).filter((w) => w.id === EgressWarningId.NODE_LOCAL_DNS_CACHE_MISSING);

describe('NodeLocal DNSCache declared in the cdk8s-egress:nodeLocalDnsCache context (pitfall 6)', () => {
  test('undeclared: the default DNS path is kube-dns alone', () => {
    const c = chartWithCache();
    new DnsEgressRule(c, 'dns', { source });
    expect(synth(c)[0].spec.egress).toEqual([{ to: [KUBE_DNS_PEER], ports: DNS_PORTS }]);
  });

  test('true: every default DNS path also reaches 169.254.20.10 on UDP and TCP', () => {
    const c = chartWithCache(true);
    new DnsEgressRule(c, 'dns', { source });
    new EgressPolicy(c, 'policy', { source, rules: [{ destination: Destination.ipv4('203.0.113.0/24'), ports: [Port.HTTPS] }] });
    new DefaultDenyEgress(c, 'baseline', { source: EgressSource.namespace('production') });
    const nps = ofKind(synth(c), 'NetworkPolicy');
    expect(nps).toHaveLength(4); // the rule, the policy, the baseline and its DNS companion
    const withDns = nps.filter((np) => np.spec.egress.length > 0);
    expect(withDns).toHaveLength(3);
    for (const np of withDns) {
      expect(np.spec.egress).toContainEqual({ to: [KUBE_DNS_PEER, { ipBlock: { cidr: '169.254.20.10/32' } }], ports: DNS_PORTS });
    }
    expect(missing(c)).toEqual([]);
    // The model reads the same DNS path: a pod resolving through the cache is allowed.
    const m = EgressModel.of(c);
    const from = { namespace: 'production', labels: { app: 'api' } };
    expect(m.check({ from, toIp: '169.254.20.10', port: 53, protocol: Protocol.UDP }).allowed).toBe(true);
    expect(m.check({ from, toIp: '169.254.20.10', port: 53, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(m.check({ from, toIp: '169.254.20.11', port: 53, protocol: Protocol.UDP }).allowed).toBe(false);
  });

  test('an address: the default DNS path reaches that address', () => {
    const c = chartWithCache('169.254.25.10');
    new EgressPolicy(c, 'policy', { source });
    expect(synth(c)[0].spec.egress).toEqual([{ to: [KUBE_DNS_PEER, { ipBlock: { cidr: '169.254.25.10/32' } }], ports: DNS_PORTS }]);
  });

  test('every backend that controls DNS keeps the cache; Cilium keeps its DNS proxy on both resolvers', () => {
    const c = chartWithCache(true);
    new AllowedExternalService(c, 'api', { source, destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS], backends: [EgressBackend.cilium()] });
    const [cnp] = ofKind(synth(c), 'CiliumNetworkPolicy');
    const dnsRules = cnp.spec.egress.filter((r: any) => r.toPorts?.[0]?.rules?.dns);
    expect(dnsRules.some((r: any) => r.toCIDRSet?.some((s: any) => s.cidr === '169.254.20.10/32') || r.toCIDR?.includes('169.254.20.10/32'))).toBe(true);
    expect(dnsRules.some((r: any) => r.toEndpoints !== undefined)).toBe(true);
  });

  test('the gateway bypass closure keeps the cache for routed pods', () => {
    const c = chartWithCache(true);
    const gw = new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] });
    gw.addRoute('github', { source, destinations: [Destination.fqdn('api.github.com')], ports: [Port.HTTPS] });
    const closure = ofKind(synth(c), 'NetworkPolicy').find((np) => np.spec.podSelector.matchLabels?.app === 'api');
    expect(closure.spec.egress).toContainEqual({ to: [KUBE_DNS_PEER, { ipBlock: { cidr: '169.254.20.10/32' } }], ports: DNS_PORTS });
  });

  test('an explicit resolver list without the cache is a warning on the construct that was given it', () => {
    const c = chartWithCache(true);
    new DnsEgressRule(c, 'dns', { source, dns: [DnsResolver.kubeDns()] });
    new EgressPolicy(c, 'policy', { source, dns: [DnsResolver.kubeDns()] });
    new DefaultDenyEgress(c, 'baseline', { source: EgressSource.namespace('production'), dns: [DnsResolver.kubeDns()] });
    const warnings = missing(c);
    expect(warnings.map((w) => w.constructPath)).toEqual(['test/baseline/Dns', 'test/dns', 'test/policy']);
    expect(warnings[0].message).toMatch(/declares NodeLocal DNSCache at 169\.254\.20\.10\/32 .*these DNS resolvers \(cluster DNS \(kube-system\)\) do not include it.*Add DnsResolver\.nodeLocalDnsCache\(\)/);
    // The output is what the user asked for: nothing is added behind their back.
    expect(ofKind(synth(c), 'NetworkPolicy').filter((np) => JSON.stringify(np).includes('169.254.20.10'))).toEqual([]);
  });

  test('no warning where the list has the cache (any port), is empty, or the backend does not control DNS', () => {
    const c = chartWithCache(true);
    new DnsEgressRule(c, 'with-cache', { source, dns: [DnsResolver.nodeLocalDnsCache({ port: 5353 })] });
    new DnsEgressRule(c, 'cache-only', { source: EgressSource.namespace('batch'), dns: [DnsResolver.nodeLocalDnsCache()] });
    new EgressPolicy(c, 'no-dns', { source: EgressSource.namespace('batch'), dns: [] });
    new AllowedExternalService(c, 'istio', {
      source: EgressSource.namespace('mesh'), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS], backends: [EgressBackend.istio()],
    });
    new EgressPolicy(c, 'istio-dns', { source: EgressSource.namespace('mesh'), backends: [EgressBackend.istio()], dns: [DnsResolver.kubeDns()] });
    expect(missing(c)).toEqual([]);
  });

  test('the warning can be acknowledged like any other', () => {
    const c = chartWithCache(true);
    EgressWarnings.acknowledge(c, EgressWarningId.NODE_LOCAL_DNS_CACHE_MISSING, 'these pods use dnsPolicy: None with an external resolver');
    new DnsEgressRule(c, 'dns', { source, dns: DnsResolver.addresses(['198.51.100.53/32']) });
    expect(missing(c)[0].acknowledgedReason).toBe('these pods use dnsPolicy: None with an external resolver');
  });

  test.each([
    ['"169.254.20.0/24"', '169.254.20.0/24'],
    ['"fe80::a"', 'fe80::a'],
    ['"dns-cache"', 'dns-cache'],
    ['42', 42],
    ['{"address":"169.254.20.10"}', { address: '169.254.20.10' }],
  ])('an invalid context value (%s) fails synth with the path, the value and the fix', (shown, value) => {
    const c = chartWithCache(value);
    const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expectEgressError(() => new DnsEgressRule(c, 'dns', { source }), 'EGRESS_INVALID_CIDR', 'test/dns',
      new RegExp(`Invalid cdk8s-egress:nodeLocalDnsCache context value ${escaped}: it must be the IPv4 address NodeLocal DNSCache listens on \\(for example "169\\.254\\.20\\.10"\\), true for that default address, or false`));
  });

  test('false means no cache', () => {
    const c = chartWithCache(false);
    new DnsEgressRule(c, 'dns', { source, dns: [DnsResolver.kubeDns()] });
    expect(synth(c)[0].spec.egress).toEqual([{ to: [KUBE_DNS_PEER], ports: DNS_PORTS }]);
    expect(missing(c)).toEqual([]);
  });
});
