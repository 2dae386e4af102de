// The factories of the bundled backends. Each factory loads its vendor module on first use, so
// `require('cdk8s-egress')` loads no backend it does not use; the vendor modules import only the
// contract (contract.ts), never this module.
import { Check, Fields, bool, instance, list, num, oneOf, optionalStruct, str } from '../core/inputs';
import { registerFactories } from '../util/show';
import { CalicoEdition } from './calico/options';
import type { CalicoBackendOptions } from './calico/options';
import { bundledBackends } from './catalog';
import { CiliumDnsFilter } from './cilium/options';
import type { CiliumBackendOptions } from './cilium/options';
import { ClusterNetworkPolicyTier } from './cluster-network-policy/options';
import type { ClusterNetworkPolicyBackendOptions } from './cluster-network-policy/options';
import { BackendInfo, EgressBackendBase, IEgressBackend } from './contract';
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
function checked<T extends EgressBackendBase>(factory: string, given: unknown, build: (options: never) => T): T {
  const problems = optionalStruct(BACKEND_OPTIONS[factory])(given, `EgressBackend.${factory}() options`);
  const backend = build((problems.length > 0 ? {} : given ?? {}) as never);
  if (problems.length > 0) backend._inputProblems = problems;
  return backend;
}

/**
 * The backends this library ships: Kubernetes NetworkPolicy, Cilium, Calico, Istio and
 * ClusterNetworkPolicy, in the style of aws-cdk's `Peer` (static factories returning the
 * `IEgressBackend` contract).
 *
 * Backends are chosen per construct (`backend` prop). Every backend declares its capabilities;
 * asking it for something it cannot express is an error that names the backends that can.
 */
export class EgressBackend {
  /**
   * Kubernetes `networking.k8s.io/v1` NetworkPolicy: pods, namespaces, IP blocks with
   * exceptions, TCP/UDP/SCTP ports and ranges. No hostnames. Enforced only where the cluster's
   * CNI implements NetworkPolicy.
   */
  public static kubernetes(): IEgressBackend {
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
  public static cilium(options: CiliumBackendOptions = {}): IEgressBackend {
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
  public static calico(options: CalicoBackendOptions = {}): IEgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./calico/calico-backend') as typeof import('./calico/calico-backend');
    return checked('calico', options, (o) => new mod.CalicoBackend(o));
  }

  /**
   * Istio: `ServiceEntry` per external destination plus a `Sidecar` with `REGISTRY_ONLY` for the
   * source namespace, so hosts that are not declared are blocked by the sidecar. Output follows
   * the declared Istio release (`version`, or the `cdk8s-egress:istioVersion` context; default 1.30).
   */
  public static istio(options: IstioBackendOptions = {}): IEgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./istio/istio-backend') as typeof import('./istio/istio-backend');
    return checked('istio', options, (o) => new mod.IstioBackend(o));
  }

  /**
   * Kubernetes network-policy-api `ClusterNetworkPolicy` (`policy.networking.k8s.io/v1alpha2`,
   * admin or baseline tier): cluster-scoped policy that namespace owners cannot loosen, plus a
   * lower-precedence isolation policy that denies everything else for the same pods.
   */
  public static clusterNetworkPolicy(options: ClusterNetworkPolicyBackendOptions = {}): IEgressBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./cluster-network-policy/cluster-network-policy-backend') as typeof import('./cluster-network-policy/cluster-network-policy-backend');
    return checked('clusterNetworkPolicy', options, (o) => new mod.ClusterNetworkPolicyBackend(o));
  }

  /**
   * The backends this library ships, with their capabilities (read from each backend's own
   * declaration, without loading the backends).
   */
  public static bundled(): BackendInfo[] {
    return bundledBackends();
  }

  private constructor() {}
}

registerFactories(EgressBackend, 'EgressBackend');
