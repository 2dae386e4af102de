import { Construct, IConstruct } from 'constructs';
import { GatewayRouteFact } from './gateway-route-fact';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { hostnameMatches } from '../core/hosts';
import { argProblem, bool, isConstruct, num, oneOf, raiseUnscoped, required, str, stringMap, struct } from '../core/inputs';
import { ISTIOD_LABELS, ISTIOD_NAMESPACE, ISTIOD_PORT } from '../core/mesh-defaults';
import { NAMESPACE_NAME_LABEL, labelsMatch } from '../core/names';
import { BackendVersion, EgressRuleConfig, EnforcementLayer, PolicyTier } from '../core/policy-config';
import { PortConfig, Protocol } from '../core/port';
import { SourceConfig } from '../core/source';
import { cidrContainsAddress, isCidr, parseCidr, parseIp } from '../util/cidr';

/**
 * Why a grant exists.
 */
export enum GrantPurpose {
  /** Egress the user allowed. */
  ALLOW = 'Allow',
  /** DNS the library keeps open for an isolated workload. */
  DNS = 'Dns',
  /** A baseline that isolates workloads without allowing anything. */
  DENY = 'Deny',
}

/**
 * One egress policy as the library understands it: whose egress it isolates and what it allows.
 */
export interface ModelPolicy {
  /** Path of the construct that declared it. */
  readonly constructPath: string;
  /** Backend id (`kubernetes`, ...). */
  readonly backend: string;
  /** `Kind/namespace/name` of the object that enforces it. */
  readonly objectRef: string;
  /** Why it exists. */
  readonly purpose: GrantPurpose;
  /** The pods it selects (and so isolates for egress). */
  readonly source: SourceConfig;
  /** What it allows. */
  readonly rules: EgressRuleConfig[];
  /** True when its rules keep a DNS resolver reachable on UDP and TCP. */
  readonly providesDns: boolean;
  /**
   * True when the enforcing objects apply to every pod of the source's namespace, whatever
   * `source.podLabels` says (Istio's per-namespace Sidecar and ServiceEntries).
   * @default false - the pods `source` selects
   */
  readonly wholeNamespace?: boolean;
  /**
   * The protocols the policy isolates and allows; other traffic is not its business (Istio
   * sidecars intercept TCP only).
   * @default - every protocol
   */
  readonly protocols?: Protocol[];
  /**
   * False when the policy declares destinations without isolating its pods (Istio without
   * REGISTRY_ONLY): it then neither denies nor allows anything.
   * @default true
   */
  readonly isolates?: boolean;
  /**
   * False when address blocks never match pods (Cilium selects pods by identity, not by CIDR).
   * @default true
   */
  readonly cidrMatchesPods?: boolean;
  /**
   * Where the policy is enforced.
   * @default EnforcementLayer.NETWORK - by the network plugin
   */
  readonly layer?: EnforcementLayer;
  /**
   * Where the policy stands among the network-layer policies for the same pods.
   * @default PolicyTier.NAMESPACED
   */
  readonly tier?: PolicyTier;
  /**
   * Mesh policies: the namespaces whose in-cluster services the sidecars see besides their own
   * (`*`: every namespace).
   * @default - only the pods' own namespace
   */
  readonly meshVisibleNamespaces?: string[];
  /**
   * True when the declaring construct opted in to allowing every address (`allowAllAddresses`).
   * @default false
   */
  readonly allowAllAddresses?: boolean;
  /**
   * The release of the enforcement system the policy's objects were rendered for (what this
   * record says holds for that release).
   * @default - the backend's output does not depend on a release
   */
  readonly backendVersion?: BackendVersion;
}

/**
 * What a fact says about egress, beyond allow/deny.
 */
export enum FactKind {
  /** Traffic of the source to the destinations goes through a gateway. */
  GATEWAY_ROUTE = 'GatewayRoute',
  /** Traffic of the source to the destinations leaves from a fixed source IP. */
  FIXED_EGRESS_IP = 'FixedEgressIp',
  /** Traffic is access-logged. */
  ACCESS_LOG = 'AccessLog',
  /** An alert watches the traffic. */
  ALERT = 'Alert',
  /** A safety measure was explicitly turned off. */
  OPT_OUT = 'OptOut',
}

/**
 * Something the library knows about a workload's egress besides what policies allow: the path
 * (which gateway), the source IP, logging, alerting, opt-outs. Reports are built from these.
 */
export interface EgressFact {
  /** What kind of fact this is. */
  readonly kind: FactKind;
  /** Path of the construct that declared it. */
  readonly constructPath: string;
  /**
   * The workloads it concerns.
   * @default - cluster-wide (every workload)
   */
  readonly source?: SourceConfig;
  /**
   * The destinations it concerns.
   * @default - every destination of the source
   */
  readonly destinations?: DestinationConfig[];
  /** One line for humans, e.g. `via istio-system/istio-egressgateway` or `source IP 10.0.0.100`. */
  readonly summary: string;
  /** `Kind/namespace/name` of the objects that implement it. */
  readonly objectRefs: string[];
  /**
   * Extra key/value details (gateway name, IP, provider, rule names, troubleshooting command).
   * @default - no details
   */
  readonly details?: Record<string, string>;
  /**
   * GATEWAY_ROUTE: the route's gateway, hosts, legs and control plane, typed.
   * @default - for GATEWAY_ROUTE facts, the gateway keys of `details` (hand-recorded facts)
   */
  readonly gatewayRoute?: GatewayRouteFact;
}

/**
 * Something that can describe itself as a fact (evaluated when the model is read).
 */
export interface IEgressFactSource {
  /** The fact. */
  toFact(): EgressFact;
}

/**
 * A pod for a probe: namespace, labels, and optionally the namespace's labels and the pod IP.
 */
export interface ProbePod {
  /** Namespace. */
  readonly namespace: string;
  /** Pod labels. */
  readonly labels: Record<string, string>;
  /**
   * Labels of the pod's namespace (`kubernetes.io/metadata.name` is implied).
   * @default - only the implied name label
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * Pod IP, matched against IP blocks.
   * @default - not matched against IP blocks
   */
  readonly ip?: string;
}

/**
 * A connection attempt to check: from a pod to a pod or an address, on a port.
 */
export interface Probe {
  /** The pod that opens the connection. */
  readonly from: ProbePod;
  /**
   * Destination pod.
   * @default - no destination pod: pod destinations do not match
   */
  readonly toPod?: ProbePod;
  /**
   * Destination address (IPv4 or IPv6).
   * @default - the `ip` of `toPod` when it has one; otherwise address blocks do not match
   */
  readonly toIp?: string;
  /**
   * Destination hostname, for backends with DNS-aware policy.
   * @default - no hostname: hostname destinations do not match
   */
  readonly toHostname?: string;
  /** Destination port. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: Protocol;
  /**
   * True for traffic that skips the mesh (a pod without a sidecar, or traffic the sidecar does not
   * intercept): only the network layer judges it, and gateway routes do not carry it.
   * @default false - the pod's sidecar (if its namespace has one) intercepts it
   */
  readonly skipsMesh?: boolean;
}

/**
 * One enforcing layer's answer for one hop of a probe.
 */
export interface LayerVerdict {
  /** The layer. */
  readonly layer: EnforcementLayer;
  /** The hop it judged: `pod → destination`, `pod → gateway` or `gateway → destination`. */
  readonly hop: string;
  /** True when this layer lets the connection through. */
  readonly allowed: boolean;
  /** True when some policy of this layer isolates the sending pod. */
  readonly isolated: boolean;
  /** Object refs of the policies (or routes) of this layer that allow it. */
  readonly allowedBy: string[];
  /** Object refs of the policies that isolate the sending pod and let nothing of this through (empty when allowed). */
  readonly blockedBy: string[];
  /** Construct paths behind `blockedBy`. */
  readonly blockedByConstructs: string[];
}

/**
 * The model's answer for a probe.
 */
export interface Verdict {
  /** True when every layer that governs the connection allows it. */
  readonly allowed: boolean;
  /** True when some policy isolates the source pod for egress, in any layer. */
  readonly isolated: boolean;
  /** Object refs of the policies whose rules allow it, in every layer (empty when denied). */
  readonly allowedBy: string[];
  /** Each layer's answer, hop by hop, in the order the traffic meets them. */
  readonly layers: LayerVerdict[];
  /**
   * The first layer that drops the connection.
   * @default - none: the connection is allowed
   */
  readonly decidingLayer?: LayerVerdict;
  /**
   * The gateway the connection is routed through (`namespace/workload`).
   * @default - a direct connection
   */
  readonly gateway?: string;
}

/** Where the model of an app is kept (a non-enumerable property of the root construct). */
const MODEL_SYMBOL = '__cdk8sEgressModel';

/**
 * The library's own account of what the egress policies in an app allow. Every construct records
 * its policies here as it renders them; the model answers allow/deny for probes with Kubernetes
 * NetworkPolicy semantics (isolation, OR of rules, AND of selectors within a peer) and is what
 * DNS-path checks, reports and oracle comparisons are built on.
 */
export class EgressModel {
  /**
   * The model of the app (root construct) that `scope` belongs to.
   */
  public static of(scope: IConstruct): EgressModel {
    if (!isConstruct(scope)) raiseUnscoped([argProblem('The scope of EgressModel.of()', scope, 'a construct (the App, a Chart or a construct in one)')]);
    const root = scope.node.root as Construct;
    let model = (root as unknown as Record<string, EgressModel | undefined>)[MODEL_SYMBOL];
    if (!model) {
      model = new EgressModel();
      Object.defineProperty(root, MODEL_SYMBOL, { value: model, enumerable: false });
    }
    return model;
  }

  private readonly records: IModelPolicySource[] = [];
  private readonly factRecords: IEgressFactSource[] = [];
  /** Bumped on every change the model is told about, so readers can keep answers between passes. */
  private revision = 0;

  private constructor() {}

  /**
   * Record a policy. The callback is evaluated when the model is read, so sources that resolve
   * late (workloads) are seen as synthesized. Called by the constructs; don't call this directly.
   */
  public record(policy: IModelPolicySource): void {
    if (typeof (policy as { toModelPolicy?: unknown } | undefined)?.toModelPolicy !== 'function') {
      raiseUnscoped([argProblem('The policy of EgressModel.record()', policy, 'an object with a toModelPolicy() method')]);
    }
    this.records.push(policy);
    this.revision++;
  }

  /**
   * Record a fact (gateway route, fixed IP, logging, alert, opt-out). Evaluated when read.
   * Called by the constructs; don't call this directly.
   */
  public recordFact(fact: IEgressFactSource): void {
    if (typeof (fact as { toFact?: unknown } | undefined)?.toFact !== 'function') {
      raiseUnscoped([argProblem('The fact of EgressModel.recordFact()', fact, 'an object with a toFact() method')]);
    }
    this.factRecords.push(fact);
    this.revision++;
  }

  /** The number of changes recorded so far. @internal */
  public _revisionNumber(): number {
    return this.revision;
  }

  /** A recorded policy gained a rule. Called by the constructs. @internal */
  public _changed(): void {
    this.revision++;
  }

  /** Every recorded fact, in recording order. */
  public facts(): EgressFact[] {
    return this.factRecords.map((f) => f.toFact());
  }

  /** Every recorded policy, in recording order. */
  public policies(): ModelPolicy[] {
    return this.records.map((r) => r.toModelPolicy());
  }

  /**
   * Whether a connection is allowed: every layer that governs the source must allow it — the
   * network layer (NetworkPolicy, Cilium and Calico allow-lists add up; the ClusterNetworkPolicy
   * Admin tier comes first and overrides them; its Baseline tier applies only where no namespaced
   * policy selects the pod), then the mesh layer (a REGISTRY_ONLY sidecar passes only what a
   * ServiceEntry or a visible namespace declares), and, for traffic an egress gateway route
   * carries, the same for the hop to the gateway and the gateway's hop out.
   */
  public check(probe: Probe): Verdict {
    raiseUnscoped(PROBE(probe, 'EgressModel.check() probe'));
    return checkLayered(policyIndex(this.policies()), this.facts(), probe);
  }
}

/**
 * Something that can describe itself as a model policy.
 */
export interface IModelPolicySource {
  /** The policy as the model sees it. */
  toModelPolicy(): ModelPolicy;
}


function selects(source: SourceConfig, pod: ProbePod): boolean {
  return source.namespace === pod.namespace && (source.podLabels === undefined || labelsMatch(source.podLabels, pod.labels));
}

function portMatches(ports: readonly PortConfig[], port: number, protocol: Protocol): boolean {
  if (ports.length === 0) return true;
  return ports.some((p) => p.protocol === protocol
    && (p.port === undefined || (port >= p.port && port <= (p.endPort ?? p.port))));
}

function ipInBlock(cidr: string, except: readonly string[] | undefined, ip: string): boolean {
  const addr = parseIp(ip);
  const block = parseCidr(cidr);
  if (!addr || !isCidr(block) || !cidrContainsAddress(block, addr.family, addr.value)) return false;
  for (const e of except ?? []) {
    const eb = parseCidr(e);
    if (isCidr(eb) && cidrContainsAddress(eb, addr.family, addr.value)) return false;
  }
  return true;
}

function isWholeFamily(d: DestinationConfig): boolean {
  const block = parseCidr(d.cidr!);
  return isCidr(block) && block.prefix === 0 && (d.except ?? []).length === 0;
}

/**
 * Does destination `d` of a policy in namespace `policyNs` match the probe target? With
 * `cidrMatchesPods` false (Cilium), an address block never matches a pod: Cilium selects pods,
 * nodes and the host by identity, not by CIDR. @internal
 */
export function destinationMatches(d: DestinationConfig, policyNs: string, probe: Probe, cidrMatchesPods = true): boolean {
  switch (d.kind) {
    case DestinationKind.PODS: {
      const pod = probe.toPod;
      if (!pod) return false;
      const nsLabels = { ...(pod.namespaceLabels ?? {}), [NAMESPACE_NAME_LABEL]: pod.namespace };
      const nsOk = d.namespace !== undefined ? pod.namespace === d.namespace
        : d.namespaceLabels !== undefined ? labelsMatch(d.namespaceLabels, nsLabels)
          : pod.namespace === policyNs;
      return nsOk && (d.podLabels === undefined || labelsMatch(d.podLabels, pod.labels));
    }
    case DestinationKind.CIDR: {
      const ip = probe.toIp ?? (cidrMatchesPods ? probe.toPod?.ip : undefined);
      // A hostname resolves to addresses the model does not know: only a whole family covers them.
      if (ip === undefined && probe.toHostname !== undefined && !probe.toPod) return isWholeFamily(d);
      return ip !== undefined && ipInBlock(d.cidr!, d.except, ip);
    }
    case DestinationKind.KUBE_API_SERVER: {
      const ip = probe.toIp;
      return ip !== undefined && (d.apiServerCidrs ?? []).some((c) => ipInBlock(c, undefined, ip));
    }
    case DestinationKind.FQDN:
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX:
      return probe.toHostname !== undefined && hostnameMatches(d, probe.toHostname);
  }
}

/** The network layer's union of allow-lists (plain NetworkPolicy semantics). @internal */
export interface UnionVerdict {
  readonly allowed: boolean;
  readonly isolated: boolean;
  readonly allowedBy: string[];
}

function selectsProbe(p: ModelPolicy, probe: Probe): boolean {
  return p.isolates !== false
    && (p.protocols === undefined || p.protocols.includes(probe.protocol))
    && (p.wholeNamespace ? p.source.namespace === probe.from.namespace : selects(p.source, probe.from));
}

function ruleAllows(p: ModelPolicy, rule: EgressRuleConfig, probe: Probe): boolean {
  return portMatches(rule.ports, probe.port, probe.protocol)
    && rule.destinations.some((d) => destinationMatches(d, p.source.namespace, probe, p.cidrMatchesPods !== false));
}

/**
 * NetworkPolicy semantics over `policies`, whatever their layer: a pod is isolated when a policy
 * selects it, and then allowed what any of them allows. The oracle comparisons use it on
 * NetworkPolicy-only apps. @internal
 */
export function checkProbe(policies: readonly ModelPolicy[], probe: Probe): UnionVerdict {
  const selecting = policies.filter((p) => selectsProbe(p, probe));
  if (selecting.length === 0) return { allowed: true, isolated: false, allowedBy: [] };
  const allowedBy = new Set<string>();
  for (const p of selecting) {
    for (const rule of p.rules) {
      if (ruleAllows(p, rule, probe)) allowedBy.add(p.objectRef);
    }
  }
  return { allowed: allowedBy.size > 0, isolated: true, allowedBy: [...allowedBy].sort() };
}

const NONE = Object.freeze([]) as unknown as string[];

function uniqueSorted(list: readonly string[]): string[] {
  if (list.length === 0) return NONE;
  if (list.length === 1) return [list[0]];
  return [...new Set(list)].sort();
}

function layerVerdict(layer: EnforcementLayer, hop: string, selecting: readonly ModelPolicy[], allowedBy: readonly string[]): LayerVerdict {
  const allowed = selecting.length === 0 || allowedBy.length > 0;
  return {
    layer,
    hop,
    allowed,
    isolated: selecting.length > 0,
    allowedBy: uniqueSorted(allowedBy),
    blockedBy: allowed ? NONE : uniqueSorted(selecting.map((p) => p.objectRef)),
    blockedByConstructs: allowed ? NONE : uniqueSorted(selecting.map((p) => p.constructPath)),
  };
}

/** A policy's rules that can match a hostname: by exact name, and the rest (patterns, blocks). */
interface HostRules {
  readonly byName: Map<string, EgressRuleConfig[]>;
  readonly rest: EgressRuleConfig[];
}
const HOST_RULES = new WeakMap<ModelPolicy, HostRules>();

function hostRules(p: ModelPolicy): HostRules {
  let h = HOST_RULES.get(p);
  if (!h) {
    h = { byName: new Map(), rest: [] };
    for (const r of p.rules) {
      if (r.destinations.every((d) => d.kind === DestinationKind.FQDN)) {
        for (const d of r.destinations) {
          const list = h.byName.get(d.hostname!);
          if (list) list.push(r); else h.byName.set(d.hostname!, [r]);
        }
      } else {
        h.rest.push(r);
      }
    }
    HOST_RULES.set(p, h);
  }
  return h;
}

function allowingRefs(policies: readonly ModelPolicy[], probe: Probe): string[] {
  const host = probe.toHostname;
  if (host !== undefined && probe.toPod === undefined && probe.toIp === undefined) {
    // Hostname probes look up a policy's rules by name (gateways hold a rule per routed host).
    return policies.filter((p) => {
      if (p.rules.length < 8) return p.rules.some((r) => ruleAllows(p, r, probe));
      const h = hostRules(p);
      return (h.byName.get(host) ?? []).some((r) => ruleAllows(p, r, probe)) || h.rest.some((r) => ruleAllows(p, r, probe));
    }).map((p) => p.objectRef);
  }
  return policies.filter((p) => p.rules.some((r) => ruleAllows(p, r, probe))).map((p) => p.objectRef);
}

/**
 * The network layer: the Admin tier decides first for the pods it selects; otherwise the
 * namespaced allow-lists add up; the Baseline tier decides only for pods no namespaced policy
 * selects. @internal
 */
export function networkVerdict(policies: readonly ModelPolicy[], probe: Probe, hop = 'pod → destination'): LayerVerdict {
  const selecting = policies.filter((p) => (p.layer ?? EnforcementLayer.NETWORK) === EnforcementLayer.NETWORK && selectsProbe(p, probe));
  const tier = (t: PolicyTier) => selecting.filter((p) => (p.tier ?? PolicyTier.NAMESPACED) === t);
  for (const t of [PolicyTier.ADMIN, PolicyTier.NAMESPACED, PolicyTier.BASELINE]) {
    const inTier = tier(t);
    if (inTier.length > 0) return layerVerdict(EnforcementLayer.NETWORK, hop, inTier, allowingRefs(inTier, probe));
  }
  return layerVerdict(EnforcementLayer.NETWORK, hop, [], []);
}

/**
 * The mesh layer: a sidecar switched to REGISTRY_ONLY passes TCP to what its namespace's
 * ServiceEntries declare and to in-cluster pods of the namespaces it sees.
 */
function meshVerdict(policies: readonly ModelPolicy[], probe: Probe, routes: readonly RouteView[]): LayerVerdict {
  const selecting = probe.skipsMesh ? [] : policies.filter((p) => p.layer === EnforcementLayer.MESH && selectsProbe(p, probe));
  const allowedBy = allowingRefs(selecting, probe);
  const pod = probe.toPod;
  if (pod && allowedBy.length === 0 && selecting.length > 0) {
    // The proxy reaches istiod itself, outside what the Sidecar restricts.
    if (probe.port === ISTIOD_PORT && pod.namespace === ISTIOD_NAMESPACE && labelsMatch(ISTIOD_LABELS, pod.labels)) {
      allowedBy.push(`${ISTIOD_NAMESPACE}/istiod (control plane)`);
    }
    // A routed sidecar reaches its gateway (the route's host) and its control plane.
    for (const r of routes) {
      if (!selects(r.fact.source!, probe.from)) continue;
      const gw = pod.namespace === r.gatewayPod.namespace && labelsMatch(r.gatewayPod.labels, pod.labels);
      const cp = r.controlPlane && probe.port === r.controlPlane.port
        && pod.namespace === r.controlPlane.pod.namespace && labelsMatch(r.controlPlane.pod.labels, pod.labels);
      if (gw || cp) allowedBy.push(`route ${r.fact.constructPath}`);
    }
  }
  if (pod && allowedBy.length === 0) {
    for (const p of selecting) {
      const visible = p.meshVisibleNamespaces ?? [];
      if (pod.namespace === p.source.namespace || visible.includes(pod.namespace) || visible.includes('*')) allowedBy.push(p.objectRef);
    }
  }
  return layerVerdict(EnforcementLayer.MESH, 'pod → destination', selecting, allowedBy);
}

/** A gateway route as the model reads it from a GATEWAY_ROUTE fact. */
interface RouteView {
  readonly fact: EgressFact;
  readonly gatewayPod: ProbePod;
  readonly gateway: string;
  /** istiod as the routed sidecars reach it. */
  readonly controlPlane?: { readonly pod: ProbePod; readonly port: number };
  /** appPort -> [upstream port, gateway pod port]. */
  readonly legs: ReadonlyMap<number, readonly [number, number]>;
  readonly hosts: readonly string[];
}

function routeView(f: EgressFact): RouteView | undefined {
  const r = f.gatewayRoute;
  if (!r || !f.source) return undefined;
  const legs = new Map<number, readonly [number, number]>();
  for (const leg of r.legs ?? []) {
    if (!legs.has(leg.appPort)) legs.set(leg.appPort, [leg.upstreamPort, leg.gatewayPort]);
  }
  const cp = r.controlPlane;
  const controlPlane = cp ? { pod: { namespace: cp.namespace, labels: { ...cp.labels } }, port: cp.port } : undefined;
  const g = r.gateway;
  return { fact: f, gatewayPod: { namespace: g.namespace, labels: { ...g.labels } }, gateway: `${g.namespace}/${g.workload}`, legs, hosts: [...r.hosts], ...(controlPlane ? { controlPlane } : {}) };
}

function routeCarries(r: RouteView, probe: Probe): boolean {
  if (probe.skipsMesh || probe.protocol !== Protocol.TCP || probe.toHostname === undefined) return false;
  if (!selects(r.fact.source!, probe.from)) return false;
  if (!r.legs.has(probe.port)) return false;
  const host = probe.toHostname;
  return r.hosts.some((h) => h === host || (h.startsWith('*.') && host.endsWith(h.slice(1))));
}

/**
 * The policies that may select a pod, found through an index by namespace and by label (a
 * superset: the verdict still checks each selector). @internal
 */
export function policyIndex(policies: readonly ModelPolicy[]): (pod: ProbePod) => readonly ModelPolicy[] {
  const wide = new Map<string, ModelPolicy[]>();
  const byLabel = new Map<string, ModelPolicy[]>();
  const push = (m: Map<string, ModelPolicy[]>, k: string, p: ModelPolicy) => {
    const list = m.get(k);
    if (list) list.push(p); else m.set(k, [p]);
  };
  for (const p of policies) {
    const labels = p.source.podLabels;
    const keys = labels ? Object.keys(labels) : [];
    if (p.wholeNamespace || keys.length === 0) push(wide, p.source.namespace, p);
    else push(byLabel, `${p.source.namespace}\u0000${keys[0]}\u0000${labels![keys[0]]}`, p);
  }
  return (pod) => {
    const out = [...(wide.get(pod.namespace) ?? [])];
    for (const [k, v] of Object.entries(pod.labels)) {
      const list = byLabel.get(`${pod.namespace}\u0000${k}\u0000${v}`);
      if (list) out.push(...list);
    }
    return out;
  };
}

/** The gateway's own hop out: it depends on the gateway pods' policies only, so callers may keep it. */
function gatewayHop(
  policiesOf: (pod: ProbePod) => readonly ModelPolicy[], route: RouteView, probe: Probe, memo: Map<string, LayerVerdict> | undefined,
): LayerVerdict {
  const key = `${route.gateway}|${probe.toHostname}|${probe.port}`;
  let v = memo?.get(key);
  if (!v) {
    v = networkVerdict(policiesOf(route.gatewayPod), probe, 'gateway → destination');
    memo?.set(key, v);
  }
  return v;
}

/** The routes of a fact list by source namespace, read once per list. */
const ROUTES = new WeakMap<readonly EgressFact[], Map<string, RouteView[]>>();
const NO_ROUTES: RouteView[] = [];

/**
 * Every layer's verdict for a probe, hop by hop. @internal
 */
export function checkLayered(
  policiesOf: (pod: ProbePod) => readonly ModelPolicy[], facts: readonly EgressFact[], probe: Probe, gatewayHops?: Map<string, LayerVerdict>,
): Verdict {
  let index = ROUTES.get(facts);
  if (!index) {
    index = new Map();
    for (const f of facts) {
      if (f.kind !== FactKind.GATEWAY_ROUTE) continue;
      const r = routeView(f);
      if (!r) continue;
      const list = index.get(r.fact.source!.namespace);
      if (list) list.push(r); else index.set(r.fact.source!.namespace, [r]);
    }
    ROUTES.set(facts, index);
  }
  const routes = index.get(probe.from.namespace) ?? NO_ROUTES;
  const route = probe.toHostname === undefined ? undefined : routes.find((r) => routeCarries(r, probe));
  let layers: LayerVerdict[];
  if (route) {
    // The sidecar sends the connection to the gateway (the route's VirtualService), which opens
    // its own connection to the destination.
    const [upstream, gatewayPort] = route.legs.get(probe.port)!;
    const toGateway: Probe = { from: probe.from, toPod: route.gatewayPod, port: gatewayPort, protocol: Protocol.TCP };
    const fromGateway: Probe = { ...probe, from: route.gatewayPod, port: upstream, skipsMesh: true };
    layers = [
      networkVerdict(policiesOf(probe.from), toGateway, 'pod → gateway'),
      layerVerdict(EnforcementLayer.MESH, 'pod → gateway', [], [`route ${route.fact.constructPath}`]),
      gatewayHop(policiesOf, route, fromGateway, gatewayHops),
    ];
  } else {
    const mine = policiesOf(probe.from);
    layers = [networkVerdict(mine, probe)];
    const mesh = meshVerdict(mine, probe, routes);
    if (mesh.isolated) layers.push(mesh);
  }
  const deciding = layers.find((l) => !l.allowed);
  return {
    allowed: deciding === undefined,
    isolated: layers.some((l) => l.isolated),
    allowedBy: deciding ? [] : [...new Set(layers.flatMap((l) => l.allowedBy))].sort(),
    layers,
    ...(deciding ? { decidingLayer: deciding } : {}),
    ...(route ? { gateway: route.gateway } : {}),
  };
}

const PROBE_POD = struct({
  namespace: required(str({ example: 'production' }), 'name the namespace of the pod'),
  labels: required(stringMap, 'give the pod\'s labels ({} for a pod without labels)'),
  namespaceLabels: stringMap,
  ip: str({ example: '10.244.1.5' }),
});

const PROBE = struct({
  from: required(PROBE_POD, 'give the pod that opens the connection, e.g. { namespace: \'production\', labels: { app: \'backend\' } }'),
  toPod: PROBE_POD,
  toIp: str({ example: '203.0.113.7' }),
  toHostname: str({ example: 'api.example.com' }),
  port: required(num(), 'give the destination port, e.g. 443'),
  protocol: required(oneOf(Protocol, 'Protocol'), 'give the protocol, e.g. Protocol.TCP'),
  skipsMesh: bool,
});
