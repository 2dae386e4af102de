import { IConstruct } from 'constructs';
import { EgressError, raise } from './egress-error';
import { EgressErrorCode } from './errors';
import { argProblem, isConstruct, raiseUnscoped } from './inputs';
import { VERBOSE_WARNINGS_CONTEXT, WARNING_CATALOGUE, WARNING_METADATA, closestWarningId, firstSentence, isWarningId } from './warning-catalogue';
import { EgressWarningId } from './warning-ids';
import { AppState, StateKey } from '../util/app-state';
import { compareStrings } from '../util/order';
import { show, showWithKind } from '../util/show';

/**
 * A warning raised while building egress policy.
 */
export interface EgressWarning {
  /** Stable id, one of `EgressWarningId`, e.g. `cdk8s-egress:ciliumEgressNoHa`. Ids never change meaning. */
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

/**
 * The warnings of an app. Shared by every copy of the library in the process: strict mode and
 * acknowledgements apply to every warning of the app, and synth prints one summary.
 */
const STATE = StateKey.shared<State>('warnings');
/** How many construct paths a grouped synth line names before "and N more". */
const PATHS_SHOWN = 5;

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
  const appState = AppState.of(scope);
  let s = appState.peek(STATE);
  if (!s) {
    s = { strict: false, warnings: [], acks: [], printed: false, checks: [] };
    appState.set(STATE, s);
    const st = s;
    const app = scope.node.root;
    app.node.addValidation({
      validate: () => {
        // The root validates first (cdk8s visits the tree in pre-order), so app-wide checks have
        // added their warnings before anything is listed, printed or turned into an error.
        const verbose = verboseWarnings(app);
        const list = sortedWarnings(st);
        const open = list.filter((w) => w.acknowledgedReason === undefined);
        if (st.strict) {
          return open.map((w) => `[${w.constructPath}] ${w.message} (${w.id}; strict mode turns warnings into errors: fix it or EgressWarnings.acknowledge(scope, '${w.id}', reason)) `
            + `(${EgressErrorCode.WARNING_NOT_ACKNOWLEDGED})`);
        }
        if (!st.printed && open.length > 0 && !envFlag('CDK8S_EGRESS_QUIET')) {
          st.printed = true;
          for (const line of synthLines(open, list.length - open.length, verbose)) process.stderr.write(`${line}\n`);
        }
        return [];
      },
    });
  }
  return s;
}

function envFlag(name: string): boolean {
  const v = (process.env[name] ?? '').trim().toLowerCase();
  return v === '1' || v === 'true';
}

/** Whether the full text is wanted: `CDK8S_EGRESS_VERBOSE=1`, or the context switch. */
function verboseWarnings(app: IConstruct): boolean {
  const value: unknown = app.node.tryGetContext(VERBOSE_WARNINGS_CONTEXT);
  const unset = value === undefined || value === null || value === false || value === 'false';
  if (!unset && value !== true && value !== 'true') {
    throw EgressError.at(app, EgressErrorCode.INVALID_CONTEXT,
      `Invalid ${VERBOSE_WARNINGS_CONTEXT} context value ${JSON.stringify(value)}: it must be true (print the full text of every warning at synth) or false`);
  }
  return !unset || envFlag('CDK8S_EGRESS_VERBOSE');
}

/**
 * What synth prints for the open warnings: one line per id (its count when it repeats, the first
 * sentence of its message, the construct paths), then one line that says how to see the full text.
 * Verbose: one line per warning with its full message.
 */
function synthLines(open: readonly EgressWarning[], acknowledged: number, verbose: boolean): string[] {
  const lines: string[] = [];
  if (verbose) {
    for (const w of open) lines.push(`warning ${w.id}: ${w.message} — at ${w.constructPath}`);
  } else {
    const byId = new Map<string, EgressWarning[]>();
    for (const w of open) byId.set(w.id, [...byId.get(w.id) ?? [], w]);
    for (const id of [...byId.keys()].sort(compareStrings)) {
      const group = byId.get(id)!;
      const sentences = [...new Set(group.map((w) => firstSentence(w.message)))];
      // One instance, or several saying the same: its first sentence; otherwise the catalogue's summary.
      const text = sentences.length === 1 || !isWarningId(id) ? sentences[0] : WARNING_CATALOGUE[id].summary;
      const paths = [...new Set(group.map((w) => w.constructPath))].sort(compareStrings);
      const shown = paths.length > PATHS_SHOWN ? `${paths.slice(0, PATHS_SHOWN).join(', ')} and ${paths.length - PATHS_SHOWN} more` : paths.join(', ');
      lines.push(`warning ${id}${group.length > 1 ? ` (${group.length})` : ''}: ${text} — at ${shown}`);
    }
  }
  const count = `${open.length} warning${open.length === 1 ? '' : 's'}${acknowledged > 0 ? ` (${acknowledged} acknowledged)` : ''}`;
  const fullText = verbose ? '' : ` Full text: CDK8S_EGRESS_VERBOSE=1 (or context ${VERBOSE_WARNINGS_CONTEXT}: true), construct metadata ${WARNING_METADATA}, or the egress report.`;
  lines.push(`cdk8s-egress: ${count}.${fullText} Accept one with EgressWarnings.acknowledge(scope, id, reason); CDK8S_EGRESS_QUIET=1 silences this output.`);
  return lines;
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

function checkScope(scope: IConstruct, method: string): void {
  if (!isConstruct(scope)) raiseUnscoped([argProblem(`The scope of EgressWarnings.${method}()`, scope, 'a construct (the App, a Chart or a construct in one)')]);
}

function checkId(scope: IConstruct, id: string, method: string): void {
  if (isWarningId(id)) return;
  const closest = typeof id === 'string' ? closestWarningId(id) : undefined;
  throw EgressError.at(scope, EgressErrorCode.UNKNOWN_WARNING_ID,
    `EgressWarnings.${method}() got warning id ${show(id)}, which cdk8s-egress does not define`
    + `${closest ? `: did you mean '${closest}'?` : '.'} The ids are the values of EgressWarningId, listed in docs/warnings.md`);
}

/**
 * The warning channel (cdk8s has no aws-cdk `Annotations`). Warnings carry stable ids (the
 * `EgressWarningId` catalogue), are recorded with their full text as construct metadata
 * (`cdk8s-egress:warning`), listed in the egress report, and summarized on stderr at synth: one
 * line per id with its count, the first sentence of its message and the construct paths.
 * `CDK8S_EGRESS_VERBOSE=1` (or the `cdk8s-egress:verboseWarnings` context set to `true`) prints the
 * full text instead; `CDK8S_EGRESS_QUIET=1` prints nothing. In strict mode every warning that is
 * not acknowledged fails synth.
 *
 * @example
 * EgressWarnings.enableStrictMode(app);
 * EgressWarnings.acknowledge(gateway, 'cdk8s-egress:istioGatewayAccessLogRootNamespace', 'mesh-wide access logging is on (meshConfig.accessLogFile)');
 */
export class EgressWarnings {
  /**
   * Record a warning on a construct. Called by the constructs; an id that is not in the catalogue
   * throws `EGRESS_UNKNOWN_WARNING_ID`.
   */
  public static add(scope: IConstruct, id: EgressWarningId, message: string): void {
    checkScope(scope, 'add');
    checkId(scope, id, 'add');
    if (typeof message !== 'string' || message.trim() === '') raise(scope, [argProblem('The message of EgressWarnings.add()', message, 'a non-empty string: what is wrong and what to do')]);
    state(scope).warnings.push({ scope, id, message });
    scope.node.addMetadata(WARNING_METADATA, { id, message });
  }

  /** Turn every unacknowledged warning of the app into a synth error. */
  public static enableStrictMode(scope: IConstruct): void {
    checkScope(scope, 'enableStrictMode');
    state(scope).strict = true;
  }

  /**
   * Accept warning `id` on `scope` and everything below it, with a reason (kept in the report).
   * An id that cdk8s-egress does not define throws `EGRESS_UNKNOWN_WARNING_ID` (with the closest
   * id, when one is close); an empty reason throws `EGRESS_REASON_REQUIRED`.
   *
   * @param id one of `EgressWarningId`, e.g. `cdk8s-egress:ciliumEgressNoHa`
   * @param reason why the warning does not apply here or is accepted (the report shows it)
   */
  public static acknowledge(scope: IConstruct, id: string, reason: string): void {
    checkScope(scope, 'acknowledge');
    checkId(scope, id, 'acknowledge');
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw EgressError.at(scope, EgressErrorCode.REASON_REQUIRED,
        `EgressWarnings.acknowledge() of ${id} got ${typeof reason === 'string' ? 'an empty reason' : `${showWithKind(reason)} as reason`}: say why the warning does not apply here or is accepted, in a string (the report shows the reason next to the warning)`);
    }
    state(scope).acks.push({ scope, id, reason });
  }

  /** Every warning of the app that `scope` belongs to, in a stable order. */
  public static list(scope: IConstruct): EgressWarning[] {
    checkScope(scope, 'list');
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
