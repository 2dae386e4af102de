"""The seed's Istio sections, as in examples/seed/istio.ts (see there for the differences from
the seed)."""
from cdk8s import Chart
from constructs import Construct

from cdk8s_egress import (
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
            gateway_egress_backend=EgressBackend.cilium(),
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
        allowed = EgressPolicy(
            self,
            "allowed-external",
            name="allowed-external",
            backend=EgressBackend.istio(),
            source=EgressSource.namespace("production"),
            # Istio sidecars do not intercept DNS: no DNS rule here (see the TypeScript example).
            dns=[],
        )
        allowed.allow(Destination.any_subdomain_of("googleapis.com"), Port.HTTPS)
        allowed.allow(Destination.fqdn("api.github.com"), Port.HTTPS)

        # The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
        deny_gateway = EgressGateway(
            self,
            "egress-gateway",
            name="egress-gateway",
            deny_policy_name="deny-external",
            gateway_egress_backend=EgressBackend.cilium(),
        )
        deny_gateway.deny_hosts(["*.example.com"])
        EgressWarnings.acknowledge(
            deny_gateway, "cdk8s-egress:istioGatewayAccessLogRootNamespace", ROOT_NAMESPACE_ACCESS_LOGS
        )
