// The questions the model answers (a probe: a connection attempt) and its answers (a verdict per
// enforcing layer and hop, and the overall verdict).
import { EnforcementLayer } from '../core/policy-config';
import { Protocol } from '../core/port';

/**
 * A pod for a probe: namespace, labels, and optionally the namespace's labels and the pod IP.
 */
export interface ProbePod {
  /** Namespace. */
  readonly namespace: string;
  /** Pod labels. */
  readonly labels: Record<string, string>;
  /**
   * Labels of the pod's namespace (`kubernetes.io/metadata.name` is implied).
   * @default - only the implied name label
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * Pod IP, matched against IP blocks.
   * @default - not matched against IP blocks
   */
  readonly ip?: string;
}

/**
 * A connection attempt to check: from a pod to a pod or an address, on a port.
 */
export interface Probe {
  /** The pod that opens the connection. */
  readonly from: ProbePod;
  /**
   * Destination pod.
   * @default - no destination pod: pod destinations do not match
   */
  readonly toPod?: ProbePod;
  /**
   * Destination address (IPv4 or IPv6).
   * @default - the `ip` of `toPod` when it has one; otherwise address blocks do not match
   */
  readonly toIp?: string;
  /**
   * Destination hostname, for backends with DNS-aware policy.
   * @default - no hostname: hostname destinations do not match
   */
  readonly toHostname?: string;
  /** Destination port. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: Protocol;
  /**
   * True for traffic that skips the mesh (a pod without a sidecar, or traffic the sidecar does not
   * intercept): only the network layer judges it, and gateway routes do not carry it.
   * @default false - the pod's sidecar (if its namespace has one) intercepts it
   */
  readonly skipsMesh?: boolean;
}

/**
 * One enforcing layer's answer for one hop of a probe.
 */
export interface LayerVerdict {
  /** The layer. */
  readonly layer: EnforcementLayer;
  /** The hop it judged: `pod → destination`, `pod → gateway` or `gateway → destination`. */
  readonly hop: string;
  /** True when this layer lets the connection through. */
  readonly allowed: boolean;
  /** True when some policy of this layer isolates the sending pod. */
  readonly isolated: boolean;
  /** Object refs of the policies (or routes) of this layer that allow it. */
  readonly allowedBy: string[];
  /** Object refs of the policies that isolate the sending pod and let nothing of this through (empty when allowed). */
  readonly blockedBy: string[];
  /** Construct paths behind `blockedBy`. */
  readonly blockedByConstructs: string[];
}

/**
 * The model's answer for a probe.
 */
export interface Verdict {
  /** True when every layer that governs the connection allows it. */
  readonly allowed: boolean;
  /** True when some policy isolates the source pod for egress, in any layer. */
  readonly isolated: boolean;
  /** Object refs of the policies whose rules allow it, in every layer (empty when denied). */
  readonly allowedBy: string[];
  /** Each layer's answer, hop by hop, in the order the traffic meets them. */
  readonly layers: LayerVerdict[];
  /**
   * The first layer that drops the connection.
   * @default - none: the connection is allowed
   */
  readonly decidingLayer?: LayerVerdict;
  /**
   * The gateway the connection is routed through (`namespace/workload`).
   * @default - a direct connection
   */
  readonly gateway?: string;
}
