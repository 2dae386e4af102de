// What the Istio backend can express: declared here once, read by the backend and by the catalogue
// of bundled backends (which must not load the backend module to name it).
import { Capability } from '../../core/policy-config';
import type { BackendInfo } from '../contract';

/** The Istio backend in the catalogue. */
export const ISTIO_INFO: BackendInfo = {
  id: 'istio',
  factory: 'EgressBackend.istio()',
  capabilities: [Capability.FQDN, Capability.FQDN_SUFFIX, Capability.CIDR, Capability.TLS_SNI],
};
