// The facts an egress gateway records for reports, monitoring and the model: typed route facts
// (GatewayRouteFact), and the access-log and opt-out facts of the gateway itself.
import { GatewayControlPlane, GatewayEgressPods } from './binding';
import { PlannedLeg } from './route-model';
import { sortedLabelText } from '../core/describe';
import { istioHostDestination } from '../core/hosts';
import { SourceConfig } from '../core/source-config';
import { EgressFactDetails } from '../model/fact-details';
import { EgressFact, FactKind } from '../model/facts';
import { GatewayRouteFact } from '../model/gateway-route-fact';

/** The string details every gateway fact carries besides a route's typed ones. */
export function gatewayDetails(provider: string, pods: GatewayEgressPods): Record<string, string> {
  return {
    [EgressFactDetails.PROVIDER]: provider,
    [EgressFactDetails.GATEWAY_NAMESPACE]: pods.namespace,
    [EgressFactDetails.GATEWAY_WORKLOAD]: pods.workload,
    [EgressFactDetails.GATEWAY_LABELS]: sortedLabelText(pods.labels),
  };
}

/** What a route fact says. */
export interface RouteFactInput {
  readonly provider: string;
  readonly constructPath: string;
  readonly source: SourceConfig;
  readonly hosts: readonly string[];
  readonly legs: readonly PlannedLeg[];
  readonly pods: GatewayEgressPods;
  readonly controlPlane?: GatewayControlPlane;
  readonly summary: string;
  /** Listed only when read (the report): finding them walks the gateway's subtree. */
  readonly objectRefs: () => string[];
}

/** The GATEWAY_ROUTE fact of a route, with its typed details. */
export function routeFact(r: RouteFactInput): EgressFact {
  const seen = new Set<string>();
  const legs = r.legs
    .map((l) => ({ appPort: l.appPort, upstreamPort: l.upstreamPort, gatewayPort: l.gatewayPort.targetPort }))
    .filter((l) => {
      const key = `${l.appPort}/${l.upstreamPort}/${l.gatewayPort}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const gatewayRoute: GatewayRouteFact = {
    provider: r.provider,
    gateway: { namespace: r.pods.namespace, workload: r.pods.workload, labels: { ...r.pods.labels } },
    hosts: [...r.hosts],
    legs,
    ...(r.controlPlane
      ? { controlPlane: { namespace: r.controlPlane.namespace, labels: { ...r.controlPlane.labels }, port: r.controlPlane.port } }
      : {}),
  };
  const objectRefs = r.objectRefs;
  return {
    kind: FactKind.GATEWAY_ROUTE,
    constructPath: r.constructPath,
    source: r.source,
    destinations: r.hosts.map(istioHostDestination),
    summary: r.summary,
    get objectRefs() { return objectRefs(); },
    details: gatewayDetails(r.provider, r.pods),
    gatewayRoute,
  };
}

/** An OPT_OUT fact: a safety measure of the gateway turned off (or a risky one on). */
export function optOutFact(
  constructPath: string, provider: string, pods: GatewayEgressPods, option: string, how: string, reason: string,
): EgressFact {
  return {
    kind: FactKind.OPT_OUT,
    constructPath,
    source: { namespace: pods.namespace, podLabels: { ...pods.labels } },
    summary: `${option} ${how} on egress gateway ${constructPath}: ${reason}`,
    objectRefs: [],
    details: { ...gatewayDetails(provider, pods), [EgressFactDetails.OPTION]: option, [EgressFactDetails.REASON]: reason },
  };
}
