import { Chart, Testing } from 'cdk8s';
import { DefaultDenyEgress, DnsEgressRule, DnsResolver, EgressBackend, EgressSource, EgressWarnings, egressErrorCode } from '../../src';
import { chart, synth, tempApp, writtenFiles } from '../support/helpers';

describe('DnsEgressRule', () => {
  test('kube-dns on UDP and TCP 53 by default', () => {
    const c = chart();
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production') });
    const [np] = synth(c);
    expect(np).toMatchSnapshot();
    expect(np.kind).toBe('NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Egress']);
    expect(np.spec.podSelector).toEqual({});
    expect(np.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  test('a resolver at a Service IP is an ipBlockInCluster warning once the cluster ranges are declared (policy sees the DNS pod, after DNAT)', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-egress:clusterCidrs', { serviceCidrs: ['10.96.0.0/12'] });
    const c = new Chart(app, 'test');
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production'), dns: DnsResolver.addresses(['10.96.0.10/32']) });
    const [w] = EgressWarnings.list(c).filter((x) => x.id === 'cdk8s-egress:ipBlockInCluster');
    expect(w.constructPath).toBe('test/dns');
    expect(w.message).toMatch(/^DNS resolver: Destination 10.96.0.10\/32 overlaps the cluster's Service CIDR 10.96.0.0\/12/);
  });

  test('resolvers that together cover every address are refused, naming them', () => {
    expect(() => new DnsEgressRule(chart(), 'dns', { source: EgressSource.namespace('production'), dns: DnsResolver.addresses(['0.0.0.0/1', '128.0.0.0/1']) }))
      .toThrow(/\[test\/dns\] Refusing DNS to DNS server 0.0.0.0\/1, DNS server 128.0.0.0\/1: together 0.0.0.0\/1, 128.0.0.0\/1 cover every IPv4 address.*list the resolver addresses \(EGRESS_ALLOW_ALL\)/);
    expect(() => new DnsEgressRule(chart(), 'dns', { source: EgressSource.namespace('production'), dns: DnsResolver.addresses(['::/0']) }))
      .toThrow(/DNS resolver address "::\/0" covers every IPv6 address/);
  });

  test('NodeLocal DNSCache gets an ipBlock (no pod selector matches its link-local address)', () => {
    const c = chart();
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production'), dns: [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache()] });
    const [np] = synth(c);
    expect(np.spec.egress).toHaveLength(1);
    expect(np.spec.egress[0].to[1]).toEqual({ ipBlock: { cidr: '169.254.20.10/32' } });
    const c2 = chart();
    new DnsEgressRule(c2, 'dns', { source: EgressSource.namespace('production'), dns: [DnsResolver.nodeLocalDnsCache({ address: '169.254.25.10' })] });
    expect(synth(c2)[0].spec.egress[0].to).toEqual([{ ipBlock: { cidr: '169.254.25.10/32' } }]);
  });

  test('DNS on port 5353 (OpenShift)', () => {
    const c = chart();
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production'), dns: [DnsResolver.kubeDns({ namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 })] });
    expect(synth(c)[0].spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }]);
  });

  test('throws on no resolvers, bad resolver address and bad port', () => {
    expect(() => new DnsEgressRule(chart(), 'dns', { source: EgressSource.namespace('p'), dns: [] })).toThrow(/\[test\/dns\] DnsEgressRule was given no resolvers.*EGRESS_EMPTY_POLICY/);
    expect(() => new DnsEgressRule(chart(), 'dns', { source: EgressSource.namespace('p'), dns: DnsResolver.addresses(['10.0.0.10']) })).toThrow(/\[test\/dns\] Invalid CIDR.*Did you mean "10.0.0.10\/32"/);
    let err: unknown;
    try { new DnsEgressRule(chart(), 'dns', { source: EgressSource.namespace('p'), dns: [DnsResolver.kubeDns({ port: 0 })] }); } catch (e) { err = e; }
    expect(egressErrorCode(err)).toBe('EGRESS_INVALID_PORT');
  });
});

describe('DefaultDenyEgress', () => {
  test('refuses dns resolvers with a backend that does not control DNS (they would be ignored)', () => {
    expect(() => new DefaultDenyEgress(chart(), 'baseline', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [DnsResolver.kubeDns()] }))
      .toThrow(/\[test\/baseline\] DefaultDenyEgress was given dns resolvers, but the Istio backend does not control DNS traffic, so they would be ignored.*\(EGRESS_CONFLICTING_OPTIONS\)/);
    // without dns it renders, and has no DNS rule
    expect(new DefaultDenyEgress(chart(), 'baseline', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()] }).dnsRule).toBeUndefined();
  });

  test('deny-all with explicit policyTypes, plus a DNS rule', () => {
    const c = chart();
    const deny = new DefaultDenyEgress(c, 'baseline', { name: 'default-deny-egress', source: EgressSource.namespace('production') });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(manifests).toHaveLength(2);
    const [denyNp, dnsNp] = manifests;
    expect(denyNp.metadata).toEqual({ name: 'default-deny-egress', namespace: 'production' });
    expect(denyNp.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [] });
    expect(dnsNp.metadata.name).toBe('default-deny-egress-dns');
    expect(dnsNp.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(deny.dnsRule).toBeDefined();
  });

  test('without DNS it fails at synth unless something else gives DNS', () => {
    const app = tempApp();
    const c = new Chart(app, 'test');
    new DefaultDenyEgress(c, 'baseline', { source: EgressSource.namespace('production'), dns: [] });
    expect(() => app.synth()).toThrow(/\[test\/baseline\] Every pod in namespace production is egress-isolated here but has no DNS path/);
    expect(writtenFiles(app)).toEqual([]);

    const app2 = tempApp();
    const c2 = new Chart(app2, 'test');
    new DefaultDenyEgress(c2, 'baseline', { source: EgressSource.namespace('production'), dns: [] });
    new DnsEgressRule(c2, 'dns', { source: EgressSource.namespace('production') });
    app2.synth();
    expect(writtenFiles(app2)).toEqual(['test.k8s.yaml']);
  });

  test('a workload-scoped baseline', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'baseline', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'batch' } }) });
    expect(synth(c)[0].spec.podSelector).toEqual({ matchLabels: { app: 'batch' } });
  });
});
