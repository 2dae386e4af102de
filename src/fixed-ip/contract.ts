// The contract every fixed-IP provider implements, bundled or third-party: what a FixedEgressIp
// hands to its provider and what the provider returns. The providers import this module only; the
// factories that build them live in fixed-egress-ip-provider.ts, which loads a provider module
// when its factory is called.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterCidrs } from '../core/cluster-cidrs';
import { DestinationConfig } from '../core/destination';
import { Problem } from '../core/egress-error';
import { EgressSource } from '../core/source';

/**
 * What a `FixedEgressIp` hands to its provider.
 */
export interface FixedEgressIpBindOptions {
  /** The pods that get the fixed address. Validated, never empty. */
  readonly sources: EgressSource[];
  /**
   * The destinations the fixed address is for (canonical CIDR configs). Empty for providers
   * that are not scoped by destination.
   */
  readonly destinations: DestinationConfig[];
  /**
   * Name of the main emitted object.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Labels for every emitted object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations for every emitted object.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * The cluster's own ranges, when declared.
   * @default - not declared
   */
  readonly clusterCidrs?: ClusterCidrs;
}

/**
 * What a provider did for one `FixedEgressIp`.
 */
export interface FixedEgressIpBinding {
  /** The objects it emitted (pod-template annotations are not objects and are not listed). */
  readonly apiObjects: ApiObject[];
  /**
   * The address (or address source) external systems see, in words, such as
   * `Cilium gateway egress-gateway=true with 10.0.0.100`. Two `FixedEgressIp` that select the
   * same pods for overlapping destinations must have the same identity.
   */
  readonly egressIdentity: string;
  /**
   * How the binding's objects work, and the release they target, in words
   * (`reserved by assignmentMode Manual, Calico 3.32`). Shown with the fixed-IP fact in the
   * egress report; not part of the identity.
   * @default - nothing to add
   */
  readonly details?: string;
}

/**
 * How a `FixedEgressIp` gets its fixed source address. Get the bundled providers from
 * `FixedEgressIpProvider`'s factories; to write your own, extend `FixedEgressIpProviderBase`.
 * A provider instance configures one `FixedEgressIp`.
 */
export interface IFixedEgressIpProvider {
  /**
   * Short id of the implementation (`cilium`, `calico`, `alibaba`), recorded as the `provider`
   * detail of the fixed-IP fact that monitoring and the report read.
   */
  readonly id: string;

  /** Human-readable name, used in messages (`Cilium egress gateway`). */
  readonly displayName: string;

  /**
   * True when the fixed address applies only to the `destinations` of the `FixedEgressIp`
   * (which are then required); false when it applies to all egress of the pods (and
   * destinations are refused, since they could not narrow it).
   */
  readonly scopedByDestination: boolean;

  /**
   * Emit the objects and pod-template changes for one `FixedEgressIp`. Called by the
   * construct; don't call this directly. Throws on invalid options.
   */
  bind(scope: Construct, options: FixedEgressIpBindOptions): FixedEgressIpBinding;
}

/**
 * A base for fixed-IP providers: the bundled ones extend it, and so may yours.
 */
export abstract class FixedEgressIpProviderBase implements IFixedEgressIpProvider {
  /**
   * Short id of the implementation (`cilium`, `calico`, `alibaba`), recorded as the `provider`
   * detail of the fixed-IP fact that monitoring and the report read.
   */
  public abstract readonly id: string;

  /** Human-readable name, used in messages (`Cilium egress gateway`). */
  public abstract readonly displayName: string;

  /**
   * True when the fixed address applies only to the `destinations` of the `FixedEgressIp`
   * (which are then required); false when it applies to all egress of the pods (and
   * destinations are refused, since they could not narrow it).
   */
  public abstract readonly scopedByDestination: boolean;

  /** Problems of the options the factory was given (wrong types, unknown names). @internal */
  public _inputProblems?: Problem[];

  /**
   * Emit the objects and pod-template changes for one `FixedEgressIp`. Called by the
   * construct; don't call this directly. Throws on invalid options.
   */
  public abstract bind(scope: Construct, options: FixedEgressIpBindOptions): FixedEgressIpBinding;


  /** Problems of the options this provider was built with, raised by the FixedEgressIp that uses it. @internal */
  public _problems(): Problem[] {
    return [...(this._inputProblems ?? [])];
  }
}

/** True when `v` implements the provider contract (a FixedEgressIpProviderBase, or an object of another language that implements IFixedEgressIpProvider). @internal */
export function isFixedEgressIpProvider(v: unknown): v is IFixedEgressIpProvider {
  if (v instanceof FixedEgressIpProviderBase) return true;
  const p = v as Partial<Record<keyof IFixedEgressIpProvider, unknown>> | null | undefined;
  return typeof v === 'object' && v !== null && typeof p!.id === 'string' && typeof p!.bind === 'function' && typeof p!.scopedByDestination === 'boolean';
}

/** Problems of the options `provider` was built with (none for providers not built by a factory). @internal */
export function providerProblems(provider: IFixedEgressIpProvider): Problem[] {
  return provider instanceof FixedEgressIpProviderBase ? provider._problems() : [];
}
