// The app's EgressModel: where every construct records its policies and facts, and what answers
// allow/deny for probes (layered.ts) over them.
import { IConstruct } from 'constructs';
import { EgressFact, IEgressFactSource } from './facts';
import { checkLayered } from './layered';
import { IModelPolicySource, ModelPolicy } from './policy';
import { policyIndex } from './policy-index';
import { Probe, Verdict } from './probe';
import { argProblem, bool, isConstruct, num, oneOf, raiseUnscoped, required, str, stringMap, struct } from '../core/inputs';
import { Protocol } from '../core/port-config';
import { AppState, StateKey } from '../util/app-state';

const PROBE_POD = struct({
  namespace: required(str({ example: 'production' }), 'name the namespace of the pod'),
  labels: required(stringMap, 'give the pod\'s labels ({} for a pod without labels)'),
  namespaceLabels: stringMap,
  ip: str({ example: '10.244.1.5' }),
});

/** The shape of a probe, checked before the model answers it. */
const PROBE = struct({
  from: required(PROBE_POD, 'give the pod that opens the connection, e.g. { namespace: \'production\', labels: { app: \'backend\' } }'),
  toPod: PROBE_POD,
  toIp: str({ example: '203.0.113.7' }),
  toHostname: str({ example: 'api.example.com' }),
  port: required(num(), 'give the destination port, e.g. 443'),
  protocol: required(oneOf(Protocol, 'Protocol'), 'give the protocol, e.g. Protocol.TCP'),
  skipsMesh: bool,
});

/**
 * The model of an app. Shared by every copy of the library in the process: checks of one copy
 * must see the policies that constructs of another copy declare (a DNS path, an allowance).
 */
const MODEL = StateKey.shared<EgressModel>('model');

/**
 * The library's own account of what the egress policies in an app allow. Every construct records
 * its policies here as it renders them; the model answers allow/deny for probes with Kubernetes
 * NetworkPolicy semantics (isolation, OR of rules, AND of selectors within a peer) and is what
 * DNS-path checks, reports and oracle comparisons are built on.
 */
export class EgressModel {
  /**
   * The model of the app (root construct) that `scope` belongs to.
   */
  public static of(scope: IConstruct): EgressModel {
    if (!isConstruct(scope)) raiseUnscoped([argProblem('The scope of EgressModel.of()', scope, 'a construct (the App, a Chart or a construct in one)')]);
    return AppState.of(scope).get(MODEL, () => new EgressModel());
  }

  private readonly records: IModelPolicySource[] = [];
  private readonly factRecords: IEgressFactSource[] = [];
  /** Bumped on every change the model is told about, so readers can keep answers between passes. */
  private revision = 0;

  private constructor() {}

  /**
   * Record a policy. The callback is evaluated when the model is read, so sources that resolve
   * late (workloads) are seen as synthesized. Called by the policy renderer. @internal
   */
  public _record(policy: IModelPolicySource): void {
    if (typeof (policy as { toModelPolicy?: unknown } | undefined)?.toModelPolicy !== 'function') {
      raiseUnscoped([argProblem('The policy of EgressModel._record()', policy, 'an object with a toModelPolicy() method')]);
    }
    this.records.push(policy);
    this.revision++;
  }

  /**
   * Record a fact: the extension point for egress the library does not render.
   *
   * The library's constructs record their own facts (EgressGateway routes, FixedEgressIp,
   * access logging, EgressMonitoring alerts, opt-outs). Call it yourself for what something else
   * manages — a Cilium egress gateway or a NAT gateway set up outside the app, an Istio gateway
   * installed by another chart, a hand-written alert — so that the report, monitoring and the
   * app-wide checks know about it:
   *
   * - `FIXED_EGRESS_IP` with `source`, `destinations` and the `egressIp` detail: the report shows
   *   the address as the source IP of the covered rows (with `provider: 'cilium'`, the
   *   `cilium-dbg bpf egress list` command). The app-wide check that each destination is
   *   reachable fails synth at the fact's `constructPath` when that path is one of the library's
   *   constructs, and at the app root, naming the path, when it is not.
   * - `GATEWAY_ROUTE` without `gatewayRoute`: the report shows the path `via gateway <ns>/<workload>`
   *   and the gateway's section; EgressMonitoring alerts on it when `provider` is `istio` (the
   *   default) and `gatewayNamespace`, `gatewayWorkload` and `gatewayLabels` are set (synth fails
   *   naming the missing keys), and warns (`cdk8s-egress:monitoringSkipsGateway`) for any other
   *   provider. The model's layer verdicts and the reachability checks use typed routes only, so
   *   they treat such a route's traffic as direct.
   * - `ACCESS_LOG`, `ALERT`, `OPT_OUT`: listed for the workloads their `source` covers (every
   *   workload when unset), with `troubleshoot` commands if given.
   *
   * The keys of `details` are the constants of `EgressFactDetails`. `toFact()` is called every
   * time the model is read (checks at synth, `EgressReport`, `EgressMonitoring` when it is built),
   * so it may read state that is completed later. Record before `EgressMonitoring` is built: a
   * fact recorded after it that would change its rules (a gateway route) makes `app.synth()` fail.
   *
   * @example
   * EgressModel.of(chart).recordFact({
   *   toFact: () => ({
   *     kind: FactKind.FIXED_EGRESS_IP,
   *     constructPath: `${chart.node.path}/nat-gateway`,
   *     source: { namespace: 'payments', podLabels: { app: 'billing' } },
   *     destinations: [Destination.ipv4('198.51.100.0/24').toConfig()],
   *     summary: 'source IP 203.0.113.10 via the VPC NAT gateway',
   *     objectRefs: [],
   *     details: { [EgressFactDetails.PROVIDER]: 'nat-gateway', [EgressFactDetails.EGRESS_IP]: '203.0.113.10' },
   *   }),
   * });
   * @throws EgressError when `fact` has no `toFact()` method
   */
  public recordFact(fact: IEgressFactSource): void {
    if (typeof (fact as { toFact?: unknown } | undefined)?.toFact !== 'function') {
      raiseUnscoped([argProblem('The fact of EgressModel.recordFact()', fact, 'an object with a toFact() method')]);
    }
    this.factRecords.push(fact);
    this.revision++;
  }

  /** The number of changes recorded so far. @internal */
  public _revisionNumber(): number {
    return this.revision;
  }

  /** A recorded policy gained a rule. Called by the constructs. @internal */
  public _changed(): void {
    this.revision++;
  }

  /** Every recorded fact, in recording order. */
  public facts(): EgressFact[] {
    return this.factRecords.map((f) => f.toFact());
  }

  /** Every recorded policy, in recording order. */
  public policies(): ModelPolicy[] {
    return this.records.map((r) => r.toModelPolicy());
  }

  /**
   * Whether a connection is allowed: every layer that governs the source must allow it — the
   * network layer (NetworkPolicy, Cilium and Calico allow-lists add up; the ClusterNetworkPolicy
   * Admin tier comes first and overrides them; its Baseline tier applies only where no namespaced
   * policy selects the pod), then the mesh layer (a REGISTRY_ONLY sidecar passes only what a
   * ServiceEntry or a visible namespace declares), and, for traffic an egress gateway route
   * carries, the same for the hop to the gateway and the gateway's hop out.
   */
  public check(probe: Probe): Verdict {
    raiseUnscoped(PROBE(probe, 'EgressModel.check() probe'));
    return checkLayered(policyIndex(this.policies()), this.facts(), probe);
  }
}
