// One layer's verdict for one hop, and the network layer's: the Admin tier first, then the
// namespaced allow-lists, then the Baseline tier (network-policy-api precedence).
import { allowingRefs, selectsProbe } from './matching';
import { ModelPolicy } from './policy';
import { LayerVerdict, Probe } from './probe';
import { EnforcementLayer, PolicyTier } from '../core/policy-config';

const NONE = Object.freeze([]) as unknown as string[];

function uniqueSorted(list: readonly string[]): string[] {
  if (list.length === 0) return NONE;
  if (list.length === 1) return [list[0]];
  return [...new Set(list)].sort();
}

/** A layer's verdict for a hop, from the policies that isolate the pod and those that allow it. @internal */
export function layerVerdict(layer: EnforcementLayer, hop: string, selecting: readonly ModelPolicy[], allowedBy: readonly string[]): LayerVerdict {
  const allowed = selecting.length === 0 || allowedBy.length > 0;
  return {
    layer,
    hop,
    allowed,
    isolated: selecting.length > 0,
    allowedBy: uniqueSorted(allowedBy),
    blockedBy: allowed ? NONE : uniqueSorted(selecting.map((p) => p.objectRef)),
    blockedByConstructs: allowed ? NONE : uniqueSorted(selecting.map((p) => p.constructPath)),
  };
}

/**
 * The network layer: the Admin tier decides first for the pods it selects; otherwise the
 * namespaced allow-lists add up; the Baseline tier decides only for pods no namespaced policy
 * selects. @internal
 */
export function networkVerdict(policies: readonly ModelPolicy[], probe: Probe, hop = 'pod → destination'): LayerVerdict {
  const selecting = policies.filter((p) => (p.semantics.layer ?? EnforcementLayer.NETWORK) === EnforcementLayer.NETWORK && selectsProbe(p, probe));
  const tier = (t: PolicyTier) => selecting.filter((p) => (p.semantics.tier ?? PolicyTier.NAMESPACED) === t);
  for (const t of [PolicyTier.ADMIN, PolicyTier.NAMESPACED, PolicyTier.BASELINE]) {
    const inTier = tier(t);
    if (inTier.length > 0) return layerVerdict(EnforcementLayer.NETWORK, hop, inTier, allowingRefs(inTier, probe));
  }
  return layerVerdict(EnforcementLayer.NETWORK, hop, [], []);
}
