// The contract between EgressGateway and the data plane that implements it. The construct owns
// what every gateway has: planning routes (route-planner.ts), the bypass-closing policies
// (rendered with the construct's `backends`/`gatewayBackends`), the warnings and facts about
// opt-outs, and the typed route facts. A provider owns everything about its data plane: its
// objects, its names, its app-wide conflicts, and the pods and ports its routes pass through.
//
// What a provider gets: once, the gateway construct and its settings (`bind`); then, for each
// route, the planned route (hosts, legs with their listeners, the source's grant) to check and
// then to apply, and the deny patterns of `denyHosts()`. What it returns: where routed traffic
// goes (the gateway pods and the ports the sources use on them, the control plane the proxies
// must keep reaching), from which the construct renders the bypass closure and the facts; and
// the objects it emitted. It never sees the enforcement backends.
//
// The next providers fit this shape without a change to the construct: Gateway API (a Gateway
// with TLSRoute/HTTPRoute objects, its listeners as `listeners`, the Gateway's Deployment as
// `pods`) and ambient waypoints (the waypoint as `pods`, HBONE's port as both listeners' target,
// no per-route sidecar objects).
import { Construct } from 'constructs';
import { GatewaySettings, IGatewayBinding } from './binding';
import { Problem } from '../core/egress-error';

/**
 * The data plane behind an `EgressGateway`: `EgressGatewayProvider.istio()` today. A provider
 * renders the routes the gateway plans; the gateway renders the bypass-closing policies from the
 * pods and ports the provider reports.
 */
export interface IEgressGatewayProvider {
  /** Which data plane, as reports and monitoring name it (`istio`). */
  readonly id: string;
  /** Human-readable name (`Istio egress gateway`). */
  readonly displayName: string;

  /**
   * Problems with the provider's options, reported at the gateway that uses it.
   * @internal
   */
  _problems(): Problem[];

  /**
   * Attach the provider to one gateway. Throws at `gateway` on settings it cannot honour.
   * @internal
   */
  _bind(gateway: Construct, settings: GatewaySettings): IGatewayBinding;
}
