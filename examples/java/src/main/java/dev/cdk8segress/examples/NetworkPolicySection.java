package dev.cdk8segress.examples;

import java.util.Map;

import dev.cdk8segress.egress.DefaultDenyEgress;
import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressPolicy;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.PodsDestinationProps;
import dev.cdk8segress.egress.PodsSourceProps;
import dev.cdk8segress.egress.Port;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * Seed section "NetworkPolicy Egress规则": backend pods in {@code production} may reach the database
 * on TCP 5432, cluster DNS, and 203.0.113.0/24 on TCP 443. Nothing else.
 * Mirrors {@code NetworkPolicySection} in examples/seed/app.ts.
 */
public class NetworkPolicySection extends Chart {
    public NetworkPolicySection(final Construct scope, final String id) {
        super(scope, id);

        EgressPolicy backend = EgressPolicy.Builder.create(this, "egress-control")
                .name("egress-control")
                .source(EgressSource.pods(PodsSourceProps.builder()
                        .namespace("production")
                        .labels(Map.of("app", "backend"))
                        .build()))
                .build();
        backend.allow(Destination.pods(PodsDestinationProps.builder()
                .labels(Map.of("app", "database"))
                .build()), Port.POSTGRES);
        backend.allow(Destination.ipv4("203.0.113.0/24"), Port.HTTPS);

        // Least privilege: everything else in the namespace starts denied, with DNS kept open.
        DefaultDenyEgress.Builder.create(this, "baseline")
                .name("default-deny-egress")
                .source(EgressSource.namespace("production"))
                .build();
    }
}
