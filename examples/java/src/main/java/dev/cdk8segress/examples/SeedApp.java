package dev.cdk8segress.examples;

import org.cdk8s.App;

/** The seed's egress scenarios, section by section (examples/seed/app.ts). */
public final class SeedApp {
    private SeedApp() {
    }

    /** Adds every seed section to {@code app}. */
    public static void buildSeedApp(final App app) {
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
