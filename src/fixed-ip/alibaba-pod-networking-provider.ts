import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { FixedEgressIpBindOptions, FixedEgressIpBinding, FixedEgressIpProviderBase } from './contract';
import { AlibabaPodNetworkingOptions, TerwayEniType, TerwayVSwitchSelectionPolicy } from './options';
import { makeClusterScoped, podTemplateAnnotations, podTemplateLabels, workloadOf } from './private';
import {
  PodNetworking, PodNetworkingSpec, PodNetworkingSpecEniOptionsEniType, PodNetworkingSpecVSwitchSelectOptionsVSwitchSelectionPolicy,
} from '../../imports/network.alibabacloud.com';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { NAMESPACE_NAME_LABEL, objectNameProblems } from '../core/names';
import { EgressSource, SourceConfig } from '../core/source';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { plainApiObject } from '../emit/objects';
import { AppState, StateKey } from '../util/app-state';

const VSW_ID = /^vsw-[a-z0-9]+$/;
const SG_ID = /^sg-[a-z0-9]+$/;
/** Terway's webhook refuses more security groups than this. */
const MAX_SECURITY_GROUPS = 10;
/** Pod annotations that make Terway skip PodNetworking matching (types/k8s.go). */
const BYPASS_ANNOTATIONS = ['k8s.aliyun.com/pod-networks', 'k8s.aliyun.com/pod-networks-request'];
const IGNORE_LABEL = 'k8s.aliyun.com/ignore-by-terway';
/**
 * The PodNetworkings of an app, in creation order. Shared by every copy of the library in the
 * process: Terway matches the cluster's PodNetworkings in one list whichever copy emits them.
 */
const REGISTRY = StateKey.shared<PodNetworkingEntry[]>('podNetworkings');
const ENI_TYPE: Record<TerwayEniType, PodNetworkingSpecEniOptionsEniType> = {
  [TerwayEniType.TRUNK]: PodNetworkingSpecEniOptionsEniType.TRUNK,
  [TerwayEniType.ENI]: PodNetworkingSpecEniOptionsEniType.ENI,
};
const VSWITCH_POLICY: Record<TerwayVSwitchSelectionPolicy, PodNetworkingSpecVSwitchSelectOptionsVSwitchSelectionPolicy> = {
  [TerwayVSwitchSelectionPolicy.ORDERED]: PodNetworkingSpecVSwitchSelectOptionsVSwitchSelectionPolicy.ORDERED,
  [TerwayVSwitchSelectionPolicy.RANDOM]: PodNetworkingSpecVSwitchSelectOptionsVSwitchSelectionPolicy.RANDOM,
  [TerwayVSwitchSelectionPolicy.MOST]: PodNetworkingSpecVSwitchSelectOptionsVSwitchSelectionPolicy.MOST,
};

/** A PodNetworking of the app: the FixedEgressIp that emits it, its name (read at synth) and its source. */
export interface PodNetworkingEntry {
  readonly scope: IConstruct;
  readonly name: () => string;
  readonly source: EgressSource;
}

/** Renders `FixedEgressIpProvider.alibabaPodNetworking()`. */
export class AlibabaPodNetworkingProvider extends FixedEgressIpProviderBase {
  public readonly id = 'alibaba';
  public readonly displayName = 'Terway PodNetworking';
  public readonly scopedByDestination = false;
  private bound = false;

  public constructor(private readonly options: AlibabaPodNetworkingOptions) {
    super();
  }

  public bind(scope: Construct, options: FixedEgressIpBindOptions): FixedEgressIpBinding {
    if (this.bound) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        'This FixedEgressIpProvider.alibabaPodNetworking() instance already configures another FixedEgressIp: create one provider per FixedEgressIp');
    }
    this.bound = true;
    const vSwitches = checkIds(scope, this.options.vSwitchIds, VSW_ID, 'vSwitchIds', ['vSwitch', 'vSwitches'], 'vsw-bp1exampleid');
    const groups = checkIds(scope, this.options.securityGroupIds, SG_ID, 'securityGroupIds', ['security group', 'security groups'], 'sg-bp1exampleid');
    if (groups.length > MAX_SECURITY_GROUPS) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `${groups.length} security groups were given, but Terway's webhook accepts at most ${MAX_SECURITY_GROUPS} per PodNetworking: merge rules into fewer groups`);
    }
    const eniType = this.options.eniType ?? TerwayEniType.TRUNK;
    const policy = this.options.vSwitchSelectionPolicy;
    const multi = options.sources.length > 1;
    const apiObjects: ApiObject[] = options.sources.map((source, i) => {
      const name = options.name !== undefined ? (multi ? `${options.name}-${i + 1}` : options.name) : undefined;
      if (name !== undefined) raise(scope, objectNameProblems(name));
      const spec: PodNetworkingSpec = {
        eniOptions: { eniType: ENI_TYPE[eniType] },
        vSwitchOptions: vSwitches,
        ...(policy !== undefined ? { vSwitchSelectOptions: { vSwitchSelectionPolicy: VSWITCH_POLICY[policy] } } : {}),
        securityGroupIDs: groups,
        // Resolved at synth: workload selectors may still change after this construct is built.
        selector: Lazy.any({ produce: () => selector(source.toConfig()) }),
      };
      const pn = plainApiObject(PodNetworking.GVK, scope, multi ? `Resource${i + 1}` : 'Resource', {
        metadata: {
          ...(name !== undefined ? { name } : {}),
          ...(options.labels ? { labels: options.labels } : {}),
          ...(options.annotations ? { annotations: options.annotations } : {}),
        },
        spec,
      });
      makeClusterScoped(pn);
      register(scope, { scope, name: () => pn.name, source });
      const w = workloadOf(source);
      if (w) {
        scope.node.addValidation({
          validate: () => {
            const errors: string[] = [];
            if (w.hostNetwork()) errors.push(`${w.path} uses the host network: Terway gives host-network pods no PodNetworking, so they would egress from the node. Remove hostNetwork`);
            const ann = podTemplateAnnotations(w);
            for (const key of BYPASS_ANNOTATIONS.filter((k) => ann[k] !== undefined)) {
              errors.push(`The pod template of ${w.path} sets ${key}, which makes Terway skip PodNetworking ${pn.name}: remove the annotation`);
            }
            if (podTemplateLabels(w)[IGNORE_LABEL] === 'true') {
              errors.push(`The pod template of ${w.path} carries ${IGNORE_LABEL}: "true", so Terway ignores its pods: remove the label`);
            }
            return errors.map((e) => `${e} (${EgressErrorCode.CONFLICTING_OPTIONS})`);
          },
        });
      }
      return pn;
    });

    EgressWarnings.add(scope, EgressWarningId.ACK_SNAT_ENTRY_REQUIRED,
      `The fixed address comes from the VPC NAT gateway, which Kubernetes does not configure: add one SNAT entry per vSwitch (${vSwitches.join(', ')}) with the fixed EIP(s), `
      + 'in every zone the pods may run in. A vSwitch without its own entry falls back to the VPC-wide entry (or has no Internet access); several SNAT IPs in one entry make the address one of several');
    EgressWarnings.add(scope, EgressWarningId.ACK_POD_NETWORKING_AT_POD_CREATION,
      'Terway matches PodNetworkings only when a pod is created, and only Ready ones: pods that already run, or start before the PodNetworking is Ready, stay on the shared vSwitches '
      + 'until they are recreated. With the webhook\'s failurePolicy Ignore (the open-source chart default), pods created while the webhook is down also miss it');
    return { apiObjects, egressIdentity: `the SNAT entries of vSwitches ${vSwitches.join(', ')} (Terway PodNetworking)` };
  }
}

function checkIds(
  scope: Construct, ids: readonly string[], pattern: RegExp, prop: string, [what, plural]: [string, string], example: string,
): string[] {
  if (ids.length === 0) {
    throw EgressError.at(scope, EgressErrorCode.EMPTY_SELECTOR,
      `FixedEgressIpProvider.alibabaPodNetworking() was given no ${prop}: Terway would fill them from the cluster's eni-config (the ${plural} shared by all pods), `
      + `so the pods would not get the dedicated egress. List the dedicated ${what} ids`);
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (!pattern.test(id)) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_NAME, `Invalid ${what} id "${id}" in ${prop}: expected an id such as "${example}"`);
    }
    if (seen.has(id)) throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS, `${prop} lists ${id} twice: list each ${what} once`);
    seen.add(id);
  }
  return [...ids];
}

function selector(s: SourceConfig) {
  return {
    ...(s.podLabels !== undefined ? { podSelector: { matchLabels: s.podLabels } } : {}),
    // PodNetworking is cluster-scoped: without a namespace selector the pod labels would match in every namespace.
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: s.namespace } },
  };
}

/** Record a PodNetworking; the app-wide check (src/checks/fixed-ip-conflicts.ts) compares it with the earlier ones. */
function register(scope: IConstruct, entry: PodNetworkingEntry): void {
  AppState.of(scope).get(REGISTRY, () => []).push(entry);
}

/** The PodNetworkings of the app of `scope`, in creation order. */
export function podNetworkings(scope: IConstruct): readonly PodNetworkingEntry[] {
  return AppState.of(scope).peek(REGISTRY) ?? [];
}
