"""The seed's Istio sections, as in examples/seed/istio.ts (see there for the differences from
the seed)."""
from cdk8s import Chart
from constructs import Construct

from cdk8s_egress import (
    AllowedExternalService,
    Destination,
    EgressBackend,
    EgressGateway,
    EgressPolicy,
    EgressSource,
    EgressWarnings,
    Port,
)

# The seed's gateway pods are Istio's default egress gateway, in the root namespace istio-system,
# where no per-workload access-log Telemetry applies (docs/seed.md).
ROOT_NAMESPACE_ACCESS_LOGS = (
    "the seed's gateway is Istio's default one in istio-system; "
    "its access logs come from mesh-wide meshConfig.accessLogFile"
)


def backend_pods() -> EgressSource:
    return EgressSource.pods(namespace="production", labels={"app": "backend"})


class IstioEgressGatewaySection(Chart):
    """Seed section "Istio Egress Gateway": backend pods in ``production`` reach
    ``api.external.com`` on 443 only through the ``istio=egressgateway`` pods in ``istio-system``."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.gateway = EgressGateway(
            self,
            "egress-gateway",
            name="egress-gateway",
            gateway_backends=[EgressBackend.cilium()],
            # The egress audit log the seed's best practices ask for: the gateway runs in Istio's
            # root namespace, where Istio ignores a workload-scoped Telemetry, so the routed sidecars
            # log every attempt the mesh blocks or passes through instead.
            log_blocked_source_attempts=True,
        )
        # The backend pods also reach the partner range 203.0.113.0/24 directly (the NetworkPolicy
        # section); api.external.com is not in that range, so that allowance opens no way around
        # the gateway.
        EgressWarnings.acknowledge(
            self.gateway,
            "cdk8s-egress:gatewayBypass",
            "the direct allowances are partner ranges (203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24), none of which holds api.external.com",
        )
        self.gateway.add_route(
            "external-api",
            name="external-api",
            source=backend_pods(),
            destinations=[Destination.fqdn("api.external.com")],
            ports=[Port.HTTPS],
        )
        EgressWarnings.acknowledge(
            self.gateway, "cdk8s-egress:istioGatewayAccessLogRootNamespace", ROOT_NAMESPACE_ACCESS_LOGS
        )


class IstioExternalServicesSection(Chart):
    """Seed section "外部服务访问控制": the ``allowed-external`` allow-list and the
    ``deny-external`` AuthorizationPolicy."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        # The allow-list, enforced in both layers: the sidecars (ServiceEntries + REGISTRY_ONLY) and
        # the network plugin (a CiliumNetworkPolicy with toFQDNs). Under the namespace's default-deny
        # NetworkPolicy, a ServiceEntry alone would be dropped at the network layer.
        AllowedExternalService(
            self,
            "allowed-external",
            name="allowed-external",
            source=EgressSource.namespace("production"),
            destinations=[Destination.any_subdomain_of("googleapis.com"), Destination.fqdn("api.github.com")],
            ports=[Port.HTTPS],
            backends=[EgressBackend.istio(), EgressBackend.cilium()],
        )

        # REGISTRY_ONLY holds every sidecar of ``production``, so the backend pods' allowance to the
        # partner range (the NetworkPolicy section) is declared to the mesh too; the other sections
        # do the same with AllowedExternalService and both backends.
        EgressPolicy(
            self,
            "backend-partner-range",
            name="backend-partner-range",
            backends=[EgressBackend.istio()],
            source=backend_pods(),
            # Istio sidecars do not intercept DNS; DNS stays with the NetworkPolicy baseline.
            dns=[],
        ).allow(Destination.ipv4("203.0.113.0/24"), Port.HTTPS)

        # The sidecars of ``production`` must keep reaching istiod under the default deny.
        EgressPolicy(
            self,
            "istiod",
            name="allow-istiod",
            source=EgressSource.namespace("production"),
            dns=[],
        ).allow(Destination.pods(namespace="istio-system", labels={"app": "istiod"}), Port.tcp(15012))

        # The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
        deny_gateway = EgressGateway(
            self,
            "egress-gateway",
            name="egress-gateway",
            deny_policy_name="deny-external",
            gateway_backends=[EgressBackend.cilium()],
        )
        deny_gateway.deny_hosts(["*.example.com"])
        EgressWarnings.acknowledge(
            deny_gateway, "cdk8s-egress:istioGatewayAccessLogRootNamespace", ROOT_NAMESPACE_ACCESS_LOGS
        )
