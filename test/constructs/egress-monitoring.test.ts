import { Chart, Duration, Testing } from 'cdk8s';
import { EgressModel, EgressPolicy, EgressSource, EgressWarnings, FactKind, GrantPurpose, egressErrorCode } from '../../src';
import { EgressMonitoring, EgressMonitoringProps } from '../../src/constructs/egress-monitoring';
import { appChart, buildPromtoolApp, recordGatewayRoute } from '../monitoring/promtool/app';
import { chart, ofKind, synth, tempApp, writtenFiles } from '../support/helpers';

const SELECTOR = { release: 'kube-prometheus-stack' };

function errorOf(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

function rules(manifests: any[]): any[] {
  return ofKind(manifests, 'PrometheusRule')[0].spec.groups.flatMap((g: any) => g.rules);
}

describe('EgressMonitoring | rules from declared intent', () => {
  test('the promtool test app: snapshot, schema-valid, one PodMonitor per gateway', () => {
    const app = Testing.app();
    const c = buildPromtoolApp(app);
    const manifests = synth(c);
    expect(ofKind(manifests, 'PrometheusRule').concat(ofKind(manifests, 'PodMonitor'))).toMatchSnapshot();

    const [rule] = ofKind(manifests, 'PrometheusRule');
    expect(rule.metadata).toEqual({ name: 'egress-alerts', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['cdk8s-egress.gateway', 'cdk8s-egress.blocked', 'cdk8s-egress.cilium', 'cdk8s-egress.application']);
    expect(c.monitoring.alertNames).toEqual([
      'EgressApplicationErrorRatioHigh', 'EgressBlockedConnections', 'EgressBlockedRequests', 'EgressClusterTrafficAnomaly',
      'EgressGatewayDown', 'EgressGatewayHttpErrorRatioHigh', 'EgressGatewayReplicasUnavailable', 'EgressGatewayTcpConnectionFailuresHigh',
      'EgressGatewayTrafficAnomaly', 'EgressPassthroughConnections', 'EgressPassthroughRequests', 'EgressPolicyDrops',
    ]);

    const monitors = ofKind(manifests, 'PodMonitor');
    expect(monitors.map((m: any) => m.metadata.name)).toEqual(['egress-alerts-partner-egressgateway', 'egress-alerts-istio-egressgateway']);
    const istio = monitors.find((m: any) => m.metadata.name === 'egress-alerts-istio-egressgateway');
    expect(istio.metadata).toEqual({ name: 'egress-alerts-istio-egressgateway', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    expect(istio.spec).toEqual({
      selector: { matchLabels: { app: 'istio-egressgateway', istio: 'egressgateway' } },
      namespaceSelector: { matchNames: ['istio-system'] },
      podMetricsEndpoints: [{ port: 'http-envoy-prom', path: '/stats/prometheus' }],
    });
  });

  test('gateway rules select the gateway as Istio reports it, and only the routed hosts', () => {
    const c = appChart();
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR });
    const all = rules(synth(c));
    const http = all.find((r) => r.alert === 'EgressGatewayHttpErrorRatioHigh');
    expect(http.expr).toContain('istio_requests_total{reporter="source", source_workload_namespace="istio-system", source_workload="istio-egressgateway", destination_service=~"api\\\\.external\\\\.com", response_code=~"5.."}[5m]');
    expect(http.expr).toMatch(/> 0\.05$/);
    expect(http.for).toBe('10m');
    expect(http.labels).toEqual({ egress_gateway: 'istio-system/istio-egressgateway', severity: 'warning' });
    const down = all.find((r) => r.alert === 'EgressGatewayDown');
    expect(down.expr).toBe('(count(count by (pod) (up{namespace="istio-system", pod=~"istio-egressgateway-[a-z0-9]+-[a-z0-9]+"} == 1)) or vector(0)) < 1');
    const blocked = all.find((r) => r.alert === 'EgressBlockedConnections');
    const sel = 'istio_tcp_connections_opened_total{reporter="source", destination_service_name="BlackHoleCluster", source_workload_namespace=~"production"}';
    // the increase where the series existed a window ago, else its whole value (born at its first event)
    expect(blocked.expr).toBe(`sum by (source_workload_namespace, source_workload) ((increase(${sel}[10m]) and ${sel} offset 10m) or (${sel} unless ${sel} offset 10m)) > 0`);
    // no Cilium policy in the app: no Cilium alerts unless asked for; no application alerts unless asked for
    expect(all.some((r) => r.alert === 'EgressPolicyDrops' || r.alert === 'EgressApplicationErrorRatioHigh')).toBe(false);
  });

  test('a hostname pattern matches the ServiceEntry host and the concrete names under it', () => {
    const c = chart('monitoring');
    recordGatewayRoute(c, 'route', { source: { namespace: 'production' }, hosts: ['*.googleapis.com'], gatewayNamespace: 'istio-system', gatewayWorkload: 'gw', gatewayLabels: 'istio=gw' });
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR });
    const http = rules(synth(c)).find((r) => r.alert === 'EgressGatewayHttpErrorRatioHigh');
    expect(http.expr).toContain('destination_service=~"\\\\*\\\\.googleapis\\\\.com|[^.]+\\\\.googleapis\\\\.com"');
  });

  test('options change thresholds, durations and labels', () => {
    const c = appChart();
    new EgressMonitoring(c, 'm', {
      ruleSelectorLabels: SELECTOR,
      errorRatioThreshold: 0.2,
      errorRatioFor: Duration.minutes(30),
      rateWindow: Duration.minutes(2),
      blockedAttemptsWindow: Duration.hours(1),
      blockedAttemptsThreshold: 5,
      passthroughAlerts: false,
      gatewayDownFor: Duration.seconds(90),
      gatewayMinAvailable: 2,
      trafficAnomalyFactor: 10,
      trafficAnomalyBaseline: Duration.days(7),
      alertLabels: { team: 'platform' },
      podMonitors: false,
    });
    const manifests = synth(c);
    const all = rules(manifests);
    const http = all.find((r) => r.alert === 'EgressGatewayHttpErrorRatioHigh');
    expect(http.expr).toContain('[2m]');
    expect(http.expr).toMatch(/> 0\.2$/);
    expect(http.for).toBe('30m');
    expect(http.labels).toEqual({ egress_gateway: 'istio-system/istio-egressgateway', severity: 'warning', team: 'platform' });
    expect(all.find((r) => r.alert === 'EgressGatewayDown')).toMatchObject({ for: '90s', expr: expect.stringMatching(/< 2$/) });
    expect(all.find((r) => r.alert === 'EgressBlockedRequests').expr).toMatch(/\[1h\]\) and .* offset 1h\) or \(.* unless .* offset 1h\)\) > 5$/);
    expect(all.find((r) => r.alert === 'EgressGatewayTrafficAnomaly').expr).toContain('> 10 * avg_over_time(cdk8s_egress:gateway_bytes:rate2m');
    expect(all.find((r) => r.alert === 'EgressGatewayTrafficAnomaly').expr).toContain('[7d])');
    expect(all.some((r) => /Passthrough/.test(r.alert ?? ''))).toBe(false);
    expect(ofKind(manifests, 'PodMonitor')).toEqual([]);
  });

  test('Cilium alerts switch on when a policy uses the Cilium backend; cluster anomaly stays cluster-level', () => {
    const c = chart('monitoring');
    // a Cilium policy as the model records it (the backend itself is tested with the backend)
    EgressModel.of(c)._record({
      toModelPolicy: () => ({ constructPath: 'test/cnp', backend: 'cilium', objectRef: 'CiliumNetworkPolicy/shop/cnp', purpose: GrantPurpose.ALLOW, source: { namespace: 'shop', podLabels: { app: 'web' } }, rules: [], providesDns: true, semantics: { cidrMatchesPods: false } }),
    });
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR });
    const all = rules(synth(c));
    const drops = 'hubble_drop_total{reason="POLICY_DENIED", traffic_direction!="ingress", source_namespace=~"shop"}';
    expect(all.find((r) => r.alert === 'EgressPolicyDrops').expr)
      .toBe(`sum by (source_namespace, source_workload) ((increase(${drops}[10m]) and ${drops} offset 10m) or (${drops} unless ${drops} offset 10m)) > 0`);
    const cluster = all.find((r) => r.record?.startsWith('cdk8s_egress:cilium_forward_egress_bytes'));
    // cilium_forward_bytes_total only has `direction`: never grouped by a workload label
    expect(cluster.expr).toBe('sum(rate(cilium_forward_bytes_total{direction="EGRESS"}[5m]))');
  });

  test('application metrics: the seed\'s egress_requests_total / egress_errors_total, configurable', () => {
    const c = appChart();
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR, applicationMetrics: { requestsMetric: 'http_client_requests_total', errorsMetric: 'http_client_errors_total', groupBy: ['namespace', 'app'], namespaces: ['web'] } });
    const app = rules(synth(c)).find((r) => r.alert === 'EgressApplicationErrorRatioHigh');
    expect(app.expr).toBe('sum by (namespace, app) (rate(http_client_errors_total{namespace=~"web"}[5m]))\n  /\nsum by (namespace, app) (rate(http_client_requests_total{namespace=~"web"}[5m]))\n  > 0.05');
  });

  test('hosts restricts monitoring to the listed routed hosts', () => {
    const c = appChart();
    recordGatewayRoute(c, 'other', { source: { namespace: 'payments' }, hosts: ['api.partner.example'], gatewayNamespace: 'egress', gatewayWorkload: 'partner-gw', gatewayLabels: 'istio=partner' });
    const m = new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR, hosts: ['api.partner.example'] });
    const manifests = synth(c);
    const text = rules(manifests).map((r) => r.expr).join('\n');
    expect(text).toContain('destination_service=~"api\\\\.partner\\\\.example"');
    expect(text).not.toContain('external');
    expect(m.podMonitors.map((p) => p.name)).toEqual([`${m.prometheusRule.name}-partner-gw`]);
  });

  test('records an ALERT fact per alert and concerned workload, for the egress report', () => {
    const c = appChart();
    new EgressMonitoring(c, 'm', { name: 'egress-alerts', ruleSelectorLabels: SELECTOR });
    const alerts = EgressModel.of(c).facts().filter((f) => f.kind === FactKind.ALERT);
    const down = alerts.find((f) => f.details?.alert === 'EgressGatewayDown')!;
    expect(down).toEqual({
      kind: FactKind.ALERT,
      constructPath: 'test/m',
      source: { namespace: 'production', podLabels: { app: 'backend' } },
      destinations: [{ kind: 'Fqdn', hostname: 'api.external.com' }],
      summary: 'EgressGatewayDown: fewer than 1 scrapeable pod(s) of istio-system/istio-egressgateway for 5m',
      objectRefs: ['PrometheusRule/monitoring/egress-alerts'],
      details: { alert: 'EgressGatewayDown', severity: 'critical' },
    });
    expect(alerts.filter((f) => f.details?.alert === 'EgressBlockedRequests').map((f) => f.source)).toEqual([{ namespace: 'production' }]);
  });

  test('deterministic: the same app gives the same YAML', () => {
    const build = () => { const c = appChart(); new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR, ciliumAlerts: true, applicationMetrics: {} }); return JSON.stringify(Testing.synth(c)); };
    expect(build()).toBe(build());
  });

  test('a gateway route of another provider is not monitored, and says so with a warning', () => {
    const c = appChart();
    EgressModel.of(c).recordFact({ toFact: () => ({ kind: FactKind.GATEWAY_ROUTE, constructPath: 'test/cilium-gw', summary: 'via cilium egress gateway', objectRefs: [], details: { provider: 'cilium' } }) });
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR });
    expect(EgressWarnings.list(c)).toEqual([{
      id: 'cdk8s-egress:monitoringSkipsGateway',
      constructPath: 'test/m',
      message: expect.stringMatching(/^The gateway route declared at test\/cilium-gw uses provider "cilium"; EgressMonitoring derives gateway alerts for Istio egress gateways only/),
    }]);
  });
});

describe('EgressMonitoring | input errors', () => {
  const build = (props: Partial<EgressMonitoringProps>, c = appChart()) => () => new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR, ...props } as EgressMonitoringProps);

  test('fails without ruleSelectorLabels (a PrometheusRule nobody selects is silently ignored)', () => {
    const err = errorOf(build({ ruleSelectorLabels: {} }));
    expect(egressErrorCode(err)).toBe('EGRESS_EMPTY_SELECTOR');
    expect(err.message).toMatch(/^\[test\/m\] EgressMonitoring needs ruleSelectorLabels: the labels your Prometheus CR's ruleSelector matches \(kube-prometheus-stack: \{ release: '<helm release name>' \}\)\. Without them the operator silently ignores the PrometheusRule/);
    expect(errorOf(build({ ruleSelectorLabels: undefined as any })).message).toMatch(/needs ruleSelectorLabels/);
    expect(errorOf(build({ ruleSelectorLabels: { 'bad key!': 'x' } })).message).toMatch(/\[test\/m\] Invalid label key "bad key!" in ruleSelectorLabels.*EGRESS_INVALID_LABEL/);
    expect(errorOf(build({ podMonitorSelectorLabels: {} })).message).toMatch(/podMonitorSelectorLabels is empty/);
  });

  test('fails on a monitored host that no gateway routes, naming the routed hosts', () => {
    const err = errorOf(build({ hosts: ['api.external.com', 'api.unknown.example'] }));
    expect(egressErrorCode(err)).toBe('EGRESS_CONFLICTING_OPTIONS');
    expect(err.message).toBe('[test/m] EgressMonitoring hosts names "api.unknown.example", which no egress gateway route in the app carries (routed hosts: api.external.com). '
      + 'Route it through an EgressGateway declared before this EgressMonitoring, or remove it from hosts (EGRESS_CONFLICTING_OPTIONS)');
    expect(errorOf(build({ hosts: [] })).message).toMatch(/hosts is an empty list/);
  });

  test('fails on a gateway route without the details monitoring needs', () => {
    const c = appChart();
    EgressModel.of(c).recordFact({ toFact: () => ({ kind: FactKind.GATEWAY_ROUTE, constructPath: 'test/gw2', summary: 'via somewhere', objectRefs: [], details: { gatewayNamespace: 'istio-system' } }) });
    expect(errorOf(build({}, c)).message).toMatch(/^\[test\/m\] The gateway route declared at test\/gw2 \(via somewhere\) lacks the fact detail\(s\) gatewayWorkload, gatewayLabels/);
    const c2 = chart('monitoring');
    recordGatewayRoute(c2, 'r', { source: { namespace: 'a' }, hosts: ['x.example.com'], gatewayNamespace: 'istio-system', gatewayWorkload: 'gw', gatewayLabels: 'not-a-label-list' });
    expect(errorOf(build({}, c2)).message).toMatch(/gatewayLabels "not-a-label-list" of the gateway route declared at test\/r is not a list of key=value pairs/);
  });

  test('fails without a namespace, with invalid option values, and with nothing to monitor', () => {
    expect(errorOf(build({}, appChart(''))).message).toMatch(/^\[test\/m\] EgressMonitoring has no namespace.*EGRESS_NAMESPACE_REQUIRED/);
    expect(errorOf(build({ errorRatioThreshold: 5 })).message).toBe('[test/m] Invalid EgressMonitoring option: errorRatioThreshold must be a ratio between 0 and 1 (0.05 = 5%), got 5 (EGRESS_CONFLICTING_OPTIONS)');
    expect(errorOf(build({ trafficAnomalyFactor: 1 })).message).toMatch(/trafficAnomalyFactor must be a number > 1/);
    expect(errorOf(build({ rateWindow: Duration.millis(1500) })).message).toMatch(/rateWindow must be a whole number of seconds, at least 1s, got 1500ms/);
    expect(errorOf(build({ trafficAnomalyBaseline: Duration.minutes(5) })).message).toMatch(/trafficAnomalyBaseline \(300s\) must be longer than rateWindow \(300s\)/);
    expect(errorOf(build({ gatewayMinAvailable: 0 })).message).toMatch(/gatewayMinAvailable must be a whole number >= 1, got 0/);
    expect(errorOf(build({ alertLabels: { severity: 'page' } })).message).toMatch(/alertLabels must not set "severity"/);
    expect(errorOf(build({ alertLabels: { 'team-name': 'x' } })).message).toMatch(/alertLabels key "team-name" is not a Prometheus label name/);
    expect(errorOf(build({ applicationMetrics: { requestsMetric: 'egress-requests' } })).message).toMatch(/applicationMetrics.requestsMetric "egress-requests" is not a Prometheus metric name/);
    expect(errorOf(build({ labels: { release: 'other' } })).message).toMatch(/labels sets release=other but ruleSelectorLabels needs release=kube-prometheus-stack/);
    const err = errorOf(build({}, chart('monitoring')));
    expect(egressErrorCode(err)).toBe('EGRESS_EMPTY_POLICY');
    expect(err.message).toMatch(/^\[test\/m\] EgressMonitoring found nothing to monitor: no egress policy, gateway route or application metric is declared before it/);
  });

  test('synth fails, writing nothing, when egress is declared after the monitoring', () => {
    const app = tempApp();
    const c = new Chart(app, 'late', { namespace: 'monitoring' });
    new EgressPolicy(c, 'backend', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) });
    new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR });
    recordGatewayRoute(c, 'route', { source: { namespace: 'payments' }, hosts: ['api.external.com'], gatewayNamespace: 'istio-system', gatewayWorkload: 'gw', gatewayLabels: 'istio=gw' });
    expect(() => app.synth()).toThrow(/\[late\/m\] Egress declarations changed after this EgressMonitoring was built, so its alerts would be stale: gateways none → istio-system\/gw \[api.external.com\]; watched namespaces production → payments, production\. Declare EgressMonitoring after every egress construct/);
    expect(writtenFiles(app)).toEqual([]);
  });
});
