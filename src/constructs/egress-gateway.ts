import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressRoute, EgressRouteOptions, IEgressGateway } from './egress-route';
import { BypassClosure } from './private/gateway-closure';
import { EGRESS_GATEWAY_PROPS, EGRESS_ROUTE_OPTIONS } from './private/schemas';
import { IEgressBackend, backendProblems } from '../backends/contract';
import { EgressBackend } from '../backends/egress-backend';
import { watchAppChecks } from '../checks/app-checks';
import { DeclaredIntents } from '../checks/intents';
import { checkContext } from '../core/context';
import { Destination } from '../core/destination';
import { DnsResolver } from '../core/dns-resolver';
import { EgressError, Problem, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { argProblem, constructScope, list, str } from '../core/inputs';
import { objectNameProblems } from '../core/names';
import { objectRef } from '../core/object-ref';
import { Capability } from '../core/policy-config';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { IGatewayBinding } from '../gateway/binding';
import { EgressGatewayProvider } from '../gateway/egress-gateway-provider';
import { optOutFact, routeFact } from '../gateway/facts';
import { IEgressGatewayProvider } from '../gateway/provider';
import { Planned, RoutePlan, mergeProblem, mergeRoute, newRouteBook, planHosts, planHttpRules, planLegs, planServiceAccounts } from '../gateway/route-planner';
import { recordRoute } from '../gateway/route-records';
import { EgressModel } from '../model/egress-model';

const BYPASS_CLOSURE_ANNOTATION = 'egress.cdk8s.io/bypass-closure';
const GATEWAY_EGRESS_ANNOTATION = 'egress.cdk8s.io/gateway-egress';

/**
 * Properties of an `EgressGateway`.
 */
export interface EgressGatewayProps {
  /**
   * The gateway data plane.
   * @default EgressGatewayProvider.istio()
   */
  readonly provider?: IEgressGatewayProvider;
  /**
   * Name of the Gateway object, and base of the other objects' names (`<name>-allow`,
   * `<name>-deny`, `<name>-<host>`). Istio requires a DNS label (no dots).
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * Wrap sidecar-to-gateway traffic in Istio mTLS (`ISTIO_MUTUAL`). The gateway then knows which
   * namespace or service account sent each connection, which the ALLOW AuthorizationPolicy
   * checks. Without it any pod that can reach the gateway can use every route.
   * @default true
   */
  readonly mtls?: boolean;
  /**
   * Emit the NetworkPolicies that close the bypass: each routed source may egress only to DNS,
   * istiod and the gateway pods, and the gateway pods only to the routed hosts and ports.
   * Without them a pod that skips its sidecar reaches the internet directly. Setting false is
   * recorded in the `egress.cdk8s.io/bypass-closure: disabled` annotation of every object and in
   * warning `cdk8s-egress:istioGatewayBypassOpen`.
   * @default true
   */
  readonly bypassClosure?: boolean;
  /**
   * Backends that render the sources' bypass-closing policies (pods and IP blocks suffice), one
   * policy per backend and routed source.
   * @default [EgressBackend.kubernetes()]
   */
  readonly backends?: IEgressBackend[];
  /**
   * Backends that render the gateway pods' own egress policy, one policy per backend. Each must
   * express hostnames (`EgressBackend.cilium()`) to restrict the gateway to the routed hosts;
   * otherwise set `allowGatewayEgressToAnyAddress`.
   * @default - the `backends`: with the default Kubernetes NetworkPolicy, which cannot match
   * hostnames, the gateway is refused unless `allowGatewayEgressToAnyAddress` is set (or
   * `bypassClosure` is false)
   */
  readonly gatewayBackends?: IEgressBackend[];
  /**
   * Let the gateway pods reach every IPv4/IPv6 address on the routed upstream ports, for
   * clusters without a DNS-aware policy engine. Recorded in the
   * `egress.cdk8s.io/gateway-egress: any-address` annotation and warning
   * `cdk8s-egress:istioGatewayEgressAnyAddress`.
   * @default false
   */
  readonly allowGatewayEgressToAnyAddress?: boolean;
  /**
   * DNS resolvers kept open in the bypass-closing policies.
   * @default [DnsResolver.kubeDns()], plus the NodeLocal DNSCache declared in the
   * `cdk8s-egress:nodeLocalDnsCache` context
   */
  readonly dns?: DnsResolver[];
  /**
   * Access-log every connection through the gateway (Istio `Telemetry`, provider `envoy`).
   * Skipped, with warning `cdk8s-egress:istioGatewayAccessLogRootNamespace`, when the gateway
   * runs in Istio's root namespace, where Istio ignores workload-scoped Telemetry.
   * @default true
   */
  readonly accessLogging?: boolean;
  /**
   * Access-log, on each routed source's sidecars, the connections the sidecar blocked
   * (`BlackHoleCluster`, `block_all`) or passed through without a route (`PassthroughCluster`):
   * attempts to reach hosts that are not routed. The Telemetry replaces the mesh's access-log
   * settings for those pods.
   * @default false
   */
  readonly logBlockedSourceAttempts?: boolean;
  /**
   * Name of the DENY AuthorizationPolicy emitted by `denyHosts()`.
   * @default - `<name>-deny`, or derived from the construct path
   */
  readonly denyPolicyName?: string;
  /**
   * Labels added to every emitted object.
   * @default - no labels besides the ones cdk8s and the backend set
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations added to every emitted object.
   * @default - no annotations besides the ones the backend sets
   */
  readonly annotations?: Record<string, string>;
}

/**
 * A dedicated exit for external traffic: selected workloads reach named external hosts only
 * through the egress gateway pods, where connections are authorized per source, logged, and
 * (for HTTP) checked per request.
 *
 * One `addRoute()` call emits the whole path for its hosts: ServiceEntry (`resolution: DNS`),
 * VirtualService (mesh → gateway → host), the gateway's `Gateway` server, the gateway subset
 * DestinationRule (ISTIO_MUTUAL, SNI = host), a TLS-origination DestinationRule when asked, an
 * ALLOW AuthorizationPolicy rule per source, and the NetworkPolicies that stop the source from
 * skipping the gateway (the gateway alone is not a security boundary: see docs/istio.md).
 *
 * The construct plans routes and closes the bypass; the provider renders its data plane's
 * objects (`IEgressGatewayProvider`).
 *
 * @example
 * const gateway = new EgressGateway(chart, 'egress', {
 *   name: 'egress-gateway',
 *   gatewayBackends: [EgressBackend.cilium()],
 * });
 * gateway.addRoute('external-api', {
 *   source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
 *   destinations: [Destination.fqdn('api.external.com')],
 *   ports: [Port.HTTPS],
 * });
 * gateway.denyHosts(['*.example.com']);
 */
export class EgressGateway extends Construct implements IEgressGateway {
  /** Annotation (value `disabled`) recording that the bypass-closing NetworkPolicies were switched off. */
  public static readonly BYPASS_CLOSURE_ANNOTATION: string = BYPASS_CLOSURE_ANNOTATION;
  /** Annotation (value `any-address`) recording that the gateway pods may reach every address on the routed ports. */
  public static readonly GATEWAY_EGRESS_ANNOTATION: string = GATEWAY_EGRESS_ANNOTATION;

  /** The data plane. */
  public readonly provider: IEgressGatewayProvider;
  /** Whether sidecar-to-gateway traffic is mTLS. */
  public readonly mtls: boolean;
  /** Whether the bypass-closing NetworkPolicies are emitted. */
  public readonly bypassClosure: boolean;

  private readonly props: EgressGatewayProps;
  private readonly backends: readonly IEgressBackend[];
  private readonly gatewayBackends: readonly IEgressBackend[];
  private readonly anyAddress: boolean;
  private readonly book = newRouteBook();
  private readonly binding: IGatewayBinding;
  private readonly closure: BypassClosure;

  public constructor(scope: Construct, id: string, props: EgressGatewayProps = {}) {
    super(constructScope(scope, id, 'EgressGateway'), id);
    raise(this, EGRESS_GATEWAY_PROPS(props, 'EgressGateway props'));
    checkContext(this);
    props = props ?? {};
    for (const b of [...props.backends ?? [], ...props.gatewayBackends ?? []]) raise(this, backendProblems(b));
    for (const r of props.dns ?? []) raise(this, r._problems());
    this.props = props;
    this.provider = props.provider ?? EgressGatewayProvider.istio();
    this.mtls = props.mtls ?? true;
    this.bypassClosure = props.bypassClosure ?? true;
    this.backends = backendList(this, 'backends', props.backends) ?? [EgressBackend.kubernetes()];
    this.gatewayBackends = backendList(this, 'gatewayBackends', props.gatewayBackends) ?? this.backends;
    this.anyAddress = props.allowGatewayEgressToAnyAddress ?? false;
    raise(this, this.provider._problems());
    this.binding = this.provider._bind(this, {
      name: props.name,
      denyPolicyName: props.denyPolicyName,
      mtls: this.mtls,
      accessLogging: props.accessLogging ?? true,
      logBlockedSourceAttempts: props.logBlockedSourceAttempts ?? false,
      labels: props.labels,
      annotations: this.annotations(false),
      model: this.book.model,
    });
    this.validateProps(props);
    this.closure = new BypassClosure(this, {
      backends: this.backends,
      gatewayBackends: this.gatewayBackends,
      anyAddress: this.anyAddress,
      ...(props.dns ? { dns: props.dns } : {}),
      ...(props.labels ? { labels: props.labels } : {}),
      annotations: (gatewayEgress) => this.annotations(gatewayEgress),
    });

    if (!this.bypassClosure) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_BYPASS_OPEN,
        'bypassClosure is false: no NetworkPolicy stops routed workloads from skipping their sidecar and reaching external hosts directly, '
        + 'and the gateway pods may reach any destination. The egress gateway is then a convenience, not a control. '
        + `Recorded as ${BYPASS_CLOSURE_ANNOTATION}: disabled on every object`);
    }
    if (this.anyAddress) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_EGRESS_ANY_ADDRESS,
        `The gateway pods may reach every address on the routed upstream ports (${this.gatewayBackends.map((b) => b.displayName).join(', ')} cannot match hostnames). `
        + 'The Istio configuration still limits the gateway to the routed hosts, but a compromised gateway is not held back by the network. '
        + 'Use gatewayBackends: [EgressBackend.cilium()] to restrict it to the hostnames');
    }
    if (!this.mtls) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_NO_MTLS,
        'mtls is false: the gateway cannot tell which workload sent a connection, so every pod that can reach the gateway may use every route. '
        + 'Keep mtls: true so the AuthorizationPolicy checks the source namespace or service account');
    }
    this.binding.announce();
    this.recordOptOuts();
  }

  /** Facts for reports and monitoring: the safety measures turned off. */
  private recordOptOuts(): void {
    const model = EgressModel.of(this);
    const optOuts: Array<[boolean, string, string, string]> = [
      [!this.bypassClosure, 'bypassClosure', 'turned off', 'no NetworkPolicy keeps routed workloads from bypassing the gateway'],
      [this.anyAddress, 'allowGatewayEgressToAnyAddress', 'turned on', 'the gateway pods may reach every address on the routed ports'],
      [!this.mtls, 'mtls', 'turned off', 'the gateway cannot tell which workload sent a connection'],
    ];
    for (const [on, option, how, reason] of optOuts) {
      if (on) model.recordFact({ toFact: () => optOutFact(this.node.path, this.provider.id, this.binding.pods, option, how, reason) });
    }
  }

  private validateProps(props: EgressGatewayProps): void {
    if (props.denyPolicyName !== undefined) raise(this, objectNameProblems(props.denyPolicyName));
    if (!this.bypassClosure && this.anyAddress) {
      throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
        'allowGatewayEgressToAnyAddress: true has no effect with bypassClosure: false (no gateway egress policy is emitted). Remove one of them');
    }
    if (!this.bypassClosure) return;
    const named = this.gatewayBackends.filter((b) => b.supports(Capability.FQDN));
    const unnamed = this.gatewayBackends.filter((b) => !b.supports(Capability.FQDN));
    if (named.length > 0 && unnamed.length > 0) {
      // One policy per backend: the gateway pods would be held to the hosts by one and opened to
      // every address (or refused) by the other. Neither reading keeps the intent.
      throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
        `gatewayBackends mixes backends that can limit the gateway pods to the routed hostnames (${named.map((b) => b.displayName).join(', ')}) `
        + `with backends that cannot (${unnamed.map((b) => b.displayName).join(', ')}). Keep only the first kind in gatewayBackends`
        + `${this.anyAddress ? ' and remove allowGatewayEgressToAnyAddress' : ''}`);
    }
    for (const b of this.gatewayBackends) {
      if (this.anyAddress && b.supports(Capability.FQDN)) {
        throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
          `allowGatewayEgressToAnyAddress: true would widen the gateway's egress to every address although ${b.displayName} can restrict it to the routed hostnames. Remove allowGatewayEgressToAnyAddress`);
      }
      if (!this.anyAddress && !b.supports(Capability.FQDN)) {
        const alternatives = EgressBackend.bundled()
          .filter((x) => x.capabilities.includes(Capability.FQDN) && x.capabilities.includes(Capability.POD_SELECTOR))
          .map((x) => `[${x.factory}]`);
        throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `The gateway pods' own egress must be limited to the routed hostnames, which ${b.displayName} cannot express (needs capability ${Capability.FQDN}). `
          + `Pass gatewayBackends: ${alternatives.length ? alternatives.join(' or ') : 'backends that can match hostnames'}, `
          + 'or set allowGatewayEgressToAnyAddress: true to let the gateway reach every address on the routed ports (recorded in an annotation and a warning)');
      }
    }
    for (const [what, backends] of [['backends', this.backends], ['gatewayBackends', this.gatewayBackends]] as const) {
      for (const b of backends) {
        if (!b.supports(Capability.POD_SELECTOR)) {
          throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
            `${what} ${b.displayName} cannot select pods (needs capability ${Capability.POD_SELECTOR}), which the bypass-closing policies need for the gateway and istiod. Use EgressBackend.kubernetes() or EgressBackend.cilium()`);
        }
      }
    }
  }

  private annotations(gatewayEgress: boolean): Record<string, string> | undefined {
    const out: Record<string, string> = { ...(this.props.annotations ?? {}) };
    if (!this.bypassClosure) out[BYPASS_CLOSURE_ANNOTATION] = 'disabled';
    if (this.anyAddress && gatewayEgress) out[GATEWAY_EGRESS_ANNOTATION] = 'any-address';
    return Object.keys(out).length ? out : undefined;
  }

  /** Every object emitted so far (the provider's objects; the NetworkPolicies are in child EgressPolicies). */
  public get apiObjects(): ApiObject[] {
    return this.binding.apiObjects;
  }

  /** The hosts routed through this gateway, sorted. */
  public get routedHosts(): string[] {
    return [...this.book.model.hosts.keys()].sort();
  }

  /**
   * Route `options.source`'s traffic to `options.destinations` on `options.ports` through the
   * gateway: creates an `EgressRoute` under the gateway. Emits (or extends) the Gateway, a
   * VirtualService and ServiceEntry per host, the gateway subsets, the ALLOW rules for the
   * source, and the bypass-closing NetworkPolicies.
   *
   * Throws, with the route's path, on hostname patterns or addresses, ports without a
   * hostname-bearing protocol, HTTP rules on TLS routes, and hosts already routed differently
   * (by this or another gateway).
   */
  public addRoute(id: string, options: EgressRouteOptions): EgressRoute {
    if (typeof id !== 'string' || id === '') {
      raise(this, [argProblem('The id of addRoute(id, props)', id, 'a non-empty string such as \'external-api\'')]);
    }
    if (this.node.tryFindChild(id) !== undefined) {
      throw EgressError.at(this, EgressErrorCode.INVALID_ARGUMENT, `addRoute() was given the id "${id}", which ${this.node.path}/${id} already has: give each route its own id`);
    }
    raise(this, EGRESS_ROUTE_OPTIONS(options, `addRoute("${id}") props`));
    return new EgressRoute(this, id, { ...options, gateway: this });
  }

  /** @internal */
  public _addRoute(route: EgressRoute, options: EgressRouteOptions): string[] {
    this.binding.beforeRoute();
    raise(route, options.source._problems());
    const source = options.source.toConfig();
    const hosts = planned(route, planHosts(options.destinations));
    const legs = planned(route, planLegs(options, hosts, this.binding.listeners, route.node.path));
    const serviceAccounts = planned(route, planServiceAccounts(options.serviceAccounts, this.mtls, objectNameProblems));
    const httpRules = planned(route, planHttpRules(options.httpRules, legs));
    if (options.name !== undefined) raise(route, objectNameProblems(options.name));
    const plan: RoutePlan = {
      owner: route.node.path,
      source,
      hosts,
      legs,
      ...(serviceAccounts ? { principals: this.binding.principals(source.namespace, serviceAccounts) } : {}),
      ...(httpRules ? { httpRules } : {}),
      ...(options.name !== undefined ? { routeName: options.name } : {}),
    };

    // All checks first, then apply: a refused route leaves no partial state behind.
    const fresh = new Set(hosts.filter((h) => !this.book.model.hosts.has(h)));
    const isNew = (h: string) => fresh.has(h);
    this.binding.checkRoute(route, plan, isNew);
    for (const leg of legs) {
      const problem = mergeProblem(this.book, plan, leg);
      if (problem) raise(route, [problem]);
    }
    const entries = mergeRoute(this.book, plan, (h) => this.binding.objectName(options.name, hosts, h));
    this.binding.applyRoute(route, plan, entries, isNew);

    if (this.bypassClosure) this.closure.add(options.source, source, legs, this.binding.pods, this.binding.controlPlane);
    const objectRefs = () => this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)
      .map(objectRef).sort();
    const pods = this.binding.pods;
    EgressModel.of(this).recordFact({
      toFact: () => routeFact({
        provider: this.provider.id,
        constructPath: route.node.path,
        source,
        hosts,
        legs,
        pods,
        ...(this.binding.controlPlane ? { controlPlane: this.binding.controlPlane } : {}),
        summary: `via egress gateway ${pods.namespace}/${pods.workload}${this.mtls ? ' (mTLS from the sidecar)' : ''}`,
        objectRefs,
      }),
    });
    this.binding.routeAdded(route, source, objectRefs);
    recordRoute({ gateway: this, routePath: route.node.path, source: () => options.source.toConfig(), hosts });
    // The gateway-bypass checks (src/checks/gateway-bypass.ts) report their findings here.
    watchAppChecks(this);
    DeclaredIntents._watch(route);
    return [...hosts];
  }

  /**
   * Deny these hosts at the gateway (a DENY AuthorizationPolicy, evaluated before any ALLOW):
   * exact hostnames or patterns with a leading wildcard label (`*.example.com`, which Istio
   * matches at any depth: `a.b.example.com` too). Matched against the Host header on HTTP
   * listeners and the SNI on TLS listeners. Throws when a host routed by this gateway matches.
   */
  public denyHosts(hosts: string[]): void {
    raise(this, list(str({ example: '*.example.com' }), { itemName: 'hostnames or patterns' })(hosts, 'denyHosts() hosts'));
    if (hosts.length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_POLICY, 'denyHosts() was given no hosts. Pass hostnames or patterns such as "*.example.com"');
    }
    for (const h of hosts) {
      const d = h.startsWith('*') ? Destination.fqdnPattern(h) : Destination.fqdn(h);
      raise(this, d._problems());
    }
    this.binding.denyHosts(hosts);
    const deny = this.book.model.denyHosts;
    for (const h of hosts) if (!deny.includes(h)) deny.push(h);
  }
}

/** A planned value, or its problem raised at the route. */
function planned<T>(route: EgressRoute, p: Planned<T>): T {
  if (p.problem) raise(route, [p.problem]);
  return p.value as T;
}

/** A backends prop: undefined when not given; refused when empty or with a backend listed twice. */
function backendList(scope: Construct, prop: string, backends: IEgressBackend[] | undefined): IEgressBackend[] | undefined {
  if (backends === undefined) return undefined;
  const problems: Problem[] = [];
  if (backends.length === 0) {
    problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: `EgressGateway was given an empty ${prop} list: omit it for the default, or name the backends` });
  }
  const ids = backends.map((b) => b.id);
  const dup = ids.find((b, i) => ids.indexOf(b) !== i);
  if (dup) problems.push({ code: EgressErrorCode.DUPLICATE_RULE, message: `Backend "${dup}" is listed twice in ${prop}: list each backend once` });
  raise(scope, problems);
  return [...backends];
}
