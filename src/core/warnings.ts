import { IConstruct } from 'constructs';
import { compareStrings } from '../private/order';

/**
 * A warning raised while building egress policy.
 */
export interface EgressWarning {
  /** Stable id, e.g. `cdk8s-egress:ciliumNoHa`. Ids never change meaning. */
  readonly id: string;
  /** Path of the construct it is about. */
  readonly constructPath: string;
  /** What is wrong and what to do. */
  readonly message: string;
  /**
   * Why it was acknowledged.
   * @default - not acknowledged
   */
  readonly acknowledgedReason?: string;
}

const STATE = '__cdk8sEgressWarnings';

interface State {
  strict: boolean;
  warnings: Array<{ scope: IConstruct; id: string; message: string }>;
  acks: Array<{ scope: IConstruct; id: string; reason: string }>;
  printed: boolean;
  /**
   * Checks that can only be made once the whole app is built (they add warnings themselves, and
   * keep their own answer between passes). Run before warnings are listed or printed.
   */
  checks: Array<() => void>;
  /** The sorted list, kept while no warning or acknowledgement is added (cdk8s validates once per chart). */
  sorted?: { readonly warnings: number; readonly acks: number; readonly list: EgressWarning[] };
}

function state(scope: IConstruct): State {
  const root = scope.node.root as unknown as Record<string, State | undefined>;
  let s = root[STATE];
  if (!s) {
    s = { strict: false, warnings: [], acks: [], printed: false, checks: [] };
    Object.defineProperty(root, STATE, { value: s, enumerable: false });
    const st = s;
    scope.node.root.node.addValidation({
      validate: () => {
        // The root validates first (cdk8s visits the tree in pre-order), so app-wide checks have
        // added their warnings before anything is listed, printed or turned into an error.
        const list = sortedWarnings(st);
        const open = list.filter((w) => w.acknowledgedReason === undefined);
        if (st.strict) return open.map((w) => `[${w.constructPath}] ${w.message} (${w.id}; strict mode turns warnings into errors: fix it or EgressWarnings.acknowledge(scope, '${w.id}', reason))`);
        if (!st.printed && open.length > 0 && process.env.CDK8S_EGRESS_QUIET !== '1') {
          st.printed = true;
          for (const w of open) process.stderr.write(`cdk8s-egress warning ${w.id} at ${w.constructPath}: ${w.message}\n`);
        }
        return [];
      },
    });
  }
  return s;
}

function sortedWarnings(s: State): readonly EgressWarning[] {
  for (const check of s.checks) check();
  if (s.sorted?.warnings !== s.warnings.length || s.sorted.acks !== s.acks.length) {
    const list = s.warnings.map((w): EgressWarning => {
      const ack = s.acks.find((a) => a.id === w.id && isUnder(w.scope, a.scope));
      return { id: w.id, constructPath: w.scope.node.path, message: w.message, ...(ack ? { acknowledgedReason: ack.reason } : {}) };
    }).sort((a, b) => compareStrings(a.constructPath + a.id, b.constructPath + b.id));
    s.sorted = { warnings: s.warnings.length, acks: s.acks.length, list };
  }
  return s.sorted.list;
}

function isUnder(scope: IConstruct, ancestor: IConstruct): boolean {
  return scope.node.scopes.includes(ancestor);
}

/**
 * The warning channel (cdk8s has no aws-cdk `Annotations`). Warnings carry stable ids, are
 * recorded as construct metadata (`cdk8s-egress:warning`), printed to stderr at synth (set
 * `CDK8S_EGRESS_QUIET=1` to silence), and listed in the egress report. In strict mode every
 * warning that is not acknowledged fails synth.
 *
 * @example
 * EgressWarnings.enableStrictMode(app);
 * EgressWarnings.acknowledge(gateway, 'cdk8s-egress:ciliumNoHa', 'a single gateway node is accepted here');
 */
export class EgressWarnings {
  /** Record a warning on a construct. Called by the constructs. */
  public static add(scope: IConstruct, id: string, message: string): void {
    state(scope).warnings.push({ scope, id, message });
    scope.node.addMetadata('cdk8s-egress:warning', { id, message });
  }

  /** Turn every unacknowledged warning of the app into a synth error. */
  public static enableStrictMode(scope: IConstruct): void {
    state(scope).strict = true;
  }

  /** Accept warning `id` on `scope` and everything below it, with a reason (kept in the report). */
  public static acknowledge(scope: IConstruct, id: string, reason: string): void {
    state(scope).acks.push({ scope, id, reason });
  }

  /** Every warning of the app that `scope` belongs to, in a stable order. */
  public static list(scope: IConstruct): EgressWarning[] {
    return [...sortedWarnings(state(scope))];
  }

  /**
   * Register an app-wide check that runs before warnings are listed: it calls `add()` for what it
   * finds and must not add the same warning twice. Called by the constructs. @internal
   */
  public static _addSynthCheck(scope: IConstruct, check: () => void): void {
    state(scope).checks.push(check);
  }

  private constructor() {}
}
