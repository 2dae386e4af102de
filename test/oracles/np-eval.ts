// An independent reading of Kubernetes NetworkPolicy egress semantics over synthesized JSON,
// written from the API reference (not from src/), so tests can compare it with the library's model.
import { inBlockExcept, parseAddress } from './cidr';

export interface Pod { namespace: string; labels: Record<string, string>; namespaceLabels?: Record<string, string>; ip?: string }
export interface NpProbe { from: Pod; toPod?: Pod; toIp?: string; port: number; protocol: string }

function matchLabels(sel: any, labels: Record<string, string>): boolean {
  if (!sel) return true;
  if (sel.matchExpressions && sel.matchExpressions.length) throw new Error('expressions not supported in np-eval');
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function inBlock(block: any, ip: string | undefined): boolean {
  if (!ip) return false;
  if (!parseAddress(ip)) throw new Error(`np-eval: bad probe IP ${ip}`);
  return inBlockExcept(block.cidr, block.except ?? [], ip);
}

function peerMatches(peer: any, policyNs: string, p: NpProbe): boolean {
  if (peer.ipBlock) return inBlock(peer.ipBlock, p.toIp ?? p.toPod?.ip);
  if (!p.toPod) return false;
  const dst = p.toPod;
  const nsLabels = { ...(dst.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': dst.namespace };
  const nsOk = peer.namespaceSelector ? matchLabels(peer.namespaceSelector, nsLabels) : dst.namespace === policyNs;
  const podOk = peer.podSelector ? matchLabels(peer.podSelector, dst.labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: any[] | undefined, p: NpProbe): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((pp) => (pp.protocol ?? 'TCP') === p.protocol
    && (pp.port === undefined || (p.port >= pp.port && p.port <= (pp.endPort ?? pp.port))));
}

/** allowed / isolated for the source pod's egress, over every NetworkPolicy in `manifests`. */
export function evaluate(manifests: any[], p: NpProbe): { allowed: boolean; isolated: boolean } {
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy'
    && m.metadata.namespace === p.from.namespace
    && (m.spec.policyTypes ?? []).includes('Egress') && matchLabels(m.spec.podSelector, p.from.labels));
  if (policies.length === 0) return { allowed: true, isolated: false };
  // A rule without `to` (or with an empty one) matches every destination.
  const toMatches = (rule: any, ns: string) => rule.to === undefined || rule.to.length === 0 || rule.to.some((peer: any) => peerMatches(peer, ns, p));
  const allowed = policies.some((np) => (np.spec.egress ?? [])
    .some((rule: any) => portMatches(rule.ports, p) && toMatches(rule, np.metadata.namespace)));
  return { allowed, isolated: true };
}
