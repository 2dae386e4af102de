// Gateway bypass through other policies. The bypass closure of an EgressGateway limits a routed
// source to DNS, istiod and the gateway, but NetworkPolicies add up: another policy that allows
// the same pods direct egress reopens the path around the gateway. Once the app is built, every
// route is compared with every direct allowance of a CNI backend for pods it may share:
// - a hostname destination that matches a routed host is an error (the intent contradicts itself);
// - an address block is a warning, `cdk8s-egress:gatewayBypass` (it may or may not hold the
//   routed hosts' addresses; the library cannot know).
import { IConstruct } from 'constructs';
import { labelText, sortedLabelText } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination-config';
import { EgressErrorCode } from '../core/errors';
import { hostnameMatches, isHostnameKind } from '../core/hosts';
import { sourcesMayOverlap } from '../core/names';
import { EnforcementLayer } from '../core/policy-config';
import { SourceConfig } from '../core/source-config';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { EgressModel } from '../model/egress-model';
import { GrantPurpose, ModelPolicy } from '../model/policy';

/** One route of a gateway, as the bypass check needs it. */
export interface RouteRecord {
  readonly gateway: IConstruct;
  readonly routePath: string;
  readonly source: () => SourceConfig;
  readonly hosts: readonly string[];
}

interface Finding {
  readonly gateway: IConstruct;
  readonly key: string;
  readonly message: string;
  readonly error: boolean;
}

interface Registry {
  readonly routes: RouteRecord[];
  kept?: { readonly revision: number; readonly findings: readonly Finding[] };
  readonly warned: Set<string>;
}

const REGISTRY = '__cdk8sEgressGatewayBypass';

/** Record a route; the first one of an app installs the app-wide check. */
export function recordRoute(route: RouteRecord): void {
  const root = route.gateway.node.root as unknown as Record<string, Registry | undefined>;
  let reg = root[REGISTRY];
  if (!reg) {
    const created: Registry = { routes: [], warned: new Set() };
    reg = created;
    Object.defineProperty(root, REGISTRY, { value: created, enumerable: false });
    const model = EgressModel.of(route.gateway);
    EgressWarnings._addSynthCheck(route.gateway, () => {
      for (const f of findings(created, model)) {
        if (f.error || created.warned.has(f.key)) continue;
        created.warned.add(f.key);
        EgressWarnings.add(f.gateway, EgressWarningId.GATEWAY_BYPASS, f.message);
      }
    });
  }
  if (!reg.routes.some((r) => r.gateway === route.gateway)) {
    const r = reg;
    const model = EgressModel.of(route.gateway);
    route.gateway.node.addValidation({
      validate: () => findings(r, model).filter((f) => f.error && f.gateway === route.gateway).map((f) => f.message),
    });
  }
  reg.routes.push(route);
}

/** The findings, computed once per model revision (cdk8s validates the app once per chart). */
function findings(reg: Registry, model: EgressModel): readonly Finding[] {
  const revision = model._revisionNumber();
  // The policies are read once per revision and not kept: only the findings are.
  if (reg.kept?.revision !== revision) reg.kept = { revision, findings: compute(reg.routes, model.policies()) };
  return reg.kept.findings;
}

function compute(routes: readonly RouteRecord[], policies: readonly ModelPolicy[]): Finding[] {
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
  const out: Finding[] = [];
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

function check(route: RouteRecord, source: SourceConfig, p: ModelPolicy, d: DestinationConfig): Finding | undefined {
  // The policy's own pods, and the routed ones when they differ (selectors that may overlap).
  const same = p.source.namespace === source.namespace && labelsKey(p.source) === labelsKey(source);
  const who = same ? describe(source) : `${describe(p.source)} (which may include the routed ${describe(source)})`;
  if (isHostnameKind(d.kind)) {
    const hit = route.hosts.find((h) => hostnameMatches(d, h));
    if (!hit) return undefined;
    return {
      gateway: route.gateway,
      key: `${route.routePath}|${p.constructPath}|${d.hostname}`,
      error: true,
      message: `${p.constructPath} allows ${who} direct egress to ${d.hostname}, which route ${route.routePath} sends through this gateway: `
        + 'NetworkPolicies add up, so the pods could reach the host without the gateway. Remove the direct allowance, or the route '
        + `(${EgressErrorCode.CONFLICTING_OPTIONS})`,
    };
  }
  if (d.kind !== DestinationKind.CIDR) return undefined;
  return {
    gateway: route.gateway,
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

function describe(s: SourceConfig): string {
  return s.podLabels ? `pods ${labelText(s.podLabels)} in ${s.namespace}` : `every pod in ${s.namespace}`;
}
