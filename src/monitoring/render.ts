// Renders a monitoring plan as prometheus-operator objects. Loaded lazily by EgressMonitoring, so
// `require('cdk8s-egress')` does not load the monitoring.coreos.com bindings it does not use.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayTarget, RuleGroupData } from './plan';
import {
  PodMonitor, PodMonitorSpec, PrometheusRule, PrometheusRuleSpec, PrometheusRuleSpecGroups, PrometheusRuleSpecGroupsRules,
} from '../../imports/monitoring.coreos.com';
import { plainApiObject } from '../emit/objects';

/** A rule in its JSON shape: `expr` is a plain string (the generated binding wraps it in a class). */
type RuleJson = Omit<PrometheusRuleSpecGroupsRules, 'expr'> & { readonly expr: string };
/** A PrometheusRule spec in its JSON shape. */
type PrometheusRuleSpecJson = Omit<PrometheusRuleSpec, 'groups'> & { readonly groups: Array<Omit<PrometheusRuleSpecGroups, 'rules'> & { readonly rules: RuleJson[] }> };

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
  const spec: PrometheusRuleSpecJson = {
    groups: groups.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => ({
        ...(r.record !== undefined ? { record: r.record } : {}),
        ...(r.alert !== undefined ? { alert: r.alert } : {}),
        expr: r.expr,
        ...(r.for !== undefined && r.for !== '0s' ? { for: r.for } : {}),
        ...(r.labels ? { labels: r.labels } : {}),
        ...(r.annotations ? { annotations: r.annotations } : {}),
      })),
    })),
  };
  return plainApiObject(PrometheusRule.GVK, scope, id, {
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
    spec,
  });
}

export function renderPodMonitor(scope: Construct, id: string, meta: ObjectMeta, gateway: GatewayTarget, interval?: string): ApiObject {
  const spec: PodMonitorSpec = {
    selector: { matchLabels: gateway.labels },
    namespaceSelector: { matchNames: [gateway.namespace] },
    podMetricsEndpoints: [{ port: ENVOY_PROM_PORT, path: ENVOY_PROM_PATH, ...(interval ? { interval } : {}) }],
  };
  return plainApiObject(PodMonitor.GVK, scope, id, {
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
    spec,
  });
}
