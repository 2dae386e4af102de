import { ApiObject, Chart, Duration, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { checkContext } from '../core/context';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { constructScope } from '../core/inputs';
import { labelProblems, namespaceProblems, objectNameProblems, sortedLabels } from '../core/names';
import { objectRef } from '../core/object-ref';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { EgressModel } from '../model/egress-model';
import { FactKind } from '../model/facts';
import { ApplicationSettings, MonitoringPlan, MonitoringSettings, planMonitoring } from '../monitoring/plan';
import { promDuration } from '../monitoring/promql';
import { EGRESS_MONITORING_PROPS } from './private/schemas';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The seed's generic application metrics: counters your applications export for their own
 * outbound calls.
 */
export interface ApplicationEgressMetrics {
  /**
   * Counter of outbound requests.
   * @default 'egress_requests_total'
   */
  readonly requestsMetric?: string;
  /**
   * Counter of failed outbound requests.
   * @default 'egress_errors_total'
   */
  readonly errorsMetric?: string;
  /**
   * Labels to aggregate by (Prometheus label names). The error ratio is computed per group.
   * @default ['namespace']
   */
  readonly groupBy?: string[];
  /**
   * Alert when errors / requests exceed this ratio (0 < ratio < 1) for `errorRatioFor`.
   * @default 0.05
   */
  readonly errorRatioThreshold?: number;
  /**
   * Namespaces whose applications export the metrics.
   * @default - the namespaces of every egress source in the app
   */
  readonly namespaces?: string[];
}

/**
 * Properties of an `EgressMonitoring`.
 */
export interface EgressMonitoringProps {
  /**
   * Labels that your Prometheus CR's `ruleSelector` matches. A PrometheusRule without them is
   * silently ignored by the operator (kube-prometheus-stack selects `release: <helm release name>`).
   * Required and non-empty.
   */
  readonly ruleSelectorLabels: Record<string, string>;
  /**
   * Namespace of the PrometheusRule and PodMonitors. It must be one that the Prometheus CR's
   * `ruleNamespaceSelector` / `podMonitorNamespaceSelector` select.
   * @default - the chart's namespace (an error when the chart has none)
   */
  readonly namespace?: string;
  /**
   * Name of the PrometheusRule; PodMonitors are named `<name>-<gateway>`.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Labels that your Prometheus CR's `podMonitorSelector` matches.
   * @default - `ruleSelectorLabels`
   */
  readonly podMonitorSelectorLabels?: Record<string, string>;
  /**
   * Emit a PodMonitor per egress gateway that scrapes Envoy's `/stats/prometheus` on the
   * `http-envoy-prom` port (15090). Turn off when your Prometheus already scrapes the Istio proxies.
   * @default true
   */
  readonly podMonitors?: boolean;
  /**
   * Scrape interval of the PodMonitors.
   * @default - the Prometheus CR's scrape interval
   */
  readonly scrapeInterval?: Duration;
  /**
   * Monitor only these hosts. Each must be routed through an egress gateway declared before this
   * construct; an unknown host is an error.
   * @default - every host routed through an Istio egress gateway
   */
  readonly hosts?: string[];
  /**
   * Range of the `rate()`/`increase()` windows.
   * @default Duration.minutes(5)
   */
  readonly rateWindow?: Duration;
  /**
   * Alert when more than this ratio (0 < ratio < 1) of a gateway's requests or connections to a
   * host fail.
   * @default 0.05
   */
  readonly errorRatioThreshold?: number;
  /**
   * How long an error ratio must stay above the threshold before the alert fires.
   * @default Duration.minutes(10)
   */
  readonly errorRatioFor?: Duration;
  /**
   * Window over which blocked (BlackHoleCluster), passthrough (PassthroughCluster) and Cilium
   * policy-denied attempts are counted.
   * @default Duration.minutes(10)
   */
  readonly blockedAttemptsWindow?: Duration;
  /**
   * Alert when more than this many blocked attempts of one workload happen in the window.
   * @default 0 (any blocked attempt)
   */
  readonly blockedAttemptsThreshold?: number;
  /**
   * Alert on traffic that left through Istio's PassthroughCluster (undeclared hosts allowed by
   * `outboundTrafficPolicy: ALLOW_ANY`).
   * @default true
   */
  readonly passthroughAlerts?: boolean;
  /**
   * How long a gateway may have fewer than `gatewayMinAvailable` scrapeable pods before alerting.
   * @default Duration.minutes(5)
   */
  readonly gatewayDownFor?: Duration;
  /**
   * Minimum number of gateway pods that must answer scrapes.
   * @default 1
   */
  readonly gatewayMinAvailable?: number;
  /**
   * Also alert on `kube_deployment_status_replicas_available` of the gateway Deployment (needs
   * kube-state-metrics).
   * @default false
   */
  readonly kubeStateMetrics?: boolean;
  /**
   * Byte-volume anomaly: alert when a host's byte rate through a gateway exceeds this multiple of
   * its average over `trafficAnomalyBaseline` (must be > 1).
   * @default 3
   */
  readonly trafficAnomalyFactor?: number;
  /**
   * Byte-volume anomaly: ignore rates below this many bytes per second.
   * @default 102400 (100 KiB/s)
   */
  readonly trafficAnomalyMinBytesPerSecond?: number;
  /**
   * Byte-volume anomaly: the baseline window (longer than `rateWindow`).
   * @default Duration.days(1)
   */
  readonly trafficAnomalyBaseline?: Duration;
  /**
   * Byte-volume anomaly: how long the rate must stay anomalous.
   * @default Duration.minutes(15)
   */
  readonly trafficAnomalyFor?: Duration;
  /**
   * Cilium alerts: Hubble `hubble_drop_total{reason="POLICY_DENIED"}` per source workload (needs
   * Hubble drop metrics with `labelsContext=source_namespace,source_workload,traffic_direction`)
   * and a cluster-level anomaly on `cilium_forward_bytes_total{direction="EGRESS"}`.
   * @default - on when some policy in the app uses the Cilium backend
   */
  readonly ciliumAlerts?: boolean;
  /**
   * Alert when more than this many packets of one workload are dropped by policy in the window.
   * @default 0 (any drop)
   */
  readonly policyDropThreshold?: number;
  /**
   * Alert on the seed's generic `egress_requests_total` / `egress_errors_total` counters, when
   * your applications export them.
   * @default - no application-metric alerts
   */
  readonly applicationMetrics?: ApplicationEgressMetrics;
  /**
   * Labels added to every alert (Prometheus label names; `severity` is set per alert).
   * @default - only `severity` (and `egress_gateway` on gateway alerts)
   */
  readonly alertLabels?: Record<string, string>;
  /**
   * Labels added to every emitted object, besides the selector labels.
   * @default - no labels besides the ones cdk8s and the backend set
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations added to every emitted object.
   * @default - no annotations besides the ones the backend sets
   */
  readonly annotations?: Record<string, string>;
}

/**
 * Prometheus alerts derived from the app's declared egress intent: error ratios, byte-volume
 * anomalies and availability of each Istio egress gateway route, blocked and passthrough attempts
 * of every declared workload, Cilium policy drops, and optionally the seed's application counters.
 * Also emits a PodMonitor per gateway, and records an ALERT fact per alert and workload so the
 * egress report says which rules watch what.
 *
 * Declare it **after** the egress constructs it monitors: it reads the app's `EgressModel` when
 * built, and synth fails if an egress declaration added later would change its rules.
 *
 * @example
 * new EgressMonitoring(chart, 'monitoring', {
 *   namespace: 'monitoring',
 *   ruleSelectorLabels: { release: 'kube-prometheus-stack' },
 * });
 */
export class EgressMonitoring extends Construct {
  /** The PrometheusRule. */
  public readonly prometheusRule: ApiObject;
  /** One PodMonitor per monitored egress gateway (none with `podMonitors: false`). */
  public readonly podMonitors: ApiObject[];
  /** Names of the alerts it defines, sorted. */
  public readonly alertNames: string[];

  private readonly settings: MonitoringSettings;
  private readonly planText: string;

  public constructor(scope: Construct, id: string, props: EgressMonitoringProps) {
    super(constructScope(scope, id, 'EgressMonitoring'), id);
    raise(this, EGRESS_MONITORING_PROPS(props, 'EgressMonitoring props'));
    checkContext(this);
    const selectorLabels = props.ruleSelectorLabels ?? {};
    if (Object.keys(selectorLabels).length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_SELECTOR,
        'EgressMonitoring needs ruleSelectorLabels: the labels your Prometheus CR\'s ruleSelector matches (kube-prometheus-stack: { release: \'<helm release name>\' }). '
        + 'Without them the operator silently ignores the PrometheusRule. Find them with: kubectl get prometheus -A -o jsonpath=\'{.items[*].spec.ruleSelector}\'');
    }
    raise(this, labelProblems(selectorLabels, 'ruleSelectorLabels'));
    const podSelectorLabels = props.podMonitorSelectorLabels ?? selectorLabels;
    if (props.podMonitorSelectorLabels !== undefined && Object.keys(props.podMonitorSelectorLabels).length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_SELECTOR,
        'podMonitorSelectorLabels is empty: give the labels your Prometheus CR\'s podMonitorSelector matches, or omit it to reuse ruleSelectorLabels');
    }
    raise(this, labelProblems(podSelectorLabels, 'podMonitorSelectorLabels'));
    if (props.labels) raise(this, labelProblems(props.labels, 'labels'));
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      throw EgressError.at(this, EgressErrorCode.NAMESPACE_REQUIRED,
        'EgressMonitoring has no namespace: set namespace to one your Prometheus CR\'s ruleNamespaceSelector selects (e.g. \'monitoring\'), or give the chart a namespace');
    }
    raise(this, namespaceProblems(namespace, 'EgressMonitoring namespace'));
    if (props.name !== undefined) raise(this, objectNameProblems(props.name));
    const name = props.name ?? Names.toDnsLabel(this);

    this.settings = this.resolveSettings(props, name);
    const model = EgressModel.of(this);
    const { plan, problems } = this.computePlan(model);
    raise(this, problems);
    if (plan.groups.length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_POLICY,
        'EgressMonitoring found nothing to monitor: no egress policy, gateway route or application metric is declared before it. '
        + 'Declare it after the egress constructs (EgressPolicy, AllowedExternalService, EgressGateway, ...) it should watch');
    }
    for (const s of plan.skippedRoutes) {
      EgressWarnings.add(this, EgressWarningId.MONITORING_SKIPS_GATEWAY,
        `The gateway route declared at ${s.constructPath} uses provider "${s.provider}"; EgressMonitoring derives gateway alerts for Istio egress gateways only, so it is not monitored. `
        + 'Its workloads are still covered by the blocked-attempt and policy-drop alerts');
    }
    this.planText = planKey(plan);

    // Constructs never import generated bindings: the renderer is loaded on first use.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const render = require('../monitoring/render') as typeof import('../monitoring/render');
    const common = { namespace, ...(props.annotations ? { annotations: props.annotations } : {}) };
    this.prometheusRule = render.renderPrometheusRule(this, 'Rules', {
      ...common, name, labels: this.objectLabels(props.labels, selectorLabels, 'ruleSelectorLabels'),
    }, plan.groups);
    const wantPodMonitors = props.podMonitors ?? true;
    const workloads = plan.gateways.map((g) => g.workload);
    this.podMonitors = wantPodMonitors ? plan.gateways.map((g) => {
      const suffix = workloads.filter((w) => w === g.workload).length > 1 ? `${g.namespace}-${g.workload}` : g.workload;
      return render.renderPodMonitor(this, `PodMonitor-${g.namespace}-${g.workload}`, {
        ...common,
        name: `${name}-${suffix}`.slice(0, 253).replace(/[-.]+$/, ''),
        labels: this.objectLabels(props.labels, podSelectorLabels, 'podMonitorSelectorLabels'),
      }, g, props.scrapeInterval ? promDuration(promSeconds(this, props.scrapeInterval, 'scrapeInterval')) : undefined);
    }) : [];
    this.alertNames = [...new Set(plan.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))))].sort();

    const ruleRef = objectRef({ kind: 'PrometheusRule', name, metadata: { namespace } });
    for (const a of plan.alertFacts) {
      model.recordFact({
        toFact: () => ({
          kind: FactKind.ALERT,
          constructPath: this.node.path,
          ...(a.source ? { source: a.source } : {}),
          ...(a.destinations ? { destinations: a.destinations } : {}),
          summary: `${a.alert}: ${a.summary}`,
          objectRefs: [ruleRef],
          details: { alert: a.alert, severity: a.severity },
        }),
      });
    }
    this.node.addValidation({ validate: () => this.checkStillCurrent(model) });
  }

  /** Every emitted object. */
  public get apiObjects(): ApiObject[] {
    return [this.prometheusRule, ...this.podMonitors];
  }

  private computePlan(model: EgressModel): { plan: MonitoringPlan; problems: ReturnType<typeof planMonitoring>['problems'] } {
    const facts = model.facts().filter((f) => f.kind !== FactKind.ALERT);
    return planMonitoring(model.policies(), facts, this.settings);
  }

  /** The rules were derived when the construct was built; fail synth if the app changed since. */
  private checkStillCurrent(model: EgressModel): string[] {
    const { plan, problems } = this.computePlan(model);
    if (problems.length > 0) return problems.map((p) => `${p.message} (${p.code})`);
    const now = planKey(plan);
    if (now === this.planText) return [];
    const before = JSON.parse(this.planText) as ReturnType<typeof planParts>;
    const after = planParts(plan);
    const gws = (p: ReturnType<typeof planParts>) => p.gateways.map((g) => `${g.namespace}/${g.workload} [${g.hosts.join(', ')}]`).join('; ') || 'none';
    return [`Egress declarations changed after this EgressMonitoring was built, so its alerts would be stale: gateways ${gws(before)} → ${gws(after)}; `
      + `watched namespaces ${before.namespaces.join(', ') || 'none'} → ${after.namespaces.join(', ') || 'none'}. `
      + `Declare EgressMonitoring after every egress construct, gateway route and allow() it monitors (${EgressErrorCode.CONFLICTING_OPTIONS})`];
  }

  private objectLabels(extra: Record<string, string> | undefined, selector: Record<string, string>, what: string): Record<string, string> {
    for (const [k, v] of Object.entries(extra ?? {})) {
      if (k in selector && selector[k] !== v) {
        throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS, `labels sets ${k}=${v} but ${what} needs ${k}=${selector[k]}: drop it from labels`);
      }
    }
    return sortedLabels({ ...(extra ?? {}), ...selector });
  }

  private resolveSettings(props: EgressMonitoringProps, id: string): MonitoringSettings {
    const ratio = (v: number | undefined, dflt: number, what: string) => {
      const r = v ?? dflt;
      if (!(r > 0 && r < 1)) this.badOption(`${what} must be a ratio between 0 and 1 (0.05 = 5%), got ${r}`);
      return r;
    };
    const nonNegative = (v: number | undefined, dflt: number, what: string, integer = false) => {
      const n = v ?? dflt;
      if (!(Number.isFinite(n) && n >= 0) || (integer && !Number.isInteger(n))) this.badOption(`${what} must be a${integer ? ' whole' : ''} number >= 0, got ${n}`);
      return n;
    };
    const dur = (d: Duration | undefined, dflt: Duration, what: string) => promSeconds(this, d ?? dflt, what);
    const rateWindow = dur(props.rateWindow, Duration.minutes(5), 'rateWindow');
    const anomalyBaseline = dur(props.trafficAnomalyBaseline, Duration.days(1), 'trafficAnomalyBaseline');
    if (anomalyBaseline <= rateWindow) this.badOption(`trafficAnomalyBaseline (${anomalyBaseline}s) must be longer than rateWindow (${rateWindow}s)`);
    const factor = props.trafficAnomalyFactor ?? 3;
    if (!(Number.isFinite(factor) && factor > 1)) this.badOption(`trafficAnomalyFactor must be a number > 1 (3 = three times the baseline), got ${factor}`);
    const minAvailable = props.gatewayMinAvailable ?? 1;
    if (!(Number.isInteger(minAvailable) && minAvailable >= 1)) this.badOption(`gatewayMinAvailable must be a whole number >= 1, got ${minAvailable}`);
    const alertLabels = props.alertLabels ?? {};
    for (const k of Object.keys(alertLabels)) {
      if (!PROM_LABEL_NAME.test(k) || k.startsWith('__')) this.badOption(`alertLabels key "${k}" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__")`);
      if (k === 'severity' || k === 'egress_gateway') this.badOption(`alertLabels must not set "${k}": EgressMonitoring sets it per alert`);
    }
    if (props.hosts !== undefined && props.hosts.length === 0) this.badOption('hosts is an empty list: omit it to monitor every routed host, or list hosts');
    return {
      id,
      rateWindow,
      errorRatio: ratio(props.errorRatioThreshold, 0.05, 'errorRatioThreshold'),
      errorFor: dur(props.errorRatioFor, Duration.minutes(10), 'errorRatioFor'),
      blockedWindow: dur(props.blockedAttemptsWindow, Duration.minutes(10), 'blockedAttemptsWindow'),
      blockedThreshold: nonNegative(props.blockedAttemptsThreshold, 0, 'blockedAttemptsThreshold', true),
      passthrough: props.passthroughAlerts ?? true,
      gatewayDownFor: dur(props.gatewayDownFor, Duration.minutes(5), 'gatewayDownFor'),
      gatewayMinAvailable: minAvailable,
      kubeStateMetrics: props.kubeStateMetrics ?? false,
      anomalyFactor: factor,
      anomalyMinBytesPerSecond: nonNegative(props.trafficAnomalyMinBytesPerSecond, 102400, 'trafficAnomalyMinBytesPerSecond'),
      anomalyBaseline,
      anomalyFor: dur(props.trafficAnomalyFor, Duration.minutes(15), 'trafficAnomalyFor'),
      ...(props.ciliumAlerts !== undefined ? { cilium: props.ciliumAlerts } : {}),
      policyDropThreshold: nonNegative(props.policyDropThreshold, 0, 'policyDropThreshold', true),
      ...(props.applicationMetrics ? { application: this.resolveApplication(props.applicationMetrics) } : {}),
      alertLabels: sortedLabels(alertLabels),
      ...(props.hosts ? { hosts: [...new Set(props.hosts)].sort() } : {}),
    };
  }

  private resolveApplication(a: ApplicationEgressMetrics): ApplicationSettings {
    const requestsMetric = a.requestsMetric ?? 'egress_requests_total';
    const errorsMetric = a.errorsMetric ?? 'egress_errors_total';
    for (const [what, m] of [['requestsMetric', requestsMetric], ['errorsMetric', errorsMetric]]) {
      if (!METRIC_NAME.test(m)) this.badOption(`applicationMetrics.${what} "${m}" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
    }
    const groupBy = a.groupBy ?? ['namespace'];
    if (groupBy.length === 0) this.badOption('applicationMetrics.groupBy is empty: list at least one label (e.g. [\'namespace\'])');
    for (const l of groupBy) if (!PROM_LABEL_NAME.test(l)) this.badOption(`applicationMetrics.groupBy "${l}" is not a Prometheus label name`);
    const ratio = a.errorRatioThreshold ?? 0.05;
    if (!(ratio > 0 && ratio < 1)) this.badOption(`applicationMetrics.errorRatioThreshold must be a ratio between 0 and 1, got ${ratio}`);
    if (a.namespaces) for (const ns of a.namespaces) raise(this, namespaceProblems(ns, 'applicationMetrics.namespaces'));
    return { requestsMetric, errorsMetric, groupBy, errorRatio: ratio, ...(a.namespaces ? { namespaces: [...new Set(a.namespaces)].sort() } : {}) };
  }

  private badOption(message: string): never {
    throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS, `Invalid EgressMonitoring option: ${message}`);
  }
}

/** The parts of a plan the emitted objects and facts depend on (not the route facts' wording). */
function planParts(plan: MonitoringPlan) {
  return {
    groups: plan.groups,
    gateways: plan.gateways.map((g) => ({ namespace: g.namespace, workload: g.workload, labels: g.labels, hosts: g.hosts })),
    alertFacts: plan.alertFacts,
    namespaces: plan.namespaces,
  };
}

function planKey(plan: MonitoringPlan): string {
  return JSON.stringify(planParts(plan));
}

/** Whole seconds of a duration (>= 1), for Prometheus. */
function promSeconds(scope: Construct, d: Duration, what: string): number {
  const ms = d.toMilliseconds();
  if (!(ms >= 1000 && ms % 1000 === 0)) {
    throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS, `Invalid EgressMonitoring option: ${what} must be a whole number of seconds, at least 1s, got ${ms}ms`);
  }
  return ms / 1000;
}
