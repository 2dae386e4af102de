// The DNS-path check: pods that a policy egress-isolates without giving them DNS itself need some
// policy of the app that keeps UDP and TCP open to a DNS resolver for all of them, or every
// hostname lookup fails (EGRESS_DNS_PATH_MISSING).
import { IConstruct } from 'constructs';
import { AppCheck, CheckLevel, Finding } from './engine';
import { describeSource } from '../core/describe';
import { EgressErrorCode } from '../core/errors';
import { labelsMatch } from '../core/names';
import { SourceConfig } from '../core/source';
import { EgressModel } from '../model/egress-model';
import { ModelPolicy } from '../model/policy';
import { AppState, StateKey } from '../util/app-state';

/** A policy that isolates pods without DNS of its own: its construct, and its source (read at synth: workloads resolve late). */
interface DnsNeed {
  readonly path: string;
  readonly source: () => SourceConfig;
}

const NEEDS = StateKey.local<DnsNeed[]>('dnsPathNeeds');

/** Check at synth that the app gives the pods of `source` a DNS path (reported at `scope`). */
export function needsDnsPath(scope: IConstruct, source: () => SourceConfig): void {
  AppState.of(scope).get(NEEDS, () => []).push({ path: scope.node.path, source });
}

/** True when some policy that keeps DNS open covers every pod of `source`. */
export function hasDnsPath(policies: readonly ModelPolicy[], source: SourceConfig): boolean {
  return policies.some((p) => p.providesDns
    && p.source.namespace === source.namespace
    && (p.source.podLabels === undefined || (source.podLabels !== undefined && labelsMatch(p.source.podLabels, source.podLabels))));
}

/** Every isolated source has a DNS path. Run on every pass: a workload source's labels may change unseen. */
export const DNS_PATH: AppCheck = {
  id: 'dns-path',
  level: CheckLevel.ERROR,
  version: () => undefined,
  run: (app: IConstruct): Finding[] => {
    const needs = AppState.of(app).peek(NEEDS) ?? [];
    if (needs.length === 0) return [];
    const policies = EgressModel.of(app).policies();
    const out: Finding[] = [];
    for (const need of needs) {
      const source = need.source();
      if (hasDnsPath(policies, source)) continue;
      out.push({
        path: need.path,
        message: `${describeSource(source)} is egress-isolated here but has no DNS path: nothing in the app allows it UDP and TCP to a DNS resolver. `
          + `Keep the default dns option, or add a DnsEgressRule for the same pods (${EgressErrorCode.DNS_PATH_MISSING})`,
      });
    }
    return out;
  },
};
