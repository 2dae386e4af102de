// Human-readable text for the library's values, in one place: errors, warnings, the report and
// monitoring describe labels, sources, destinations, ports and probes with these functions.
//
// Where two messages print the same thing differently (a capitalised sentence start, Cilium's
// `**.` spelling, a port with or without its application protocol), each form is its own function
// named by its purpose, so that every existing message keeps its bytes.
//
// It imports only types from the value objects (Port, EgressSource, Destination), which print
// themselves with it: a value import from them would be a cycle.
import type { DestinationConfig, DestinationKind } from './destination';
import { sortedLabels } from './names';
import type { PortConfig } from './port';
import type { SourceConfig } from './source';

/** The destination kinds as values, checked against the enum at compile time. */
const KIND = {
  PODS: 'Pods',
  CIDR: 'Cidr',
  FQDN: 'Fqdn',
  FQDN_PATTERN: 'FqdnPattern',
  FQDN_SUFFIX: 'FqdnSuffix',
  KUBE_API_SERVER: 'KubeApiServer',
} as const satisfies { readonly [K in keyof typeof DestinationKind]: `${(typeof DestinationKind)[K]}` };

/** The kind of `d` as its string value (the enum's values are exactly KIND's). */
function kindOf(d: DestinationConfig): (typeof KIND)[keyof typeof KIND] {
  return d.kind as `${DestinationKind}`;
}

// ~~ labels

/** `app=web,tier=api`, in the labels' own order (configs hold their labels sorted); '' for none. */
export function labelText(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/** `app=web,tier=api` with the keys sorted as strings: selectors as the user gave them (node selectors, gateway pod labels). */
export function sortedLabelText(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

// ~~ sources

/** At the start of a sentence: `Pods app=web in namespace shop`, or `Every pod in namespace shop`. */
export function describeSource(s: SourceConfig): string {
  return s.podLabels
    ? `Pods ${labelText(s.podLabels)} in namespace ${s.namespace}`
    : `Every pod in namespace ${s.namespace}`;
}

/**
 * Inside a sentence: `pods app=web in namespace shop`, or `every pod in namespace shop`, with the
 * labels as given (or printed by `labels`, e.g. sortedLabelText).
 */
export function describeSourceInSentence(s: SourceConfig, labels: (l: Record<string, string>) => string = labelText): string {
  return s.podLabels ? `pods ${labels(s.podLabels)} in namespace ${s.namespace}` : `every pod in namespace ${s.namespace}`;
}

/** Inside a sentence: `pods app=web in namespace shop` (labels sorted), or `every pod in namespace shop` (also for empty labels). */
export function describeWorkload(s: SourceConfig): string {
  return s.podLabels && Object.keys(s.podLabels).length > 0
    ? `pods ${labelText(sortedLabels(s.podLabels))} in namespace ${s.namespace}`
    : `every pod in namespace ${s.namespace}`;
}

/** The short form gateway messages use: `pods app=web in shop`, or `every pod in shop`. */
export function describeSourceBrief(s: SourceConfig): string {
  return s.podLabels ? `pods ${labelText(s.podLabels)} in ${s.namespace}` : `every pod in ${s.namespace}`;
}

/** A workload as the report names it: `shop/app=web` (labels sorted), or `shop` for every pod of the namespace. */
export function workloadId(s: SourceConfig): string {
  return s.podLabels && Object.keys(s.podLabels).length > 0 ? `${s.namespace}/${labelText(sortedLabels(s.podLabels))}` : s.namespace;
}

// ~~ destinations

/** `10.0.0.0/8`, or `10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16`. */
export function describeCidr(cidr: string, except: readonly string[] | undefined): string {
  return `${cidr}${except && except.length ? ` except ${except.join(', ')}` : ''}`;
}

/** Pods selected by labels: `pods app=db` or `every pod`, then where they are. */
function describePods(podLabels: Record<string, string> | undefined): string {
  return podLabels ? `pods ${labelText(podLabels)}` : 'every pod';
}

/**
 * A destination for the report and the messages built on it: pods in the policy's namespace
 * when none is named, hostnames as written (`(any depth)` for suffixes), the API server with its
 * addresses.
 */
export function describeDestination(d: DestinationConfig, policyNamespace: string): string {
  switch (kindOf(d)) {
    case KIND.PODS: {
      const pods = describePods(d.podLabels);
      if (d.namespaceLabels) return `${pods} in namespaces ${labelText(d.namespaceLabels)}`;
      return `${pods} in namespace ${d.namespace ?? policyNamespace}`;
    }
    case KIND.CIDR:
      return describeCidr(d.cidr!, d.except);
    case KIND.FQDN:
    case KIND.FQDN_PATTERN:
      return d.hostname!;
    case KIND.FQDN_SUFFIX:
      return `${d.hostname!} (any depth)`;
    case KIND.KUBE_API_SERVER:
      return `Kubernetes API server${d.apiServerCidrs && d.apiServerCidrs.length ? ` (${d.apiServerCidrs.join(', ')})` : ''}`;
  }
}

/**
 * A destination for messages about policies without a namespace of their own (cluster-scoped
 * ClusterNetworkPolicies): pods with no namespace are not placed, the API server has no addresses.
 */
export function describeDestinationClusterWide(d: DestinationConfig): string {
  switch (kindOf(d)) {
    case KIND.PODS:
      return `${describePods(d.podLabels)}${d.namespace ? ` in namespace ${d.namespace}` : d.namespaceLabels ? ` in namespaces ${labelText(d.namespaceLabels)}` : ''}`;
    case KIND.CIDR: return describeCidr(d.cidr!, d.except);
    case KIND.KUBE_API_SERVER: return 'the Kubernetes API server';
    default: return d.hostname ?? d.kind;
  }
}

/** A destination as Cilium's DNS rules spell it: a suffix as `**.example.com`, a block without its exceptions. */
export function describeDestinationForCilium(d: DestinationConfig): string {
  switch (kindOf(d)) {
    case KIND.PODS: return d.namespace ? `pods in namespace ${d.namespace}` : 'pods';
    case KIND.CIDR: return d.cidr!;
    case KIND.FQDN:
    case KIND.FQDN_PATTERN: return d.hostname!;
    case KIND.FQDN_SUFFIX: return `**${d.hostname!.slice(1)}`;
    case KIND.KUBE_API_SERVER: return 'the API server';
  }
}

/** What a destination targets, bare: its hostname, else its block, else its kind (`KubeApiServer`). */
export function describeDestinationTarget(d: DestinationConfig): string {
  return d.hostname ?? d.cidr ?? d.kind;
}

/** A list of IP-block destinations: `destination 10.0.0.0/8` or `destinations 10.0.0.0/8, 192.168.0.0/16`. */
export function describeCidrDestinations(list: readonly DestinationConfig[]): string {
  return `destination${list.length > 1 ? 's' : ''} ${list.map((d) => d.cidr).join(', ')}`;
}

// ~~ ports

/** `TCP/443`, `TCP/8000-8080`, `UDP/*`, `TCP/443 (HTTPS)`: a port with its application protocol; `every port` for none. */
export function describePort(p: PortConfig | undefined): string {
  if (!p) return 'every port';
  const range = p.port === undefined ? '*' : p.endPort !== undefined && p.endPort !== p.port ? `${p.port}-${p.endPort}` : `${p.port}`;
  return `${p.protocol}/${range}${p.appProtocol ? ` (${p.appProtocol})` : ''}`;
}

/** `TCP/443`, `TCP/8000-8080`, `UDP/*`: protocol and numbers only (what a NetworkPolicy-like rule matches); `every port` for none. */
export function describePortRange(p: PortConfig | undefined): string {
  if (!p) return 'every port';
  return `${p.protocol}/${p.port === undefined ? '*' : p.endPort !== undefined ? `${p.port}-${p.endPort}` : p.port}`;
}

// ~~ probes (the model's test packets; structural types, as the model sits above core)

/** A pod a probe starts from or goes to. */
export interface ProbePodText {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** The parts of a probe its description uses. */
export interface ProbeText {
  readonly from: ProbePodText;
  readonly toPod?: ProbePodText;
  readonly toIp?: string;
  readonly toHostname?: string;
  readonly port: number;
  readonly protocol: string;
  readonly skipsMesh?: boolean;
}

function describeProbePod(x: ProbePodText): string {
  return `${Object.keys(x.labels).length ? `pod ${labelText(x.labels)}` : 'a pod'} in ${x.namespace}`;
}

function describeProbeHop(p: ProbeText): string {
  const to = p.toHostname ?? p.toIp ?? (p.toPod ? describeProbePod(p.toPod) : '?');
  return `${describeProbePod(p.from)} → ${to}`;
}

/** `pod app=web in shop → api.example.com TCP/443`, with ` (not through the sidecar)` for traffic that skips the mesh. */
export function describeProbe(p: ProbeText): string {
  return `${describeProbeHop(p)} ${p.protocol}/${p.port}${p.skipsMesh ? ' (not through the sidecar)' : ''}`;
}

/** A probe without its port (`pod app=web in shop → 203.0.113.7`), for what a fixed IP is declared for; traffic that skips the mesh keeps the full form. */
export function describeProbeWithoutPort(p: ProbeText): string {
  return p.skipsMesh ? describeProbe(p) : describeProbeHop(p);
}

// ~~ fixed-IP gateways

/** A Cilium egress gateway node: `node role=egress with 203.0.113.7` (or the interface's first address, or its default-route address). */
export function describeGatewayNode(nodeSelector: Record<string, string>, egressIp: string | undefined, iface: string | undefined): string {
  const addr = egressIp !== undefined ? egressIp : iface !== undefined ? `the first address of ${iface}` : 'its default-route address';
  return `node ${sortedLabelText(nodeSelector)} with ${addr}`;
}
