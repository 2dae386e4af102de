import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { FixedEgressIpBindOptions, FixedEgressIpBinding, FixedEgressIpProviderBase } from './contract';
import { CalicoEncapsulation, CalicoFixedEgressIpOptions, CalicoPoolReservation, CalicoServiceAdvertisement } from './options';
import { annotatePodTemplate, makeClusterScoped, workloadOf } from './private';
import {
  BgpConfiguration, BgpConfigurationSpec, IpPool, IpPoolSpec,
  IpPoolSpecAllowedUses, IpPoolSpecAssignmentMode, IpPoolSpecIpipMode, IpPoolSpecVxlanMode,
} from '../../imports/projectcalico.org';
import { CALICO_ASSIGNMENT_MODE, CALICO_POOL_VERSIONS } from '../backends/calico/versions';
import { clusterRanges, parseCidrList } from '../core/cluster-ranges';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { objectNameProblems } from '../core/names';
import { atLeast, resolveVersion } from '../core/versions';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { claimObjectName, plainApiObject } from '../emit/objects';
import { AppState, StateKey } from '../util/app-state';
import { Cidr, cidrContains, cidrProblemText, cidrsOverlap, isCidr, parseCidr, parseIp } from '../util/cidr';

const LINK_LOCAL = [parseCidr('169.254.0.0/16'), parseCidr('fe80::/10')].filter(isCidr);
/**
 * The FixedEgressIp that sets the cluster's singleton BGPConfiguration "default". Shared by every
 * copy of the library in the process (the cluster has one such object whichever copy emits it).
 */
const BGP_SINGLETON = StateKey.shared<IConstruct>('calicoBgpConfiguration');

const ENCAP: Record<CalicoEncapsulation, { ipip: IpPoolSpecIpipMode; vxlan: IpPoolSpecVxlanMode }> = {
  [CalicoEncapsulation.NONE]: { ipip: IpPoolSpecIpipMode.NEVER, vxlan: IpPoolSpecVxlanMode.NEVER },
  [CalicoEncapsulation.IPIP]: { ipip: IpPoolSpecIpipMode.ALWAYS, vxlan: IpPoolSpecVxlanMode.NEVER },
  [CalicoEncapsulation.IPIP_CROSS_SUBNET]: { ipip: IpPoolSpecIpipMode.CROSS_SUBNET, vxlan: IpPoolSpecVxlanMode.NEVER },
  [CalicoEncapsulation.VXLAN]: { ipip: IpPoolSpecIpipMode.NEVER, vxlan: IpPoolSpecVxlanMode.ALWAYS },
  [CalicoEncapsulation.VXLAN_CROSS_SUBNET]: { ipip: IpPoolSpecIpipMode.NEVER, vxlan: IpPoolSpecVxlanMode.CROSS_SUBNET },
};

/** Renders `FixedEgressIpProvider.calico()`. */
/**
 * The IP pools of an app, to keep them disjoint. Shared by every copy of the library in the
 * process: the pools share the cluster's address space whichever copy emits them.
 */
const CALICO_POOLS = StateKey.shared<Array<{ readonly cidr: Cidr; readonly path: string }>>('calicoPools');

function appPools(scope: Construct): Array<{ readonly cidr: Cidr; readonly path: string }> {
  return AppState.of(scope).get(CALICO_POOLS, () => []);
}

export class CalicoFixedEgressIpProvider extends FixedEgressIpProviderBase {
  public readonly id = 'calico';
  public readonly displayName = 'Calico IP pool';
  public readonly scopedByDestination = false;
  private bound = false;

  public constructor(private readonly options: CalicoFixedEgressIpOptions) {
    super();
  }

  public bind(scope: Construct, options: FixedEgressIpBindOptions): FixedEgressIpBinding {
    if (this.bound) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        'This FixedEgressIpProvider.calico() instance already configures another FixedEgressIp: create one provider per FixedEgressIp (one pool each)');
    }
    this.bound = true;
    const o = this.options;
    const pool = this.poolCidr(scope, options);
    const encapsulation = o.encapsulation ?? CalicoEncapsulation.NONE;
    if (pool.family === 6 && (encapsulation === CalicoEncapsulation.IPIP || encapsulation === CalicoEncapsulation.IPIP_CROSS_SUBNET)) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `IP-in-IP encapsulation is not supported on the IPv6 pool ${pool.text}: use CalicoEncapsulation.VXLAN, VXLAN_CROSS_SUBNET or NONE`);
    }
    this.checkBlockSize(scope, pool);
    if (options.name !== undefined) raise(scope, objectNameProblems(options.name));
    const natOutgoing = o.natOutgoing ?? false;
    const version = resolveVersion(scope, CALICO_POOL_VERSIONS, o.version);
    const manualMode = atLeast(version, CALICO_ASSIGNMENT_MODE);
    const reservation = o.reservation ?? (manualMode ? CalicoPoolReservation.ASSIGNMENT_MODE_MANUAL : CalicoPoolReservation.NODE_SELECTOR_NONE);
    if (reservation === CalicoPoolReservation.ASSIGNMENT_MODE_MANUAL && !manualMode) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `FixedEgressIpProvider.calico() was given reservation ASSIGNMENT_MODE_MANUAL, but Calico ${version.version} (declared by ${version.declaredBy}) has no IPPool assignmentMode: `
        + `it arrived in ${CALICO_ASSIGNMENT_MODE}, and an older API server refuses or drops the field (dropped, every pod could draw addresses from the pool). `
        + `Use CalicoPoolReservation.NODE_SELECTOR_NONE (the default before ${CALICO_ASSIGNMENT_MODE}), or declare the Calico release the cluster runs if it is ${CALICO_ASSIGNMENT_MODE} or later`);
    }

    const spec: IpPoolSpec = {
      cidr: pool.text,
      natOutgoing,
      ...(o.blockSize !== undefined ? { blockSize: o.blockSize } : {}),
      ipipMode: ENCAP[encapsulation].ipip,
      vxlanMode: ENCAP[encapsulation].vxlan,
      // Workload addresses only: node tunnel addresses must not come from the dedicated range.
      allowedUses: [IpPoolSpecAllowedUses.WORKLOAD],
      ...(reservation === CalicoPoolReservation.ASSIGNMENT_MODE_MANUAL
        ? { assignmentMode: IpPoolSpecAssignmentMode.MANUAL }
        : { nodeSelector: '!all()' }),
    };
    const ippool = plainApiObject(IpPool.GVK, scope, 'Resource', {
      metadata: {
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.annotations ? { annotations: options.annotations } : {}),
      },
      spec,
    });
    makeClusterScoped(ippool);
    const apiObjects: ApiObject[] = [ippool];

    const key = pool.family === 4 ? 'cni.projectcalico.org/ipv4pools' : 'cni.projectcalico.org/ipv6pools';
    const value = JSON.stringify([ippool.name]);
    apiObjects.push(...this.applyAnnotation(scope, options, key, value));
    if (o.advertiseServices !== undefined) apiObjects.push(this.bgpConfiguration(scope, o.advertiseServices, options));

    EgressWarnings.add(scope, EgressWarningId.CALICO_POOL_AT_POD_CREATION,
      `Calico reads ${key} only when a pod is created: pods that already run keep their address until they are recreated (roll the workload after applying)`);
    if (natOutgoing) {
      EgressWarnings.add(scope, EgressWarningId.CALICO_NAT_OUTGOING_HIDES_POOL,
        `natOutgoing is on: traffic that leaves the Calico pools is masqueraded to the node's address, so external systems see node addresses, not ${pool.text}. `
        + 'Turn it off to expose the pool range, or pin the pods to nodes with fixed addresses');
    } else {
      EgressWarnings.add(scope, EgressWarningId.CALICO_POOL_MUST_BE_ROUTED,
        `natOutgoing is off: the pods leave with their own addresses from ${pool.text}, so the network must route ${pool.text} back to the nodes `
        + '(Calico BGP peering with your routers, pool export not disabled); otherwise replies are lost');
    }
    appPools(scope).push({ cidr: pool, path: scope.node.path });
    const reserved = reservation === CalicoPoolReservation.ASSIGNMENT_MODE_MANUAL ? 'assignmentMode Manual' : 'nodeSelector !all()';
    return {
      apiObjects,
      egressIdentity: `Calico pool ${ippool.name} (${pool.text}${natOutgoing ? ', masqueraded to node addresses' : ''})`,
      details: `pool reserved by ${reserved}, for Calico ${version.version}`,
    };
  }

  private poolCidr(scope: Construct, options: FixedEgressIpBindOptions): Cidr {
    const c = parseCidr(this.options.poolCidr);
    if (!isCidr(c)) {
      // A suggestion is shown only when the block it names would be accepted as the pool (a /32
      // for an address without mask would be refused as smaller than one allocation block).
      const address = typeof this.options.poolCidr === 'string' && !this.options.poolCidr.includes('/') ? parseIp(this.options.poolCidr) : undefined;
      const family = address?.family ?? c.suggestionFamily;
      const b = this.options.blockSize;
      const size = family === undefined ? 0 : typeof b === 'number' && Number.isInteger(b) && b >= (family === 4 ? 20 : 116) && b <= (family === 4 ? 32 : 128) ? b : family === 4 ? 26 : 122;
      const accepted = (text: string | undefined): Cidr | undefined => {
        const block = text === undefined ? undefined : parseCidr(text);
        const fits = block !== undefined && isCidr(block) && block.prefix <= size && this.blockProblem(scope, block, options) === undefined;
        return fits ? block as Cidr : undefined;
      };
      let text: string;
      if (address !== undefined) {
        const block = accepted(`${this.options.poolCidr.trim()}/${size}`);
        text = `${c.reason}: a pool is a block of at least one allocation block (/${size}${b === undefined ? ', the default blockSize' : ''}) inside the pod CIDR`
          + `${block ? `, such as "${block.text}" (or a shorter prefix for more addresses)` : `, so give a prefix length of /${size} or shorter`}.`;
      } else if (c.suggestion !== undefined && accepted(c.suggestion) === undefined) {
        const block = parseCidr(c.suggestion);
        text = `${c.reason}${isCidr(block) && block.prefix > size ? `, and a pool needs at least one allocation block (a prefix length of /${size} or shorter)` : ''}.`;
      } else {
        text = cidrProblemText(c);
      }
      throw EgressError.at(scope, EgressErrorCode.INVALID_CIDR, `Invalid poolCidr in FixedEgressIpProvider.calico(): ${text}`);
    }
    const problem = this.blockProblem(scope, c, options);
    if (problem) throw EgressError.at(scope, problem.code, problem.message);
    return c;
  }

  /** Why a block cannot be the pool (link-local, Service or outside the pod CIDR, overlapping another pool), or undefined. */
  private blockProblem(scope: Construct, c: Cidr, options: FixedEgressIpBindOptions): { code: EgressErrorCode; message: string } | undefined {
    const ll = LINK_LOCAL.find((l) => cidrsOverlap(l, c));
    if (ll) {
      return { code: EgressErrorCode.INVALID_CIDR, message: `poolCidr ${c.text} overlaps the link-local range ${ll.text}, which Calico refuses for IP pools: choose a block inside the cluster's pod CIDR` };
    }
    const ranges = clusterRanges(scope, options.clusterCidrs);
    const svc = ranges.services.find((s) => cidrsOverlap(s, c));
    if (svc) {
      return { code: EgressErrorCode.INVALID_CIDR, message: `poolCidr ${c.text} overlaps the cluster's Service CIDR ${svc.text}: choose a block inside the pod CIDR` };
    }
    const samePods = ranges.pods.filter((p) => p.family === c.family);
    if (samePods.length > 0 && !samePods.some((p) => cidrContains(p, c))) {
      return {
        code: EgressErrorCode.INVALID_CIDR,
        message: `poolCidr ${c.text} is outside the cluster's pod CIDR (${samePods.map((p) => p.text).join(', ')}): Kubernetes expects every pod address inside it. `
          + 'Choose a block inside the pod CIDR (and keep it out of the default pool, or shrink that pool)',
      };
    }
    // Calico refuses an IPPool that overlaps another ("IPPool CIDR overlaps with IPPool"), so the
    // pools of the app must be disjoint.
    const clash = appPools(scope).find((p) => cidrsOverlap(p.cidr, c));
    if (clash) {
      return {
        code: EgressErrorCode.CONFLICTING_OPTIONS,
        message: `poolCidr ${c.text} overlaps the pool ${clash.cidr.text} of ${clash.path}: Calico refuses overlapping IP pools (and pods of one could take addresses in the other's range). `
          + 'Give each FixedEgressIp a disjoint block',
      };
    }
    return undefined;
  }

  private checkBlockSize(scope: Construct, pool: Cidr): void {
    const b = this.options.blockSize;
    const [min, max, dflt] = pool.family === 4 ? [20, 32, 26] : [116, 128, 122];
    if (b !== undefined && (!Number.isInteger(b) || b < min || b > max)) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `blockSize ${b} is invalid for the IPv${pool.family} pool ${pool.text}: it must be an integer from ${min} to ${max} (default ${dflt})`);
    }
    const size = b ?? dflt;
    if (pool.prefix > size) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_CIDR,
        `poolCidr ${pool.text} is smaller than one allocation block (/${size}${b === undefined ? ', the default' : ''}): use a /${size} or larger pool, or a larger blockSize`);
    }
  }

  private applyAnnotation(scope: Construct, options: FixedEgressIpBindOptions, key: string, value: string): ApiObject[] {
    const namespaces: ApiObject[] = [];
    options.sources.forEach((source, i) => {
      const w = workloadOf(source);
      if (w) {
        annotatePodTemplate(scope, w, { [key]: value }, 'FixedEgressIpProvider.calico()');
        return;
      }
      const cfg = source.toConfig();
      if (cfg.podLabels !== undefined) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `FixedEgressIpProvider.calico() cannot give ${source.describe()} the pool: Calico reads the pool from an annotation on the pod or its namespace at pod creation, `
          + 'and cdk8s-egress can only annotate pods it defines. Use EgressSource.workload(...) for a Deployment, StatefulSet, DaemonSet or Job, '
          + `or EgressSource.namespace('${cfg.namespace}') with emitNamespaces: true if every pod of the namespace is meant`);
      }
      if (!this.options.emitNamespaces) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `FixedEgressIpProvider.calico() needs the annotation ${key}: '${value}' on namespace ${cfg.namespace}, which this app does not define. `
          + 'Set emitNamespaces: true to emit the Namespace with it (the app then owns that Namespace object), or use EgressSource.workload(...)');
      }
      const ns = new k8s.KubeNamespace(scope, `Namespace${i}`, {
        metadata: { name: cfg.namespace, annotations: { [key]: value } },
      });
      claimObjectName(scope, `Namespace${i}`, ns);
      namespaces.push(ns);
    });
    for (const ns of namespaces) makeClusterScoped(ns);
    return namespaces;
  }

  private bgpConfiguration(scope: Construct, adv: CalicoServiceAdvertisement, options: FixedEgressIpBindOptions): ApiObject {
    const state = AppState.of(scope);
    const first = state.peek(BGP_SINGLETON);
    if (first !== undefined) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `advertiseServices is already set by ${first.node.path}: the BGPConfiguration "default" is a cluster singleton, so only one FixedEgressIp of the app may set it`);
    }
    state.set(BGP_SINGLETON, scope);
    const clusterIps = parseCidrList(scope, adv.serviceClusterIpCidrs ?? [], 'advertiseServices.serviceClusterIpCidrs');
    const externalIps = parseCidrList(scope, adv.serviceExternalIpCidrs ?? [], 'advertiseServices.serviceExternalIpCidrs');
    if (clusterIps.length + externalIps.length === 0) {
      throw EgressError.at(scope, EgressErrorCode.EMPTY_POLICY,
        'advertiseServices was given no ranges: list serviceClusterIpCidrs and/or serviceExternalIpCidrs, or omit advertiseServices');
    }
    const spec: BgpConfigurationSpec = {
      ...(clusterIps.length ? { serviceClusterIPs: clusterIps.map((c) => ({ cidr: c.text })) } : {}),
      ...(externalIps.length ? { serviceExternalIPs: externalIps.map((c) => ({ cidr: c.text })) } : {}),
    };
    const bgp = plainApiObject(BgpConfiguration.GVK, scope, 'BgpConfiguration', {
      metadata: {
        name: 'default',
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.annotations ? { annotations: options.annotations } : {}),
      },
      spec,
    });
    makeClusterScoped(bgp);
    EgressWarnings.add(scope, EgressWarningId.CALICO_BGP_CONFIGURATION_SINGLETON,
      'advertiseServices emits the cluster\'s singleton BGPConfiguration "default": applying it sets these fields cluster-wide, next to whatever else the cluster configured there. '
      + 'It advertises Service addresses to BGP peers and does not change any egress address');
    return bgp;
  }
}
