// What EgressMonitoring emits, computed from the app's EgressModel as plain data: rule groups
// (a Prometheus rule file), the gateways to scrape, and the ALERT facts to record. Pure: no
// constructs, no generated bindings, so it is unit-testable and the report can explain it.
import { anyOf, eq, eventsIn, hostsRegex, ne, num, promDuration, re, selector } from './promql';
import { routeGateway, routeHosts } from './route-facts';
import { labelText } from '../core/describe';
import { DestinationConfig } from '../core/destination-config';
import { Problem } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { labelProblems, namespaceProblems, objectNameProblems, sortedLabels } from '../core/names';
import { SourceConfig } from '../core/source-config';
import { EgressFactDetails as K } from '../model/fact-details';
import { EgressFact, FactKind } from '../model/facts';
import { ModelPolicy } from '../model/policy';
import { compareStrings } from '../util/order';

/** One Prometheus rule (alerting or recording). */
export interface RuleData {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** One rule group. */
export interface RuleGroupData {
  readonly name: string;
  readonly rules: RuleData[];
}

/** An Istio egress gateway that routes monitored hosts. */
export interface GatewayTarget {
  readonly namespace: string;
  readonly workload: string;
  readonly labels: Record<string, string>;
  /** Monitored hosts, sorted. */
  readonly hosts: string[];
  /** The GATEWAY_ROUTE facts through it, in model order. */
  readonly routes: EgressFact[];
}

/** An ALERT fact to record. */
export interface AlertFactData {
  readonly alert: string;
  readonly severity: string;
  readonly summary: string;
  readonly source?: SourceConfig;
  readonly destinations?: DestinationConfig[];
}

/** Resolved settings (durations in seconds). */
export interface MonitoringSettings {
  /** Value of the `egress_monitoring` label on recorded series (the PrometheusRule name). */
  readonly id: string;
  readonly rateWindow: number;
  readonly errorRatio: number;
  readonly errorFor: number;
  readonly blockedWindow: number;
  readonly blockedThreshold: number;
  readonly passthrough: boolean;
  readonly gatewayDownFor: number;
  readonly gatewayMinAvailable: number;
  readonly kubeStateMetrics: boolean;
  readonly anomalyFactor: number;
  readonly anomalyMinBytesPerSecond: number;
  readonly anomalyBaseline: number;
  readonly anomalyFor: number;
  /** undefined: on when some policy uses the Cilium backend. */
  readonly cilium?: boolean;
  readonly policyDropThreshold: number;
  readonly application?: ApplicationSettings;
  readonly alertLabels: Record<string, string>;
  /** Only these hosts (each must be routed); undefined: every routed host. */
  readonly hosts?: string[];
}

/** Resolved application-metrics settings. */
export interface ApplicationSettings {
  readonly requestsMetric: string;
  readonly errorsMetric: string;
  readonly groupBy: string[];
  readonly errorRatio: number;
  readonly namespaces?: string[];
}

/** The result. */
export interface MonitoringPlan {
  readonly groups: RuleGroupData[];
  readonly gateways: GatewayTarget[];
  readonly alertFacts: AlertFactData[];
  /** Namespaces watched for blocked and passthrough attempts. */
  readonly namespaces: string[];
  /** GATEWAY_ROUTE facts skipped because their provider is not Istio (constructPath → provider). */
  readonly skippedRoutes: Array<{ constructPath: string; provider: string }>;
}

const GROUP_PREFIX = 'cdk8s-egress';

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * Build the plan. Problems (bad facts, unknown hosts) are returned, not thrown, so the construct
 * raises them with its own path.
 */
export function planMonitoring(
  policies: readonly ModelPolicy[],
  facts: readonly EgressFact[],
  s: MonitoringSettings,
): { plan: MonitoringPlan; problems: Problem[] } {
  const problems: Problem[] = [];
  const skippedRoutes: MonitoringPlan['skippedRoutes'] = [];
  const byKey = new Map<string, { namespace: string; workload: string; labels: Record<string, string>; hosts: Set<string>; routes: EgressFact[] }>();

  for (const fact of facts.filter((f) => f.kind === FactKind.GATEWAY_ROUTE)) {
    const g = routeGateway(fact);
    const provider = g.provider;
    if (provider !== 'istio') {
      skippedRoutes.push({ constructPath: fact.constructPath, provider });
      continue;
    }
    const given = [[K.GATEWAY_NAMESPACE, g.namespace], [K.GATEWAY_WORKLOAD, g.workload], [K.GATEWAY_LABELS, g.labelsText]] as const;
    const missing = given.filter(([, v]) => !v).map(([k]) => k);
    if (missing.length > 0) {
      problems.push({
        code: EgressErrorCode.EMPTY_SELECTOR,
        message: `The gateway route declared at ${fact.constructPath} (${fact.summary}) lacks the fact detail(s) ${missing.join(', ')}, which monitoring needs to find the gateway's metrics and pods. `
          + 'The gateway construct must set them (see docs/monitoring.md, "Fact details")',
      });
      continue;
    }
    const namespace = g.namespace!;
    const workload = g.workload!;
    const labels = g.labels;
    const where = `the gateway route declared at ${fact.constructPath}`;
    problems.push(...namespaceProblems(namespace, `gatewayNamespace of ${where}`), ...objectNameProblems(workload));
    if (!labels) {
      problems.push({ code: EgressErrorCode.INVALID_LABEL, message: `gatewayLabels "${g.labelsText}" of ${where} is not a list of key=value pairs such as "istio=egressgateway"` });
      continue;
    }
    problems.push(...labelProblems(labels, `gatewayLabels of ${where}`));
    const hosts = routeHosts(fact);
    if (hosts.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: `${where} names no external host (no hosts detail and no hostname destination): nothing to monitor on it` });
      continue;
    }
    const key = `${namespace}/${workload}`;
    const gw = byKey.get(key) ?? { namespace, workload, labels, hosts: new Set<string>(), routes: [] };
    if (JSON.stringify(gw.labels) !== JSON.stringify(labels)) {
      problems.push({
        code: EgressErrorCode.CONFLICTING_OPTIONS,
        message: `Gateway ${key} is described with different pod labels by ${gw.routes[0].constructPath} (${labelText(gw.labels)}) and ${fact.constructPath} (${g.labelsText}): one Deployment has one set of pod labels`,
      });
    }
    hosts.forEach((h) => gw.hosts.add(h));
    gw.routes.push(fact);
    byKey.set(key, gw);
  }

  const routed = sortedUnique([...byKey.values()].flatMap((g) => [...g.hosts]));
  if (s.hosts) {
    for (const h of s.hosts) {
      if (!routed.includes(h)) {
        problems.push({
          code: EgressErrorCode.CONFLICTING_OPTIONS,
          message: `EgressMonitoring hosts names "${h}", which no egress gateway route in the app carries (routed hosts: ${routed.length ? routed.join(', ') : 'none'}). `
            + 'Route it through an EgressGateway declared before this EgressMonitoring, or remove it from hosts',
        });
      }
    }
  }
  const wanted = (h: string) => s.hosts === undefined || s.hosts.includes(h);
  const gateways: GatewayTarget[] = [...byKey.values()]
    .map((g) => ({ namespace: g.namespace, workload: g.workload, labels: g.labels, hosts: [...g.hosts].filter(wanted).sort(), routes: g.routes }))
    .filter((g) => g.hosts.length > 0)
    .sort((a, b) => compareStrings(`${a.namespace}/${a.workload}`, `${b.namespace}/${b.workload}`));

  const routedNamespaces = gateways.flatMap((g) => g.routes.flatMap((r) => (r.source ? [r.source.namespace] : [])));
  const namespaces = sortedUnique([...policies.map((p) => p.source.namespace), ...routedNamespaces]);
  const cilium = s.cilium ?? policies.some((p) => p.backend === 'cilium');

  const groups: RuleGroupData[] = [];
  const alertFacts: AlertFactData[] = [];
  const labels = (severity: string, extra: Record<string, string> = {}) => sortedLabels({ ...s.alertLabels, ...extra, severity });
  const win = promDuration(s.rateWindow);
  const blockedWin = promDuration(s.blockedWindow);

  // --- egress gateways -----------------------------------------------------------------------
  if (gateways.length > 0) {
    const rules: RuleData[] = [];
    const gwSel = (g: GatewayTarget, extra: ReturnType<typeof eq>[] = []) => [
      eq('reporter', 'source'), eq('source_workload_namespace', g.namespace), eq('source_workload', g.workload),
      re('destination_service', hostsRegex(g.hosts)), ...extra,
    ];
    const record = `cdk8s_egress:gateway_bytes:rate${win}`;
    const series: Array<[string, string, string]> = [
      ['tcp', 'received', 'istio_tcp_received_bytes_total'],
      ['tcp', 'sent', 'istio_tcp_sent_bytes_total'],
      ['http', 'received', 'istio_request_bytes_sum'],
      ['http', 'sent', 'istio_response_bytes_sum'],
    ];
    for (const [protocol, direction, metric] of series) {
      rules.push({
        record,
        expr: `sum by (source_workload_namespace, source_workload, destination_service) (${gateways.map((g) => `rate(${selector(metric, gwSel(g))}[${win}])`).join(' or ')})`,
        labels: { direction, egress_monitoring: s.id, protocol },
      });
    }
    for (const g of gateways) {
      const gw = `${g.namespace}/${g.workload}`;
      const gwLabels = { egress_gateway: gw };
      const pct = `${num(s.errorRatio * 100)}%`;
      const add = (rule: RuleData, severity: string, summary: string) => {
        rules.push({ ...rule, labels: labels(severity, gwLabels) });
        for (const r of g.routes) {
          const scope = { ...(r.source ? { source: r.source } : {}), ...(r.destinations ? { destinations: r.destinations } : {}) };
          alertFacts.push({ alert: rule.alert!, severity, summary, ...scope });
        }
      };
      const ratio = (metric: string, bad: ReturnType<typeof eq>) =>
        `sum by (destination_service) (rate(${selector(metric, gwSel(g, [bad]))}[${win}]))\n  /\nsum by (destination_service) (rate(${selector(metric, gwSel(g))}[${win}]))\n  > ${num(s.errorRatio)}`;
      add({
        alert: 'EgressGatewayHttpErrorRatioHigh',
        expr: ratio('istio_requests_total', re('response_code', '5..')),
        for: promDuration(s.errorFor),
        annotations: {
          summary: `Egress HTTP requests to {{ $labels.destination_service }} through ${gw} fail`,
          description: `{{ $value | humanizePercentage }} of the HTTP requests that egress gateway ${gw} sent to {{ $labels.destination_service }} got a 5xx over ${win} (threshold ${pct}). `
            + `Check the upstream and the route: istioctl proxy-config clusters deploy/${g.workload} -n ${g.namespace} --fqdn {{ $labels.destination_service }}`,
        },
      }, 'warning', `HTTP 5xx ratio above ${pct} for ${promDuration(s.errorFor)} on ${gw}`);
      add({
        alert: 'EgressGatewayTcpConnectionFailuresHigh',
        expr: ratio('istio_tcp_connections_closed_total', ne('response_flags', '-')),
        for: promDuration(s.errorFor),
        annotations: {
          summary: `Egress connections to {{ $labels.destination_service }} through ${gw} fail`,
          description: `{{ $value | humanizePercentage }} of the TCP/TLS connections that egress gateway ${gw} closed to {{ $labels.destination_service }} carried Envoy response flags (UF, UH, URX, ...) over ${win} (threshold ${pct}). `
            + `Check: kubectl logs -n ${g.namespace} deploy/${g.workload} | grep {{ $labels.destination_service }}`,
        },
      }, 'warning', `TCP/TLS connection failure ratio above ${pct} for ${promDuration(s.errorFor)} on ${gw}`);
      const podRe = `${g.workload.replace(/[.]/g, '\\.')}-[a-z0-9]+-[a-z0-9]+`;
      add({
        alert: 'EgressGatewayDown',
        expr: `(count(count by (pod) (${selector('up', [eq('namespace', g.namespace), re('pod', podRe)])} == 1)) or vector(0)) < ${num(s.gatewayMinAvailable)}`,
        for: promDuration(s.gatewayDownFor),
        annotations: {
          summary: `Egress gateway ${gw} has fewer than ${num(s.gatewayMinAvailable)} scrapeable pod(s)`,
          description: `Only {{ $value }} pod(s) of egress gateway ${gw} answered Prometheus scrapes for ${promDuration(s.gatewayDownFor)}: traffic of ${g.hosts.join(', ')} has no way out. `
            + `Check: kubectl get deploy,pods -n ${g.namespace} -l ${labelText(g.labels)}`,
        },
      }, 'critical', `fewer than ${num(s.gatewayMinAvailable)} scrapeable pod(s) of ${gw} for ${promDuration(s.gatewayDownFor)}`);
      if (s.kubeStateMetrics) {
        add({
          alert: 'EgressGatewayReplicasUnavailable',
          expr: `(max(${selector('kube_deployment_status_replicas_available', [eq('namespace', g.namespace), eq('deployment', g.workload)])}) or vector(0)) < ${num(s.gatewayMinAvailable)}`,
          for: promDuration(s.gatewayDownFor),
          annotations: {
            summary: `Egress gateway Deployment ${gw} has fewer than ${num(s.gatewayMinAvailable)} available replica(s)`,
            description: `kube-state-metrics reports {{ $value }} available replica(s) of ${gw} for ${promDuration(s.gatewayDownFor)}. Check: kubectl describe deploy -n ${g.namespace} ${g.workload}`,
          },
        }, 'critical', `fewer than ${num(s.gatewayMinAvailable)} available replica(s) of ${gw} (kube-state-metrics)`);
      }
    }
    const rec = selector(record, [eq('egress_monitoring', s.id)]);
    const anomaly: RuleData = {
      alert: 'EgressGatewayTrafficAnomaly',
      expr: `${rec}\n  > ${num(s.anomalyFactor)} * avg_over_time(${rec}[${promDuration(s.anomalyBaseline)}])\nand\n${rec} > ${num(s.anomalyMinBytesPerSecond)}`,
      for: promDuration(s.anomalyFor),
      labels: labels('warning'),
      annotations: {
        summary: 'Unusual egress volume to {{ $labels.destination_service }} through {{ $labels.source_workload_namespace }}/{{ $labels.source_workload }}',
        description: `{{ $labels.protocol }} bytes {{ $labels.direction }} for {{ $labels.destination_service }} run at {{ $value | humanize1024 }}B/s, more than ${num(s.anomalyFactor)}x the ${promDuration(s.anomalyBaseline)} average `
          + `(and above ${num(s.anomalyMinBytesPerSecond)} B/s) for ${promDuration(s.anomalyFor)}. Istio counts "received" in the request direction and "sent" in the response direction.`,
      },
    };
    rules.push(anomaly);
    for (const g of gateways) {
      for (const r of g.routes) {
        alertFacts.push({
          alert: anomaly.alert!,
          severity: 'warning',
          summary: `byte rate above ${num(s.anomalyFactor)}x its ${promDuration(s.anomalyBaseline)} average for ${promDuration(s.anomalyFor)} on ${g.namespace}/${g.workload}`,
          ...(r.source ? { source: r.source } : {}),
          ...(r.destinations ? { destinations: r.destinations } : {}),
        });
      }
    }
    groups.push({ name: `${GROUP_PREFIX}.gateway`, rules });
  }

  // --- blocked and passthrough attempts (Istio sidecars) ---------------------------------------
  if (namespaces.length > 0) {
    const rules: RuleData[] = [];
    const nsRe = anyOf(namespaces);
    const kinds: Array<[string, string, string, string, boolean]> = [
      ['EgressBlockedRequests', 'istio_requests_total', 'BlackHoleCluster', 'HTTP requests', true],
      ['EgressBlockedConnections', 'istio_tcp_connections_opened_total', 'BlackHoleCluster', 'TCP connections', true],
      ['EgressPassthroughRequests', 'istio_requests_total', 'PassthroughCluster', 'HTTP requests', s.passthrough],
      ['EgressPassthroughConnections', 'istio_tcp_connections_opened_total', 'PassthroughCluster', 'TCP connections', s.passthrough],
    ];
    for (const [alert, metric, cluster, what, on] of kinds) {
      if (!on) continue;
      const blocked = cluster === 'BlackHoleCluster';
      rules.push({
        alert,
        expr: `sum by (source_workload_namespace, source_workload) (${eventsIn(selector(metric, [eq('reporter', 'source'), eq('destination_service_name', cluster), re('source_workload_namespace', nsRe)]), blockedWin)}) > ${num(s.blockedThreshold)}`,
        labels: labels('warning'),
        annotations: blocked ? {
          summary: '{{ $labels.source_workload_namespace }}/{{ $labels.source_workload }} tries to reach undeclared external hosts',
          description: `{{ $value }} ${what} from {{ $labels.source_workload_namespace }}/{{ $labels.source_workload }} went to Istio's BlackHoleCluster in ${blockedWin}: the sidecar blocked a host that no ServiceEntry declares. `
            + 'Blocked traffic is not access-logged by default; check the egress report for the workload\'s declared destinations.',
        } : {
          summary: '{{ $labels.source_workload_namespace }}/{{ $labels.source_workload }} reaches undeclared external hosts',
          description: `{{ $value }} ${what} from {{ $labels.source_workload_namespace }}/{{ $labels.source_workload }} left through Istio's PassthroughCluster in ${blockedWin}: outboundTrafficPolicy ALLOW_ANY let a host that no ServiceEntry declares through. `
            + 'Declare the host or set REGISTRY_ONLY.',
        },
      });
      for (const ns of namespaces) {
        alertFacts.push({
          alert,
          severity: 'warning',
          summary: `${what} to Istio's ${cluster} (${blocked ? 'blocked' : 'undeclared, passed through'}) in ${blockedWin} above ${num(s.blockedThreshold)}`,
          source: { namespace: ns },
        });
      }
    }
    groups.push({ name: `${GROUP_PREFIX}.blocked`, rules });
  }

  // --- Cilium -------------------------------------------------------------------------------
  if (cilium && namespaces.length > 0) {
    const rules: RuleData[] = [];
    rules.push({
      alert: 'EgressPolicyDrops',
      expr: `sum by (source_namespace, source_workload) (${eventsIn(selector('hubble_drop_total', [eq('reason', 'POLICY_DENIED'), ne('traffic_direction', 'ingress'), re('source_namespace', anyOf(namespaces))]), blockedWin)}) > ${num(s.policyDropThreshold)}`,
      labels: labels('warning'),
      annotations: {
        summary: 'Cilium drops egress of {{ $labels.source_namespace }}/{{ $labels.source_workload }} by policy',
        description: `Hubble counted {{ $value }} packets from {{ $labels.source_namespace }}/{{ $labels.source_workload }} dropped with POLICY_DENIED in ${blockedWin}. `
          + 'Needs Hubble metrics with drop:labelsContext=source_namespace,source_workload,traffic_direction. Check: hubble observe --verdict DROPPED --namespace {{ $labels.source_namespace }}',
      },
    });
    for (const ns of namespaces) {
      alertFacts.push({ alert: 'EgressPolicyDrops', severity: 'warning', summary: `Hubble POLICY_DENIED drops in ${blockedWin} above ${num(s.policyDropThreshold)}`, source: { namespace: ns } });
    }
    const record = `cdk8s_egress:cilium_forward_egress_bytes:rate${win}`;
    const rec = selector(record, [eq('egress_monitoring', s.id)]);
    rules.push({
      record,
      expr: `sum(rate(${selector('cilium_forward_bytes_total', [eq('direction', 'EGRESS')])}[${win}]))`,
      labels: { egress_monitoring: s.id },
    });
    rules.push({
      alert: 'EgressClusterTrafficAnomaly',
      expr: `${rec}\n  > ${num(s.anomalyFactor)} * avg_over_time(${rec}[${promDuration(s.anomalyBaseline)}])\nand\n${rec} > ${num(s.anomalyMinBytesPerSecond)}`,
      for: promDuration(s.anomalyFor),
      labels: labels('info'),
      annotations: {
        summary: 'Cluster-wide egress forwarding volume is unusual',
        description: `Cilium forwards {{ $value | humanize1024 }}B/s in the EGRESS direction, more than ${num(s.anomalyFactor)}x the ${promDuration(s.anomalyBaseline)} average. `
          + 'cilium_forward_bytes_total has only a direction label (cilium/cilium#32193), so this alert is cluster-level and includes in-cluster traffic; per-workload volume comes from the gateway alerts and Hubble.',
      },
    });
    alertFacts.push({ alert: 'EgressClusterTrafficAnomaly', severity: 'info', summary: `cluster-wide Cilium EGRESS byte rate above ${num(s.anomalyFactor)}x its ${promDuration(s.anomalyBaseline)} average (cluster-level only)` });
    groups.push({ name: `${GROUP_PREFIX}.cilium`, rules });
  }

  // --- application metrics (the seed's egress_requests_total / egress_errors_total) -------------
  if (s.application) {
    const a = s.application;
    const appNs = a.namespaces ?? namespaces;
    if (appNs.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: 'applicationMetrics has no namespaces to watch: the app declares no egress policy. Set applicationMetrics.namespaces' });
    } else {
      const by = a.groupBy.join(', ');
      const sel = (m: string) => selector(m, [re('namespace', anyOf(appNs))]);
      const pct = `${num(a.errorRatio * 100)}%`;
      groups.push({
        name: `${GROUP_PREFIX}.application`,
        rules: [{
          alert: 'EgressApplicationErrorRatioHigh',
          expr: `sum by (${by}) (rate(${sel(a.errorsMetric)}[${win}]))\n  /\nsum by (${by}) (rate(${sel(a.requestsMetric)}[${win}]))\n  > ${num(a.errorRatio)}`,
          for: promDuration(s.errorFor),
          labels: labels('warning'),
          annotations: {
            summary: 'Egress calls fail in {{ $labels.namespace }}',
            description: `{{ $value | humanizePercentage }} of the egress requests the applications count in ${a.requestsMetric} failed (${a.errorsMetric}) over ${win} (threshold ${pct}).`,
          },
        }],
      });
      for (const ns of appNs) {
        alertFacts.push({ alert: 'EgressApplicationErrorRatioHigh', severity: 'warning', summary: `${a.errorsMetric} / ${a.requestsMetric} above ${pct} for ${promDuration(s.errorFor)}`, source: { namespace: ns } });
      }
    }
  }

  return { plan: { groups, gateways, alertFacts, namespaces, skippedRoutes }, problems };
}
