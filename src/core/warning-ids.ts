/**
 * Every warning id cdk8s-egress raises: the catalogue. Ids are stable (an id never changes
 * meaning); `EgressWarnings.acknowledge()` accepts these and refuses any other. Each member's
 * comment is the warning's one-line summary, as listed in docs/warnings.md.
 */
export enum EgressWarningId {
  /** A pod EIP that the controller creates is released with its pod, so the egress address changes whenever a pod is replaced. */
  ACK_EIP_NOT_FIXED = 'cdk8s-egress:ackEipNotFixed',
  /** Every pod gets its own EIP, so a workload with several pods leaves from several addresses. */
  ACK_EIP_PER_POD = 'cdk8s-egress:ackEipPerPod',
  /** Terway applies a PodNetworking only to pods created once it is Ready; pods that already run keep their vSwitch until recreated. */
  ACK_POD_NETWORKING_AT_POD_CREATION = 'cdk8s-egress:ackPodNetworkingAtPodCreation',
  /** The fixed address comes from SNAT entries of the VPC NAT gateway, one per vSwitch, configured outside Kubernetes. */
  ACK_SNAT_ENTRY_REQUIRED = 'cdk8s-egress:ackSnatEntryRequired',
  /** A pod template carries pod-EIP annotation keys known only from unofficial notes; the controller reads the official ones. */
  ACK_UNOFFICIAL_EIP_KEYS = 'cdk8s-egress:ackUnofficialEipKeys',
  /** An external-service destination is a wider address block than an external service normally needs. */
  BROAD_CIDR = 'cdk8s-egress:broadCidr',
  /** advertiseServices emits the cluster's singleton BGPConfiguration "default", which changes no egress address. */
  CALICO_BGP_CONFIGURATION_SINGLETON = 'cdk8s-egress:calicoBgpConfigurationSingleton',
  /** natOutgoing is on, so external systems see node addresses, not the dedicated pool's range. */
  CALICO_NAT_OUTGOING_HIDES_POOL = 'cdk8s-egress:calicoNatOutgoingHidesPool',
  /** Calico reads the pool annotation only when a pod is created; pods that already run keep their address until recreated. */
  CALICO_POOL_AT_POD_CREATION = 'cdk8s-egress:calicoPoolAtPodCreation',
  /** natOutgoing is off, so the network must route the pool's range back to the nodes, or replies are lost. */
  CALICO_POOL_MUST_BE_ROUTED = 'cdk8s-egress:calicoPoolMustBeRouted',
  /** A Calico tier other than default denies what it does not allow, including egress that other tiers or NetworkPolicies allow. */
  CALICO_TIER_NOT_ADDITIVE = 'cdk8s-egress:calicoTierNotAdditive',
  /** Changing the Cilium egress gateway (node labels, nodes, policy) breaks the pods' open connections to its destinations. */
  CILIUM_EGRESS_GATEWAY_CHANGE_BREAKS_CONNECTIONS = 'cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections',
  /** The Cilium egress gateway needs egressGateway.enabled, bpf.masquerade and kubeProxyReplacement, and does not work with Cluster Mesh, CiliumEndpointSlice or kvstore identities. */
  CILIUM_EGRESS_INCOMPATIBLE_FEATURES = 'cdk8s-egress:ciliumEgressIncompatibleFeatures',
  /** A new pod's first connections leave from its pod or node address, not through the gateway, until the policy applies to it. */
  CILIUM_EGRESS_NEW_POD_DELAY = 'cdk8s-egress:ciliumEgressNewPodDelay',
  /** Cilium drops the traffic while no node carries the gateway labels or the egress IP is not on the gateway node. */
  CILIUM_EGRESS_NO_GATEWAY_DROPS = 'cdk8s-egress:ciliumEgressNoGatewayDrops',
  /** Cilium's open-source egress gateway has no failover: while a pod's gateway node is down, its traffic is dropped. */
  CILIUM_EGRESS_NO_HA = 'cdk8s-egress:ciliumEgressNoHa',
  /** A selector uses a label key that Cilium's default label filter leaves out of security identities, so it matches no pod. */
  CILIUM_LABEL_NOT_IN_IDENTITY = 'cdk8s-egress:ciliumLabelNotInIdentity',
  /** A fixed-egress-IP destination contains cluster ranges, whose traffic does not leave through the fixed address. */
  FIXED_EGRESS_IP_CLUSTER_CIDR_EXCLUDED = 'cdk8s-egress:fixedEgressIpClusterCidrExcluded',
  /** Another policy allows pods that an egress gateway routes direct egress to an address block, which may be a way around the gateway. */
  GATEWAY_BYPASS = 'cdk8s-egress:gatewayBypass',
  /** An IP block overlaps the cluster's pod or Service ranges; NetworkPolicy ipBlock is meant for addresses outside the cluster. */
  IP_BLOCK_IN_CLUSTER = 'cdk8s-egress:ipBlockInCluster',
  /** In Istio ambient mode the Sidecar and outboundTrafficPolicy are ignored, so the namespace would not be restricted. */
  ISTIO_AMBIENT_REGISTRY_ONLY = 'cdk8s-egress:istioAmbientRegistryOnly',
  /** The egress gateway runs in Istio's root namespace, where a workload Telemetry is ignored, so no access-log Telemetry is emitted. */
  ISTIO_GATEWAY_ACCESS_LOG_ROOT_NAMESPACE = 'cdk8s-egress:istioGatewayAccessLogRootNamespace',
  /** bypassClosure is false: nothing keeps routed workloads from skipping the egress gateway. */
  ISTIO_GATEWAY_BYPASS_OPEN = 'cdk8s-egress:istioGatewayBypassOpen',
  /** The gateway pods may reach every address on the routed ports, because their egress backend cannot match hostnames. */
  ISTIO_GATEWAY_EGRESS_ANY_ADDRESS = 'cdk8s-egress:istioGatewayEgressAnyAddress',
  /** mtls is false: the egress gateway cannot tell which workload sent a connection, so any pod that reaches it may use every route. */
  ISTIO_GATEWAY_NO_MTLS = 'cdk8s-egress:istioGatewayNoMtls',
  /** Istio's egress allow-list applies to every sidecar pod of the namespace, not only to the pods the policy selects. */
  ISTIO_NAMESPACE_SCOPE = 'cdk8s-egress:istioNamespaceScope',
  /** A hostname allowed on an opaque TCP port captures every TCP connection on that port in the namespace. */
  ISTIO_OPAQUE_TCP_PORT = 'cdk8s-egress:istioOpaqueTcpPort',
  /** REGISTRY_ONLY is enforced by the sidecar only: pods without one, traffic that bypasses it and non-TCP traffic are not restricted. */
  ISTIO_REGISTRY_ONLY_BYPASSABLE = 'cdk8s-egress:istioRegistryOnlyBypassable',
  /** registryOnly is false: the ServiceEntries declare hosts but block nothing unless the namespace or mesh runs REGISTRY_ONLY. */
  ISTIO_REGISTRY_ONLY_DISABLED = 'cdk8s-egress:istioRegistryOnlyDisabled',
  /** A gateway route uses a provider EgressMonitoring derives no gateway alerts for, so the gateway is not monitored. */
  MONITORING_SKIPS_GATEWAY = 'cdk8s-egress:monitoringSkipsGateway',
  /** The app declares NodeLocal DNSCache, but an explicit DNS resolver list leaves it out. */
  NODE_LOCAL_DNS_CACHE_MISSING = 'cdk8s-egress:nodeLocalDnsCacheMissing',
}
