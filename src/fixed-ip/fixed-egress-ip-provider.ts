// The factories of the bundled fixed-IP providers. Each factory loads its provider module on first
// use, so `require('cdk8s-egress')` loads no generated bindings it does not use; the providers
// import only the contract (contract.ts), never this module.
import { Duration } from 'cdk8s';
import { FixedEgressIpProviderBase, IFixedEgressIpProvider } from './contract';
import {
  AlibabaAnnotationPrefix, AlibabaEipChargeType, AlibabaEipOptions, AlibabaEipReleaseStrategy, AlibabaPodNetworkingOptions, CalicoEncapsulation,
  CalicoFixedEgressIpOptions, CalicoPoolReservation, CiliumFixedEgressIpOptions, TerwayEniType, TerwayVSwitchSelectionPolicy,
} from './options';
import { Check, argProblem, bool, instance, list, num, oneOf, optionalStruct, required, str, stringMap, struct } from '../core/inputs';
import { registerFactories } from '../util/show';

/** A declared release is checked where it is read (src/core/versions.ts, EGRESS_INVALID_VERSION). */
const RELEASE: Check = () => [];

const CIDRS = list(str({ allowEmpty: true }), { itemName: 'CIDR strings' });

const GATEWAY_NODE = struct({
  nodeSelector: required(stringMap, 'give the labels of the gateway node, e.g. { nodeSelector: { \'egress-gateway\': \'true\' } }'),
  egressIp: str({ example: '10.0.0.100' }),
  egressInterface: str({ example: 'eth1' }),
});

/** The options of each provider factory (types only: values are checked when the provider is bound). */
const PROVIDER_OPTIONS: Record<string, Check> = {
  cilium: struct({
    nodeSelector: stringMap,
    egressIp: str({ example: '10.0.0.100' }),
    egressInterface: str({ example: 'eth1' }),
    gateways: list(GATEWAY_NODE, { itemName: 'gateway nodes' }),
    excludedCidrs: CIDRS,
    version: RELEASE,
  }),
  calico: struct({
    version: RELEASE,
    poolCidr: required(str({ example: '10.244.200.0/24' }), 'give the dedicated pool\'s block inside the pod CIDR, e.g. { poolCidr: \'10.244.200.0/24\' }'),
    natOutgoing: bool,
    blockSize: num(),
    encapsulation: oneOf(CalicoEncapsulation, 'CalicoEncapsulation'),
    reservation: oneOf(CalicoPoolReservation, 'CalicoPoolReservation'),
    emitNamespaces: bool,
    advertiseServices: struct({ serviceClusterIpCidrs: CIDRS, serviceExternalIpCidrs: CIDRS }),
  }),
  alibabaEip: optionalStruct({
    instanceId: str({ example: 'eip-bp1exampleid' }),
    bandwidth: num(),
    internetChargeType: oneOf(AlibabaEipChargeType, 'AlibabaEipChargeType'),
    commonBandwidthPackageId: str({ example: 'cbwp-bp1exampleid' }),
    releaseStrategy: (v, where) => {
      const problems = instance(AlibabaEipReleaseStrategy, 'AlibabaEipReleaseStrategy', 'AlibabaEipReleaseStrategy.NEVER')(v, where);
      const d = problems.length === 0 ? (v as AlibabaEipReleaseStrategy)._duration : undefined;
      if (problems.length === 0 && (v as AlibabaEipReleaseStrategy)._value === undefined && !(d instanceof Duration)) {
        problems.push(argProblem('AlibabaEipReleaseStrategy.after() duration', d, 'a Duration such as Duration.minutes(10)'));
      }
      return problems;
    },
    annotationPrefix: oneOf(AlibabaAnnotationPrefix, 'AlibabaAnnotationPrefix'),
    readinessGate: bool,
  }),
  alibabaPodNetworking: struct({
    vSwitchIds: required(list(str({ example: 'vsw-bp1exampleid' }), { itemName: 'vSwitch ids' }), 'list the dedicated vSwitches, e.g. { vSwitchIds: [\'vsw-bp1exampleid\'] }'),
    securityGroupIds: required(list(str({ example: 'sg-bp1exampleid' }), { itemName: 'security group ids' }), 'list the security groups of the pods\' ENIs, e.g. { securityGroupIds: [\'sg-bp1exampleid\'] }'),
    eniType: oneOf(TerwayEniType, 'TerwayEniType'),
    vSwitchSelectionPolicy: oneOf(TerwayVSwitchSelectionPolicy, 'TerwayVSwitchSelectionPolicy'),
  }),
};

/** The provider, carrying the problems of the options it was given (raised by the FixedEgressIp that uses it). */
function checked<T extends FixedEgressIpProviderBase>(factory: string, given: unknown, build: (options: never) => T, fallback: unknown): T {
  const problems = PROVIDER_OPTIONS[factory](given, `FixedEgressIpProvider.${factory}() options`);
  const provider = build((problems.length > 0 ? fallback : given ?? {}) as never);
  if (problems.length > 0) provider._inputProblems = problems;
  return provider;
}

/**
 * The fixed-IP providers this library ships, in the style of aws-cdk's `NatProvider` (static
 * factories returning the `IFixedEgressIpProvider` contract). How a `FixedEgressIp` gets its
 * fixed source address:
 *
 * - `cilium()` — a Cilium egress gateway (`CiliumEgressGatewayPolicy`), scoped to destination
 *   CIDRs;
 * - `calico()` — a dedicated Calico IP pool for the pods (open-source Calico);
 * - `alibabaEip()` — an elastic IP per pod on Alibaba Cloud ACK (`ack-extend-network-controller`);
 * - `alibabaPodNetworking()` — Terway `PodNetworking` placing the pods on dedicated vSwitches
 *   that the VPC NAT gateway SNATs to a fixed EIP.
 *
 * A provider instance configures one `FixedEgressIp`.
 */
export class FixedEgressIpProvider {
  /**
   * Cilium egress gateway: traffic of the pods to the destinations is routed through a gateway
   * node and SNATed to its egress IP. Needs Cilium with `egressGateway.enabled`,
   * `bpf.masquerade` and `kubeProxyReplacement` (see `CiliumEgressGatewayValues`).
   */
  public static cilium(options: CiliumFixedEgressIpOptions): IFixedEgressIpProvider {
    // Loaded on first use: keeps `require('cdk8s-egress')` from loading generated bindings.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./cilium-provider') as typeof import('./cilium-provider');
    return checked('cilium', options, (o) => new mod.CiliumFixedEgressIpProvider(o), { nodeSelector: { invalid: 'options' } });
  }

  /**
   * Open-source Calico: a dedicated `IPPool` for the pods, requested with the
   * `cni.projectcalico.org/ipv4pools` (or `ipv6pools`) annotation. All traffic of the pods
   * leaves with addresses from the pool (unless `natOutgoing`).
   */
  public static calico(options: CalicoFixedEgressIpOptions): IFixedEgressIpProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./calico-provider') as typeof import('./calico-provider');
    return checked('calico', options, (o) => new mod.CalicoFixedEgressIpProvider(o), { poolCidr: '192.0.2.0/24' });
  }

  /**
   * Alibaba Cloud ACK: an elastic IP for each pod, attached by `ack-extend-network-controller`
   * from pod-template annotations. The source must be a workload (`EgressSource.workload()`: cdk8s-plus or L1).
   */
  public static alibabaEip(options: AlibabaEipOptions = {}): IFixedEgressIpProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./alibaba-eip-provider') as typeof import('./alibaba-eip-provider');
    return checked('alibabaEip', options, (o) => new mod.AlibabaEipProvider(o), {});
  }

  /**
   * Alibaba Cloud ACK with Terway: a `PodNetworking` that puts the pods on dedicated vSwitches.
   * The fixed address comes from the SNAT entry of those vSwitches on the VPC NAT gateway,
   * which is configured outside Kubernetes.
   */
  public static alibabaPodNetworking(options: AlibabaPodNetworkingOptions): IFixedEgressIpProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./alibaba-pod-networking-provider') as typeof import('./alibaba-pod-networking-provider');
    return checked('alibabaPodNetworking', options, (o) => new mod.AlibabaPodNetworkingProvider(o), { vSwitchIds: [], securityGroupIds: [] });
  }

  private constructor() {}
}

registerFactories(FixedEgressIpProvider, 'FixedEgressIpProvider');
