// The PodNetworkings an app emits, recorded by the Alibaba PodNetworking provider for the app-wide
// overlap check (src/checks/fixed-ip-conflicts.ts). Kept apart from the provider so that the check
// reads them without loading the provider or its generated bindings.
import { IConstruct } from 'constructs';
import { EgressSource } from '../core/source';
import { AppState, StateKey } from '../util/app-state';

/** A PodNetworking of the app: the FixedEgressIp that emits it, its name (read at synth) and its source. */
export interface PodNetworkingEntry {
  readonly scope: IConstruct;
  readonly name: () => string;
  readonly source: EgressSource;
}

/**
 * The PodNetworkings of an app, in creation order. Shared by every copy of the library in the
 * process: Terway matches the cluster's PodNetworkings in one list whichever copy emits them.
 */
const REGISTRY = StateKey.shared<PodNetworkingEntry[]>('podNetworkings');
/** Record a PodNetworking; the app-wide check (src/checks/fixed-ip-conflicts.ts) compares it with the earlier ones. */
export function registerPodNetworking(scope: IConstruct, entry: PodNetworkingEntry): void {
  AppState.of(scope).get(REGISTRY, () => []).push(entry);
}

/** The PodNetworkings of the app of `scope`, in creation order. */
export function podNetworkings(scope: IConstruct): readonly PodNetworkingEntry[] {
  return AppState.of(scope).peek(REGISTRY) ?? [];
}
