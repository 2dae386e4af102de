// The policies that may select a pod, found through an index by namespace and by label.
import { ModelPolicy } from './policy';
import { ProbePod } from './probe';

/**
 * The policies that may select a pod, found through an index by namespace and by label (a
 * superset: the verdict still checks each selector). @internal
 */
export function policyIndex(policies: readonly ModelPolicy[]): (pod: ProbePod) => readonly ModelPolicy[] {
  const wide = new Map<string, ModelPolicy[]>();
  const byLabel = new Map<string, ModelPolicy[]>();
  const push = (m: Map<string, ModelPolicy[]>, k: string, p: ModelPolicy) => {
    const list = m.get(k);
    if (list) list.push(p); else m.set(k, [p]);
  };
  for (const p of policies) {
    const labels = p.source.podLabels;
    const keys = labels ? Object.keys(labels) : [];
    if (p.semantics.wholeNamespace || keys.length === 0) push(wide, p.source.namespace, p);
    else push(byLabel, `${p.source.namespace}\u0000${keys[0]}\u0000${labels![keys[0]]}`, p);
  }
  return (pod) => {
    const out = [...(wide.get(pod.namespace) ?? [])];
    for (const [k, v] of Object.entries(pod.labels)) {
      const list = byLabel.get(`${pod.namespace}\u0000${k}\u0000${v}`);
      if (list) out.push(...list);
    }
    return out;
  };
}
