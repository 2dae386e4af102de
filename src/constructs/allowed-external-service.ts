import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { EgressGateway } from './egress-gateway';
import { EgressPolicy } from './egress-policy';
import type { EgressRoute } from './egress-route';
import { IEgressBackend, backendProblems } from '../backends/contract';
import { checkContext } from '../core/context';
import { Destination } from '../core/destination';
import { DestinationKind } from '../core/destination-config';
import { DnsResolver } from '../core/dns-resolver';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { constructScope } from '../core/inputs';
import { ISTIOD_LABELS, ISTIOD_NAMESPACE, ISTIOD_PORT } from '../core/mesh-defaults';
import { Capability, EnforcementLayer } from '../core/policy-config';
import { Port } from '../core/port';
import { EgressSource } from '../core/source';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { isCidr, parseCidr } from '../util/cidr';
import { policyBackends } from './private/backends';
import { ALLOWED_EXTERNAL_SERVICE_PROPS } from './private/schemas';

/**
 * Properties of an `AllowedExternalService`.
 */
export interface AllowedExternalServiceProps {
  /** The workloads that may reach the service. They become egress-isolated on each backend. */
  readonly source: EgressSource;
  /**
   * The service: exact hostnames (`Destination.fqdn`), hostname patterns
   * (`Destination.fqdnPattern`) and/or address blocks (`Destination.ipv4`/`ipv6`). Internal
   * destinations (pods, namespaces) are accepted too, on backends that have them.
   */
  readonly destinations: Destination[];
  /**
   * Ports of the service. Use `Port.https(443)`/`Port.tls()`/`Port.http()` to tell L7-aware
   * backends (Istio) the application protocol.
   */
  readonly ports: Port[];
  /**
   * The backends that render and enforce the intent. Several may be given (Istio for L7
   * visibility plus Cilium for enforcement); each emits its own objects. With a mesh backend
   * (Istio) beside network backends, the network policies also allow istiod
   * (`istio-system`, `app: istiod`, TCP 15012), which the sidecars need.
   * @default [EgressBackend.kubernetes()]
   */
  readonly backends?: IEgressBackend[];
  /**
   * DNS servers the source keeps reaching (on the L3/L4 backends).
   * @default [DnsResolver.kubeDns()], plus the NodeLocal DNSCache declared in the
   * `cdk8s-egress:nodeLocalDnsCache` context
   */
  readonly dns?: DnsResolver[];
  /**
   * Allow `0.0.0.0/0` / `::/0` destinations. Without this opt-in they are refused.
   * @default false
   */
  readonly allowAllAddresses?: boolean;
  /**
   * Route the service through an egress gateway instead of letting the source reach it directly:
   * the gateway emits its routing objects and the bypass-closure policies (the source may then
   * reach only DNS and the gateway). Exact hostnames only. Not combinable with `backends`, which
   * would open a direct path around the gateway. For TLS origination or HTTP rules, call
   * `gateway.addRoute()` directly.
   * @default - no gateway: the backends enforce direct egress
   */
  readonly gateway?: EgressGateway;
  /**
   * Name prefix of the emitted objects (each backend appends its id when there are several).
   * @default - unique names derived from the construct path
   */
  readonly name?: string;
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

/** IPv4 blocks shorter than this prefix get a `broadCidr` warning. */
const BROAD_V4_PREFIX = 8;
/** IPv6 blocks shorter than this prefix get a `broadCidr` warning. */
const BROAD_V6_PREFIX = 16;

/**
 * "Only let these workloads reach this external service": hostnames, hostname patterns and/or
 * address blocks on given ports, rendered for one or several backends.
 *
 * Each backend expresses what it can and refuses what it cannot — a hostname on the Kubernetes
 * NetworkPolicy backend is an error that names the backends that can express it. Every backend
 * child is an `EgressPolicy` (child id = backend id), so the source keeps its DNS path and the
 * same safety checks apply.
 *
 * @example
 * new AllowedExternalService(chart, 'github', {
 *   source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
 *   destinations: [Destination.fqdn('api.github.com'), Destination.ipv4('203.0.113.0/24')],
 *   ports: [Port.HTTPS],
 *   backends: [EgressBackend.cilium()],
 * });
 */
export class AllowedExternalService extends Construct {
  /** The workloads that may reach the service. */
  public readonly source: EgressSource;
  /** The service's destinations. */
  public readonly destinations: Destination[];
  /** The service's ports. */
  public readonly ports: Port[];
  /** One policy per backend, in the order the backends were given (none when routed through a gateway). */
  public readonly policies: EgressPolicy[];
  /**
   * The gateway route, when the service goes through a gateway.
   * @default - not routed
   */
  public readonly route?: EgressRoute;

  public constructor(scope: Construct, id: string, props: AllowedExternalServiceProps) {
    super(constructScope(scope, id, 'AllowedExternalService'), id);
    raise(this, ALLOWED_EXTERNAL_SERVICE_PROPS(props, 'AllowedExternalService props'));
    checkContext(this);
    this.source = props.source;
    this.destinations = [...props.destinations];
    this.ports = [...props.ports];
    if (this.destinations.length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_POLICY,
        'AllowedExternalService was given no destinations: list the hostnames, hostname patterns or address blocks of the service');
    }
    // Every value first, so that nothing below reads an invalid one.
    raise(this, [...props.source._problems(), ...this.destinations.flatMap((d) => d._problems()), ...this.ports.flatMap((p) => p._problems()),
      ...(props.backends ?? []).flatMap((b) => backendProblems(b)), ...(props.dns ?? []).flatMap((r) => r._problems())]);
    if (props.gateway) {
      if (props.backends) {
        throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
          'AllowedExternalService was given both gateway and backends: direct-egress policies from the backends would let the source bypass the gateway. '
          + "Drop backends (the gateway's bypass closure emits the enforcing policies), or drop gateway");
      }
      // The gateway emits the objects (its own labels, DNS and closure): these would be ignored.
      const ignored = (['labels', 'annotations', 'dns', 'allowAllAddresses'] as const).filter((k) => props[k] !== undefined);
      if (ignored.length > 0) {
        throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
          `AllowedExternalService was given gateway together with ${ignored.join(', ')}, which only apply to direct-egress policies: the gateway emits the objects of a routed service `
          + '(set labels, annotations and dns on the EgressGateway). Drop them, or drop gateway');
      }
      this.warnBroad();
      this.policies = [];
      this.route = props.gateway.addRoute(this.node.path.replace(/[^A-Za-z0-9]+/g, '-'), {
        source: props.source,
        destinations: this.destinations,
        ports: this.ports,
        ...(props.name ? { name: props.name } : {}),
      });
      return;
    }
    const backends = policyBackends(this, props.backends, 'AllowedExternalService');
    this.warnBroad();
    this.policies = backends.map((backend) => new EgressPolicy(this, backend.id, {
      source: props.source,
      backends: [backend],
      dns: props.dns,
      allowAllAddresses: props.allowAllAddresses,
      ...(props.name ? { name: backends.length === 1 ? props.name : `${props.name}-${backend.id}` } : {}),
      labels: props.labels,
      annotations: props.annotations,
      rules: this.destinations.map((destination) => ({ destination, ports: this.ports })),
    }));
    // A mesh backend puts the source's pods under a sidecar, which must keep reaching istiod
    // through the network backends' isolation: the library adds that path itself.
    if (backends.some((b) => b.semantics.layer === EnforcementLayer.MESH)) {
      backends.forEach((b, i) => {
        if ((b.semantics.layer ?? EnforcementLayer.NETWORK) === EnforcementLayer.NETWORK && b.supports(Capability.POD_SELECTOR)) {
          this.policies[i].allow(Destination.pods({ namespace: ISTIOD_NAMESPACE, labels: { ...ISTIOD_LABELS } }), Port.tcp(ISTIOD_PORT));
        }
      });
    }
  }

  /** Every object emitted for this service, across backends. */
  public get apiObjects(): ApiObject[] {
    return this.policies.flatMap((p) => p.apiObjects);
  }

  private warnBroad(): void {
    for (const d of this.destinations) {
      const c = d.toConfig();
      if (c.kind !== DestinationKind.CIDR) continue;
      const parsed = parseCidr(c.cidr!);
      if (!isCidr(parsed) || parsed.prefix === 0) continue;
      const limit = parsed.family === 4 ? BROAD_V4_PREFIX : BROAD_V6_PREFIX;
      if (parsed.prefix < limit) {
        EgressWarnings.add(this, EgressWarningId.BROAD_CIDR,
          `Destination ${parsed.text} covers more than a /${limit}: an external service rarely needs that much. Narrow it to the service's published ranges`);
      }
    }
  }
}
