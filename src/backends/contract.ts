// The contract every backend implements, bundled or third-party: what a backend is handed (a policy
// definition), what it declares (id, capabilities, enforcement semantics) and what it returns (the
// objects). Vendor backends import this module only; the factories that build them live in
// egress-backend.ts, which loads a vendor module when its factory is called.
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problem } from '../core/egress-error';
import { BackendVersion, Capability, EgressPolicyConfig, EgressRuleConfig, EnforcementSemantics, PolicyMetadata } from '../core/policy-config';

/**
 * Told about each rule of a policy.
 */
export interface IRuleListener {
  /** A rule was added to the policy. */
  ruleAdded(rule: EgressRuleConfig): void;
}

/**
 * A policy handed to a backend. Its rules may still grow after the backend is called
 * (`EgressPolicy.allow()`). Backends that emit one object per policy call `resolve()` lazily,
 * from inside `Lazy.any()`; backends whose objects depend on the destinations (one
 * ServiceEntry per host) subscribe with `onRule()`.
 */
export interface IEgressPolicyDefinition {
  /** Metadata for the emitted objects. */
  readonly metadata: PolicyMetadata;
  /** Path of the construct that owns the policy (for error messages). */
  readonly constructPath: string;
  /** The complete policy. Call it while synthesizing, not while constructing. */
  resolve(): EgressPolicyConfig;
  /**
   * Be told about every rule: the listener is called at once for each rule the policy already
   * has, and again for each rule added later.
   */
  onRule(listener: IRuleListener): void;
}

/**
 * Where an `EgressBackend` came from: its id and what it can express. Used in error messages
 * that name alternatives.
 */
export interface BackendInfo {
  /** Short id, e.g. `kubernetes`. */
  readonly id: string;
  /** How users get it, e.g. `EgressBackend.kubernetes()`. */
  readonly factory: string;
  /** What it can express. */
  readonly capabilities: Capability[];
}

/**
 * Renders egress intent into Kubernetes objects for one enforcement system: Kubernetes
 * NetworkPolicy, Cilium, Calico, Istio, ClusterNetworkPolicy, or one of your own.
 *
 * Get the bundled ones from `EgressBackend`'s factories (`EgressBackend.kubernetes()`). Every
 * backend declares its capabilities; asking it for something it cannot express is an error that
 * names the backends that can. To write your own, extend `EgressBackendBase`.
 */
export interface IEgressBackend {
  /** Short id, e.g. `kubernetes`. */
  readonly id: string;
  /** Human-readable name, e.g. `Kubernetes NetworkPolicy`. */
  readonly displayName: string;
  /** What this backend can express. */
  readonly capabilities: Capability[];
  /**
   * How this backend's policies are enforced (layer, tier, what they isolate). Copied whole into
   * every policy the EgressModel records for it.
   */
  readonly semantics: EnforcementSemantics;

  /** True when this backend can express `capability`. */
  supports(capability: Capability): boolean;

  /**
   * Mesh backends: the namespaces whose in-cluster services the sidecars of `namespace` can see
   * (`*` for every namespace), besides their own. Read by the EgressModel when the whole app is
   * built.
   */
  meshVisibleNamespaces(scope: IConstruct, namespace: string): string[];

  /**
   * The release of the enforcement system this backend's output targets for constructs under
   * `scope` (its `version` option, else the app-wide context key, else the default). Every
   * version-dependent choice of the backend reads it; the EgressModel and the report state it next
   * to each object.
   * @returns undefined for backends whose output does not depend on a release
   */
  targetVersion(scope: IConstruct): BackendVersion | undefined;

  /**
   * Render one egress policy into objects under `scope`.
   *
   * Called by the constructs after validation and capability checks. Don't call this directly.
   */
  renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[];
}

/**
 * A base for backends: Kubernetes NetworkPolicy semantics, no mesh visibility, no declared release.
 * The bundled backends extend it, and so may yours.
 */
export abstract class EgressBackendBase implements IEgressBackend {
  /** Short id, e.g. `kubernetes`. */
  public abstract readonly id: string;
  /** Human-readable name, e.g. `Kubernetes NetworkPolicy`. */
  public abstract readonly displayName: string;
  /** What this backend can express. */
  public abstract readonly capabilities: Capability[];
  /**
   * How this backend's policies are enforced.
   * @default - Kubernetes NetworkPolicy semantics: network layer, namespaced tier, every protocol
   */
  public readonly semantics: EnforcementSemantics = {};

  /** Problems of the options the factory was given (wrong types, unknown names). @internal */
  public _inputProblems?: Problem[];

  /**
   * Mesh backends: the namespaces whose in-cluster services the sidecars of `namespace` can see
   * (`*` for every namespace), besides their own.
   * @default - none besides the pods' own namespace
   */
  public meshVisibleNamespaces(_scope: IConstruct, _namespace: string): string[] {
    return [];
  }

  /**
   * The release of the enforcement system this backend's output targets for constructs under `scope`.
   * @returns undefined for backends whose output does not depend on a release
   */
  public targetVersion(_scope: IConstruct): BackendVersion | undefined {
    return undefined;
  }

  /**
   * Render one egress policy into objects under `scope`.
   *
   * Called by the constructs after validation and capability checks. Don't call this directly.
   */
  public abstract renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[];

  /** True when this backend can express `capability`. */
  public supports(capability: Capability): boolean {
    return this.capabilities.includes(capability);
  }

  /** Problems of the options this backend was built with: raised, with the construct path, by the construct that uses it. @internal */
  public _problems(): Problem[] {
    return [...(this._inputProblems ?? [])];
  }
}

/** True when `v` implements the backend contract (an EgressBackendBase, or an object of another language that implements IEgressBackend). @internal */
export function isEgressBackend(v: unknown): v is IEgressBackend {
  if (v instanceof EgressBackendBase) return true;
  const b = v as Partial<Record<keyof IEgressBackend, unknown>> | null | undefined;
  return typeof v === 'object' && v !== null && typeof b!.id === 'string' && Array.isArray(b!.capabilities)
    && typeof b!.renderPolicy === 'function' && typeof b!.supports === 'function' && typeof b!.semantics === 'object';
}

/** Problems of the options `backend` was built with (none for backends not built by a factory). @internal */
export function backendProblems(backend: IEgressBackend): Problem[] {
  return backend instanceof EgressBackendBase ? backend._problems() : [];
}
