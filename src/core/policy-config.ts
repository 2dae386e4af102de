// The policy vocabulary every layer shares: what a rule and a policy are, where a policy is enforced
// (layer and tier), what a backend can express (capabilities), and which release it targets. Below
// the model and the backends, so both read the same definitions.
import { DestinationConfig, DestinationKind } from './destination';
import { PortConfig, Protocol } from './port';
import { SourceConfig } from './source';

/**
 * Where a backend's policies are enforced. Traffic must pass every layer that has a say: a
 * NetworkPolicy CNI filters every packet of a pod, a mesh sidecar only what it intercepts (and
 * nothing from pods or containers that bypass it).
 */
export enum EnforcementLayer {
  /** The network plugin (Kubernetes NetworkPolicy, Cilium, Calico, ClusterNetworkPolicy). */
  NETWORK = 'network',
  /** A service-mesh sidecar or proxy (Istio). */
  MESH = 'mesh',
}

/**
 * Where a network-layer backend's policies stand among the others that select the same pods
 * (network-policy-api's precedence): the Admin tier is evaluated before namespaced policies and
 * overrides them, namespaced policies (NetworkPolicy, Cilium, Calico) add up, and the Baseline
 * tier applies only to pods that no namespaced policy selects.
 */
export enum PolicyTier {
  /** Before namespaced policies, which cannot override it (ClusterNetworkPolicy, Admin tier). */
  ADMIN = 'admin',
  /** Namespaced allow-lists that add up (NetworkPolicy, CiliumNetworkPolicy, Calico NetworkPolicy). */
  NAMESPACED = 'namespaced',
  /** After namespaced policies, only for pods none selects (ClusterNetworkPolicy, Baseline tier). */
  BASELINE = 'baseline',
}

/**
 * How a backend's policies are enforced, declared once per backend and copied whole into every
 * policy the EgressModel records for it (the model, the checks and the report read it there). A
 * field left out means what a Kubernetes NetworkPolicy does.
 */
export interface EnforcementSemantics {
  /**
   * Where the policies are enforced. Traffic must pass every layer that has a say; the checks that
   * reason about paths around a gateway count only network-layer allowances (a mesh policy cannot
   * open a path the network layer closes).
   * @default EnforcementLayer.NETWORK - by the network plugin
   */
  readonly layer?: EnforcementLayer;
  /**
   * Where the policies stand among the network-layer policies that select the same pods.
   * @default PolicyTier.NAMESPACED - namespaced allow-lists that add up
   */
  readonly tier?: PolicyTier;
  /**
   * False when the backend does not control DNS traffic (Istio sidecars): DNS resolver rules are
   * not rendered by it, its policies give no DNS path, and they need none.
   * @default true - DNS resolvers are rules of the policy, and an isolating policy needs a DNS path
   */
  readonly controlsDns?: boolean;
  /**
   * True when the enforcing objects apply to every pod of the source's namespace, whatever the
   * source's pod labels say (Istio's per-namespace Sidecar and ServiceEntries).
   * @default false - only the pods the source selects
   */
  readonly wholeNamespace?: boolean;
  /**
   * The protocols the policies isolate and allow; other traffic is not their business (Istio
   * sidecars intercept TCP only).
   * @default - every protocol (TCP, UDP and SCTP)
   */
  readonly protocols?: Protocol[];
  /**
   * False when the policies declare destinations without isolating the pods they select (Istio
   * without REGISTRY_ONLY): they then neither deny nor allow anything.
   * @default true - a policy isolates the pods it selects
   */
  readonly isolates?: boolean;
  /**
   * False when address blocks never match pods (Cilium selects pods, nodes and the host by
   * identity, never by CIDR).
   * @default true - an address block matches a pod whose IP it contains
   */
  readonly cidrMatchesPods?: boolean;
}

/**
 * Something a backend can or cannot express.
 */
export enum Capability {
  /** Pods by labels (in a namespace, or namespaces by labels). */
  POD_SELECTOR = 'PodSelector',
  /** IPv4/IPv6 blocks. */
  CIDR = 'Cidr',
  /** `except` blocks inside a CIDR. */
  CIDR_EXCEPT = 'CidrExcept',
  /** Exact hostnames. */
  FQDN = 'Fqdn',
  /** Hostname patterns with one wildcard label (`*.example.com` matching `a.example.com` only). */
  FQDN_PATTERN = 'FqdnPattern',
  /** Every subdomain of a domain at any depth (`*.example.com` matching `a.b.example.com` too). */
  FQDN_SUFFIX = 'FqdnSuffix',
  /** The API server as a named entity (no addresses needed). */
  KUBE_API_SERVER_ENTITY = 'KubeApiServerEntity',
  /** Port ranges. */
  PORT_RANGE = 'PortRange',
  /** SCTP. */
  SCTP = 'Sctp',
  /** HTTP method/path rules (L7). */
  L7_HTTP = 'L7Http',
  /** Matching TLS traffic by SNI. */
  TLS_SNI = 'TlsSni',
  /** Cluster-scoped policy that namespace owners cannot override (admin tier). */
  ADMIN_TIER = 'AdminTier',
}

/**
 * One egress rule: traffic to any of `destinations` on any of `ports`.
 */
export interface EgressRuleConfig {
  /** Destinations (ORed). Never empty. */
  readonly destinations: DestinationConfig[];
  /** Ports (ORed). Empty means every port and protocol of the destinations. */
  readonly ports: PortConfig[];
  /**
   * True when this rule keeps a DNS resolver reachable. DNS-aware backends attach DNS
   * inspection to it where the policy needs it (Cilium's DNS proxy, which `toFQDNs` needs to learn
   * addresses, in policies with hostname destinations).
   * @default false
   */
  readonly dns?: boolean;
}

/**
 * Everything a backend needs to render one egress policy.
 */
export interface EgressPolicyConfig {
  /** The pods whose egress is controlled. */
  readonly source: SourceConfig;
  /** Allowed traffic. Empty means the selected pods may not egress at all. */
  readonly rules: EgressRuleConfig[];
}

/**
 * Metadata of the object(s) a backend emits for one policy. Known when the construct is built.
 */
export interface PolicyMetadata {
  /**
   * Object name.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /** Namespace of the source pods (namespaced objects go there). */
  readonly namespace: string;
  /**
   * Labels to put on the emitted objects.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations to put on the emitted objects.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * The release of an enforcement system that a backend's output targets.
 */
export interface BackendVersion {
  /** `MAJOR.MINOR`, e.g. `1.19`. */
  readonly version: string;
  /**
   * Where it was declared: the backend's `version` option, an app-wide context key, or the
   * default (the release of the pinned CRDs).
   */
  readonly declaredBy: string;
}

/** The capability a destination needs, or undefined when every backend can express it. @internal */
export function requiredCapabilities(dest: DestinationConfig): Capability[] {
  switch (dest.kind) {
    case DestinationKind.PODS: return [Capability.POD_SELECTOR];
    case DestinationKind.CIDR: return dest.except && dest.except.length > 0 ? [Capability.CIDR, Capability.CIDR_EXCEPT] : [Capability.CIDR];
    case DestinationKind.FQDN: return [Capability.FQDN];
    case DestinationKind.FQDN_PATTERN: return [Capability.FQDN_PATTERN];
    case DestinationKind.FQDN_SUFFIX: return [Capability.FQDN_SUFFIX];
    case DestinationKind.KUBE_API_SERVER: return dest.apiServerCidrs ? [Capability.CIDR] : [Capability.KUBE_API_SERVER_ENTITY];
  }
}
