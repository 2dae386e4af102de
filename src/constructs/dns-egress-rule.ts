import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressPolicyOptions } from './egress-policy';
import { IEgressBackend } from '../backends/contract';
import { checkCapabilities, inClusterProblem, refuseCoveredFamily } from '../checks/policy-checks';
import { checkContext } from '../core/context';
import { checkNodeLocalDnsCache, defaultDnsResolvers } from '../core/dns-defaults';
import { DnsResolver } from '../core/dns-resolver';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { constructScope } from '../core/inputs';
import { EgressRuleConfig } from '../core/policy-config';
import { EgressSource } from '../core/source';
import { EgressWarningId } from '../core/warning-ids';
import { EgressWarnings } from '../core/warnings';
import { GrantPurpose } from '../model/policy';
import { backendObjectName, backendScope, policyBackends } from './private/backends';
import { PolicyRenderer } from './private/render';
import { DNS_EGRESS_RULE_PROPS } from './private/schemas';

/**
 * Properties of a `DnsEgressRule`.
 */
export interface DnsEgressRuleProps extends EgressPolicyOptions {
  /** The pods that need DNS. */
  readonly source: EgressSource;
  /**
   * The DNS servers to allow, each on UDP and TCP.
   * @default [DnsResolver.kubeDns()], plus the NodeLocal DNSCache declared in the
   * `cdk8s-egress:nodeLocalDnsCache` context
   */
  readonly dns?: DnsResolver[];
}

/**
 * Lets pods reach their DNS resolvers on UDP **and** TCP (TCP carries truncated answers; a
 * UDP-only rule breaks large responses and DNS-over-TCP clients).
 *
 * By default it allows the cluster DNS pods (`k8s-app: kube-dns` in `kube-system`, selected by
 * namespace name and pod labels). On clusters running NodeLocal DNSCache, whose link-local address
 * no pod selector matches, declare it once in the `cdk8s-egress:nodeLocalDnsCache` context (the
 * default then includes it) or add `DnsResolver.nodeLocalDnsCache()`.
 *
 * Emitting this policy egress-isolates the source pods (NetworkPolicies are allow-lists): combine
 * it with the policies that allow the rest of their traffic.
 *
 * @example
 * new DnsEgressRule(chart, 'dns', {
 *   source: EgressSource.namespace('production'),
 *   dns: [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache()],
 * });
 */
export class DnsEgressRule extends Construct {
  /** The pods that get DNS. */
  public readonly source: EgressSource;
  /** The DNS resolvers they may reach. */
  public readonly dns: DnsResolver[];
  /** The backends that render it, in the order given. */
  public readonly backends: IEgressBackend[];
  private readonly renderers: PolicyRenderer[];

  public constructor(scope: Construct, id: string, props: DnsEgressRuleProps) {
    super(constructScope(scope, id, 'DnsEgressRule'), id);
    raise(this, DNS_EGRESS_RULE_PROPS(props, 'DnsEgressRule props'));
    checkContext(this);
    this.backends = policyBackends(this, props.backends, 'DnsEgressRule');
    this.source = props.source;
    this.dns = props.dns ?? defaultDnsResolvers(this);
    raise(this, props.source._problems());
    for (const resolver of this.dns) raise(this, resolver._problems());
    const other = this.backends.find((b) => !(b.semantics.controlsDns !== false));
    if (other) {
      throw EgressError.at(this, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `The ${other.displayName} backend does not control DNS traffic, so a DnsEgressRule cannot be rendered with it. `
        + 'Render DNS rules with the CNI backend that enforces egress (EgressBackend.kubernetes(), .cilium() or .calico())');
    }
    if (this.dns.length === 0) {
      throw EgressError.at(this, EgressErrorCode.EMPTY_POLICY,
        'DnsEgressRule was given no resolvers, which would isolate the source without allowing DNS. Omit dns for kube-dns, or list them');
    }
    if (props.dns !== undefined) checkNodeLocalDnsCache(this, props.dns);
    const rules: EgressRuleConfig[] = this.dns.map((resolver) => {
      const rule = resolver._rule();
      for (const b of this.backends) checkCapabilities(this, b, () => `the DNS resolver ${resolver.description}`, rule.destinations[0], rule.ports);
      const inCluster = inClusterProblem(this, rule.destinations[0]);
      if (inCluster) EgressWarnings.add(this, EgressWarningId.IP_BLOCK_IN_CLUSTER, `DNS resolver: ${inCluster}`);
      return rule;
    });
    refuseCoveredFamily(this, rules.flatMap((r) => r.destinations), `DNS to ${this.dns.map((r) => r.description).join(', ')}`,
      'list the resolver addresses');
    this.renderers = this.backends.map((backend) => new PolicyRenderer(backendScope(this, backend, this.backends), backend, {
      purpose: GrantPurpose.DNS,
      source: () => this.source.toConfig(),
      rules: () => rules,
      name: backendObjectName(props.name, backend, this.backends),
      labels: props.labels,
      annotations: props.annotations,
      providesDns: true,
      needsDns: false,
    }));
  }

  /** The emitted objects, of every backend in the order of `backends`. */
  public get apiObjects(): ApiObject[] {
    return this.renderers.length === 1 ? this.renderers[0].apiObjects : this.renderers.flatMap((r) => r.apiObjects);
  }
}
