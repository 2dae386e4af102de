// What the report's renderers of commands and of the picture read: each reach row with the typed
// values it was formatted from. Internal (never serialized): ReportData stays text for people,
// and nothing parses that text back.
import { ReachRow } from './data';
import { DestinationConfig } from '../core/destination-config';
import { PortConfig } from '../core/port-config';

/** The source address a destination sees, as the picture labels it. */
export interface SourceAddress {
  /** True when a fixed egress IP applies (the workload's own, or its gateway's). */
  readonly fixed: boolean;
  /** The address the fixed source names (`10.0.0.100`), when it names one. */
  readonly address?: string;
}

/** Every pod's own address, a node's or an in-cluster path: nothing fixed. */
export const NOT_FIXED_SOURCE: SourceAddress = { fixed: false };

/**
 * A reach row with the typed values it was formatted from. `ports` is empty when the row's ports
 * are unrestricted (`all ports`) or routed (`as routed`).
 */
export interface TypedReach {
  readonly row: ReachRow;
  readonly destination: DestinationConfig;
  readonly ports: readonly PortConfig[];
  /** The egress gateway the row goes through (its id, `namespace/workload`). */
  readonly gatewayId?: string;
  readonly source: SourceAddress;
}
