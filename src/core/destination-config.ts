// The backend-neutral shape of a destination (its kind and resolved fields) and the options of
// the Destination factories. Backends and the model read these; destination.ts builds them.

/**
 * The kind of a destination.
 */
export enum DestinationKind {
  /** Pods selected by labels, in the policy's namespace, a named namespace or namespaces by labels. */
  PODS = 'Pods',
  /** An IPv4 or IPv6 block, optionally with exceptions. */
  CIDR = 'Cidr',
  /** An exact hostname (`api.github.com`). */
  FQDN = 'Fqdn',
  /** A hostname pattern with one leading wildcard label (`*.googleapis.com`). */
  FQDN_PATTERN = 'FqdnPattern',
  /** Every subdomain of a domain, at any depth (`*.googleapis.com` as Istio and Envoy read it). */
  FQDN_SUFFIX = 'FqdnSuffix',
  /** The Kubernetes API server. */
  KUBE_API_SERVER = 'KubeApiServer',
}

/**
 * A destination resolved to a backend-neutral struct. Which fields are set depends on `kind`.
 */
export interface DestinationConfig {
  /** What kind of destination this is. */
  readonly kind: DestinationKind;
  /**
   * PODS: labels the destination pods carry.
   * @default - every pod of the selected namespace(s)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * PODS: the single namespace the pods are in.
   * @default - the policy's own namespace, unless `namespaceLabels` is set
   */
  readonly namespace?: string;
  /**
   * PODS: labels that select the namespaces the pods are in.
   * @default - see `namespace`
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * CIDR: the block, canonical form.
   * @default - not a CIDR destination
   */
  readonly cidr?: string;
  /**
   * CIDR: blocks inside `cidr` that are excluded.
   * @default - no exceptions
   */
  readonly except?: string[];
  /**
   * CIDR: 4 or 6.
   * @default - not a CIDR destination
   */
  readonly ipFamily?: number;
  /**
   * FQDN: the hostname; FQDN_PATTERN: the pattern; FQDN_SUFFIX: `*.` and the domain.
   * @default - not a hostname destination
   */
  readonly hostname?: string;
  /**
   * KUBE_API_SERVER: the CIDRs of the API server endpoints, where the backend needs them.
   * @default - none given (only backends that know the API server as an entity can express it)
   */
  readonly apiServerCidrs?: string[];
}

/**
 * Options for `Destination.pods`.
 */
export interface PodsDestinationProps {
  /** Labels that select the destination pods (matchLabels). Must not be empty. */
  readonly labels: Record<string, string>;
  /**
   * The namespace of the destination pods.
   * @default - the namespace of the policy's source (or of `namespaceLabels` when set)
   */
  readonly namespace?: string;
  /**
   * Select the destination namespaces by labels instead of by name. Must not be empty.
   * @default - see `namespace`
   */
  readonly namespaceLabels?: Record<string, string>;
}

/**
 * Options for `Destination.ipv4` and `Destination.ipv6`.
 */
export interface CidrDestinationOptions {
  /**
   * Blocks inside the CIDR to exclude. Each must be a strict subset of the CIDR.
   * @default - no exceptions
   */
  readonly except?: string[];
}

/**
 * Options for `Destination.kubeApiServer`.
 */
export interface KubeApiServerDestinationProps {
  /**
   * The API server endpoint addresses as CIDRs (`kubectl get endpoints kubernetes -n default`).
   * Needed by backends that only know IP blocks, such as Kubernetes NetworkPolicy.
   * @default - none: only backends that know the API server as an entity can express it
   */
  readonly endpoints?: string[];
}
