// Route planning as pure functions (no constructs, no app state): what a route asks for, checked
// and turned into legs and grants, and how it merges into a gateway's route model. Each check
// returns the problem instead of throwing, so the construct raises it with the route's path and
// the property tests can call every function directly.
import { HttpRule } from './http-rule';
import { GatewayListeners, GatewayModel, HostEntry, HttpRuleData, Leg, LegMode, PlannedLeg, SourceGrant } from './route-model';
import { labelText } from '../core/describe';
import { Destination } from '../core/destination';
import { DestinationKind } from '../core/destination-config';
import { Problem } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { sortedLabels } from '../core/names';
import { Port } from '../core/port';
import { AppProtocol, PortConfig, Protocol } from '../core/port-config';
import { isPortNumber } from '../core/port-number';
import { SourceConfig } from '../core/source-config';

/** A value, or the first problem that kept it from being planned. */
export type Planned<T> = { readonly value: T; readonly problem?: undefined } | { readonly problem: Problem; readonly value?: undefined };

const ok = <T>(value: T): Planned<T> => ({ value });
const fail = <T>(code: EgressErrorCode, message: string): Planned<T> => ({ problem: { code, message } });

/** The external hosts of a route: exact hostnames only, each once. */
export function planHosts(destinations: readonly Destination[]): Planned<string[]> {
  if (destinations.length === 0) {
    return fail(EgressErrorCode.EMPTY_POLICY, 'The route has no destinations. Pass at least one Destination.fqdn()');
  }
  const hosts: string[] = [];
  for (const d of destinations) {
    const problems = d._problems();
    if (problems.length > 0) return { problem: joined(problems) };
    const c = d.toConfig();
    switch (c.kind) {
      case DestinationKind.FQDN:
        if (hosts.includes(c.hostname!)) {
          return fail(EgressErrorCode.DUPLICATE_RULE, `${c.hostname} is listed twice in the route's destinations. Remove the duplicate`);
        }
        hosts.push(c.hostname!);
        break;
      case DestinationKind.FQDN_PATTERN:
      case DestinationKind.FQDN_SUFFIX:
        return fail(EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `Cannot route the pattern ${c.hostname} through the egress gateway: Envoy routes to hosts it knows, and after the sidecar sends the connection to the gateway the original address is lost. `
          + 'List the hosts with Destination.fqdn(), or allow the pattern directly from the sidecar with EgressBackend.istio() (ServiceEntry with resolution NONE, or DYNAMIC_DNS on Istio 1.30+, which Istio supports on sidecars only, not on gateways: istio/istio#61831) '
          + 'together with a NetworkPolicy from a DNS-aware backend (EgressBackend.cilium()). '
          + 'Routing arbitrary subdomains through a gateway needs an SNI forward proxy next to it (Istio task "Egress using Wildcard Hosts"), which this library does not generate');
      case DestinationKind.CIDR:
      case DestinationKind.KUBE_API_SERVER:
        return fail(EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `Cannot route ${d} through the egress gateway: a ServiceEntry for addresses has resolution NONE or STATIC, and with NONE the gateway forwards to the original destination, which is the gateway itself (a loop). `
          + 'Route a hostname (Destination.fqdn()), or allow the addresses directly with an EgressPolicy');
      default:
        return fail(EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `Cannot route ${d} through the egress gateway: it is inside the cluster. Allow it with an EgressPolicy`);
    }
  }
  return ok(hosts);
}

/** What a route asks of its ports. */
export interface LegRequest {
  readonly ports: readonly Port[];
  readonly tlsOrigination?: boolean;
  readonly originationPort?: number;
}

/** The legs of a route: one per host and mode (TLS, HTTP), on the gateway's listener for the mode. */
export function planLegs(request: LegRequest, hosts: readonly string[], listeners: GatewayListeners, owner: string): Planned<PlannedLeg[]> {
  if (request.ports.length === 0) {
    return fail(EgressErrorCode.EMPTY_POLICY, 'The route has no ports. Pass e.g. Port.HTTPS (TLS, routed by SNI) or Port.http(80)');
  }
  const origination = request.tlsOrigination ?? false;
  const originationPort = request.originationPort ?? 443;
  if (request.originationPort !== undefined && !origination) {
    return fail(EgressErrorCode.CONFLICTING_OPTIONS, `originationPort ${request.originationPort} has no effect without tlsOrigination: true. Remove it or set tlsOrigination: true`);
  }
  if (!isPortNumber(originationPort)) {
    return fail(EgressErrorCode.INVALID_PORT, `Invalid originationPort ${originationPort}: ports must be whole numbers from 1 to 65535`);
  }
  const byMode = new Map<LegMode, PortConfig>();
  for (const port of request.ports) {
    const problems = port._problems();
    if (problems.length > 0) return { problem: joined(problems) };
    const p = port.toConfig();
    const mode = legMode(port, p);
    if (mode.problem) return mode;
    if (origination && mode.value === LegMode.TLS) {
      return fail(EgressErrorCode.CONFLICTING_OPTIONS,
        `tlsOrigination needs the application to send plain HTTP, but ${port} already carries TLS. Use Port.http(80) for the application side; the gateway then opens TLS to port ${originationPort}`);
    }
    const prev = byMode.get(mode.value);
    if (prev) {
      const what = mode.value === LegMode.TLS ? 'TLS' : 'HTTP';
      return fail(EgressErrorCode.CONFLICTING_OPTIONS,
        `The route has two ${what} ports (${prev.port} and ${p.port}). The gateway has one ${what} listener, and from it a host can go to one upstream port only. Use one route per port`);
    }
    byMode.set(mode.value, p);
  }
  const legs: PlannedLeg[] = [];
  for (const host of hosts) {
    for (const [mode, p] of byMode) {
      const protocol = mode === LegMode.TLS ? 'TLS' : p.appProtocol === AppProtocol.HTTP2 ? 'HTTP2' : p.appProtocol === AppProtocol.GRPC ? 'GRPC' : 'HTTP';
      legs.push({
        host,
        mode,
        appPort: p.port!,
        protocol,
        portName: `${(p.appProtocol ?? AppProtocol.TCP).toLowerCase()}-${p.port}`,
        origination: mode === LegMode.HTTP && origination,
        upstreamPort: mode === LegMode.HTTP && origination ? originationPort : p.port!,
        gatewayPort: mode === LegMode.TLS ? listeners.tls : listeners.http,
        owner,
      });
    }
  }
  return ok(legs);
}

/** How a port's traffic names its host: by SNI (TLS) or by Host header (HTTP). */
export function legMode(port: Port, p: PortConfig): Planned<LegMode> {
  if (p.protocol !== Protocol.TCP || p.port === undefined || p.endPort !== undefined) {
    return fail(EgressErrorCode.INVALID_PORT,
      `Cannot route ${port} through the egress gateway: routes need a single TCP port with its application protocol, e.g. Port.HTTPS or Port.http(80)`);
  }
  switch (p.appProtocol) {
    case AppProtocol.HTTPS:
    case AppProtocol.TLS:
      return ok(LegMode.TLS);
    case AppProtocol.HTTP:
    case AppProtocol.HTTP2:
    case AppProtocol.GRPC:
      return ok(LegMode.HTTP);
    default:
      return fail(EgressErrorCode.INVALID_PORT,
        `Cannot route ${port} through the egress gateway by hostname: opaque TCP carries neither a TLS SNI nor an HTTP Host, so neither the sidecar nor the gateway can tell the host. `
        + `Use Port.tls(${p.port}) or Port.https(${p.port}) if the protocol starts with a TLS handshake, Port.http(${p.port}) for HTTP, or allow the service's addresses with an EgressPolicy`);
  }
}

/**
 * The service accounts a route is limited to, sorted and de-duplicated (undefined: the whole
 * source namespace). They need the caller's mTLS identity.
 */
export function planServiceAccounts(
  serviceAccounts: readonly string[] | undefined, mtls: boolean, nameProblems: (name: string) => Problem[],
): Planned<string[] | undefined> {
  if (serviceAccounts === undefined) return ok(undefined);
  if (serviceAccounts.length === 0) {
    return fail(EgressErrorCode.EMPTY_POLICY, 'serviceAccounts is an empty list, which would allow no workload. Leave it out to allow the whole source namespace, or name the service accounts');
  }
  if (!mtls) {
    return fail(EgressErrorCode.CONFLICTING_OPTIONS, 'serviceAccounts needs mtls: true on the gateway: without Istio mTLS the gateway cannot see the caller\'s identity');
  }
  for (const sa of serviceAccounts) {
    const problems = nameProblems(sa);
    if (problems.length > 0) return { problem: joined(problems) };
  }
  return ok([...new Set(serviceAccounts)].sort());
}

/** The HTTP rules of a route (undefined: every request); only where the gateway sees HTTP. */
export function planHttpRules(httpRules: readonly HttpRule[] | undefined, legs: readonly PlannedLeg[]): Planned<HttpRuleData[] | undefined> {
  if (httpRules === undefined) return ok(undefined);
  if (httpRules.length === 0) {
    return fail(EgressErrorCode.EMPTY_POLICY, 'httpRules is an empty list, which would allow no request. Leave it out to allow every request, or list the rules');
  }
  for (const r of httpRules) {
    const problems = r._problems();
    if (problems.length > 0) return { problem: joined(problems) };
  }
  const tls = legs.find((l) => l.mode === LegMode.TLS);
  if (tls) {
    return fail(EgressErrorCode.CONFLICTING_OPTIONS,
      `httpRules cannot apply to ${tls.host} on port ${tls.appPort}: the application's TLS passes through the gateway unopened, so it sees only the SNI, not methods or paths. `
      + 'Let the application send plain HTTP and the gateway originate TLS (ports: [Port.http(80)], tlsOrigination: true), or drop httpRules for this route');
  }
  return ok(dedupeRules(httpRules.map((r) => r._toData())));
}

/** Where a source grant came from: which pods, with which HTTP rules, declared by which route. */
export interface GrantOrigin {
  readonly pods: string;
  readonly rules: string;
  readonly owner: string;
}

/** A gateway's route model and where each of its grants came from. */
export interface RouteBook {
  readonly model: GatewayModel;
  readonly origins: Map<SourceGrant, GrantOrigin>;
}

/** An empty book. */
export function newRouteBook(): RouteBook {
  return { model: { hosts: new Map(), denyHosts: [] }, origins: new Map() };
}

/** A route ready to merge: its source, legs, identities and HTTP rules. */
export interface RoutePlan {
  readonly owner: string;
  readonly source: SourceConfig;
  readonly hosts: readonly string[];
  readonly legs: readonly PlannedLeg[];
  /** Workload identities the gateway checks (undefined: the source namespace). */
  readonly principals?: readonly string[];
  readonly httpRules?: readonly HttpRuleData[];
  /** The route's `name` prop (base of its objects' names), if given. */
  readonly routeName?: string;
}

/**
 * Whether a leg can join what the book already routes for its host: the same host port keeps
 * one protocol and one upstream, and routes of other pods of a namespace (which the gateway
 * cannot tell apart) must not widen each other's HTTP rules.
 */
export function mergeProblem(book: RouteBook, plan: RoutePlan, leg: PlannedLeg): Problem | undefined {
  const entry = book.model.hosts.get(leg.host);
  if (!entry) return undefined;
  const existing = entry.legs.get(leg.mode);
  if (existing) {
    const same = existing.appPort === leg.appPort && existing.protocol === leg.protocol
      && existing.origination === leg.origination && existing.upstreamPort === leg.upstreamPort;
    if (!same) {
      return {
        code: EgressErrorCode.CONFLICTING_OPTIONS,
        message: `${leg.host} is already routed through this gateway as ${describeLeg(existing)} by ${existing.owner}; this route asks for ${describeLeg(leg)}. `
          + `The gateway's ${leg.mode === LegMode.TLS ? 'TLS' : 'HTTP'} listener can send a host to one upstream port with one protocol. Use the same ports and options in both routes`,
      };
    }
  }
  for (const other of entry.legs.values()) {
    if (other.mode !== leg.mode && other.appPort === leg.appPort) {
      return {
        code: EgressErrorCode.CONFLICTING_OPTIONS,
        message: `${leg.host} port ${leg.appPort} is routed as ${leg.protocol} here but as ${other.protocol} by ${other.owner}. `
          + 'A host port has one protocol: use the same Port factory in both routes',
      };
    }
  }
  const legRules = leg.mode === LegMode.HTTP ? plan.httpRules : undefined;
  const grant = entry.legs.get(leg.mode)?.grants.get(grantKey(plan.source, plan.principals));
  const origin = grant && book.origins.get(grant);
  if (!origin || origin.pods === JSON.stringify(plan.source) || origin.rules === JSON.stringify(legRules ?? null)) return undefined;
  const describeRules = (r: string) => (r === 'null' ? 'every request' : `only the requests its httpRules list (${r})`);
  return {
    code: EgressErrorCode.CONFLICTING_OPTIONS,
    message: `This route lets ${plan.source.podLabels ? 'its pods' : 'every pod'} in namespace "${plan.source.namespace}" send ${describeRules(JSON.stringify(legRules ?? null))} to ${leg.host}, `
      + `but route ${origin.owner} lets other pods of the same namespace send ${describeRules(origin.rules)}. The gateway tells sources apart by namespace`
      + `${plan.principals ? ' and service account' : ''} only, so both would get the union of the two, wider than either route asks. `
      + 'Give both routes the same httpRules, or tell the sources apart with serviceAccounts (distinct service accounts per workload)',
  };
}

/**
 * Merge a checked route into the book: new hosts get an entry (named by `objectName`), each leg
 * grants the route's source. Returns the entries the route touched, in leg order.
 */
export function mergeRoute(book: RouteBook, plan: RoutePlan, objectName: (host: string) => string | undefined): HostEntry[] {
  const touched: HostEntry[] = [];
  for (const leg of plan.legs) {
    let entry = book.model.hosts.get(leg.host);
    if (!entry) {
      entry = { host: leg.host, objectName: objectName(leg.host), legs: new Map() };
      book.model.hosts.set(leg.host, entry);
    }
    const target: Leg = entry.legs.get(leg.mode) ?? { ...leg, grants: new Map() };
    entry.legs.set(leg.mode, target);
    const key = grantKey(plan.source, plan.principals);
    const grant = target.grants.get(key);
    const legRules = leg.mode === LegMode.HTTP ? plan.httpRules : undefined;
    if (!grant) {
      const created: SourceGrant = {
        key,
        namespace: plan.source.namespace,
        ...(plan.principals ? { principals: [...plan.principals] } : {}),
        ...(legRules ? { httpRules: [...legRules] } : {}),
      };
      target.grants.set(key, created);
      book.origins.set(created, { pods: JSON.stringify(plan.source), rules: JSON.stringify(legRules ?? null), owner: plan.owner });
    } else if (grant.httpRules !== undefined) {
      grant.httpRules = legRules === undefined ? undefined : dedupeRules([...grant.httpRules, ...legRules]);
    }
    touched.push(entry);
  }
  return touched;
}

/** `TLS on port 443` or `HTTP on port 80 with TLS origination to port 443`. */
function describeLeg(l: PlannedLeg): string {
  return `${l.protocol} on port ${l.appPort}${l.origination ? ` with TLS origination to port ${l.upstreamPort}` : ''}`;
}

/** Rules in order, each once. */
export function dedupeRules(rules: readonly HttpRuleData[]): HttpRuleData[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The grant of a source: its namespace, or namespace and service accounts (what the gateway can tell apart). */
export function grantKey(source: SourceConfig, principals: readonly string[] | undefined): string {
  return principals ? `${source.namespace}|${principals.join(',')}` : source.namespace;
}

/**
 * What identifies a source's bypass policy: its namespace and its sorted labels (or none, for the
 * whole namespace). The policy's construct id, and so its object name, is a hash of this.
 */
export function sourceKey(source: SourceConfig): string {
  const labels = source.podLabels === undefined ? '*' : labelText(sortedLabels(source.podLabels));
  return `${source.namespace}|${labels}`;
}

/** Several problems as one, as `raise` reports them. */
function joined(problems: readonly Problem[]): Problem {
  return { code: problems[0].code, message: problems[0].message + problems.slice(1).map((p) => `; also: ${p.message}`).join('') };
}
