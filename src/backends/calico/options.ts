/**
 * Calico product edition: decides whether domain-name policy is available.
 */
export enum CalicoEdition {
  /** Open-source Calico: no domain names, no egress gateway. */
  OPEN_SOURCE = 'OpenSource',
  /** Calico Enterprise or Calico Cloud: exact domain names in egress rules (`destination.domains`). */
  ENTERPRISE = 'Enterprise',
}

/**
 * Options for `EgressBackend.calico()`.
 */
export interface CalicoBackendOptions {
  /**
   * The Calico edition of the cluster. Open-source Calico has no domain-name policy, so
   * `Destination.fqdn()` needs `CalicoEdition.ENTERPRISE` (Calico Enterprise or Calico Cloud).
   * Hostname patterns are refused on both editions: a Calico wildcard (`*.example.com`) also
   * matches names several labels deep (`a.b.example.com`), which is wider than the pattern means.
   * @default CalicoEdition.OPEN_SOURCE
   */
  readonly edition?: CalicoEdition;

  /**
   * `spec.order` of the emitted policies. Calico evaluates the policies of a tier in ascending
   * order and stops at the first rule whose action is final. Every rule this backend emits is an
   * `Allow`, so the order only matters against `Deny`/`Pass` rules of other policies in the same
   * tier (Kubernetes NetworkPolicies sit at order 1000 in the `default` tier).
   * @default - no order: Calico evaluates the policy after every policy that has one
   */
  readonly order?: number;

  /**
   * The Calico Open Source release the cluster runs, `MAJOR.MINOR` (a patch is accepted and
   * ignored); 3.28 or later. Read by the version-dependent choices: `tier` needs 3.29 on open
   * source. Not read with `CalicoEdition.ENTERPRISE` (Calico Enterprise and Cloud number their
   * releases differently, and every release of them has tiers and domain names).
   * @default - the `cdk8s-egress:calicoVersion` context value, else 3.32 (the release of the pinned CRDs)
   */
  readonly version?: string;

  /**
   * Calico tier of the emitted policies (Calico 3.29+ for open source: refused for an older
   * declared `version`). The `Tier` object must
   * already exist. Policy names are prefixed with `<tier>.`, which every Calico version accepts
   * and versions before 3.32 require. Policies in a tier other than `default` do **not** add up
   * with policies in other tiers: at the end of the tier Calico applies the tier's
   * `defaultAction` (`Deny` unless set to `Pass`) to whatever the tier did not allow.
   * @default - the `default` tier (the one Kubernetes NetworkPolicies are in)
   */
  readonly tier?: string;

  /**
   * Address blocks per rule above which the blocks move into a namespaced Calico `NetworkSet`
   * (in the source namespace) that the rule selects by label, instead of an inline `nets` list.
   * Counted per group of destinations that share the same ports, after merging adjacent blocks;
   * blocks with `except` always stay inline (`nets` + `notNets`). Use a large number to keep every
   * block inline.
   * @default 10
   */
  readonly networkSetThreshold?: number;
}
