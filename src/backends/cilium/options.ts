/**
 * Options of `CiliumDnsFilter.policyHostnames()`.
 */
export interface CiliumPolicyHostnamesOptions {
  /**
   * The cluster's DNS domain. With it, the DNS rule also allows each hostname with the pod's
   * Kubernetes search domains appended (`<host>.<namespace>.svc.<domain>`, `<host>.svc.<domain>`,
   * `<host>.<domain>`): resolvers try those first for names with fewer dots than `ndots` (5), and a
   * lookup the DNS proxy refuses ends the search in glibc and musl, so the real name would never
   * be asked.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Further search domains of the pods' `/etc/resolv.conf`, after the Kubernetes ones: the node's
   * own (for example `<id>.internal.cloudapp.net` on AKS, `<region>.compute.internal` on EKS).
   * Each hostname is also allowed with each of them appended, for the same reason.
   * @default - none
   */
  readonly searchDomains?: string[];
  /**
   * More names the selected pods may resolve, beyond the policy's own hostnames: exact names, or
   * Cilium patterns with `*` inside one label (`*.production.svc.cluster.local` for the in-cluster
   * Services of a namespace). The universal `*` is refused: that is `CiliumDnsFilter.anyName()`.
   * @default - none: the pods resolve only the policy's hostnames
   */
  readonly alsoAllow?: string[];
}

/**
 * Which names the Cilium DNS proxy lets the selected pods look up, on the DNS rule of a policy
 * that has hostname destinations (a policy without hostnames never uses the DNS proxy).
 */
export class CiliumDnsFilter {
  /**
   * `rules.dns: [{ matchPattern: "*" }]`: every name resolves; the proxy only observes the answers
   * so that `toFQDNs` learns the addresses. Cluster-internal names keep resolving. Managed
   * offerings that refuse the universal pattern (AKS Advanced Container Networking Services) need
   * `policyHostnames()`.
   */
  public static anyName(): CiliumDnsFilter {
    return new CiliumDnsFilter(false, {});
  }

  /**
   * `rules.dns` lists the policy's own hostnames and patterns (with the search domains appended,
   * see the options) plus `alsoAllow`: every other lookup of the selected pods is refused by the
   * proxy. Accepted by AKS Advanced Container Networking Services, whose FQDN filtering refuses
   * `matchPattern: "*"`. Other policies that select the same pods and allow the same resolver
   * add their names (an allow without DNS rules there allows every name).
   */
  public static policyHostnames(options: CiliumPolicyHostnamesOptions = {}): CiliumDnsFilter {
    return new CiliumDnsFilter(true, options);
  }

  /** True when lookups are narrowed to the policy's hostnames. */
  public readonly narrowed: boolean;
  /** The options of `policyHostnames()`. */
  public readonly options: CiliumPolicyHostnamesOptions;

  private constructor(narrowed: boolean, options: CiliumPolicyHostnamesOptions) {
    this.narrowed = narrowed;
    this.options = options;
  }
}

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

  /**
   * The Cilium release the cluster runs, `MAJOR.MINOR` (a patch is accepted and ignored); 1.14 or
   * later. Every version-dependent choice reads it: `enableDefaultDeny` and port ranges (`endPort`)
   * are emitted from 1.16, `Destination.anySubdomainOf()` (`**.`) is accepted from 1.19 and
   * refused before, where Cilium reads `**.` as one label. See docs/cilium.md for the sources.
   * @default - the `cdk8s-egress:ciliumVersion` context value, else 1.19 (the release of the pinned CRDs)
   */
  readonly version?: string;

  /**
   * Which names the DNS proxy lets the selected pods resolve, on the DNS rule of a policy with
   * hostname destinations. (A policy without hostnames allows DNS at L4 and does not use the
   * proxy.)
   * @default CiliumDnsFilter.anyName()
   */
  readonly dnsFilter?: CiliumDnsFilter;
}
