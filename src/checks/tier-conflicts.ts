// The ClusterNetworkPolicy tier-conflict check: policies of that backend whose accepts an earlier
// isolation of the same tier overrides, and pods that both a ClusterNetworkPolicy tier and a
// namespaced backend govern, where the tier would deny what the other allows (Admin) or be skipped
// (Baseline). The backend records its policies (records.ts); this check reads them at synth and
// reports at each policy's construct (EGRESS_CONFLICTING_OPTIONS).
import { IConstruct } from 'constructs';
import { AppCheck, CheckLevel, Finding } from './engine';
import { CLUSTER_NETWORK_POLICY_INFO } from '../backends/cluster-network-policy/capabilities';
import { ClusterNetworkPolicyTier } from '../backends/cluster-network-policy/options';
import { CnpPolicyRecord, cnpPolicies } from '../backends/cluster-network-policy/records';
import { describeDestinationClusterWide, describePortRange, describeSource } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { EgressErrorCode } from '../core/errors';
import { sourcesMayOverlap } from '../core/names';
import { EgressRuleConfig } from '../core/policy-config';
import { PortConfig } from '../core/port';
import { EgressModel } from '../model/egress-model';
import { cidrContains, isCidr, parseCidr } from '../util/cidr';

/** No ClusterNetworkPolicy tier conflict. Run on every pass: a workload source's labels may change unseen. */
export const TIER_CONFLICTS: AppCheck = {
  id: 'tier-conflicts',
  level: CheckLevel.ERROR,
  version: () => undefined,
  run: (app: IConstruct): Finding[] => {
    const all = cnpPolicies(app);
    if (all.length === 0) return [];
    const model = EgressModel.of(app);
    return all.flatMap((record) => [...priorityConflicts(record, all), ...backendConflicts(record, all, model)]
      .map((message) => ({ path: record.path, message })));
  },
};

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
  const others = model.policies().filter((p) => p.backend !== CLUSTER_NETWORK_POLICY_INFO.id && sourcesMayOverlap(source, p.source));
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
