// Seed sections "Egress监控" (metrics) and "最佳实践 / 监控告警" (alert on abnormal traffic),
// expressed with EgressMonitoring. In your own project, import from 'cdk8s-egress'.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressMonitoring } from '../../src';

/**
 * Prometheus alerts derived from every egress declaration of the app: the seed lists
 * `istio_tcp_sent_bytes_total`, `cilium_forward_bytes_total`, `egress_requests_total` and
 * `egress_errors_total`; here they become rules with thresholds instead of a table:
 *
 * - Istio egress gateway routes: error ratio, connection failures, availability and byte-volume
 *   anomalies per host (from `istio_requests_total` / `istio_tcp_*` as the gateway reports them);
 * - every declared workload: attempts blocked by the sidecar (BlackHoleCluster) or let through to
 *   undeclared hosts (PassthroughCluster);
 * - Cilium: Hubble policy drops per workload; `cilium_forward_bytes_total` only for a cluster-level
 *   anomaly, because it carries nothing but a `direction` label;
 * - the applications' own `egress_requests_total` / `egress_errors_total`.
 *
 * Differences from the seed, on purpose:
 * - The seed lists metrics only; a PrometheusRule is ignored unless it carries the labels the
 *   Prometheus CR's `ruleSelector` matches, so they are a required input here
 *   (kube-prometheus-stack: `release: <helm release name>`).
 * - `cilium_forward_bytes_total` is not used per workload (it cannot be).
 *
 * Add this chart **last** (after every section that declares egress): it reads the app's
 * EgressModel when built, and synth fails if egress is declared after it.
 */
export class MonitoringSection extends Chart {
  public readonly monitoring: EgressMonitoring;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.monitoring = new EgressMonitoring(this, 'egress-monitoring', {
      name: 'egress-alerts',
      namespace: 'monitoring',
      ruleSelectorLabels: { release: 'kube-prometheus-stack' },
      ciliumAlerts: true,
      applicationMetrics: {},
    });
  }
}
