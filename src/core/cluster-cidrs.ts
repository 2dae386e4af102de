/**
 * Address ranges of the cluster itself. Traffic to them never leaves with a fixed egress
 * address (Cilium excludes in-cluster addresses from the gateway; Calico pools must lie inside
 * the pod range), so declaring them lets `FixedEgressIp` check destinations and pools.
 */
export interface ClusterCidrs {
  /**
   * The cluster's pod CIDRs (`--cluster-cidr`).
   * @default - not declared: not checked
   */
  readonly podCidrs?: string[];
  /**
   * The cluster's Service CIDRs (`--service-cluster-ip-range`).
   * @default - not declared: not checked
   */
  readonly serviceCidrs?: string[];
}
