package dev.cdk8segress.examples;

import java.util.List;

import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressBackend;
import dev.cdk8segress.egress.EgressGateway;
import dev.cdk8segress.egress.EgressPolicy;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.EgressWarnings;
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
        EgressPolicy allowed = EgressPolicy.Builder.create(this, "allowed-external")
                .name("allowed-external")
                .backend(EgressBackend.istio())
                .source(EgressSource.namespace("production"))
                // Istio sidecars do not intercept DNS: no DNS rule here (see the TypeScript example).
                .dns(List.of())
                .build();
        allowed.allow(Destination.anySubdomainOf("googleapis.com"), Port.HTTPS);
        allowed.allow(Destination.fqdn("api.github.com"), Port.HTTPS);

        // The deny list belongs to the same gateway pods (istio=egressgateway in istio-system).
        EgressGateway denyGateway = EgressGateway.Builder.create(this, "egress-gateway")
                .name("egress-gateway")
                .denyPolicyName("deny-external")
                .gatewayEgressBackend(EgressBackend.cilium())
                .build();
        denyGateway.denyHosts(List.of("*.example.com"));
        EgressWarnings.acknowledge(denyGateway, "cdk8s-egress:istioGatewayAccessLogRootNamespace",
                IstioEgressGatewaySection.ROOT_NAMESPACE_ACCESS_LOGS);
    }
}
