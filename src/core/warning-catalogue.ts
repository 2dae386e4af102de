// The warning catalogue: for every EgressWarningId, its one-line summary (the same text as the
// enum member's doc comment; a test keeps them equal), what raises it and the page that explains
// it. docs/warnings.md is this table (a test keeps it equal too). Also the text helpers of the
// synth output: the first sentence of a message and the closest known id of a misspelt one.
import { closestName } from './inputs';
import { EgressWarningId } from './warning-ids';

/** Context key: `true` prints the full text of every warning at synth (as `CDK8S_EGRESS_VERBOSE=1` does). */
export const VERBOSE_WARNINGS_CONTEXT = 'cdk8s-egress:verboseWarnings';

/** Construct metadata type under which every warning is recorded, with its id and full message. */
export const WARNING_METADATA = 'cdk8s-egress:warning';

/** One catalogue entry. */
export interface WarningEntry {
  /** One line: what the warning means, without values of a particular app. */
  readonly summary: string;
  /** The construct, provider or backend that raises it. */
  readonly raisedBy: string;
  /** The page under docs/ that explains it (and names its id). */
  readonly doc: string;
}

export const WARNING_CATALOGUE: { readonly [K in EgressWarningId]: WarningEntry } = {
  [EgressWarningId.ACK_EIP_NOT_FIXED]: {
    summary: 'A pod EIP that the controller creates is released with its pod, so the egress address changes whenever a pod is replaced.',
    raisedBy: 'FixedEgressIpProvider.alibabaEip()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.ACK_EIP_PER_POD]: {
    summary: 'Every pod gets its own EIP, so a workload with several pods leaves from several addresses.',
    raisedBy: 'FixedEgressIpProvider.alibabaEip()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.ACK_POD_NETWORKING_AT_POD_CREATION]: {
    summary: 'Terway applies a PodNetworking only to pods created once it is Ready; pods that already run keep their vSwitch until recreated.',
    raisedBy: 'FixedEgressIpProvider.alibabaPodNetworking()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.ACK_SNAT_ENTRY_REQUIRED]: {
    summary: 'The fixed address comes from SNAT entries of the VPC NAT gateway, one per vSwitch, configured outside Kubernetes.',
    raisedBy: 'FixedEgressIpProvider.alibabaPodNetworking()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.ACK_UNOFFICIAL_EIP_KEYS]: {
    summary: 'A pod template carries pod-EIP annotation keys known only from unofficial notes; the controller reads the official ones.',
    raisedBy: 'FixedEgressIpProvider.alibabaEip()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.BROAD_CIDR]: {
    summary: 'An external-service destination is a wider address block than an external service normally needs.',
    raisedBy: 'AllowedExternalService',
    doc: 'concepts.md',
  },
  [EgressWarningId.CALICO_BGP_CONFIGURATION_SINGLETON]: {
    summary: 'advertiseServices emits the cluster\'s singleton BGPConfiguration "default", which changes no egress address.',
    raisedBy: 'FixedEgressIpProvider.calico()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CALICO_NAT_OUTGOING_HIDES_POOL]: {
    summary: 'natOutgoing is on, so external systems see node addresses, not the dedicated pool\'s range.',
    raisedBy: 'FixedEgressIpProvider.calico()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CALICO_POOL_AT_POD_CREATION]: {
    summary: 'Calico reads the pool annotation only when a pod is created; pods that already run keep their address until recreated.',
    raisedBy: 'FixedEgressIpProvider.calico()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CALICO_POOL_MUST_BE_ROUTED]: {
    summary: 'natOutgoing is off, so the network must route the pool\'s range back to the nodes, or replies are lost.',
    raisedBy: 'FixedEgressIpProvider.calico()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CALICO_TIER_NOT_ADDITIVE]: {
    summary: 'A Calico tier other than default denies what it does not allow, including egress that other tiers or NetworkPolicies allow.',
    raisedBy: 'EgressBackend.calico({ tier })',
    doc: 'calico.md',
  },
  [EgressWarningId.CILIUM_EGRESS_GATEWAY_CHANGE_BREAKS_CONNECTIONS]: {
    summary: 'Changing the Cilium egress gateway (node labels, nodes, policy) breaks the pods\' open connections to its destinations.',
    raisedBy: 'FixedEgressIpProvider.cilium()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CILIUM_EGRESS_INCOMPATIBLE_FEATURES]: {
    summary: 'The Cilium egress gateway needs egressGateway.enabled, bpf.masquerade and kubeProxyReplacement, and does not work with Cluster Mesh, CiliumEndpointSlice or kvstore identities.',
    raisedBy: 'FixedEgressIpProvider.cilium()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CILIUM_EGRESS_NEW_POD_DELAY]: {
    summary: 'A new pod\'s first connections leave from its pod or node address, not through the gateway, until the policy applies to it.',
    raisedBy: 'FixedEgressIpProvider.cilium()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CILIUM_EGRESS_NO_GATEWAY_DROPS]: {
    summary: 'Cilium drops the traffic while no node carries the gateway labels or the egress IP is not on the gateway node.',
    raisedBy: 'FixedEgressIpProvider.cilium()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CILIUM_EGRESS_NO_HA]: {
    summary: 'Cilium\'s open-source egress gateway has no failover: while a pod\'s gateway node is down, its traffic is dropped.',
    raisedBy: 'FixedEgressIpProvider.cilium()',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.CILIUM_LABEL_NOT_IN_IDENTITY]: {
    summary: 'A selector uses a label key that Cilium\'s default label filter leaves out of security identities, so it matches no pod.',
    raisedBy: 'EgressBackend.cilium()',
    doc: 'cilium.md',
  },
  [EgressWarningId.FIXED_EGRESS_IP_CLUSTER_CIDR_EXCLUDED]: {
    summary: 'A fixed-egress-IP destination contains cluster ranges, whose traffic does not leave through the fixed address.',
    raisedBy: 'FixedEgressIp',
    doc: 'fixed-egress-ip.md',
  },
  [EgressWarningId.GATEWAY_BYPASS]: {
    summary: 'Another policy allows pods that an egress gateway routes direct egress to an address block, which may be a way around the gateway.',
    raisedBy: 'EgressGateway (checked once the app is built)',
    doc: 'istio.md',
  },
  [EgressWarningId.IP_BLOCK_IN_CLUSTER]: {
    summary: 'An IP block overlaps the cluster\'s pod or Service ranges; NetworkPolicy ipBlock is meant for addresses outside the cluster.',
    raisedBy: 'EgressPolicy, DnsEgressRule (with the cdk8s-egress:clusterCidrs context)',
    doc: 'concepts.md',
  },
  [EgressWarningId.ISTIO_AMBIENT_REGISTRY_ONLY]: {
    summary: 'In Istio ambient mode the Sidecar and outboundTrafficPolicy are ignored, so the namespace would not be restricted.',
    raisedBy: 'EgressBackend.istio()',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_GATEWAY_ACCESS_LOG_ROOT_NAMESPACE]: {
    summary: 'The egress gateway runs in Istio\'s root namespace, where a workload Telemetry is ignored, so no access-log Telemetry is emitted.',
    raisedBy: 'EgressGateway',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_GATEWAY_BYPASS_OPEN]: {
    summary: 'bypassClosure is false: nothing keeps routed workloads from skipping the egress gateway.',
    raisedBy: 'EgressGateway',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_GATEWAY_EGRESS_ANY_ADDRESS]: {
    summary: 'The gateway pods may reach every address on the routed ports, because their egress backend cannot match hostnames.',
    raisedBy: 'EgressGateway',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_GATEWAY_NO_MTLS]: {
    summary: 'mtls is false: the egress gateway cannot tell which workload sent a connection, so any pod that reaches it may use every route.',
    raisedBy: 'EgressGateway',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_NAMESPACE_SCOPE]: {
    summary: 'Istio\'s egress allow-list applies to every sidecar pod of the namespace, not only to the pods the policy selects.',
    raisedBy: 'EgressBackend.istio()',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_OPAQUE_TCP_PORT]: {
    summary: 'A hostname allowed on an opaque TCP port captures every TCP connection on that port in the namespace.',
    raisedBy: 'EgressBackend.istio()',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_REGISTRY_ONLY_BYPASSABLE]: {
    summary: 'REGISTRY_ONLY is enforced by the sidecar only: pods without one, traffic that bypasses it and non-TCP traffic are not restricted.',
    raisedBy: 'EgressBackend.istio()',
    doc: 'istio.md',
  },
  [EgressWarningId.ISTIO_REGISTRY_ONLY_DISABLED]: {
    summary: 'registryOnly is false: the ServiceEntries declare hosts but block nothing unless the namespace or mesh runs REGISTRY_ONLY.',
    raisedBy: 'EgressBackend.istio({ registryOnly: false })',
    doc: 'istio.md',
  },
  [EgressWarningId.MONITORING_SKIPS_GATEWAY]: {
    summary: 'A gateway route uses a provider EgressMonitoring derives no gateway alerts for, so the gateway is not monitored.',
    raisedBy: 'EgressMonitoring',
    doc: 'monitoring.md',
  },
  [EgressWarningId.NODE_LOCAL_DNS_CACHE_MISSING]: {
    summary: 'The app declares NodeLocal DNSCache, but an explicit DNS resolver list leaves it out.',
    raisedBy: 'EgressPolicy, DnsEgressRule, DefaultDenyEgress, EgressGateway (with the cdk8s-egress:nodeLocalDnsCache context)',
    doc: 'network-policy.md',
  },
};

/** Every id of the catalogue, sorted. */
export const WARNING_IDS: readonly EgressWarningId[] = (Object.keys(WARNING_CATALOGUE) as EgressWarningId[]).sort();

const KNOWN = new Set<string>(WARNING_IDS);

/** True when `id` is an id of the catalogue. */
export function isWarningId(id: string): id is EgressWarningId {
  return KNOWN.has(id);
}

const PREFIX = 'cdk8s-egress:';

/**
 * The catalogue id closest to `given` (Levenshtein distance, case-insensitive, over the part after
 * `cdk8s-egress:`), or undefined when none is close enough to be a likely misspelling: at most 40 %
 * of the longer name's length, and at least 2 edits are always tolerated.
 */
export function closestWarningId(given: string): EgressWarningId | undefined {
  const name = (given.startsWith(PREFIX) ? given.slice(PREFIX.length) : given).trim();
  const hit = closestName(name, WARNING_IDS.map((id) => id.slice(PREFIX.length)));
  return hit === undefined ? undefined : (`${PREFIX}${hit}` as EgressWarningId);
}

/** Words that end with a period without ending a sentence. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'cf', 'approx', 'incl']);

/**
 * The first sentence of a warning message. A sentence ends at a period followed by white space and
 * an upper-case letter, outside parentheses, brackets, backticks and double quotes, unless the word
 * before the period is an abbreviation (`e.g.`, `i.e.`, `etc.`, `vs.`, `cf.`). Periods inside
 * words, numbers and paths (`1.5`, `meshConfig.accessLogFile`, `cilium/cilium#39245`) have no space
 * after them and never end a sentence. A message without such a period is one sentence; its
 * trailing white space is dropped.
 */
export function firstSentence(message: string): string {
  const text = message.trim();
  let depth = 0;
  let quoted = false;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`') {
      code = !code;
    } else if (code) {
      continue;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      continue;
    } else if (c === '(' || c === '[') {
      depth++;
    } else if ((c === ')' || c === ']') && depth > 0) {
      depth--;
    } else if (c === '.' && depth === 0 && /^\s+[A-Z]/.test(text.slice(i + 1))) {
      const word = /([A-Za-z.]+)$/.exec(text.slice(0, i))?.[1] ?? '';
      if (!ABBREVIATIONS.has(word.toLowerCase())) return text.slice(0, i + 1);
    }
  }
  return text;
}
