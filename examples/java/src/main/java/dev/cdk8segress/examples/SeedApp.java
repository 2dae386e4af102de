package dev.cdk8segress.examples;

import java.util.List;

import dev.cdk8segress.egress.EgressBackend;
import dev.cdk8segress.egress.EgressWarnings;
import dev.cdk8segress.egress.IEgressBackend;
import org.cdk8s.App;

/** The seed's egress scenarios, section by section (examples/seed/app.ts). */
public final class SeedApp {
    private SeedApp() {
    }

    /**
     * {@code production} runs under a default deny (NetworkPolicy) and a REGISTRY_ONLY sidecar
     * (Istio): a workload's own external allowance goes to both layers (MESH_AND_NETWORK in
     * examples/seed/fixed-ip.ts).
     */
    static List<IEgressBackend> meshAndNetwork() {
        return List.of(EgressBackend.kubernetes(), EgressBackend.istio());
    }

    /**
     * {@code production} runs Istio sidecars under a REGISTRY_ONLY allow-list and, beneath it, the
     * NetworkPolicy default deny; what the Istio backend warns about in that design is acknowledged
     * once, for the app (as in examples/seed/app.ts).
     */
    static void acknowledgeMeshDesign(final App app) {
        EgressWarnings.acknowledge(app, "cdk8s-egress:istioAmbientRegistryOnly",
                "production runs Istio sidecars, as the seed's Istio sections assume; it is not an ambient-mode namespace");
        EgressWarnings.acknowledge(app, "cdk8s-egress:istioRegistryOnlyBypassable",
                "every production allowance is enforced by the network layer too (the default-deny baseline "
                + "and a NetworkPolicy or CiliumNetworkPolicy per allowance), which holds pods that bypass the sidecar");
        EgressWarnings.acknowledge(app, "cdk8s-egress:istioNamespaceScope",
                "by design: the mesh allow-list of production is namespace-wide; each workload's own limit is its NetworkPolicy");
    }

    /** Adds every seed section to {@code app}. */
    public static void buildSeedApp(final App app) {
        acknowledgeMeshDesign(app);
        new NetworkPolicySection(app, "networkpolicy");
        // Seed sections "Cilium Egress Gateway", "ACK NAT Gateway", "Egress IP固定" (Calico), "ACK出站方案"
        buildFixedIpSections(app);
        // Seed sections "Istio Egress Gateway" and "外部服务访问控制"
        new IstioEgressGatewaySection(app, "istio-egress-gateway");
        new IstioExternalServicesSection(app, "external-services");
        // Seed sections "Egress监控" and "最佳实践" (alerting): declared last, it watches everything above
        new MonitoringSection(app, "monitoring");
    }

    /** Adds the fixed-egress-IP sections (chart ids cilium-egress-gateway, ack-egress, calico-egress-ip). */
    public static void buildFixedIpSections(final App app) {
        new CiliumEgressGatewaySection(app, "cilium-egress-gateway");
        new AckEgressSection(app, "ack-egress");
        new CalicoFixedEgressIpSection(app, "calico-egress-ip");
    }
}
