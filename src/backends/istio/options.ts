/**
 * How `EgressBackend.istio()` resolves hostname patterns (`*.example.com`).
 */
export enum IstioWildcardResolution {
  /**
   * `resolution: NONE`: the sidecar matches the TLS SNI (or HTTP Host) against the pattern and
   * forwards the connection to the address the application connected to. Works on every Istio
   * version; a client that sends a matching SNI to any address gets through (SNI spoofing).
   */
  NONE = 'NONE',
  /**
   * `resolution: DYNAMIC_DNS`: the sidecar resolves the SNI/Host itself and connects to that
   * name, so the destination address follows the name. On sidecars from Istio 1.30 (1.30.0 change
   * notes, istio/istio#58688; before, ambient waypoints only); refused for older declared
   * releases. Istio accepts it on HTTP, TLS, HTTP2 and GRPC ports only, so `Port.https()` is
   * declared as TLS (both are matched by SNI). Never used on egress gateways, which lack it
   * (istio/istio#61831). A client can still send a matching SNI and reach another host of the
   * pattern (SNI spoofing, as the change notes say).
   */
  DYNAMIC_DNS = 'DYNAMIC_DNS',
}

/**
 * Options for `EgressBackend.istio()`.
 */
export interface IstioBackendOptions {
  /**
   * Emit a `Sidecar` with `outboundTrafficPolicy.mode: REGISTRY_ONLY` for the source namespace,
   * so hosts that no ServiceEntry declares are blocked by the sidecar. One Sidecar is emitted per
   * namespace for the whole app (two namespace-wide Sidecars are an Istio error).
   * Set to false when the namespace (or the mesh, `meshConfig.outboundTrafficPolicy`) already
   * runs REGISTRY_ONLY under a Sidecar you manage yourself.
   * @default true
   */
  readonly registryOnly?: boolean;

  /**
   * Namespaces the emitted ServiceEntries are exported to (`exportTo`). The default keeps each
   * allow-list inside its own namespace, so it cannot widen another namespace's egress.
   * @default ['.']
   */
  readonly exportTo?: string[];

  /**
   * Hosts, in Istio's `namespace/dnsName` form, that the namespace's sidecars may see besides
   * their own namespace (`./*`), for example `payments/*` for in-cluster services of the
   * `payments` namespace. Under REGISTRY_ONLY a service the sidecar cannot see is blocked.
   * ServiceEntries exported by other namespaces stay invisible unless listed here, so they cannot
   * widen this namespace's egress.
   * @default - only `./*` (plus the hosts an EgressGateway routes for this namespace)
   */
  readonly sidecarEgressHosts?: string[];

  /**
   * How hostname patterns are resolved.
   * @default IstioWildcardResolution.NONE
   */
  readonly wildcardResolution?: IstioWildcardResolution;

  /**
   * The Istio release the mesh runs, `MAJOR.MINOR` (a patch is accepted and ignored); 1.22 or
   * later (the emitted objects use the `v1` APIs, which Istio 1.22 introduced). Read by the
   * version-dependent choices: `IstioWildcardResolution.DYNAMIC_DNS` needs 1.30.
   * @default - the `cdk8s-egress:istioVersion` context value, else 1.30 (the release of the pinned CRDs)
   */
  readonly version?: string;
}
