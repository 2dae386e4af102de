import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { EgressErrorCode } from './errors';
import { Problem } from '../private/egress-error';
import { labelProblems, namespaceProblems, sortedLabels } from '../private/names';

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
 * cdk8s-plus-30 workload.
 *
 * @example
 * EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
 * EgressSource.namespace('production');
 * EgressSource.workload(deployment);
 */
export abstract class EgressSource {
  /** Pods carrying `labels` in `namespace`. */
  public static pods(props: PodsSourceProps): EgressSource {
    return new StaticSource(props.namespace, props.labels, 'EgressSource.pods()');
  }

  /** Every pod of a namespace. */
  public static namespace(name: string): EgressSource {
    return new StaticSource(name, undefined, 'EgressSource.namespace()');
  }

  /**
   * The pods of a cdk8s-plus-30 workload (`Deployment`, `StatefulSet`, `DaemonSet`, `Job`),
   * selected by the workload's own match labels. The namespace is the workload's, or its chart's.
   * Resolved when the policy is synthesized, so selectors added later are honoured.
   */
  public static workload(workload: kplus.Workload): EgressSource {
    return new WorkloadSource(workload);
  }

  /** Resolve to a backend-neutral struct. Problems are raised by the caller. */
  public abstract toConfig(): SourceConfig;

  /** A short human-readable description, used in messages and reports. */
  public abstract describe(): string;

  /** @internal */
  public abstract _problems(): Problem[];

  /**
   * The cdk8s-plus-30 workload behind this source, when there is one.
   * @internal
   */
  public _workload(): kplus.Workload | undefined {
    return undefined;
  }
}

class StaticSource extends EgressSource {
  private config?: SourceConfig;

  public constructor(private readonly ns: string, private readonly labels: Record<string, string> | undefined, private readonly factory: string) {
    super();
  }

  public toConfig(): SourceConfig {
    // Sources are values: the config is computed once (and frozen, as it is shared).
    this.config ??= Object.freeze({ namespace: this.ns, ...(this.labels ? { podLabels: Object.freeze(sortedLabels(this.labels)) } : {}) });
    return this.config;
  }

  public describe(): string {
    return this.labels
      ? `pods ${Object.entries(sortedLabels(this.labels)).map(([k, v]) => `${k}=${v}`).join(',')} in namespace ${this.ns}`
      : `every pod in namespace ${this.ns}`;
  }

  public _problems(): Problem[] {
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

class WorkloadSource extends EgressSource {
  public constructor(private readonly workload: kplus.Workload) {
    super();
  }

  public _workload(): kplus.Workload | undefined {
    return this.workload;
  }

  private namespace(): string | undefined {
    return this.workload.metadata.namespace ?? Chart.of(this.workload).namespace;
  }

  public toConfig(): SourceConfig {
    return { namespace: this.namespace() ?? '', podLabels: sortedLabels(this.workload.matchLabels) };
  }

  public describe(): string {
    return `workload ${this.workload.node.path}`;
  }

  public _problems(): Problem[] {
    const ns = this.namespace();
    if (ns === undefined) {
      return [{
        code: EgressErrorCode.NAMESPACE_REQUIRED,
        message: `EgressSource.workload(${this.workload.node.path}) has no namespace: set metadata.namespace on the workload or namespace on its Chart`,
      }];
    }
    const problems = namespaceProblems(ns, `namespace of workload ${this.workload.node.path}`);
    if (this.workload.matchExpressions.length > 0) {
      problems.push({
        code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        message: `Workload ${this.workload.node.path} selects its pods with match expressions, which cdk8s-egress does not translate yet: select it with labels only, or use EgressSource.pods({ namespace, labels })`,
      });
    }
    if (Object.keys(this.workload.matchLabels).length === 0) {
      problems.push({
        code: EgressErrorCode.EMPTY_SELECTOR,
        message: `Workload ${this.workload.node.path} has no match labels, so a policy for it would select every pod of namespace "${ns}". Give it labels (workload.select(...)) or use EgressSource.namespace('${ns}')`,
      });
    }
    problems.push(...labelProblems(this.workload.matchLabels, `workload ${this.workload.node.path}`));
    return problems;
  }
}
