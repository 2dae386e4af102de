import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressPolicy } from './egress-policy';
import { IEgressBackend, backendProblems } from '../backends/contract';
import { EgressBackend } from '../backends/egress-backend';
import type { MeshRegistry } from '../backends/istio/mesh-registry';
import { shortHash } from '../backends/istio/naming';
import { DeclaredIntents } from '../checks/intents';
import { checkContext } from '../core/context';
import { Destination } from '../core/destination';
import { DestinationKind } from '../core/destination-config';
import { DnsResolver } from '../core/dns-resolver';
import { EgressError, Problem, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { hostnameMatches, istioHostDestination } from '../core/hosts';
import { argProblem, constructScope, list, num, optionalStruct, raiseUnscoped, required, str, stringMap, struct } from '../core/inputs';
import { labelProblems, namespaceProblems, objectNameProblems, sortedLabels } from '../core/names';
import { Capability } from '../core/policy-config';
import { Port } from '../core/port';
import { AppProtocol, PortConfig, Protocol } from '../core/port-config';
import { EgressSource } from '../core/source';
import { SourceConfig } from '../core/source-config';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { recordRoute } from '../gateway/bypass';
import type { IstioGatewayRenderer } from '../gateway/istio-gateway-renderer';
import { GatewayModel, HostEntry, HttpRuleData, Leg, LegMode, SourceGrant } from '../gateway/route-model';
import { EgressModel } from '../model/egress-model';
import { EgressFact, FactKind } from '../model/facts';
import { EgressFactDetails } from '../monitoring/fact-details';
import { registerFactories } from '../util/show';
import { EGRESS_GATEWAY_PROPS, EGRESS_ROUTE_PROPS } from './private/schemas';

const BYPASS_CLOSURE_ANNOTATION = 'egress.cdk8s.io/bypass-closure';
const GATEWAY_EGRESS_ANNOTATION = 'egress.cdk8s.io/gateway-egress';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const GATEWAY_PORT = struct({
  port: required(num(), 'give the Service port, e.g. { port: 443, targetPort: 8443 }'),
  targetPort: required(num(), 'give the container port behind it, e.g. { port: 443, targetPort: 8443 }'),
});

const ISTIO_GATEWAY_OPTIONS = optionalStruct({
  namespace: str({ example: 'istio-system' }),
  selector: stringMap,
  serviceHost: str({ example: 'istio-egressgateway.istio-system.svc.cluster.local' }),
  tlsPort: GATEWAY_PORT,
  httpPort: GATEWAY_PORT,
  rootNamespace: str({ example: 'istio-system' }),
  trustDomain: str({ example: 'cluster.local' }),
  controlPlaneNamespace: str({ example: 'istio-system' }),
  controlPlaneLabels: stringMap,
  controlPlanePort: num(),
});

const HTTP_RULE_PROPS = struct({
  methods: list(str({ example: 'GET' }), { itemName: 'HTTP methods' }),
  paths: list(str({ example: '/v1/*' }), { itemName: 'paths' }),
});

/**
 * A port of the egress gateway's Service.
 */
export interface EgressGatewayPort {
  /** The Service port: what Gateway servers and VirtualServices name. */
  readonly port: number;
  /**
   * The container port on the gateway pods behind it: what NetworkPolicies and
   * AuthorizationPolicies see (traffic reaches the pods after Service translation).
   */
  readonly targetPort: number;
}

/**
 * Options for `EgressGatewayProvider.istio()`. The defaults match the `istio-egressgateway`
 * of `istioctl install` / the `gateway` Helm chart.
 */
export interface IstioEgressGatewayOptions {
  /**
   * Namespace of the egress gateway pods (where the Gateway, its AuthorizationPolicies and the
   * routes' VirtualServices and ServiceEntries are emitted).
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the egress gateway pods (Gateway `selector`, AuthorizationPolicy and NetworkPolicy
   * selectors).
   * @default { istio: 'egressgateway' }
   */
  readonly selector?: Record<string, string>;
  /**
   * Hostname of the egress gateway Service, the target of the sidecars' routes.
   * @default 'istio-egressgateway.<namespace>.svc.cluster.local'
   */
  readonly serviceHost?: string;
  /**
   * The Service port that carries TLS (SNI-routed) traffic.
   * @default { port: 443, targetPort: 8443 }
   */
  readonly tlsPort?: EgressGatewayPort;
  /**
   * The Service port that carries HTTP traffic (plain, or TLS-originated by the gateway).
   * @default { port: 80, targetPort: 8080 }
   */
  readonly httpPort?: EgressGatewayPort;
  /**
   * Istio's root configuration namespace. A `Telemetry` with a workload selector is ignored
   * there, so the gateway's access log is emitted only when the gateway runs elsewhere.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * Trust domain of workload identities (for `serviceAccounts` on routes).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Namespace of istiod, which sidecars and the gateway must keep reaching (xDS and
   * certificates) under the bypass-closing NetworkPolicies.
   * @default 'istio-system'
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Labels of the istiod pods.
   * @default { app: 'istiod' }
   */
  readonly controlPlaneLabels?: Record<string, string>;
  /**
   * istiod's xDS/CA port.
   * @default 15012
   */
  readonly controlPlanePort?: number;
}

/**
 * Which data plane implements an `EgressGateway`.
 */
export enum EgressGatewayKind {
  /** An Istio egress gateway (Envoy, `networking.istio.io` Gateway). */
  ISTIO = 'Istio',
}

/**
 * The data plane behind an `EgressGateway`. Istio is the one provider today.
 *
 * @example
 * EgressGatewayProvider.istio({ namespace: 'istio-egress', selector: { istio: 'egressgateway' } });
 */
export class EgressGatewayProvider {
  /** An Istio egress gateway. */
  public static istio(options: IstioEgressGatewayOptions = {}): EgressGatewayProvider {
    const problems = ISTIO_GATEWAY_OPTIONS(options, 'EgressGatewayProvider.istio() options');
    return problems.length > 0 ? new EgressGatewayProvider({}, problems) : new EgressGatewayProvider(options);
  }

  /** Which data plane. */
  public readonly kind: EgressGatewayKind;
  /** Namespace of the gateway pods. */
  public readonly namespace: string;
  /** Labels of the gateway pods. */
  public readonly selector: Record<string, string>;
  /** Hostname of the gateway Service. */
  public readonly serviceHost: string;
  /** Port for TLS traffic. */
  public readonly tlsPort: EgressGatewayPort;
  /** Port for HTTP traffic. */
  public readonly httpPort: EgressGatewayPort;
  /** Istio root namespace. */
  public readonly rootNamespace: string;
  /** Trust domain of workload identities. */
  public readonly trustDomain: string;
  /** Namespace of istiod. */
  public readonly controlPlaneNamespace: string;
  /** Labels of istiod. */
  public readonly controlPlaneLabels: Record<string, string>;
  /** istiod's xDS port. */
  public readonly controlPlanePort: number;

  private readonly inputProblems: readonly Problem[];

  private constructor(options: IstioEgressGatewayOptions, inputProblems: readonly Problem[] = []) {
    this.inputProblems = inputProblems;
    this.kind = EgressGatewayKind.ISTIO;
    this.namespace = options.namespace ?? 'istio-system';
    this.selector = sortedLabels(options.selector ?? { istio: 'egressgateway' });
    this.serviceHost = options.serviceHost ?? `istio-egressgateway.${this.namespace}.svc.cluster.local`;
    this.tlsPort = options.tlsPort ?? { port: 443, targetPort: 8443 };
    this.httpPort = options.httpPort ?? { port: 80, targetPort: 8080 };
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
    this.trustDomain = options.trustDomain ?? 'cluster.local';
    this.controlPlaneNamespace = options.controlPlaneNamespace ?? 'istio-system';
    this.controlPlaneLabels = sortedLabels(options.controlPlaneLabels ?? { app: 'istiod' });
    this.controlPlanePort = options.controlPlanePort ?? 15012;
  }

  /** @internal */
  public _problems(): Problem[] {
    if (this.inputProblems.length > 0) return [...this.inputProblems];
    const problems: Problem[] = [
      ...namespaceProblems(this.namespace, 'gateway namespace'),
      ...namespaceProblems(this.rootNamespace, 'root namespace'),
      ...namespaceProblems(this.controlPlaneNamespace, 'control plane namespace'),
      ...labelProblems(this.selector, 'the gateway selector'),
      ...labelProblems(this.controlPlaneLabels, 'the control plane labels'),
    ];
    if (Object.keys(this.selector).length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_SELECTOR, message: `The gateway selector is empty, which would select every pod of namespace "${this.namespace}". Pass the gateway pods' labels, e.g. { istio: 'egressgateway' }` });
    }
    if (Object.keys(this.controlPlaneLabels).length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_SELECTOR, message: 'controlPlaneLabels is empty, which would select every pod of the control plane namespace. Pass istiod\'s labels, e.g. { app: \'istiod\' }' });
    }
    const validPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
    for (const [what, p] of [['tlsPort', this.tlsPort], ['httpPort', this.httpPort]] as const) {
      if (!validPort(p.port) || !validPort(p.targetPort)) {
        problems.push({ code: EgressErrorCode.INVALID_PORT, message: `Invalid ${what} { port: ${p.port}, targetPort: ${p.targetPort} }: both must be whole numbers from 1 to 65535` });
      }
    }
    if (this.tlsPort.port === this.httpPort.port || this.tlsPort.targetPort === this.httpPort.targetPort) {
      problems.push({ code: EgressErrorCode.CONFLICTING_OPTIONS, message: `tlsPort and httpPort must differ (both use ${this.tlsPort.port === this.httpPort.port ? `port ${this.tlsPort.port}` : `targetPort ${this.tlsPort.targetPort}`}): TLS and HTTP need separate gateway listeners` });
    }
    if (!validPort(this.controlPlanePort)) {
      problems.push({ code: EgressErrorCode.INVALID_PORT, message: `Invalid controlPlanePort ${this.controlPlanePort}: ports must be whole numbers from 1 to 65535` });
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(this.serviceHost)) {
      problems.push({ code: EgressErrorCode.INVALID_FQDN, message: `Invalid serviceHost "${this.serviceHost}": use the gateway Service's fully qualified name, e.g. "istio-egressgateway.${this.namespace}.svc.cluster.local"` });
    }
    return problems;
  }
}

/**
 * Options for `HttpRule.allow()`. Give methods, paths or both.
 */
export interface HttpRuleProps {
  /**
   * HTTP methods, upper case (`GET`, `POST`, ...).
   * @default - every method
   */
  readonly methods?: string[];
  /**
   * Request paths in AuthorizationPolicy syntax: exact (`/v1/items`), prefix (`/v1/*`) or
   * suffix (`*.json`). Matched after Istio's path normalization.
   * @default - every path
   */
  readonly paths?: string[];
}

/**
 * An HTTP request an egress route allows (enforced by an ALLOW AuthorizationPolicy on the
 * gateway). Several rules are ORed. Only possible where the gateway sees HTTP: plain HTTP routes
 * and routes with TLS origination.
 *
 * @example
 * HttpRule.get('/repos/*');
 * HttpRule.allow({ methods: ['POST'], paths: ['/v1/messages'] });
 */
export class HttpRule {
  /** Allow requests with these methods and/or paths. */
  public static allow(props: HttpRuleProps): HttpRule {
    const problems = HTTP_RULE_PROPS(props, 'HttpRule.allow() props');
    return problems.length > 0 ? new HttpRule(undefined, undefined, problems) : new HttpRule(props.methods, props.paths);
  }

  /** Allow `GET` requests to these paths. */
  public static get(...paths: string[]): HttpRule {
    const problems = list(str(), { nonEmpty: true, itemName: 'paths', emptyFix: 'name the paths, e.g. HttpRule.get(\'/v1/*\'), or leave httpRules out to allow every request' })(paths, 'HttpRule.get() paths');
    return problems.length > 0 ? new HttpRule(undefined, undefined, problems) : new HttpRule(['GET'], paths);
  }

  /**
   * Allowed methods.
   * @default - every method
   */
  public readonly methods?: string[];
  /**
   * Allowed paths.
   * @default - every path
   */
  public readonly paths?: string[];

  private readonly inputProblems: readonly Problem[];

  private constructor(methods?: string[], paths?: string[], inputProblems: readonly Problem[] = []) {
    this.methods = methods;
    this.paths = paths;
    this.inputProblems = inputProblems;
  }

  /** Human-readable form. */
  public toString(): string {
    return `${this.methods ? this.methods.join('|') : '*'} ${this.paths ? this.paths.join('|') : '*'}`;
  }

  /** @internal */
  public _problems(): Problem[] {
    if (this.inputProblems.length > 0) return [...this.inputProblems];
    if (this.methods === undefined && this.paths === undefined) {
      return [{ code: EgressErrorCode.EMPTY_POLICY, message: 'HttpRule.allow({}) has neither methods nor paths, so it would allow every request. Leave httpRules out to allow every request, or name methods or paths' }];
    }
    const problems: Problem[] = [];
    if (this.methods !== undefined && this.methods.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: 'HttpRule methods is an empty list. Leave methods out to allow every method, or name them' });
    }
    if (this.paths !== undefined && this.paths.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: 'HttpRule paths is an empty list. Leave paths out to allow every path, or name them' });
    }
    for (const m of this.methods ?? []) {
      if (!HTTP_METHODS.includes(m)) {
        const upper = m.toUpperCase();
        problems.push({
          code: EgressErrorCode.CONFLICTING_OPTIONS,
          message: `Invalid HTTP method "${m}" in HttpRule: use one of ${HTTP_METHODS.join(', ')}${HTTP_METHODS.includes(upper) ? `. Did you mean "${upper}"?` : ''}`,
        });
      }
    }
    for (const p of this.paths ?? []) {
      const inner = p.replace(/^\*/, '').replace(/\*$/, '');
      if (p === '*' || inner.includes('*') || (!p.startsWith('/') && !p.startsWith('*'))) {
        problems.push({
          code: EgressErrorCode.CONFLICTING_OPTIONS,
          message: `Invalid path "${p}" in HttpRule: use an exact path ("/v1/items"), a prefix ("/v1/*") or a suffix ("*.json"); "*" alone would allow every path (leave paths out instead)`,
        });
      }
    }
    return problems;
  }

  /** @internal */
  public _toData(): HttpRuleData {
    raiseUnscoped(this.inputProblems);
    return { ...(this.methods ? { methods: [...this.methods] } : {}), ...(this.paths ? { paths: [...this.paths] } : {}) };
  }
}

registerFactories(EgressGatewayProvider, 'EgressGatewayProvider');
registerFactories(HttpRule, 'HttpRule');

/**
 * What `EgressGateway.addRoute()` routes: which pods, to which hosts, on which ports.
 */
export interface EgressRouteProps {
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
 * A route through an `EgressGateway`, as returned by `addRoute()`.
 */
export class EgressRoute extends Construct {
  /** The workloads whose traffic is routed. */
  public readonly source: EgressSource;
  /** The external hosts. */
  public readonly hosts: string[];

  /** Created by `EgressGateway.addRoute()`; don't call this directly. */
  public constructor(scope: Construct, id: string, source: EgressSource, hosts: string[]) {
    super(scope, id);
    this.source = source;
    this.hosts = hosts;
  }
}

/**
 * Properties of an `EgressGateway`.
 */
export interface EgressGatewayProps {
  /**
   * The gateway data plane.
   * @default EgressGatewayProvider.istio()
   */
  readonly provider?: EgressGatewayProvider;
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
   * Backend that renders the sources' bypass-closing policies (pods and IP blocks suffice).
   * @default EgressBackend.kubernetes()
   */
  readonly enforcementBackend?: IEgressBackend;
  /**
   * Backend that renders the gateway pods' own egress policy. It must express hostnames
   * (`EgressBackend.cilium()`) to restrict the gateway to the routed hosts; otherwise set
   * `allowGatewayEgressToAnyAddress`.
   * @default - the enforcementBackend: with the default Kubernetes NetworkPolicy, which cannot
   * match hostnames, the gateway is refused unless `allowGatewayEgressToAnyAddress` is set (or
   * `bypassClosure` is false)
   */
  readonly gatewayEgressBackend?: IEgressBackend;
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

interface RendererModule {
  IstioGatewayRenderer: typeof IstioGatewayRenderer;
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
 * @example
 * const gateway = new EgressGateway(chart, 'egress', {
 *   name: 'egress-gateway',
 *   gatewayEgressBackend: EgressBackend.cilium(),
 * });
 * gateway.addRoute('external-api', {
 *   source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
 *   destinations: [Destination.fqdn('api.external.com')],
 *   ports: [Port.HTTPS],
 * });
 * gateway.denyHosts(['*.example.com']);
 */
export class EgressGateway extends Construct {
  /** Annotation (value `disabled`) recording that the bypass-closing NetworkPolicies were switched off. */
  public static readonly BYPASS_CLOSURE_ANNOTATION: string = BYPASS_CLOSURE_ANNOTATION;
  /** Annotation (value `any-address`) recording that the gateway pods may reach every address on the routed ports. */
  public static readonly GATEWAY_EGRESS_ANNOTATION: string = GATEWAY_EGRESS_ANNOTATION;

  /** The data plane. */
  public readonly provider: EgressGatewayProvider;
  /** Whether sidecar-to-gateway traffic is mTLS. */
  public readonly mtls: boolean;
  /** Whether the bypass-closing NetworkPolicies are emitted. */
  public readonly bypassClosure: boolean;

  private readonly props: EgressGatewayProps;
  private readonly enforcementBackend: IEgressBackend;
  private readonly gatewayEgressBackend: IEgressBackend;
  private readonly anyAddress: boolean;
  private readonly model: GatewayModel = { hosts: new Map(), denyHosts: [] };
  /** Where each source grant came from: which pods, with which HTTP rules, declared by which route. */
  private readonly grantOrigins = new Map<SourceGrant, { readonly pods: string; readonly rules: string; readonly owner: string }>();
  private readonly sourcePolicies = new Map<string, { policy: EgressPolicy; ports: Set<number> }>();
  private gatewayPolicy?: { policy: EgressPolicy; seen: Set<string> };
  private rendererInstance?: IstioGatewayRenderer;

  public constructor(scope: Construct, id: string, props: EgressGatewayProps = {}) {
    super(constructScope(scope, id, 'EgressGateway'), id);
    raise(this, EGRESS_GATEWAY_PROPS(props, 'EgressGateway props'));
    checkContext(this);
    props = props ?? {};
    for (const b of [props.enforcementBackend, props.gatewayEgressBackend]) if (b) raise(this, backendProblems(b));
    for (const r of props.dns ?? []) raise(this, r._problems());
    this.props = props;
    this.provider = props.provider ?? EgressGatewayProvider.istio();
    this.mtls = props.mtls ?? true;
    this.bypassClosure = props.bypassClosure ?? true;
    this.enforcementBackend = props.enforcementBackend ?? EgressBackend.kubernetes();
    this.gatewayEgressBackend = props.gatewayEgressBackend ?? this.enforcementBackend;
    this.anyAddress = props.allowGatewayEgressToAnyAddress ?? false;
    raise(this, this.provider._problems());
    this.validateProps(props);

    if (!this.bypassClosure) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_BYPASS_OPEN,
        'bypassClosure is false: no NetworkPolicy stops routed workloads from skipping their sidecar and reaching external hosts directly, '
        + 'and the gateway pods may reach any destination. The egress gateway is then a convenience, not a control. '
        + `Recorded as ${BYPASS_CLOSURE_ANNOTATION}: disabled on every object`);
    }
    if (this.anyAddress) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_EGRESS_ANY_ADDRESS,
        `The gateway pods may reach every address on the routed upstream ports (${this.gatewayEgressBackend.displayName} cannot match hostnames). `
        + 'The Istio configuration still limits the gateway to the routed hosts, but a compromised gateway is not held back by the network. '
        + 'Use gatewayEgressBackend: EgressBackend.cilium() to restrict it to the hostnames');
    }
    if (!this.mtls) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_NO_MTLS,
        'mtls is false: the gateway cannot tell which workload sent a connection, so every pod that can reach the gateway may use every route. '
        + 'Keep mtls: true so the AuthorizationPolicy checks the source namespace or service account');
    }
    if ((props.accessLogging ?? true) && this.provider.namespace === this.provider.rootNamespace) {
      EgressWarnings.add(this, EgressWarningId.ISTIO_GATEWAY_ACCESS_LOG_ROOT_NAMESPACE,
        `The gateway runs in Istio's root namespace "${this.provider.rootNamespace}", where a Telemetry with a workload selector is ignored, so no access-log Telemetry is emitted for it. `
        + 'Run the gateway in its own namespace (EgressGatewayProvider.istio({ namespace: \'istio-egress\' })), or enable mesh-wide access logging (meshConfig.accessLogFile: /dev/stdout)');
    }
    this.recordGatewayFacts(props);
  }

  /** Facts for reports and monitoring: the gateway itself (access log, opt-outs). */
  private recordGatewayFacts(props: EgressGatewayProps): void {
    const model = EgressModel.of(this);
    const base = () => this.gatewayDetails();
    const refs = () => this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.name}`).sort();
    const gatewayPods: SourceConfig = { namespace: this.provider.namespace, podLabels: { ...this.provider.selector } };
    if ((props.accessLogging ?? true) && this.provider.namespace !== this.provider.rootNamespace) {
      model.recordFact({
        toFact: (): EgressFact => ({
          kind: FactKind.ACCESS_LOG,
          constructPath: this.node.path,
          source: gatewayPods,
          summary: `every connection through egress gateway ${this.provider.namespace}/${this.gatewayWorkload()} is access-logged (Istio Telemetry, envoy)`,
          objectRefs: refs().filter((r) => r.startsWith('Telemetry/')),
          details: { ...base(), [EgressFactDetails.LOGS_BLOCKED]: 'false' },
        }),
      });
    }
    const optOuts: Array<[boolean, string, string, string]> = [
      [!this.bypassClosure, 'bypassClosure', 'turned off', 'no NetworkPolicy keeps routed workloads from bypassing the gateway'],
      [this.anyAddress, 'allowGatewayEgressToAnyAddress', 'turned on', 'the gateway pods may reach every address on the routed ports'],
      [!this.mtls, 'mtls', 'turned off', 'the gateway cannot tell which workload sent a connection'],
    ];
    for (const [on, option, how, reason] of optOuts) {
      if (!on) continue;
      model.recordFact({
        toFact: (): EgressFact => ({
          kind: FactKind.OPT_OUT,
          constructPath: this.node.path,
          source: gatewayPods,
          summary: `${option} ${how} on egress gateway ${this.node.path}: ${reason}`,
          objectRefs: [],
          details: { ...base(), [EgressFactDetails.OPTION]: option, [EgressFactDetails.REASON]: reason },
        }),
      });
    }
  }

  /** Name of the gateway Deployment, as Istio's `source_workload` label reports it. */
  private gatewayWorkload(): string {
    return this.provider.serviceHost.split('.')[0];
  }

  private gatewayDetails(): Record<string, string> {
    return {
      [EgressFactDetails.PROVIDER]: 'istio',
      [EgressFactDetails.GATEWAY_NAMESPACE]: this.provider.namespace,
      [EgressFactDetails.GATEWAY_WORKLOAD]: this.gatewayWorkload(),
      [EgressFactDetails.GATEWAY_LABELS]: Object.keys(this.provider.selector).sort().map((k) => `${k}=${this.provider.selector[k]}`).join(','),
    };
  }

  private validateProps(props: EgressGatewayProps): void {
    if (props.name !== undefined && !DNS1123_LABEL.test(props.name)) {
      throw EgressError.at(this, EgressErrorCode.INVALID_NAME,
        `Invalid gateway name "${props.name}": Istio requires Gateway names to be DNS labels (lower-case letters, digits and '-', no dots, at most 63 characters)`);
    }
    if (props.denyPolicyName !== undefined) raise(this, objectNameProblems(props.denyPolicyName));
    if (!this.bypassClosure && this.anyAddress) {
      throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
        'allowGatewayEgressToAnyAddress: true has no effect with bypassClosure: false (no gateway egress policy is emitted). Remove one of them');
    }
    if (this.bypassClosure && this.anyAddress && this.gatewayEgressBackend.supports(Capability.FQDN)) {
      throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
        `allowGatewayEgressToAnyAddress: true would widen the gateway's egress to every address although ${this.gatewayEgressBackend.displayName} can restrict it to the routed hostnames. Remove allowGatewayEgressToAnyAddress`);
    }
    if (this.bypassClosure && !this.anyAddress && !this.gatewayEgressBackend.supports(Capability.FQDN)) {
      const alternatives = EgressBackend.bundled()
        .filter((b) => b.capabilities.includes(Capability.FQDN) && b.capabilities.includes(Capability.POD_SELECTOR))
        .map((b) => b.factory);
      throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `The gateway pods' own egress must be limited to the routed hostnames, which ${this.gatewayEgressBackend.displayName} cannot express (needs capability ${Capability.FQDN}). `
        + `Pass gatewayEgressBackend: ${alternatives.length ? alternatives.join(' or ') : 'a backend that can match hostnames'}, `
        + 'or set allowGatewayEgressToAnyAddress: true to let the gateway reach every address on the routed ports (recorded in an annotation and a warning)');
    }
    for (const [what, b] of [['enforcementBackend', this.enforcementBackend], ['gatewayEgressBackend', this.gatewayEgressBackend]] as const) {
      if (this.bypassClosure && !b.supports(Capability.POD_SELECTOR)) {
        throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `${what} ${b.displayName} cannot select pods (needs capability ${Capability.POD_SELECTOR}), which the bypass-closing policies need for the gateway and istiod. Use EgressBackend.kubernetes() or EgressBackend.cilium()`);
      }
    }
  }

  private renderer(): IstioGatewayRenderer {
    if (!this.rendererInstance) {
      // Loaded on first use: keeps `require('cdk8s-egress')` from loading the Istio bindings.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('../gateway/istio-gateway-renderer') as RendererModule;
      const p = this.provider;
      this.rendererInstance = new mod.IstioGatewayRenderer(this, {
        namespace: p.namespace,
        selector: p.selector,
        serviceHost: p.serviceHost,
        httpTargetPort: p.httpPort.targetPort,
        tlsTargetPort: p.tlsPort.targetPort,
        rootNamespace: p.rootNamespace,
        name: this.props.name,
        denyPolicyName: this.props.denyPolicyName,
        mtls: this.mtls,
        accessLogging: this.props.accessLogging ?? true,
        labels: this.props.labels,
        annotations: this.annotations(false),
      }, this.model);
    }
    return this.rendererInstance;
  }

  private annotations(gatewayEgress: boolean): Record<string, string> | undefined {
    const out: Record<string, string> = { ...(this.props.annotations ?? {}) };
    if (!this.bypassClosure) out[BYPASS_CLOSURE_ANNOTATION] = 'disabled';
    if (this.anyAddress && gatewayEgress) out[GATEWAY_EGRESS_ANNOTATION] = 'any-address';
    return Object.keys(out).length ? out : undefined;
  }

  /** Every object emitted so far (Istio objects; the NetworkPolicies are in child EgressPolicies). */
  public get apiObjects(): ApiObject[] {
    return this.rendererInstance ? this.rendererInstance.apiObjects : [];
  }

  /** The hosts routed through this gateway, sorted. */
  public get routedHosts(): string[] {
    return [...this.model.hosts.keys()].sort();
  }

  /**
   * Route `props.source`'s traffic to `props.destinations` on `props.ports` through the
   * gateway. Emits (or extends) the Gateway, a VirtualService and ServiceEntry per host, the
   * gateway subsets, the ALLOW rules for the source, and the bypass-closing NetworkPolicies.
   *
   * Throws, with the route's path, on hostname patterns or addresses, ports without a
   * hostname-bearing protocol, HTTP rules on TLS routes, and hosts already routed differently
   * (by this or another gateway).
   */
  public addRoute(id: string, props: EgressRouteProps): EgressRoute {
    if (typeof id !== 'string' || id === '') {
      raise(this, [argProblem('The id of addRoute(id, props)', id, 'a non-empty string such as \'external-api\'')]);
    }
    if (this.node.tryFindChild(id) !== undefined) {
      throw EgressError.at(this, EgressErrorCode.INVALID_ARGUMENT, `addRoute() was given the id "${id}", which ${this.node.path}/${id} already has: give each route its own id`);
    }
    raise(this, EGRESS_ROUTE_PROPS(props, `addRoute("${id}") props`));
    this.checkSharedPods();
    const route = new EgressRoute(this, id, props.source, []);
    raise(route, props.source._problems());
    const source = props.source.toConfig();
    const hosts = this.routeHosts(route, props);
    (route.hosts as string[]).push(...hosts);
    const legs = this.routeLegs(route, props, hosts);
    const principals = this.principals(route, props, source);
    const rules = this.httpRules(route, props, legs);
    if (props.name !== undefined) raise(route, objectNameProblems(props.name));

    // All checks first, then apply: a refused route leaves no partial state behind.
    const renderer = this.renderer();
    const registry = renderer.registry();
    for (const h of hosts) this.checkDenied(route, h);
    const planned: Array<{ entry: HostEntry; leg: Omit<Leg, 'grants'> }> = [];
    const newNames = new Map<string, string>();
    for (const leg of legs) {
      const prevGateway = registry.owner('gateway-host', leg.host);
      if (prevGateway !== undefined && prevGateway !== this.node.path) {
        throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
          `${leg.host} is already routed through another egress gateway (${prevGateway}). A host can leave through one gateway only: `
          + 'two VirtualServices for the same host bound to the mesh are merged unpredictably. Route it through one gateway');
      }
      const entry = this.model.hosts.get(leg.host)
        ?? { host: leg.host, objectName: this.objectName(props, hosts, leg.host, registry), legs: new Map() };
      const existing = entry.legs.get(leg.mode);
      if (existing) this.checkSameLeg(route, existing, leg);
      for (const other of entry.legs.values()) {
        if (other.mode !== leg.mode && other.appPort === leg.appPort) {
          throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
            `${leg.host} port ${leg.appPort} is routed as ${leg.protocol} here but as ${other.protocol} by ${other.owner}. `
            + 'A host port has one protocol: use the same Port factory in both routes');
        }
      }
      if (!this.model.hosts.has(leg.host) && entry.objectName !== undefined) {
        // App-wide: gateways in other charts write to the same namespace.
        const taken = registry.owner('gateway-object-name', `${this.provider.namespace}/${entry.objectName}`) ?? newNames.get(entry.objectName);
        if (taken !== undefined && taken !== leg.host) {
          throw EgressError.at(route, EgressErrorCode.INVALID_NAME,
            `Route name "${entry.objectName}" is already used for ${taken}: VirtualService and ServiceEntry names must be unique in namespace "${this.provider.namespace}". Give this route another name`);
        }
        newNames.set(entry.objectName, leg.host);
      }
      this.checkGrantMerge(route, entry, leg, source, principals, leg.mode === LegMode.HTTP ? rules : undefined);
      planned.push({ entry, leg });
    }

    for (const { leg } of planned) registry.claimVisibleHost(route, source.namespace, leg.host, true);
    for (const { entry, leg } of planned) {
      registry.claim('gateway-host', leg.host, this.node.path);
      registry.claim('gateway-pods-host', `${this.podsKey()}|${leg.host}`, leg.owner);
      if (!this.model.hosts.has(entry.host)) {
        this.model.hosts.set(entry.host, entry);
        if (entry.objectName) registry.claim('gateway-object-name', `${this.provider.namespace}/${entry.objectName}`, entry.host);
      }
      const target = entry.legs.get(leg.mode) ?? { ...leg, grants: new Map() };
      entry.legs.set(leg.mode, target);
      const key = grantKey(source, principals);
      const grant = target.grants.get(key);
      const legRules = leg.mode === LegMode.HTTP ? rules : undefined;
      if (!grant) {
        const created: SourceGrant = {
          key,
          namespace: source.namespace,
          ...(principals ? { principals } : {}),
          ...(legRules ? { httpRules: legRules } : {}),
        };
        target.grants.set(key, created);
        this.grantOrigins.set(created, { pods: JSON.stringify(source), rules: JSON.stringify(legRules ?? null), owner: route.node.path });
      } else if (grant.httpRules !== undefined) {
        grant.httpRules = legRules === undefined ? undefined : dedupeRules([...grant.httpRules, ...legRules]);
      }
      renderer.hostChanged(entry);
      registry.importHost(source.namespace, `${this.provider.namespace}/${leg.host}`);
    }
    registry.importHost(source.namespace, `${this.provider.namespace}/${this.provider.serviceHost}`);

    if (this.bypassClosure) this.closeBypass(props.source, source, legs);
    if (this.props.logBlockedSourceAttempts) renderer.sourceTelemetry(source);
    const model = EgressModel.of(this);
    const destinations = hosts.map(istioHostDestination);
    const routeLegs = [...new Set(legs.map((l) => `${l.appPort}/${l.upstreamPort}/${l.gatewayPort.targetPort}`))].join(',');
    const objectRefs = () => this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)
      .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.name}`).sort();
    model.recordFact({
      toFact: (): EgressFact => ({
        kind: FactKind.GATEWAY_ROUTE,
        constructPath: route.node.path,
        source,
        destinations,
        summary: `via egress gateway ${this.provider.namespace}/${this.gatewayWorkload()}${this.mtls ? ' (mTLS from the sidecar)' : ''}`,
        // Listed only when read (the report): finding them walks the gateway's subtree.
        get objectRefs() { return objectRefs(); },
        details: {
          ...this.gatewayDetails(),
          [EgressFactDetails.HOSTS]: hosts.join(','),
          [EgressFactDetails.ROUTE_LEGS]: routeLegs,
          [EgressFactDetails.CONTROL_PLANE]: `${this.provider.controlPlaneNamespace}|${Object.entries(this.provider.controlPlaneLabels).map(([k, v]) => `${k}=${v}`).join(',')}|${this.provider.controlPlanePort}`,
        },
      }),
    });
    if (this.props.logBlockedSourceAttempts) {
      model.recordFact({
        toFact: (): EgressFact => ({
          kind: FactKind.ACCESS_LOG,
          constructPath: route.node.path,
          source,
          summary: 'blocked (BlackHoleCluster) and pass-through attempts of the sidecars are access-logged',
          objectRefs: objectRefs().filter((r) => r.startsWith('Telemetry/')),
          details: { [EgressFactDetails.PROVIDER]: 'istio', [EgressFactDetails.LOGS_BLOCKED]: 'true' },
        }),
      });
    }
    recordRoute({ gateway: this, routePath: route.node.path, source: () => props.source.toConfig(), hosts });
    DeclaredIntents._watch(route);
    return route;
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
    const registry = this.renderer().registry();
    // Every gateway on the same pods counts: the DENY policy selects the pods, not a Gateway object.
    const routed = registry.claimsWithPrefix('gateway-pods-host', `${this.podsKey()}|`);
    for (const h of hosts) {
      for (const [host, owner] of routed) {
        if (hostnameMatches(istioHostDestination(h), host)) {
          throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
            `denyHosts("${h}") matches ${host}, which route ${owner} sends through the same gateway pods: the route would be dead. Remove the route or narrow the deny pattern`);
        }
      }
    }
    for (const h of hosts) {
      registry.claim('gateway-pods-deny', `${this.podsKey()}|${h}`, this.node.path);
      if (!this.model.denyHosts.includes(h)) this.model.denyHosts.push(h);
    }
    this.renderer().ensureDeny();
  }

  /**
   * Gateways on the same pods must agree on mTLS: Istio merges their Gateway servers per port,
   * and a plaintext server next to an ISTIO_MUTUAL one on the same port is dropped, with every
   * route behind it.
   */
  private checkSharedPods(): void {
    const registry = this.renderer().registry();
    const other = registry.owner('gateway-pods-mtls', `${this.podsKey()}|${!this.mtls}`);
    if (other !== undefined) {
      throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
        `This gateway has mtls: ${this.mtls} but ${other} runs on the same gateway pods (${this.podsKey()}) with mtls: ${!this.mtls}. Istio merges the Gateway servers of the same pods per port, `
        + 'and drops a plaintext server next to an mTLS one (or the other way round), with every route behind it. Use the same mtls setting, or separate gateway deployments');
    }
    registry.claim('gateway-pods-mtls', `${this.podsKey()}|${this.mtls}`, this.node.path);
  }

  /**
   * The AuthorizationPolicy tells sources apart by namespace (or service account): routes of
   * other pods in the same namespace to the same host share one grant. With different HTTP rules
   * the grant would be their union, wider than either route asked for, so that is refused.
   */
  private checkGrantMerge(route: EgressRoute, entry: HostEntry, leg: Omit<Leg, 'grants'>, source: SourceConfig, principals: string[] | undefined, legRules: HttpRuleData[] | undefined): void {
    const grant = entry.legs.get(leg.mode)?.grants.get(grantKey(source, principals));
    const origin = grant && this.grantOrigins.get(grant);
    if (!origin || origin.pods === JSON.stringify(source) || origin.rules === JSON.stringify(legRules ?? null)) return;
    const describeRules = (r: string) => (r === 'null' ? 'every request' : `only the requests its httpRules list (${r})`);
    throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
      `This route lets ${source.podLabels ? 'its pods' : 'every pod'} in namespace "${source.namespace}" send ${describeRules(JSON.stringify(legRules ?? null))} to ${leg.host}, `
      + `but route ${origin.owner} lets other pods of the same namespace send ${describeRules(origin.rules)}. The gateway tells sources apart by namespace`
      + `${principals ? ' and service account' : ''} only, so both would get the union of the two, wider than either route asks. `
      + 'Give both routes the same httpRules, or tell the sources apart with serviceAccounts (distinct service accounts per workload)');
  }

  /** Identifies the gateway pods (namespace and selector). */
  private podsKey(): string {
    return `${this.provider.namespace}/${JSON.stringify(this.provider.selector)}`;
  }

  private checkDenied(route: EgressRoute, host: string): void {
    const registry = this.renderer().registry();
    const hit = registry.claimsWithPrefix('gateway-pods-deny', `${this.podsKey()}|`).find(([pattern]) => hostnameMatches(istioHostDestination(pattern), host));
    if (hit !== undefined) {
      throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
        `${host} matches denyHosts("${hit[0]}") (${hit[1]}) on the same gateway pods, so the route would be dead: the DENY policy is evaluated before every ALLOW. Remove the deny pattern or the host`);
    }
  }

  private routeHosts(route: EgressRoute, props: EgressRouteProps): string[] {
    if (props.destinations.length === 0) {
      throw EgressError.at(route, EgressErrorCode.EMPTY_POLICY, 'The route has no destinations. Pass at least one Destination.fqdn()');
    }
    const hosts: string[] = [];
    for (const d of props.destinations) {
      raise(route, d._problems());
      const c = d.toConfig();
      switch (c.kind) {
        case DestinationKind.FQDN:
          if (hosts.includes(c.hostname!)) {
            throw EgressError.at(route, EgressErrorCode.DUPLICATE_RULE, `${c.hostname} is listed twice in the route's destinations. Remove the duplicate`);
          }
          hosts.push(c.hostname!);
          break;
        case DestinationKind.FQDN_PATTERN:
        case DestinationKind.FQDN_SUFFIX:
          throw EgressError.at(route, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
            `Cannot route the pattern ${c.hostname} through the egress gateway: Envoy routes to hosts it knows, and after the sidecar sends the connection to the gateway the original address is lost. `
            + 'List the hosts with Destination.fqdn(), or allow the pattern directly from the sidecar with EgressBackend.istio() (ServiceEntry with resolution NONE, or DYNAMIC_DNS on Istio 1.30+, which Istio supports on sidecars only, not on gateways: istio/istio#61831) '
            + 'together with a NetworkPolicy from a DNS-aware backend (EgressBackend.cilium()). '
            + 'Routing arbitrary subdomains through a gateway needs an SNI forward proxy next to it (Istio task "Egress using Wildcard Hosts"), which this library does not generate');
        case DestinationKind.CIDR:
        case DestinationKind.KUBE_API_SERVER:
          throw EgressError.at(route, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
            `Cannot route ${d} through the egress gateway: a ServiceEntry for addresses has resolution NONE or STATIC, and with NONE the gateway forwards to the original destination, which is the gateway itself (a loop). `
            + 'Route a hostname (Destination.fqdn()), or allow the addresses directly with an EgressPolicy');
        default:
          throw EgressError.at(route, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
            `Cannot route ${d} through the egress gateway: it is inside the cluster. Allow it with an EgressPolicy`);
      }
    }
    return hosts;
  }

  private routeLegs(route: EgressRoute, props: EgressRouteProps, hosts: string[]): Array<Omit<Leg, 'grants'>> {
    if (props.ports.length === 0) {
      throw EgressError.at(route, EgressErrorCode.EMPTY_POLICY, 'The route has no ports. Pass e.g. Port.HTTPS (TLS, routed by SNI) or Port.http(80)');
    }
    const origination = props.tlsOrigination ?? false;
    const originationPort = props.originationPort ?? 443;
    if (props.originationPort !== undefined && !origination) {
      throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS, `originationPort ${props.originationPort} has no effect without tlsOrigination: true. Remove it or set tlsOrigination: true`);
    }
    if (!Number.isInteger(originationPort) || originationPort < 1 || originationPort > 65535) {
      throw EgressError.at(route, EgressErrorCode.INVALID_PORT, `Invalid originationPort ${originationPort}: ports must be whole numbers from 1 to 65535`);
    }
    const byMode = new Map<LegMode, PortConfig>();
    for (const port of props.ports) {
      raise(route, port._problems());
      const p = port.toConfig();
      const mode = legMode(route, port, p);
      if (origination && mode === LegMode.TLS) {
        throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
          `tlsOrigination needs the application to send plain HTTP, but ${port} already carries TLS. Use Port.http(80) for the application side; the gateway then opens TLS to port ${originationPort}`);
      }
      const prev = byMode.get(mode);
      if (prev) {
        throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
          `The route has two ${mode === LegMode.TLS ? 'TLS' : 'HTTP'} ports (${prev.port} and ${p.port}). The gateway has one ${mode === LegMode.TLS ? 'TLS' : 'HTTP'} listener, and from it a host can go to one upstream port only. Use one route per port`);
      }
      byMode.set(mode, p);
    }
    const legs: Array<Omit<Leg, 'grants'>> = [];
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
          gatewayPort: mode === LegMode.TLS ? this.provider.tlsPort : this.provider.httpPort,
          owner: route.node.path,
        });
      }
    }
    return legs;
  }

  private checkSameLeg(route: EgressRoute, existing: Leg, leg: Omit<Leg, 'grants'>): void {
    const describeLeg = (l: Omit<Leg, 'grants'>) => `${l.protocol} on port ${l.appPort}${l.origination ? ` with TLS origination to port ${l.upstreamPort}` : ''}`;
    const same = existing.appPort === leg.appPort && existing.protocol === leg.protocol
      && existing.origination === leg.origination && existing.upstreamPort === leg.upstreamPort;
    if (!same) {
      throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
        `${leg.host} is already routed through this gateway as ${describeLeg(existing)} by ${existing.owner}; this route asks for ${describeLeg(leg)}. `
        + `The gateway's ${leg.mode === LegMode.TLS ? 'TLS' : 'HTTP'} listener can send a host to one upstream port with one protocol. Use the same ports and options in both routes`);
    }
  }

  private principals(route: EgressRoute, props: EgressRouteProps, source: SourceConfig): string[] | undefined {
    if (props.serviceAccounts === undefined) return undefined;
    if (props.serviceAccounts.length === 0) {
      throw EgressError.at(route, EgressErrorCode.EMPTY_POLICY, 'serviceAccounts is an empty list, which would allow no workload. Leave it out to allow the whole source namespace, or name the service accounts');
    }
    if (!this.mtls) {
      throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
        'serviceAccounts needs mtls: true on the gateway: without Istio mTLS the gateway cannot see the caller\'s identity');
    }
    for (const sa of props.serviceAccounts) raise(route, objectNameProblems(sa));
    return [...new Set(props.serviceAccounts)].sort().map((sa) => `${this.provider.trustDomain}/ns/${source.namespace}/sa/${sa}`);
  }

  private httpRules(route: EgressRoute, props: EgressRouteProps, legs: Array<Omit<Leg, 'grants'>>): HttpRuleData[] | undefined {
    if (props.httpRules === undefined) return undefined;
    if (props.httpRules.length === 0) {
      throw EgressError.at(route, EgressErrorCode.EMPTY_POLICY, 'httpRules is an empty list, which would allow no request. Leave it out to allow every request, or list the rules');
    }
    for (const r of props.httpRules) raise(route, r._problems());
    const tls = legs.find((l) => l.mode === LegMode.TLS);
    if (tls) {
      throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
        `httpRules cannot apply to ${tls.host} on port ${tls.appPort}: the application's TLS passes through the gateway unopened, so it sees only the SNI, not methods or paths. `
        + 'Let the application send plain HTTP and the gateway originate TLS (ports: [Port.http(80)], tlsOrigination: true), or drop httpRules for this route');
    }
    return dedupeRules(props.httpRules.map((r) => r._toData()));
  }

  private objectName(props: EgressRouteProps, hosts: string[], host: string, registry: MeshRegistry): string | undefined {
    if (props.name !== undefined && hosts.length === 1) return props.name;
    const prefix = props.name ?? this.props.name;
    if (prefix === undefined) return undefined;
    // A DNS label of the host; api.example.com and api-example.com share one, so a later host
    // whose derived name another host already has gets a hash of its own.
    const derived = `${prefix}-${host.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}`;
    const owner = registry.owner('gateway-object-name', `${this.provider.namespace}/${derived}`);
    return owner === undefined || owner === host ? derived : `${derived}-${shortHash(host)}`;
  }

  /** Source → DNS + istiod + gateway pods; gateway pods → routed hosts. */
  private closeBypass(sourceObj: EgressSource, source: SourceConfig, legs: Array<Omit<Leg, 'grants'>>): void {
    const p = this.provider;
    const key = sourceKey(source);
    let entry = this.sourcePolicies.get(key);
    if (!entry) {
      // Named after the source, not after how many sources came before it: adding a route for
      // another source (before or after this one) must not rename this NetworkPolicy.
      const policy = new EgressPolicy(this, `SourceEgress-${shortHash(key)}`, {
        source: sourceObj,
        backends: [this.enforcementBackend],
        ...(this.props.dns ? { dns: this.props.dns } : {}),
        ...(this.props.labels ? { labels: this.props.labels } : {}),
        ...(this.annotations(false) ? { annotations: this.annotations(false) } : {}),
      });
      policy.allow(Destination.pods({ namespace: p.controlPlaneNamespace, labels: p.controlPlaneLabels }), Port.tcp(p.controlPlanePort));
      entry = { policy, ports: new Set() };
      this.sourcePolicies.set(key, entry);
    }
    for (const leg of legs) {
      const target = leg.gatewayPort.targetPort;
      if (entry.ports.has(target)) continue;
      entry.ports.add(target);
      entry.policy.allow(Destination.pods({ namespace: p.namespace, labels: p.selector }), Port.tcp(target));
    }

    if (!this.gatewayPolicy) {
      const policy = new EgressPolicy(this, 'GatewayEgress', {
        source: EgressSource.pods({ namespace: p.namespace, labels: p.selector }),
        backends: [this.gatewayEgressBackend],
        allowAllAddresses: this.anyAddress,
        ...(this.props.dns ? { dns: this.props.dns } : {}),
        ...(this.props.labels ? { labels: this.props.labels } : {}),
        ...(this.annotations(true) ? { annotations: this.annotations(true) } : {}),
      });
      policy.allow(Destination.pods({ namespace: p.controlPlaneNamespace, labels: p.controlPlaneLabels }), Port.tcp(p.controlPlanePort));
      this.gatewayPolicy = { policy, seen: new Set() };
    }
    for (const leg of legs) {
      const gp = this.gatewayPolicy;
      if (this.anyAddress) {
        if (gp.seen.has(`*|${leg.upstreamPort}`)) continue;
        gp.seen.add(`*|${leg.upstreamPort}`);
        gp.policy.allow(Destination.anyIpv4(), Port.tcp(leg.upstreamPort));
        gp.policy.allow(Destination.anyIpv6(), Port.tcp(leg.upstreamPort));
      } else {
        if (gp.seen.has(`${leg.host}|${leg.upstreamPort}`)) continue;
        gp.seen.add(`${leg.host}|${leg.upstreamPort}`);
        gp.policy.allow(Destination.fqdn(leg.host), Port.tcp(leg.upstreamPort));
      }
    }
  }
}

function legMode(route: EgressRoute, port: Port, p: PortConfig): LegMode {
  if (p.protocol !== Protocol.TCP || p.port === undefined || p.endPort !== undefined) {
    throw EgressError.at(route, EgressErrorCode.INVALID_PORT,
      `Cannot route ${port} through the egress gateway: routes need a single TCP port with its application protocol, e.g. Port.HTTPS or Port.http(80)`);
  }
  switch (p.appProtocol) {
    case AppProtocol.HTTPS:
    case AppProtocol.TLS:
      return LegMode.TLS;
    case AppProtocol.HTTP:
    case AppProtocol.HTTP2:
    case AppProtocol.GRPC:
      return LegMode.HTTP;
    default:
      throw EgressError.at(route, EgressErrorCode.INVALID_PORT,
        `Cannot route ${port} through the egress gateway by hostname: opaque TCP carries neither a TLS SNI nor an HTTP Host, so neither the sidecar nor the gateway can tell the host. `
        + `Use Port.tls(${p.port}) or Port.https(${p.port}) if the protocol starts with a TLS handshake, Port.http(${p.port}) for HTTP, or allow the service's addresses with an EgressPolicy`);
  }
}

function dedupeRules(rules: HttpRuleData[]): HttpRuleData[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The grant of a source: its namespace, or namespace and service accounts (what the gateway can tell apart). */
function grantKey(source: SourceConfig, principals: string[] | undefined): string {
  return principals ? `${source.namespace}|${principals.join(',')}` : source.namespace;
}

/**
 * What identifies a source's bypass policy: its namespace and its sorted labels (or none, for the
 * whole namespace). The policy's construct id, and so its object name, is a hash of this.
 */
function sourceKey(source: SourceConfig): string {
  const labels = source.podLabels === undefined ? '*' : Object.entries(sortedLabels(source.podLabels)).map(([k, v]) => `${k}=${v}`).join(',');
  return `${source.namespace}|${labels}`;
}
