// DeclaredIntents: the public face of the app-wide intent checks (the checks themselves are
// intent-reachability.ts and union-allow-all.ts, run by the checks engine): the opt-out for
// intents enforced outside the app, and the hook the declaring constructs call.
import { IConstruct } from 'constructs';
import { watchAppChecks } from './app-checks';
import { recordOptOut } from './opt-outs';
import { EgressError } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { EgressModel } from '../model/egress-model';
import { EgressFact, FactKind } from '../model/facts';

/**
 * Synth-time check that everything the app declares is reachable through every enforcing layer
 * together (network plugin, mesh sidecar, egress gateway), and the opt-out for intents that are
 * enforced outside the app.
 *
 * Every construct that declares egress takes part; a declared intent that another construct
 * blocks fails `app.synth()` with both construct paths, the probe that was checked, and the fix
 * (`EGRESS_INTENT_BLOCKED`).
 */
export class DeclaredIntents {
  /**
   * Do not check the intents declared at `scope` and below: what they need is enforced (or
   * opened) outside this app, for example by policies another pipeline applies. The reason is
   * kept in the egress report as an opt-out.
   */
  public static enforcedOutsideApp(scope: IConstruct, reason: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const inputs = require('../core/inputs') as typeof import('../core/inputs');
    if (!inputs.isConstruct(scope)) inputs.raiseUnscoped([inputs.argProblem('The scope of DeclaredIntents.enforcedOutsideApp()', scope, 'a construct (the App, a Chart or a construct in one)')]);
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      throw EgressError.at(scope, EgressErrorCode.REASON_REQUIRED,
        'DeclaredIntents.enforcedOutsideApp() needs a reason (kept in the egress report): say where the path these intents need is opened, e.g. \'opened by the platform team\'s baseline policies\'');
    }
    recordOptOut(scope, reason);
    // (recording the fact bumps the model's revision, so the next check sees the opt-out)
    const model = EgressModel.of(scope);
    model.recordFact({
      toFact: (): EgressFact => ({
        kind: FactKind.OPT_OUT,
        constructPath: scope.node.path,
        summary: `declared intents at ${scope.node.path} are not checked for reachability: ${reason}`,
        objectRefs: [],
        details: { option: 'declaredIntentCheck', reason },
      }),
    });
  }

  /**
   * Check the intents declared by `scope` when the app is synthesized. Called by the constructs
   * that declare egress. @internal
   */
  public static _watch(scope: IConstruct): void {
    watchAppChecks(scope);
  }

  private constructor() {}
}
