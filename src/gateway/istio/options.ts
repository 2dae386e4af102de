// Options of the Istio egress gateway provider.
/**
 * A port of the egress gateway's Service.
 */
export interface EgressGatewayPort {
  /** The Service port: what Gateway servers and VirtualServices name. */
  readonly port: number;
  /**
   * The container port on the gateway pods behind it: what NetworkPolicies and
   * AuthorizationPolicies see (traffic reaches the pods after Service translation).
   */
  readonly targetPort: number;
}

/**
 * Options for `EgressGatewayProvider.istio()`. The defaults match the `istio-egressgateway`
 * of `istioctl install` / the `gateway` Helm chart.
 */
export interface IstioEgressGatewayOptions {
  /**
   * Namespace of the egress gateway pods (where the Gateway, its AuthorizationPolicies and the
   * routes' VirtualServices and ServiceEntries are emitted).
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the egress gateway pods (Gateway `selector`, AuthorizationPolicy and NetworkPolicy
   * selectors).
   * @default { istio: 'egressgateway' }
   */
  readonly selector?: Record<string, string>;
  /**
   * Hostname of the egress gateway Service, the target of the sidecars' routes.
   * @default 'istio-egressgateway.<namespace>.svc.cluster.local'
   */
  readonly serviceHost?: string;
  /**
   * The Service port that carries TLS (SNI-routed) traffic.
   * @default { port: 443, targetPort: 8443 }
   */
  readonly tlsPort?: EgressGatewayPort;
  /**
   * The Service port that carries HTTP traffic (plain, or TLS-originated by the gateway).
   * @default { port: 80, targetPort: 8080 }
   */
  readonly httpPort?: EgressGatewayPort;
  /**
   * Istio's root configuration namespace. A `Telemetry` with a workload selector is ignored
   * there, so the gateway's access log is emitted only when the gateway runs elsewhere.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * Trust domain of workload identities (for `serviceAccounts` on routes).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Namespace of istiod, which sidecars and the gateway must keep reaching (xDS and
   * certificates) under the bypass-closing NetworkPolicies.
   * @default 'istio-system'
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Labels of the istiod pods.
   * @default { app: 'istiod' }
   */
  readonly controlPlaneLabels?: Record<string, string>;
  /**
   * istiod's xDS/CA port.
   * @default 15012
   */
  readonly controlPlanePort?: number;
}
