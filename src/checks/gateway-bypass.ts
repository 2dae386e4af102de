// The gateway-bypass check. The bypass closure of an EgressGateway limits a routed source to DNS,
// istiod and the gateway, but NetworkPolicies add up: another policy that allows the same pods
// direct egress reopens the path around the gateway. Every route the gateways recorded
// (src/gateway/route-records.ts) is compared with every direct allowance of a CNI backend for pods it may
// share, and reported at the route's gateway:
// - a hostname destination that matches a routed host is an error (the intent contradicts itself):
//   check `gateway-bypass`, EGRESS_CONFLICTING_OPTIONS;
// - an address block is a warning (it may or may not hold the routed hosts' addresses; the library
//   cannot know): check `gateway-bypass-warning`, `cdk8s-egress:gatewayBypass`.
import { IConstruct } from 'constructs';
import { AppCheck, CheckLevel, Finding } from './engine';
import { describeSourceBrief, sortedLabelText } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination-config';
import { EgressErrorCode } from '../core/errors';
import { hostnameMatches, isHostnameKind } from '../core/hosts';
import { sourcesMayOverlap } from '../core/names';
import { EnforcementLayer } from '../core/policy-config';
import { SourceConfig } from '../core/source-config';
import { EgressWarningId } from '../core/warning-ids';
import { RouteRecord, gatewayRoutes } from '../gateway/route-records';
import { EgressModel } from '../model/egress-model';
import { GrantPurpose, ModelPolicy } from '../model/policy';
import { AppState, StateKey } from '../util/app-state';

/** One way around a gateway: an error (a routed host allowed directly) or a warning (an address block). */
interface BypassFinding extends Finding {
  /** Route, policy and destination: a warning is added once per key. */
  readonly key: string;
  readonly error: boolean;
}

/** The findings of the last run, by model revision and route count (both checks read one analysis). */
interface Kept {
  readonly revision: number;
  readonly routes: number;
  readonly findings: readonly BypassFinding[];
}

const KEPT = StateKey.local<{ last?: Kept }>('gatewayBypassFindings');

/** No policy allows routed pods direct egress to a routed host. */
export const GATEWAY_BYPASS: AppCheck = {
  id: 'gateway-bypass',
  level: CheckLevel.ERROR,
  run: (app: IConstruct): Finding[] => bypassFindings(app).filter((f) => f.error).map(({ path, message }) => ({ path, message })),
};

/** Policies that allow routed pods direct egress to an address block (which may hold routed hosts' addresses). */
export const GATEWAY_BYPASS_WARNING: AppCheck = {
  id: 'gateway-bypass-warning',
  level: CheckLevel.WARNING,
  warningId: EgressWarningId.GATEWAY_BYPASS,
  run: (app: IConstruct): Finding[] => {
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const f of bypassFindings(app)) {
      if (f.error || seen.has(f.key)) continue;
      seen.add(f.key);
      out.push({ path: f.path, message: f.message });
    }
    return out;
  },
};

/** The findings, computed once per model revision and set of routes (the two checks share them). */
function bypassFindings(app: IConstruct): readonly BypassFinding[] {
  const routes = gatewayRoutes(app);
  if (routes.length === 0) return [];
  const revision = EgressModel.of(app)._revisionNumber();
  const kept = AppState.of(app).get(KEPT, () => ({}));
  if (kept.last?.revision !== revision || kept.last.routes !== routes.length) {
    // The policies are read once per revision and not kept: only the findings are.
    kept.last = { revision, routes: routes.length, findings: compute(routes, EgressModel.of(app).policies()) };
  }
  return kept.last.findings;
}

/** Every route compared with every direct allowance of pods it may share, in policy order. */
function compute(routes: readonly RouteRecord[], policies: readonly ModelPolicy[]): BypassFinding[] {
  // Routes by namespace, each with its gateway's path prefix built once (the loop below runs for
  // every policy × route of a namespace).
  const byNamespace = new Map<string, Array<{ route: RouteRecord; source: SourceConfig; gatewayPrefix: string }>>();
  for (const route of routes) {
    const source = route.source();
    let inNamespace = byNamespace.get(source.namespace);
    if (inNamespace === undefined) {
      inNamespace = [];
      byNamespace.set(source.namespace, inNamespace);
    }
    inNamespace.push({ route, source, gatewayPrefix: `${route.gateway.node.path}/` });
  }
  const out: BypassFinding[] = [];
  for (const p of policies) {
    // Mesh policies act in the sidecar (which the gateway's VirtualServices steer), not on the
    // network path the closure shuts; DNS-only and deny policies open no path.
    if (p.semantics.layer === EnforcementLayer.MESH || p.purpose !== GrantPurpose.ALLOW) continue;
    const inNamespace = byNamespace.get(p.source.namespace);
    if (inNamespace === undefined) continue;
    for (const { route, source, gatewayPrefix } of inNamespace) {
      // The gateway's own policies (the bypass closure) are its children.
      if (p.constructPath.startsWith(gatewayPrefix) || !sourcesMayOverlap(p.source, source)) continue;
      for (const d of p.rules.flatMap((r) => r.destinations)) {
        const finding = check(route, source, p, d);
        if (finding) out.push(finding);
      }
    }
  }
  return out;
}

function check(route: RouteRecord, source: SourceConfig, p: ModelPolicy, d: DestinationConfig): BypassFinding | undefined {
  // The policy's own pods, and the routed ones when they differ (selectors that may overlap).
  const same = p.source.namespace === source.namespace && labelsKey(p.source) === labelsKey(source);
  const who = same ? describeSourceBrief(source) : `${describeSourceBrief(p.source)} (which may include the routed ${describeSourceBrief(source)})`;
  const path = route.gateway.node.path;
  if (isHostnameKind(d.kind)) {
    const hit = route.hosts.find((h) => hostnameMatches(d, h));
    if (!hit) return undefined;
    return {
      path,
      key: `${route.routePath}|${p.constructPath}|${d.hostname}`,
      error: true,
      message: `${p.constructPath} allows ${who} direct egress to ${d.hostname}, which route ${route.routePath} sends through this gateway: `
        + 'NetworkPolicies add up, so the pods could reach the host without the gateway. Remove the direct allowance, or the route '
        + `(${EgressErrorCode.CONFLICTING_OPTIONS})`,
    };
  }
  if (d.kind !== DestinationKind.CIDR) return undefined;
  return {
    path,
    key: `${route.routePath}|${p.constructPath}|${d.cidr}`,
    error: false,
    message: `${p.constructPath} allows ${who} direct egress to ${d.cidr}${d.except?.length ? ` except ${d.except.join(', ')}` : ''}, and route ${route.routePath} `
      + `sends the same pods' traffic to ${route.hosts.join(', ')} through this gateway. NetworkPolicies add up: if the block holds addresses of those hosts, `
      + 'the pods can reach them without the gateway. Narrow the block, or acknowledge this warning',
  };
}

function labelsKey(s: SourceConfig): string {
  return s.podLabels ? sortedLabelText(s.podLabels) : '';
}
