// Renders a monitoring plan as prometheus-operator objects. Loaded lazily by EgressMonitoring, so
// `require('cdk8s-egress')` does not load the monitoring.coreos.com bindings it does not use.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayTarget, RuleGroupData } from './plan';
import { PodMonitor, PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';

/** Metadata of an emitted object. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** Istio names the Envoy stats port of its proxies (sidecars and gateways) like this. */
export const ENVOY_PROM_PORT = 'http-envoy-prom';
/** ... and serves the merged Istio standard metrics here. */
export const ENVOY_PROM_PATH = '/stats/prometheus';

export function renderPrometheusRule(scope: Construct, id: string, meta: ObjectMeta, groups: readonly RuleGroupData[]): ApiObject {
  return new PrometheusRule(scope, id, {
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
    spec: {
      groups: groups.map((g) => ({
        name: g.name,
        rules: g.rules.map((r) => ({
          ...(r.record !== undefined ? { record: r.record } : {}),
          ...(r.alert !== undefined ? { alert: r.alert } : {}),
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
          ...(r.for !== undefined && r.for !== '0s' ? { for: r.for } : {}),
          ...(r.labels ? { labels: r.labels } : {}),
          ...(r.annotations ? { annotations: r.annotations } : {}),
        })),
      })),
    },
  });
}

export function renderPodMonitor(scope: Construct, id: string, meta: ObjectMeta, gateway: GatewayTarget, interval?: string): ApiObject {
  return new PodMonitor(scope, id, {
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
    spec: {
      selector: { matchLabels: gateway.labels },
      namespaceSelector: { matchNames: [gateway.namespace] },
      podMetricsEndpoints: [{ port: ENVOY_PROM_PORT, path: ENVOY_PROM_PATH, ...(interval ? { interval } : {}) }],
    },
  });
}
