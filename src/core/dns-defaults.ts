// The DNS resolvers a policy keeps when its construct is given none, and the NodeLocal DNSCache
// check (egress pitfall 6). NodeLocal DNSCache answers from host-network pods on a link-local
// address, which a kube-dns pod selector never matches: on a cluster that runs it, a policy that
// allows only kube-dns breaks name resolution. The library cannot see the cluster, so the platform
// declares the cache once, in the `cdk8s-egress:nodeLocalDnsCache` context; then the default DNS
// path includes it, and an explicit resolver list without it raises a warning.
import { IConstruct } from 'constructs';
import { NODE_LOCAL_DNS_CACHE_CONTEXT, checkContextValue } from './context';
import { DnsResolver } from './dns-resolver';
import { EgressError } from './egress-error';
import { EgressErrorCode } from './errors';
import { EgressWarningId } from './warning-ids';
import { EgressWarnings } from './warnings';
import { isCidr, parseCidr } from '../util/cidr';

/**
 * Context key: the address NodeLocal DNSCache listens on (`"169.254.20.10"`), or `true` for that
 * default address. Unset or `false`: the cluster does not run it.
 */
export { NODE_LOCAL_DNS_CACHE_CONTEXT };

/** `true` means the address `DnsResolver.nodeLocalDnsCache()` listens on by default. */
const DEFAULT_CACHE_ADDRESS = DnsResolver.nodeLocalDnsCache().destination.toConfig().cidr!.replace(/\/32$/, '');

/** One resolver per declared address, shared by every policy (its rule is built once). */
const CACHES = new Map<string, DnsResolver>();

/**
 * The NodeLocal DNSCache the app declares in its context, or undefined. Throws, with the construct
 * path, for a value that is not `true`, `false` or one IPv4 address.
 */
export function declaredNodeLocalDnsCache(scope: IConstruct): DnsResolver | undefined {
  const value: unknown = scope.node.tryGetContext(NODE_LOCAL_DNS_CACHE_CONTEXT);
  if (value === undefined || value === null || value === false) return undefined;
  checkContextValue(scope, NODE_LOCAL_DNS_CACHE_CONTEXT, value);
  const address = value === true ? DEFAULT_CACHE_ADDRESS : typeof value === 'string' ? value.trim() : undefined;
  const cidr = address === undefined ? undefined : parseCidr(address.includes('/') ? address : `${address}/32`, 4);
  if (address === undefined || cidr === undefined || !isCidr(cidr) || cidr.prefix !== 32) {
    throw EgressError.at(scope, EgressErrorCode.INVALID_CIDR,
      `Invalid ${NODE_LOCAL_DNS_CACHE_CONTEXT} context value ${JSON.stringify(value)}: it must be the IPv4 address NodeLocal DNSCache listens on `
      + `(for example "${DEFAULT_CACHE_ADDRESS}"), true for that default address, or false`);
  }
  const key = cidr.text.slice(0, -3);
  let resolver = CACHES.get(key);
  if (resolver === undefined) {
    resolver = DnsResolver.nodeLocalDnsCache({ address: key });
    CACHES.set(key, resolver);
  }
  return resolver;
}

/**
 * The resolvers a construct keeps when it is given none: kube-dns, plus the declared NodeLocal
 * DNSCache.
 */
export function defaultDnsResolvers(scope: IConstruct): DnsResolver[] {
  const cache = declaredNodeLocalDnsCache(scope);
  return cache ? [DnsResolver.kubeDns(), cache] : [DnsResolver.kubeDns()];
}

/**
 * Warn when the app declares a NodeLocal DNSCache and an explicit, non-empty resolver list does
 * not reach it (an empty list gives no DNS path at all, which the DNS-path check handles).
 */
export function checkNodeLocalDnsCache(scope: IConstruct, resolvers: readonly DnsResolver[]): void {
  if (resolvers.length === 0) return;
  const cache = declaredNodeLocalDnsCache(scope);
  if (cache === undefined) return;
  // The context names the address only, so any resolver at that address counts, whatever its port.
  const address = cache.destination.toConfig().cidr;
  if (resolvers.some((r) => r.destination.toConfig().cidr === address)) return;
  EgressWarnings.add(scope, EgressWarningId.NODE_LOCAL_DNS_CACHE_MISSING,
    `The app declares NodeLocal DNSCache at ${address} (${NODE_LOCAL_DNS_CACHE_CONTEXT} context), but these DNS resolvers `
    + `(${resolvers.map((r) => r.description).join(', ')}) do not include it: pods that resolve through the cache would lose DNS. `
    + 'Add DnsResolver.nodeLocalDnsCache() to the list, or leave the option out to keep the default DNS path');
}
