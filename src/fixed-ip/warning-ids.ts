// Stable ids of the warnings raised by FixedEgressIp and its providers. Ids never change meaning;
// docs/fixed-egress-ip.md lists them.
export const WARN = {
  CILIUM_NO_HA: 'cdk8s-egress:ciliumEgressNoHa',
  CILIUM_NO_GATEWAY_DROPS: 'cdk8s-egress:ciliumEgressNoGatewayDrops',
  CILIUM_INCOMPATIBLE: 'cdk8s-egress:ciliumEgressIncompatibleFeatures',
  CILIUM_GATEWAY_CHANGE: 'cdk8s-egress:ciliumEgressGatewayChangeBreaksConnections',
  CILIUM_NEW_POD_DELAY: 'cdk8s-egress:ciliumEgressNewPodDelay',
  CLUSTER_CIDR_EXCLUDED: 'cdk8s-egress:fixedEgressIpClusterCidrExcluded',
  CALICO_AT_POD_CREATION: 'cdk8s-egress:calicoPoolAtPodCreation',
  CALICO_POOL_ROUTING: 'cdk8s-egress:calicoPoolMustBeRouted',
  CALICO_NAT_OUTGOING: 'cdk8s-egress:calicoNatOutgoingHidesPool',
  CALICO_BGP_SINGLETON: 'cdk8s-egress:calicoBgpConfigurationSingleton',
  ACK_EIP_NOT_FIXED: 'cdk8s-egress:ackEipNotFixed',
  ACK_EIP_PER_POD: 'cdk8s-egress:ackEipPerPod',
  ACK_UNOFFICIAL_KEYS: 'cdk8s-egress:ackUnofficialEipKeys',
  ACK_SNAT_OUTSIDE: 'cdk8s-egress:ackSnatEntryRequired',
  ACK_AT_POD_CREATION: 'cdk8s-egress:ackPodNetworkingAtPodCreation',
} as const;
