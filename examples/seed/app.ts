// The seed's egress scenarios expressed with cdk8s-egress. In your own project, import from
// 'cdk8s-egress' instead of '../../src'.
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { buildFixedIpSections } from './fixed-ip';
import { IstioEgressGatewaySection, IstioExternalServicesSection } from './istio';
import { MonitoringSection } from './monitoring';
import { DefaultDenyEgress, Destination, EgressPolicy, EgressSource, EgressWarnings, Port } from '../../src';

/**
 * Seed section "NetworkPolicy Egress规则": backend pods in `production` may reach the database
 * on TCP 5432, cluster DNS, and 203.0.113.0/24 on TCP 443. Nothing else.
 *
 * Differences from the seed's hand-written YAML, on purpose:
 * - DNS is allowed on UDP **and** TCP 53 (the seed allows UDP only; truncated answers need TCP).
 * - kube-dns is selected in `kube-system` by name, not with `namespaceSelector: {}` (which would
 *   send DNS to any pod labelled `k8s-app: kube-dns` in any namespace).
 */
export class NetworkPolicySection extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const backend = new EgressPolicy(this, 'egress-control', {
      name: 'egress-control',
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
    });
    backend.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    backend.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);

    // Best practice "最小权限" (least privilege): everything else in the namespace starts denied,
    // with DNS kept open.
    new DefaultDenyEgress(this, 'baseline', {
      name: 'default-deny-egress',
      source: EgressSource.namespace('production'),
    });
  }
}

/**
 * `production` runs Istio sidecars under a REGISTRY_ONLY allow-list and, beneath it, the
 * NetworkPolicy default deny of the section above; every workload's external allowance goes to
 * both layers. What the Istio backend warns about in that design is acknowledged once, for the app.
 */
function acknowledgeMeshDesign(app: App): void {
  EgressWarnings.acknowledge(app, 'cdk8s-egress:istioAmbientRegistryOnly',
    'production runs Istio sidecars, as the seed\'s Istio sections assume; it is not an ambient-mode namespace');
  EgressWarnings.acknowledge(app, 'cdk8s-egress:istioRegistryOnlyBypassable',
    'every production allowance is enforced by the network layer too (the default-deny baseline and a NetworkPolicy or CiliumNetworkPolicy per allowance), which holds pods that bypass the sidecar');
  EgressWarnings.acknowledge(app, 'cdk8s-egress:istioNamespaceScope',
    'by design: the mesh allow-list of production is namespace-wide; each workload\'s own limit is its NetworkPolicy');
}

/** Adds every seed section to `app`. */
export function buildSeedApp(app: App): void {
  acknowledgeMeshDesign(app);
  new NetworkPolicySection(app, 'networkpolicy');
  // Seed sections "Cilium Egress Gateway", "ACK NAT Gateway", "Egress IP固定" (Calico), "ACK出站方案"
  buildFixedIpSections(app);
  // Seed sections "Istio Egress Gateway" and "外部服务访问控制"
  new IstioEgressGatewaySection(app, 'istio-egress-gateway');
  new IstioExternalServicesSection(app, 'external-services');
  // Seed sections "Egress监控" and "最佳实践" (alerting): declared last, it watches everything above
  new MonitoringSection(app, 'monitoring');
}
