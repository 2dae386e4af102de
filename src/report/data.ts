// The egress report as plain data, serialized as egress-report.json. Field order is the order of
// declaration here; arrays are sorted, so the same app always gives byte-identical output.

/** A command with what it checks. */
export interface CommandData {
  readonly purpose: string;
  readonly command: string;
}

/** One thing a workload may reach. */
export interface ReachRow {
  /** Human-readable destination. */
  readonly destination: string;
  /** DestinationKind. */
  readonly kind: string;
  /** `TCP/443 (HTTPS)`, ...; `all ports` when unrestricted. */
  readonly ports: string[];
  /** `direct`, `in-cluster`, or `via gateway <ns>/<workload>`. */
  readonly path: string;
  /** The source address the destination sees. */
  readonly sourceIp: string;
  /** `Kind/namespace/name (backend)` of the objects that allow it. */
  readonly enforcedBy: string[];
  /**
   * What every enforcing layer does with it, hop by hop, checked with the EgressModel for a pod
   * of the workload: `network (pod → destination): allowed by NetworkPolicy/...`.
   */
  readonly layers: string[];
  /** `allowed`, or `blocked by <layer>: <objects>` when a layer drops it (only with an opt-out). */
  readonly verdict: string;
}

/** A fact as listed for a workload. */
export interface FactLine {
  readonly summary: string;
  readonly declaredBy: string;
  readonly objects: string[];
  /** True when the fact has no source (applies to every workload). */
  readonly clusterWide: boolean;
}

/** A warning as listed. */
export interface WarningLine {
  readonly id: string;
  readonly constructPath: string;
  readonly message: string;
  /** The reason it was acknowledged; empty when open. */
  readonly acknowledged: string;
}

/** Everything about one source workload. */
export interface WorkloadData {
  /** `namespace` or `namespace/k=v,k2=v2`. */
  readonly id: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly description: string;
  /** True when some policy selects it: everything not listed is denied. */
  readonly isolated: boolean;
  /** Objects that select it (and so isolate it). */
  readonly isolatedBy: string[];
  /** Set when every isolating object enforces only these protocols (Istio sidecars: TCP). */
  readonly isolatedProtocols?: string[];
  readonly reach: ReachRow[];
  /** DNS paths: `<resolver> on UDP/53, TCP/53 — <objects>`. */
  readonly dns: string[];
  readonly logging: FactLine[];
  readonly alerts: FactLine[];
  readonly optOuts: FactLine[];
  readonly warnings: WarningLine[];
  readonly commands: CommandData[];
}

/** An egress gateway seen in GATEWAY_ROUTE facts. */
export interface GatewayData {
  /** `namespace/workload`, or the route summary when the fact has no gateway details. */
  readonly id: string;
  readonly namespace: string;
  readonly workload: string;
  readonly hosts: string[];
  /** `<workload id> → hosts (declared at <path>)`. */
  readonly routes: string[];
  readonly objects: string[];
  readonly sourceIp: string;
  readonly commands: CommandData[];
}

/** The whole report. */
export interface ReportData {
  readonly formatVersion: number;
  readonly counts: { readonly policies: number; readonly facts: number; readonly warnings: number; readonly workloads: number };
  /**
   * The release each backend's objects were rendered for, and where it was declared:
   * `cilium 1.19: declared by default (...)`. Objects below carry it too: `Kind/ns/name (cilium 1.19)`.
   */
  readonly backendVersions: string[];
  readonly workloads: WorkloadData[];
  readonly gateways: GatewayData[];
  /** Facts that concern no workload the app declares policies or routes for. */
  readonly unattachedFacts: Array<FactLine & { readonly kind: string }>;
  /** Warnings about no particular workload. */
  readonly otherWarnings: WarningLine[];
  /** Every warning of the app. */
  readonly warnings: WarningLine[];
  readonly mermaid: string;
}
