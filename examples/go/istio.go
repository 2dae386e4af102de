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
		Name:            jsii.String("egress-gateway"),
		GatewayBackends: &[]egress.IEgressBackend{egress.EgressBackend_Cilium(nil)},
		// The egress audit log the seed's best practices ask for: the gateway runs in Istio's root
		// namespace, where Istio ignores a workload-scoped Telemetry, so the routed sidecars log
		// every attempt the mesh blocks or passes through instead.
		LogBlockedSourceAttempts: jsii.Bool(true),
	})
	// The backend pods also reach the partner range 203.0.113.0/24 directly (the NetworkPolicy
	// section); api.external.com is not in that range, so that allowance opens no way around the
	// gateway.
	egress.EgressWarnings_Acknowledge(gateway, jsii.String("cdk8s-egress:gatewayBypass"),
		jsii.String("the direct allowances are partner ranges (203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24), none of which holds api.external.com"))
	gateway.AddRoute(jsii.String("external-api"), &egress.EgressRouteOptions{
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
	// The allow-list, enforced in both layers: the sidecars (ServiceEntries + REGISTRY_ONLY) and
	// the network plugin (a CiliumNetworkPolicy with toFQDNs). Under the namespace's default-deny
	// NetworkPolicy, a ServiceEntry alone would be dropped at the network layer.
	egress.NewAllowedExternalService(chart, jsii.String("allowed-external"), &egress.AllowedExternalServiceProps{
		Name:   jsii.String("allowed-external"),
		Source: egress.EgressSource_Namespace(jsii.String("production")),
		Destinations: &[]egress.Destination{
			egress.Destination_AnySubdomainOf(jsii.String("googleapis.com")),
			egress.Destination_Fqdn(jsii.String("api.github.com")),
		},
		Ports:    &[]egress.Port{egress.Port_HTTPS()},
		Backends: &[]egress.IEgressBackend{egress.EgressBackend_Istio(nil), egress.EgressBackend_Cilium(nil)},
	})

	// REGISTRY_ONLY holds every sidecar of `production`, so the backend pods' allowance to the
	// partner range (the NetworkPolicy section) is declared to the mesh too; the other sections
	// do the same with AllowedExternalService and both backends.
	egress.NewEgressPolicy(chart, jsii.String("backend-partner-range"), &egress.EgressPolicyProps{
		Name:     jsii.String("backend-partner-range"),
		Backends: &[]egress.IEgressBackend{egress.EgressBackend_Istio(nil)},
		Source:   backendPods(),
		// Istio sidecars do not intercept DNS; DNS stays with the NetworkPolicy baseline.
		Dns: &[]egress.DnsResolver{},
	}).Allow(egress.Destination_Ipv4(jsii.String("203.0.113.0/24"), nil), egress.Port_HTTPS())

	// The sidecars of `production` must keep reaching istiod under the default deny.
	egress.NewEgressPolicy(chart, jsii.String("istiod"), &egress.EgressPolicyProps{
		Name:   jsii.String("allow-istiod"),
		Source: egress.EgressSource_Namespace(jsii.String("production")),
		Dns:    &[]egress.DnsResolver{},
	}).Allow(egress.Destination_Pods(&egress.PodsDestinationProps{
		Namespace: jsii.String("istio-system"),
		Labels:    &map[string]*string{"app": jsii.String("istiod")},
	}), egress.Port_Tcp(jsii.Number(15012)))

	// The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
	denyGateway := egress.NewEgressGateway(chart, jsii.String("egress-gateway"), &egress.EgressGatewayProps{
		Name:            jsii.String("egress-gateway"),
		DenyPolicyName:  jsii.String("deny-external"),
		GatewayBackends: &[]egress.IEgressBackend{egress.EgressBackend_Cilium(nil)},
	})
	denyGateway.DenyHosts(jsii.Strings("*.example.com"))
	egress.EgressWarnings_Acknowledge(denyGateway, jsii.String("cdk8s-egress:istioGatewayAccessLogRootNamespace"), jsii.String(rootNamespaceAccessLogs))
	return chart
}
