import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { watchAppChecks } from '../checks/app-checks';
import { registerFixedEgressIp } from '../checks/fixed-ip-conflicts';
import { refuseCoveredFamily } from '../checks/policy-checks';
import { ClusterCidrs } from '../core/cluster-cidrs';
import { CLUSTER_CIDRS_CONTEXT, clusterRanges } from '../core/cluster-ranges';
import { checkContext, checkContextValue, recordContextRead } from '../core/context';
import { Destination } from '../core/destination';
import { DestinationConfig, DestinationKind } from '../core/destination-config';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { constructScope } from '../core/inputs';
import { labelProblems, objectNameProblems } from '../core/names';
import { objectRef } from '../core/object-ref';
import { EgressSource } from '../core/source';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { IFixedEgressIpProvider, providerProblems } from '../fixed-ip/contract';
import { EgressModel } from '../model/egress-model';
import { EgressFactDetails } from '../model/fact-details';
import { EgressFact, FactKind } from '../model/facts';
import { cidrContains, cidrsOverlap, isCidr, parseCidr } from '../util/cidr';
import { FIXED_EGRESS_IP_PROPS } from './private/schemas';

/**
 * Properties of a `FixedEgressIp`.
 */
export interface FixedEgressIpProps {
  /**
   * The pods that leave with the fixed address: one source, or several sharing the address with
   * `EgressSource.anyOf(a, b)`.
   */
  readonly source: EgressSource;
  /** How the address is provided: `FixedEgressIpProvider.cilium()`, `.calico()`, `.alibabaEip()`, `.alibabaPodNetworking()`. */
  readonly provider: IFixedEgressIpProvider;
  /**
   * The external IP blocks the fixed address is for (`Destination.ipv4()`/`ipv6()`; `except`
   * blocks are excluded). Required by providers scoped by destination (Cilium); refused by the
   * others, whose address applies to all egress of the pods.
   * @default - none (all egress, for providers that are not scoped by destination)
   */
  readonly destinations?: Destination[];
  /**
   * Allow `0.0.0.0/0` / `::/0` as destinations. Without this opt-in they are refused.
   * @default false
   */
  readonly allowAllAddresses?: boolean;
  /**
   * The cluster's own pod and Service ranges. Destinations inside them are refused (Cilium never
   * sends in-cluster traffic through the gateway) and Calico pools are checked against them.
   * @default - the `cdk8s-egress:clusterCidrs` context value, else not checked
   */
  readonly clusterCidrs?: ClusterCidrs;
  /**
   * Name of the main emitted object (the CiliumEgressGatewayPolicy, IPPool or PodNetworking).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Labels added to every emitted object.
   * @default - no labels besides the ones cdk8s and the backend set
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations added to every emitted object.
   * @default - no annotations besides the ones the backend sets
   */
  readonly annotations?: Record<string, string>;
}

/**
 * Give a set of pods a fixed, predictable source address for their egress, so that external
 * firewalls and allow-lists can recognise them.
 *
 * A `FixedEgressIp` changes the source address only: it does not allow or deny anything.
 * Combine it with an `EgressPolicy` that allows the same destinations.
 *
 * Two `FixedEgressIp` that can select the same pod for overlapping destinations must agree on
 * the address; otherwise `app.synth()` fails.
 *
 * @example
 * new FixedEgressIp(chart, 'egress-external-api', {
 *   name: 'egress-external-api',
 *   source: EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } }),
 *   destinations: [Destination.ipv4('203.0.113.0/24')],
 *   provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
 * });
 */
export class FixedEgressIp extends Construct {
  /** The pods that get the fixed address, as given. */
  public readonly source: EgressSource;
  /** The provider. */
  public readonly provider: IFixedEgressIpProvider;
  /** The emitted objects (pod-template annotations are applied to the workloads themselves). */
  public readonly apiObjects: ApiObject[];
  /** The address, or where it comes from, in words. */
  public readonly egressIdentity: string;
  /** Each set of pods of `source` (the members of an `anyOf()`). */
  private readonly sources: EgressSource[];

  public constructor(scope: Construct, id: string, props: FixedEgressIpProps) {
    super(constructScope(scope, id, 'FixedEgressIp'), id);
    raise(this, FIXED_EGRESS_IP_PROPS(props, 'FixedEgressIp props'));
    checkContext(this);
    raise(this, providerProblems(props.provider));
    this.source = props.source;
    const anyOf = props.source._anyOf();
    if (anyOf) raise(this, anyOf.problems);
    this.sources = anyOf ? [...anyOf.members] : [props.source];
    this.provider = props.provider;
    if (this.sources.length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_SELECTOR,
        'FixedEgressIp was given no sources: list the pods that need the fixed address (EgressSource.workload(...), .pods(...) or .namespace(...))');
    }
    for (const s of this.sources) raise(this, s._problems());
    if (props.name !== undefined) raise(this, objectNameProblems(props.name));
    if (props.labels) raise(this, labelProblems(props.labels, 'labels'));

    const fromContext = props.clusterCidrs === undefined
      ? this.node.tryGetContext(CLUSTER_CIDRS_CONTEXT) as ClusterCidrs | undefined | null
      : undefined;
    if (fromContext !== undefined && fromContext !== null) {
      checkContextValue(this, CLUSTER_CIDRS_CONTEXT, fromContext);
      recordContextRead(this, CLUSTER_CIDRS_CONTEXT, fromContext);
    }
    const clusterCidrs = props.clusterCidrs ?? fromContext ?? undefined;
    const destinations = this.destinations(props, clusterCidrs);
    const binding = this.provider.bind(this, {
      sources: this.sources,
      destinations,
      name: props.name,
      labels: props.labels,
      annotations: props.annotations,
      clusterCidrs,
    });
    this.apiObjects = binding.apiObjects;
    this.egressIdentity = binding.egressIdentity;
    // Compared with the app's other FixedEgressIps at synth (src/checks/fixed-ip-conflicts.ts).
    registerFixedEgressIp(this, {
      path: this.node.path,
      sources: this.sources,
      egressIdentity: this.egressIdentity,
      destinations: this.provider.scopedByDestination ? destinations : undefined,
    });
    const model = EgressModel.of(this);
    watchAppChecks(this);
    for (const source of this.sources) {
      model.recordFact({
        toFact: (): EgressFact => ({
          kind: FactKind.FIXED_EGRESS_IP,
          constructPath: this.node.path,
          source: source.toConfig(),
          ...(this.provider.scopedByDestination ? { destinations } : {}),
          summary: `source IP: ${this.egressIdentity}${binding.details ? ` (${binding.details})` : ''}`,
          objectRefs: this.apiObjects.map(objectRef),
          details: { [EgressFactDetails.PROVIDER]: this.provider.id, [EgressFactDetails.EGRESS_IP]: this.egressIdentity },
        }),
      });
    }
  }

  private destinations(props: FixedEgressIpProps, clusterCidrs: ClusterCidrs | undefined): DestinationConfig[] {
    const given = props.destinations ?? [];
    const p = this.provider;
    if (!p.scopedByDestination) {
      if (given.length > 0) {
        throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `The ${p.displayName} gives the pods their address for all egress and cannot be limited to destinations (${given.join(', ')}). `
          + 'Omit destinations, or use FixedEgressIpProvider.cilium() to route only some destinations through a gateway');
      }
      return [];
    }
    if (given.length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_POLICY,
        `The ${p.displayName} applies to listed destinations only, and none were given: list the external ranges (Destination.ipv4('203.0.113.0/24')), `
        + 'or Destination.anyIpv4() with allowAllAddresses: true for all external IPv4 traffic');
    }
    const ranges = clusterRanges(this, clusterCidrs);
    const cluster = [...ranges.pods.map((c) => ({ c, what: 'pod' })), ...ranges.services.map((c) => ({ c, what: 'Service' }))];
    const seen = new Set<string>();
    const configs = given.map((d) => {
      raise(this, d._problems());
      const cfg = d.toConfig();
      if (cfg.kind !== DestinationKind.CIDR) {
        throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `FixedEgressIp destinations must be IP blocks, got ${d}: the ${p.displayName} matches destination CIDRs only. `
          + 'Use Destination.ipv4()/ipv6() with the addresses of the service');
      }
      const c = parseCidr(cfg.cidr!);
      if (!isCidr(c)) throw EgressError.at(this, EgressErrorCode.INVALID_CIDR, `Invalid destination ${cfg.cidr}`);
      if (c.prefix === 0 && !(props.allowAllAddresses ?? false)) {
        throw EgressError.at(this, EgressErrorCode.ALLOW_ALL,
          `Refusing to send all IPv${c.family} egress (${c.text}) of the pods through the ${p.displayName}: list the external ranges that need the fixed address, `
          + 'or set allowAllAddresses: true to opt in');
      }
      if (seen.has(c.text)) {
        throw EgressError.at(this, EgressErrorCode.DUPLICATE_RULE, `Destination ${c.text} is listed twice: list each destination once`);
      }
      seen.add(c.text);
      const inside = cluster.find((x) => cidrContains(x.c, c));
      if (inside) {
        throw EgressError.at(this, EgressErrorCode.INVALID_CIDR,
          `Destination ${c.text} lies inside the cluster's ${inside.what} CIDR ${inside.c.text}: in-cluster traffic never leaves through the ${p.displayName}, `
          + 'so this destination would never get the fixed address. Remove it (select in-cluster peers with an EgressPolicy instead)');
      }
      const covers = cluster.filter((x) => cidrsOverlap(x.c, c));
      if (covers.length > 0) {
        EgressWarnings.add(this, EgressWarningId.FIXED_EGRESS_IP_CLUSTER_CIDR_EXCLUDED,
          `Destination ${c.text} contains the cluster's ${covers.map((x) => `${x.what} CIDR ${x.c.text}`).join(' and ')}: traffic to those in-cluster addresses `
          + `does not go through the ${p.displayName}. Add them as except blocks to say so explicitly`);
      }
      return cfg;
    });
    if (!(props.allowAllAddresses ?? false)) {
      refuseCoveredFamily(this, configs, `to route ${given.join(', ')} through the ${p.displayName}`, 'set allowAllAddresses: true to opt in');
    }
    return configs;
  }

}
