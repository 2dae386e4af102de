package dev.cdk8segress.examples;

import java.util.List;
import java.util.Map;

import dev.cdk8segress.egress.AllowedExternalService;
import dev.cdk8segress.egress.CiliumEgressGatewayValues;
import dev.cdk8segress.egress.CiliumFixedEgressIpOptions;
import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.EgressWarnings;
import dev.cdk8segress.egress.FixedEgressIp;
import dev.cdk8segress.egress.FixedEgressIpProvider;
import dev.cdk8segress.egress.PodsSourceProps;
import dev.cdk8segress.egress.Port;
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
        EgressSource apiClient = EgressSource.pods(PodsSourceProps.builder()
                .namespace("production").labels(Map.of("app", "api-client")).build());
        // production starts denied (SeedApp): the api-client pods need their own allowance
        // to the range the gateway carries, or the egress gateway would carry nothing.
        AllowedExternalService.Builder.create(this, "api-client-egress")
                .name("api-client-egress")
                .source(apiClient)
                .destinations(List.of(Destination.ipv4("203.0.113.0/24")))
                .ports(List.of(Port.HTTPS))
                .backends(SeedApp.meshAndNetwork())
                .build();
        FixedEgressIp egressExternalApi = FixedEgressIp.Builder.create(this, "egress-external-api")
                .name("egress-external-api")
                .source(apiClient)
                .destinations(List.of(Destination.ipv4("203.0.113.0/24")))
                .provider(FixedEgressIpProvider.cilium(CiliumFixedEgressIpOptions.builder()
                        .nodeSelector(Map.of("egress-gateway", "true"))
                        .egressIp("10.0.0.100")
                        .build()))
                .build();
        EgressWarnings.acknowledge(egressExternalApi, "cdk8s-egress:ciliumEgressNoHa",
                "the seed names one gateway node (egress-gateway=true); open-source Cilium has no gateway failover");
        EgressWarnings.acknowledge(egressExternalApi, "cdk8s-egress:ciliumEgressNoGatewayDrops",
                "labelling the gateway node and assigning 10.0.0.100 to it are node setup, done outside this app");
        EgressWarnings.acknowledge(egressExternalApi, "cdk8s-egress:ciliumEgressIncompatibleFeatures",
                "the cilium-egress values enable what the gateway needs; the features it excludes are cluster prerequisites");
        EgressWarnings.acknowledge(egressExternalApi, "cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections",
                "inherent to the Cilium egress gateway: changing the gateway node is planned maintenance");
        EgressWarnings.acknowledge(egressExternalApi, "cdk8s-egress:ciliumEgressNewPodDelay",
                "inherent to the Cilium egress gateway; nothing in this app can shorten it");
    }
}
