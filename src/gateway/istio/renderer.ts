// Renders an EgressGateway's routes as Istio objects. Loaded lazily by the construct, so
// `require('cdk8s-egress')` does not load the Istio bindings.
import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DestinationRule,
  DestinationRuleSpec,
  DestinationRuleSpecSubsets,
  DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode,
  DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode,
  Gateway,
  GatewaySpec,
  GatewaySpecServers,
  GatewaySpecServersTlsMode,
  ServiceEntry,
  ServiceEntrySpec,
  ServiceEntrySpecLocation,
  ServiceEntrySpecResolution,
  VirtualService,
  VirtualServiceSpec,
  VirtualServiceSpecHttp,
  VirtualServiceSpecTcp,
  VirtualServiceSpecTls,
} from '../../../imports/networking.istio.io';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpec,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
  AuthorizationPolicySpecRulesFrom,
} from '../../../imports/security.istio.io';
import { Telemetry, TelemetrySpec } from '../../../imports/telemetry.istio.io';
import { MeshRegistry } from '../../backends/istio/mesh-registry';
import { SourceConfig } from '../../core/source-config';
import { plainApiObject } from '../../emit/objects';
import { AppState, StateKey } from '../../util/app-state';
import { hostLabel, slug, sortedUnique } from '../../util/naming';
import { compareStrings } from '../../util/order';
import {
  GatewayModel,
  HostEntry,
  Leg,
  LegMode,
  SourceGrant,
  entryNamespaces,
  orderedHosts,
  orderedLegs,
} from '../route-model';

/** Access-log filter that keeps only connections the sidecar blocked or passed through unrouted. */
export const BLOCKED_ATTEMPTS_FILTER = "xds.cluster_name in ['BlackHoleCluster', 'PassthroughCluster'] || xds.route_name in ['block_all', 'allow_any']";

/** Provider settings the renderer needs. */
export interface IstioGatewayRenderConfig {
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly serviceHost: string;
  readonly httpTargetPort: number;
  readonly tlsTargetPort: number;
  readonly rootNamespace: string;
  readonly name?: string;
  readonly denyPolicyName?: string;
  readonly mtls: boolean;
  readonly accessLogging: boolean;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * The subsets of each gateway Service (by `namespace|serviceHost`), shared app-wide by every
 * EgressGateway that targets it, and by every copy of the library in the process: the cluster has
 * one DestinationRule per Service host.
 */
const SUBSETS = StateKey.shared<Map<string, SharedSubsets>>('istioGatewaySubsets');

interface SharedSubsets {
  readonly rule: ApiObject;
  readonly models: GatewayModel[];
}

/** One host's objects. */
interface HostObjects {
  readonly scope: Construct;
  origination?: ApiObject;
}

/** Renders the Istio objects of one EgressGateway. */
export class IstioGatewayRenderer {
  private gateway?: ApiObject;
  private deny?: ApiObject;
  private readonly hostObjects = new Map<string, HostObjects>();
  private readonly objects: ApiObject[] = [];

  public constructor(private readonly scope: Construct, private readonly config: IstioGatewayRenderConfig, private readonly model: GatewayModel) {}

  /** Every object emitted so far. */
  public get apiObjects(): ApiObject[] {
    return [...this.objects];
  }

  /** `namespace/name` of the Gateway, as VirtualServices reference it. */
  private gatewayRef(): string {
    return `${this.config.namespace}/${this.gateway!.name}`;
  }

  private metadata(name: string | undefined, namespace: string): ApiObjectMetadata {
    const c = this.config;
    return {
      ...(name ? { name } : {}),
      namespace,
      ...(c.labels && Object.keys(c.labels).length ? { labels: c.labels } : {}),
      ...(c.annotations && Object.keys(c.annotations).length ? { annotations: c.annotations } : {}),
    };
  }

  private track<T extends ApiObject>(o: T): T {
    this.objects.push(o);
    return o;
  }

  /** The Gateway, the ALLOW policy, the gateway subsets and the access log: created with the first route. */
  public ensureCore(): void {
    if (this.gateway) return;
    const c = this.config;
    this.gateway = this.track(plainApiObject(Gateway.GVK, this.scope, 'Gateway', {
      metadata: this.metadata(c.name, c.namespace),
      spec: Lazy.any({ produce: (): GatewaySpec => ({ selector: c.selector, servers: this.servers() }) }),
    }));
    this.track(plainApiObject(AuthorizationPolicy.GVK, this.scope, 'AllowPolicy', {
      metadata: this.metadata(c.name ? `${c.name}-allow` : undefined, c.namespace),
      spec: Lazy.any({
        produce: (): AuthorizationPolicySpec => ({
          action: AuthorizationPolicySpecAction.ALLOW,
          rules: this.allowRules(),
          selector: { matchLabels: c.selector },
        }),
      }),
    }));
    if (c.mtls) this.ensureSubsets();
    if (c.accessLogging && c.namespace !== c.rootNamespace) {
      this.track(plainApiObject(Telemetry.GVK, this.scope, 'AccessLog', {
        metadata: this.metadata(c.name ? `${c.name}-access-log` : undefined, c.namespace),
        spec: Lazy.any({
          produce: (): TelemetrySpec => ({
            accessLogging: [{ providers: [{ name: 'envoy' }] }],
            selector: { matchLabels: c.selector },
          }),
        }),
      }));
    }
  }

  /** The DestinationRule with one subset per routed (host, mode), shared by gateways on the same Service. */
  private ensureSubsets(): void {
    const c = this.config;
    const registry = AppState.of(this.scope).get(SUBSETS, () => new Map());
    const key = `${c.namespace}|${c.serviceHost}`;
    const shared = registry.get(key);
    if (shared) {
      shared.models.push(this.model);
      return;
    }
    const models = [this.model];
    const rule = this.track(plainApiObject(DestinationRule.GVK, this.scope, 'GatewaySubsets', {
      metadata: this.metadata(c.name, c.namespace),
      spec: Lazy.any({
        produce: (): DestinationRuleSpec => {
          const entries = models.flatMap((m) => orderedHosts(m));
          const namespaces = sortedUnique(entries.flatMap(entryNamespaces));
          return {
            exportTo: exportTo(c.namespace, namespaces),
            host: c.serviceHost,
            subsets: entries.flatMap((e) => orderedLegs(e).map((l) => this.subset(l))),
          };
        },
      }),
    }));
    registry.set(key, { rule, models });
  }

  /** The host's subset: distinct across every gateway that shares the DestinationRule, whatever else is routed. */
  private subsetName(leg: Leg): string {
    return `${slug(hostLabel(leg.host), 58)}-${leg.mode}`;
  }

  private subset(leg: Leg): DestinationRuleSpecSubsets {
    return {
      name: this.subsetName(leg),
      trafficPolicy: {
        portLevelSettings: [{
          port: { number: leg.gatewayPort.port },
          // The SNI of the mTLS connection selects the gateway server for this host.
          tls: { mode: DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode.ISTIO_UNDERSCORE_MUTUAL, sni: leg.host },
        }],
      },
    };
  }

  /** Objects of one host: VirtualService, ServiceEntry, and a TLS-origination DestinationRule when needed. */
  public hostChanged(entry: HostEntry): void {
    this.ensureCore();
    let objs = this.hostObjects.get(entry.host);
    if (!objs) {
      const scope = new Construct(this.scope, `Host-${slug(hostLabel(entry.host))}`);
      objs = { scope };
      this.hostObjects.set(entry.host, objs);
      const c = this.config;
      this.track(plainApiObject(VirtualService.GVK, scope, 'VirtualService', {
        metadata: this.metadata(entry.objectName, c.namespace),
        spec: Lazy.any({ produce: () => this.virtualService(entry) }),
      }));
      this.track(plainApiObject(ServiceEntry.GVK, scope, 'ServiceEntry', {
        metadata: this.metadata(entry.objectName, c.namespace),
        spec: Lazy.any({ produce: () => this.serviceEntry(entry) }),
      }));
    }
    if (!objs.origination && [...entry.legs.values()].some((l) => l.origination)) {
      objs.origination = this.track(plainApiObject(DestinationRule.GVK, objs.scope, 'TlsOrigination', {
        metadata: this.metadata(entry.objectName ? `${entry.objectName}-tls-origination` : undefined, this.config.namespace),
        spec: Lazy.any({ produce: () => this.origination(entry) }),
      }));
    }
  }

  /** The DENY policy of `denyHosts()`. */
  public ensureDeny(): void {
    if (this.deny) return;
    const c = this.config;
    const name = c.denyPolicyName ?? (c.name ? `${c.name}-deny` : undefined);
    this.deny = this.track(plainApiObject(AuthorizationPolicy.GVK, this.scope, 'DenyPolicy', {
      metadata: this.metadata(name, c.namespace),
      spec: Lazy.any({
        produce: (): AuthorizationPolicySpec => ({
          action: AuthorizationPolicySpecAction.DENY,
          rules: this.denyRules(),
          selector: { matchLabels: c.selector },
        }),
      }),
    }));
  }

  /**
   * Access logging of blocked attempts for a routed source's sidecars (app-wide once per source).
   */
  public sourceTelemetry(source: SourceConfig): void {
    const registry = MeshRegistry.of(this.scope);
    const key = `${source.namespace}|${JSON.stringify(source.podLabels ?? null)}`;
    if (!registry.claimOnce('source-telemetry', key)) return;
    this.track(plainApiObject(Telemetry.GVK, this.scope, `BlockedAttemptsLog-${slug(source.namespace, 40)}-${slug(Object.entries(source.podLabels ?? {}).map(([k, v]) => `${k}-${v}`).join('-') || 'all', 40)}`, {
      metadata: this.metadata(undefined, source.namespace),
      spec: Lazy.any({
        produce: (): TelemetrySpec => ({
          accessLogging: [{ filter: { expression: BLOCKED_ATTEMPTS_FILTER }, providers: [{ name: 'envoy' }] }],
          ...(source.podLabels ? { selector: { matchLabels: source.podLabels } } : {}),
        }),
      }),
    }));
  }

  private servers(): GatewaySpecServers[] {
    const c = this.config;
    return orderedHosts(this.model).flatMap((e) => orderedLegs(e).map((leg): GatewaySpecServers => {
      const hosts = [`./${leg.host}`];
      const n = leg.gatewayPort.port;
      const s = slug(hostLabel(leg.host), 40);
      if (leg.mode === LegMode.TLS) {
        return {
          hosts,
          port: { name: `tls-${n}-${s}`, number: n, protocol: 'TLS' },
          tls: { mode: c.mtls ? GatewaySpecServersTlsMode.ISTIO_UNDERSCORE_MUTUAL : GatewaySpecServersTlsMode.PASSTHROUGH },
        };
      }
      return c.mtls
        ? { hosts, port: { name: `https-${n}-${s}`, number: n, protocol: 'HTTPS' }, tls: { mode: GatewaySpecServersTlsMode.ISTIO_UNDERSCORE_MUTUAL } }
        : { hosts, port: { name: `http-${n}-${s}`, number: n, protocol: 'HTTP' } };
    }));
  }

  private toGateway(leg: Leg): { host: string; subset?: string; port: { number: number } } {
    return {
      host: this.config.serviceHost,
      ...(this.config.mtls ? { subset: this.subsetName(leg) } : {}),
      port: { number: leg.gatewayPort.port },
    };
  }

  private virtualService(entry: HostEntry): VirtualServiceSpec {
    const gw = this.gatewayRef();
    const tls: VirtualServiceSpecTls[] = [];
    const tcp: VirtualServiceSpecTcp[] = [];
    const http: VirtualServiceSpecHttp[] = [];
    for (const leg of orderedLegs(entry)) {
      const upstream = { host: entry.host, port: { number: leg.appPort } };
      if (leg.mode === LegMode.TLS) {
        tls.push({ match: [{ gateways: ['mesh'], port: leg.appPort, sniHosts: [entry.host] }], route: [{ destination: this.toGateway(leg) }] });
        if (this.config.mtls) {
          // The gateway terminates the mTLS wrapper; what is inside is the application's TLS.
          tcp.push({ match: [{ gateways: [gw], port: leg.gatewayPort.port }], route: [{ destination: upstream }] });
        } else {
          tls.push({ match: [{ gateways: [gw], port: leg.gatewayPort.port, sniHosts: [entry.host] }], route: [{ destination: upstream }] });
        }
      } else {
        http.push({ match: [{ gateways: ['mesh'], port: leg.appPort }], route: [{ destination: this.toGateway(leg) }] });
        http.push({ match: [{ gateways: [gw], port: leg.gatewayPort.port }], route: [{ destination: upstream }] });
      }
    }
    return {
      exportTo: exportTo(this.config.namespace, entryNamespaces(entry)),
      gateways: ['mesh', gw],
      hosts: [entry.host],
      ...(http.length ? { http } : {}),
      ...(tcp.length ? { tcp } : {}),
      ...(tls.length ? { tls } : {}),
    };
  }

  private serviceEntry(entry: HostEntry): ServiceEntrySpec {
    return {
      exportTo: exportTo(this.config.namespace, entryNamespaces(entry)),
      hosts: [entry.host],
      location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
      ports: orderedLegs(entry).sort((a, b) => a.appPort - b.appPort).map((l) => ({
        name: l.portName,
        number: l.appPort,
        protocol: l.protocol,
        ...(l.origination ? { targetPort: l.upstreamPort } : {}),
      })),
      // DNS: with NONE the gateway would forward to the original destination, its own address.
      resolution: ServiceEntrySpecResolution.DNS,
    };
  }

  private origination(entry: HostEntry): DestinationRuleSpec {
    return {
      // Only the gateway originates TLS; sidecars send plain HTTP to the gateway.
      exportTo: ['.'],
      host: entry.host,
      trafficPolicy: {
        portLevelSettings: orderedLegs(entry).filter((l) => l.origination).map((l) => ({
          port: { number: l.appPort },
          tls: { mode: DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.SIMPLE, sni: entry.host },
        })),
      },
    };
  }

  private from(grant: SourceGrant): AuthorizationPolicySpecRulesFrom[] | undefined {
    if (!this.config.mtls) return undefined; // no peer identity without mTLS
    return [{ source: grant.principals ? { principals: grant.principals } : { namespaces: [grant.namespace] } }];
  }

  private allowRules(): AuthorizationPolicySpecRules[] {
    const rules: AuthorizationPolicySpecRules[] = [];
    for (const entry of orderedHosts(this.model)) {
      for (const leg of orderedLegs(entry)) {
        const grants = [...leg.grants.values()].sort((a, b) => compareStrings(a.key, b.key));
        for (const grant of grants) {
          const from = this.from(grant);
          if (leg.mode === LegMode.TLS) {
            rules.push({
              ...(from ? { from } : {}),
              to: [{ operation: { ports: [String(this.config.tlsTargetPort)] } }],
              when: [{ key: 'connection.sni', values: [leg.host] }],
            });
            continue;
          }
          const hosts = sortedUnique([leg.host, `${leg.host}:${leg.appPort}`]);
          const ports = [String(this.config.httpTargetPort)];
          for (const r of grant.httpRules ?? [{}]) {
            rules.push({
              ...(from ? { from } : {}),
              to: [{ operation: { hosts, ...(r.methods ? { methods: r.methods } : {}), ...(r.paths ? { paths: r.paths } : {}), ports } }],
            });
          }
        }
      }
    }
    return rules;
  }

  private denyRules(): AuthorizationPolicySpecRules[] {
    const patterns = sortedUnique(this.model.denyHosts);
    const httpLegs = orderedHosts(this.model).flatMap((e) => orderedLegs(e).filter((l) => l.mode === LegMode.HTTP));
    const httpPorts = sortedUnique(httpLegs.map((l) => String(l.appPort)));
    const hosts = sortedUnique([...patterns, ...patterns.flatMap((p) => httpPorts.map((port) => `${p}:${port}`))]);
    return [
      // HTTP servers: match the Host header (with and without the port the application used).
      { to: [{ operation: { hosts, ports: [String(this.config.httpTargetPort)] } }] },
      // TLS servers: only the SNI is visible. `ports` keeps each rule on its own listeners, so the
      // HTTP-only `hosts` field never turns into a deny-all on the TCP listeners.
      { to: [{ operation: { ports: [String(this.config.tlsTargetPort)] } }], when: [{ key: 'connection.sni', values: patterns }] },
    ];
  }
}

function exportTo(own: string, namespaces: string[]): string[] {
  return ['.', ...namespaces.filter((n) => n !== own)];
}
