// The rule that keeps a DNS resolver reachable. Resolvers are values and policies only read their
// rules, so each resolver's rule is built once and shared, frozen, by every policy that keeps it.
import { EgressRuleConfig } from '../backends/backend';
import { DestinationConfig } from '../core/destination';
import { DnsResolver } from '../core/dns-resolver';

const RULES = new WeakMap<DnsResolver, EgressRuleConfig>();

/** The rule allowing `resolver` on UDP and TCP. */
export function dnsRule(resolver: DnsResolver): EgressRuleConfig {
  let rule = RULES.get(resolver);
  if (rule === undefined) {
    rule = Object.freeze({
      destinations: Object.freeze([resolver.destination.toConfig()]) as DestinationConfig[],
      ports: resolver._portConfigs(),
      dns: true,
    });
    RULES.set(resolver, rule);
  }
  return rule;
}
