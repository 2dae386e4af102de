package dev.cdk8segress.examples;

import java.util.List;
import java.util.Map;

import dev.cdk8segress.egress.Destination;
import dev.cdk8segress.egress.EgressBackend;
import dev.cdk8segress.egress.EgressGateway;
import dev.cdk8segress.egress.EgressRouteOptions;
import dev.cdk8segress.egress.EgressSource;
import dev.cdk8segress.egress.EgressWarnings;
import dev.cdk8segress.egress.PodsSourceProps;
import dev.cdk8segress.egress.Port;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * Seed section "Istio Egress Gateway": backend pods in {@code production} reach
 * {@code api.external.com} on 443 only through the {@code istio=egressgateway} pods in
 * {@code istio-system}. Mirrors examples/seed/istio.ts.
 */
public class IstioEgressGatewaySection extends Chart {
    /**
     * The seed's gateway pods are Istio's default egress gateway, in the root namespace
     * {@code istio-system}, where no per-workload access-log Telemetry applies (docs/seed.md).
     */
    static final String ROOT_NAMESPACE_ACCESS_LOGS =
            "the seed's gateway is Istio's default one in istio-system; its access logs come from mesh-wide meshConfig.accessLogFile";

    /** The egress gateway. */
    public final EgressGateway gateway;

    public IstioEgressGatewaySection(final Construct scope, final String id) {
        super(scope, id);
        gateway = EgressGateway.Builder.create(this, "egress-gateway")
                .name("egress-gateway")
                .gatewayBackends(List.of(EgressBackend.cilium()))
                // The egress audit log the seed's best practices ask for: the gateway runs in Istio's
                // root namespace, where Istio ignores a workload-scoped Telemetry, so the routed
                // sidecars log every attempt the mesh blocks or passes through instead.
                .logBlockedSourceAttempts(true)
                .build();
        // The backend pods also reach the partner range 203.0.113.0/24 directly (the NetworkPolicy
        // section); api.external.com is not in that range, so that allowance opens no way around the
        // gateway.
        EgressWarnings.acknowledge(gateway, "cdk8s-egress:gatewayBypass",
                "the direct allowances are partner ranges (203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24), none of which holds api.external.com");
        gateway.addRoute("external-api", EgressRouteOptions.builder()
                .name("external-api")
                .source(backendPods())
                .destinations(List.of(Destination.fqdn("api.external.com")))
                .ports(List.of(Port.HTTPS))
                .build());
        EgressWarnings.acknowledge(gateway, "cdk8s-egress:istioGatewayAccessLogRootNamespace", ROOT_NAMESPACE_ACCESS_LOGS);
    }

    static EgressSource backendPods() {
        return EgressSource.pods(PodsSourceProps.builder()
                .namespace("production").labels(Map.of("app", "backend")).build());
    }
}
