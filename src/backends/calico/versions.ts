// The Calico Open Source releases the Calico backend and FixedEgressIpProvider.calico() accept (a
// module of its own, so the fixed-IP provider does not load the backend).
import { CALICO_VERSION_CONTEXT } from '../../core/context';
import { VersionedProduct } from '../../core/versions';

/** Context key: the Calico Open Source release of the whole app (`"3.30"`), for backends and providers without `version`. */
export { CALICO_VERSION_CONTEXT };

/**
 * The Calico Open Source releases accepted. The default is the release of the pinned CRDs
 * (imports/SOURCES.json: calico v3.32.1). The oldest is 3.28: its documented NetworkPolicy fields
 * (docs.tigera.io/calico/3.28/reference/resources/networkpolicy) hold everything this backend
 * emits without a tier.
 */
export const CALICO_VERSIONS: VersionedProduct = {
  product: 'Calico',
  option: 'EgressBackend.calico({ version })',
  contextKey: CALICO_VERSION_CONTEXT,
  defaultVersion: '3.32',
  defaultReason: 'the release of the pinned Calico v3.32.1 CRDs',
  oldest: '3.28',
  oldestReason: 'the oldest release whose documented NetworkPolicy and IPPool fields were checked against the output',
  example: '3.30',
};

/** The same releases, declared on `FixedEgressIpProvider.calico({ version })`. */
export const CALICO_POOL_VERSIONS: VersionedProduct = { ...CALICO_VERSIONS, option: 'FixedEgressIpProvider.calico({ version })' };

/**
 * `IPPool.spec.assignmentMode` exists from Calico 3.30: the 3.29 IPPool reference has no such field
 * (docs.tigera.io/calico/3.29/reference/resources/ippool), the 3.30 one has it ("Automatic,
 * Manual", default Automatic; docs.tigera.io/calico/3.30/reference/resources/ippool). Sent to an
 * older API server it is refused or dropped, and a dropped Manual would let every pod draw
 * addresses from the dedicated pool.
 */
export const CALICO_ASSIGNMENT_MODE = '3.30';
