// One EgressGateway bound to the Istio data plane: the app-wide Istio bookkeeping of its routes
// (one gateway per host, unique object names, shared gateway pods, sidecar visibility), the
// names of its objects, and the renderer, loaded on first use.
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { IstioGatewayRenderer } from './renderer';
import type { MeshRegistry } from '../../backends/istio/mesh-registry';
import { EgressError } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { hostnameMatches, istioHostDestination } from '../../core/hosts';
import { objectRef, parseObjectRef } from '../../core/object-ref';
import { SourceConfig } from '../../core/source-config';
import { EgressWarningId } from '../../core/warning-ids';
import { EgressWarnings } from '../../core/warnings';
import { EgressModel } from '../../model/egress-model';
import { EgressFactDetails } from '../../model/fact-details';
import { EgressFact, FactKind } from '../../model/facts';
import { shortHash } from '../../util/naming';
import { GatewayControlPlane, GatewayEgressPods, GatewaySettings, IGatewayBinding } from '../binding';
import { gatewayDetails } from '../facts';
import { GatewayListeners, GatewayPortData, HostEntry } from '../route-model';
import { RoutePlan } from '../route-planner';

/** The provider settings a binding reads. */
export interface IstioGatewayConfig {
  readonly id: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly serviceHost: string;
  readonly tlsPort: GatewayPortData;
  readonly httpPort: GatewayPortData;
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly controlPlaneNamespace: string;
  readonly controlPlaneLabels: Record<string, string>;
  readonly controlPlanePort: number;
}

interface RendererModule {
  IstioGatewayRenderer: typeof IstioGatewayRenderer;
}

interface MeshRegistryModule {
  MeshRegistry: typeof MeshRegistry;
}

/** An EgressGateway on Istio. */
export class IstioGatewayBinding implements IGatewayBinding {
  public readonly pods: GatewayEgressPods;
  public readonly controlPlane: GatewayControlPlane;
  public readonly listeners: GatewayListeners;
  private rendererInstance?: IstioGatewayRenderer;
  private registryInstance?: MeshRegistry;

  public constructor(private readonly gateway: Construct, private readonly config: IstioGatewayConfig, private readonly settings: GatewaySettings) {
    // The gateway Deployment's name, as Istio's `source_workload` label reports it.
    this.pods = { namespace: config.namespace, labels: config.selector, workload: config.serviceHost.split('.')[0] };
    this.controlPlane = { namespace: config.controlPlaneNamespace, labels: config.controlPlaneLabels, port: config.controlPlanePort };
    this.listeners = { tls: config.tlsPort, http: config.httpPort };
  }

  public get apiObjects(): ApiObject[] {
    return this.rendererInstance ? this.rendererInstance.apiObjects : [];
  }

  public announce(): void {
    const c = this.config;
    if (!this.settings.accessLogging) return;
    if (c.namespace === c.rootNamespace) {
      EgressWarnings.add(this.gateway, EgressWarningId.ISTIO_GATEWAY_ACCESS_LOG_ROOT_NAMESPACE,
        `The gateway runs in Istio's root namespace "${c.rootNamespace}", where a Telemetry with a workload selector is ignored, so no access-log Telemetry is emitted for it. `
        + 'Run the gateway in its own namespace (EgressGatewayProvider.istio({ namespace: \'istio-egress\' })), or enable mesh-wide access logging (meshConfig.accessLogFile: /dev/stdout)');
      return;
    }
    const refs = this.objectRefs();
    EgressModel.of(this.gateway).recordFact({
      toFact: (): EgressFact => ({
        kind: FactKind.ACCESS_LOG,
        constructPath: this.gateway.node.path,
        source: { namespace: c.namespace, podLabels: { ...c.selector } },
        summary: `every connection through egress gateway ${c.namespace}/${this.pods.workload} is access-logged (Istio Telemetry, envoy)`,
        objectRefs: refs().filter((r) => parseObjectRef(r)?.kind === 'Telemetry'),
        details: { ...gatewayDetails(c.id, this.pods), [EgressFactDetails.LOGS_BLOCKED]: 'false' },
      }),
    });
  }

  /**
   * Gateways on the same pods must agree on mTLS: Istio merges their Gateway servers per port,
   * and a plaintext server next to an ISTIO_MUTUAL one on the same port is dropped, with every
   * route behind it.
   */
  public beforeRoute(): void {
    const registry = this.registry();
    const mtls = this.settings.mtls;
    const other = registry.owner('gateway-pods-mtls', `${this.podsKey()}|${!mtls}`);
    if (other !== undefined) {
      throw EgressError.at(this.gateway, EgressErrorCode.CONFLICTING_OPTIONS,
        `This gateway has mtls: ${mtls} but ${other} runs on the same gateway pods (${this.podsKey()}) with mtls: ${!mtls}. Istio merges the Gateway servers of the same pods per port, `
        + 'and drops a plaintext server next to an mTLS one (or the other way round), with every route behind it. Use the same mtls setting, or separate gateway deployments');
    }
    registry.claim('gateway-pods-mtls', `${this.podsKey()}|${mtls}`, this.gateway.node.path);
  }

  public principals(namespace: string, serviceAccounts: readonly string[]): string[] {
    return serviceAccounts.map((sa) => `${this.config.trustDomain}/ns/${namespace}/sa/${sa}`);
  }

  public checkRoute(route: IConstruct, plan: RoutePlan, isNew: (host: string) => boolean): void {
    const registry = this.registry();
    for (const host of plan.hosts) {
      const hit = registry.claimsWithPrefix('gateway-pods-deny', `${this.podsKey()}|`).find(([pattern]) => hostnameMatches(istioHostDestination(pattern), host));
      if (hit !== undefined) {
        throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
          `${host} matches denyHosts("${hit[0]}") (${hit[1]}) on the same gateway pods, so the route would be dead: the DENY policy is evaluated before every ALLOW. Remove the deny pattern or the host`);
      }
    }
    const newNames = new Map<string, string>();
    for (const leg of plan.legs) {
      const prevGateway = registry.owner('gateway-host', leg.host);
      if (prevGateway !== undefined && prevGateway !== this.gateway.node.path) {
        throw EgressError.at(route, EgressErrorCode.CONFLICTING_OPTIONS,
          `${leg.host} is already routed through another egress gateway (${prevGateway}). A host can leave through one gateway only: `
          + 'two VirtualServices for the same host bound to the mesh are merged unpredictably. Route it through one gateway');
      }
      if (!isNew(leg.host)) continue;
      const name = this.objectName(plan.routeName, plan.hosts, leg.host);
      if (name === undefined) continue;
      // App-wide: gateways in other charts write to the same namespace.
      const taken = registry.owner('gateway-object-name', `${this.config.namespace}/${name}`) ?? newNames.get(name);
      if (taken !== undefined && taken !== leg.host) {
        throw EgressError.at(route, EgressErrorCode.INVALID_NAME,
          `Route name "${name}" is already used for ${taken}: VirtualService and ServiceEntry names must be unique in namespace "${this.config.namespace}". Give this route another name`);
      }
      newNames.set(name, leg.host);
    }
  }

  /**
   * `<route name>` for a one-host route, else `<route or gateway name>-<host>`. A host with a `-`
   * of its own carries a hash of itself (`api-example.com` and `api.example.com` would share a
   * name): the name of a host never depends on which hosts were routed before it.
   */
  public objectName(routeName: string | undefined, hosts: readonly string[], host: string): string | undefined {
    if (routeName !== undefined && hosts.length === 1) return routeName;
    const prefix = routeName ?? this.settings.name;
    if (prefix === undefined) return undefined;
    const derived = `${prefix}-${host.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}`;
    return host.includes('-') ? `${derived}-${shortHash(host)}` : derived;
  }

  public applyRoute(route: IConstruct, plan: RoutePlan, entries: readonly HostEntry[], isNew: (host: string) => boolean): void {
    const registry = this.registry();
    const c = this.config;
    for (const leg of plan.legs) registry.claimVisibleHost(route, plan.source.namespace, leg.host, true);
    plan.legs.forEach((leg, i) => {
      const entry = entries[i];
      registry.claim('gateway-host', leg.host, this.gateway.node.path);
      registry.claim('gateway-pods-host', `${this.podsKey()}|${leg.host}`, leg.owner);
      if (isNew(leg.host) && entry.objectName) registry.claim('gateway-object-name', `${c.namespace}/${entry.objectName}`, entry.host);
      this.renderer().hostChanged(entry);
      registry.importHost(plan.source.namespace, `${c.namespace}/${leg.host}`);
    });
    registry.importHost(plan.source.namespace, `${c.namespace}/${c.serviceHost}`);
  }

  public routeAdded(route: IConstruct, source: SourceConfig, objectRefs: () => string[]): void {
    if (!this.settings.logBlockedSourceAttempts) return;
    this.renderer().sourceTelemetry(source);
    EgressModel.of(this.gateway).recordFact({
      toFact: (): EgressFact => ({
        kind: FactKind.ACCESS_LOG,
        constructPath: route.node.path,
        source,
        summary: 'blocked (BlackHoleCluster) and pass-through attempts of the sidecars are access-logged',
        objectRefs: objectRefs().filter((r) => parseObjectRef(r)?.kind === 'Telemetry'),
        details: { [EgressFactDetails.PROVIDER]: this.config.id, [EgressFactDetails.LOGS_BLOCKED]: 'true' },
      }),
    });
  }

  public denyHosts(hosts: readonly string[]): void {
    const registry = this.registry();
    // Every gateway on the same pods counts: the DENY policy selects the pods, not a Gateway object.
    const routed = registry.claimsWithPrefix('gateway-pods-host', `${this.podsKey()}|`);
    for (const h of hosts) {
      for (const [host, owner] of routed) {
        if (hostnameMatches(istioHostDestination(h), host)) {
          throw EgressError.at(this.gateway, EgressErrorCode.CONFLICTING_OPTIONS,
            `denyHosts("${h}") matches ${host}, which route ${owner} sends through the same gateway pods: the route would be dead. Remove the route or narrow the deny pattern`);
        }
      }
    }
    for (const h of hosts) registry.claim('gateway-pods-deny', `${this.podsKey()}|${h}`, this.gateway.node.path);
    this.renderer().ensureDeny();
  }

  /** `Kind/namespace/name` of every object under the gateway, sorted. */
  private objectRefs(): () => string[] {
    return () => this.gateway.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject).map(objectRef).sort();
  }

  /** Identifies the gateway pods (namespace and selector). */
  private podsKey(): string {
    return `${this.config.namespace}/${JSON.stringify(this.config.selector)}`;
  }

  /** The app's Istio bookkeeping, loaded on first use like the renderer (it emits Sidecars). */
  private registry(): MeshRegistry {
    if (!this.registryInstance) {
      // Loaded on first use, like the renderer; the app's registry, kept for every later route.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('../../backends/istio/mesh-registry') as MeshRegistryModule;
      this.registryInstance = mod.MeshRegistry.of(this.gateway);
    }
    return this.registryInstance;
  }

  private renderer(): IstioGatewayRenderer {
    if (!this.rendererInstance) {
      // Loaded on first use: keeps `require('cdk8s-egress')` from loading the Istio bindings.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('./renderer') as RendererModule;
      const c = this.config;
      const s = this.settings;
      this.rendererInstance = new mod.IstioGatewayRenderer(this.gateway, {
        namespace: c.namespace,
        selector: c.selector,
        serviceHost: c.serviceHost,
        httpTargetPort: c.httpPort.targetPort,
        tlsTargetPort: c.tlsPort.targetPort,
        rootNamespace: c.rootNamespace,
        name: s.name,
        denyPolicyName: s.denyPolicyName,
        mtls: s.mtls,
        accessLogging: s.accessLogging,
        labels: s.labels,
        annotations: s.annotations,
      }, s.model);
    }
    return this.rendererInstance;
  }
}
