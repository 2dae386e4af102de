"""The seed's egress scenarios expressed with cdk8s-egress, in Python.

Mirrors examples/seed/app.ts section by section (one ``Chart`` subclass per section, registered in
``build_seed_app``); scripts/parity.sh checks that both write byte-identical YAML.
"""
from cdk8s import App, Chart
from constructs import Construct

from cdk8s_egress import DefaultDenyEgress, Destination, EgressPolicy, EgressSource, EgressWarnings, Port
from fixed_ip import build_fixed_ip_sections
from istio import IstioEgressGatewaySection, IstioExternalServicesSection
from monitoring import MonitoringSection


class NetworkPolicySection(Chart):
    """Seed section "NetworkPolicy Egress规则": backend pods in ``production`` may reach the
    database on TCP 5432, cluster DNS, and 203.0.113.0/24 on TCP 443. Nothing else."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        backend = EgressPolicy(
            self,
            "egress-control",
            name="egress-control",
            source=EgressSource.pods(namespace="production", labels={"app": "backend"}),
        )
        backend.allow(Destination.pods(labels={"app": "database"}), Port.POSTGRES)
        backend.allow(Destination.ipv4("203.0.113.0/24"), Port.HTTPS)

        # Least privilege: everything else in the namespace starts denied, with DNS kept open.
        DefaultDenyEgress(
            self,
            "baseline",
            name="default-deny-egress",
            source=EgressSource.namespace("production"),
        )


def acknowledge_mesh_design(app: App) -> None:
    """``production`` runs Istio sidecars under a REGISTRY_ONLY allow-list and, beneath it, the
    NetworkPolicy default deny; what the Istio backend warns about in that design is acknowledged
    once, for the app (as in examples/seed/app.ts)."""
    EgressWarnings.acknowledge(
        app,
        "cdk8s-egress:istioAmbientRegistryOnly",
        "production runs Istio sidecars, as the seed's Istio sections assume; it is not an ambient-mode namespace",
    )
    EgressWarnings.acknowledge(
        app,
        "cdk8s-egress:istioRegistryOnlyBypassable",
        "every production allowance is enforced by the network layer too (the default-deny baseline "
        "and a NetworkPolicy or CiliumNetworkPolicy per allowance), which holds pods that bypass the sidecar",
    )
    EgressWarnings.acknowledge(
        app,
        "cdk8s-egress:istioNamespaceScope",
        "by design: the mesh allow-list of production is namespace-wide; each workload's own limit is its NetworkPolicy",
    )


def build_seed_app(app: App) -> None:
    """Adds every seed section to ``app``."""
    acknowledge_mesh_design(app)
    NetworkPolicySection(app, "networkpolicy")
    # Seed sections "Cilium Egress Gateway", "ACK NAT Gateway", "Egress IP固定" (Calico), "ACK出站方案"
    build_fixed_ip_sections(app)
    # Seed sections "Istio Egress Gateway" and "外部服务访问控制"
    IstioEgressGatewaySection(app, "istio-egress-gateway")
    IstioExternalServicesSection(app, "external-services")
    # Seed sections "Egress监控" and "最佳实践" (alerting): declared last, it watches everything above
    MonitoringSection(app, "monitoring")
