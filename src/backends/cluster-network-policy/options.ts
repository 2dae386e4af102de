/**
 * The tier of a `ClusterNetworkPolicy` (network-policy-api v0.2.0).
 */
export enum ClusterNetworkPolicyTier {
  /**
   * Evaluated before every namespaced NetworkPolicy: what it accepts or denies, namespace owners
   * cannot change.
   */
  ADMIN = 'Admin',
  /**
   * Evaluated only for pods that no namespaced NetworkPolicy selects: a cluster-wide default that
   * namespace owners replace by writing their own NetworkPolicies.
   */
  BASELINE = 'Baseline',
}

/**
 * Options for `EgressBackend.clusterNetworkPolicy()`.
 */
export interface ClusterNetworkPolicyBackendOptions {
  /**
   * The tier of the emitted policies.
   * @default ClusterNetworkPolicyTier.ADMIN
   */
  readonly tier?: ClusterNetworkPolicyTier;

  /**
   * Priority of the policy that accepts the allowed traffic (0-999, lower is evaluated first;
   * must be lower than `isolationPriority`). Two policies of the same tier and priority that
   * match the same connection are applied in an undefined order, so keep priorities of policies
   * whose rules conflict distinct.
   * @default 100
   */
  readonly priority?: number;

  /**
   * Priority of the companion policy that denies every other egress of the source (1-1000,
   * higher than `priority`). Accepts of every policy for the same pods must come before any of
   * their isolation policies, or the policies stop adding up; the default puts isolation last in
   * the tier.
   * @default 1000
   */
  readonly isolationPriority?: number;
}
