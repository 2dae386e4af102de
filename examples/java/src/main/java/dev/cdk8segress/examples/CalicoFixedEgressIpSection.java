package dev.cdk8segress.examples;

import java.util.List;

import dev.cdk8segress.egress.AllowedExternalService;
import dev.cdk8segress.egress.CalicoFixedEgressIpOptions;
import dev.cdk8segress.egress.CalicoServiceAdvertisement;
import dev.cdk8segress.egress.ClusterCidrs;
import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.EgressWarnings;
import dev.cdk8segress.egress.FixedEgressIp;
import dev.cdk8segress.egress.FixedEgressIpProvider;
import dev.cdk8segress.egress.Port;
import org.cdk8s.ApiObjectMetadata;
import org.cdk8s.Chart;
import org.cdk8s.plus30.ContainerProps;
import org.cdk8s.plus30.Deployment;
import software.constructs.Construct;

/**
 * Seed section "Egress IP固定" (Calico): legacy-sync pods draw their addresses from a dedicated IP
 * pool that external firewalls can allow. Mirrors examples/seed/fixed-ip.ts.
 */
public class CalicoFixedEgressIpSection extends Chart {
    public CalicoFixedEgressIpSection(final Construct scope, final String id) {
        super(scope, id);
        Deployment legacySync = Deployment.Builder.create(this, "legacy-sync")
                .metadata(ApiObjectMetadata.builder().name("legacy-sync").namespace("production").build())
                .containers(List.of(ContainerProps.builder().name("sync").image("example/legacy-sync:1").build()))
                .build();
        // The legacy partner's firewall allows 10.244.240.0/24; production starts denied, so the
        // legacy-sync pods are allowed that partner.
        AllowedExternalService.Builder.create(this, "legacy-sync-egress")
                .name("legacy-sync-egress")
                .source(EgressSource.workload(legacySync))
                .destinations(List.of(Destination.ipv4("192.0.2.0/24")))
                .ports(List.of(Port.HTTPS))
                .backends(SeedApp.meshAndNetwork())
                .build();
        FixedEgressIp legacySyncPool = FixedEgressIp.Builder.create(this, "legacy-sync-pool")
                .name("legacy-sync-egress")
                .source(EgressSource.workload(legacySync))
                .provider(FixedEgressIpProvider.calico(CalicoFixedEgressIpOptions.builder()
                        .poolCidr("10.244.240.0/24")
                        .advertiseServices(CalicoServiceAdvertisement.builder()
                                .serviceClusterIpCidrs(List.of("10.96.0.0/12"))
                                .serviceExternalIpCidrs(List.of("203.0.113.0/24"))
                                .build())
                        .build()))
                .clusterCidrs(ClusterCidrs.builder()
                        .podCidrs(List.of("10.244.0.0/16"))
                        .serviceCidrs(List.of("10.96.0.0/12"))
                        .build())
                .build();
        EgressWarnings.acknowledge(legacySyncPool, "cdk8s-egress:calicoPoolAtPodCreation",
                "handled at deploy time: legacy-sync is rolled once after its pool is applied");
        EgressWarnings.acknowledge(legacySyncPool, "cdk8s-egress:calicoPoolMustBeRouted",
                "by design: external firewalls allow 10.244.240.0/24, so the network routes it back to the nodes (Calico BGP peering)");
        EgressWarnings.acknowledge(legacySyncPool, "cdk8s-egress:calicoBgpConfigurationSingleton",
                "kept on purpose: it is the seed's own BGPConfiguration \"default\"");
    }
}
