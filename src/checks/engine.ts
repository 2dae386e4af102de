// The one engine for app-wide checks (cdk-nag's NagPack shape): each check is `{ id, level,
// run(app) }`, registered once per app. The engine runs every check once per synth pass, before
// any construct is validated (its validation sits on the root, which cdk8s validates first), and
// keeps a check's answer while the state it depends on (by default the model's revision) is
// unchanged: cdk8s validates the whole app once per chart.
//
// A finding names the construct it is about. cdk8s prints each validation error as
// `[<path of the validated construct>] <message>`, so an error finding reaches synth through the
// validation of that construct: `watch(scope)` gives a construct one validation that returns its
// findings, from every check, in the order the checks were registered. A warning finding becomes an
// EgressWarning on that construct (once), before the app's warnings are listed or printed.
import { IConstruct } from 'constructs';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { EgressModel } from '../model/egress-model';
import { AppState, StateKey } from '../util/app-state';

/** How a finding fails the app. */
export enum CheckLevel {
  /** Fails synth with the finding's message (which ends with its EgressErrorCode), at a watched construct. */
  ERROR = 'error',
  /** Adds the finding as an EgressWarning (the check's `warningId`) on the construct it names. */
  WARNING = 'warning',
}

/** What a check found about one construct. */
export interface Finding {
  /** Path of the construct the finding is about (its validation reports it). */
  readonly path: string;
  /** The error text, ending with its EgressErrorCode in parentheses. */
  readonly message: string;
}

/** One app-wide check. */
export interface AppCheck {
  /** Stable id, unique in an app (`dns-path`: the module name; not a warning id). */
  readonly id: string;
  readonly level: CheckLevel;
  /**
   * The warning a WARNING-level check's findings are.
   * @default - none (required for CheckLevel.WARNING)
   */
  readonly warningId?: EgressWarningId;
  /**
   * The state the answer depends on: the same number means the same answer. Undefined means the
   * answer may change without the library seeing it (a workload's pod labels): the check then runs
   * on every pass.
   * @default - the revision of the app's EgressModel
   */
  version?(app: IConstruct): number | undefined;
  /** Every finding, in a stable order. */
  run(app: IConstruct): readonly Finding[];
}

interface Kept {
  readonly version: number | undefined;
  /** Messages by construct path. */
  readonly byPath: Map<string, string[]>;
}

const ENGINE = StateKey.local<ChecksEngine>('checksEngine');

/** The app-wide checks of one app. */
export class ChecksEngine {
  /** The engine of the app `scope` belongs to (created, and hooked to the root's validation, on first use). */
  public static of(scope: IConstruct): ChecksEngine {
    return AppState.of(scope).get(ENGINE, () => new ChecksEngine(scope.node.root));
  }

  private readonly checks: AppCheck[] = [];
  private readonly kept = new Map<string, Kept>();
  private readonly watched = new Set<string>();
  /** Warnings already added, `check id|path|message`. */
  private readonly warned = new Set<string>();
  /** The model revision at which every check last answered (unset when a check or a construct is added). */
  private answeredAt?: number;
  /** The kept error findings merged by path (see findingsAt). */
  private errorsByPath?: Map<string, string[]>;

  private constructor(private readonly app: IConstruct) {
    app.node.addValidation({
      validate: () => {
        this.runAll(true);
        return this.unwatchedFindings();
      },
    });
  }

  /** Register `check` (once: a second registration of the same id is ignored). */
  public register(check: AppCheck): void {
    if (this.checks.some((c) => c.id === check.id)) return;
    if (check.level === CheckLevel.WARNING && check.warningId === undefined) throw new Error(`cdk8s-egress: warning check ${check.id} has no warningId`);
    this.checks.push(check);
    this.answeredAt = undefined;
    if (check.level === CheckLevel.WARNING && !this.checks.slice(0, -1).some((c) => c.level === CheckLevel.WARNING)) {
      EgressWarnings._addSynthCheck(this.app, () => this.addWarnings());
    }
  }

  /** The registered checks, in order. */
  public registered(): readonly AppCheck[] {
    return this.checks;
  }

  /** Report at synth what the checks find about `scope` (once per construct). */
  public watch(scope: IConstruct): void {
    const path = scope.node.path;
    if (this.watched.has(path)) return;
    this.watched.add(path);
    this.answeredAt = undefined;
    scope.node.addValidation({ validate: () => this.findingsAt(path) });
  }

  /** What the checks find about the construct at `path`, as synth reports it. */
  public findingsAt(path: string): string[] {
    // The root's validation ran every check in this pass; this catches up with a change made
    // since (and runs them when a construct is validated on its own, with node.validate()).
    this.runAll(false);
    if (this.errorsByPath === undefined) {
      // The error findings of every check by path, in check order: built once per change of the
      // kept answers, so each watched construct's validation is a lookup.
      const merged = new Map<string, string[]>();
      for (const check of this.checks) {
        if (check.level !== CheckLevel.ERROR) continue;
        for (const [at, messages] of this.kept.get(check.id)?.byPath ?? []) {
          const list = merged.get(at);
          if (list) list.push(...messages); else merged.set(at, [...messages]);
        }
      }
      this.errorsByPath = merged;
    }
    return [...this.errorsByPath.get(path) ?? []];
  }

  /** Add what the warning checks find as warnings (each once). */
  /**
   * Error findings at a path that no watched construct has (a fact recorded by hand under a path of
   * no construct of the library): reported at the root with their path, never dropped.
   */
  private unwatchedFindings(): string[] {
    const out: string[] = [];
    for (const check of this.checks) {
      if (check.level !== CheckLevel.ERROR) continue;
      for (const [path, messages] of this.kept.get(check.id)?.byPath ?? []) {
        if (this.watched.has(path)) continue;
        for (const message of messages) out.push(`at ${path === '' ? 'the app root' : path}: ${message}`);
      }
    }
    return out;
  }

  private addWarnings(): void {
    this.runAll(false);
    for (const check of this.checks) {
      if (check.level !== CheckLevel.WARNING) continue;
      for (const [path, messages] of this.kept.get(check.id)?.byPath ?? []) {
        const scope = this.constructAt(path);
        for (const message of messages) {
          const key = `${check.id}|${path}|${message}`;
          if (scope === undefined || this.warned.has(key)) continue;
          this.warned.add(key);
          EgressWarnings.add(scope, check.warningId!, message);
        }
      }
    }
  }

  /** The construct of the app at `path`. */
  private constructAt(path: string): IConstruct | undefined {
    let c: IConstruct | undefined = this.app;
    const rootPath = this.app.node.path;
    const relative = rootPath === '' ? path : path.slice(rootPath.length + 1);
    for (const id of relative === '' ? [] : relative.split('/')) c = c?.node.tryFindChild(id);
    return c;
  }

  /** Run the checks whose answer may have changed; `newPass`: also those whose answer is never kept. */
  private runAll(newPass: boolean): void {
    // Within one validation pass nothing but the model can change: once every check has answered
    // at this model revision, a later call in the same pass has nothing to recompute.
    const revision = EgressModel.of(this.app)._revisionNumber();
    if (!newPass && this.answeredAt === revision) return;
    for (const check of this.checks) {
      const version = check.version ? check.version(this.app) : EgressModel.of(this.app)._revisionNumber();
      const kept = this.kept.get(check.id);
      if (kept !== undefined && kept.version !== undefined && kept.version === version) continue;
      if (kept !== undefined && kept.version === undefined && !newPass) continue;
      const byPath = new Map<string, string[]>();
      for (const f of check.run(this.app)) {
        const list = byPath.get(f.path);
        if (list) list.push(f.message); else byPath.set(f.path, [f.message]);
      }
      this.kept.set(check.id, { version, byPath });
      this.errorsByPath = undefined;
    }
    this.answeredAt = revision;
  }
}
