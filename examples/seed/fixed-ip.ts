// The seed's fixed-egress-IP sections expressed with cdk8s-egress: "Cilium Egress Gateway",
// "ACK NAT Gateway" / "ACK出站方案" and "Egress IP固定". In your own project, import from
// 'cdk8s-egress' instead of '../../src'.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  AlibabaEipReleaseStrategy, AllowedExternalService, CiliumEgressGatewayValues, Destination, EgressBackend, EgressSource, EgressWarnings,
  FixedEgressIp, FixedEgressIpProvider, Port, TerwayEniType,
} from '../../src';

/**
 * `production` runs under a default deny (NetworkPolicy) and a REGISTRY_ONLY sidecar (Istio): a
 * workload's own external allowance goes to both layers.
 */
const MESH_AND_NETWORK = [EgressBackend.kubernetes(), EgressBackend.istio()];

/**
 * Seed section "Cilium Egress Gateway": the `cilium-egress` values ConfigMap and the
 * `egress-external-api` policy — api-client pods in `production` reach 203.0.113.0/24 through
 * the node labelled `egress-gateway=true`, SNATed to 10.0.0.100.
 *
 * Differences from the seed, on purpose:
 * - the values also set `bpf.masquerade` and `kubeProxyReplacement`, which the egress gateway
 *   requires besides `egressGateway.enabled`;
 * - the policy carries no namespace (it is cluster-scoped); the namespace is the
 *   `io.kubernetes.pod.namespace` pod label, as in the seed.
 *
 * The limits of the open-source Cilium egress gateway (docs/fixed-egress-ip.md) are acknowledged
 * with the reason they are accepted here; the report lists them with those reasons.
 */
export class CiliumEgressGatewaySection extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new CiliumEgressGatewayValues(this, 'cilium-egress', { name: 'cilium-egress' });
    const apiClient = EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
    // `production` starts denied (app.ts): the api-client pods need their own allowance to the
    // range the gateway carries, or the egress gateway would carry nothing.
    new AllowedExternalService(this, 'api-client-egress', {
      name: 'api-client-egress',
      source: apiClient,
      destinations: [Destination.ipv4('203.0.113.0/24')],
      ports: [Port.HTTPS],
      backends: MESH_AND_NETWORK,
    });
    const egressExternalApi = new FixedEgressIp(this, 'egress-external-api', {
      name: 'egress-external-api',
      source: apiClient,
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
    });
    EgressWarnings.acknowledge(egressExternalApi, 'cdk8s-egress:ciliumEgressNoHa',
      'the seed names one gateway node (egress-gateway=true); open-source Cilium has no gateway failover');
    EgressWarnings.acknowledge(egressExternalApi, 'cdk8s-egress:ciliumEgressNoGatewayDrops',
      'labelling the gateway node and assigning 10.0.0.100 to it are node setup, done outside this app');
    EgressWarnings.acknowledge(egressExternalApi, 'cdk8s-egress:ciliumEgressIncompatibleFeatures',
      'the cilium-egress values enable what the gateway needs; the features it excludes are cluster prerequisites');
    EgressWarnings.acknowledge(egressExternalApi, 'cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections',
      'inherent to the Cilium egress gateway: changing the gateway node is planned maintenance');
    EgressWarnings.acknowledge(egressExternalApi, 'cdk8s-egress:ciliumEgressNewPodDelay',
      'inherent to the Cilium egress gateway; nothing in this app can shorten it');
  }
}

/**
 * Seed sections "ACK NAT Gateway" and "ACK出站方案" (ACK egress options).
 *
 * - The seed's `nat-enabled` pod asks for a pod EIP with `k8s.aliyun.com/pod-eip` and
 *   `k8s.aliyun.com/eip-bindingtype: NAT`, which no Alibaba documentation or controller uses.
 *   Here the pod (as a Deployment, so it has a pod template) gets the official
 *   `k8s.aliyun.com/pod-with-eip` annotation read by `ack-extend-network-controller`, and a
 *   readiness gate so it is Ready only once the EIP is attached.
 * - "EIP" for a StatefulSet whose pods keep their EIP across restarts.
 * - "SNAT" + "Terway Trunk": report-uploader pods are placed on dedicated vSwitches through a
 *   Trunk-ENI `PodNetworking`; the VPC NAT gateway's SNAT entries for those vSwitches (configured
 *   outside Kubernetes) give them one shared, fixed address.
 * - "NAT网关" (the VPC-wide NAT gateway) is VPC configuration, not a Kubernetes object.
 *
 * What each option implies by design (an address per pod, the SNAT entries outside Kubernetes) is
 * acknowledged, with the reason, next to it.
 */
export class AckEgressSection extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const natEnabled = new kplus.Deployment(this, 'nat-enabled', {
      metadata: { name: 'nat-enabled', namespace: 'default' },
      replicas: 1,
      containers: [{ name: 'app', image: 'myapp' }],
    });
    const natEnabledEip = new FixedEgressIp(this, 'nat-enabled-eip', {
      source: EgressSource.workload(natEnabled),
      provider: FixedEgressIpProvider.alibabaEip({ bandwidth: 5 }),
    });
    EgressWarnings.acknowledge(natEnabledEip, 'cdk8s-egress:ackEipNotFixed',
      'like the seed\'s nat-enabled pod, the EIP lives as long as the pod; ledger-eip shows an address kept across restarts');

    const ledger = new kplus.StatefulSet(this, 'ledger', {
      metadata: { name: 'ledger', namespace: 'production' },
      replicas: 2,
      containers: [{ name: 'ledger', image: 'example/ledger:1' }],
      service: new kplus.Service(this, 'ledger-headless', { metadata: { name: 'ledger', namespace: 'production' }, clusterIP: 'None', ports: [{ port: 8080 }] }),
    });
    // The ledger's partner allow-lists its EIPs; `production` starts denied, so the ledger pods
    // are allowed that partner.
    new AllowedExternalService(this, 'ledger-egress', {
      name: 'ledger-egress',
      source: EgressSource.workload(ledger),
      destinations: [Destination.ipv4('198.51.100.0/24')],
      ports: [Port.HTTPS],
      backends: MESH_AND_NETWORK,
    });
    const ledgerEip = new FixedEgressIp(this, 'ledger-eip', {
      source: EgressSource.workload(ledger),
      provider: FixedEgressIpProvider.alibabaEip({ releaseStrategy: AlibabaEipReleaseStrategy.after(Duration.minutes(10)) }),
    });
    EgressWarnings.acknowledge(ledgerEip, 'cdk8s-egress:ackEipPerPod',
      'one EIP per ledger replica, kept across restarts, is what this section shows; report-uploader-snat shows one shared address');

    const uploader = EgressSource.pods({ namespace: 'production', labels: { app: 'report-uploader' } });
    new AllowedExternalService(this, 'report-uploader-egress', {
      name: 'report-uploader-egress',
      source: uploader,
      destinations: [Destination.ipv4('198.51.100.0/24')],
      ports: [Port.HTTPS],
      backends: MESH_AND_NETWORK,
    });
    const reportUploaderSnat = new FixedEgressIp(this, 'report-uploader-snat', {
      name: 'report-uploader-egress',
      source: uploader,
      provider: FixedEgressIpProvider.alibabaPodNetworking({
        vSwitchIds: ['vsw-egresszonea', 'vsw-egresszoneb'],
        securityGroupIds: ['sg-egressuploader'],
        eniType: TerwayEniType.TRUNK,
      }),
    });
    EgressWarnings.acknowledge(reportUploaderSnat, 'cdk8s-egress:ackSnatEntryRequired',
      'the SNAT entries of vsw-egresszonea and vsw-egresszoneb are VPC configuration, made outside Kubernetes');
    EgressWarnings.acknowledge(reportUploaderSnat, 'cdk8s-egress:ackPodNetworkingAtPodCreation',
      'handled at deploy time: the PodNetworking is applied before the report-uploader pods start, and pods that predate it are recreated once');
  }
}

/**
 * Seed section "Egress IP固定" ("Calico Egress IP"). The seed's only object is a
 * `BGPConfiguration`, which advertises Service addresses over BGP and gives no pod a fixed
 * egress address; open-source Calico has no egress-IP feature. The open-source way to a fixed
 * source range is a dedicated IP pool: legacy-sync pods draw their addresses from
 * 10.244.240.0/24 (requested through the `cni.projectcalico.org/ipv4pools` annotation on the pod
 * template), which external firewalls can allow. The seed's BGPConfiguration is kept, as the
 * explicit `advertiseServices` option, with its real meaning documented.
 *
 * What a dedicated pool implies by design (it is read at pod creation and must be routed) and the
 * kept BGPConfiguration are acknowledged, with the reason, next to it.
 */
export class CalicoFixedEgressIpSection extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const legacySync = new kplus.Deployment(this, 'legacy-sync', {
      metadata: { name: 'legacy-sync', namespace: 'production' },
      containers: [{ name: 'sync', image: 'example/legacy-sync:1' }],
    });
    // The legacy partner's firewall allows 10.244.240.0/24; `production` starts denied, so the
    // legacy-sync pods are allowed that partner.
    new AllowedExternalService(this, 'legacy-sync-egress', {
      name: 'legacy-sync-egress',
      source: EgressSource.workload(legacySync),
      destinations: [Destination.ipv4('192.0.2.0/24')],
      ports: [Port.HTTPS],
      backends: MESH_AND_NETWORK,
    });
    const legacySyncPool = new FixedEgressIp(this, 'legacy-sync-pool', {
      name: 'legacy-sync-egress',
      source: EgressSource.workload(legacySync),
      provider: FixedEgressIpProvider.calico({
        poolCidr: '10.244.240.0/24',
        advertiseServices: { serviceClusterIpCidrs: ['10.96.0.0/12'], serviceExternalIpCidrs: ['203.0.113.0/24'] },
      }),
      clusterCidrs: { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] },
    });
    EgressWarnings.acknowledge(legacySyncPool, 'cdk8s-egress:calicoPoolAtPodCreation',
      'handled at deploy time: legacy-sync is rolled once after its pool is applied');
    EgressWarnings.acknowledge(legacySyncPool, 'cdk8s-egress:calicoPoolMustBeRouted',
      'by design: external firewalls allow 10.244.240.0/24, so the network routes it back to the nodes (Calico BGP peering)');
    EgressWarnings.acknowledge(legacySyncPool, 'cdk8s-egress:calicoBgpConfigurationSingleton',
      'kept on purpose: it is the seed\'s own BGPConfiguration "default"');
  }
}

/** Adds the fixed-egress-IP sections to `app` (chart ids `cilium-egress-gateway`, `ack-egress`, `calico-egress-ip`). */
export function buildFixedIpSections(app: App): void {
  new CiliumEgressGatewaySection(app, 'cilium-egress-gateway');
  new AckEgressSection(app, 'ack-egress');
  new CalicoFixedEgressIpSection(app, 'calico-egress-ip');
}
