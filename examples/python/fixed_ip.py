"""The seed's fixed-egress-IP sections ("Cilium Egress Gateway", "ACK NAT Gateway" / "ACK出站方案",
"Egress IP固定"), as in examples/seed/fixed-ip.ts (see there for the differences from the seed)."""
from cdk8s import App, Chart, Duration
from constructs import Construct
import cdk8s_plus_30 as kplus

from cdk8s_egress import (
    AlibabaEipReleaseStrategy,
    CiliumEgressGatewayValues,
    Destination,
    EgressSource,
    FixedEgressIp,
    FixedEgressIpProvider,
    TerwayEniType,
)


class CiliumEgressGatewaySection(Chart):
    """Seed section "Cilium Egress Gateway": api-client pods in ``production`` reach 203.0.113.0/24
    through the node labelled ``egress-gateway=true``, SNATed to 10.0.0.100."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        CiliumEgressGatewayValues(self, "cilium-egress", name="cilium-egress")
        FixedEgressIp(
            self,
            "egress-external-api",
            name="egress-external-api",
            sources=[EgressSource.pods(namespace="production", labels={"app": "api-client"})],
            destinations=[Destination.ipv4("203.0.113.0/24")],
            provider=FixedEgressIpProvider.cilium(
                node_selector={"egress-gateway": "true"}, egress_ip="10.0.0.100"
            ),
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
        FixedEgressIp(
            self,
            "nat-enabled-eip",
            sources=[EgressSource.workload(nat_enabled)],
            provider=FixedEgressIpProvider.alibaba_eip(bandwidth=5),
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
        FixedEgressIp(
            self,
            "ledger-eip",
            sources=[EgressSource.workload(ledger)],
            provider=FixedEgressIpProvider.alibaba_eip(
                release_strategy=AlibabaEipReleaseStrategy.after(Duration.minutes(10))
            ),
        )

        FixedEgressIp(
            self,
            "report-uploader-snat",
            name="report-uploader-egress",
            sources=[EgressSource.pods(namespace="production", labels={"app": "report-uploader"})],
            provider=FixedEgressIpProvider.alibaba_pod_networking(
                v_switch_ids=["vsw-egresszonea", "vsw-egresszoneb"],
                security_group_ids=["sg-egressuploader"],
                eni_type=TerwayEniType.TRUNK,
            ),
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
        FixedEgressIp(
            self,
            "legacy-sync-pool",
            name="legacy-sync-egress",
            sources=[EgressSource.workload(legacy_sync)],
            provider=FixedEgressIpProvider.calico(
                pool_cidr="10.244.240.0/24",
                advertise_services={
                    "service_cluster_ip_cidrs": ["10.96.0.0/12"],
                    "service_external_ip_cidrs": ["203.0.113.0/24"],
                },
            ),
            cluster_cidrs={"pod_cidrs": ["10.244.0.0/16"], "service_cidrs": ["10.96.0.0/12"]},
        )


def build_fixed_ip_sections(app: App) -> None:
    """Adds the fixed-egress-IP sections (chart ids ``cilium-egress-gateway``, ``ack-egress``,
    ``calico-egress-ip``)."""
    CiliumEgressGatewaySection(app, "cilium-egress-gateway")
    AckEgressSection(app, "ack-egress")
    CalicoFixedEgressIpSection(app, "calico-egress-ip")
