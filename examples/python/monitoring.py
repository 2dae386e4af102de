"""The seed's sections "Egress监控" and "最佳实践 / 监控告警", as in examples/seed/monitoring.ts."""
from cdk8s import Chart
from constructs import Construct

from cdk8s_egress import ApplicationEgressMetrics, EgressMonitoring


class MonitoringSection(Chart):
    """Prometheus alerts derived from every egress declaration of the app. Add it **last**: it
    reads the app's EgressModel when built."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.monitoring = EgressMonitoring(
            self,
            "egress-monitoring",
            name="egress-alerts",
            namespace="monitoring",
            rule_selector_labels={"release": "kube-prometheus-stack"},
            cilium_alerts=True,
            application_metrics=ApplicationEgressMetrics(),
        )
