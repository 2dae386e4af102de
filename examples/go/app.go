// The seed's egress scenarios expressed with cdk8s-egress, in Go.
//
// Mirrors examples/seed/app.ts section by section (one constructor function per section, registered
// in BuildSeedApp); scripts/parity.sh checks that both write byte-identical YAML.
package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	egress "github.com/cdk8s-egress/cdk8s-egress-go/cdk8segress"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// NewNetworkPolicySection is seed section "NetworkPolicy Egress规则": backend pods in `production`
// may reach the database on TCP 5432, cluster DNS, and 203.0.113.0/24 on TCP 443. Nothing else.
func NewNetworkPolicySection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)

	backend := egress.NewEgressPolicy(chart, jsii.String("egress-control"), &egress.EgressPolicyProps{
		Name: jsii.String("egress-control"),
		Source: egress.EgressSource_Pods(&egress.PodsSourceProps{
			Namespace: jsii.String("production"),
			Labels:    &map[string]*string{"app": jsii.String("backend")},
		}),
	})
	backend.Allow(egress.Destination_Pods(&egress.PodsDestinationProps{
		Labels: &map[string]*string{"app": jsii.String("database")},
	}), egress.Port_POSTGRES())
	backend.Allow(egress.Destination_Ipv4(jsii.String("203.0.113.0/24"), nil), egress.Port_HTTPS())

	// Least privilege: everything else in the namespace starts denied, with DNS kept open.
	egress.NewDefaultDenyEgress(chart, jsii.String("baseline"), &egress.DefaultDenyEgressProps{
		Name:   jsii.String("default-deny-egress"),
		Source: egress.EgressSource_Namespace(jsii.String("production")),
	})
	return chart
}

// BuildSeedApp adds every seed section to app.
func BuildSeedApp(app cdk8s.App) {
	NewNetworkPolicySection(app, "networkpolicy")
	// Seed sections "Cilium Egress Gateway", "ACK NAT Gateway", "Egress IP固定" (Calico), "ACK出站方案"
	BuildFixedIpSections(app)
	// Seed sections "Istio Egress Gateway" and "外部服务访问控制"
	NewIstioEgressGatewaySection(app, "istio-egress-gateway")
	NewIstioExternalServicesSection(app, "external-services")
	// Seed sections "Egress监控" and "最佳实践" (alerting): declared last, it watches everything above
	NewMonitoringSection(app, "monitoring")
}
