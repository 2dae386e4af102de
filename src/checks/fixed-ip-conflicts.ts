// The fixed-egress-IP conflict checks: a pod leaves with one source address only, so two
// FixedEgressIps that may select the same pod for overlapping destinations must agree on the
// address; and Terway gives a pod the first Ready PodNetworking that matches it, so two
// PodNetworkings must not select the same pods. Each conflicting pair is reported once, by the
// construct created later (EGRESS_CONFLICTING_OPTIONS).
import { IConstruct } from 'constructs';
import { AppCheck, CheckLevel, Finding } from './engine';
import { describeCidrDestinations, describeSourceInSentence, sortedLabelText } from '../core/describe';
import { DestinationConfig } from '../core/destination';
import { EgressErrorCode } from '../core/errors';
import { EgressSource } from '../core/source';
import { podNetworkings } from '../fixed-ip/alibaba-pod-networking-provider';
import { destinationsOverlap, sourcesOverlap, workloadOf } from '../fixed-ip/private';
import { AppState, StateKey } from '../util/app-state';

/** What the check needs of a FixedEgressIp. */
export interface FixedEgressIpEntry {
  readonly path: string;
  readonly sources: readonly EgressSource[];
  readonly egressIdentity: string;
  /** The destinations the address is for (undefined: all egress). */
  readonly destinations: readonly DestinationConfig[] | undefined;
}

interface Registered {
  /** Creation order: each conflicting pair is reported once, by the later construct. */
  readonly index: number;
  readonly entry: FixedEgressIpEntry;
}

/** Every FixedEgressIp of an app, and an index of them by source namespace (built at synth). */
interface Registry {
  readonly all: Registered[];
  /** True once a FixedEgressIp with a workload source is registered (its pod labels can change until synth). */
  workloads: boolean;
  byNamespace?: { readonly size: number; readonly map: Map<string, Registered[]> };
}

/**
 * Shared by every copy of the library in the process: a pod has one source address whichever
 * copy declares its FixedEgressIps.
 */
const REGISTRY = StateKey.shared<Registry>('fixedEgressIpRegistry');

/** Record a FixedEgressIp (in creation order). */
export function registerFixedEgressIp(scope: IConstruct, entry: FixedEgressIpEntry): void {
  const reg = AppState.of(scope).get(REGISTRY, () => ({ all: [], workloads: false }));
  reg.all.push({ index: reg.all.length, entry });
  if (entry.sources.some((s) => workloadOf(s) !== undefined)) reg.workloads = true;
}

/**
 * FixedEgressIps agree on the address of every pod they share. The answer changes when
 * FixedEgressIps are added, or when the pod labels of a workload source change: while the app has
 * workload sources, every pass compares again.
 */
export const FIXED_IP_CONFLICTS: AppCheck = {
  id: 'fixed-ip-conflicts',
  level: CheckLevel.ERROR,
  version: (app) => {
    const reg = AppState.of(app).peek(REGISTRY);
    return reg === undefined ? 0 : reg.workloads ? undefined : reg.all.length;
  },
  run: (app: IConstruct): Finding[] => {
    const reg = AppState.of(app).peek(REGISTRY);
    if (reg === undefined) return [];
    const index = namespaceIndex(reg);
    const out: Finding[] = [];
    for (const me of reg.all) {
      // Sources overlap only within one namespace, so only FixedEgressIps with a source in one
      // of this construct's namespaces are compared, in creation order.
      const candidates = new Set(me.entry.sources.flatMap((s) => index.get(s.toConfig().namespace) ?? []));
      const earlier = [...candidates].filter((r) => r.index < me.index).sort((a, b) => a.index - b.index);
      for (const message of conflicts(me.entry, earlier)) out.push({ path: me.entry.path, message });
    }
    return out;
  },
};

/** Two PodNetworkings never select the same pods. Run on every pass: a workload source's labels may change unseen. */
export const POD_NETWORKING_OVERLAP: AppCheck = {
  id: 'pod-networking-overlap',
  level: CheckLevel.ERROR,
  version: () => undefined,
  run: (app: IConstruct): Finding[] => {
    const list = podNetworkings(app);
    const out: Finding[] = [];
    list.forEach((entry, i) => {
      const mine = entry.source.toConfig();
      for (const e of list.slice(0, i).filter((x) => sourcesOverlap(x.source, entry.source))) {
        out.push({
          path: entry.scope.node.path,
          message: `PodNetworking ${entry.name()} (${describeSourceInSentence(mine, sortedLabelText)}) and PodNetworking ${e.name()} of ${e.scope.node.path} (${describeSourceInSentence(e.source.toConfig(), sortedLabelText)}) `
            + 'can select the same pods. Terway gives such a pod the first Ready match in list order, so its egress would depend on object names: '
            + `make the sources disjoint (${EgressErrorCode.CONFLICTING_OPTIONS})`,
        });
      }
    });
    return out;
  },
};

/** Conflicts of `me` with FixedEgressIps created earlier. */
function conflicts(me: FixedEgressIpEntry, earlier: readonly Registered[]): string[] {
  const out: string[] = [];
  for (const { entry: other } of earlier) {
    if (other.egressIdentity === me.egressIdentity) continue;
    // The cheap test (selectors) first, then the address blocks.
    const pairs = me.sources.map((mine) => ({ mine, theirs: other.sources.find((s) => sourcesOverlap(s, mine)) }));
    const first = pairs.find((x) => x.theirs !== undefined);
    if (!first || !destinationsOverlap(me.destinations, other.destinations)) continue;
    const { mine, theirs } = first;
    out.push(`${mine.describe()} may also be selected by ${other.path} (${theirs!.describe()}) for ${describeDestinations(me.destinations, other.destinations)}, `
      + `with a different egress address: ${me.egressIdentity} here, ${other.egressIdentity} there. A connection leaves with one source address only, `
      + `so which one applies would be undefined. Select disjoint pods or destinations, or use the same provider settings (${EgressErrorCode.CONFLICTING_OPTIONS})`);
  }
  return out;
}

/** The registry's namespace index, rebuilt when FixedEgressIps were added since it was built. */
function namespaceIndex(reg: Registry): Map<string, Registered[]> {
  if (reg.byNamespace?.size !== reg.all.length) {
    const map = new Map<string, Registered[]>();
    for (const r of reg.all) {
      for (const ns of new Set(r.entry.sources.map((s) => s.toConfig().namespace))) {
        const bucket = map.get(ns);
        if (bucket) bucket.push(r);
        else map.set(ns, [r]);
      }
    }
    reg.byNamespace = { size: reg.all.length, map };
  }
  return reg.byNamespace.map;
}

function describeDestinations(a: readonly DestinationConfig[] | undefined, b: readonly DestinationConfig[] | undefined): string {
  if (a === undefined && b === undefined) return 'all egress';
  const list = a === undefined ? b! : b === undefined ? a : a.filter((d) => destinationsOverlap([d], b));
  return describeCidrDestinations(list);
}
