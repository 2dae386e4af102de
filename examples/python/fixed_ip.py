"""The seed's fixed-egress-IP sections ("Cilium Egress Gateway", "ACK NAT Gateway" / "ACK出站方案",
"Egress IP固定"), as in examples/seed/fixed-ip.ts (see there for the differences from the seed)."""
from cdk8s import App, Chart, Duration
from constructs import Construct
import cdk8s_plus_30 as kplus

from cdk8s_egress import (
    AlibabaEipReleaseStrategy,
    AllowedExternalService,
    CiliumEgressGatewayValues,
    Destination,
    EgressBackend,
    EgressSource,
    EgressWarnings,
    FixedEgressIp,
    FixedEgressIpProvider,
    Port,
    TerwayEniType,
)

# ``production`` runs under a default deny (NetworkPolicy) and a REGISTRY_ONLY sidecar (Istio): a
# workload's own external allowance goes to both layers.
MESH_AND_NETWORK = [EgressBackend.kubernetes(), EgressBackend.istio()]


class CiliumEgressGatewaySection(Chart):
    """Seed section "Cilium Egress Gateway": api-client pods in ``production`` reach 203.0.113.0/24
    through the node labelled ``egress-gateway=true``, SNATed to 10.0.0.100."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        CiliumEgressGatewayValues(self, "cilium-egress", name="cilium-egress")
        api_client = EgressSource.pods(namespace="production", labels={"app": "api-client"})
        # ``production`` starts denied (app.py): the api-client pods need their own allowance to the
        # range the gateway carries, or the egress gateway would carry nothing.
        AllowedExternalService(
            self,
            "api-client-egress",
            name="api-client-egress",
            source=api_client,
            destinations=[Destination.ipv4("203.0.113.0/24")],
            ports=[Port.HTTPS],
            backends=MESH_AND_NETWORK,
        )
        egress_external_api = FixedEgressIp(
            self,
            "egress-external-api",
            name="egress-external-api",
            source=api_client,
            destinations=[Destination.ipv4("203.0.113.0/24")],
            provider=FixedEgressIpProvider.cilium(
                node_selector={"egress-gateway": "true"}, egress_ip="10.0.0.100"
            ),
        )
        EgressWarnings.acknowledge(
            egress_external_api,
            "cdk8s-egress:ciliumEgressNoHa",
            "the seed names one gateway node (egress-gateway=true); open-source Cilium has no gateway failover",
        )
        EgressWarnings.acknowledge(
            egress_external_api,
            "cdk8s-egress:ciliumEgressNoGatewayDrops",
            "labelling the gateway node and assigning 10.0.0.100 to it are node setup, done outside this app",
        )
        EgressWarnings.acknowledge(
            egress_external_api,
            "cdk8s-egress:ciliumEgressIncompatibleFeatures",
            "the cilium-egress values enable what the gateway needs; the features it excludes are cluster prerequisites",
        )
        EgressWarnings.acknowledge(
            egress_external_api,
            "cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections",
            "inherent to the Cilium egress gateway: changing the gateway node is planned maintenance",
        )
        EgressWarnings.acknowledge(
            egress_external_api,
            "cdk8s-egress:ciliumEgressNewPodDelay",
            "inherent to the Cilium egress gateway; nothing in this app can shorten it",
        )


class AckEgressSection(Chart):
    """Seed sections "ACK NAT Gateway" and "ACK出站方案": a pod EIP, an EIP kept across restarts
    for a StatefulSet, and a Trunk-ENI PodNetworking behind the VPC NAT gateway's SNAT."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        nat_enabled = kplus.Deployment(
            self,
            "nat-enabled",
            metadata={"name": "nat-enabled", "namespace": "default"},
            replicas=1,
            containers=[kplus.ContainerProps(name="app", image="myapp")],
        )
        nat_enabled_eip = FixedEgressIp(
            self,
            "nat-enabled-eip",
            source=EgressSource.workload(nat_enabled),
            provider=FixedEgressIpProvider.alibaba_eip(bandwidth=5),
        )
        EgressWarnings.acknowledge(
            nat_enabled_eip,
            "cdk8s-egress:ackEipNotFixed",
            "like the seed's nat-enabled pod, the EIP lives as long as the pod; ledger-eip shows an address kept across restarts",
        )

        ledger = kplus.StatefulSet(
            self,
            "ledger",
            metadata={"name": "ledger", "namespace": "production"},
            replicas=2,
            containers=[kplus.ContainerProps(name="ledger", image="example/ledger:1")],
            service=kplus.Service(
                self,
                "ledger-headless",
                metadata={"name": "ledger", "namespace": "production"},
                cluster_ip="None",
                ports=[kplus.ServicePort(port=8080)],
            ),
        )
        # The ledger's partner allow-lists its EIPs; ``production`` starts denied, so the ledger pods
        # are allowed that partner.
        AllowedExternalService(
            self,
            "ledger-egress",
            name="ledger-egress",
            source=EgressSource.workload(ledger),
            destinations=[Destination.ipv4("198.51.100.0/24")],
            ports=[Port.HTTPS],
            backends=MESH_AND_NETWORK,
        )
        ledger_eip = FixedEgressIp(
            self,
            "ledger-eip",
            source=EgressSource.workload(ledger),
            provider=FixedEgressIpProvider.alibaba_eip(
                release_strategy=AlibabaEipReleaseStrategy.after(Duration.minutes(10))
            ),
        )
        EgressWarnings.acknowledge(
            ledger_eip,
            "cdk8s-egress:ackEipPerPod",
            "one EIP per ledger replica, kept across restarts, is what this section shows; report-uploader-snat shows one shared address",
        )

        uploader = EgressSource.pods(namespace="production", labels={"app": "report-uploader"})
        AllowedExternalService(
            self,
            "report-uploader-egress",
            name="report-uploader-egress",
            source=uploader,
            destinations=[Destination.ipv4("198.51.100.0/24")],
            ports=[Port.HTTPS],
            backends=MESH_AND_NETWORK,
        )
        report_uploader_snat = FixedEgressIp(
            self,
            "report-uploader-snat",
            name="report-uploader-egress",
            source=uploader,
            provider=FixedEgressIpProvider.alibaba_pod_networking(
                v_switch_ids=["vsw-egresszonea", "vsw-egresszoneb"],
                security_group_ids=["sg-egressuploader"],
                eni_type=TerwayEniType.TRUNK,
            ),
        )
        EgressWarnings.acknowledge(
            report_uploader_snat,
            "cdk8s-egress:ackSnatEntryRequired",
            "the SNAT entries of vsw-egresszonea and vsw-egresszoneb are VPC configuration, made outside Kubernetes",
        )
        EgressWarnings.acknowledge(
            report_uploader_snat,
            "cdk8s-egress:ackPodNetworkingAtPodCreation",
            "handled at deploy time: the PodNetworking is applied before the report-uploader pods start, and pods that predate it are recreated once",
        )


class CalicoFixedEgressIpSection(Chart):
    """Seed section "Egress IP固定" (Calico): legacy-sync pods draw their addresses from a
    dedicated IP pool that external firewalls can allow."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        legacy_sync = kplus.Deployment(
            self,
            "legacy-sync",
            metadata={"name": "legacy-sync", "namespace": "production"},
            containers=[kplus.ContainerProps(name="sync", image="example/legacy-sync:1")],
        )
        # The legacy partner's firewall allows 10.244.240.0/24; ``production`` starts denied, so the
        # legacy-sync pods are allowed that partner.
        AllowedExternalService(
            self,
            "legacy-sync-egress",
            name="legacy-sync-egress",
            source=EgressSource.workload(legacy_sync),
            destinations=[Destination.ipv4("192.0.2.0/24")],
            ports=[Port.HTTPS],
            backends=MESH_AND_NETWORK,
        )
        legacy_sync_pool = FixedEgressIp(
            self,
            "legacy-sync-pool",
            name="legacy-sync-egress",
            source=EgressSource.workload(legacy_sync),
            provider=FixedEgressIpProvider.calico(
                pool_cidr="10.244.240.0/24",
                advertise_services={
                    "service_cluster_ip_cidrs": ["10.96.0.0/12"],
                    "service_external_ip_cidrs": ["203.0.113.0/24"],
                },
            ),
            cluster_cidrs={"pod_cidrs": ["10.244.0.0/16"], "service_cidrs": ["10.96.0.0/12"]},
        )
        EgressWarnings.acknowledge(
            legacy_sync_pool,
            "cdk8s-egress:calicoPoolAtPodCreation",
            "handled at deploy time: legacy-sync is rolled once after its pool is applied",
        )
        EgressWarnings.acknowledge(
            legacy_sync_pool,
            "cdk8s-egress:calicoPoolMustBeRouted",
            "by design: external firewalls allow 10.244.240.0/24, so the network routes it back to the nodes (Calico BGP peering)",
        )
        EgressWarnings.acknowledge(
            legacy_sync_pool,
            "cdk8s-egress:calicoBgpConfigurationSingleton",
            'kept on purpose: it is the seed\'s own BGPConfiguration "default"',
        )


def build_fixed_ip_sections(app: App) -> None:
    """Adds the fixed-egress-IP sections (chart ids ``cilium-egress-gateway``, ``ack-egress``,
    ``calico-egress-ip``)."""
    CiliumEgressGatewaySection(app, "cilium-egress-gateway")
    AckEgressSection(app, "ack-egress")
    CalicoFixedEgressIpSection(app, "calico-egress-ip")
