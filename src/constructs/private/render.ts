// Renders one policy through its backend, records it in the app's EgressModel and hands it to the
// app-wide checks (where the policy brings no DNS of its own, the DNS-path check).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IEgressBackend, IEgressPolicyDefinition, IRuleListener } from '../../backends/contract';
import { watchAppChecks } from '../../checks/app-checks';
import { needsDnsPath } from '../../checks/dns-path';
import { raise } from '../../core/egress-error';
import { objectNameProblems } from '../../core/names';
import { objectRef } from '../../core/object-ref';
import { EgressPolicyConfig, EgressRuleConfig, EnforcementLayer, PolicyMetadata } from '../../core/policy-config';
import { SourceConfig } from '../../core/source-config';
import { EgressModel } from '../../model/egress-model';
import { GrantPurpose, IModelPolicySource, ModelPolicy } from '../../model/policy';

export interface RenderOptions {
  readonly purpose: GrantPurpose;
  readonly source: () => SourceConfig;
  readonly rules: () => EgressRuleConfig[];
  readonly name?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** True when the policy's rules include a DNS resolver on UDP and TCP. */
  readonly providesDns: boolean;
  /** True when this policy isolates pods without giving them DNS itself. */
  readonly needsDns: boolean;
  /** True when the declaring construct opted in to allowing every address. */
  readonly allowAllAddresses?: boolean;
}

/**
 * The renderer is itself the definition handed to the backend and the policy recorded in the
 * model: one object per policy rather than a closure for each callback (an app may hold
 * thousands of policies).
 */
export class PolicyRenderer implements IEgressPolicyDefinition, IModelPolicySource {
  public readonly apiObjects: ApiObject[];
  public readonly metadata: PolicyMetadata;
  public readonly constructPath: string;
  private readonly listeners: IRuleListener[] = [];
  private readonly backendId: string;
  private readonly recorded: Pick<ModelPolicy, 'semantics' | 'allowAllAddresses' | 'backendVersion'>;
  private readonly model: EgressModel;
  private readonly meshVisibility?: (namespace: string) => string[];

  public constructor(scope: Construct, backend: IEgressBackend, private readonly options: RenderOptions) {
    if (options.name !== undefined) raise(scope, objectNameProblems(options.name));
    this.metadata = {
      namespace: options.source().namespace,
      ...(options.name ? { name: options.name } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
    };
    this.constructPath = scope.node.path;
    this.backendId = backend.id;
    // Resolved before rendering: a bad declared release fails here, at this construct.
    const version = backend.targetVersion(scope);
    // The backend's semantics, copied whole (a copy: the backend's own value stays as declared).
    const semantics = backend.semantics;
    this.recorded = {
      semantics: { ...semantics, ...(semantics.protocols ? { protocols: [...semantics.protocols] } : {}) },
      ...(options.allowAllAddresses ? { allowAllAddresses: true } : {}),
      ...(version ? { backendVersion: { version: version.version, declaredBy: version.declaredBy } } : {}),
    };
    if (semantics.layer === EnforcementLayer.MESH) this.meshVisibility = (ns) => backend.meshVisibleNamespaces(scope, ns);
    this.apiObjects = backend.renderPolicy(scope, 'Resource', this);
    const model = EgressModel.of(scope);
    this.model = model;
    model._record(this);
    watchAppChecks(scope);
    if (options.needsDns) needsDnsPath(scope, options.source);
  }

  public resolve(): EgressPolicyConfig {
    return { source: this.options.source(), rules: this.options.rules() };
  }

  public onRule(listener: IRuleListener): void {
    this.listeners.push(listener);
    for (const rule of this.options.rules()) listener.ruleAdded(rule);
  }

  public toModelPolicy(): ModelPolicy {
    const objects = this.apiObjects;
    const source = this.options.source();
    const visible = this.meshVisibility?.(source.namespace);
    return {
      constructPath: this.constructPath,
      backend: this.backendId,
      // read when the model is read: backends may regroup their objects as rules are added
      objectRef: objects[0] ? objectRef(objects[0]) : this.constructPath,
      purpose: this.options.purpose,
      source,
      rules: this.options.rules(),
      providesDns: this.options.providesDns,
      ...this.recorded,
      ...(visible && visible.length > 0 ? { meshVisibleNamespaces: visible } : {}),
    };
  }

  /** Tell the backend about a rule added after construction. */
  public ruleAdded(rule: EgressRuleConfig): void {
    for (const l of this.listeners) l.ruleAdded(rule);
    this.model._changed();
  }
}
