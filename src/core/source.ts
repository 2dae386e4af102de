import { IConstruct } from 'constructs';
import { labelText } from './describe';
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { argProblem, isConstruct, raiseUnscoped, required, str, stringMap, struct } from './inputs';
import { labelProblems, namespaceProblems, sortedLabels } from './names';
import { resolveWorkload, Workload } from './workload';
import { registerFactories, show } from '../util/show';

/**
 * The workloads a policy applies to, resolved for a backend.
 */
export interface SourceConfig {
  /** Namespace of the selected pods. */
  readonly namespace: string;
  /**
   * Labels the pods must carry (matchLabels).
   * @default - every pod of the namespace
   */
  readonly podLabels?: Record<string, string>;
}

/**
 * Options for `EgressSource.pods`.
 */
export interface PodsSourceProps {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels that select the pods (matchLabels). Must not be empty: use `EgressSource.namespace()` for every pod. */
  readonly labels: Record<string, string>;
}

/** One kind of source: pods by labels or a namespace (a value), or a workload (read when used). */
interface SourceSpec {
  readonly workload?: Workload;
  readonly anyOf?: { readonly members: readonly EgressSource[]; readonly problems: readonly Problem[] };
  config(): SourceConfig;
  describe(): string;
  problems(): readonly Problem[];
}

/**
 * Whose egress a policy controls: pods by labels in a namespace, a whole namespace, or a
 * workload (Deployment, StatefulSet, DaemonSet or Job; cdk8s-plus or L1).
 *
 * @example
 * EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
 * EgressSource.namespace('production');
 * EgressSource.workload(deployment);
 */
export class EgressSource {
  /** Pods carrying `labels` in `namespace`. */
  public static pods(props: PodsSourceProps): EgressSource {
    const problems = PODS_SOURCE_PROPS(props, 'EgressSource.pods() props');
    if (problems.length > 0) return new EgressSource(new StaticSource('', undefined, 'EgressSource.pods()', problems, `EgressSource.pods(${show(props)})`));
    return new EgressSource(new StaticSource(props.namespace, props.labels, 'EgressSource.pods()'));
  }

  /** Every pod of a namespace. */
  public static namespace(name: string): EgressSource {
    const problems = str({ example: 'production' })(name, 'EgressSource.namespace() name');
    if (problems.length > 0) return new EgressSource(new StaticSource('', undefined, 'EgressSource.namespace()', problems, `EgressSource.namespace(${show(name)})`));
    return new EgressSource(new StaticSource(name, undefined, 'EgressSource.namespace()'));
  }

  /**
   * The pods of a workload, selected as Kubernetes selects them, in the workload's namespace (its
   * own, or its chart's).
   *
   * Accepts a `Deployment`, `StatefulSet`, `DaemonSet` or `Job` of any cdk8s-plus major
   * (cdk8s-plus-30 to -33 are tested), or an L1 `KubeDeployment`, `KubeStatefulSet`,
   * `KubeDaemonSet` or `KubeJob` (cdk8s-plus-30's `k8s` export or your own `cdk8s import k8s`).
   * A Deployment, StatefulSet or DaemonSet is selected by the match labels of its `spec.selector`;
   * a Job by its pod template labels, because Kubernetes generates a Job's selector
   * (`controller-uid`) unless `spec.manualSelector` is true, in which case `spec.selector` is used.
   * Resolved when the policy is synthesized, so selectors and labels added later are honoured.
   * The construct's type is `IConstruct` so that workloads of every cdk8s-plus major fit.
   *
   * @param workload the workload construct; a construct that wraps one is followed down its default child
   * @throws EGRESS_NOT_A_WORKLOAD when `workload` synthesizes no Deployment, StatefulSet, DaemonSet or Job
   */
  public static workload(workload: IConstruct): EgressSource {
    if (!isConstruct(workload)) {
      raiseUnscoped([argProblem('EgressSource.workload() workload', workload,
        'a Deployment, StatefulSet, DaemonSet or Job construct (cdk8s-plus or L1)', 'Pass the workload construct itself, or select the pods with EgressSource.pods({ namespace, labels })')]);
    }
    return new EgressSource(new WorkloadSource(resolveWorkload(workload)));
  }

  /**
   * Several sets of pods as one source, for a construct that gives them all the same thing:
   * `FixedEgressIp` (one address for several workloads), in the way aws-iam's
   * `CompositePrincipal` is one principal. Every other construct refuses it, because a policy or a
   * route selects one set of pods (one pod selector): declare one per source.
   *
   * @param sources the sets of pods (an `anyOf()` among them is flattened)
   */
  public static anyOf(...sources: EgressSource[]): EgressSource {
    const problems: Problem[] = [];
    sources.forEach((s, i) => {
      if (!(s instanceof EgressSource)) problems.push(argProblem(`EgressSource.anyOf() source ${i + 1}`, s, 'an EgressSource, e.g. EgressSource.workload(deployment)'));
    });
    const members = problems.length > 0 ? [] : sources.flatMap((s) => s._anyOf()?.members ?? [s]);
    return new EgressSource(new AnyOfSpec(members, problems, `EgressSource.anyOf(${sources.map((s) => show(s)).join(', ')})`));
  }

  /** Built only by the factories above (the internal kinds are not a public extension point). */
  private constructor(private readonly spec: SourceSpec) {}

  /** Resolve to a backend-neutral struct. Problems are raised by the caller. */
  public toConfig(): SourceConfig {
    return this.spec.config();
  }

  /** A short human-readable description, used in messages and reports. */
  public describe(): string {
    return this.spec.describe();
  }

  /**
   * The problems of this source (none when it is valid). A label or namespace source is a value,
   * checked once by its factory; a workload source is checked against the workload as it is now
   * (its selector may still change until synth). @internal
   */
  public _problems(): readonly Problem[] {
    return this.spec.problems();
  }

  /**
   * The workload behind this source, when there is one.
   * @internal
   */
  public _workload(): Workload | undefined {
    return this.spec.workload;
  }

  /**
   * The sets of pods of an `anyOf()` source and the problems of its arguments; undefined for a
   * source that is one set of pods. @internal
   */
  public _anyOf(): { readonly members: readonly EgressSource[]; readonly problems: readonly Problem[] } | undefined {
    return this.spec.anyOf;
  }
}

const PODS_SOURCE_PROPS = struct({
  namespace: required(str({ example: 'production' }), 'name the namespace of the pods, e.g. EgressSource.pods({ namespace: \'production\', labels: { app: \'backend\' } })'),
  labels: required((v, where) => (v === null
    ? [{ code: EgressErrorCode.EMPTY_SELECTOR, message: `${where} is null, which would select every pod of the namespace: pass at least one label, or use EgressSource.namespace(name) if every pod is meant` }]
    : stringMap(v, where)),
  'EgressSource.pods() needs the labels that select the pods: without them it would select every pod of the namespace. Pass at least one label, or use EgressSource.namespace(name) if every pod is meant',
  EgressErrorCode.EMPTY_SELECTOR),
});

class StaticSource implements SourceSpec {
  private cached?: SourceConfig;
  private readonly found: readonly Problem[];

  public constructor(
    private readonly ns: string,
    private readonly labels: Record<string, string> | undefined,
    private readonly factory: string,
    private readonly inputProblems: readonly Problem[] = [],
    private readonly asGiven?: string,
  ) {
    // Sources of labels or a namespace are values: checked once, here.
    this.found = Object.freeze(inputProblems.length > 0 ? [...inputProblems] : this.check());
  }

  public config(): SourceConfig {
    raiseUnscoped(this.inputProblems);
    // Sources are values: the config is computed once (and frozen, as it is shared).
    this.cached ??= Object.freeze({ namespace: this.ns, ...(this.labels ? { podLabels: Object.freeze(sortedLabels(this.labels)) } : {}) });
    return this.cached;
  }

  public describe(): string {
    if (this.asGiven !== undefined) return `${this.asGiven} (invalid)`;
    return this.labels
      ? `pods ${labelText(sortedLabels(this.labels))} in namespace ${this.ns}`
      : `every pod in namespace ${this.ns}`;
  }

  public problems(): readonly Problem[] {
    return this.found;
  }

  private check(): Problem[] {
    const problems = namespaceProblems(this.ns, `namespace in ${this.factory}`);
    if (this.labels !== undefined) {
      if (Object.keys(this.labels).length === 0) {
        problems.push({
          code: EgressErrorCode.EMPTY_SELECTOR,
          message: `${this.factory} was given empty labels, which would select every pod of namespace "${this.ns}". Pass at least one label, or use EgressSource.namespace('${this.ns}') if every pod is meant`,
        });
      }
      problems.push(...labelProblems(this.labels, this.factory));
    }
    return problems;
  }
}

/**
 * Several sets of pods: only a construct that reads the members (FixedEgressIp) accepts it; to
 * every other it is one problem, so a policy or a route never renders it as one pod selector.
 */
class AnyOfSpec implements SourceSpec {
  public readonly anyOf: { readonly members: readonly EgressSource[]; readonly problems: readonly Problem[] };
  private readonly found: readonly Problem[];

  public constructor(members: readonly EgressSource[], inputProblems: readonly Problem[], private readonly asGiven: string) {
    this.anyOf = Object.freeze({ members: Object.freeze([...members]), problems: Object.freeze([...inputProblems]) });
    this.found = Object.freeze(inputProblems.length > 0 ? [...inputProblems] : [{
      code: EgressErrorCode.INVALID_ARGUMENT,
      message: `${asGiven} selects several sets of pods, which only FixedEgressIp accepts: a policy or a route selects one set of pods (one pod selector). Declare one per source`,
    }]);
  }

  public config(): SourceConfig {
    raiseUnscoped(this.found);
    throw new Error('unreachable');
  }

  public describe(): string {
    return this.anyOf.problems.length > 0 ? `${this.asGiven} (invalid)` : `any of: ${this.anyOf.members.map((m) => m.describe()).join('; ')}`;
  }

  public problems(): readonly Problem[] {
    return this.found;
  }
}

registerFactories(EgressSource, 'EgressSource');

/** Workloads whose selector is checked again at synth (once each, whatever the number of sources). */
const WATCHED = new WeakSet<IConstruct>();

class WorkloadSource implements SourceSpec {
  public constructor(public readonly workload: Workload) {}

  public config(): SourceConfig {
    return { namespace: this.workload.namespace() ?? '', podLabels: sortedLabels(this.workload.selector().matchLabels) };
  }

  public describe(): string {
    return `workload ${this.workload.path}`;
  }

  public problems(): readonly Problem[] {
    const problems = workloadProblems(this.workload);
    // Consumers check a source when they are built; the workload may still change (select(),
    // JSON patches) before synth, so a source in use is checked again then.
    if (problems.length === 0 && !WATCHED.has(this.workload.construct)) {
      WATCHED.add(this.workload.construct);
      this.workload.construct.node.addValidation({
        validate: () => workloadProblems(this.workload).map((p) => `${p.message} (${p.code})`),
      });
    }
    return problems;
  }
}

function workloadProblems(w: Workload): Problem[] {
  const ns = w.namespace();
  if (ns === undefined) {
    return [{
      code: EgressErrorCode.NAMESPACE_REQUIRED,
      message: `EgressSource.workload(${w.path}) has no namespace: set metadata.namespace on the workload or namespace on its Chart`,
    }];
  }
  const problems = namespaceProblems(ns, `namespace of workload ${w.path}`);
  const selector = w.selector();
  if (selector.problem) problems.push(selector.problem);
  if (selector.matchExpressions > 0) {
    problems.push({
      code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
      message: `Workload ${w.path} selects its pods with match expressions, which cdk8s-egress does not translate yet: select it with labels only, or use EgressSource.pods({ namespace, labels })`,
    });
  }
  if (Object.keys(selector.matchLabels).length === 0) {
    problems.push({
      code: EgressErrorCode.EMPTY_SELECTOR,
      message: w.kind === 'Job'
        ? `Job ${w.path} has no pod template labels, so a policy for it would select every pod of namespace "${ns}". Either ${w.labelFix}, or use EgressSource.namespace('${ns}')`
        : `Workload ${w.path} has no match labels, so a policy for it would select every pod of namespace "${ns}". Either ${w.labelFix}, or use EgressSource.namespace('${ns}')`,
    });
  }
  problems.push(...labelProblems(selector.matchLabels, `workload ${w.path}`));
  return problems;
}
