// GATEWAY_ROUTE facts as monitoring and the report read them: the typed `gatewayRoute` of a
// gateway construct, or the string details of a fact recorded by hand (parsed here only).
import { labelText } from '../core/describe';
import { isHostnameKind } from '../core/hosts';
import { sortedLabels } from '../core/names';
import { EgressFactDetails as K } from '../model/fact-details';
import { EgressFact } from '../model/facts';

/** Parse `k=v,k2=v2`. Undefined when malformed or empty. */
export function parseLabelList(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const i = part.indexOf('=');
    if (i <= 0) return undefined;
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return Object.keys(out).length > 0 ? sortedLabels(out) : undefined;
}

/** Split a comma-separated list, dropping blanks. */
export function parseList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Hostnames a GATEWAY_ROUTE fact routes: the `hosts` detail, else its hostname destinations. */
export function routeHosts(fact: EgressFact): string[] {
  const listed = fact.gatewayRoute ? [...fact.gatewayRoute.hosts] : parseList(fact.details?.[K.HOSTS]);
  if (listed.length > 0) return [...new Set(listed)].sort();
  return [...new Set((fact.destinations ?? [])
    .filter((d) => isHostnameKind(d.kind))
    .map((d) => d.hostname!))].sort();
}

/** The gateway of a GATEWAY_ROUTE fact, as monitoring needs it. */
export interface RouteGateway {
  readonly provider: string;
  readonly namespace?: string;
  readonly workload?: string;
  /** The pod labels; undefined when not given or not a label list. */
  readonly labels?: Record<string, string>;
  /** The pod labels as given (`k=v,k2=v2`), for messages. */
  readonly labelsText?: string;
}

/**
 * The gateway of a route: its typed `gatewayRoute` when set (gateway constructs), else the string
 * details of a fact recorded by hand, parsed here and nowhere else.
 */
export function routeGateway(fact: EgressFact): RouteGateway {
  const r = fact.gatewayRoute;
  if (r) {
    const labels = sortedLabels(r.gateway.labels);
    return { provider: r.provider, namespace: r.gateway.namespace, workload: r.gateway.workload, labels, labelsText: labelText(labels) };
  }
  const d = fact.details ?? {};
  const text = d[K.GATEWAY_LABELS];
  return {
    provider: d[K.PROVIDER] ?? 'istio',
    namespace: d[K.GATEWAY_NAMESPACE],
    workload: d[K.GATEWAY_WORKLOAD],
    ...(text ? { labelsText: text, labels: parseLabelList(text) } : {}),
  };
}
