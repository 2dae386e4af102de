// What the ClusterNetworkPolicy backend can express, per tier: declared here once, read by the
// backend and by the catalogue of bundled backends (which must not load the backend module to name it).
import { Capability } from '../../core/policy-config';
import type { BackendInfo } from '../contract';

const BASELINE_CAPABILITIES = [Capability.POD_SELECTOR, Capability.CIDR, Capability.PORT_RANGE, Capability.SCTP];

/** The capabilities of the backend in the Admin tier (which namespace owners cannot override) or the Baseline tier. */
export function clusterNetworkPolicyCapabilities(admin: boolean): Capability[] {
  return admin ? [...BASELINE_CAPABILITIES, Capability.ADMIN_TIER] : [...BASELINE_CAPABILITIES];
}

/** The ClusterNetworkPolicy backend (Admin tier, its default) in the catalogue. */
export const CLUSTER_NETWORK_POLICY_INFO: BackendInfo = {
  id: 'cluster-network-policy',
  factory: 'EgressBackend.clusterNetworkPolicy()',
  capabilities: clusterNetworkPolicyCapabilities(true),
};
