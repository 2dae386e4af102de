package dev.cdk8segress.examples;

import java.util.Map;

import dev.cdk8segress.egress.ApplicationEgressMetrics;
import dev.cdk8segress.egress.EgressMonitoring;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * Seed sections "Egress监控" and "最佳实践 / 监控告警": Prometheus alerts derived from every egress
 * declaration of the app. Add it last: it reads the app's EgressModel when built.
 * Mirrors examples/seed/monitoring.ts.
 */
public class MonitoringSection extends Chart {
    public final EgressMonitoring monitoring;

    public MonitoringSection(final Construct scope, final String id) {
        super(scope, id);
        monitoring = EgressMonitoring.Builder.create(this, "egress-monitoring")
                .name("egress-alerts")
                .namespace("monitoring")
                .ruleSelectorLabels(Map.of("release", "kube-prometheus-stack"))
                .ciliumAlerts(true)
                .applicationMetrics(ApplicationEgressMetrics.builder().build())
                .build();
    }
}
