import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { CLUSTER_NETWORK_POLICY_INFO, clusterNetworkPolicyCapabilities } from './capabilities';
import { ClusterNetworkPolicyBackendOptions, ClusterNetworkPolicyTier } from './options';
import { recordCnpPolicy } from './records';
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
import { DestinationConfig, DestinationKind } from '../../core/destination';
import { EgressError } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { NAMESPACE_NAME_LABEL, objectNameProblems } from '../../core/names';
import { Capability, EgressRuleConfig, EnforcementSemantics, PolicyTier } from '../../core/policy-config';
import { PortConfig, Protocol } from '../../core/port';
import { SourceConfig } from '../../core/source';
import { minimizeDestinations } from '../../emit/minimize';
import { plainApiObject } from '../../emit/objects';
import { AppState, StateKey } from '../../util/app-state';
import { EgressBackendBase, IEgressPolicyDefinition } from '../contract';

/** CRD limits of policy.networking.k8s.io/v1alpha2 (v0.2.0 standard channel). */
const MAX_RULES = 25;
const MAX_PEERS = 25;
const MAX_NETWORKS = 25;
const MAX_PROTOCOLS = 25;
const BACKEND_ID = CLUSTER_NETWORK_POLICY_INFO.id;
const ISOLATION_RULE_NAME = 'deny-all-other-egress';

/** The names of the app's ClusterNetworkPolicies (cluster-scoped: unique across namespaces) -> the construct path. */
const NAMES = StateKey.local<Map<string, string>>('clusterNetworkPolicyNames');

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

    const names = AppState.of(scope).get(NAMES, () => new Map<string, string>());
    for (const obj of [accept, isolation]) {
      const other = names.get(obj.name);
      if (other !== undefined) {
        throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
          `ClusterNetworkPolicy name "${obj.name}" is already used by ${other}. ClusterNetworkPolicies are cluster-scoped, so names must be unique across namespaces: `
          + `give this policy another name, for example "${m.namespace}-${m.name ?? obj.name}"`);
      }
    }
    names.set(accept.name, scope.node.path);
    names.set(isolation.name, scope.node.path);
    // What the app-wide tier-conflict check needs (src/checks/tier-conflicts.ts).
    recordCnpPolicy(scope, {
      path: scope.node.path, tier: this.tier, priority: this.priority, isolationPriority: this.isolationPriority, definition: policy,
    });

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
