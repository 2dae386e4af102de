import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DnsEgressRule } from './dns-egress-rule';
import { EgressPolicyOptions } from './egress-policy';
import { IEgressBackend } from '../backends/contract';
import { checkContext } from '../core/context';
import { defaultDnsResolvers } from '../core/dns-defaults';
import { DnsResolver } from '../core/dns-resolver';
import { EgressError, raise } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { constructScope } from '../core/inputs';
import { EgressSource } from '../core/source';
import { GrantPurpose } from '../model/policy';
import { backendObjectName, backendScope, policyBackends } from './private/backends';
import { PolicyRenderer } from './private/render';
import { DEFAULT_DENY_EGRESS_PROPS } from './private/schemas';

/**
 * Properties of a `DefaultDenyEgress`.
 */
export interface DefaultDenyEgressProps extends EgressPolicyOptions {
  /**
   * The pods to isolate: a whole namespace (`EgressSource.namespace()`) or a workload.
   */
  readonly source: EgressSource;
  /**
   * DNS servers the isolated pods keep reaching (emitted as a separate `DnsEgressRule`, child id
   * `Dns`). An empty list isolates without DNS; the app must then give the pods DNS elsewhere, or
   * synth fails.
   * @default [DnsResolver.kubeDns()], plus the NodeLocal DNSCache declared in the
   * `cdk8s-egress:nodeLocalDnsCache` context
   */
  readonly dns?: DnsResolver[];
}

/**
 * A default-deny egress baseline: the selected pods may not open any connection that another
 * policy does not allow. Always emitted with an explicit `policyTypes: [Egress]` (without it the
 * API server would infer no Egress type for a policy with no egress rules, and nothing would be
 * isolated). DNS stays open by default, so the namespace keeps resolving names.
 *
 * @example
 * new DefaultDenyEgress(chart, 'baseline', { source: EgressSource.namespace('production') });
 */
export class DefaultDenyEgress extends Construct {
  /** The isolated pods. */
  public readonly source: EgressSource;
  /** The backends that render it, in the order given. */
  public readonly backends: IEgressBackend[];
  /**
   * The DNS rule kept open for the pods.
   * @default - none when `dns` is empty or no backend controls DNS (Istio)
   */
  public readonly dnsRule?: DnsEgressRule;

  private readonly renderers: PolicyRenderer[];

  public constructor(scope: Construct, id: string, props: DefaultDenyEgressProps) {
    super(constructScope(scope, id, 'DefaultDenyEgress'), id);
    raise(this, DEFAULT_DENY_EGRESS_PROPS(props, 'DefaultDenyEgress props'));
    checkContext(this);
    this.backends = policyBackends(this, props.backends, 'DefaultDenyEgress');
    this.source = props.source;
    raise(this, props.source._problems());
    for (const resolver of props.dns ?? []) raise(this, resolver._problems());
    // A backend that does not control DNS (Istio) neither blocks nor keeps DNS: no DNS rule for it.
    const dnsBackends = this.backends.filter((b) => (b.semantics.controlsDns !== false));
    if (dnsBackends.length === 0 && props.dns !== undefined && props.dns.length > 0) {
      const names = this.backends.map((b) => b.displayName).join(' and ');
      throw EgressError.at(this, EgressErrorCode.CONFLICTING_OPTIONS,
        `DefaultDenyEgress was given dns resolvers, but the ${names} backend${this.backends.length > 1 ? 's do' : ' does'} not control DNS traffic, so they would be ignored. `
        + 'Drop dns, or keep DNS open with a DnsEgressRule rendered by the network plugin\'s backend');
    }
    // An explicit list is checked against a declared NodeLocal DNSCache by the DnsEgressRule below.
    const dns = dnsBackends.length > 0 ? props.dns ?? defaultDnsResolvers(this) : [];
    this.renderers = this.backends.map((backend) => new PolicyRenderer(backendScope(this, backend, this.backends), backend, {
      purpose: GrantPurpose.DENY,
      source: () => this.source.toConfig(),
      rules: () => [],
      name: backendObjectName(props.name, backend, this.backends),
      labels: props.labels,
      annotations: props.annotations,
      providesDns: false,
      needsDns: dns.length === 0 && (backend.semantics.controlsDns !== false),
    }));
    if (dns.length > 0) {
      this.dnsRule = new DnsEgressRule(this, 'Dns', {
        source: props.source,
        dns,
        backends: dnsBackends,
        ...(props.name ? { name: `${props.name}-dns` } : {}),
        labels: props.labels,
        annotations: props.annotations,
      });
    }
  }

  /** The deny policy objects, of every backend in the order of `backends` (the DNS rule's are on `dnsRule`). */
  public get apiObjects(): ApiObject[] {
    return this.renderers.length === 1 ? this.renderers[0].apiObjects : this.renderers.flatMap((r) => r.apiObjects);
  }
}
