// An independent reading of Calico projectcalico.org/v3 egress semantics over synthesized JSON,
// written from Calico's documentation and its Kubernetes NetworkPolicy converter (not from src/),
// so tests can compare what the objects allow with what the library's model says they allow.
// Scope: the default tier, Allow rules, the selector forms `all()`, `k == 'v'`, `has(k)`, `!has(k)`
// joined by `&&` (anything else throws, so a new form cannot slip through unread).
import { blockContains, parseAddress, parseBlock } from './cidr';

export interface CalicoPod { namespace: string; labels: Record<string, string>; namespaceLabels?: Record<string, string>; ip?: string }
export interface CalicoProbe { from: CalicoPod; toPod?: CalicoPod; toIp?: string; toHostname?: string; port: number; protocol: string }

/** Evaluate a Calico selector expression against a label map. */
export function selectorMatches(selector: string, labels: Record<string, string>): boolean {
  return selector.split(' && ').every((term) => {
    let m: RegExpMatchArray | null;
    if (term === 'all()') return true;
    if ((m = term.match(/^([A-Za-z0-9_./-]+) == '([A-Za-z0-9_.-]*)'$/))) return labels[m[1]] === m[2];
    if ((m = term.match(/^has\(([A-Za-z0-9_./-]+)\)$/))) return m[1] in labels;
    if ((m = term.match(/^!has\(([A-Za-z0-9_./-]+)\)$/))) return !(m[1] in labels);
    throw new Error(`calico-eval: unsupported selector term "${term}" in "${selector}"`);
  });
}

function inNets(nets: string[], ip: string): boolean {
  const a = parseAddress(ip);
  if (!a) throw new Error(`calico-eval: bad probe IP ${ip}`);
  return nets.some((n) => {
    const c = parseBlock(n);
    if (!c) throw new Error(`calico-eval: bad CIDR ${n}`);
    return blockContains(c, a);
  });
}

function portMatches(ports: Array<number | string> | undefined, port: number): boolean {
  if (ports === undefined) return true;
  return ports.some((p) => {
    if (typeof p === 'number') return p === port;
    const [a, b] = p.split(':').map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new Error(`calico-eval: unsupported port "${p}"`);
    return port >= a && port <= b;
  });
}

/** Labels Calico gives a pod's namespace (profile labels). */
function namespaceLabels(pod: CalicoPod): Record<string, string> {
  return { ...(pod.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': pod.namespace, 'projectcalico.org/name': pod.namespace };
}

/** Does an Allow rule's destination match the probe's target? */
function destinationMatches(dest: any, policyNs: string, networkSets: any[], p: CalicoProbe): boolean {
  const fields = ['selector', 'namespaceSelector', 'nets', 'notNets', 'ports', 'domains'];
  for (const k of Object.keys(dest)) if (!fields.includes(k)) throw new Error(`calico-eval: unsupported destination field ${k}`);
  if (dest.domains !== undefined) {
    if (p.toHostname === undefined || !dest.domains.includes(p.toHostname)) return false;
  }
  if (dest.selector !== undefined || dest.namespaceSelector !== undefined) {
    const selector: string = dest.selector ?? 'all()';
    if (p.toPod) {
      // Workload endpoints carry the pod labels plus Calico's own.
      const labels = { ...p.toPod.labels, 'projectcalico.org/orchestrator': 'k8s', 'projectcalico.org/namespace': p.toPod.namespace };
      const nsOk = dest.namespaceSelector !== undefined
        ? selectorMatches(dest.namespaceSelector, namespaceLabels(p.toPod))
        : p.toPod.namespace === policyNs;
      if (!nsOk || !selectorMatches(selector, labels)) return false;
    } else if (p.toIp !== undefined) {
      // An address matches a selector through the namespaced NetworkSets whose labels it selects.
      if (dest.namespaceSelector !== undefined) return false;
      const sets = networkSets.filter((s) => s.metadata.namespace === policyNs && selectorMatches(selector, s.metadata.labels ?? {}));
      if (!sets.some((s) => inNets(s.spec.nets ?? [], p.toIp!))) return false;
    } else {
      return false;
    }
  }
  if (dest.nets !== undefined || dest.notNets !== undefined) {
    const ip = p.toIp ?? p.toPod?.ip;
    if (ip === undefined) return false;
    if (dest.nets !== undefined && !inNets(dest.nets, ip)) return false;
    if (dest.notNets !== undefined && inNets(dest.notNets, ip)) return false;
  }
  return true;
}

/** allowed / isolated for the source pod's egress, over the Calico objects in `manifests`. */
export function evaluateCalico(manifests: any[], p: CalicoProbe): { allowed: boolean; isolated: boolean } {
  for (const m of manifests) {
    if (m.apiVersion !== 'projectcalico.org/v3') throw new Error(`calico-eval: unexpected apiVersion ${m.apiVersion}`);
  }
  const networkSets = manifests.filter((m) => m.kind === 'NetworkSet');
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy'
    && m.metadata.namespace === p.from.namespace
    && (m.spec.types ?? []).includes('Egress')
    && selectorMatches(m.spec.selector ?? 'all()', p.from.labels));
  if (policies.length === 0) return { allowed: true, isolated: false };
  const allowed = policies.some((np) => (np.spec.egress ?? []).some((rule: any) => {
    if (rule.action !== 'Allow') throw new Error(`calico-eval: unsupported action ${rule.action}`);
    if (rule.protocol !== undefined && rule.protocol !== p.protocol) return false;
    const dest = rule.destination ?? {};
    if (!portMatches(dest.ports, p.port)) return false;
    return destinationMatches(dest, np.metadata.namespace, networkSets, p);
  }));
  return { allowed, isolated: true };
}
