import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CLUSTER_NETWORK_POLICY_INFO, clusterNetworkPolicyCapabilities } from './capabilities';
import { ClusterNetworkPolicyBackendOptions, ClusterNetworkPolicyTier } from './options';
import {
  ClusterNetworkPolicy,
  ClusterNetworkPolicySpec,
  ClusterNetworkPolicySpecEgress,
  ClusterNetworkPolicySpecEgressAction,
  ClusterNetworkPolicySpecEgressProtocols,
  ClusterNetworkPolicySpecEgressProtocolsTcpDestinationPort,
  ClusterNetworkPolicySpecEgressTo,
  ClusterNetworkPolicySpecSubject,
  ClusterNetworkPolicySpecTier,
} from '../../../imports/policy.networking.k8s.io';
import { describeDestinationClusterWide, describePortRange, describeSource } from '../../core/describe';
import { DestinationConfig, DestinationKind } from '../../core/destination';
import { EgressError } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { NAMESPACE_NAME_LABEL, objectNameProblems, sourcesMayOverlap } from '../../core/names';
import { Capability, EgressRuleConfig, EnforcementSemantics, PolicyTier } from '../../core/policy-config';
import { PortConfig, Protocol } from '../../core/port';
import { SourceConfig } from '../../core/source';
import { minimizeDestinations } from '../../emit/minimize';
import { plainApiObject } from '../../emit/objects';
import { EgressModel } from '../../model/egress-model';
import { cidrContains, isCidr, parseCidr } from '../../util/cidr';
import { EgressBackendBase, IEgressPolicyDefinition } from '../contract';

/** CRD limits of policy.networking.k8s.io/v1alpha2 (v0.2.0 standard channel). */
const MAX_RULES = 25;
const MAX_PEERS = 25;
const MAX_NETWORKS = 25;
const MAX_PROTOCOLS = 25;
const BACKEND_ID = CLUSTER_NETWORK_POLICY_INFO.id;
const ISOLATION_RULE_NAME = 'deny-all-other-egress';

/** What one policy rendered by this backend needs for the app-wide checks. */
interface CnpPolicyRecord {
  readonly path: string;
  readonly tier: ClusterNetworkPolicyTier;
  readonly priority: number;
  readonly isolationPriority: number;
  readonly definition: IEgressPolicyDefinition;
}

interface AppState {
  readonly names: Map<string, string>;
  readonly policies: CnpPolicyRecord[];
}

const APP_STATE = new WeakMap<IConstruct, AppState>();

function appState(scope: IConstruct): AppState {
  const root = scope.node.root;
  let state = APP_STATE.get(root);
  if (!state) {
    state = { names: new Map(), policies: [] };
    APP_STATE.set(root, state);
  }
  return state;
}

/**
 * Renders egress policy as network-policy-api `ClusterNetworkPolicy` objects
 * (`policy.networking.k8s.io/v1alpha2`, cluster-scoped), two per policy:
 *
 * 1. an *accept* policy at `priority`: one `Accept` rule per group of destinations that share
 *    ports, so the allowed traffic is decided in the tier (in the Admin tier, no namespaced
 *    NetworkPolicy can deny it);
 * 2. an *isolation* policy at `isolationPriority` (after every accept policy by default) with a
 *    single `Deny` rule to every namespace and every address (`0.0.0.0/0`, `::/0`): an `Accept`
 *    alone does not isolate, so without it the source could still reach everything else.
 *
 * Keeping the deny in its own, later policy makes several policies for the same pods add up, as
 * NetworkPolicies do: every accept is evaluated before any isolation. Subjects and peers select
 * namespaces by `kubernetes.io/metadata.name`; a pod destination without namespace is pinned to
 * the source namespace (a cluster-scoped peer would otherwise match every namespace).
 * The v0.2.0 standard channel has no `except` for networks and no domain names, so neither is a
 * capability. Port ranges need start < end; "every port" of a protocol is the range 1-65535.
 */
export class ClusterNetworkPolicyBackend extends EgressBackendBase {
  public readonly id = BACKEND_ID;
  public readonly displayName: string;
  public readonly capabilities: Capability[];
  /** Cluster-scoped policies in the Admin tier (before namespaced policies) or the Baseline tier (after them). */
  public readonly semantics: EnforcementSemantics;
  private readonly tier: ClusterNetworkPolicyTier;
  private readonly priority: number;
  private readonly isolationPriority: number;

  public constructor(options: ClusterNetworkPolicyBackendOptions = {}) {
    super();
    this.tier = options.tier ?? ClusterNetworkPolicyTier.ADMIN;
    this.priority = options.priority ?? 100;
    this.isolationPriority = options.isolationPriority ?? 1000;
    const admin = this.tier === ClusterNetworkPolicyTier.ADMIN;
    this.semantics = { tier: admin ? PolicyTier.ADMIN : PolicyTier.BASELINE };
    this.displayName = `ClusterNetworkPolicy (${admin ? 'Admin' : 'Baseline'} tier)`;
    this.capabilities = clusterNetworkPolicyCapabilities(admin);
  }

  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    this.checkOptions(scope);
    const m = policy.metadata;
    const metadata = {
      ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
      ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
    };
    const tier = this.tier === ClusterNetworkPolicyTier.ADMIN ? ClusterNetworkPolicySpecTier.ADMIN : ClusterNetworkPolicySpecTier.BASELINE;
    const accept = plainApiObject(ClusterNetworkPolicy.GVK, scope, id, {
      metadata: { ...(m.name !== undefined ? { name: m.name } : {}), ...metadata },
      spec: Lazy.any({
        produce: (): ClusterNetworkPolicySpec => {
          const config = policy.resolve();
          const egress = acceptRules(config.source, config.rules);
          return { tier, priority: this.priority, subject: subjectOf(config.source), ...(egress.length ? { egress } : {}) };
        },
      }),
    });
    // Named after the accept policy (also when that name is generated), so the pair reads together.
    const isolationName = `${accept.name}-isolation`;
    if (objectNameProblems(isolationName).length > 0) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
        `Invalid name "${accept.name}" for the ClusterNetworkPolicy backend: its isolation policy is named "${isolationName}", which is longer than 253 characters. Use a shorter name`);
    }
    const isolation = plainApiObject(ClusterNetworkPolicy.GVK, scope, `${id}Isolation`, {
      metadata: { name: isolationName, ...metadata },
      spec: Lazy.any({
        produce: (): ClusterNetworkPolicySpec => ({
          tier,
          priority: this.isolationPriority,
          subject: subjectOf(policy.resolve().source),
          egress: [{
            name: ISOLATION_RULE_NAME,
            action: ClusterNetworkPolicySpecEgressAction.DENY,
            to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }],
          }],
        }),
      }),
    });

    const state = appState(scope);
    for (const obj of [accept, isolation]) {
      const other = state.names.get(obj.name);
      if (other !== undefined) {
        throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
          `ClusterNetworkPolicy name "${obj.name}" is already used by ${other}. ClusterNetworkPolicies are cluster-scoped, so names must be unique across namespaces: `
          + `give this policy another name, for example "${m.namespace}-${m.name ?? obj.name}"`);
      }
    }
    state.names.set(accept.name, scope.node.path);
    state.names.set(isolation.name, scope.node.path);
    const record: CnpPolicyRecord = {
      path: scope.node.path, tier: this.tier, priority: this.priority, isolationPriority: this.isolationPriority, definition: policy,
    };
    state.policies.push(record);

    // Refuse, at the allow() that crosses it, a policy the CRD would reject for size.
    const rules: EgressRuleConfig[] = [];
    policy.onRule({
      ruleAdded: (rule) => {
        rules.push(rule);
        const needed = countAcceptRules(rules);
        if (needed > MAX_RULES) {
          throw EgressError.at(scope, EgressErrorCode.POLICY_TOO_LARGE,
            `This policy needs ${needed} ClusterNetworkPolicy egress rules, over the CRD limit of ${MAX_RULES} per object `
            + `(one rule per distinct list of ports, and one more per ${MAX_PEERS} destinations or ${MAX_PROTOCOLS} ports). `
            + 'Give destinations that share ports the same port list, or split them across several EgressPolicy constructs for the same source (they add up)');
        }
      },
    });
    scope.node.addValidation({
      validate: () => [...priorityConflicts(record, state.policies), ...backendConflicts(record, state.policies, EgressModel.of(scope))],
    });
    return [accept, isolation];
  }

  private checkOptions(scope: Construct): void {
    if (!Object.values(ClusterNetworkPolicyTier).includes(this.tier)) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `Invalid ClusterNetworkPolicy tier "${String(this.tier)}": use ClusterNetworkPolicyTier.ADMIN or ClusterNetworkPolicyTier.BASELINE`);
    }
    if (!Number.isInteger(this.priority) || this.priority < 0 || this.priority > 999) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `Invalid ClusterNetworkPolicy priority ${this.priority}: it must be a whole number from 0 to 999 (lower is evaluated first), below isolationPriority`);
    }
    if (!Number.isInteger(this.isolationPriority) || this.isolationPriority < 1 || this.isolationPriority > 1000) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `Invalid ClusterNetworkPolicy isolationPriority ${this.isolationPriority}: it must be a whole number from 1 to 1000, above priority`);
    }
    if (this.isolationPriority <= this.priority) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `ClusterNetworkPolicy isolationPriority ${this.isolationPriority} is not above priority ${this.priority}: the deny-everything-else policy would be evaluated `
        + `before (or, at equal priority, in undefined order with) the policy that accepts the allowed traffic. Use a priority below ${this.isolationPriority}, or raise isolationPriority`);
    }
  }
}

interface PortGroup {
  readonly ports: PortConfig[];
  readonly destinations: DestinationConfig[];
}

/** Rules with the same L4 ports, merged (first-seen order), destinations de-duplicated and minimized. */
function groupByPorts(rules: readonly EgressRuleConfig[]): PortGroup[] {
  const groups = new Map<string, { ports: PortConfig[]; destinations: DestinationConfig[] }>();
  for (const rule of rules) {
    const key = rule.ports.map((p) => `${p.protocol}/${p.port ?? '*'}-${p.endPort ?? ''}`).join(',');
    let g = groups.get(key);
    if (!g) {
      g = { ports: [...rule.ports], destinations: [] };
      groups.set(key, g);
    }
    g.destinations.push(...rule.destinations);
  }
  return [...groups.values()].map((g) => ({ ports: g.ports, destinations: minimizeDestinations(g.destinations) }));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function nameSelector(namespace: string) {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}

function subjectOf(source: SourceConfig): ClusterNetworkPolicySpecSubject {
  return source.podLabels && Object.keys(source.podLabels).length
    ? { pods: { namespaceSelector: nameSelector(source.namespace), podSelector: { matchLabels: source.podLabels } } }
    : { namespaces: nameSelector(source.namespace) };
}

/** The `to` peers of one port group: pod/namespace peers in order, address blocks in peers of 25. */
function peersOf(source: SourceConfig, destinations: readonly DestinationConfig[]): ClusterNetworkPolicySpecEgressTo[] {
  const peers: ClusterNetworkPolicySpecEgressTo[] = [];
  const networks: string[] = [];
  let networksAt = -1;
  for (const d of destinations) {
    switch (d.kind) {
      case DestinationKind.PODS: {
        const namespaceSelector = d.namespaceLabels ? { matchLabels: d.namespaceLabels } : nameSelector(d.namespace ?? source.namespace);
        peers.push(d.podLabels && Object.keys(d.podLabels).length
          ? { pods: { namespaceSelector, podSelector: { matchLabels: d.podLabels } } }
          : { namespaces: namespaceSelector });
        break;
      }
      case DestinationKind.CIDR:
      case DestinationKind.KUBE_API_SERVER: {
        if (d.kind === DestinationKind.CIDR && d.except && d.except.length) {
          throw new Error('ClusterNetworkPolicy cannot express CIDR exceptions (capability checks should have refused it)');
        }
        const blocks = d.kind === DestinationKind.CIDR ? [d.cidr!] : (d.apiServerCidrs ?? []);
        if (blocks.length === 0) throw new Error('ClusterNetworkPolicy needs the API server endpoint addresses (capability checks should have refused it)');
        if (networksAt === -1) networksAt = peers.length;
        for (const b of blocks) if (!networks.includes(b)) networks.push(b);
        break;
      }
      default:
        throw new Error(`ClusterNetworkPolicy cannot express destination kind ${d.kind}`);
    }
  }
  if (networksAt !== -1) peers.splice(networksAt, 0, ...chunks(networks, MAX_NETWORKS).map((n) => ({ networks: n })));
  return peers;
}

function destinationPort(p: PortConfig): ClusterNetworkPolicySpecEgressProtocolsTcpDestinationPort {
  if (p.port === undefined) return { range: { start: 1, end: 65535 } };
  if (p.endPort !== undefined && p.endPort !== p.port) return { range: { start: p.port, end: p.endPort } };
  return { number: p.port };
}

function protocolsOf(ports: readonly PortConfig[]): ClusterNetworkPolicySpecEgressProtocols[] {
  return ports.map((p) => {
    const match = { destinationPort: destinationPort(p) };
    switch (p.protocol) {
      case Protocol.TCP: return { tcp: match };
      case Protocol.UDP: return { udp: match };
      case Protocol.SCTP: return { sctp: match };
      default: throw new Error(`ClusterNetworkPolicy cannot express protocol ${String(p.protocol)}`);
    }
  });
}

function acceptRules(source: SourceConfig, rules: readonly EgressRuleConfig[]): ClusterNetworkPolicySpecEgress[] {
  const out: ClusterNetworkPolicySpecEgress[] = [];
  for (const group of groupByPorts(rules)) {
    const peers = peersOf(source, group.destinations);
    if (peers.length === 0) throw new Error('ClusterNetworkPolicy backend: refusing to emit a rule without peers');
    const protocols = protocolsOf(group.ports);
    // No protocols means every port and protocol of the peers, as on a NetworkPolicy rule.
    const protocolChunks: Array<ClusterNetworkPolicySpecEgressProtocols[] | undefined> = protocols.length
      ? chunks(protocols, MAX_PROTOCOLS)
      : [undefined];
    for (const to of chunks(peers, MAX_PEERS)) {
      for (const p of protocolChunks) {
        out.push({ action: ClusterNetworkPolicySpecEgressAction.ACCEPT, to, ...(p ? { protocols: p } : {}) });
      }
    }
  }
  return out;
}

/** How many accept rules `rules` need (the source does not change the count). */
function countAcceptRules(rules: readonly EgressRuleConfig[]): number {
  return acceptRules({ namespace: 'x' }, rules).length;
}

/** Accepts of `record` that some overlapping policy of the same tier isolates before. */
function priorityConflicts(record: CnpPolicyRecord, all: readonly CnpPolicyRecord[]): string[] {
  const source = record.definition.resolve().source;
  const messages: string[] = [];
  for (const other of all) {
    if (other === record || other.tier !== record.tier || other.isolationPriority > record.priority) continue;
    if (!sourcesMayOverlap(source, other.definition.resolve().source)) continue;
    messages.push(`This ClusterNetworkPolicy accepts at priority ${record.priority}, but ${other.path} denies all other egress of the same pods `
      + `(${describeSource(source)}) at priority ${other.isolationPriority} in the ${record.tier} tier, which is evaluated first (at equal priority, in an undefined order), so this policy's accepts may never apply. `
      + `Keep every priority below every isolationPriority for the same pods (defaults: 100 and 1000) (${EgressErrorCode.CONFLICTING_OPTIONS})`);
  }
  return messages;
}

/** One destination×port of a policy (`port` undefined: every port and protocol). */
interface Entry {
  readonly destination: DestinationConfig;
  readonly port?: PortConfig;
}

function entriesOf(rules: readonly EgressRuleConfig[]): Entry[] {
  return rules.flatMap((rule) => rule.destinations.flatMap((destination): Entry[] =>
    rule.ports.length === 0 ? [{ destination }] : rule.ports.map((port) => ({ destination, port }))));
}

function destinationCovers(outer: DestinationConfig, inner: DestinationConfig): boolean {
  if (JSON.stringify(outer) === JSON.stringify(inner)) return true;
  if (outer.kind !== DestinationKind.CIDR || inner.kind !== DestinationKind.CIDR || (outer.except && outer.except.length)) return false;
  const o = parseCidr(outer.cidr!);
  const i = parseCidr(inner.cidr!);
  return isCidr(o) && isCidr(i) && cidrContains(o, i);
}

function portCovers(outer: PortConfig | undefined, inner: PortConfig | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined || outer.protocol !== inner.protocol) return false;
  if (outer.port === undefined) return true;
  if (inner.port === undefined) return false;
  return outer.port <= inner.port && (outer.endPort ?? outer.port) >= (inner.endPort ?? inner.port);
}

/** The first entry of `entries` that no entry of `by` allows. */
function firstUncovered(entries: readonly Entry[], by: readonly Entry[]): Entry | undefined {
  return entries.find((e) => !by.some((b) => destinationCovers(b.destination, e.destination) && portCovers(b.port, e.port)));
}

/**
 * Policies of other backends (namespaced NetworkPolicies and the like) for pods this policy also
 * selects: the Admin tier overrides them (what they allow beyond our accepts is denied), and a
 * namespaced policy makes the Baseline tier skip the pods (what we accept beyond theirs is lost).
 * Either way the app would claim more than the cluster allows.
 */
function backendConflicts(record: CnpPolicyRecord, all: readonly CnpPolicyRecord[], model: EgressModel): string[] {
  const source = record.definition.resolve().source;
  const ours = all.filter((r) => r.tier === record.tier && sourcesMayOverlap(source, r.definition.resolve().source));
  const others = model.policies().filter((p) => p.backend !== BACKEND_ID && sourcesMayOverlap(source, p.source));
  if (others.length === 0) return [];
  if (record.tier === ClusterNetworkPolicyTier.BASELINE) {
    const missing = firstUncovered(entriesOf(record.definition.resolve().rules), others.flatMap((p) => entriesOf(p.rules)));
    if (!missing) return [];
    return [`${describeSource(source)} is also selected by ${others.map((p) => `${p.constructPath} (backend ${p.backend})`).join(', ')}, and Baseline-tier `
      + `ClusterNetworkPolicies do not apply to pods that a namespaced policy selects: egress to ${describeDestinationClusterWide(missing.destination)} on ${describePortRange(missing.port)} `
      + `accepted here would be denied. Allow it through the other backend too, or give these pods one kind of backend (${EgressErrorCode.CONFLICTING_OPTIONS})`];
  }
  const ourEntries = ours.flatMap((r) => entriesOf(r.definition.resolve().rules));
  const messages: string[] = [];
  for (const other of others) {
    const missing = firstUncovered(entriesOf(other.rules), ourEntries);
    if (missing) {
      messages.push(`${describeSource(source)} is isolated by this Admin-tier ClusterNetworkPolicy, which namespaced policies cannot override, but ${other.constructPath} `
        + `(backend ${other.backend}) allows the same pods egress to ${describeDestinationClusterWide(missing.destination)} on ${describePortRange(missing.port)}, which no Admin-tier ClusterNetworkPolicy for them accepts: `
        + `the cluster would deny it. Allow it through the ClusterNetworkPolicy backend too, or give these pods one kind of backend (${EgressErrorCode.CONFLICTING_OPTIONS})`);
    }
  }
  return messages;
}
