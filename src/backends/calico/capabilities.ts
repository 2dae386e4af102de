// What the Calico backend can express, per edition: declared here once, read by the backend and by
// the catalogue of bundled backends (which must not load the backend module to name it).
import { Capability } from '../../core/policy-config';
import type { BackendInfo } from '../contract';

const OSS_CAPABILITIES = [Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.PORT_RANGE, Capability.SCTP];

/** Calico Open Source in the catalogue. */
export const CALICO_INFO: BackendInfo = {
  id: 'calico',
  factory: 'EgressBackend.calico()',
  capabilities: OSS_CAPABILITIES,
};

/** Calico Enterprise (and Cloud) in the catalogue: hostnames on top of what Open Source expresses. */
export const CALICO_ENTERPRISE_INFO: BackendInfo = {
  id: 'calico-enterprise',
  factory: 'EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE })',
  capabilities: [...OSS_CAPABILITIES, Capability.FQDN, Capability.FQDN_SUFFIX],
};
