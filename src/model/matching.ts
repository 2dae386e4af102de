// Does a policy select a probe's pod, and does one of its rules allow the connection? Kubernetes
// NetworkPolicy semantics (isolation, OR of rules, AND of selectors within a peer), read through
// the policy's EnforcementSemantics (the protocols and pods it isolates, whether blocks match pods).
import { ModelPolicy } from './policy';
import { Probe, ProbePod } from './probe';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { hostnameMatches } from '../core/hosts';
import { NAMESPACE_NAME_LABEL, labelsMatch } from '../core/names';
import { EgressRuleConfig } from '../core/policy-config';
import { PortConfig, Protocol } from '../core/port';
import { SourceConfig } from '../core/source';
import { cidrContainsAddress, isCidr, parseCidr, parseIp } from '../util/cidr';

/** True when `source` selects `pod` (same namespace, labels match). @internal */
export function selects(source: SourceConfig, pod: ProbePod): boolean {
  return source.namespace === pod.namespace && (source.podLabels === undefined || labelsMatch(source.podLabels, pod.labels));
}

function portMatches(ports: readonly PortConfig[], port: number, protocol: Protocol): boolean {
  if (ports.length === 0) return true;
  return ports.some((p) => p.protocol === protocol
    && (p.port === undefined || (port >= p.port && port <= (p.endPort ?? p.port))));
}

function ipInBlock(cidr: string, except: readonly string[] | undefined, ip: string): boolean {
  const addr = parseIp(ip);
  const block = parseCidr(cidr);
  if (!addr || !isCidr(block) || !cidrContainsAddress(block, addr.family, addr.value)) return false;
  for (const e of except ?? []) {
    const eb = parseCidr(e);
    if (isCidr(eb) && cidrContainsAddress(eb, addr.family, addr.value)) return false;
  }
  return true;
}

function isWholeFamily(d: DestinationConfig): boolean {
  const block = parseCidr(d.cidr!);
  return isCidr(block) && block.prefix === 0 && (d.except ?? []).length === 0;
}

/**
 * Does destination `d` of a policy in namespace `policyNs` match the probe target? With
 * `cidrMatchesPods` false (Cilium), an address block never matches a pod: Cilium selects pods,
 * nodes and the host by identity, not by CIDR. @internal
 */
export function destinationMatches(d: DestinationConfig, policyNs: string, probe: Probe, cidrMatchesPods = true): boolean {
  switch (d.kind) {
    case DestinationKind.PODS: {
      const pod = probe.toPod;
      if (!pod) return false;
      const nsLabels = { ...(pod.namespaceLabels ?? {}), [NAMESPACE_NAME_LABEL]: pod.namespace };
      const nsOk = d.namespace !== undefined ? pod.namespace === d.namespace
        : d.namespaceLabels !== undefined ? labelsMatch(d.namespaceLabels, nsLabels)
          : pod.namespace === policyNs;
      return nsOk && (d.podLabels === undefined || labelsMatch(d.podLabels, pod.labels));
    }
    case DestinationKind.CIDR: {
      const ip = probe.toIp ?? (cidrMatchesPods ? probe.toPod?.ip : undefined);
      // A hostname resolves to addresses the model does not know: only a whole family covers them.
      if (ip === undefined && probe.toHostname !== undefined && !probe.toPod) return isWholeFamily(d);
      return ip !== undefined && ipInBlock(d.cidr!, d.except, ip);
    }
    case DestinationKind.KUBE_API_SERVER: {
      const ip = probe.toIp;
      return ip !== undefined && (d.apiServerCidrs ?? []).some((c) => ipInBlock(c, undefined, ip));
    }
    case DestinationKind.FQDN:
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX:
      return probe.toHostname !== undefined && hostnameMatches(d, probe.toHostname);
  }
}

/** True when `p` isolates the probe's sending pod for the probe's protocol. @internal */
export function selectsProbe(p: ModelPolicy, probe: Probe): boolean {
  const s = p.semantics;
  return s.isolates !== false
    && (s.protocols === undefined || s.protocols.includes(probe.protocol))
    && (s.wholeNamespace ? p.source.namespace === probe.from.namespace : selects(p.source, probe.from));
}

function ruleAllows(p: ModelPolicy, rule: EgressRuleConfig, probe: Probe): boolean {
  return portMatches(rule.ports, probe.port, probe.protocol)
    && rule.destinations.some((d) => destinationMatches(d, p.source.namespace, probe, p.semantics.cidrMatchesPods !== false));
}

/** A policy's rules that can match a hostname: by exact name, and the rest (patterns, blocks). */
interface HostRules {
  readonly byName: Map<string, EgressRuleConfig[]>;
  readonly rest: EgressRuleConfig[];
}
const HOST_RULES = new WeakMap<ModelPolicy, HostRules>();

function hostRules(p: ModelPolicy): HostRules {
  let h = HOST_RULES.get(p);
  if (!h) {
    h = { byName: new Map(), rest: [] };
    for (const r of p.rules) {
      if (r.destinations.every((d) => d.kind === DestinationKind.FQDN)) {
        for (const d of r.destinations) {
          const list = h.byName.get(d.hostname!);
          if (list) list.push(r); else h.byName.set(d.hostname!, [r]);
        }
      } else {
        h.rest.push(r);
      }
    }
    HOST_RULES.set(p, h);
  }
  return h;
}

/** Object refs of the policies among `policies` with a rule that allows the probe. @internal */
export function allowingRefs(policies: readonly ModelPolicy[], probe: Probe): string[] {
  const host = probe.toHostname;
  if (host !== undefined && probe.toPod === undefined && probe.toIp === undefined) {
    // Hostname probes look up a policy's rules by name (gateways hold a rule per routed host).
    return policies.filter((p) => {
      if (p.rules.length < 8) return p.rules.some((r) => ruleAllows(p, r, probe));
      const h = hostRules(p);
      return (h.byName.get(host) ?? []).some((r) => ruleAllows(p, r, probe)) || h.rest.some((r) => ruleAllows(p, r, probe));
    }).map((p) => p.objectRef);
  }
  return policies.filter((p) => p.rules.some((r) => ruleAllows(p, r, probe))).map((p) => p.objectRef);
}

/** The network layer's union of allow-lists (plain NetworkPolicy semantics). @internal */
export interface UnionVerdict {
  readonly allowed: boolean;
  readonly isolated: boolean;
  readonly allowedBy: string[];
}

/**
 * NetworkPolicy semantics over `policies`, whatever their layer: a pod is isolated when a policy
 * selects it, and then allowed what any of them allows. The oracle comparisons use it on
 * NetworkPolicy-only apps. @internal
 */
export function checkProbe(policies: readonly ModelPolicy[], probe: Probe): UnionVerdict {
  const selecting = policies.filter((p) => selectsProbe(p, probe));
  if (selecting.length === 0) return { allowed: true, isolated: false, allowedBy: [] };
  const allowedBy = new Set<string>();
  for (const p of selecting) {
    for (const rule of p.rules) {
      if (ruleAllows(p, rule, probe)) allowedBy.add(p.objectRef);
    }
  }
  return { allowed: allowedBy.size > 0, isolated: true, allowedBy: [...allowedBy].sort() };
}
