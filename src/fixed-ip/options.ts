// Options of the FixedEgressIp providers. Plain structs, enums and value classes only: nothing
// here loads generated bindings, so `require('cdk8s-egress')` stays cheap.
import { Duration } from 'cdk8s';

// ---------------------------------------------------------------------------------------------
// Cilium egress gateway
// ---------------------------------------------------------------------------------------------

/**
 * One gateway node of a `CiliumEgressGatewayPolicy` and the address it SNATs with.
 *
 * Set `egressIp` **or** `egressInterface`, not both: Cilium ignores a policy that sets both. With
 * neither, the gateway uses the first IPv4 address of its interface with the default route.
 */
export interface CiliumEgressGatewayNode {
  /**
   * Labels of the gateway node (`nodeSelector.matchLabels`). Must not be empty. When several
   * nodes match, Cilium uses the first by node name; when none matches, it drops the traffic.
   */
  readonly nodeSelector: Record<string, string>;
  /**
   * The IPv4 address the traffic is SNATed to. It must already be assigned to a network device
   * of the gateway node (Cilium does not add it). IPv4 only (Cilium 1.19).
   * @default - the first IPv4 address of `egressInterface`, or of the default-route interface
   */
  readonly egressIp?: string;
  /**
   * The network interface whose first IPv4 (and IPv6) address the traffic is SNATed to.
   * @default - the interface with the default route, unless `egressIp` is set
   */
  readonly egressInterface?: string;
}

/**
 * Options for `FixedEgressIpProvider.cilium()`: the gateway node(s) of a
 * `cilium.io/v2` `CiliumEgressGatewayPolicy`.
 *
 * Give either one gateway (`nodeSelector` with `egressIp` or `interface`) or a list of
 * `gateways`, not both.
 */
export interface CiliumFixedEgressIpOptions {
  /**
   * Labels of the gateway node. Required unless `gateways` is given.
   * @default - none: `gateways` must be given
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * The IPv4 address the traffic leaves with; it must be assigned to a device of the gateway
   * node. Excludes `egressInterface`.
   * @default - the first IPv4 address of `egressInterface`, or of the default-route interface
   */
  readonly egressIp?: string;
  /**
   * The gateway node's interface whose first address is used. Excludes `egressIp`.
   * @default - the interface with the default route, unless `egressIp` is set
   */
  readonly egressInterface?: string;
  /**
   * Several gateway nodes (Cilium's `egressGateways` list, Cilium 1.18 and later: more than one
   * gateway is refused for an older declared `version`). Each pod
   * is assigned to one of them (by its endpoint UID), so the pods leave with different
   * addresses: one per gateway. This spreads load; it is not failover.
   * @default - a single gateway from `nodeSelector`, `egressIp` and `egressInterface`
   */
  readonly gateways?: CiliumEgressGatewayNode[];
  /**
   * Blocks inside the destinations that do not go through the gateway (`excludedCIDRs`). Each
   * must be a strict subset of a destination. The `except` blocks of the destinations are
   * added to this list.
   * @default - only the `except` blocks of the destinations
   */
  readonly excludedCidrs?: string[];
  /**
   * The Cilium release the cluster runs, `MAJOR.MINOR` (a patch is accepted and ignored); 1.14 or
   * later. Read by the version-dependent choices: several `gateways` need 1.18.
   * @default - the `cdk8s-egress:ciliumVersion` context value, else 1.19 (the release of the pinned CRDs)
   */
  readonly version?: string;
}

// ---------------------------------------------------------------------------------------------
// Calico (open source): a dedicated IP pool
// ---------------------------------------------------------------------------------------------

/**
 * Encapsulation of the dedicated Calico IP pool (`ipipMode` / `vxlanMode`).
 */
export enum CalicoEncapsulation {
  /** No encapsulation: the network must route the pool (BGP peering). */
  NONE = 'None',
  /** IP-in-IP always (IPv4 pools only). */
  IPIP = 'IPIP',
  /** IP-in-IP between nodes in different subnets only (IPv4 pools only). */
  IPIP_CROSS_SUBNET = 'IPIPCrossSubnet',
  /** VXLAN always. */
  VXLAN = 'VXLAN',
  /** VXLAN between nodes in different subnets only. */
  VXLAN_CROSS_SUBNET = 'VXLANCrossSubnet',
}

/**
 * How the dedicated pool is kept for the selected pods, so that no other pod is given an
 * address from it by Calico's automatic assignment.
 */
export enum CalicoPoolReservation {
  /**
   * `assignmentMode: Manual` (Calico 3.30 and later; docs.tigera.io/calico/3.30/reference/resources/ippool):
   * the pool is used only by pods (or namespaces) that name it in the
   * `cni.projectcalico.org/ipv4pools` annotation.
   */
  ASSIGNMENT_MODE_MANUAL = 'AssignmentModeManual',
  /**
   * `nodeSelector: "!all()"` (any Calico version): the pool selects no node, so automatic
   * assignment never uses it, while pods that name it in the annotation still get addresses
   * (Calico skips node selectors for requested pools; the tip in
   * docs.tigera.io/calico/3.29/reference/resources/ippool). The default before Calico 3.30.
   */
  NODE_SELECTOR_NONE = 'NodeSelectorNone',
}

/**
 * Service address ranges to advertise over BGP (`BGPConfiguration` `default`). This is **not**
 * an egress-IP feature: it makes Service cluster IPs / external IPs reachable from BGP peers.
 */
export interface CalicoServiceAdvertisement {
  /**
   * Service cluster IP ranges to advertise (`serviceClusterIPs`).
   * @default - not advertised
   */
  readonly serviceClusterIpCidrs?: string[];
  /**
   * Service external IP ranges to advertise (`serviceExternalIPs`).
   * @default - not advertised
   */
  readonly serviceExternalIpCidrs?: string[];
}

/**
 * Options for `FixedEgressIpProvider.calico()`: a dedicated `projectcalico.org/v3` `IPPool`
 * that the selected pods draw their addresses from.
 */
export interface CalicoFixedEgressIpOptions {
  /**
   * The pool's block, e.g. `10.244.200.0/24`. It must lie inside the cluster's pod CIDR and
   * hold at least one allocation block.
   */
  readonly poolCidr: string;
  /**
   * Masquerade traffic that leaves the Calico pools to the node's address (`natOutgoing`).
   * Leave it off for a fixed source range: external systems then see the pod addresses from
   * this pool, and the network must route the pool back to the nodes (BGP). Turned on, external
   * systems see the **node** addresses and the pool no longer identifies the pods.
   * @default false
   */
  readonly natOutgoing?: boolean;
  /**
   * Prefix length of the allocation blocks (20-32 for IPv4, 116-128 for IPv6). Cannot be
   * changed once the pool exists.
   * @default - Calico's default: 26 for IPv4, 122 for IPv6
   */
  readonly blockSize?: number;
  /**
   * Encapsulation between nodes for addresses of this pool.
   * @default CalicoEncapsulation.NONE
   */
  readonly encapsulation?: CalicoEncapsulation;
  /**
   * How the pool is kept for the selected pods. `ASSIGNMENT_MODE_MANUAL` needs Calico 3.30 and is
   * refused for an older declared `version`.
   * @default - CalicoPoolReservation.ASSIGNMENT_MODE_MANUAL on Calico 3.30 and later, CalicoPoolReservation.NODE_SELECTOR_NONE before
   */
  readonly reservation?: CalicoPoolReservation;
  /**
   * The Calico Open Source release the cluster runs, `MAJOR.MINOR` (a patch is accepted and
   * ignored); 3.28 or later. Decides how the pool is reserved (`assignmentMode` exists from 3.30).
   * @default - the `cdk8s-egress:calicoVersion` context value, else 3.32 (the release of the pinned CRDs)
   */
  readonly version?: string;
  /**
   * Emit a `Namespace` object carrying the pool annotation for every
   * `EgressSource.namespace()` source. The app then owns those Namespace objects. Without it,
   * namespace sources are refused (the annotation must be on the namespace or the pod when the
   * pod is created).
   * @default false
   */
  readonly emitNamespaces?: boolean;
  /**
   * Also emit the cluster's singleton `BGPConfiguration` named `default` advertising these
   * Service ranges. It does not change any egress address.
   * @default - no BGPConfiguration is emitted
   */
  readonly advertiseServices?: CalicoServiceAdvertisement;
}

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud ACK
// ---------------------------------------------------------------------------------------------

/**
 * Spelling of the ACK pod annotations read by `ack-extend-network-controller`.
 */
export enum AlibabaAnnotationPrefix {
  /** `k8s.aliyun.com/…`: understood by every controller version (v0.2.0 and later). */
  K8S_ALIYUN_COM = 'k8s.aliyun.com',
  /**
   * `network.alibabacloud.com/…`: controller v0.9.2 and later
   * (`eip-internet-charge-type` in this spelling from v0.10.1).
   */
  NETWORK_ALIBABACLOUD_COM = 'network.alibabacloud.com',
}

/**
 * Metering of an EIP that the controller creates (`eip-internet-charge-type`).
 */
export enum AlibabaEipChargeType {
  /** Pay by traffic (the controller's default). */
  PAY_BY_TRAFFIC = 'PayByTraffic',
  /** Pay by bandwidth. */
  PAY_BY_BANDWIDTH = 'PayByBandwidth',
}

/**
 * When the controller releases an EIP it created for a pod (`pod-eip-release-strategy`). Only
 * for StatefulSet pods: a pod recreated with the same name while its EIP is kept gets the
 * same EIP again.
 */
export class AlibabaEipReleaseStrategy {
  /** Release the EIP with the pod (the controller's default). */
  public static readonly FOLLOW = new AlibabaEipReleaseStrategy('Follow');
  /** Never release it; delete the `PodEIP` object by hand when it is no longer needed. */
  public static readonly NEVER = new AlibabaEipReleaseStrategy('Never');

  /** Release it this long after the pod is deleted (at least one second). */
  public static after(duration: Duration): AlibabaEipReleaseStrategy {
    // A value that is not a Duration is reported by the provider that reads it (as an invalid duration).
    return new AlibabaEipReleaseStrategy(undefined, duration);
  }

  /**
   * The annotation value (`Follow`, `Never` or a Go duration such as `10m`).
   * @internal
   */
  public readonly _value?: string;
  /** @internal */
  public readonly _duration?: Duration;

  private constructor(value?: string, duration?: Duration) {
    this._value = value;
    this._duration = duration;
  }
}

/**
 * Options for `FixedEgressIpProvider.alibabaEip()`: an elastic IP per pod, attached by
 * `ack-extend-network-controller` from annotations on the workload's pod template.
 */
export interface AlibabaEipOptions {
  /**
   * Attach this existing EIP (`eip-…`) instead of creating one. An EIP can be attached to one
   * pod only: the source must be a StatefulSet with one replica. The controller never changes
   * or releases it.
   * @default - the controller creates an EIP for each pod
   */
  readonly instanceId?: string;
  /**
   * Peak bandwidth of a created EIP, in Mbit/s.
   * @default - the controller's default
   */
  readonly bandwidth?: number;
  /**
   * Metering of a created EIP.
   * @default - the controller's default (AlibabaEipChargeType.PAY_BY_TRAFFIC)
   */
  readonly internetChargeType?: AlibabaEipChargeType;
  /**
   * Add created EIPs to this Internet Shared Bandwidth instance (`cbwp-…`).
   * @default - none
   */
  readonly commonBandwidthPackageId?: string;
  /**
   * When a created EIP is released. Anything but `FOLLOW` needs a StatefulSet source.
   * @default - the controller's default (AlibabaEipReleaseStrategy.FOLLOW)
   */
  readonly releaseStrategy?: AlibabaEipReleaseStrategy;
  /**
   * Spelling of the annotation keys.
   * @default AlibabaAnnotationPrefix.K8S_ALIYUN_COM
   */
  readonly annotationPrefix?: AlibabaAnnotationPrefix;
  /**
   * Add the readiness gate `k8s.aliyun.com/eip` to the pod template, so a pod becomes Ready only
   * once its EIP is attached.
   * @default true
   */
  readonly readinessGate?: boolean;
}

/**
 * ENI mode of a Terway `PodNetworking`.
 */
export enum TerwayEniType {
  /** A member ENI on a trunk ENI (Trunk-ENI nodes). */
  TRUNK = 'Trunk',
  /** An exclusive secondary ENI (exclusive-ENI nodes; no NetworkPolicy there). */
  ENI = 'ENI',
}

/**
 * How Terway picks one of the `vSwitchOptions`.
 */
export enum TerwayVSwitchSelectionPolicy {
  /** In the order given (Terway's default). */
  ORDERED = 'ordered',
  /** At random. */
  RANDOM = 'random',
  /** The one with the most free addresses. */
  MOST = 'most',
}

/**
 * Options for `FixedEgressIpProvider.alibabaPodNetworking()`: a Terway `PodNetworking` that
 * places the selected pods on dedicated vSwitches, whose SNAT entry on the VPC NAT gateway
 * gives them a fixed egress address.
 */
export interface AlibabaPodNetworkingOptions {
  /**
   * The dedicated vSwitches (`vsw-…`), one per zone the pods may run in. Each needs its own SNAT
   * entry with the fixed EIP(s) on the VPC's NAT gateway.
   */
  readonly vSwitchIds: string[];
  /** Security groups of the pods' ENIs (`sg-…`), 1 to 10. */
  readonly securityGroupIds: string[];
  /**
   * ENI mode.
   * @default TerwayEniType.TRUNK
   */
  readonly eniType?: TerwayEniType;
  /**
   * How Terway picks a vSwitch.
   * @default - Terway's default (TerwayVSwitchSelectionPolicy.ORDERED)
   */
  readonly vSwitchSelectionPolicy?: TerwayVSwitchSelectionPolicy;
}
