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
   * `resolution: DYNAMIC_DNS` (Istio 1.28+): the sidecar resolves the SNI/Host itself and
   * connects to that name, so the destination address follows the name. Needs HTTP, HTTPS, TLS,
   * HTTP2 or GRPC ports and, depending on the release, istiod's wildcard-ServiceEntry feature flag.
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
}
