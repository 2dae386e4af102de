// The workload behind `EgressSource.workload()`: a cdk8s-plus Deployment, StatefulSet, DaemonSet or
// Job of any cdk8s-plus major (30 to 33 are tested), or an L1 KubeDeployment, KubeStatefulSet,
// KubeDaemonSet or KubeJob (cdk8s-plus-30's `k8s` export, or `cdk8s import k8s`). Not exported from
// the package.
//
// How each flavour is read, and why:
//  - L1 objects (the construct is an ApiObject): from `toJson()`, i.e. exactly what they synthesize,
//    JSON patches included. Rendering an L1 object has no side effects.
//  - cdk8s-plus workloads: through the workload API that cdk8s-plus-30 to -33 share
//    (`matchLabels`, `matchExpressions`, `podMetadata`, `hostNetwork`, `replicas`, and the
//    `metadata` of their ApiObject). That API is what their `spec.selector` and
//    `spec.template.metadata` are rendered from. Rendering the whole object instead is not safe:
//    a cdk8s-plus workload with `spread: true` adds its anti-affinity terms again on every render,
//    so reading it once more would change the YAML it synthesizes.
// Everything is read when asked (at synth for selectors), so labels added later are honoured.
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EgressError, Problem } from './egress-error';
import { EgressErrorCode } from './errors';

/** The kinds a workload source may be, with the API version Kubernetes serves them under. */
const WORKLOAD_KINDS: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
};

const KINDS_TEXT = 'a Deployment, StatefulSet, DaemonSet or Job';
const ACCEPTED = `${KINDS_TEXT}: a cdk8s-plus workload (cdk8s-plus-30 to -33), or an L1 KubeDeployment, KubeStatefulSet, KubeDaemonSet or KubeJob`;

/** How a workload selects its pods, as Kubernetes will see it. */
export interface WorkloadSelector {
  /** The labels every selected pod carries. */
  readonly matchLabels: Record<string, string>;
  /** How many match expressions the selector has (cdk8s-egress does not translate them). */
  readonly matchExpressions: number;
  /** A problem with the selector that Kubernetes itself would reject. */
  readonly problem?: Problem;
}

/** A workload whose pods a source stands for. */
export interface Workload {
  /** The workload construct: the cdk8s-plus workload, or the L1 object. */
  readonly construct: IConstruct;
  /** Path of the workload construct, for messages. */
  readonly path: string;
  /** `Deployment`, `StatefulSet`, `DaemonSet` or `Job`. */
  readonly kind: string;
  /** How to give the workload labels, for messages. */
  readonly labelFix: string;
  /** The namespace of the workload (its own, or its chart's). */
  namespace(): string | undefined;
  /** The selector of its pods: `spec.selector`, or for a Job its pod template labels. */
  selector(): WorkloadSelector;
  /** The labels on its pod template. */
  podLabels(): Record<string, string>;
  /** The annotations on its pod template. */
  podAnnotations(): Record<string, string>;
  /** Whether its pods use the host network. */
  hostNetwork(): boolean;
  /** Its `replicas`, when set (Deployment, StatefulSet). */
  replicas(): number | undefined;
  /** Add annotations to its pod template. */
  addPodAnnotations(annotations: Record<string, string>): void;
  /** Add a readiness gate to its pod template. */
  addReadinessGate(conditionType: string): void;
}

/**
 * The workload that `construct` stands for. A cdk8s-plus workload is used as such; any other
 * construct is followed down its default children (`Resource`, `Default`) to the first
 * cdk8s-plus workload or ApiObject. Throws when that is not a Deployment, StatefulSet,
 * DaemonSet or Job.
 */
export function resolveWorkload(construct: IConstruct): Workload {
  let current: IConstruct | undefined = construct;
  while (current !== undefined) {
    if (ApiObject.isApiObject(current)) return checked(construct, new KubeWorkload(current as ApiObject));
    if (isPlusWorkload(current)) return checked(construct, new PlusWorkload(current));
    current = current.node.defaultChild;
  }
  throw EgressError.at(construct, EgressErrorCode.NOT_A_WORKLOAD,
    `EgressSource.workload() was given ${construct.node.path || 'the app'} (${typeName(construct)}), which synthesizes no Kubernetes object. `
    + `Pass ${ACCEPTED}; or select the pods with EgressSource.pods({ namespace, labels })`);
}

function checked(given: IConstruct, w: KubeWorkload | PlusWorkload): Workload {
  const obj = w.apiObject;
  if (WORKLOAD_KINDS[obj.kind] !== obj.apiVersion) {
    throw EgressError.at(given, EgressErrorCode.NOT_A_WORKLOAD,
      `EgressSource.workload() was given ${given.node.path} (${typeName(given)}), which synthesizes a ${obj.kind} (${obj.apiVersion}), not ${KINDS_TEXT} `
      + `(apps/v1, batch/v1). Pass ${ACCEPTED}; or select the pods with EgressSource.pods({ namespace, labels })`);
  }
  return w;
}

function typeName(c: IConstruct): string {
  const name = (c as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'a construct';
}

/** The part of the cdk8s-plus workload API read here (the same in cdk8s-plus-30 to -33). */
interface PlusWorkloadApi extends IConstruct {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: readonly unknown[];
  readonly podMetadata: {
    toJson(): { labels?: Record<string, string>; annotations?: Record<string, string> };
    addAnnotation(key: string, value: string): void;
  };
  readonly hostNetwork?: boolean;
  readonly replicas?: number;
  select(...selectors: unknown[]): void;
}

function isPlusWorkload(c: IConstruct): c is PlusWorkloadApi {
  const w = c as Partial<PlusWorkloadApi>;
  return typeof w.select === 'function'
    && typeof w.matchLabels === 'object' && w.matchLabels !== null
    && Array.isArray(w.matchExpressions)
    && typeof w.podMetadata?.toJson === 'function' && typeof w.podMetadata?.addAnnotation === 'function';
}

/** A cdk8s-plus Deployment, StatefulSet, DaemonSet or Job, of any cdk8s-plus major. */
class PlusWorkload implements Workload {
  public readonly apiObject: ApiObject;
  public readonly path: string;
  public readonly kind: string;
  public readonly labelFix: string;

  public readonly construct: IConstruct;

  public constructor(private readonly w: PlusWorkloadApi) {
    this.construct = w;
    this.apiObject = ApiObject.of(w);
    this.path = w.node.path;
    this.kind = this.apiObject.kind;
    this.labelFix = this.kind === 'Job' ? 'give its pod template labels (job.podMetadata.addLabel(...))' : 'give it labels (workload.select(...))';
  }

  public namespace(): string | undefined {
    return this.apiObject.metadata.namespace ?? Chart.of(this.apiObject).namespace;
  }

  public selector(): WorkloadSelector {
    // cdk8s-plus renders no spec.selector for a Job: Kubernetes generates one (controller-uid)
    // that selects exactly the pods it creates from the template, so the template labels are
    // what the Job's pods carry. `job.select(...)` does not reach the output.
    if (this.kind === 'Job') return { matchLabels: this.podLabels(), matchExpressions: 0 };
    return { matchLabels: this.w.matchLabels, matchExpressions: this.w.matchExpressions.length };
  }

  public podLabels(): Record<string, string> {
    return { ...this.w.podMetadata.toJson().labels };
  }

  public podAnnotations(): Record<string, string> {
    return { ...this.w.podMetadata.toJson().annotations };
  }

  public hostNetwork(): boolean {
    return this.w.hostNetwork ?? false;
  }

  public replicas(): number | undefined {
    return this.w.replicas;
  }

  public addPodAnnotations(annotations: Record<string, string>): void {
    for (const [k, v] of Object.entries(annotations)) this.w.podMetadata.addAnnotation(k, v);
  }

  public addReadinessGate(conditionType: string): void {
    // cdk8s-plus has no readiness-gate API (and renders none): patch the pod template.
    this.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/readinessGates', [{ conditionType }]));
  }
}

interface PodTemplateJson {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { hostNetwork?: boolean; readinessGates?: Array<{ conditionType?: string }> };
}

interface WorkloadJson {
  metadata?: { namespace?: string };
  spec?: {
    replicas?: number;
    manualSelector?: boolean;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    template?: PodTemplateJson;
  };
}

/** An L1 object (KubeDeployment, KubeStatefulSet, KubeDaemonSet, KubeJob), read from what it synthesizes. */
class KubeWorkload implements Workload {
  public readonly path: string;
  public readonly kind: string;
  public readonly labelFix: string;

  public readonly construct: IConstruct;

  public constructor(public readonly apiObject: ApiObject) {
    this.construct = apiObject;
    this.path = apiObject.node.path;
    this.kind = apiObject.kind;
    this.labelFix = this.kind === 'Job'
      ? 'give its pod template labels (spec.template.metadata.labels)'
      : 'give it labels (spec.selector.matchLabels, and the same labels in spec.template.metadata.labels)';
  }

  private json(): WorkloadJson {
    return this.apiObject.toJson() as WorkloadJson;
  }

  public namespace(): string | undefined {
    return this.json().metadata?.namespace;
  }

  public selector(): WorkloadSelector {
    const spec = this.json().spec ?? {};
    if (this.kind === 'Job' && spec.manualSelector !== true) {
      // Without manualSelector, Kubernetes generates the Job's selector (controller-uid) and
      // labels the pods it creates from the template: they carry the template labels.
      const problem: Problem | undefined = spec.selector === undefined ? undefined : {
        code: EgressErrorCode.CONFLICTING_OPTIONS,
        message: `Job ${this.path} sets spec.selector without spec.manualSelector: true, which the API server rejects ("\`selector\` not auto-generated"). `
          + 'Remove spec.selector (the Job\'s pods are then selected by their pod template labels), or set manualSelector: true',
      };
      return { matchLabels: { ...spec.template?.metadata?.labels }, matchExpressions: 0, ...(problem ? { problem } : {}) };
    }
    return { matchLabels: { ...spec.selector?.matchLabels }, matchExpressions: spec.selector?.matchExpressions?.length ?? 0 };
  }

  public podLabels(): Record<string, string> {
    return { ...this.json().spec?.template?.metadata?.labels };
  }

  public podAnnotations(): Record<string, string> {
    return { ...this.json().spec?.template?.metadata?.annotations };
  }

  public hostNetwork(): boolean {
    return this.json().spec?.template?.spec?.hostNetwork === true;
  }

  public replicas(): number | undefined {
    return this.json().spec?.replicas;
  }

  // L1 objects are changed with JSON patches, which need their parent to exist: what exists is
  // read now. A later patch that replaces the whole annotation map or readiness-gate list would
  // drop these entries; FixedEgressIp checks its annotations again at synth.
  public addPodAnnotations(annotations: Record<string, string>): void {
    const template = this.json().spec?.template ?? {};
    if (template.metadata?.annotations !== undefined) {
      for (const [k, v] of Object.entries(annotations)) {
        this.apiObject.addJsonPatch(JsonPatch.add(`/spec/template/metadata/annotations/${pointerToken(k)}`, v));
      }
    } else if (template.metadata !== undefined) {
      this.apiObject.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { ...annotations }));
    } else {
      this.apiObject.addJsonPatch(JsonPatch.add('/spec/template/metadata', { annotations: { ...annotations } }));
    }
  }

  public addReadinessGate(conditionType: string): void {
    const gates = this.json().spec?.template?.spec?.readinessGates;
    if (gates === undefined) {
      this.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/readinessGates', [{ conditionType }]));
    } else if (!gates.some((g) => g.conditionType === conditionType)) {
      this.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/readinessGates/-', { conditionType }));
    }
  }
}

/** A key as one JSON Pointer reference token (RFC 6901): `~` -> `~0`, `/` -> `~1`. */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
