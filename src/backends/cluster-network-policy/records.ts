// What the ClusterNetworkPolicy backend records about each policy it renders, for the app-wide
// tier-conflict check (src/checks/tier-conflicts.ts). The backend only records; checks sit above
// backends and read the records at synth.
import { IConstruct } from 'constructs';
import { ClusterNetworkPolicyTier } from './options';
import { AppState, StateKey } from '../../util/app-state';
import { IEgressPolicyDefinition } from '../contract';

/** One policy rendered by the ClusterNetworkPolicy backend. */
export interface CnpPolicyRecord {
  readonly path: string;
  readonly tier: ClusterNetworkPolicyTier;
  readonly priority: number;
  readonly isolationPriority: number;
  readonly definition: IEgressPolicyDefinition;
}

const RECORDS = StateKey.local<CnpPolicyRecord[]>('clusterNetworkPolicies');

/** Record a rendered policy. */
export function recordCnpPolicy(scope: IConstruct, record: CnpPolicyRecord): void {
  AppState.of(scope).get(RECORDS, () => []).push(record);
}

/** The policies the backend rendered in the app of `scope`, in rendering order. */
export function cnpPolicies(scope: IConstruct): readonly CnpPolicyRecord[] {
  return AppState.of(scope).peek(RECORDS) ?? [];
}
