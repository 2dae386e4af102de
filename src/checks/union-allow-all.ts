// The union allow-all check: address blocks that several constructs allow the same pods on the
// same port add up (NetworkPolicies are allow-lists that add up), so when together they cover a
// whole address family one of them must have opted in with allowAllAddresses (EGRESS_ALLOW_ALL).
import { IConstruct } from 'constructs';
import { AppCheck, CheckLevel, Finding } from './engine';
import { isOptedOut } from './opt-outs';
import { addressShare, coveredFamily, mayCoverFamily } from './policy-checks';
import { describePortRange, describeSourceInSentence } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { EgressErrorCode } from '../core/errors';
import { EnforcementLayer } from '../core/policy-config';
import { PortConfig } from '../core/port';
import { SourceConfig } from '../core/source';
import { EgressModel } from '../model/egress-model';
import { GrantPurpose, ModelPolicy } from '../model/policy';

/** No group of constructs allows the same pods a whole address family (kept while the model is unchanged). */
export const UNION_ALLOW_ALL: AppCheck = {
  id: 'union-allow-all',
  level: CheckLevel.ERROR,
  run: (app: IConstruct) => {
    const skip = isOptedOut(app);
    const seen = new Set<string>();
    return unionAllowAll(EgressModel.of(app).policies()).filter((f) => {
      if (skip(f.path) || seen.has(`${f.path}|${f.message}`)) return false;
      seen.add(`${f.path}|${f.message}`);
      return true;
    });
  },
};

function portKeys(ports: readonly PortConfig[]): string[] {
  return ports.length === 0 ? ['*'] : ports.map((p) => describePortRange(p));
}

/** Allow-all by union across constructs, at the first construct path (sorted) of each group. */
export function unionAllowAll(all: readonly ModelPolicy[]): Finding[] {
  const out: Finding[] = [];
  const network = all.filter((p) => (p.semantics.layer ?? EnforcementLayer.NETWORK) === EnforcementLayer.NETWORK
    && p.purpose === GrantPurpose.ALLOW && p.semantics.isolates !== false);
  const byNs = new Map<string, ModelPolicy[]>();
  for (const p of network) {
    const list = byNs.get(p.source.namespace);
    if (list) list.push(p); else byNs.set(p.source.namespace, [p]);
  }
  const reported = new Set<string>();
  for (const [, policies] of byNs) {
    // Cheap first: unless the namespace's address blocks, all added up, could cover a family,
    // no group of them can.
    let share4 = 0;
    let share6 = 0;
    for (const p of policies) {
      for (const rule of p.rules) {
        if (rule.dns) continue;
        for (const d of rule.destinations) {
          share4 += addressShare(d, 4);
          share6 += addressShare(d, 6);
        }
      }
    }
    if (!mayCoverFamily(share4) && !mayCoverFamily(share6)) continue;
    if (new Set(policies.map((p) => p.constructPath)).size < 2) continue;
    // Every distinct pod selection of the namespace gets what every policy covering it allows.
    const sources = new Map<string, SourceConfig>();
    for (const p of policies) sources.set(JSON.stringify(p.source.podLabels ?? null), p.source);
    for (const source of sources.values()) {
      const covering = policies.filter((p) => p.source.podLabels === undefined
        || (source.podLabels !== undefined && Object.entries(p.source.podLabels).every(([k, v]) => source.podLabels![k] === v)));
      const groups = new Map<string, Array<{ p: ModelPolicy; d: DestinationConfig }>>();
      for (const p of covering) {
        for (const rule of p.rules) {
          if (rule.dns) continue;
          const blocks = rule.destinations.filter((d) => d.kind === DestinationKind.CIDR || d.kind === DestinationKind.KUBE_API_SERVER);
          if (blocks.length === 0) continue;
          for (const key of portKeys(rule.ports)) {
            const list = groups.get(key) ?? [];
            for (const d of blocks) list.push({ p, d });
            groups.set(key, list);
          }
        }
      }
      const everyPort = groups.get('*') ?? [];
      for (const [key, list] of groups) {
        const entries = key === '*' ? list : [...list, ...everyPort];
        const paths = [...new Set(entries.map((e) => e.p.constructPath))].sort();
        if (paths.length < 2 || entries.some((e) => e.p.allowAllAddresses)) continue;
        if (![4, 6].some((f) => mayCoverFamily(entries.reduce((sum, e) => sum + addressShare(e.d, f as 4 | 6), 0)))) continue;
        const covered = coveredFamily(entries.map((e) => e.d));
        if (!covered || reported.has(paths.join('|'))) continue;
        reported.add(paths.join('|'));
        const who = describeSourceInSentence(source);
        out.push({
          path: paths[0],
          message: `Together, ${paths.join(', ')} allow ${who} ${covered.blocks.join(', ')} on ${key === '*' ? 'every port' : key}, which cover every IPv${covered.family} address `
            + `(${covered.family === 4 ? '0.0.0.0/0' : '::/0'} once merged): NetworkPolicies add up, so the pods could reach the whole internet. `
            + `List only the external ranges you need, or set allowAllAddresses: true on one of them to opt in (${EgressErrorCode.ALLOW_ALL})`,
        });
      }
    }
  }
  return out;
}
