// Typed details of a GATEWAY_ROUTE fact: what the model, monitoring and the report read about a
// route through an egress gateway, as values rather than formatted strings.

/** The pods of an egress gateway, as monitoring and the model find them. */
export interface GatewayWorkloadFact {
  /** Namespace of the gateway pods. */
  readonly namespace: string;
  /** Name of the gateway workload, as metrics label it (Istio's `source_workload`). */
  readonly workload: string;
  /** Labels of the gateway pods. */
  readonly labels: Record<string, string>;
}

/** One way a route's traffic crosses the gateway. */
export interface GatewayRouteLegFact {
  /** The port the application connects to. */
  readonly appPort: number;
  /** The port the gateway connects to upstream. */
  readonly upstreamPort: number;
  /** The gateway pod port that carries the leg. */
  readonly gatewayPort: number;
}

/** The control plane the routed workloads' proxies keep reaching (istiod). */
export interface GatewayControlPlaneFact {
  /** Namespace of the control plane pods. */
  readonly namespace: string;
  /** Labels of the control plane pods. */
  readonly labels: Record<string, string>;
  /** The port the proxies connect to. */
  readonly port: number;
}

/** A route through an egress gateway, as `EgressFact.gatewayRoute` carries it. */
export interface GatewayRouteFact {
  /** Which implementation: `istio`, ... Routes of other providers are not monitored. */
  readonly provider: string;
  /** The gateway pods. */
  readonly gateway: GatewayWorkloadFact;
  /** The external hosts routed. */
  readonly hosts: string[];
  /**
   * The route's legs, one per application port.
   * @default - none: the route carries no connection the model can check
   */
  readonly legs?: GatewayRouteLegFact[];
  /**
   * The control plane the routed proxies reach.
   * @default - none
   */
  readonly controlPlane?: GatewayControlPlaneFact;
}
