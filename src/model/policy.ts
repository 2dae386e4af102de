// One egress policy as the model records it: who declared it, what enforces it, whose egress it
// isolates, what it allows, and how its backend enforces it (EnforcementSemantics, copied whole).
import { BackendVersion, EgressRuleConfig, EnforcementSemantics } from '../core/policy-config';
import { SourceConfig } from '../core/source';

/**
 * Why a grant exists.
 */
export enum GrantPurpose {
  /** Egress the user allowed. */
  ALLOW = 'Allow',
  /** DNS the library keeps open for an isolated workload. */
  DNS = 'Dns',
  /** A baseline that isolates workloads without allowing anything. */
  DENY = 'Deny',
}

/**
 * One egress policy as the library understands it: whose egress it isolates and what it allows.
 */
export interface ModelPolicy {
  /** Path of the construct that declared it. */
  readonly constructPath: string;
  /** Backend id (`kubernetes`, ...). */
  readonly backend: string;
  /** `Kind/namespace/name` of the object that enforces it. */
  readonly objectRef: string;
  /** Why it exists. */
  readonly purpose: GrantPurpose;
  /** The pods it selects (and so isolates for egress). */
  readonly source: SourceConfig;
  /** What it allows. */
  readonly rules: EgressRuleConfig[];
  /** True when its rules keep a DNS resolver reachable on UDP and TCP. */
  readonly providesDns: boolean;
  /**
   * How its backend enforces it (layer, tier, the pods and protocols it isolates), as the backend
   * declared it.
   */
  readonly semantics: EnforcementSemantics;
  /**
   * Mesh policies: the namespaces whose in-cluster services the sidecars see besides their own
   * (`*`: every namespace).
   * @default - only the pods' own namespace
   */
  readonly meshVisibleNamespaces?: string[];
  /**
   * True when the declaring construct opted in to allowing every address (`allowAllAddresses`).
   * @default false
   */
  readonly allowAllAddresses?: boolean;
  /**
   * The release of the enforcement system the policy's objects were rendered for (what this
   * record says holds for that release).
   * @default - the backend's output does not depend on a release
   */
  readonly backendVersion?: BackendVersion;
}

/**
 * Something that can describe itself as a model policy.
 */
export interface IModelPolicySource {
  /** The policy as the model sees it. */
  toModelPolicy(): ModelPolicy;
}
