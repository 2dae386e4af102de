// The per-gateway half of the gateway provider contract (provider.ts): what a gateway tells its
// provider when it binds, and what the bound provider answers and does for each route. Internal:
// the types carry the route model, which is not part of the jsii API.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { GatewayListeners, GatewayModel, HostEntry } from './route-model';
import { RoutePlan } from './route-planner';
import { SourceConfig } from '../core/source-config';

/** What a gateway tells its provider once, when it binds. */
export interface GatewaySettings {
  /** The gateway's `name` prop (base of object names), if given. */
  readonly name?: string;
  /** Name of the DENY policy, if given. */
  readonly denyPolicyName?: string;
  /** Whether sidecar-to-gateway traffic is mutually authenticated. */
  readonly mtls: boolean;
  readonly accessLogging: boolean;
  readonly logBlockedSourceAttempts: boolean;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** The routes the gateway has planned so far (read at synth). */
  readonly model: GatewayModel;
}

/** Pods selected by namespace and labels. */
export interface GatewayPods {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** The pods routed traffic leaves the cluster from. */
export interface GatewayEgressPods extends GatewayPods {
  /** Name of their workload, as metrics label it (`istio-egressgateway`). */
  readonly workload: string;
}

/** Pods every proxy of the data plane must keep reaching (istiod), and on which port. */
export interface GatewayControlPlane extends GatewayPods {
  readonly port: number;
}

/** One gateway bound to its provider. */
export interface IGatewayBinding {
  /** The gateway pods (they also receive the sources' traffic). */
  readonly pods: GatewayEgressPods;
  /** The control plane, when the data plane has one the sources' proxies talk to. */
  readonly controlPlane?: GatewayControlPlane;
  /** Where TLS and HTTP legs arrive on the gateway pods. */
  readonly listeners: GatewayListeners;
  /** Every object the provider emitted so far. */
  readonly apiObjects: ApiObject[];

  /** Warnings and facts about the gateway itself: called once, after the gateway's own. */
  announce(): void;
  /** Checks before a route is planned (throw at the gateway). */
  beforeRoute(): void;
  /** The workload identities of service accounts of a namespace, as the gateway checks them. */
  principals(namespace: string, serviceAccounts: readonly string[]): string[];
  /**
   * App-wide checks of a planned route, before anything is applied (throw at `route`): a refused
   * route leaves no state behind.
   */
  checkRoute(route: IConstruct, plan: RoutePlan, isNew: (host: string) => boolean): void;
  /** The object name a newly routed host gets, given the route's own `name` prop. */
  objectName(routeName: string | undefined, hosts: readonly string[], host: string): string | undefined;
  /** Emit or extend the objects of a merged route. */
  applyRoute(route: IConstruct, plan: RoutePlan, entries: readonly HostEntry[], isNew: (host: string) => boolean): void;
  /** Per-route facts and objects beyond the route itself (e.g. blocked-attempt logs of the source). */
  routeAdded(route: IConstruct, source: SourceConfig, objectRefs: () => string[]): void;
  /** Deny hosts at the gateway (throws at the gateway when a routed host would be dead). */
  denyHosts(hosts: readonly string[]): void;
}
