/**
 * Options for `EgressBackend.cilium()`.
 */
export interface CiliumBackendOptions {
  /**
   * Emit a cluster-scoped `CiliumClusterwideNetworkPolicy` instead of a namespaced
   * `CiliumNetworkPolicy`. The source namespace is then matched explicitly with the
   * `k8s:io.kubernetes.pod.namespace` label in the endpoint selector, so the policy still
   * selects only the source pods. Object names must then be unique across the whole cluster:
   * two clusterwide policies of one app with the same `name` are an error.
   *
   * Use it where namespace owners must not be able to delete the policy (creating a
   * `CiliumClusterwideNetworkPolicy` needs cluster-level RBAC). Allow-lists stay additive:
   * namespaced policies can still allow more.
   * @default false
   */
  readonly clusterwide?: boolean;
}
