// An independent reading of network-policy-api v0.2.0 ClusterNetworkPolicy egress semantics over
// synthesized JSON, written from the CRD's field descriptions (not from src/), so tests can compare
// what the objects allow with what the library's model says.
// Tiers: Admin, then namespaced NetworkPolicies (none in these tests), then Baseline; inside a tier,
// policies by ascending priority, rules in written order; the first Accept or Deny decides.
import { blockContains, parseAddress, parseBlock } from './cidr';

export interface CnpPod { namespace: string; labels: Record<string, string>; namespaceLabels?: Record<string, string>; ip?: string }
export interface CnpProbe { from: CnpPod; toPod?: CnpPod; toIp?: string; port: number; protocol: string }

function selectorMatches(sel: any, labels: Record<string, string>): boolean {
  if (sel === undefined) return true; // an absent namespaceSelector selects every namespace
  if (sel.matchExpressions && sel.matchExpressions.length) throw new Error('cnp-eval: matchExpressions not supported');
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function nsLabels(pod: CnpPod): Record<string, string> {
  return { ...(pod.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': pod.namespace };
}

function podSelected(sel: any, pod: CnpPod): boolean {
  const keys = Object.keys(sel);
  if (keys.length !== 1) throw new Error(`cnp-eval: exactly one of namespaces/pods/networks must be set, got ${keys.join(',')}`);
  if (sel.namespaces) return selectorMatches(sel.namespaces, nsLabels(pod));
  if (sel.pods) {
    if (!sel.pods.podSelector) throw new Error('cnp-eval: pods needs podSelector');
    return selectorMatches(sel.pods.namespaceSelector, nsLabels(pod)) && selectorMatches(sel.pods.podSelector, pod.labels);
  }
  return false;
}

function peerMatches(peer: any, p: CnpProbe): boolean {
  if (peer.networks) {
    if (Object.keys(peer).length !== 1) throw new Error('cnp-eval: a peer sets exactly one field');
    const ip = p.toIp ?? p.toPod?.ip;
    if (ip === undefined) return false;
    const a = parseAddress(ip);
    if (!a) throw new Error(`cnp-eval: bad probe IP ${ip}`);
    return peer.networks.some((n: string) => {
      const c = parseBlock(n);
      if (!c) throw new Error(`cnp-eval: bad CIDR ${n}`);
      return blockContains(c, a);
    });
  }
  return p.toPod !== undefined && podSelected(peer, p.toPod);
}

function protocolMatches(protocols: any[] | undefined, p: CnpProbe): boolean {
  if (protocols === undefined) return true;
  return protocols.some((m) => {
    const keys = Object.keys(m);
    if (keys.length !== 1) throw new Error('cnp-eval: a protocol match sets exactly one field');
    const proto = keys[0].toUpperCase();
    if (!['TCP', 'UDP', 'SCTP'].includes(proto)) throw new Error(`cnp-eval: unsupported protocol match ${keys[0]}`);
    if (proto !== p.protocol) return false;
    const dp = m[keys[0]].destinationPort;
    if (dp.number !== undefined) return dp.number === p.port;
    if (dp.range.start >= dp.range.end) throw new Error('cnp-eval: range start must be below end');
    return p.port >= dp.range.start && p.port <= dp.range.end;
  });
}

/** allowed / isolated for the source pod's egress, over the ClusterNetworkPolicies in `manifests`. */
export function evaluateCnp(manifests: any[], p: CnpProbe): { allowed: boolean; isolated: boolean } {
  const cnps = manifests.filter((m) => m.kind === 'ClusterNetworkPolicy');
  for (const tier of ['Admin', 'Baseline']) {
    const policies = cnps.filter((m) => m.spec.tier === tier && podSelected(m.spec.subject, p.from));
    const priorities = [...new Set(policies.map((m) => m.spec.priority))].sort((a, b) => a - b);
    for (const prio of priorities) {
      const decisions = new Set<string>();
      for (const m of policies.filter((x) => x.spec.priority === prio)) {
        const rule = (m.spec.egress ?? []).find((r: any) => r.to.some((peer: any) => peerMatches(peer, p)) && protocolMatches(r.protocols, p));
        if (rule && rule.action !== 'Pass') decisions.add(rule.action);
      }
      // Same-priority policies that disagree would be applied in an undefined order.
      if (decisions.size > 1) throw new Error(`cnp-eval: ambiguous decisions at ${tier} priority ${prio}: ${[...decisions].join(', ')}`);
      if (decisions.has('Accept')) return { allowed: true, isolated: true };
      if (decisions.has('Deny')) return { allowed: false, isolated: true };
    }
  }
  return { allowed: true, isolated: false };
}
