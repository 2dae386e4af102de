// The seed's sections "Egress监控" and "最佳实践 / 监控告警", as in examples/seed/monitoring.ts.
package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	egress "github.com/cdk8s-egress/cdk8s-egress-go/cdk8segress"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// NewMonitoringSection emits Prometheus alerts derived from every egress declaration of the app.
// Add it last: it reads the app's EgressModel when built.
func NewMonitoringSection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)
	egress.NewEgressMonitoring(chart, jsii.String("egress-monitoring"), &egress.EgressMonitoringProps{
		Name:               jsii.String("egress-alerts"),
		Namespace:          jsii.String("monitoring"),
		RuleSelectorLabels: &map[string]*string{"release": jsii.String("kube-prometheus-stack")},
		CiliumAlerts:       jsii.Bool(true),
		ApplicationMetrics: &egress.ApplicationEgressMetrics{},
	})
	return chart
}
