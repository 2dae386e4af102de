import { DnsResolver, Protocol } from '../../src';

describe('DnsResolver', () => {
  test('kubeDns() selects the cluster DNS pods by namespace and labels, on UDP and TCP 53', () => {
    const r = DnsResolver.kubeDns();
    expect(r.destination.toConfig()).toEqual({ kind: 'Pods', podLabels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' });
    expect(r.ports().map((p) => p.toConfig())).toEqual([{ protocol: Protocol.UDP, port: 53 }, { protocol: Protocol.TCP, port: 53 }]);
    expect(r.description).toBe('cluster DNS (kube-system)');
  });

  test('the default resolver is one shared value; options give a resolver of their own', () => {
    expect(DnsResolver.kubeDns()).toBe(DnsResolver.kubeDns());
    expect(DnsResolver.kubeDns({})).toBe(DnsResolver.kubeDns());
    const openshift = DnsResolver.kubeDns({ namespace: 'openshift-dns', port: 5353 });
    expect(openshift).not.toBe(DnsResolver.kubeDns());
    expect(openshift.destination.toConfig()).toEqual({ kind: 'Pods', podLabels: { 'k8s-app': 'kube-dns' }, namespace: 'openshift-dns' });
    expect(openshift._portConfigs()).toEqual([{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }]);
    // The shared default is not changed by a resolver built with options.
    expect(DnsResolver.kubeDns()._portConfigs()).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test('what a resolver hands out cannot change it', () => {
    const r = DnsResolver.kubeDns();
    const ports = r.ports();
    ports.pop();
    expect(r.ports()).toHaveLength(2);
    const configs = r._portConfigs();
    expect(Object.isFrozen(configs)).toBe(true);
    expect(configs).toBe(r._portConfigs());
    expect(() => (configs as unknown[]).push({})).toThrow(TypeError);
    expect(configs).toEqual(r.ports().map((p) => p.toConfig()));
  });

  test('nodeLocalDnsCache() and addresses() are address blocks; an invalid port is a problem', () => {
    expect(DnsResolver.nodeLocalDnsCache().destination.toConfig()).toEqual({ kind: 'Cidr', cidr: '169.254.20.10/32', ipFamily: 4 });
    expect(DnsResolver.addresses(['10.96.0.10/32', 'fd00::10/128']).map((r) => r.destination.toConfig().ipFamily)).toEqual([4, 6]);
    expect(DnsResolver.kubeDns()._problems()).toEqual([]);
    expect(DnsResolver.kubeDns({ port: 0 })._problems()[0].message).toMatch(/Invalid port 0/);
    expect(DnsResolver.addresses(['10.0.0.1'])[0]._problems()[0].message).toMatch(/no prefix length/);
  });
});
