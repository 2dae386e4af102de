// What an EgressGateway routes, as plain data: the construct validates and fills it, the
// provider renderer reads it lazily at synth. No generated bindings here.
import { compareStrings } from '../util/order';

/** How a host leaves through the gateway. */
export enum LegMode {
  /** TLS from the application, routed by SNI (mTLS-wrapped or passed through). */
  TLS = 'tls',
  /** Plain HTTP from the application (optionally TLS-originated by the gateway). */
  HTTP = 'http',
}

/** An HTTP allow rule as resolved for the renderer. */
export interface HttpRuleData {
  readonly methods?: string[];
  readonly paths?: string[];
}

/** Who may use one leg, and for which requests. */
export interface SourceGrant {
  /** Stable key: namespace, or namespace + service accounts. */
  readonly key: string;
  readonly namespace: string;
  /** SPIFFE principals (`cluster.local/ns/<ns>/sa/<sa>`); undefined means the namespace. */
  readonly principals?: string[];
  /** undefined: every request; otherwise only these (HTTP legs). */
  httpRules?: HttpRuleData[];
}

/** A gateway port: what the Service exposes and what the pods listen on. */
export interface GatewayPortData {
  readonly port: number;
  readonly targetPort: number;
}

/** One (host, mode) path through the gateway. */
export interface Leg {
  readonly host: string;
  readonly mode: LegMode;
  /** Port the application connects to. */
  readonly appPort: number;
  /** Istio protocol declared on the ServiceEntry port. */
  readonly protocol: string;
  /** ServiceEntry port name. */
  readonly portName: string;
  /** True when the gateway originates TLS to `upstreamPort`. */
  readonly origination: boolean;
  /** Port the gateway connects to on the external host. */
  readonly upstreamPort: number;
  /** Gateway port that carries the leg. */
  readonly gatewayPort: GatewayPortData;
  /** Path of the route that introduced the leg. */
  readonly owner: string;
  readonly grants: Map<string, SourceGrant>;
}

/** Everything one gateway routes for one external host. */
export interface HostEntry {
  readonly host: string;
  /** Base object name (VirtualService, ServiceEntry), or undefined for generated names. */
  readonly objectName?: string;
  readonly legs: Map<LegMode, Leg>;
}

/** The state a gateway renderer reads. */
export interface GatewayModel {
  readonly hosts: Map<string, HostEntry>;
  readonly denyHosts: string[];
}

/** Namespaces that use a host entry, sorted. */
export function entryNamespaces(entry: HostEntry): string[] {
  const out = new Set<string>();
  for (const leg of entry.legs.values()) for (const g of leg.grants.values()) out.add(g.namespace);
  return [...out].sort();
}

/** Legs of an entry in render order (TLS before HTTP). */
export function orderedLegs(entry: HostEntry): Leg[] {
  return [LegMode.TLS, LegMode.HTTP].map((m) => entry.legs.get(m)).filter((l): l is Leg => l !== undefined);
}

/** Host entries in render order. */
export function orderedHosts(model: GatewayModel): HostEntry[] {
  return [...model.hosts.values()].sort((a, b) => compareStrings(a.host, b.host));
}

/** A leg as a route plans it, before any source is granted on it. */
export type PlannedLeg = Omit<Leg, 'grants'>;

/** The two listeners of a gateway: where TLS and HTTP legs arrive. */
export interface GatewayListeners {
  readonly tls: GatewayPortData;
  readonly http: GatewayPortData;
}
