import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problem } from '../core/egress-error';
import { Check, Fields, bool, instance, list, num, oneOf, optionalStruct, str } from '../core/inputs';
import { BackendVersion, Capability, EgressPolicyConfig, EgressRuleConfig, EnforcementLayer, PolicyMetadata, PolicyTier } from '../core/policy-config';
import { Protocol } from '../core/port';
import { registerFactories } from '../util/show';
import { CalicoEdition } from './calico/options';
import type { CalicoBackendOptions } from './calico/options';
import { CiliumDnsFilter } from './cilium/options';
import type { CiliumBackendOptions } from './cilium/options';
import { ClusterNetworkPolicyTier } from './cluster-network-policy/options';
import type { ClusterNetworkPolicyBackendOptions } from './cluster-network-policy/options';
import { IstioWildcardResolution } from './istio/options';
import type { IstioBackendOptions } from './istio/options';

/** The option fields of each bundled backend factory (types only: values are checked by the backends). */
/** A declared release is checked where it is read (src/core/versions.ts, EGRESS_INVALID_VERSION). */
const RELEASE: Check = () => [];

const BACKEND_OPTIONS: Record<string, Fields> = {
  cilium: { clusterwide: bool, version: RELEASE, dnsFilter: instance(CiliumDnsFilter, 'CiliumDnsFilter', 'CiliumDnsFilter.anyName()') },
  calico: {
    edition: oneOf(CalicoEdition, 'CalicoEdition', { typeOnly: true }), order: num(), tier: str({ example: 'platform' }), networkSetThreshold: num(), version: RELEASE,
  },
  istio: {
    version: RELEASE,
    registryOnly: bool,
    exportTo: list(str({ example: '.' }), { itemName: 'namespace names' }),
    sidecarEgressHosts: list(str({ example: 'payments/*' }), { itemName: 'hosts' }),
    wildcardResolution: oneOf(IstioWildcardResolution, 'IstioWildcardResolution'),
  },
  clusterNetworkPolicy: { tier: oneOf(ClusterNetworkPolicyTier, 'ClusterNetworkPolicyTier', { typeOnly: true }), priority: num(), isolationPriority: num() },
};

/** The backend, carrying the problems of the options it was given (raised by the construct that uses it). */
function checked<T extends EgressBackend>(factory: string, given: unknown, build: (options: never) => T): T {
  const problems = optionalStruct(BACKEND_OPTIONS[factory])(given, `EgressBackend.${factory}() options`);
  const backend = build((problems.length > 0 ? {} : given ?? {}) as never);
  if (problems.length > 0) backend._inputProblems = problems;
  return backend;
}


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
 * NetworkPolicy today; Cilium, Calico, Istio and others as providers behind the same contract.
 *
 * Backends are chosen per construct (`backend` prop). Every backend declares its capabilities;
 * asking it for something it cannot express is an error that names the backends that can.
 * Third parties may subclass it.
 */
export abstract class EgressBackend {
  /**
   * Kubernetes `networking.k8s.io/v1` NetworkPolicy: pods, namespaces, IP blocks with
   * exceptions, TCP/UDP/SCTP ports and ranges. No hostnames. Enforced only where the cluster's
   * CNI implements NetworkPolicy.
   */
  public static kubernetes(): EgressBackend {
    // Loaded on first use: keeps `require('cdk8s-egress')` from loading every backend.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./kubernetes/network-policy-backend') as typeof import('./kubernetes/network-policy-backend');
    return new mod.KubernetesNetworkPolicyBackend();
  }

  /**
   * Cilium `CiliumNetworkPolicy` (or `CiliumClusterwideNetworkPolicy`): pods, CIDRs, hostnames
   * and hostname patterns (`toFQDNs`, with the DNS-proxy rule it needs; policies without
   * hostnames allow DNS at L4), ports and ranges. Output follows the declared Cilium release
   * (`version`, or the `cdk8s-egress:ciliumVersion` context; default 1.19).
   */
  public static cilium(options: CiliumBackendOptions = {}): EgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./cilium/cilium-backend') as typeof import('./cilium/cilium-backend');
    return checked('cilium', options, (o) => new mod.CiliumBackend(o));
  }

  /**
   * Calico `projectcalico.org/v3` namespaced NetworkPolicy (+ NetworkSets for long CIDR lists).
   * Hostnames only with Calico Enterprise/Cloud (`edition`); hostname patterns never (Calico's
   * `*.x` matches several labels deep, wider than the pattern). Open-source output follows the
   * declared Calico release (`version`, or the `cdk8s-egress:calicoVersion` context; default 3.32).
   */
  public static calico(options: CalicoBackendOptions = {}): EgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./calico/calico-backend') as typeof import('./calico/calico-backend');
    return checked('calico', options, (o) => new mod.CalicoBackend(o));
  }

  /**
   * Istio: `ServiceEntry` per external destination plus a `Sidecar` with `REGISTRY_ONLY` for the
   * source namespace, so hosts that are not declared are blocked by the sidecar. Output follows
   * the declared Istio release (`version`, or the `cdk8s-egress:istioVersion` context; default 1.30).
   */
  public static istio(options: IstioBackendOptions = {}): EgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./istio/istio-backend') as typeof import('./istio/istio-backend');
    return checked('istio', options, (o) => new mod.IstioBackend(o));
  }

  /**
   * Kubernetes network-policy-api `ClusterNetworkPolicy` (`policy.networking.k8s.io/v1alpha2`,
   * admin or baseline tier): cluster-scoped policy that namespace owners cannot loosen, plus a
   * lower-precedence isolation policy that denies everything else for the same pods.
   */
  public static clusterNetworkPolicy(options: ClusterNetworkPolicyBackendOptions = {}): EgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./cluster-network-policy/cluster-network-policy-backend') as typeof import('./cluster-network-policy/cluster-network-policy-backend');
    return checked('clusterNetworkPolicy', options, (o) => new mod.ClusterNetworkPolicyBackend(o));
  }

  /**
   * The backends this library ships, with their capabilities.
   */
  public static bundled(): BackendInfo[] {
    return [
      {
        id: 'kubernetes',
        factory: 'EgressBackend.kubernetes()',
        capabilities: [Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.PORT_RANGE, Capability.SCTP],
      },
      {
        id: 'cilium',
        factory: 'EgressBackend.cilium()',
        capabilities: [
          Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.FQDN, Capability.FQDN_PATTERN, Capability.FQDN_SUFFIX,
          Capability.KUBE_API_SERVER_ENTITY, Capability.PORT_RANGE, Capability.SCTP,
        ],
      },
      {
        id: 'calico',
        factory: 'EgressBackend.calico()',
        capabilities: [Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.PORT_RANGE, Capability.SCTP],
      },
      {
        id: 'calico-enterprise',
        factory: 'EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE })',
        capabilities: [
          Capability.POD_SELECTOR, Capability.CIDR, Capability.CIDR_EXCEPT, Capability.PORT_RANGE, Capability.SCTP,
          Capability.FQDN, Capability.FQDN_SUFFIX,
        ],
      },
      {
        id: 'istio',
        factory: 'EgressBackend.istio()',
        capabilities: [Capability.FQDN, Capability.FQDN_SUFFIX, Capability.CIDR, Capability.TLS_SNI],
      },
      {
        id: 'cluster-network-policy',
        factory: 'EgressBackend.clusterNetworkPolicy()',
        capabilities: [Capability.POD_SELECTOR, Capability.CIDR, Capability.PORT_RANGE, Capability.SCTP, Capability.ADMIN_TIER],
      },
    ];
  }

  /** Short id, e.g. `kubernetes`. */
  public abstract readonly id: string;
  /** Human-readable name, e.g. `Kubernetes NetworkPolicy`. */
  public abstract readonly displayName: string;
  /** What this backend can express. */
  public abstract readonly capabilities: Capability[];
  /**
   * False when the backend does not control DNS traffic (Istio sidecars): DNS resolver rules are
   * not rendered by it, its policies give no DNS path, and it needs none.
   */
  public readonly controlsDns: boolean = true;
  /**
   * True when the backend's objects apply to every pod of the source's namespace rather than the
   * selected pods (Istio's Sidecar and ServiceEntries). Read by the EgressModel and the report.
   */
  public readonly selectsWholeNamespace: boolean = false;
  /**
   * The protocols the backend enforces. Istio sidecars intercept TCP only. Read by the
   * EgressModel and the report.
   * @default - every protocol (TCP, UDP and SCTP)
   */
  public readonly enforcedProtocols?: Protocol[];
  /**
   * False when the backend's policies declare destinations without isolating the pods (Istio
   * without REGISTRY_ONLY). Read by the EgressModel and the report.
   */
  public readonly isolatesSource: boolean = true;
  /** False when address blocks never match pods (Cilium selects pods by identity). Read by the EgressModel. */
  public readonly cidrMatchesPods: boolean = true;
  /**
   * Where the backend's policies are enforced. Read by the EgressModel and the checks that reason
   * about paths around a gateway (a mesh policy cannot open a path the network layer closes).
   * @default EnforcementLayer.NETWORK
   */
  public readonly enforcementLayer: EnforcementLayer = EnforcementLayer.NETWORK;
  /**
   * Where the backend's policies stand among the network-layer policies that select the same
   * pods. Read by the EgressModel.
   * @default PolicyTier.NAMESPACED
   */
  public readonly policyTier: PolicyTier = PolicyTier.NAMESPACED;

  /** Problems of the options the factory was given (wrong types, unknown names). @internal */
  public _inputProblems?: Problem[];

  /**
   * Mesh backends: the namespaces whose in-cluster services the sidecars of `namespace` can see
   * (`*` for every namespace), besides their own. Read by the EgressModel when the whole app is
   * built.
   * @default - none besides the pods' own namespace
   */
  public meshVisibleNamespaces(_scope: IConstruct, _namespace: string): string[] {
    return [];
  }

  /**
   * The release of the enforcement system this backend's output targets for constructs under
   * `scope` (its `version` option, else the app-wide context key, else the default). Every
   * version-dependent choice of the backend reads it; the EgressModel and the report state it next
   * to each object.
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

registerFactories(EgressBackend, 'EgressBackend');

