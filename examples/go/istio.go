// The seed's Istio sections, as in examples/seed/istio.ts (see there for the differences from the seed).
package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	egress "github.com/cdk8s-egress/cdk8s-egress-go/cdk8segress"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// rootNamespaceAccessLogs is why the access-log warning of the seed's gateways is acknowledged: the
// seed's gateway pods are Istio's default egress gateway, in the root namespace istio-system, where
// no per-workload access-log Telemetry applies (docs/seed.md).
const rootNamespaceAccessLogs = "the seed's gateway is Istio's default one in istio-system; its access logs come from mesh-wide meshConfig.accessLogFile"

func backendPods() egress.EgressSource {
	return egress.EgressSource_Pods(&egress.PodsSourceProps{
		Namespace: jsii.String("production"),
		Labels:    &map[string]*string{"app": jsii.String("backend")},
	})
}

// NewIstioEgressGatewaySection is seed section "Istio Egress Gateway": backend pods in `production`
// reach api.external.com on 443 only through the istio=egressgateway pods in istio-system.
func NewIstioEgressGatewaySection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)
	gateway := egress.NewEgressGateway(chart, jsii.String("egress-gateway"), &egress.EgressGatewayProps{
		Name:                 jsii.String("egress-gateway"),
		GatewayEgressBackend: egress.EgressBackend_Cilium(nil),
	})
	gateway.AddRoute(jsii.String("external-api"), &egress.EgressRouteProps{
		Name:         jsii.String("external-api"),
		Source:       backendPods(),
		Destinations: &[]egress.Destination{egress.Destination_Fqdn(jsii.String("api.external.com"))},
		Ports:        &[]egress.Port{egress.Port_HTTPS()},
	})
	egress.EgressWarnings_Acknowledge(gateway, jsii.String("cdk8s-egress:istioGatewayAccessLogRootNamespace"), jsii.String(rootNamespaceAccessLogs))
	return chart
}

// NewIstioExternalServicesSection is seed section "外部服务访问控制": the allowed-external allow-list
// and the deny-external AuthorizationPolicy.
func NewIstioExternalServicesSection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)
	allowed := egress.NewEgressPolicy(chart, jsii.String("allowed-external"), &egress.EgressPolicyProps{
		Name:    jsii.String("allowed-external"),
		Backend: egress.EgressBackend_Istio(nil),
		Source:  egress.EgressSource_Namespace(jsii.String("production")),
		// Istio sidecars do not intercept DNS: no DNS rule here (see the TypeScript example).
		Dns: &[]egress.DnsResolver{},
	})
	allowed.Allow(egress.Destination_AnySubdomainOf(jsii.String("googleapis.com")), egress.Port_HTTPS())
	allowed.Allow(egress.Destination_Fqdn(jsii.String("api.github.com")), egress.Port_HTTPS())

	// The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
	denyGateway := egress.NewEgressGateway(chart, jsii.String("egress-gateway"), &egress.EgressGatewayProps{
		Name:                 jsii.String("egress-gateway"),
		DenyPolicyName:       jsii.String("deny-external"),
		GatewayEgressBackend: egress.EgressBackend_Cilium(nil),
	})
	denyGateway.DenyHosts(jsii.Strings("*.example.com"))
	egress.EgressWarnings_Acknowledge(denyGateway, jsii.String("cdk8s-egress:istioGatewayAccessLogRootNamespace"), jsii.String(rootNamespaceAccessLogs))
	return chart
}
