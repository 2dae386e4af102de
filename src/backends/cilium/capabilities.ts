// What the Cilium backend can express: declared here once, read by the backend and by the catalogue
// of bundled backends (which must not load the backend module to name it).
import { Capability } from '../../core/policy-config';
import type { BackendInfo } from '../contract';

/** The Cilium backend in the catalogue. */
export const CILIUM_INFO: BackendInfo = {
  id: 'cilium',
  factory: 'EgressBackend.cilium()',
  capabilities: [
    Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.FQDN, Capability.FQDN_PATTERN, Capability.FQDN_SUFFIX,
    Capability.KUBE_API_SERVER_ENTITY, Capability.PORT_RANGE, Capability.SCTP,
  ],
};
