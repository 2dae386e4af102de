// The routes of an app's egress gateways, recorded for the gateway-bypass check
// (src/checks/gateway-bypass.ts), which compares each with the direct allowances of the app's
// other policies. Kept in the gateway layer so the construct records a route without loading the
// checks; the check reads the records.
import { IConstruct } from 'constructs';
import { SourceConfig } from '../core/source-config';
import { AppState, StateKey } from '../util/app-state';

/** One route of a gateway, as the bypass check needs it. */
export interface RouteRecord {
  readonly gateway: IConstruct;
  readonly routePath: string;
  readonly source: () => SourceConfig;
  readonly hosts: readonly string[];
}

/**
 * The gateway routes of an app, in the order they were added. Shared by every copy of the library
 * in the process: a direct allowance made by either copy reopens the path around a gateway of the
 * other.
 */
const ROUTES = StateKey.shared<RouteRecord[]>('gatewayBypassRoutes');

/** Record a route; the gateway-bypass check compares it with the app's direct allowances at synth. */
export function recordRoute(route: RouteRecord): void {
  AppState.of(route.gateway).get(ROUTES, () => []).push(route);
}

/** The gateway routes of the app of `scope`, in the order they were added. */
export function gatewayRoutes(scope: IConstruct): readonly RouteRecord[] {
  return AppState.of(scope).peek(ROUTES) ?? [];
}
