package dev.cdk8segress.examples;

import java.util.List;
import java.util.Map;

import dev.cdk8segress.egress.AlibabaEipOptions;
import dev.cdk8segress.egress.AlibabaEipReleaseStrategy;
import dev.cdk8segress.egress.AlibabaPodNetworkingOptions;
import dev.cdk8segress.egress.AllowedExternalService;
import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.EgressWarnings;
import dev.cdk8segress.egress.FixedEgressIp;
import dev.cdk8segress.egress.FixedEgressIpProvider;
import dev.cdk8segress.egress.PodsSourceProps;
import dev.cdk8segress.egress.Port;
import dev.cdk8segress.egress.TerwayEniType;
import org.cdk8s.ApiObjectMetadata;
import org.cdk8s.Chart;
import org.cdk8s.Duration;
import org.cdk8s.plus30.ContainerProps;
import org.cdk8s.plus30.Deployment;
import org.cdk8s.plus30.Service;
import org.cdk8s.plus30.ServicePort;
import org.cdk8s.plus30.StatefulSet;
import software.constructs.Construct;

/**
 * Seed sections "ACK NAT Gateway" and "ACK出站方案": a pod EIP, an EIP kept across restarts for a
 * StatefulSet, and a Trunk-ENI PodNetworking behind the VPC NAT gateway's SNAT.
 * Mirrors examples/seed/fixed-ip.ts.
 */
public class AckEgressSection extends Chart {
    public AckEgressSection(final Construct scope, final String id) {
        super(scope, id);
        Deployment natEnabled = Deployment.Builder.create(this, "nat-enabled")
                .metadata(ApiObjectMetadata.builder().name("nat-enabled").namespace("default").build())
                .replicas(1)
                .containers(List.of(ContainerProps.builder().name("app").image("myapp").build()))
                .build();
        FixedEgressIp natEnabledEip = FixedEgressIp.Builder.create(this, "nat-enabled-eip")
                .source(EgressSource.workload(natEnabled))
                .provider(FixedEgressIpProvider.alibabaEip(AlibabaEipOptions.builder().bandwidth(5).build()))
                .build();
        EgressWarnings.acknowledge(natEnabledEip, "cdk8s-egress:ackEipNotFixed",
                "like the seed's nat-enabled pod, the EIP lives as long as the pod; ledger-eip shows an address kept across restarts");

        StatefulSet ledger = StatefulSet.Builder.create(this, "ledger")
                .metadata(ApiObjectMetadata.builder().name("ledger").namespace("production").build())
                .replicas(2)
                .containers(List.of(ContainerProps.builder().name("ledger").image("example/ledger:1").build()))
                .service(Service.Builder.create(this, "ledger-headless")
                        .metadata(ApiObjectMetadata.builder().name("ledger").namespace("production").build())
                        .clusterIp("None")
                        .ports(List.of(ServicePort.builder().port(8080).build()))
                        .build())
                .build();
        // The ledger's partner allow-lists its EIPs; production starts denied, so the ledger pods
        // are allowed that partner.
        AllowedExternalService.Builder.create(this, "ledger-egress")
                .name("ledger-egress")
                .source(EgressSource.workload(ledger))
                .destinations(List.of(Destination.ipv4("198.51.100.0/24")))
                .ports(List.of(Port.HTTPS))
                .backends(SeedApp.meshAndNetwork())
                .build();
        FixedEgressIp ledgerEip = FixedEgressIp.Builder.create(this, "ledger-eip")
                .source(EgressSource.workload(ledger))
                .provider(FixedEgressIpProvider.alibabaEip(AlibabaEipOptions.builder()
                        .releaseStrategy(AlibabaEipReleaseStrategy.after(Duration.minutes(10)))
                        .build()))
                .build();
        EgressWarnings.acknowledge(ledgerEip, "cdk8s-egress:ackEipPerPod",
                "one EIP per ledger replica, kept across restarts, is what this section shows; report-uploader-snat shows one shared address");

        EgressSource uploader = EgressSource.pods(PodsSourceProps.builder()
                .namespace("production").labels(Map.of("app", "report-uploader")).build());
        AllowedExternalService.Builder.create(this, "report-uploader-egress")
                .name("report-uploader-egress")
                .source(uploader)
                .destinations(List.of(Destination.ipv4("198.51.100.0/24")))
                .ports(List.of(Port.HTTPS))
                .backends(SeedApp.meshAndNetwork())
                .build();
        FixedEgressIp reportUploaderSnat = FixedEgressIp.Builder.create(this, "report-uploader-snat")
                .name("report-uploader-egress")
                .source(uploader)
                .provider(FixedEgressIpProvider.alibabaPodNetworking(AlibabaPodNetworkingOptions.builder()
                        .vSwitchIds(List.of("vsw-egresszonea", "vsw-egresszoneb"))
                        .securityGroupIds(List.of("sg-egressuploader"))
                        .eniType(TerwayEniType.TRUNK)
                        .build()))
                .build();
        EgressWarnings.acknowledge(reportUploaderSnat, "cdk8s-egress:ackSnatEntryRequired",
                "the SNAT entries of vsw-egresszonea and vsw-egresszoneb are VPC configuration, made outside Kubernetes");
        EgressWarnings.acknowledge(reportUploaderSnat, "cdk8s-egress:ackPodNetworkingAtPodCreation",
                "handled at deploy time: the PodNetworking is applied before the report-uploader pods start, and pods that predate it are recreated once");
    }
}
