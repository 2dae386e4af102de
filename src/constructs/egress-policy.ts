import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IEgressBackend } from '../backends/contract';
import { addressShare, checkCapabilities, inClusterProblem, isAllAddresses, mayCoverFamily, refuseCoveredFamily } from '../checks/policy-checks';
import { checkContext } from '../core/context';
import { describePort } from '../core/describe';
import { Destination, DestinationConfig, DestinationKind } from '../core/destination';
import { checkNodeLocalDnsCache, defaultDnsResolvers } from '../core/dns-defaults';
import { DnsResolver } from '../core/dns-resolver';
import { EgressError, Problem, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { argProblem, constructScope } from '../core/inputs';
import { EgressRuleConfig } from '../core/policy-config';
import { Port, PortConfig } from '../core/port';
import { EgressSource } from '../core/source';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { GrantPurpose } from '../model/policy';
import { configKey, sameConfig } from '../util/keys';
import { show, uncalledFactory } from '../util/show';
import { backendObjectName, backendScope, policyBackends } from './private/backends';
import { PolicyRenderer } from './private/render';
import { EGRESS_POLICY_PROPS } from './private/schemas';

/** Destination×port entries one policy object may hold. */
const MAX_PEER_PORTS_PER_POLICY = 1000;
/** Rules a policy checks for duplicates by scanning; past this, it keeps an index. */
const SCAN_LIMIT = 32;

/** Ports that allow the same traffic (the application protocol is a hint, not a different port). */
function samePort(a: PortConfig, b: PortConfig): boolean {
  return a.protocol === b.protocol && a.port === b.port && a.endPort === b.endPort;
}

function entryKey(d: DestinationConfig, port: PortConfig | undefined): string {
  return port ? `${configKey(d)}|${port.protocol}|${port.port}|${port.endPort}` : `${configKey(d)}|*`;
}

/**
 * One allowed flow: a destination and the ports on it.
 */
export interface EgressRule {
  /** Where the traffic may go. */
  readonly destination: Destination;
  /**
   * Ports on the destination.
   * @default - every port and protocol of the destination
   */
  readonly ports?: Port[];
}

/**
 * Options shared by the constructs that emit egress policies.
 */
export interface EgressPolicyOptions {
  /**
   * The backends that render and enforce the policy. Each emits its own objects: with several,
   * each renders in a child named after the backend id and appends the id to `name`.
   * @default [EgressBackend.kubernetes()]
   */
  readonly backends?: IEgressBackend[];
  /**
   * Name of the emitted object (with several backends, each appends its id).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Labels added to every emitted object.
   * @default - no labels besides the ones cdk8s and the backend set
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations added to every emitted object.
   * @default - no annotations besides the ones the backend sets
   */
  readonly annotations?: Record<string, string>;
}

/**
 * Properties of an `EgressPolicy`.
 */
export interface EgressPolicyProps extends EgressPolicyOptions {
  /** Whose egress this policy controls. The selected pods become egress-isolated. */
  readonly source: EgressSource;
  /**
   * Allowed flows. More can be added with `allow()`.
   * @default - none besides DNS: the source may reach only its DNS resolvers
   */
  readonly rules?: EgressRule[];
  /**
   * DNS servers the source keeps reaching, on UDP and TCP. An empty list emits no DNS rule; the
   * app must then give the same pods a DNS path elsewhere (a `DnsEgressRule` or a
   * `DefaultDenyEgress`), or synth fails.
   * @default [DnsResolver.kubeDns()], plus the NodeLocal DNSCache declared in the
   * `cdk8s-egress:nodeLocalDnsCache` context
   */
  readonly dns?: DnsResolver[];
  /**
   * Allow rules to every address of a family (`0.0.0.0/0`, `::/0`). Without this opt-in such a
   * rule is an error, because it lets the source reach the whole internet.
   * @default false
   */
  readonly allowAllAddresses?: boolean;
}

/**
 * The egress of a set of pods, allowed destination by destination: every other destination is
 * denied. The selected pods keep a DNS path (kube-dns on UDP and TCP 53 unless `dns` says
 * otherwise).
 *
 * @example
 * const policy = new EgressPolicy(chart, 'backend', {
 *   name: 'egress-control',
 *   source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }),
 * });
 * policy.allow(Destination.pods({ labels: { app: 'database' } }), Port.tcp(5432));
 * policy.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
 */
export class EgressPolicy extends Construct {
  /** Whose egress this policy controls. */
  public readonly source: EgressSource;
  /** The backends that render it, in the order given. */
  public readonly backends: IEgressBackend[];

  private readonly rules: EgressRuleConfig[] = [];
  private readonly dnsRules: EgressRuleConfig[];
  /**
   * Destination×port entries allowed so far, by key: built only once a policy has more than
   * SCAN_LIMIT rules (below that, `allowedBefore` scans the rules and keeps nothing extra alive).
   */
  private index?: Map<string, PortConfig | undefined>;
  private readonly allowAllAddresses: boolean;
  /** One renderer per backend, in the order of `backends`. */
  private readonly renderers: PolicyRenderer[];
  /** Destination×port entries so far (DNS rules included), for the size budget. */
  private peers = 0;
  private overBudget = false;
  /** Running share of the IPv4 and IPv6 address space allowed in full blocks (see addressShare). */
  private share4 = 0;
  private share6 = 0;

  public constructor(scope: Construct, id: string, props: EgressPolicyProps) {
    super(constructScope(scope, id, 'EgressPolicy'), id);
    raise(this, EGRESS_POLICY_PROPS(props, 'EgressPolicy props'));
    checkContext(this);
    this.backends = policyBackends(this, props.backends, 'EgressPolicy');
    this.source = props.source;
    this.allowAllAddresses = props.allowAllAddresses ?? false;
    raise(this, props.source._problems());

    const dns = props.dns ?? defaultDnsResolvers(this);
    for (const resolver of dns) raise(this, resolver._problems());
    // DNS is the business of the backends that control it (an L7 mesh neither blocks nor keeps it).
    const dnsBackends = this.backends.filter((b) => (b.semantics.controlsDns !== false));
    if (props.dns !== undefined && dnsBackends.length > 0) checkNodeLocalDnsCache(this, props.dns);
    this.dnsRules = dns.map((resolver) => {
      const rule = resolver._rule();
      for (const b of dnsBackends) checkCapabilities(this, b, () => `the DNS resolver ${resolver.description}`, rule.destinations[0], rule.ports);
      const inCluster = dnsBackends.length > 0 ? inClusterProblem(this, rule.destinations[0]) : undefined;
      if (inCluster) EgressWarnings.add(this, EgressWarningId.IP_BLOCK_IN_CLUSTER, `DNS resolver: ${inCluster}`);
      this.countPeers(1, rule.ports.length);
      return rule;
    });
    for (const rule of this.dnsRules) this.checkCoverage(rule.destinations[0], () => `the DNS resolvers (${dns.map((r) => r.description).join(', ')})`);
    for (const rule of props.rules ?? []) {
      this.allow(rule.destination, ...(rule.ports ?? []));
    }

    this.renderers = this.backends.map((backend) => new PolicyRenderer(backendScope(this, backend, this.backends), backend, {
      purpose: GrantPurpose.ALLOW,
      source: () => this.source.toConfig(),
      rules: () => [...this.dnsRules, ...this.rules],
      name: backendObjectName(props.name, backend, this.backends),
      labels: props.labels,
      annotations: props.annotations,
      providesDns: dns.length > 0 && (backend.semantics.controlsDns !== false),
      needsDns: dns.length === 0 && (backend.semantics.controlsDns !== false),
      allowAllAddresses: this.allowAllAddresses,
    }));
  }

  /** The emitted objects, of every backend in the order of `backends`. */
  public get apiObjects(): ApiObject[] {
    return this.renderers.length === 1 ? this.renderers[0].apiObjects : this.renderers.flatMap((r) => r.apiObjects);
  }

  /**
   * Count new destination×port entries. The size budget is reported at synth, whatever else is
   * added later; the check is registered only once a policy goes over it, so the policies within
   * budget (nearly all) add nothing to the validation pass cdk8s runs once per chart.
   */
  private countPeers(destinations: number, ports: number): void {
    this.peers += destinations * Math.max(1, ports);
    if (this.peers > MAX_PEER_PORTS_PER_POLICY && !this.overBudget) {
      this.overBudget = true;
      this.node.addValidation({ validate: () => this.budgetProblems() });
    }
  }

  private budgetProblems(): string[] {
    const peers = this.peers;
    return [`This policy has ${peers} destination×port entries, over the budget of ${MAX_PEER_PORTS_PER_POLICY} per policy object `
      + '(large objects are slow for the API server and the dataplane, and CNIs cap rule sizes). '
      + `Split the destinations across several EgressPolicy or AllowedExternalService constructs, or merge address ranges (${EgressErrorCode.POLICY_TOO_LARGE})`];
  }

  /**
   * Refuse a destination that, with the blocks allowed before it, covers every address of a
   * family (`0.0.0.0/1` + `128.0.0.0/1`), unless the policy opted in. Keeps two running totals;
   * the union is computed only when a total reaches a whole family.
   */
  private checkCoverage(d: DestinationConfig, what: () => string): void {
    if (this.allowAllAddresses || (d.kind !== DestinationKind.CIDR && d.kind !== DestinationKind.KUBE_API_SERVER)) return;
    this.share4 += addressShare(d, 4);
    this.share6 += addressShare(d, 6);
    if (mayCoverFamily(this.share4) || mayCoverFamily(this.share6)) {
      const all = [...this.dnsRules, ...this.rules].flatMap((r) => r.destinations);
      refuseCoveredFamily(this, [...all, d], what(), 'set allowAllAddresses: true on the policy to opt in');
    }
  }

  /** The earlier allowance of `d` on `port` (undefined: every port), if there is one. */
  private allowedBefore(d: DestinationConfig, port: PortConfig | undefined): { readonly port?: PortConfig } | undefined {
    if (this.index) {
      const key = entryKey(d, port);
      return this.index.has(key) ? { port: this.index.get(key) } : undefined;
    }
    for (const rule of this.rules) {
      if (!sameConfig(rule.destinations[0], d)) continue;
      if (port === undefined) {
        if (rule.ports.length === 0) return { port: undefined };
        continue;
      }
      const same = rule.ports.find((q) => samePort(q, port));
      if (same) return { port: same };
    }
    return undefined;
  }

  private indexRule(rule: EgressRuleConfig): void {
    this.index ??= new Map();
    for (const port of rule.ports.length > 0 ? rule.ports : [undefined]) {
      const key = entryKey(rule.destinations[0], port);
      if (!this.index.has(key)) this.index.set(key, port);
    }
  }

  /**
   * Allow egress to `destination` on `ports` (every port when none are given).
   * Throws when the destination or a port is invalid, already allowed, would allow every address
   * without opt-in, or cannot be expressed by a backend. Returns nothing: call it once per
   * destination (no fluent chain, as the aws-cdk guidelines ask).
   */
  public allow(destination: Destination, ...ports: Port[]): void {
    raise(this, allowArgumentProblems(destination, ports));
    raise(this, destination._problems());
    for (const p of ports) raise(this, p._problems());
    const d: DestinationConfig = destination.toConfig();
    const portConfigs = ports.map((p) => p.toConfig());
    if (isAllAddresses(d) && !this.allowAllAddresses) {
      throw EgressError.at(this, EgressErrorCode.ALLOW_ALL,
        `Refusing to allow egress to ${d.cidr}: it covers every IPv${d.ipFamily} address, so the source could reach the whole internet. `
        + 'List the external ranges you need, or set allowAllAddresses: true on the policy to opt in');
    }
    for (const b of this.backends) checkCapabilities(this, b, () => `destination ${destination}`, d, portConfigs);
    this.checkCoverage(d, () => `egress to ${destination}`);
    const inCluster = inClusterProblem(this, d);
    const entries: Array<PortConfig | undefined> = portConfigs.length > 0 ? portConfigs : [undefined];
    for (const [i, port] of entries.entries()) {
      // The same port twice in this call, or allowed by an earlier call.
      const again = port && portConfigs.slice(0, i).find((q) => samePort(q, port));
      const prev = again ? { port: again } : this.allowedBefore(d, port);
      if (prev !== undefined) {
        throw EgressError.at(this, EgressErrorCode.DUPLICATE_RULE,
          `Egress to ${destination} on ${describePort(port)} is allowed twice (first as ${destination} ${describePort(prev.port)}). Remove the duplicate allow()`);
      }
    }
    const rule: EgressRuleConfig = { destinations: [d], ports: portConfigs };
    if (inCluster) EgressWarnings.add(this, EgressWarningId.IP_BLOCK_IN_CLUSTER, inCluster);
    this.rules.push(rule);
    if (this.index) this.indexRule(rule);
    else if (this.rules.length > SCAN_LIMIT) this.rules.forEach((r) => this.indexRule(r));
    this.countPeers(1, portConfigs.length);
    // Rules given as props are rendered with the policy; later ones are passed on.
    for (const r of this.renderers ?? []) r.ruleAdded(rule);
  }
}

/**
 * The arguments of `allow()` as given: one Destination, then Port values as separate arguments.
 * A list, a number, a factory that was not called or a missing value is refused with the call to
 * write instead.
 */
function allowArgumentProblems(destination: unknown, ports: readonly unknown[]): Problem[] {
  const problems: Problem[] = [];
  if (!(destination instanceof Destination)) {
    const fix = Array.isArray(destination)
      ? 'allow() takes one destination: call allow() once per destination (or give several to an AllowedExternalService)'
      : uncalledFactory(destination) ? `Call the factory: ${uncalledFactory(destination)}(…)` : 'Pass a Destination, e.g. allow(Destination.ipv4(\'203.0.113.0/24\'), Port.HTTPS)';
    problems.push(argProblem('The destination of allow(destination, ...ports)', destination, 'a Destination', fix));
  }
  ports.forEach((p, i) => {
    if (p instanceof Port) return;
    const where = `Port argument ${i + 1} of allow(destination, ...ports)`;
    if (Array.isArray(p)) {
      problems.push(argProblem(where, p, 'a Port', `Pass the ports as separate arguments, not a list: allow(destination, ${p.map((x) => (x instanceof Port ? portExpression(x) : show(x))).join(', ')}) or allow(destination, ...ports)`));
    } else if (typeof p === 'number') {
      problems.push(argProblem(where, p, 'a Port', `Did you mean Port.tcp(${p})?`));
    } else if (uncalledFactory(p)) {
      problems.push(argProblem(where, p, 'a Port', `Call the factory: ${uncalledFactory(p)}(…)`));
    } else {
      problems.push(argProblem(where, p, 'a Port, e.g. Port.HTTPS or Port.tcp(443)'));
    }
  });
  return problems;
}

/** How a port is written in code, for a fix: `Port.tcp(443)`, `Port.https(443)`, `Port.udpRange(1, 9)`. */
function portExpression(p: Port): string {
  if (p._problems().length > 0) return show(p);
  const c = p.toConfig();
  const proto = c.protocol.toLowerCase();
  if (c.port === undefined) return `Port.all${c.protocol.charAt(0)}${proto.slice(1)}()`;
  if (c.endPort !== undefined) return `Port.${proto}Range(${c.port}, ${c.endPort})`;
  if (c.appProtocol === 'HTTPS' || c.appProtocol === 'TLS' || c.appProtocol === 'HTTP' || c.appProtocol === 'GRPC') return `Port.${c.appProtocol.toLowerCase()}(${c.port})`;
  if (c.appProtocol !== undefined) return `Port.of({ protocol: Protocol.TCP, port: ${c.port}, appProtocol: AppProtocol.${c.appProtocol} })`;
  return `Port.${proto}(${c.port})`;
}
