package dev.cdk8segress.examples;

import java.util.List;
import java.util.Map;

import dev.cdk8segress.egress.CiliumEgressGatewayValues;
import dev.cdk8segress.egress.CiliumFixedEgressIpOptions;
import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.FixedEgressIp;
import dev.cdk8segress.egress.FixedEgressIpProvider;
import dev.cdk8segress.egress.PodsSourceProps;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * Seed section "Cilium Egress Gateway": api-client pods in {@code production} reach 203.0.113.0/24
 * through the node labelled {@code egress-gateway=true}, SNATed to 10.0.0.100.
 * Mirrors examples/seed/fixed-ip.ts.
 */
public class CiliumEgressGatewaySection extends Chart {
    public CiliumEgressGatewaySection(final Construct scope, final String id) {
        super(scope, id);
        CiliumEgressGatewayValues.Builder.create(this, "cilium-egress").name("cilium-egress").build();
        FixedEgressIp.Builder.create(this, "egress-external-api")
                .name("egress-external-api")
                .sources(List.of(EgressSource.pods(PodsSourceProps.builder()
                        .namespace("production").labels(Map.of("app", "api-client")).build())))
                .destinations(List.of(Destination.ipv4("203.0.113.0/24")))
                .provider(FixedEgressIpProvider.cilium(CiliumFixedEgressIpOptions.builder()
                        .nodeSelector(Map.of("egress-gateway", "true"))
                        .egressIp("10.0.0.100")
                        .build()))
                .build();
    }
}
