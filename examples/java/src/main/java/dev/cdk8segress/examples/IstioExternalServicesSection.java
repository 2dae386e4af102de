package dev.cdk8segress.examples;

import java.util.List;
import java.util.Map;

import dev.cdk8segress.egress.AllowedExternalService;
import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressBackend;
import dev.cdk8segress.egress.EgressGateway;
import dev.cdk8segress.egress.EgressPolicy;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.EgressWarnings;
import dev.cdk8segress.egress.PodsDestinationProps;
import dev.cdk8segress.egress.Port;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * Seed section "外部服务访问控制": the {@code allowed-external} allow-list and the
 * {@code deny-external} AuthorizationPolicy. Mirrors examples/seed/istio.ts.
 */
public class IstioExternalServicesSection extends Chart {
    public IstioExternalServicesSection(final Construct scope, final String id) {
        super(scope, id);
        // The allow-list, enforced in both layers: the sidecars (ServiceEntries + REGISTRY_ONLY) and
        // the network plugin (a CiliumNetworkPolicy with toFQDNs). Under the namespace's default-deny
        // NetworkPolicy, a ServiceEntry alone would be dropped at the network layer.
        AllowedExternalService.Builder.create(this, "allowed-external")
                .name("allowed-external")
                .source(EgressSource.namespace("production"))
                .destinations(List.of(Destination.anySubdomainOf("googleapis.com"), Destination.fqdn("api.github.com")))
                .ports(List.of(Port.HTTPS))
                .backends(List.of(EgressBackend.istio(), EgressBackend.cilium()))
                .build();

        // REGISTRY_ONLY holds every sidecar of production, so the backend pods' allowance to the
        // partner range (the NetworkPolicy section) is declared to the mesh too; the other sections
        // do the same with AllowedExternalService and both backends.
        EgressPolicy.Builder.create(this, "backend-partner-range")
                .name("backend-partner-range")
                .backends(List.of(EgressBackend.istio()))
                .source(IstioEgressGatewaySection.backendPods())
                // Istio sidecars do not intercept DNS; DNS stays with the NetworkPolicy baseline.
                .dns(List.of())
                .build()
                .allow(Destination.ipv4("203.0.113.0/24"), Port.HTTPS);

        // The sidecars of production must keep reaching istiod under the default deny.
        EgressPolicy.Builder.create(this, "istiod")
                .name("allow-istiod")
                .source(EgressSource.namespace("production"))
                .dns(List.of())
                .build()
                .allow(Destination.pods(PodsDestinationProps.builder()
                        .namespace("istio-system").labels(Map.of("app", "istiod")).build()), Port.tcp(15012));

        // The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
        EgressGateway denyGateway = EgressGateway.Builder.create(this, "egress-gateway")
                .name("egress-gateway")
                .denyPolicyName("deny-external")
                .gatewayBackends(List.of(EgressBackend.cilium()))
                .build();
        denyGateway.denyHosts(List.of("*.example.com"));
        EgressWarnings.acknowledge(denyGateway, "cdk8s-egress:istioGatewayAccessLogRootNamespace",
                IstioEgressGatewaySection.ROOT_NAMESPACE_ACCESS_LOGS);
    }
}
