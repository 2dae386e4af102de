// The constructs whose declared intents are enforced outside the app
// (DeclaredIntents.enforcedOutsideApp): the app-wide intent checks do not report them.
import { IConstruct } from 'constructs';
import { AppState, StateKey } from '../util/app-state';

interface OptOut {
  readonly path: string;
  readonly reason: string;
}

const OPT_OUTS = StateKey.local<OptOut[]>('declaredIntentOptOuts');

/** Record that the intents declared at `scope` and below are not checked. */
export function recordOptOut(scope: IConstruct, reason: string): void {
  AppState.of(scope).get(OPT_OUTS, () => []).push({ path: scope.node.path, reason });
}

/** Whether the construct at a path is opted out (at it or at a construct above it) in the app of `scope`. */
export function isOptedOut(scope: IConstruct): (path: string) => boolean {
  const optOuts = AppState.of(scope).peek(OPT_OUTS) ?? [];
  return (path) => optOuts.some((o) => path === o.path || path.startsWith(`${o.path}/`) || o.path === '');
}
