import { Construct, IConstruct } from 'constructs';
import { EgressRuleConfig, EnforcementLayer } from '../backends/backend';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { PortConfig, Protocol } from '../core/port';
import { SourceConfig } from '../core/source';
import { cidrContainsAddress, isCidr, parseCidr, parseIp } from '../private/cidr';
import { hostnameMatches } from '../private/hosts';
import { NAMESPACE_NAME_LABEL, labelsMatch } from '../private/names';

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
}

/**
 * The model's answer for a probe.
 */
export interface Verdict {
  /** True when the connection is allowed. */
  readonly allowed: boolean;
  /** True when some policy isolates the source pod for egress. */
  readonly isolated: boolean;
  /** Object refs of the policies whose rules allow it (empty when denied or not isolated). */
  readonly allowedBy: string[];
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
    this.records.push(policy);
    this.revision++;
  }

  /**
   * Record a fact (gateway route, fixed IP, logging, alert, opt-out). Evaluated when read.
   * Called by the constructs; don't call this directly.
   */
  public recordFact(fact: IEgressFactSource): void {
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

  /** Whether a connection is allowed, with NetworkPolicy semantics. */
  public check(probe: Probe): Verdict {
    return checkProbe(this.policies(), probe);
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

/** @internal */
export function checkProbe(policies: readonly ModelPolicy[], probe: Probe): Verdict {
  const selecting = policies.filter((p) => p.isolates !== false
    && (p.protocols === undefined || p.protocols.includes(probe.protocol))
    && (p.wholeNamespace ? p.source.namespace === probe.from.namespace : selects(p.source, probe.from)));
  if (selecting.length === 0) return { allowed: true, isolated: false, allowedBy: [] };
  const allowedBy = new Set<string>();
  for (const p of selecting) {
    for (const rule of p.rules) {
      if (portMatches(rule.ports, probe.port, probe.protocol)
        && rule.destinations.some((d) => destinationMatches(d, p.source.namespace, probe, p.cidrMatchesPods !== false))) {
        allowedBy.add(p.objectRef);
      }
    }
  }
  return { allowed: allowedBy.size > 0, isolated: true, allowedBy: [...allowedBy].sort() };
}
