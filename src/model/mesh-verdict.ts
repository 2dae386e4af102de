// The mesh layer's verdict: a sidecar switched to REGISTRY_ONLY passes TCP to what its namespace's
// ServiceEntries declare, to in-cluster pods of the namespaces it sees, to its control plane and
// to the gateways its routes use.
import { RouteView, routeReaches } from './gateway-path';
import { allowingRefs, selects, selectsProbe } from './matching';
import { layerVerdict } from './network-verdict';
import { ModelPolicy } from './policy';
import { LayerVerdict, Probe } from './probe';
import { ISTIOD_LABELS, ISTIOD_NAMESPACE, ISTIOD_PORT } from '../core/mesh-defaults';
import { labelsMatch } from '../core/names';
import { EnforcementLayer } from '../core/policy-config';

/** The mesh layer's verdict for a direct connection (`routes`: the gateway routes of the sending pod's namespace). @internal */
export function meshVerdict(policies: readonly ModelPolicy[], probe: Probe, routes: readonly RouteView[]): LayerVerdict {
  const selecting = probe.skipsMesh ? [] : policies.filter((p) => p.semantics.layer === EnforcementLayer.MESH && selectsProbe(p, probe));
  const allowedBy = allowingRefs(selecting, probe);
  const pod = probe.toPod;
  if (pod && allowedBy.length === 0 && selecting.length > 0) {
    // The proxy reaches istiod itself, outside what the Sidecar restricts.
    if (probe.port === ISTIOD_PORT && pod.namespace === ISTIOD_NAMESPACE && labelsMatch(ISTIOD_LABELS, pod.labels)) {
      allowedBy.push(`${ISTIOD_NAMESPACE}/istiod (control plane)`);
    }
    // A routed sidecar reaches its gateway (the route's host) and its control plane.
    for (const r of routes) {
      if (!selects(r.fact.source!, probe.from)) continue;
      if (routeReaches(r, pod, probe.port)) allowedBy.push(`route ${r.fact.constructPath}`);
    }
  }
  if (pod && allowedBy.length === 0) {
    for (const p of selecting) {
      const visible = p.meshVisibleNamespaces ?? [];
      if (pod.namespace === p.source.namespace || visible.includes(pod.namespace) || visible.includes('*')) allowedBy.push(p.objectRef);
    }
  }
  return layerVerdict(EnforcementLayer.MESH, 'pod → destination', selecting, allowedBy);
}
