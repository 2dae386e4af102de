import { DnsEgressRule, DnsResolver, EgressModel, EgressPolicy, EgressSource } from '../../src';
import { dnsRule } from '../../src/private/dns-rules';
import { chart } from '../helpers';

describe('dnsRule', () => {
  test('one frozen rule per resolver, allowing it on UDP and TCP', () => {
    const rule = dnsRule(DnsResolver.kubeDns());
    expect(rule).toEqual({
      destinations: [{ kind: 'Pods', podLabels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      dns: true,
    });
    expect(dnsRule(DnsResolver.kubeDns())).toBe(rule);
    expect(Object.isFrozen(rule) && Object.isFrozen(rule.destinations) && Object.isFrozen(rule.ports)).toBe(true);
    expect(() => rule.destinations.push(rule.destinations[0])).toThrow(TypeError);
    const local = DnsResolver.nodeLocalDnsCache();
    expect(dnsRule(local)).not.toBe(rule);
    expect(dnsRule(local).destinations).toEqual([{ kind: 'Cidr', cidr: '169.254.20.10/32', ipFamily: 4 }]);
  });

  test('policies and DNS rules of an app share the rule of each resolver', () => {
    const c = chart();
    const a = new EgressPolicy(c, 'a', { source: EgressSource.pods({ namespace: 'x', labels: { app: 'a' } }) });
    new EgressPolicy(c, 'b', { source: EgressSource.pods({ namespace: 'x', labels: { app: 'b' } }) });
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('y') });
    const dnsRules = EgressModel.of(a).policies().map((p) => p.rules.find((r) => r.dns));
    expect(dnsRules).toHaveLength(3);
    expect(new Set(dnsRules).size).toBe(1);
    expect(dnsRules[0]).toBe(dnsRule(DnsResolver.kubeDns()));
  });
});
