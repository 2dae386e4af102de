import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { FixedEgressIpBindOptions, FixedEgressIpBinding, FixedEgressIpProviderBase } from './contract';
import { CiliumEgressGatewayNode, CiliumFixedEgressIpOptions } from './options';
import { makeClusterScoped } from './private';
import {
  CiliumEgressGatewayPolicy,
  CiliumEgressGatewayPolicySpec,
  CiliumEgressGatewayPolicySpecEgressGateway,
  CiliumEgressGatewayPolicySpecSelectors,
} from '../../imports/cilium.io';
import { CILIUM_EGRESS_GATEWAYS_LIST, CILIUM_GATEWAY_VERSIONS } from '../backends/cilium/versions';
import { parseCidrList } from '../core/cluster-ranges';
import { describeGatewayNode, sortedLabelText } from '../core/describe';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { labelProblems, sortedLabels } from '../core/names';
import { atLeast, resolveVersion } from '../core/versions';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { plainApiObject } from '../emit/objects';
import { Cidr, cidrContains, compareCidrs, isCidr, parseCidr, parseIp } from '../util/cidr';

/** The label Cilium gives every endpoint with its namespace. */
const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
/** Linux interface names: at most 15 bytes, no '/', no whitespace. */
const IFNAME = /^[^\s/]{1,15}$/;

/** A gateway of the policy in its JSON shape (`egressIP`: the generated binding camel-cases it). */
type GatewayJson = Omit<CiliumEgressGatewayPolicySpecEgressGateway, 'egressIp'> & { readonly egressIP?: string };

/** The CiliumEgressGatewayPolicy spec in its JSON shape (the generated binding camel-cases the CIDR fields). */
type EgressGatewayPolicySpecJson = Omit<CiliumEgressGatewayPolicySpec, 'destinationCidRs' | 'excludedCidRs' | 'egressGateway' | 'egressGateways' | 'selectors'> & {
  readonly selectors: CiliumEgressGatewayPolicySpecSelectors[];
  readonly destinationCIDRs: string[];
  readonly excludedCIDRs?: string[];
  readonly egressGateway: GatewayJson;
  readonly egressGateways?: GatewayJson[];
};

interface Gateway {
  readonly nodeSelector: Record<string, string>;
  readonly egressIp?: string;
  readonly iface?: string;
}

/** Renders `FixedEgressIpProvider.cilium()`. */
export class CiliumFixedEgressIpProvider extends FixedEgressIpProviderBase {
  public readonly id = 'cilium';
  public readonly displayName = 'Cilium egress gateway';
  public readonly scopedByDestination = true;
  private bound = false;

  public constructor(private readonly options: CiliumFixedEgressIpOptions) {
    super();
  }

  public bind(scope: Construct, options: FixedEgressIpBindOptions): FixedEgressIpBinding {
    if (this.bound) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        'This FixedEgressIpProvider.cilium() instance already configures another FixedEgressIp: create one provider per FixedEgressIp');
    }
    this.bound = true;
    const version = resolveVersion(scope, CILIUM_GATEWAY_VERSIONS, this.options.version);
    const gateways = this.gateways(scope);
    if (gateways.length > 1 && !atLeast(version, CILIUM_EGRESS_GATEWAYS_LIST)) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `FixedEgressIpProvider.cilium() was given ${gateways.length} gateways, but Cilium ${version.version} (declared by ${version.declaredBy}) has no egressGateways list: `
        + `it arrived in ${CILIUM_EGRESS_GATEWAYS_LIST}, and an older API server refuses or drops the field (dropped, every pod would use the first gateway). `
        + `Give one gateway, or declare the Cilium release the cluster runs if it is ${CILIUM_EGRESS_GATEWAYS_LIST} or later`);
    }
    const destinations = options.destinations.map((d) => parseCidr(d.cidr!)).filter(isCidr);
    this.checkFamilies(scope, gateways, destinations);
    const excluded = this.excludedCidrs(scope, options, destinations);

    const gatewayJson = gateways.map((g): GatewayJson => ({
      nodeSelector: { matchLabels: g.nodeSelector },
      ...(g.egressIp !== undefined ? { egressIP: g.egressIp } : {}),
      ...(g.iface !== undefined ? { interface: g.iface } : {}),
    }));
    const sources = options.sources;
    // In the CRD's JSON shape (destinationCIDRs, egressIP: the generated binding camel-cases them).
    const spec: EgressGatewayPolicySpecJson = {
      // Resolved at synth: workload selectors may still change after this construct is built.
      selectors: Lazy.any({ produce: () => selectors(scope, sources.map((s) => s.toConfig())) }),
      destinationCIDRs: [...new Set(destinations.map((d) => d.text))],
      ...(excluded.length > 0 ? { excludedCIDRs: excluded } : {}),
      // The CRD requires `egressGateway` even when `egressGateways` is set (which makes Cilium
      // ignore it): it repeats the first gateway so both fields say the same thing.
      egressGateway: gatewayJson[0],
      ...(gatewayJson.length > 1 ? { egressGateways: gatewayJson } : {}),
    };
    const policy = plainApiObject(CiliumEgressGatewayPolicy.GVK, scope, 'Resource', {
      metadata: {
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.annotations ? { annotations: options.annotations } : {}),
      },
      spec,
    });
    makeClusterScoped(policy);
    // Workload selectors may change until synth: checked there too, so a bad one fails before any file is written.
    scope.node.addValidation({
      validate: () => {
        try {
          selectors(scope, sources.map((s) => s.toConfig()));
          return [];
        } catch (e) {
          if (e instanceof EgressError) return [`${e.message.replace(/^\[[^\]]*\] /, '').replace(/ \([A-Z_]+\)$/, '')} (${e.code})`];
          throw e;
        }
      },
    });
    this.warn(scope, gateways);
    return { apiObjects: [policy], egressIdentity: identity(gateways), details: `CiliumEgressGatewayPolicy for Cilium ${version.version}` };
  }

  private gateways(scope: Construct): Gateway[] {
    const o = this.options;
    const single = o.nodeSelector !== undefined || o.egressIp !== undefined || o.egressInterface !== undefined;
    if (o.gateways !== undefined && single) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        'FixedEgressIpProvider.cilium() was given both gateways and nodeSelector/egressIp/egressInterface: with a gateways list Cilium ignores the single gateway. '
        + 'Put every gateway node into gateways, or use nodeSelector alone');
    }
    const list: CiliumEgressGatewayNode[] = o.gateways ?? (o.nodeSelector !== undefined
      ? [{ nodeSelector: o.nodeSelector, egressIp: o.egressIp, egressInterface: o.egressInterface }]
      : []);
    if (list.length === 0) {
      throw EgressError.at(scope, EgressErrorCode.EMPTY_SELECTOR,
        o.gateways !== undefined
          ? 'FixedEgressIpProvider.cilium() was given an empty gateways list: list at least one gateway node ({ nodeSelector: { ... } })'
          : 'FixedEgressIpProvider.cilium() needs the gateway node: pass nodeSelector (the gateway node\'s labels, e.g. { \'egress-gateway\': \'true\' }) or gateways');
    }
    const seen = new Set<string>();
    return list.map((g, i) => {
      const where = list.length > 1 || o.gateways ? `gateways[${i}]` : 'FixedEgressIpProvider.cilium()';
      if (Object.keys(g.nodeSelector).length === 0) {
        throw EgressError.at(scope, EgressErrorCode.EMPTY_SELECTOR,
          `The nodeSelector of ${where} is empty, which matches every node: Cilium would make the first node by name the gateway. Select the gateway node by its labels`);
      }
      raise(scope, labelProblems(g.nodeSelector, `the nodeSelector of ${where}`));
      if (g.egressIp !== undefined && g.egressInterface !== undefined) {
        throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
          `${where} sets both egressIp "${g.egressIp}" and egressInterface "${g.egressInterface}": Cilium silently ignores such a policy. Set egressIp (the address) or egressInterface (take its first address), not both`);
      }
      if (g.egressIp !== undefined) checkEgressIp(scope, g.egressIp, where);
      if (g.egressInterface !== undefined && !IFNAME.test(g.egressInterface)) {
        throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
          `Invalid interface "${g.egressInterface}" in ${where}: a Linux interface name has 1-15 characters without '/' or whitespace (e.g. "eth1")`);
      }
      const gw: Gateway = {
        nodeSelector: sortedLabels(g.nodeSelector),
        ...(g.egressIp !== undefined ? { egressIp: g.egressIp } : {}),
        ...(g.egressInterface !== undefined ? { iface: g.egressInterface } : {}),
      };
      const key = JSON.stringify(gw);
      if (seen.has(key)) {
        throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS, `${where} repeats an earlier gateway (${describeGateway(gw)}): list each gateway once`);
      }
      seen.add(key);
      return gw;
    });
  }

  private checkFamilies(scope: Construct, gateways: Gateway[], destinations: Cidr[]): void {
    const v6 = destinations.filter((d) => d.family === 6);
    const withIp = gateways.find((g) => g.egressIp !== undefined);
    if (v6.length > 0 && withIp) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `The gateway egressIp ${withIp.egressIp} is IPv4, but destination ${v6[0].text} is IPv6: an IPv4 egressIp cannot be the source of IPv6 traffic, `
        + 'and newer Cilium releases reject such a policy. Use egressInterface (its first IPv4 and IPv6 addresses are used), or a separate FixedEgressIp for the IPv6 destinations');
    }
  }

  private excludedCidrs(scope: Construct, options: FixedEgressIpBindOptions, destinations: Cidr[]): string[] {
    const given = parseCidrList(scope, this.options.excludedCidrs ?? [], 'excludedCidrs of FixedEgressIpProvider.cilium()');
    for (const e of given) {
      if (!destinations.some((d) => cidrContains(d, e) && d.prefix < e.prefix)) {
        throw EgressError.at(scope, EgressErrorCode.INVALID_EXCEPT,
          `Excluded CIDR ${e.text} is not inside any destination (${destinations.map((d) => d.text).join(', ')}), so Cilium would ignore it. `
          + 'Each excluded block must be a strict subset of a destination');
      }
    }
    const fromExcept = options.destinations.flatMap((d) => d.except ?? []).map((e) => parseCidr(e)).filter(isCidr);
    // Cilium applies exclusions after destinations: a block listed as both would silently not
    // get the fixed address.
    for (const e of [...given, ...fromExcept]) {
      if (destinations.some((d) => d.text === e.text)) {
        throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
          `${e.text} is both a destination and an excluded block (an except or excludedCidrs entry): Cilium applies the exclusion, so it would not get the fixed address. `
          + 'Remove it from the destinations, or from the exclusions');
      }
    }
    const unique = new Map<string, Cidr>();
    for (const c of [...given, ...fromExcept]) unique.set(c.text, c);
    return [...unique.values()].sort(compareCidrs).map((c) => c.text);
  }

  private warn(scope: Construct, gateways: Gateway[]): void {
    const where = gateways.map((g) => sortedLabelText(g.nodeSelector)).join(' / ');
    EgressWarnings.add(scope, EgressWarningId.CILIUM_EGRESS_NO_HA,
      gateways.length > 1
        ? `Cilium's open-source egress gateway has no failover: each pod is pinned to one of ${gateways.length} gateways, and while its gateway node is down its traffic to these destinations is dropped (cilium/cilium#18230)`
        : 'Cilium\'s open-source egress gateway has no high availability: one node (the first matching node by name) is the gateway, and while it is down the pods\' traffic to these destinations is dropped (cilium/cilium#18230)');
    EgressWarnings.add(scope, EgressWarningId.CILIUM_EGRESS_NO_GATEWAY_DROPS,
      `If no node carries the labels ${where}, Cilium drops the pods' traffic to these destinations; if the egress IP is not assigned to a device of the gateway node, the gateway drops it ("No Egress IP configured"). `
      + 'Label the gateway node and assign the address before the policy is applied');
    EgressWarnings.add(scope, EgressWarningId.CILIUM_EGRESS_INCOMPATIBLE_FEATURES,
      'The egress gateway needs egressGateway.enabled, bpf.masquerade and kubeProxyReplacement (see CiliumEgressGatewayValues) and does not work with Cluster Mesh '
      + '(the gateway must be in the pods\' cluster), CiliumEndpointSlice or identityAllocationMode=kvstore');
    EgressWarnings.add(scope, EgressWarningId.CILIUM_EGRESS_GATEWAY_CHANGE_BREAKS_CONNECTIONS,
      'Changing the gateway (node labels, gateway nodes added or removed, policy edits) breaks the pods\' open connections to these destinations (cilium/cilium#39245)');
    EgressWarnings.add(scope, EgressWarningId.CILIUM_EGRESS_NEW_POD_DELAY,
      'A new pod egresses for a short time before the policy applies to it, with its pod or node address and not through the gateway: external allow-lists must tolerate the first connections failing');
  }
}

function checkEgressIp(scope: Construct, ip: string, where: string): void {
  if (ip.includes('/')) {
    const c = parseCidr(ip);
    const hint = isCidr(c) && (c.prefix === 32 || c.prefix === 128) ? ` Did you mean "${ip.slice(0, ip.indexOf('/'))}"?` : '';
    throw EgressError.at(scope, EgressErrorCode.INVALID_CIDR, `Invalid egressIp "${ip}" in ${where}: give a single address without a prefix length.${hint}`);
  }
  const parsed = parseIp(ip);
  if (!parsed) {
    throw EgressError.at(scope, EgressErrorCode.INVALID_CIDR, `Invalid egressIp "${ip}" in ${where}: expected an IPv4 address such as "10.0.0.100"`);
  }
  if (parsed.family === 6) {
    throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
      `egressIp "${ip}" in ${where} is IPv6, but Cilium 1.19 accepts only IPv4 egress IPs. Use egressInterface to SNAT IPv6 traffic with the interface's address`);
  }
}

function selectors(scope: Construct, sources: { namespace: string; podLabels?: Record<string, string> }[]) {
  const out = new Map<string, { podSelector: { matchLabels: Record<string, string> } }>();
  for (const s of sources) {
    if (s.podLabels?.[POD_NAMESPACE_LABEL] !== undefined && s.podLabels[POD_NAMESPACE_LABEL] !== s.namespace) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_LABEL,
        `The source pods in namespace ${s.namespace} are selected with label ${POD_NAMESPACE_LABEL}=${s.podLabels[POD_NAMESPACE_LABEL]}, which Cilium reserves for the pod's namespace. Remove that label from the selector`);
    }
    const matchLabels = { [POD_NAMESPACE_LABEL]: s.namespace, ...(s.podLabels ?? {}) };
    out.set(JSON.stringify(matchLabels), { podSelector: { matchLabels } });
  }
  return [...out.values()];
}

function describeGateway(g: Gateway): string {
  return describeGatewayNode(g.nodeSelector, g.egressIp, g.iface);
}

function identity(gateways: Gateway[]): string {
  return gateways.length === 1
    ? `Cilium gateway ${describeGateway(gateways[0])}`
    : `Cilium gateways ${gateways.map(describeGateway).join('; ')}`;
}
