// Renders one policy through its backend, records it in the app's EgressModel and, where the
// policy brings no DNS of its own, checks at synth that the app gives the same pods a DNS path.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { raise } from './egress-error';
import { labelsMatch, objectNameProblems } from './names';
import { EgressBackend, EgressRuleConfig, IEgressPolicyDefinition, IRuleListener } from '../backends/backend';
import { EgressErrorCode } from '../core/errors';
import { SourceConfig } from '../core/source';
import { EgressModel, GrantPurpose, ModelPolicy } from '../model/egress-model';

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
}

export class PolicyRenderer {
  public readonly apiObjects: ApiObject[];
  private readonly listeners: IRuleListener[] = [];

  public constructor(scope: Construct, backend: EgressBackend, options: RenderOptions) {
    if (options.name !== undefined) raise(scope, objectNameProblems(options.name));
    const definition: IEgressPolicyDefinition = {
      metadata: {
        namespace: options.source().namespace,
        ...(options.name ? { name: options.name } : {}),
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.annotations ? { annotations: options.annotations } : {}),
      },
      constructPath: scope.node.path,
      resolve: () => ({ source: options.source(), rules: options.rules() }),
      onRule: (listener: IRuleListener) => {
        this.listeners.push(listener);
        for (const rule of options.rules()) listener.ruleAdded(rule);
      },
    };
    this.apiObjects = backend.renderPolicy(scope, 'Resource', definition);
    const model = EgressModel.of(scope);
    const objects = this.apiObjects;
    model.record({
      toModelPolicy: (): ModelPolicy => ({
        constructPath: scope.node.path,
        backend: backend.id,
        // read when the model is read: backends may regroup their objects as rules are added
        objectRef: objects[0] ? `${objects[0].kind}/${objects[0].metadata.namespace ?? ''}/${objects[0].name}` : scope.node.path,
        purpose: options.purpose,
        source: options.source(),
        rules: options.rules(),
        providesDns: options.providesDns,
      }),
    });
    this.needsDnsCheck(scope, model, options);
  }

  /** Tell the backend about a rule added after construction. */
  public ruleAdded(rule: EgressRuleConfig): void {
    for (const l of this.listeners) l.ruleAdded(rule);
  }

  private needsDnsCheck(scope: Construct, model: EgressModel, options: RenderOptions): void {
    if (options.needsDns) {
      scope.node.addValidation({
        validate: () => {
          const source = options.source();
          if (hasDnsPath(model.policies(), source)) return [];
          return [`${describeSource(source)} is egress-isolated here but has no DNS path: nothing in the app allows it UDP and TCP to a DNS resolver. `
            + `Keep the default dns option, or add a DnsEgressRule for the same pods (${EgressErrorCode.DNS_PATH_MISSING})`];
        },
      });
    }
  }
}

export function describeSource(s: SourceConfig): string {
  return s.podLabels
    ? `Pods ${Object.entries(s.podLabels).map(([k, v]) => `${k}=${v}`).join(',')} in namespace ${s.namespace}`
    : `Every pod in namespace ${s.namespace}`;
}

/** True when some policy that keeps DNS open covers every pod of `source`. */
export function hasDnsPath(policies: readonly ModelPolicy[], source: SourceConfig): boolean {
  return policies.some((p) => p.providesDns
    && p.source.namespace === source.namespace
    && (p.source.podLabels === undefined || (source.podLabels !== undefined && labelsMatch(p.source.podLabels, source.podLabels))));
}
