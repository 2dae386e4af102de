import { DnsEgressRule, DnsResolver, EgressModel, EgressPolicy, EgressSource, Protocol } from '../../src';
import { chart } from '../support/helpers';

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
    expect(openshift._rule().ports).toEqual([{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }]);
    // The shared default is not changed by a resolver built with options.
    expect(DnsResolver.kubeDns()._rule().ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test('what a resolver hands out cannot change it', () => {
    const r = DnsResolver.kubeDns();
    const ports = r.ports();
    ports.pop();
    expect(r.ports()).toHaveLength(2);
    const configs = r._rule().ports;
    expect(Object.isFrozen(configs)).toBe(true);
    expect(configs).toBe(r._rule().ports);
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

  test('a resolver block covering a whole family is a problem, whatever the policy opts into', () => {
    for (const r of [...DnsResolver.addresses(['0.0.0.0/0', '::/0']), DnsResolver.nodeLocalDnsCache({ address: '0.0.0.0/0', port: 443 })]) {
      const [problem] = r._problems();
      expect(problem.code).toBe('EGRESS_ALLOW_ALL');
      expect(problem.message).toMatch(/DNS resolver address ".*\/0" covers every IPv[46] address: it would allow UDP and TCP (53|443) to any server on the internet/);
    }
    expect(DnsResolver.addresses(['0.0.0.0/1'])[0]._problems()).toEqual([]);
  });

  // The rule each resolver keeps open, shared by every policy.
  test('one frozen rule per resolver, allowing it on UDP and TCP', () => {
    const rule = DnsResolver.kubeDns()._rule();
    expect(rule).toEqual({
      destinations: [{ kind: 'Pods', podLabels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      dns: true,
    });
    expect(DnsResolver.kubeDns()._rule()).toBe(rule);
    expect(Object.isFrozen(rule) && Object.isFrozen(rule.destinations) && Object.isFrozen(rule.ports)).toBe(true);
    expect(() => rule.destinations.push(rule.destinations[0])).toThrow(TypeError);
    const local = DnsResolver.nodeLocalDnsCache();
    expect(local._rule()).not.toBe(rule);
    expect(local._rule().destinations).toEqual([{ kind: 'Cidr', cidr: '169.254.20.10/32', ipFamily: 4 }]);
  });

  test('policies and DNS rules of an app share the rule of each resolver', () => {
    const c = chart();
    const a = new EgressPolicy(c, 'a', { source: EgressSource.pods({ namespace: 'x', labels: { app: 'a' } }) });
    new EgressPolicy(c, 'b', { source: EgressSource.pods({ namespace: 'x', labels: { app: 'b' } }) });
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('y') });
    const dnsRules = EgressModel.of(a).policies().map((p) => p.rules.find((r) => r.dns));
    expect(dnsRules).toHaveLength(3);
    expect(new Set(dnsRules).size).toBe(1);
    expect(dnsRules[0]).toBe(DnsResolver.kubeDns()._rule());
  });
});
