// What the model knows about egress besides what policies allow: gateway paths, fixed source IPs,
// logging, alerts, opt-outs.
import { GatewayRouteFact } from './gateway-route-fact';
import { DestinationConfig } from '../core/destination-config';
import { SourceConfig } from '../core/source-config';

/**
 * What a fact says about egress, beyond allow/deny.
 */
export enum FactKind {
  /** Traffic of the source to the destinations goes through a gateway. */
  GATEWAY_ROUTE = 'GatewayRoute',
  /** Traffic of the source to the destinations leaves from a fixed source IP. */
  FIXED_EGRESS_IP = 'FixedEgressIp',
  /** Traffic is access-logged. */
  ACCESS_LOG = 'AccessLog',
  /** An alert watches the traffic. */
  ALERT = 'Alert',
  /** A safety measure was explicitly turned off. */
  OPT_OUT = 'OptOut',
}

/**
 * Something the library knows about a workload's egress besides what policies allow: the path
 * (which gateway), the source IP, logging, alerting, opt-outs. Reports are built from these.
 */
export interface EgressFact {
  /** What kind of fact this is. */
  readonly kind: FactKind;
  /** Path of the construct that declared it. */
  readonly constructPath: string;
  /**
   * The workloads it concerns.
   * @default - cluster-wide (every workload)
   */
  readonly source?: SourceConfig;
  /**
   * The destinations it concerns.
   * @default - every destination of the source
   */
  readonly destinations?: DestinationConfig[];
  /** One line for humans, e.g. `via istio-system/istio-egressgateway` or `source IP 10.0.0.100`. */
  readonly summary: string;
  /** `Kind/namespace/name` of the objects that implement it. */
  readonly objectRefs: string[];
  /**
   * Extra key/value details (gateway name, IP, provider, rule names, troubleshooting command).
   * @default - no details
   */
  readonly details?: Record<string, string>;
  /**
   * GATEWAY_ROUTE: the route's gateway, hosts, legs and control plane, typed.
   * @default - for GATEWAY_ROUTE facts, the gateway keys of `details` (hand-recorded facts)
   */
  readonly gatewayRoute?: GatewayRouteFact;
}

/**
 * Something that can describe itself as a fact (evaluated when the model is read).
 */
export interface IEgressFactSource {
  /** The fact. */
  toFact(): EgressFact;
}
