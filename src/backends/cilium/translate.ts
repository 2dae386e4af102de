// Pure translation of backend-neutral egress rules into Cilium policy rules, and the checks that
// keep the output inside what the Cilium agent accepts (pkg/policy/api/rule_validation.go) and
// inside what the user declared (nothing widened, nothing dropped).
import type { CiliumPolicyHostnamesOptions } from './options';
import {
  CiliumNetworkPolicySpec,
  CiliumNetworkPolicySpecEgress,
  CiliumNetworkPolicySpecEgressToCidrSet,
  CiliumNetworkPolicySpecEgressToEndpoints,
  CiliumNetworkPolicySpecEgressToEndpointsMatchExpressionsOperator,
  CiliumNetworkPolicySpecEgressToEntities,
  CiliumNetworkPolicySpecEgressToFqdNs,
  CiliumNetworkPolicySpecEgressToPorts,
  CiliumNetworkPolicySpecEgressToPortsPorts,
  CiliumNetworkPolicySpecEgressToPortsPortsProtocol,
} from '../../../imports/cilium.io';
import { describeDestinationForCilium, describePortRange } from '../../core/describe';
import { DestinationConfig, DestinationKind } from '../../core/destination';
import { Problem } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { sortedLabels } from '../../core/names';
import { EgressRuleConfig } from '../../core/policy-config';
import { PortConfig, Protocol } from '../../core/port';
import { SourceConfig } from '../../core/source';

/**
 * A Cilium egress rule in its JSON shape: the generated binding's type, with the two fields whose
 * names the generator camel-cased (`toFqdNs`, `toCidrSet`) spelled as in the CRD.
 */
export type CiliumEgressRuleJson = Omit<CiliumNetworkPolicySpecEgress, 'toFqdNs' | 'toCidrSet'> & {
  readonly toFQDNs?: CiliumNetworkPolicySpecEgressToFqdNs[];
  readonly toCIDRSet?: CiliumNetworkPolicySpecEgressToCidrSet[];
};

/** A CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy spec in its JSON shape. */
export type CiliumSpecJson = Omit<CiliumNetworkPolicySpec, 'egress'> & { readonly egress?: CiliumEgressRuleJson[] };

/** Label Cilium gives every pod: the name of its namespace. */
export const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';
/** Prefix under which Cilium exposes the labels of a pod's namespace. */
export const CILIUM_NAMESPACE_LABELS_PREFIX = 'k8s:io.cilium.k8s.namespace.labels.';
/** Source prefix of Kubernetes pod labels in Cilium selectors. */
export const K8S_SOURCE = 'k8s:';
/** Cilium's agent rejects a port rule with more ports than this (rule_validation.go maxPorts; CRD maxItems). */
export const MAX_PORTS_PER_PORT_RULE = 40;
/** What the DNS proxy is told to allow on DNS rules by default: every name (the proxy is there to learn, not to filter). */
export const DNS_VISIBILITY_PATTERN = '*';

// Cilium releases at which the output changes. Each was checked against the Cilium sources of the
// releases on both sides (Go module proxy, github.com/cilium/cilium@vX, files named below).
/**
 * `enableDefaultDeny` (rule field) and `endPort` (port ranges) exist from 1.16: both are absent
 * from v1.15.19 (pkg/policy/api/rule.go, pkg/policy/api/l4.go) and present in v1.16.0 (added by
 * cilium/cilium#30572; cilium/cilium#35558 dates it "v1.16.0 introduced enableDefaultDeny"). An
 * older API server refuses (strict field validation) or prunes the unknown fields, and the agent
 * never sees them.
 */
export const CILIUM_DEFAULT_DENY_AND_PORT_RANGES = '1.16';
/**
 * `**.` as a multi-level prefix in matchPattern exists from 1.19 (cilium/cilium#43420, release
 * note "DNS Policies match pattern now support a wildcard prefix(`**.`) to match multilevel
 * subdomain"): v1.19.0 pkg/fqdn/matchpattern/matchpattern.go maps a leading `**.` to one or more
 * labels; v1.18.0 replaces every `*` with one label's characters, so `**.example.com` matches
 * `a.example.com` only and silently drops `a.b.example.com`.
 */
export const CILIUM_MULTI_LEVEL_WILDCARD = '1.19';

/** One entry of a DNS-proxy rule (`toPorts.rules.dns`). */
export interface CiliumDnsRuleJson {
  readonly matchName?: string;
  readonly matchPattern?: string;
}

/** The version-dependent and DNS-dependent parts of a policy's rendering. */
export interface CiliumRenderOptions {
  /** Write `enableDefaultDeny` (Cilium 1.16+). */
  readonly enableDefaultDeny: boolean;
  /**
   * The DNS-proxy rules of the policy's DNS rules; undefined: DNS is allowed at L4 only, without
   * the proxy (the policy has no hostname to resolve).
   */
  readonly dnsProxyRules?: readonly CiliumDnsRuleJson[];
}

/** The rendering of the pinned release (1.19) with the default DNS filter, for a policy with hostnames. */
export const LATEST_RENDERING: CiliumRenderOptions = { enableDefaultDeny: true, dnsProxyRules: [{ matchPattern: DNS_VISIBILITY_PATTERN }] };

/** The kind of peer an egress rule holds. Cilium accepts exactly one kind per rule. */
export enum PeerFamily {
  ENDPOINTS = 'toEndpoints',
  CIDR = 'toCIDRSet',
  FQDN = 'toFQDNs',
  ENTITIES = 'toEntities',
}

/** The peer family a destination is rendered into. */
export function peerFamily(d: DestinationConfig): PeerFamily {
  switch (d.kind) {
    case DestinationKind.PODS: return PeerFamily.ENDPOINTS;
    case DestinationKind.CIDR: return PeerFamily.CIDR;
    case DestinationKind.FQDN:
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX: return PeerFamily.FQDN;
    case DestinationKind.KUBE_API_SERVER: return PeerFamily.ENTITIES;
  }
}

/** Pod labels as Cilium selector labels (source `k8s:`, so only Kubernetes labels match). */
export function k8sLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sortedLabels(labels ?? {}))) out[`${K8S_SOURCE}${k}`] = v;
  return out;
}

/**
 * The endpoint selector of a pods destination. The namespace is always explicit (the source's
 * namespace when none is named), so the selector means the same in a namespaced and in a
 * clusterwide policy. Namespace labels come with `k8s:io.kubernetes.pod.namespace Exists`, which
 * keeps Cilium from scoping the selector to the policy's own namespace (and, as Cilium does
 * itself for clusterwide policies, restricts it to Kubernetes pods).
 */
export function endpointsPeer(d: DestinationConfig, sourceNamespace: string): CiliumNetworkPolicySpecEgressToEndpoints {
  const nsLabels: Record<string, string> = {};
  if (d.namespaceLabels) {
    for (const [k, v] of Object.entries(sortedLabels(d.namespaceLabels))) nsLabels[`${CILIUM_NAMESPACE_LABELS_PREFIX}${k}`] = v;
  } else {
    nsLabels[CILIUM_NAMESPACE_LABEL] = d.namespace ?? sourceNamespace;
  }
  return {
    matchLabels: sortedLabels({ ...nsLabels, ...k8sLabels(d.podLabels) }),
    ...(d.namespaceLabels
      ? { matchExpressions: [{ key: CILIUM_NAMESPACE_LABEL, operator: CiliumNetworkPolicySpecEgressToEndpointsMatchExpressionsOperator.EXISTS }] }
      : {}),
  };
}

/** A CIDR destination as a `toCIDRSet` entry. */
export function cidrPeer(d: DestinationConfig): CiliumNetworkPolicySpecEgressToCidrSet {
  return { cidr: d.cidr!, ...(d.except && d.except.length > 0 ? { except: [...d.except] } : {}) };
}

/**
 * A hostname destination as a `toFQDNs` entry. Cilium's `*.` matches one label; every subdomain
 * at any depth is its `**.` prefix, which exists from Cilium 1.19 (CILIUM_MULTI_LEVEL_WILDCARD; the
 * backend refuses `anySubdomainOf()` for older releases).
 */
export function fqdnPeer(d: DestinationConfig): CiliumNetworkPolicySpecEgressToFqdNs {
  switch (d.kind) {
    case DestinationKind.FQDN_PATTERN: return { matchPattern: d.hostname! };
    case DestinationKind.FQDN_SUFFIX: return { matchPattern: `**${d.hostname!.slice(1)}` };
    default: return { matchName: d.hostname! };
  }
}

const PROTOCOL_ORDER: Record<Protocol, number> = { [Protocol.TCP]: 0, [Protocol.UDP]: 1, [Protocol.SCTP]: 2 };
const CILIUM_PROTOCOL: Record<Protocol, CiliumNetworkPolicySpecEgressToPortsPortsProtocol> = {
  [Protocol.TCP]: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.TCP,
  [Protocol.UDP]: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.UDP,
  [Protocol.SCTP]: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.SCTP,
};

/**
 * Ports as Cilium port entries, de-duplicated and in canonical order (protocol, port, end port),
 * so equal port sets compare equal. Every port of a protocol is port "0" (Cilium's wildcard:
 * the agent rejects an entry without a port).
 */
export function ciliumPorts(ports: readonly PortConfig[]): CiliumNetworkPolicySpecEgressToPortsPorts[] {
  const byKey = new Map<string, { p: PortConfig; out: CiliumNetworkPolicySpecEgressToPortsPorts }>();
  for (const p of ports) {
    const key = `${p.protocol}/${p.port ?? 0}/${p.endPort ?? ''}`;
    if (byKey.has(key)) continue;
    byKey.set(key, {
      p,
      out: {
        port: String(p.port ?? 0),
        ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
        protocol: CILIUM_PROTOCOL[p.protocol],
      },
    });
  }
  return [...byKey.values()]
    .sort((a, b) => PROTOCOL_ORDER[a.p.protocol] - PROTOCOL_ORDER[b.p.protocol]
      || (a.p.port ?? 0) - (b.p.port ?? 0)
      || (a.p.endPort ?? -1) - (b.p.endPort ?? -1))
    .map((x) => x.out);
}

/** Split a list into chunks of at most `size`, keeping order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Group {
  readonly family: PeerFamily;
  readonly dns: boolean;
  readonly ports: CiliumNetworkPolicySpecEgressToPortsPorts[];
  readonly peers: Map<string, unknown>;
}

/**
 * Cilium egress rules for a policy's rules.
 *
 * - One Cilium rule per (peer family, DNS or not, port set): Cilium rejects a rule that mixes
 *   toEndpoints, toCIDRSet, toFQDNs and toEntities, so they are always split; destinations of the
 *   same family with the same port set share a rule. Rules keep first-declared order.
 * - Peers and ports are de-duplicated; port sets are canonical (sorted), so their order does not
 *   matter.
 * - At most 40 ports per port rule: longer port sets become several port rules of one egress
 *   rule (ORed, so nothing is lost).
 * - DNS rules carry `rules: { dns: dnsProxyRules }` on each port rule when the policy has
 *   hostnames, which sends the source's DNS traffic through Cilium's DNS proxy so `toFQDNs` can
 *   learn addresses; without hostnames they are plain L4 rules (no proxy). DNS rules are never
 *   merged with other rules, so no other traffic is sent to the proxy.
 * - No ports: no toPorts (every port of those peers). A rule is never emitted without a peer.
 */
export function ciliumEgressRules(
  rules: readonly EgressRuleConfig[], source: SourceConfig, dnsProxyRules: readonly CiliumDnsRuleJson[] | undefined,
): CiliumEgressRuleJson[] {
  const groups = new Map<string, Group>();
  for (const rule of rules) {
    const ports = ciliumPorts(rule.ports);
    const dns = rule.dns === true;
    for (const d of rule.destinations) {
      const family = peerFamily(d);
      const key = `${dns ? 'dns' : 'allow'}|${family}|${JSON.stringify(ports)}`;
      let group = groups.get(key);
      if (!group) {
        group = { family, dns, ports, peers: new Map() };
        groups.set(key, group);
      }
      const peer = toPeer(d, source.namespace);
      group.peers.set(JSON.stringify(peer), peer);
    }
  }
  return [...groups.values()].map((g) => toEgressRule(g, dnsProxyRules));
}

function toPeer(d: DestinationConfig, sourceNamespace: string): unknown {
  switch (d.kind) {
    case DestinationKind.PODS: return endpointsPeer(d, sourceNamespace);
    case DestinationKind.CIDR: return cidrPeer(d);
    case DestinationKind.FQDN:
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX: return fqdnPeer(d);
    case DestinationKind.KUBE_API_SERVER: return CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER;
  }
}

function toEgressRule(group: Group, dnsProxyRules: readonly CiliumDnsRuleJson[] | undefined): CiliumEgressRuleJson {
  const peers = [...group.peers.values()];
  const toPorts: CiliumNetworkPolicySpecEgressToPorts[] = chunk(group.ports, MAX_PORTS_PER_PORT_RULE).map((ports) => ({
    ports,
    ...(group.dns && dnsProxyRules ? { rules: { dns: dnsProxyRules.map((r) => ({ ...r })) } } : {}),
  }));
  const l3: CiliumEgressRuleJson = (() => {
    switch (group.family) {
      case PeerFamily.ENDPOINTS: return { toEndpoints: peers as CiliumNetworkPolicySpecEgressToEndpoints[] };
      case PeerFamily.CIDR: return { toCIDRSet: peers as CiliumNetworkPolicySpecEgressToCidrSet[] };
      case PeerFamily.FQDN: return { toFQDNs: peers as CiliumNetworkPolicySpecEgressToFqdNs[] };
      case PeerFamily.ENTITIES: return { toEntities: peers as CiliumNetworkPolicySpecEgressToEntities[] };
    }
  })();
  return { ...l3, ...(toPorts.length > 0 ? { toPorts } : {}) };
}

/**
 * The spec of one policy.
 *
 * `enableDefaultDeny: { egress: true, ingress: false }` is explicit wherever the release has it
 * (1.16+; Cilium's default depends on which sections have rules, and before 1.16 that default is
 * what applies: an egress section puts the endpoint into egress default deny, and there is no
 * ingress section). A policy that allows nothing still needs an egress
 * rule: Cilium puts an endpoint into egress enforcement only when a selecting policy has at
 * least one egress rule (an empty `egress: []` isolates nothing). The rule emitted for that case
 * is `toEntities: [none]`, which selects no peer, rather than the equivalent but misleading
 * `egress: [{}]` (the NetworkPolicy spelling of "allow everything").
 */
export function ciliumSpec(
  source: SourceConfig, rules: readonly EgressRuleConfig[], clusterwide: boolean, options: CiliumRenderOptions = LATEST_RENDERING,
): CiliumSpecJson {
  const podLabels = k8sLabels(source.podLabels);
  const matchLabels = clusterwide ? sortedLabels({ [CILIUM_NAMESPACE_LABEL]: source.namespace, ...podLabels }) : podLabels;
  const egress = ciliumEgressRules(rules, source, options.dnsProxyRules);
  return {
    endpointSelector: Object.keys(matchLabels).length > 0 ? { matchLabels } : {},
    ...(options.enableDefaultDeny ? { enableDefaultDeny: { egress: true, ingress: false } } : {}),
    egress: egress.length > 0 ? egress : [{ toEntities: [CiliumNetworkPolicySpecEgressToEntities.NONE] }],
  };
}

// ---------------------------------------------------------------------------------------------
// Checks

/** True when the policy has a rule that keeps DNS open (and so gets the DNS proxy). */
export function hasDnsRule(rules: readonly EgressRuleConfig[]): boolean {
  return rules.some((r) => r.dns === true);
}

/** True when the destination is a hostname or hostname pattern (rendered as toFQDNs). */
export function isHostname(d: DestinationConfig): boolean {
  return d.kind === DestinationKind.FQDN || d.kind === DestinationKind.FQDN_PATTERN || d.kind === DestinationKind.FQDN_SUFFIX;
}

/** True when some allow rule of the policy names a hostname: only then does it need the DNS proxy. */
export function hasHostnames(rules: readonly EgressRuleConfig[]): boolean {
  return rules.some((r) => r.dns !== true && r.destinations.some(isHostname));
}

/** Hostname or hostname-pattern text: letters, digits, `-`, `_`, `.` and `*` (Cilium's allowed matchPattern characters). */
const PATTERN_CHARS = /^[-a-zA-Z0-9_.*]+$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

/** Problems of the `policyHostnames()` options, for a release (`**.` needs 1.19). */
export function dnsFilterProblems(o: CiliumPolicyHostnamesOptions, multiLevel: boolean, version: string): Problem[] {
  const out: Problem[] = [];
  for (const [what, d] of [['clusterDomain', o.clusterDomain], ...(o.searchDomains ?? []).map((x) => ['searchDomains', x])] as Array<[string, string | undefined]>) {
    if (d !== undefined && !DNS_NAME.test(d)) {
      out.push({ code: EgressErrorCode.INVALID_FQDN, message: `Invalid ${what} "${d}" in CiliumDnsFilter.policyHostnames(): give a DNS domain such as "cluster.local" (no wildcard, no trailing dot)` });
    }
  }
  for (const a of o.alsoAllow ?? []) {
    if (/^[*]+\.?$/.test(a.trim())) {
      out.push({ code: EgressErrorCode.ALLOW_ALL, message: `CiliumDnsFilter.policyHostnames() was given alsoAllow "${a}", which lets the pods resolve every name: use CiliumDnsFilter.anyName() for that (managed offerings such as AKS Advanced Container Networking Services refuse it)` });
    } else if (!PATTERN_CHARS.test(a) || a.length > 255 || a.startsWith('.') || a.endsWith('.') || a.includes('..')) {
      out.push({ code: EgressErrorCode.INVALID_FQDN, message: `Invalid alsoAllow entry "${a}" in CiliumDnsFilter.policyHostnames(): use a DNS name or a Cilium pattern of letters, digits, "-", "_", "." and "*" (at most 255 characters), e.g. "*.production.svc.cluster.local"` });
    } else if (a.slice(a.startsWith('**.') ? 3 : 0).includes('**')) {
      out.push({ code: EgressErrorCode.INVALID_FQDN, message: `Invalid alsoAllow entry "${a}" in CiliumDnsFilter.policyHostnames(): Cilium reads "**" only as a leading "**." (every depth); elsewhere use "*" (one label)` });
    } else if (a.startsWith('**.') && !multiLevel) {
      out.push({ code: EgressErrorCode.UNSUPPORTED_BY_BACKEND, message: `alsoAllow entry "${a}" in CiliumDnsFilter.policyHostnames() needs Cilium ${CILIUM_MULTI_LEVEL_WILDCARD} (multi-level "**."), but the target is Cilium ${version}, which reads "**." as one label: list each depth with "*." patterns, or declare the release the cluster runs` });
    }
  }
  return out;
}

/**
 * The DNS-proxy rules of `CiliumDnsFilter.policyHostnames()`: each hostname destination of the
 * policy (exact names as matchName, patterns as matchPattern), as asked and with each search domain
 * appended, then `alsoAllow`; de-duplicated and sorted. Search-domain names longer than a DNS name
 * can be (253) are left out: no resolver asks for them.
 */
export function narrowedDnsRules(
  rules: readonly EgressRuleConfig[], namespace: string, o: CiliumPolicyHostnamesOptions,
): CiliumDnsRuleJson[] {
  const domain = o.clusterDomain ?? 'cluster.local';
  const suffixes = ['', `.${namespace}.svc.${domain}`, `.svc.${domain}`, `.${domain}`, ...(o.searchDomains ?? []).map((d) => `.${d}`)];
  const names = new Set<string>();
  const patterns = new Set<string>();
  for (const r of rules) {
    if (r.dns === true) continue;
    for (const d of r.destinations) {
      if (!isHostname(d)) continue;
      const base = d.kind === DestinationKind.FQDN_SUFFIX ? `**${d.hostname!.slice(1)}` : d.hostname!.toLowerCase();
      for (const sfx of suffixes) {
        const text = `${base}${sfx}`;
        if (text.replace(/^[*]+\./, 'x.').length > 253) continue;
        (d.kind === DestinationKind.FQDN ? names : patterns).add(text);
      }
    }
  }
  for (const a of o.alsoAllow ?? []) (a.includes('*') ? patterns : names).add(a.toLowerCase());
  return [
    ...[...names].sort().map((matchName) => ({ matchName })),
    ...[...patterns].sort().map((matchPattern) => ({ matchPattern })),
  ];
}

/** The problem of a hostname destination in a policy without a DNS rule. */
export function fqdnWithoutDnsProblem(d: DestinationConfig): Problem {
  return {
    code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
    message: `Cilium cannot enforce hostname ${d.hostname} here: toFQDNs learns addresses only from DNS answers that pass through Cilium's DNS proxy, `
      + 'which needs a DNS rule (toPorts.rules.dns) for the same pods. This policy has none (it was given dns: []), so traffic to the host would be dropped. '
      + 'Keep the default dns option (DnsResolver.kubeDns()) or list your resolvers in dns on this policy: cdk8s-egress then adds the DNS-proxy rule to it',
  };
}

/**
 * Problems of a DNS rule: Cilium accepts DNS-proxy rules only on explicit, single ports (no
 * range, not port 0), and DNS is UDP or TCP. Any single port works (not only 53).
 */
export function dnsRuleProblems(rule: EgressRuleConfig): Problem[] {
  if (rule.dns !== true) return [];
  const where = `the DNS rule to ${rule.destinations.map(describeDestinationForCilium).join(', ')}`;
  if (rule.ports.length === 0) {
    return [{
      code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
      message: `Cilium needs explicit ports on ${where}: its DNS proxy rule (toPorts.rules.dns) is refused without a port ("port 53 must be specified for DNS rules"). Give the resolver its port (UDP and TCP)`,
    }];
  }
  const single = (p: PortConfig) => p.port !== undefined && p.endPort === undefined;
  const bad = rule.ports.filter((p) => !single(p) || (p.protocol !== Protocol.UDP && p.protocol !== Protocol.TCP));
  if (bad.length === 0) return [];
  return [{
    code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
    message: `Cilium cannot attach its DNS proxy to ${where} on ${bad.map(describePortRange).join(', ')}: DNS-proxy rules need single UDP or TCP ports (no port ranges, not every port). `
      + 'Give the resolver one port, e.g. DnsResolver.kubeDns({ port: 53 })',
  }];
}

/**
 * Label keys Cilium itself derives for every pod. A pod-label selector on them would not mean
 * "pods carrying this label": it would change the namespace scoping of the selector.
 */
export function reservedLabelProblems(labels: Record<string, string> | undefined, where: string): Problem[] {
  const bad = Object.keys(labels ?? {}).filter((k) => k === 'io.kubernetes.pod.namespace' || k.startsWith('io.cilium.k8s.namespace.labels.'));
  if (bad.length === 0) return [];
  return [{
    code: EgressErrorCode.INVALID_LABEL,
    message: `Label key "${bad[0]}" in ${where} is reserved by Cilium (it derives it from the pod's namespace), so a selector on it would select a namespace rather than pods carrying the label. `
      + 'Select the namespace with the namespace or namespaceLabels option, and the pods with their own labels',
  }];
}

// Cilium's default identity-label filter (pkg/labelsfilter defaultLabelPrefixCfg, v1.19): a label is
// part of a pod's security identity unless an ignore prefix matches at the start of its key and no
// longer include prefix does. Labels outside the identity cannot be selected by policy.
const IDENTITY_INCLUDE = [
  /io\.kubernetes\.pod\.namespace/, /io\.cilium\.k8s\.namespace\.labels/, /app\.kubernetes\.io/,
  /io\.cilium\.k8s\.policy\.cluster/, /io\.cilium\.k8s\.policy\.serviceaccount/,
];
const IDENTITY_IGNORE = [
  /io\.kubernetes/, /kubernetes\.io/, /statefulset\.kubernetes\.io\/pod-name/, /apps\.kubernetes\.io\/pod-index/,
  /batch\.kubernetes\.io\/job-completion-index/, /batch\.kubernetes\.io\/controller-uid/, /.*beta\.kubernetes\.io/, /k8s\.io/,
  /pod-template-generation/, /pod-template-hash/, /controller-revision-hash/, /controller-uid/, /annotation.*/, /etcd_node/,
  /topology\.kubernetes\.io/,
];

function prefixMatch(re: RegExp, key: string): number {
  const m = re.exec(key);
  return m && m.index === 0 ? m[0].length : 0;
}

/** True when Cilium's default label filter keeps `key` in the security identity of a pod. */
export function isIdentityLabel(key: string): boolean {
  const included = Math.max(0, ...IDENTITY_INCLUDE.map((re) => prefixMatch(re, key)));
  const ignoredMatches = IDENTITY_IGNORE.map((re) => prefixMatch(re, key)).filter((n) => n > 0);
  if (ignoredMatches.length === 0) return true;
  return included > Math.min(...ignoredMatches);
}
