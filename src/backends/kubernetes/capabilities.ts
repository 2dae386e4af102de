// What the Kubernetes NetworkPolicy backend can express: declared here once, read by the backend and
// by the catalogue of bundled backends (which must not load the backend module to name it).
import { Capability } from '../../core/policy-config';
import type { BackendInfo } from '../contract';

/** The Kubernetes NetworkPolicy backend in the catalogue. */
export const KUBERNETES_INFO: BackendInfo = {
  id: 'kubernetes',
  factory: 'EgressBackend.kubernetes()',
  capabilities: [Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.PORT_RANGE, Capability.SCTP],
};
