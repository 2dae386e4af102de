import { Construct } from 'constructs';
import { FixedEgressIpBindOptions, FixedEgressIpBinding, FixedEgressIpProviderBase } from './contract';
import { AlibabaAnnotationPrefix, AlibabaEipOptions, AlibabaEipReleaseStrategy } from './options';
import { annotatePodTemplate, goDuration, podTemplateAnnotations, workloadOf } from './private';
import { EgressError } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { Workload } from '../core/workload';

const EIP_ID = /^eip-[a-z0-9]+$/;
const CBWP_ID = /^cbwp-[a-z0-9]+$/;
/** Readiness gate set by ack-extend-network-controller once the EIP is attached. */
const READINESS_GATE = 'k8s.aliyun.com/eip';

/** Renders `FixedEgressIpProvider.alibabaEip()`. */
export class AlibabaEipProvider extends FixedEgressIpProviderBase {
  public readonly id = 'alibaba';
  public readonly displayName = 'Alibaba Cloud pod EIP';
  public readonly scopedByDestination = false;
  private bound = false;

  public constructor(private readonly options: AlibabaEipOptions) {
    super();
  }

  public bind(scope: Construct, options: FixedEgressIpBindOptions): FixedEgressIpBinding {
    if (this.bound) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        'This FixedEgressIpProvider.alibabaEip() instance already configures another FixedEgressIp: create one provider per FixedEgressIp');
    }
    this.bound = true;
    const o = this.options;
    this.checkOptions(scope);
    const annotations = this.annotations();
    const workloads = options.sources.map((source) => {
      const w = workloadOf(source);
      if (!w) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `FixedEgressIpProvider.alibabaEip() needs a workload (Deployment, StatefulSet, DaemonSet or Job) as source, got ${source.describe()}: ack-extend-network-controller reads the EIP annotations `
          + 'from each pod, so they go on the workload\'s pod template. Use EgressSource.workload(deployment)');
      }
      return w;
    });
    if (o.instanceId !== undefined && workloads.length > 1) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `EIP ${o.instanceId} can be attached to one pod only, but ${workloads.length} workloads were given: use one FixedEgressIp (and one EIP) per StatefulSet`);
    }
    for (const w of workloads) {
      this.checkWorkload(scope, w);
      const unofficial = Object.keys(podTemplateAnnotations(w)).filter((k) => UNOFFICIAL_KEYS.includes(k));
      if (unofficial.length > 0) {
        EgressWarnings.add(scope, EgressWarningId.ACK_UNOFFICIAL_EIP_KEYS,
          `The pod template of ${w.path} carries ${unofficial.join(', ')}, keys that appear only in unofficial notes: ack-extend-network-controller reads `
          + `the official keys this FixedEgressIp adds (${Object.keys(annotations).join(', ')}). Remove the unofficial keys so nothing else acts on them`);
      }
      annotatePodTemplate(scope, w, annotations, 'FixedEgressIpProvider.alibabaEip()');
      if (o.readinessGate ?? true) w.addReadinessGate(READINESS_GATE);
    }
    this.warn(scope, workloads);
    return {
      apiObjects: [],
      egressIdentity: o.instanceId !== undefined ? `Alibaba Cloud EIP ${o.instanceId}` : `an Alibaba Cloud EIP per pod (${JSON.stringify(annotations)})`,
    };
  }

  private checkOptions(scope: Construct): void {
    const o = this.options;
    if (o.instanceId !== undefined) {
      if (!EIP_ID.test(o.instanceId)) {
        throw EgressError.at(scope, EgressErrorCode.INVALID_NAME, `Invalid EIP instance id "${o.instanceId}": expected the id of an existing EIP such as "eip-bp1exampleid"`);
      }
      const creationOnly = [
        o.bandwidth !== undefined ? 'bandwidth' : undefined,
        o.internetChargeType !== undefined ? 'internetChargeType' : undefined,
        o.commonBandwidthPackageId !== undefined ? 'commonBandwidthPackageId' : undefined,
        o.releaseStrategy !== undefined ? 'releaseStrategy' : undefined,
      ].filter((x): x is string => x !== undefined);
      if (creationOnly.length > 0) {
        throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
          `${creationOnly.join(', ')} ${creationOnly.length > 1 ? 'apply' : 'applies'} only to EIPs the controller creates, but instanceId ${o.instanceId} attaches an existing EIP, `
          + 'which the controller neither changes nor releases. Configure the EIP itself, or drop instanceId');
      }
    }
    if (o.bandwidth !== undefined && (!Number.isInteger(o.bandwidth) || o.bandwidth < 1)) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS, `Invalid EIP bandwidth ${o.bandwidth}: give a whole number of Mbit/s, at least 1`);
    }
    if (o.commonBandwidthPackageId !== undefined && !CBWP_ID.test(o.commonBandwidthPackageId)) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
        `Invalid commonBandwidthPackageId "${o.commonBandwidthPackageId}": expected the id of an Internet Shared Bandwidth instance such as "cbwp-bp1exampleid"`);
    }
    const d = o.releaseStrategy?._duration;
    if (d !== undefined && (!Number.isInteger(d.toSeconds({ integral: false })) || d.toSeconds({ integral: false }) < 1)) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `AlibabaEipReleaseStrategy.after() needs a whole number of seconds, at least 1 (got ${d.toMilliseconds()} ms): use AlibabaEipReleaseStrategy.FOLLOW to release with the pod`);
    }
  }

  private annotations(): Record<string, string> {
    const o = this.options;
    const p = o.annotationPrefix ?? AlibabaAnnotationPrefix.K8S_ALIYUN_COM;
    if (o.instanceId !== undefined) return { [`${p}/pod-eip-instanceid`]: o.instanceId };
    return {
      [`${p}/pod-with-eip`]: 'true',
      ...(o.bandwidth !== undefined ? { [`${p}/eip-bandwidth`]: String(o.bandwidth) } : {}),
      ...(o.internetChargeType !== undefined ? { [`${p}/eip-internet-charge-type`]: o.internetChargeType } : {}),
      ...(o.commonBandwidthPackageId !== undefined ? { [`${p}/eip-common-bandwidth-package-id`]: o.commonBandwidthPackageId } : {}),
      ...(o.releaseStrategy !== undefined ? { [`${p}/pod-eip-release-strategy`]: releaseValue(o.releaseStrategy) } : {}),
    };
  }

  private checkWorkload(scope: Construct, w: Workload): void {
    const o = this.options;
    const isStatefulSet = w.kind === 'StatefulSet';
    if (o.instanceId !== undefined) {
      if (!isStatefulSet) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `instanceId ${o.instanceId} attaches one existing EIP to one pod, but ${w.path} is a ${w.kind}, whose pods are replaced under new names `
          + '(during a rollout two pods would claim the EIP). Use a StatefulSet with one replica, or let the controller create EIPs (omit instanceId)');
      }
      const replicas = w.replicas() ?? 1;
      if (replicas > 1) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `instanceId ${o.instanceId} attaches one existing EIP to one pod, but StatefulSet ${w.path} has ${replicas} replicas. `
          + 'Use one replica per EIP, or let the controller create an EIP per pod with a release strategy that keeps it (AlibabaEipReleaseStrategy.NEVER or .after(...))');
      }
    }
    const strategy = o.releaseStrategy;
    if (strategy !== undefined && strategy !== AlibabaEipReleaseStrategy.FOLLOW && !isStatefulSet) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `The EIP release strategy ${releaseValue(strategy)} only works for StatefulSet pods (a recreated pod with the same name reuses the EIP), but ${w.path} is a ${w.kind}: `
        + 'the controller does not support it for stateless workloads. Use a StatefulSet, or omit releaseStrategy');
    }
    if (w.hostNetwork()) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `${w.path} uses the host network, so its pods have no pod address for an EIP to be attached to: remove hostNetwork or use another provider`);
    }
  }

  private warn(scope: Construct, workloads: Workload[]): void {
    const o = this.options;
    if (o.instanceId !== undefined) return;
    const keeps = o.releaseStrategy !== undefined && o.releaseStrategy !== AlibabaEipReleaseStrategy.FOLLOW;
    if (!keeps) {
      EgressWarnings.add(scope, EgressWarningId.ACK_EIP_NOT_FIXED,
        'The controller creates an EIP when a pod starts and releases it when the pod is deleted: the egress address changes every time a pod is replaced. '
        + 'For an address that stays, attach an existing EIP (instanceId, StatefulSet with one replica) or keep created EIPs (StatefulSet with AlibabaEipReleaseStrategy.NEVER or .after(...))');
    }
    const podCount = (w: Workload) => (w.kind === 'DaemonSet' ? Infinity : w.replicas() ?? 1);
    const multi = workloads.length > 1 || workloads.some((w) => podCount(w) > 1);
    if (multi) {
      EgressWarnings.add(scope, EgressWarningId.ACK_EIP_PER_POD,
        'Every pod gets its own EIP, so the workload leaves with as many addresses as it has pods: external allow-lists must list each of them (or use alibabaPodNetworking() for one shared address)');
    }
  }
}

/** Pod-EIP keys seen only in unofficial notes (and in the seed spec); the controller does not document them. */
const UNOFFICIAL_KEYS = ['k8s.aliyun.com/pod-eip', 'k8s.aliyun.com/eip-bindingtype'];

function releaseValue(s: AlibabaEipReleaseStrategy): string {
  return s._value ?? goDuration(s._duration!);
}
