// Gateway routes as the model reads them from GATEWAY_ROUTE facts: which probes a route carries,
// where the gateway pods are, and the gateway's own hop out.
import { EgressFact, FactKind } from './facts';
import { selects } from './matching';
import { networkVerdict } from './network-verdict';
import { ModelPolicy } from './policy';
import { LayerVerdict, Probe, ProbePod } from './probe';
import { labelsMatch } from '../core/names';
import { Protocol } from '../core/port-config';

/** A gateway route as the model reads it from a GATEWAY_ROUTE fact. @internal */
export interface RouteView {
  readonly fact: EgressFact;
  readonly gatewayPod: ProbePod;
  readonly gateway: string;
  /** istiod as the routed sidecars reach it. */
  readonly controlPlane?: { readonly pod: ProbePod; readonly port: number };
  /** appPort -> [upstream port, gateway pod port]. */
  readonly legs: ReadonlyMap<number, readonly [number, number]>;
  readonly hosts: readonly string[];
}

function routeView(f: EgressFact): RouteView | undefined {
  const r = f.gatewayRoute;
  if (!r || !f.source) return undefined;
  const legs = new Map<number, readonly [number, number]>();
  for (const leg of r.legs ?? []) {
    if (!legs.has(leg.appPort)) legs.set(leg.appPort, [leg.upstreamPort, leg.gatewayPort]);
  }
  const cp = r.controlPlane;
  const controlPlane = cp ? { pod: { namespace: cp.namespace, labels: { ...cp.labels } }, port: cp.port } : undefined;
  const g = r.gateway;
  return { fact: f, gatewayPod: { namespace: g.namespace, labels: { ...g.labels } }, gateway: `${g.namespace}/${g.workload}`, legs, hosts: [...r.hosts], ...(controlPlane ? { controlPlane } : {}) };
}

/** The routes of a fact list by source namespace, read once per list. */
const ROUTES = new WeakMap<readonly EgressFact[], Map<string, RouteView[]>>();
const NO_ROUTES: RouteView[] = [];

/** The gateway routes of pods in `namespace`. @internal */
export function routesFrom(facts: readonly EgressFact[], namespace: string): readonly RouteView[] {
  let index = ROUTES.get(facts);
  if (!index) {
    index = new Map();
    for (const f of facts) {
      if (f.kind !== FactKind.GATEWAY_ROUTE) continue;
      const r = routeView(f);
      if (!r) continue;
      const list = index.get(r.fact.source!.namespace);
      if (list) list.push(r); else index.set(r.fact.source!.namespace, [r]);
    }
    ROUTES.set(facts, index);
  }
  return index.get(namespace) ?? NO_ROUTES;
}

/** True when route `r` carries the probe (TCP from its pods to one of its hosts on a routed port). @internal */
export function routeCarries(r: RouteView, probe: Probe): boolean {
  if (probe.skipsMesh || probe.protocol !== Protocol.TCP || probe.toHostname === undefined) return false;
  if (!selects(r.fact.source!, probe.from)) return false;
  if (!r.legs.has(probe.port)) return false;
  const host = probe.toHostname;
  return r.hosts.some((h) => h === host || (h.startsWith('*.') && host.endsWith(h.slice(1))));
}

/** True when `pod` is the route's gateway, or (on its port) the control plane its sidecars reach. @internal */
export function routeReaches(r: RouteView, pod: ProbePod, port: number): boolean {
  const gw = pod.namespace === r.gatewayPod.namespace && labelsMatch(r.gatewayPod.labels, pod.labels);
  const cp = r.controlPlane !== undefined && port === r.controlPlane.port
    && pod.namespace === r.controlPlane.pod.namespace && labelsMatch(r.controlPlane.pod.labels, pod.labels);
  return gw || cp;
}

/** The gateway's own hop out: it depends on the gateway pods' policies only, so callers may keep it. @internal */
export function gatewayHop(
  policiesOf: (pod: ProbePod) => readonly ModelPolicy[], route: RouteView, probe: Probe, memo: Map<string, LayerVerdict> | undefined,
): LayerVerdict {
  const key = `${route.gateway}|${probe.toHostname}|${probe.port}`;
  let v = memo?.get(key);
  if (!v) {
    v = networkVerdict(policiesOf(route.gatewayPod), probe, 'gateway → destination');
    memo?.set(key, v);
  }
  return v;
}
