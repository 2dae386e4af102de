// The Cilium releases the Cilium backend and FixedEgressIpProvider.cilium() accept (a module of
// its own, so the fixed-IP provider does not load the backend).
import { CILIUM_VERSION_CONTEXT } from '../../core/context';
import { VersionedProduct } from '../../core/versions';

/** Context key: the Cilium release of the whole app (`"1.18"`), for backends without `version`. */
export { CILIUM_VERSION_CONTEXT };

/**
 * The Cilium releases the backend accepts. The default is the release of the pinned CRDs
 * (imports/SOURCES.json: cilium v1.19.4). The oldest is 1.14: AKS still runs Cilium 1.14.19 for
 * Kubernetes 1.29 (LTS) and 1.30 (learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium,
 * "Versions"), and the module proxy serves v1.14.19, so the agent-parser tier can check it.
 */
export const CILIUM_VERSIONS: VersionedProduct = {
  product: 'Cilium',
  option: 'EgressBackend.cilium({ version })',
  contextKey: CILIUM_VERSION_CONTEXT,
  defaultVersion: '1.19',
  defaultReason: 'the release of the pinned Cilium v1.19.4 CRDs',
  oldest: '1.14',
  oldestReason: 'the oldest release whose policy parser the test suite runs (v1.14.19, still used by AKS for Kubernetes 1.29 and 1.30)',
  example: '1.18',
};

/** The same releases, declared on `FixedEgressIpProvider.cilium({ version })`. */
export const CILIUM_GATEWAY_VERSIONS: VersionedProduct = { ...CILIUM_VERSIONS, option: 'FixedEgressIpProvider.cilium({ version })' };

/**
 * `CiliumEgressGatewayPolicy.spec.egressGateways` (several gateways) exists from Cilium 1.18: the
 * field is absent from v1.17.0 pkg/k8s/apis/cilium.io/v2/cegp_types.go and present in v1.18.0.
 */
export const CILIUM_EGRESS_GATEWAYS_LIST = '1.18';
