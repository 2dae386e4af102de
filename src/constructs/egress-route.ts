import { Construct, IConstruct } from 'constructs';
import { Destination } from '../core/destination';
import { raise } from '../core/egress-error';
import { constructScope } from '../core/inputs';
import { Port } from '../core/port';
import { EgressSource } from '../core/source';
import { HttpRule } from '../gateway/http-rule';
import { EGRESS_ROUTE_PROPS } from './private/schemas';

/**
 * What a route through an egress gateway routes: which pods, to which hosts, on which ports.
 * `EgressGateway.addRoute()` takes these.
 */
export interface EgressRouteOptions {
  /** The workloads whose traffic is routed through the gateway. */
  readonly source: EgressSource;
  /**
   * External hosts: `Destination.fqdn()` only. Hostname patterns cannot be routed by an Envoy
   * gateway without an SNI forward proxy; addresses cannot be routed (the gateway would loop).
   */
  readonly destinations: Destination[];
  /**
   * Ports with their application protocol: `Port.https()`/`Port.tls()` (routed by SNI,
   * encrypted end to end) or `Port.http()`/`Port.grpc()` (routed by Host; the gateway sees the
   * requests). Plain `Port.tcp()` carries no hostname and is refused.
   */
  readonly ports: Port[];
  /**
   * The application sends plain HTTP (`Port.http(80)`) and the gateway opens TLS to the host on
   * `originationPort` (DestinationRule `tls.mode: SIMPLE`, `sni` = host). Lets `httpRules` see
   * requests of services that only speak HTTPS.
   * @default false
   */
  readonly tlsOrigination?: boolean;
  /**
   * Port the gateway connects to when it originates TLS.
   * @default 443
   */
  readonly originationPort?: number;
  /**
   * Requests allowed on HTTP routes (ORed). Needs HTTP visibility: a plain HTTP port or
   * `tlsOrigination`.
   * @default - every request to the hosts and ports
   */
  readonly httpRules?: HttpRule[];
  /**
   * Service accounts (in the source namespace) allowed to use the route. Checked by the
   * gateway's AuthorizationPolicy against the mTLS identity.
   * @default - every workload identity of the source namespace
   */
  readonly serviceAccounts?: string[];
  /**
   * Base name of the route's VirtualService and ServiceEntry (one per host; suffixed with the
   * host when the route has several).
   * @default - `<gateway name>-<host>` when the gateway has a name, else derived from the path
   */
  readonly name?: string;
}

/**
 * An egress gateway that routes: `EgressGateway`.
 */
export interface IEgressGateway extends IConstruct {
  /**
   * Plan and render `route`; returns its hosts. Throws, with the route's path, on what cannot
   * be routed.
   * @internal
   */
  _addRoute(route: EgressRoute, options: EgressRouteOptions): string[];
}

/**
 * Properties of an `EgressRoute`: the gateway and what it routes.
 */
export interface EgressRouteProps extends EgressRouteOptions {
  /** The gateway the traffic goes through. */
  readonly gateway: IEgressGateway;
}

/**
 * A route through an egress gateway: `source`'s traffic to `destinations` on `ports` goes through
 * the gateway pods. `gateway.addRoute(id, options)` creates one under the gateway; created
 * anywhere else, its objects are still the gateway's (errors name the route's path).
 *
 * @example
 * new EgressRoute(chart, 'external-api', {
 *   gateway,
 *   source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
 *   destinations: [Destination.fqdn('api.external.com')],
 *   ports: [Port.HTTPS],
 * });
 */
export class EgressRoute extends Construct {
  /** The gateway the traffic goes through. */
  public readonly gateway: IEgressGateway;
  /** The workloads whose traffic is routed. */
  public readonly source: EgressSource;
  /** The external hosts. */
  public readonly hosts: string[];

  public constructor(scope: Construct, id: string, props: EgressRouteProps) {
    super(constructScope(scope, id, 'EgressRoute'), id);
    raise(this, EGRESS_ROUTE_PROPS(props, 'EgressRoute props'));
    this.gateway = props.gateway;
    this.source = props.source;
    this.hosts = props.gateway._addRoute(this, props);
  }
}
