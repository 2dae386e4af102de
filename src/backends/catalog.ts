// The catalogue of bundled backends, derived from what each backend declares in its own
// capabilities module. Loading it loads no backend module: error messages name alternatives from it.
import { CALICO_ENTERPRISE_INFO, CALICO_INFO } from './calico/capabilities';
import { CILIUM_INFO } from './cilium/capabilities';
import { CLUSTER_NETWORK_POLICY_INFO } from './cluster-network-policy/capabilities';
import type { BackendInfo } from './contract';
import { ISTIO_INFO } from './istio/capabilities';
import { KUBERNETES_INFO } from './kubernetes/capabilities';

/** In the order error messages name them. */
const BUNDLED: readonly BackendInfo[] = [KUBERNETES_INFO, CILIUM_INFO, CALICO_INFO, CALICO_ENTERPRISE_INFO, ISTIO_INFO, CLUSTER_NETWORK_POLICY_INFO];

/** The backends this library ships, with their capabilities (copies: callers may not change the catalogue). */
export function bundledBackends(): BackendInfo[] {
  return BUNDLED.map((b) => ({ id: b.id, factory: b.factory, capabilities: [...b.capabilities] }));
}
