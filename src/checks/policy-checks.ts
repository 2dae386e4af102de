// Checks shared by the intent constructs: backend capabilities and allow-all detection.
import { IConstruct } from 'constructs';
import { IEgressBackend } from '../backends/contract';
import { EgressBackend } from '../backends/egress-backend';
import { contextClusterRanges } from '../core/cluster-ranges';
import { describeCidr, describePortRange } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { EgressError } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { Capability, requiredCapabilities } from '../core/policy-config';
import { PortConfig, Protocol } from '../core/port';
import { Cidr, IpFamily, cidrContains, cidrsOverlap, isCidr, mergeCidrs, parseCidr } from '../util/cidr';

const HINTS: Partial<Record<Capability, string>> = {
  [Capability.FQDN]: 'or resolve the service to fixed addresses and use Destination.ipv4()/ipv6()',
  [Capability.FQDN_PATTERN]: 'or list the concrete hostnames',
  [Capability.FQDN_SUFFIX]: 'or list the concrete hostnames, or use Destination.fqdnPattern() where one label is enough',
  [Capability.KUBE_API_SERVER_ENTITY]: 'or pass the API server endpoint addresses: Destination.kubeApiServer({ endpoints: [...] })',
  [Capability.CIDR_EXCEPT]: 'or split the block into the parts you want to allow',
};

/**
 * What bundled backends can express beyond their capability list: Istio's ServiceEntries declare
 * single TCP ports (sidecars intercept TCP only) and always list their ports.
 */
function expressesPorts(backendId: string, ports: readonly PortConfig[]): boolean {
  if (backendId !== 'istio') return true;
  return ports.length > 0 && ports.every((p) => p.protocol === Protocol.TCP && p.port !== undefined && p.endPort === undefined);
}

/** The ports of a rule that need `cap`, in words. */
function portsNeeding(cap: Capability, ports: readonly PortConfig[]): string {
  const shown = ports.filter((p) => (cap === Capability.SCTP ? p.protocol === Protocol.SCTP : p.endPort !== undefined))
    .map(describePortRange);
  return cap === Capability.SCTP ? `the SCTP port${shown.length > 1 ? 's' : ''} ${shown.join(', ')}` : `the port range${shown.length > 1 ? 's' : ''} ${shown.join(', ')}`;
}

/**
 * Throw when `backend` cannot express the destination or port. `what` describes the destination
 * for the error; it is called only when there is one (a destination's text form may need
 * formatting). The error names every capability the backend lacks, what in the rule needs it, and
 * only the bundled backends that can express the whole rule (destination and ports together).
 */
export function checkCapabilities(
  scope: IConstruct, backend: IEgressBackend, what: () => string, dest: DestinationConfig | undefined, ports: readonly PortConfig[],
): void {
  const destCaps = dest ? requiredCapabilities(dest) : [];
  const portCaps: Capability[] = [];
  if (ports.some((p) => p.endPort !== undefined)) portCaps.push(Capability.PORT_RANGE);
  if (ports.some((p) => p.protocol === Protocol.SCTP)) portCaps.push(Capability.SCTP);
  const needed = [...destCaps, ...portCaps];
  const missing = needed.filter((cap) => !backend.supports(cap));
  if (missing.length === 0) return;
  const alternatives = EgressBackend.bundled()
    .filter((b) => b.id !== backend.id && needed.every((cap) => b.capabilities.includes(cap)) && expressesPorts(b.id, ports))
    .map((b) => b.factory);
  const parts = missing.map((cap) => `${destCaps.includes(cap) ? what() : portsNeeding(cap, ports)} (needs capability ${cap})`);
  const hints = missing.map((cap) => {
    let hint = HINTS[cap];
    if (cap === Capability.FQDN_PATTERN && backend.supports(Capability.FQDN_SUFFIX)) {
      hint = `${hint}: this backend's wildcard matches subdomains at any depth, wider than the one-label pattern. `
        + 'If any depth is what you mean, say so with Destination.anySubdomainOf()';
    }
    return hint;
  }).filter((h): h is string => h !== undefined);
  throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
    `The ${backend.displayName} backend cannot express ${parts.join(' nor ')}. `
    + (alternatives.length > 0
      ? `Use a backend that can express the whole rule: ${alternatives.join(', ')}`
      : 'No bundled backend can express the whole rule: split it into rules that one backend can express each')
    + (hints.length > 0 ? `, ${hints.join('; ')}.` : '.'));
}

/** True when a destination covers a whole address family (`0.0.0.0/0`, `::/0`). */
export function isAllAddresses(dest: DestinationConfig): boolean {
  if (dest.kind !== DestinationKind.CIDR) return false;
  const c = parseCidr(dest.cidr!);
  return isCidr(c) && c.prefix === 0;
}

/** The blocks a destination allows in full: a CIDR without exceptions, or API server endpoints. */
function plainBlocks(d: DestinationConfig): Cidr[] {
  const texts = d.kind === DestinationKind.CIDR ? (d.except && d.except.length > 0 ? [] : [d.cidr!])
    : d.kind === DestinationKind.KUBE_API_SERVER ? d.apiServerCidrs ?? [] : [];
  return texts.map((t) => parseCidr(t)).filter(isCidr);
}

/**
 * The share of the IPv`family` address space that a destination's full blocks cover
 * (`0.0.0.0/1` is half of IPv4). A cheap running total: only when it reaches 1 can blocks
 * together cover a whole family, and only then is the exact union computed.
 */
export function addressShare(d: DestinationConfig, family: IpFamily): number {
  if (d.kind === DestinationKind.CIDR) {
    if (d.except && d.except.length > 0) return 0;
    const c = parseCidr(d.cidr!);
    return isCidr(c) && c.family === family ? 2 ** -c.prefix : 0;
  }
  let share = 0;
  if (d.kind === DestinationKind.KUBE_API_SERVER) {
    for (const t of d.apiServerCidrs ?? []) {
      const c = parseCidr(t);
      if (isCidr(c) && c.family === family) share += 2 ** -c.prefix;
    }
  }
  return share;
}

/** True when a running total of `addressShares` could mean the whole family is covered. */
export function mayCoverFamily(share: number): boolean {
  return share >= 1 - 1e-9;
}

/**
 * The family whose every address the destinations cover together (their full blocks merged,
 * as the backends merge them before emission), with the blocks that do it; undefined if none.
 */
export function coveredFamily(destinations: readonly DestinationConfig[]): { family: IpFamily; blocks: string[] } | undefined {
  const blocks = destinations.flatMap(plainBlocks);
  for (const family of [4, 6] as const) {
    const mine = blocks.filter((b) => b.family === family);
    if (mine.length > 0 && mergeCidrs(mine).some((m) => m.prefix === 0)) {
      return { family, blocks: [...new Set(mine.map((b) => b.text))].sort() };
    }
  }
  return undefined;
}

/**
 * Throw ALLOW_ALL when `destinations` together cover every address of a family: two `/1` halves
 * are `0.0.0.0/0` once merged, and need the same opt-in.
 */
export function refuseCoveredFamily(scope: IConstruct, destinations: readonly DestinationConfig[], what: string, optIn: string): void {
  const covered = coveredFamily(destinations);
  if (!covered) return;
  const shown = covered.blocks.length > 6 ? [...covered.blocks.slice(0, 6), `and ${covered.blocks.length - 6} more`] : covered.blocks;
  throw EgressError.at(scope, EgressErrorCode.ALLOW_ALL,
    `Refusing ${what}: together ${shown.join(', ')} cover every IPv${covered.family} address (${covered.family === 4 ? '0.0.0.0/0' : '::/0'} once merged), `
    + `so the source could reach the whole internet. List only the external ranges you need, or ${optIn}`);
}

/**
 * When the app declares its cluster ranges (`cdk8s-egress:clusterCidrs` context), what is wrong
 * with an IP block that overlaps them: NetworkPolicy `ipBlock` is meant for addresses outside the
 * cluster. A block of every address without exceptions is the explicit allow-all, left alone.
 */
export function inClusterProblem(scope: IConstruct, d: DestinationConfig): string | undefined {
  if (d.kind === DestinationKind.KUBE_API_SERVER) {
    return (d.apiServerCidrs ?? []).map((cidr) => inClusterProblem(scope, { kind: DestinationKind.CIDR, cidr })).find((p) => p !== undefined);
  }
  if (d.kind !== DestinationKind.CIDR) return undefined;
  const ranges = contextClusterRanges(scope);
  const block = parseCidr(d.cidr!);
  if (!ranges || !isCidr(block) || (block.prefix === 0 && !d.except?.length)) return undefined;
  const excepts = (d.except ?? []).map((e) => parseCidr(e)).filter(isCidr);
  const hits = [...ranges.pods.map((c) => ({ c, what: 'pod' })), ...ranges.services.map((c) => ({ c, what: 'Service' }))].filter((r) => cidrsOverlap(r.c, block));
  if (hits.length === 0) return undefined;
  const named = hits.map((h) => `${h.what} CIDR ${h.c.text}`).join(' and ');
  const carved = hits.filter((h) => excepts.some((e) => cidrContains(e, h.c)));
  const why = 'Whether SNAT or DNAT happens before the policy sees the packet is up to the network plugin, pod IPs change as pods come and go, '
    + 'and Service IPs are usually translated before the policy applies. Select in-cluster peers with Destination.pods() or Destination.namespace(), '
    + 'and list the external ranges you need';
  if (carved.length === hits.length) {
    return `Destination ${describeCidr(block.text, d.except)} carves the cluster's ${named} out of an IP block to mean "everything but the cluster", `
      + `but NetworkPolicy ipBlock is meant for addresses outside the cluster. ${why}`;
  }
  return `Destination ${block.text} overlaps the cluster's ${named}: NetworkPolicy ipBlock is meant for addresses outside the cluster. ${why}`;
}
