import { Destination, DestinationConfig, DestinationKind } from './destination';
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { list, num, optionalStruct, str, stringMap } from './inputs';
import { Port, PortConfig } from './port';
import { isCidr, parseCidr } from '../util/cidr';
import { registerFactories, show } from '../util/show';

/**
 * Options for `DnsResolver.kubeDns`.
 */
export interface KubeDnsOptions {
  /**
   * Namespace the cluster DNS pods run in.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the cluster DNS pods.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS and kube-dns both carry it)
   */
  readonly labels?: Record<string, string>;
  /**
   * Port the DNS pods listen on. NetworkPolicy sees the pod port after Service DNAT, so set
   * this where DNS pods serve on another port (OpenShift's DNS pods use 5353).
   * @default 53
   */
  readonly port?: number;
}

/**
 * Options for `DnsResolver.nodeLocalDnsCache`.
 */
export interface NodeLocalDnsCacheOptions {
  /**
   * The link-local address NodeLocal DNSCache listens on.
   * @default '169.254.20.10'
   */
  readonly address?: string;
  /**
   * DNS port.
   * @default 53
   */
  readonly port?: number;
}

/**
 * Options for `DnsResolver.addresses`.
 */
export interface DnsAddressesOptions {
  /**
   * DNS port.
   * @default 53
   */
  readonly port?: number;
}

/**
 * A DNS server that egress-isolated workloads must keep reaching. Every resolver is allowed on
 * UDP **and** TCP (TCP carries truncated answers, RFC 7766).
 *
 * @example
 * DnsResolver.kubeDns();
 * DnsResolver.nodeLocalDnsCache();
 * DnsResolver.addresses(['10.0.0.10/32'], { port: 5353 });
 */
export class DnsResolver {
  /**
   * The cluster DNS pods (CoreDNS / kube-dns), selected by namespace name **and** pod labels.
   * Narrower than the common `namespaceSelector: {}` form, which lets pods of any namespace
   * that carry `k8s-app: kube-dns` receive the workload's DNS traffic.
   */
  public static kubeDns(options: KubeDnsOptions = {}): DnsResolver {
    const problems = KUBE_DNS_OPTIONS(options, 'DnsResolver.kubeDns() options');
    if (problems.length > 0) return DnsResolver.invalid(`DnsResolver.kubeDns(${show(options)})`, problems);
    const isDefault = options.namespace === undefined && options.labels === undefined && options.port === undefined;
    // Resolvers are values: the default one (every policy's DNS path unless told otherwise) is
    // built once, so its configs and keys are shared by every policy.
    if (isDefault && DnsResolver.defaultKubeDns) return DnsResolver.defaultKubeDns;
    const namespace = options.namespace ?? 'kube-system';
    const labels = options.labels ?? { 'k8s-app': 'kube-dns' };
    const resolver = new DnsResolver(Destination.pods({ labels, namespace }), options.port ?? 53, `cluster DNS (${namespace})`);
    if (isDefault) DnsResolver.defaultKubeDns = resolver;
    return resolver;
  }

  /**
   * NodeLocal DNSCache. It answers from host-network pods on a link-local address, which a
   * kube-dns pod selector never matches, so it needs its own IP rule.
   */
  public static nodeLocalDnsCache(options: NodeLocalDnsCacheOptions = {}): DnsResolver {
    const problems = NODE_LOCAL_OPTIONS(options, 'DnsResolver.nodeLocalDnsCache() options');
    if (problems.length > 0) return DnsResolver.invalid(`DnsResolver.nodeLocalDnsCache(${show(options)})`, problems);
    const address = options.address ?? '169.254.20.10';
    const cidr = address.includes('/') ? address : `${address}/32`;
    return new DnsResolver(Destination.ipv4(cidr), options.port ?? 53, `NodeLocal DNSCache (${address})`);
  }

  /** DNS servers at fixed addresses (CIDRs), for example an external resolver. */
  public static addresses(cidrs: string[], options: DnsAddressesOptions = {}): DnsResolver[] {
    const problems = [
      ...list(str({ allowEmpty: true }), { nonEmpty: true, itemName: 'CIDR strings', emptyFix: 'list the DNS server addresses, e.g. DnsResolver.addresses([\'10.0.0.10/32\'])' })(cidrs, 'DnsResolver.addresses() cidrs'),
      ...ADDRESSES_OPTIONS(options, 'DnsResolver.addresses() options'),
    ];
    if (problems.length > 0) return [DnsResolver.invalid(`DnsResolver.addresses(${show(cidrs)}${options !== undefined ? `, ${show(options)}` : ''})`, problems)];
    return cidrs.map((c) => new DnsResolver(c.includes(':') ? Destination.ipv6(c) : Destination.ipv4(c), options.port ?? 53, `DNS server ${c}`));
  }

  private static defaultKubeDns?: DnsResolver;

  /** A resolver built from arguments of the wrong type: it reports them, and is never rendered. */
  private static invalid(asGiven: string, problems: readonly Problem[]): DnsResolver {
    return new DnsResolver(Destination.ipv4('192.0.2.0/32'), 53, `${asGiven} (invalid)`, problems);
  }

  /** Where the resolver is. */
  public readonly destination: Destination;
  /** Port it serves on (UDP and TCP). */
  public readonly port: number;
  /** Human-readable name. */
  public readonly description: string;

  private readonly portList: readonly Port[];
  private rule?: { readonly destinations: DestinationConfig[]; readonly ports: PortConfig[]; readonly dns: true };
  /** Every problem of this resolver, found once when it is built (a resolver is a value). */
  private readonly problems: readonly Problem[];

  private constructor(destination: Destination, port: number, description: string, inputProblems: readonly Problem[] = []) {
    this.destination = destination;
    this.port = port;
    this.description = description;
    this.portList = [Port.udp(port), Port.tcp(port)];
    this.problems = Object.freeze(inputProblems.length > 0 ? [...inputProblems]
      : [...destination._problems(), ...this.portList[0]._problems(), ...this.allAddressProblems()]);
  }

  /** The UDP and TCP ports of this resolver. */
  public ports(): Port[] {
    return [...this.portList];
  }

  /**
   * The rule that keeps this resolver reachable (its destination on UDP and TCP). Built once and
   * shared by every policy that keeps the resolver, so frozen. It has the shape of a backend's
   * `EgressRuleConfig`. @internal
   */
  public _rule(): { readonly destinations: DestinationConfig[]; readonly ports: PortConfig[]; readonly dns: true } {
    this.rule ??= Object.freeze({
      destinations: Object.freeze([this.destination.toConfig()]) as DestinationConfig[],
      ports: Object.freeze(this.portList.map((p) => p.toConfig())) as PortConfig[],
      dns: true as const,
    });
    return this.rule;
  }

  /** The problems of this resolver (none when it is valid), found when it was built. @internal */
  public _problems(): readonly Problem[] {
    return this.problems;
  }

  /** A resolver is a few servers: a block covering a whole family would open the port to the internet. */
  private allAddressProblems(): Problem[] {
    const c = this.destination.toConfig();
    if (c.kind !== DestinationKind.CIDR) return [];
    const parsed = parseCidr(c.cidr!);
    if (!isCidr(parsed) || parsed.prefix !== 0) return [];
    return [{
      code: EgressErrorCode.ALLOW_ALL,
      message: `DNS resolver address "${c.cidr}" covers every IPv${parsed.family} address: it would allow UDP and TCP ${this.port} to any server on the internet `
        + '(DNS tunnelling, and a way around hostname policy). List the resolver addresses, for example DnsResolver.addresses([\'10.0.0.10/32\'])',
    }];
  }
}

registerFactories(DnsResolver, 'DnsResolver');

const KUBE_DNS_OPTIONS = optionalStruct({ namespace: str({ example: 'kube-system' }), labels: stringMap, port: num() });
const NODE_LOCAL_OPTIONS = optionalStruct({ address: str({ example: '169.254.20.10' }), port: num() });
const ADDRESSES_OPTIONS = optionalStruct({ port: num() });
