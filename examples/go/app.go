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

// acknowledgeMeshDesign acknowledges, once for the app, what the Istio backend warns about in the
// seed's design: `production` runs Istio sidecars under a REGISTRY_ONLY allow-list and, beneath it,
// the NetworkPolicy default deny (as in examples/seed/app.ts).
func acknowledgeMeshDesign(app cdk8s.App) {
	egress.EgressWarnings_Acknowledge(app, jsii.String("cdk8s-egress:istioAmbientRegistryOnly"),
		jsii.String("production runs Istio sidecars, as the seed's Istio sections assume; it is not an ambient-mode namespace"))
	egress.EgressWarnings_Acknowledge(app, jsii.String("cdk8s-egress:istioRegistryOnlyBypassable"),
		jsii.String("every production allowance is enforced by the network layer too (the default-deny baseline "+
			"and a NetworkPolicy or CiliumNetworkPolicy per allowance), which holds pods that bypass the sidecar"))
	egress.EgressWarnings_Acknowledge(app, jsii.String("cdk8s-egress:istioNamespaceScope"),
		jsii.String("by design: the mesh allow-list of production is namespace-wide; each workload's own limit is its NetworkPolicy"))
}

// BuildSeedApp adds every seed section to app.
func BuildSeedApp(app cdk8s.App) {
	acknowledgeMeshDesign(app)
	NewNetworkPolicySection(app, "networkpolicy")
	// Seed sections "Cilium Egress Gateway", "ACK NAT Gateway", "Egress IP固定" (Calico), "ACK出站方案"
	BuildFixedIpSections(app)
	// Seed sections "Istio Egress Gateway" and "外部服务访问控制"
	NewIstioEgressGatewaySection(app, "istio-egress-gateway")
	NewIstioExternalServicesSection(app, "external-services")
	// Seed sections "Egress监控" and "最佳实践" (alerting): declared last, it watches everything above
	NewMonitoringSection(app, "monitoring")
}
