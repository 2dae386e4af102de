// The probes that stand for a declaration: a concrete address, hostname, pod and port that a
// declared destination matches. Pure: the reachability check and the egress report build their
// probes from them.
import { labelText } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { NAMESPACE_NAME_LABEL } from '../core/names';
import { PortConfig, Protocol } from '../core/port';
import { SourceConfig } from '../core/source';
import { Probe, ProbePod } from '../model/probe';
import { cidrContainsAddress, familyBits, formatAddress, isCidr, parseCidr } from '../util/cidr';

/** An address inside `cidr` and outside every `except` block (the first one found). */
export function witnessAddress(cidr: string, except: readonly string[] | undefined): string | undefined {
  const key = except && except.length > 0 ? `${cidr} ${except.join(' ')}` : cidr;
  if (WITNESSES.has(key)) return WITNESSES.get(key);
  const found = findWitnessAddress(cidr, except);
  WITNESSES.set(key, found);
  return found;
}

/** Witness addresses by block (and exceptions): the same few blocks recur across an app. */
const WITNESSES = new Map<string, string | undefined>();

function findWitnessAddress(cidr: string, except: readonly string[] | undefined): string | undefined {
  const block = parseCidr(cidr);
  if (!isCidr(block)) return undefined;
  const excepts = (except ?? []).map((e) => parseCidr(e)).filter(isCidr);
  const bits = familyBits(block.family);
  const size = 2n ** BigInt(bits - block.prefix);
  // the block's second address (the first is a network address in IPv4 habits), then the rest
  const candidates = [1n, 0n, size / 2n, size - 2n, size - 1n].filter((o) => o >= 0n && o < size);
  for (const offset of candidates) {
    const value = block.network + offset;
    if (!excepts.some((e) => cidrContainsAddress(e, block.family, value))) return formatAddress(block.family, value);
  }
  // every candidate is excepted: walk the except blocks' ends
  for (const e of excepts) {
    const after = e.network + 2n ** BigInt(bits - e.prefix);
    if (after < block.network + size && !excepts.some((x) => cidrContainsAddress(x, block.family, after))) return formatAddress(block.family, after);
  }
  return undefined;
}

/** A hostname a hostname destination matches. */
export function witnessHost(d: DestinationConfig): string {
  const h = d.hostname!;
  return h.startsWith('*.') ? `probe${h.slice(1)}` : h;
}

/** The target of a probe that stands for destination `d` of a policy in `policyNs`. */
export function witnessTarget(d: DestinationConfig, policyNs: string): Pick<Probe, 'toPod' | 'toIp' | 'toHostname'> | undefined {
  switch (d.kind) {
    case DestinationKind.PODS:
      return {
        toPod: {
          namespace: d.namespace ?? (d.namespaceLabels
            ? d.namespaceLabels[NAMESPACE_NAME_LABEL] ?? `(namespace with ${labelText(d.namespaceLabels)})`
            : policyNs),
          labels: { ...(d.podLabels ?? {}) },
          ...(d.namespaceLabels ? { namespaceLabels: { ...d.namespaceLabels } } : {}),
        },
      };
    case DestinationKind.CIDR: {
      const ip = witnessAddress(d.cidr!, d.except);
      return ip === undefined ? undefined : { toIp: ip };
    }
    case DestinationKind.KUBE_API_SERVER: {
      const first = d.apiServerCidrs?.[0];
      const ip = first === undefined ? undefined : witnessAddress(first, undefined);
      return ip === undefined ? undefined : { toIp: ip };
    }
    case DestinationKind.FQDN:
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX:
      return { toHostname: witnessHost(d) };
  }
}

/** One port per port entry (every port: TCP 443). */
export function witnessPorts(ports: readonly PortConfig[]): Array<{ port: number; protocol: Protocol }> {
  if (ports.length === 0) return [{ port: 443, protocol: Protocol.TCP }];
  return ports.map((p) => ({ port: p.port ?? (p.protocol === Protocol.UDP ? 53 : 443), protocol: p.protocol }));
}

export function podOf(source: SourceConfig): ProbePod {
  return { namespace: source.namespace, labels: { ...(source.podLabels ?? {}) } };
}
