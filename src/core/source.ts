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

/**
 * Whose egress a policy controls: pods by labels in a namespace, a whole namespace, or a
 * workload (Deployment, StatefulSet, DaemonSet or Job; cdk8s-plus or L1).
 *
 * @example
 * EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
 * EgressSource.namespace('production');
 * EgressSource.workload(deployment);
 */
export abstract class EgressSource {
  /** Pods carrying `labels` in `namespace`. */
  public static pods(props: PodsSourceProps): EgressSource {
    const problems = PODS_SOURCE_PROPS(props, 'EgressSource.pods() props');
    if (problems.length > 0) return new StaticSource('', undefined, 'EgressSource.pods()', problems, `EgressSource.pods(${show(props)})`);
    return new StaticSource(props.namespace, props.labels, 'EgressSource.pods()');
  }

  /** Every pod of a namespace. */
  public static namespace(name: string): EgressSource {
    const problems = str({ example: 'production' })(name, 'EgressSource.namespace() name');
    if (problems.length > 0) return new StaticSource('', undefined, 'EgressSource.namespace()', problems, `EgressSource.namespace(${show(name)})`);
    return new StaticSource(name, undefined, 'EgressSource.namespace()');
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
    return new WorkloadSource(resolveWorkload(workload));
  }

  /** Resolve to a backend-neutral struct. Problems are raised by the caller. */
  public abstract toConfig(): SourceConfig;

  /** A short human-readable description, used in messages and reports. */
  public abstract describe(): string;

  /** @internal */
  public abstract _problems(): Problem[];

  /**
   * The workload behind this source, when there is one.
   * @internal
   */
  public _workload(): Workload | undefined {
    return undefined;
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

class StaticSource extends EgressSource {
  private config?: SourceConfig;

  public constructor(
    private readonly ns: string,
    private readonly labels: Record<string, string> | undefined,
    private readonly factory: string,
    private readonly inputProblems: readonly Problem[] = [],
    private readonly asGiven?: string,
  ) {
    super();
  }

  public toConfig(): SourceConfig {
    raiseUnscoped(this.inputProblems);
    // Sources are values: the config is computed once (and frozen, as it is shared).
    this.config ??= Object.freeze({ namespace: this.ns, ...(this.labels ? { podLabels: Object.freeze(sortedLabels(this.labels)) } : {}) });
    return this.config;
  }

  public describe(): string {
    if (this.asGiven !== undefined) return `${this.asGiven} (invalid)`;
    return this.labels
      ? `pods ${labelText(sortedLabels(this.labels))} in namespace ${this.ns}`
      : `every pod in namespace ${this.ns}`;
  }

  public _problems(): Problem[] {
    if (this.inputProblems.length > 0) return [...this.inputProblems];
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

registerFactories(EgressSource, 'EgressSource');

/** Workloads whose selector is checked again at synth (once each, whatever the number of sources). */
const WATCHED = new WeakSet<IConstruct>();

class WorkloadSource extends EgressSource {
  public constructor(private readonly workload: Workload) {
    super();
  }

  public _workload(): Workload | undefined {
    return this.workload;
  }

  public toConfig(): SourceConfig {
    return { namespace: this.workload.namespace() ?? '', podLabels: sortedLabels(this.workload.selector().matchLabels) };
  }

  public describe(): string {
    return `workload ${this.workload.path}`;
  }

  public _problems(): Problem[] {
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
