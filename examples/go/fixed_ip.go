// The seed's fixed-egress-IP sections ("Cilium Egress Gateway", "ACK NAT Gateway" / "ACK出站方案",
// "Egress IP固定"), as in examples/seed/fixed-ip.ts (see there for the differences from the seed).
package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	egress "github.com/cdk8s-egress/cdk8s-egress-go/cdk8segress"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	kplus "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2"
)

// meshAndNetwork: `production` runs under a default deny (NetworkPolicy) and a REGISTRY_ONLY sidecar
// (Istio): a workload's own external allowance goes to both layers.
func meshAndNetwork() *[]egress.IEgressBackend {
	return &[]egress.IEgressBackend{egress.EgressBackend_Kubernetes(), egress.EgressBackend_Istio(nil)}
}

// NewCiliumEgressGatewaySection is seed section "Cilium Egress Gateway": api-client pods in
// `production` reach 203.0.113.0/24 through the node labelled `egress-gateway=true`, SNATed to 10.0.0.100.
func NewCiliumEgressGatewaySection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)
	egress.NewCiliumEgressGatewayValues(chart, jsii.String("cilium-egress"), &egress.CiliumEgressGatewayValuesProps{
		Name: jsii.String("cilium-egress"),
	})
	apiClient := egress.EgressSource_Pods(&egress.PodsSourceProps{
		Namespace: jsii.String("production"),
		Labels:    &map[string]*string{"app": jsii.String("api-client")},
	})
	// `production` starts denied (app.go): the api-client pods need their own allowance to the
	// range the gateway carries, or the egress gateway would carry nothing.
	egress.NewAllowedExternalService(chart, jsii.String("api-client-egress"), &egress.AllowedExternalServiceProps{
		Name:         jsii.String("api-client-egress"),
		Source:       apiClient,
		Destinations: &[]egress.Destination{egress.Destination_Ipv4(jsii.String("203.0.113.0/24"), nil)},
		Ports:        &[]egress.Port{egress.Port_HTTPS()},
		Backends:     meshAndNetwork(),
	})
	egressExternalApi := egress.NewFixedEgressIp(chart, jsii.String("egress-external-api"), &egress.FixedEgressIpProps{
		Name:         jsii.String("egress-external-api"),
		Source:       apiClient,
		Destinations: &[]egress.Destination{egress.Destination_Ipv4(jsii.String("203.0.113.0/24"), nil)},
		Provider: egress.FixedEgressIpProvider_Cilium(&egress.CiliumFixedEgressIpOptions{
			NodeSelector: &map[string]*string{"egress-gateway": jsii.String("true")},
			EgressIp:     jsii.String("10.0.0.100"),
		}),
	})
	egress.EgressWarnings_Acknowledge(egressExternalApi, jsii.String("cdk8s-egress:ciliumEgressNoHa"),
		jsii.String("the seed names one gateway node (egress-gateway=true); open-source Cilium has no gateway failover"))
	egress.EgressWarnings_Acknowledge(egressExternalApi, jsii.String("cdk8s-egress:ciliumEgressNoGatewayDrops"),
		jsii.String("labelling the gateway node and assigning 10.0.0.100 to it are node setup, done outside this app"))
	egress.EgressWarnings_Acknowledge(egressExternalApi, jsii.String("cdk8s-egress:ciliumEgressIncompatibleFeatures"),
		jsii.String("the cilium-egress values enable what the gateway needs; the features it excludes are cluster prerequisites"))
	egress.EgressWarnings_Acknowledge(egressExternalApi, jsii.String("cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections"),
		jsii.String("inherent to the Cilium egress gateway: changing the gateway node is planned maintenance"))
	egress.EgressWarnings_Acknowledge(egressExternalApi, jsii.String("cdk8s-egress:ciliumEgressNewPodDelay"),
		jsii.String("inherent to the Cilium egress gateway; nothing in this app can shorten it"))
	return chart
}

// NewAckEgressSection is seed sections "ACK NAT Gateway" and "ACK出站方案": a pod EIP, an EIP kept
// across restarts for a StatefulSet, and a Trunk-ENI PodNetworking behind the VPC NAT gateway's SNAT.
func NewAckEgressSection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)
	natEnabled := kplus.NewDeployment(chart, jsii.String("nat-enabled"), &kplus.DeploymentProps{
		Metadata:   &cdk8s.ApiObjectMetadata{Name: jsii.String("nat-enabled"), Namespace: jsii.String("default")},
		Replicas:   jsii.Number(1),
		Containers: &[]*kplus.ContainerProps{{Name: jsii.String("app"), Image: jsii.String("myapp")}},
	})
	natEnabledEip := egress.NewFixedEgressIp(chart, jsii.String("nat-enabled-eip"), &egress.FixedEgressIpProps{
		Source:   egress.EgressSource_Workload(natEnabled),
		Provider: egress.FixedEgressIpProvider_AlibabaEip(&egress.AlibabaEipOptions{Bandwidth: jsii.Number(5)}),
	})
	egress.EgressWarnings_Acknowledge(natEnabledEip, jsii.String("cdk8s-egress:ackEipNotFixed"),
		jsii.String("like the seed's nat-enabled pod, the EIP lives as long as the pod; ledger-eip shows an address kept across restarts"))

	ledger := kplus.NewStatefulSet(chart, jsii.String("ledger"), &kplus.StatefulSetProps{
		Metadata:   &cdk8s.ApiObjectMetadata{Name: jsii.String("ledger"), Namespace: jsii.String("production")},
		Replicas:   jsii.Number(2),
		Containers: &[]*kplus.ContainerProps{{Name: jsii.String("ledger"), Image: jsii.String("example/ledger:1")}},
		Service: kplus.NewService(chart, jsii.String("ledger-headless"), &kplus.ServiceProps{
			Metadata:  &cdk8s.ApiObjectMetadata{Name: jsii.String("ledger"), Namespace: jsii.String("production")},
			ClusterIP: jsii.String("None"),
			Ports:     &[]*kplus.ServicePort{{Port: jsii.Number(8080)}},
		}),
	})
	// The ledger's partner allow-lists its EIPs; `production` starts denied, so the ledger pods
	// are allowed that partner.
	egress.NewAllowedExternalService(chart, jsii.String("ledger-egress"), &egress.AllowedExternalServiceProps{
		Name:         jsii.String("ledger-egress"),
		Source:       egress.EgressSource_Workload(ledger),
		Destinations: &[]egress.Destination{egress.Destination_Ipv4(jsii.String("198.51.100.0/24"), nil)},
		Ports:        &[]egress.Port{egress.Port_HTTPS()},
		Backends:     meshAndNetwork(),
	})
	ledgerEip := egress.NewFixedEgressIp(chart, jsii.String("ledger-eip"), &egress.FixedEgressIpProps{
		Source: egress.EgressSource_Workload(ledger),
		Provider: egress.FixedEgressIpProvider_AlibabaEip(&egress.AlibabaEipOptions{
			ReleaseStrategy: egress.AlibabaEipReleaseStrategy_After(cdk8s.Duration_Minutes(jsii.Number(10))),
		}),
	})
	egress.EgressWarnings_Acknowledge(ledgerEip, jsii.String("cdk8s-egress:ackEipPerPod"),
		jsii.String("one EIP per ledger replica, kept across restarts, is what this section shows; report-uploader-snat shows one shared address"))

	uploader := egress.EgressSource_Pods(&egress.PodsSourceProps{
		Namespace: jsii.String("production"),
		Labels:    &map[string]*string{"app": jsii.String("report-uploader")},
	})
	egress.NewAllowedExternalService(chart, jsii.String("report-uploader-egress"), &egress.AllowedExternalServiceProps{
		Name:         jsii.String("report-uploader-egress"),
		Source:       uploader,
		Destinations: &[]egress.Destination{egress.Destination_Ipv4(jsii.String("198.51.100.0/24"), nil)},
		Ports:        &[]egress.Port{egress.Port_HTTPS()},
		Backends:     meshAndNetwork(),
	})
	reportUploaderSnat := egress.NewFixedEgressIp(chart, jsii.String("report-uploader-snat"), &egress.FixedEgressIpProps{
		Name:   jsii.String("report-uploader-egress"),
		Source: uploader,
		Provider: egress.FixedEgressIpProvider_AlibabaPodNetworking(&egress.AlibabaPodNetworkingOptions{
			VSwitchIds:       jsii.Strings("vsw-egresszonea", "vsw-egresszoneb"),
			SecurityGroupIds: jsii.Strings("sg-egressuploader"),
			EniType:          egress.TerwayEniType_TRUNK,
		}),
	})
	egress.EgressWarnings_Acknowledge(reportUploaderSnat, jsii.String("cdk8s-egress:ackSnatEntryRequired"),
		jsii.String("the SNAT entries of vsw-egresszonea and vsw-egresszoneb are VPC configuration, made outside Kubernetes"))
	egress.EgressWarnings_Acknowledge(reportUploaderSnat, jsii.String("cdk8s-egress:ackPodNetworkingAtPodCreation"),
		jsii.String("handled at deploy time: the PodNetworking is applied before the report-uploader pods start, and pods that predate it are recreated once"))
	return chart
}

// NewCalicoFixedEgressIpSection is seed section "Egress IP固定" (Calico): legacy-sync pods draw
// their addresses from a dedicated IP pool that external firewalls can allow.
func NewCalicoFixedEgressIpSection(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)
	legacySync := kplus.NewDeployment(chart, jsii.String("legacy-sync"), &kplus.DeploymentProps{
		Metadata:   &cdk8s.ApiObjectMetadata{Name: jsii.String("legacy-sync"), Namespace: jsii.String("production")},
		Containers: &[]*kplus.ContainerProps{{Name: jsii.String("sync"), Image: jsii.String("example/legacy-sync:1")}},
	})
	// The legacy partner's firewall allows 10.244.240.0/24; `production` starts denied, so the
	// legacy-sync pods are allowed that partner.
	egress.NewAllowedExternalService(chart, jsii.String("legacy-sync-egress"), &egress.AllowedExternalServiceProps{
		Name:         jsii.String("legacy-sync-egress"),
		Source:       egress.EgressSource_Workload(legacySync),
		Destinations: &[]egress.Destination{egress.Destination_Ipv4(jsii.String("192.0.2.0/24"), nil)},
		Ports:        &[]egress.Port{egress.Port_HTTPS()},
		Backends:     meshAndNetwork(),
	})
	legacySyncPool := egress.NewFixedEgressIp(chart, jsii.String("legacy-sync-pool"), &egress.FixedEgressIpProps{
		Name:   jsii.String("legacy-sync-egress"),
		Source: egress.EgressSource_Workload(legacySync),
		Provider: egress.FixedEgressIpProvider_Calico(&egress.CalicoFixedEgressIpOptions{
			PoolCidr: jsii.String("10.244.240.0/24"),
			AdvertiseServices: &egress.CalicoServiceAdvertisement{
				ServiceClusterIpCidrs:  jsii.Strings("10.96.0.0/12"),
				ServiceExternalIpCidrs: jsii.Strings("203.0.113.0/24"),
			},
		}),
		ClusterCidrs: &egress.ClusterCidrs{
			PodCidrs:     jsii.Strings("10.244.0.0/16"),
			ServiceCidrs: jsii.Strings("10.96.0.0/12"),
		},
	})
	egress.EgressWarnings_Acknowledge(legacySyncPool, jsii.String("cdk8s-egress:calicoPoolAtPodCreation"),
		jsii.String("handled at deploy time: legacy-sync is rolled once after its pool is applied"))
	egress.EgressWarnings_Acknowledge(legacySyncPool, jsii.String("cdk8s-egress:calicoPoolMustBeRouted"),
		jsii.String("by design: external firewalls allow 10.244.240.0/24, so the network routes it back to the nodes (Calico BGP peering)"))
	egress.EgressWarnings_Acknowledge(legacySyncPool, jsii.String("cdk8s-egress:calicoBgpConfigurationSingleton"),
		jsii.String("kept on purpose: it is the seed's own BGPConfiguration \"default\""))
	return chart
}

// BuildFixedIpSections adds the fixed-egress-IP sections (chart ids cilium-egress-gateway,
// ack-egress, calico-egress-ip).
func BuildFixedIpSections(app cdk8s.App) {
	NewCiliumEgressGatewaySection(app, "cilium-egress-gateway")
	NewAckEgressSection(app, "ack-egress")
	NewCalicoFixedEgressIpSection(app, "calico-egress-ip")
}
