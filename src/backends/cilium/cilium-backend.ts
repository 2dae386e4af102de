import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CiliumBackendOptions } from './options';
import {
  ciliumSpec,
  CiliumSpecJson,
  dnsRuleProblems,
  fqdnWithoutDnsProblem,
  hasDnsRule,
  isHostname,
  isIdentityLabel,
  reservedLabelProblems,
} from './translate';
import { CiliumClusterwideNetworkPolicy, CiliumNetworkPolicy } from '../../../imports/cilium.io';
import { DestinationKind } from '../../core/destination';
import { EgressErrorCode } from '../../core/errors';
import { EgressWarningId } from '../../core/warning-ids';
import { EgressWarnings } from '../../core/warnings';
import { EgressError, Problem, raise } from '../../private/egress-error';
import { plainApiObject } from '../../private/objects';
import { addKeptValidation } from '../../private/validation';
import { Capability, EgressBackend, EgressRuleConfig, IEgressPolicyDefinition } from '../backend';

/** Names of the clusterwide policies of each app (cluster-scoped names must be unique). */
const CLUSTERWIDE_NAMES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Renders egress policy as Cilium `cilium.io/v2` `CiliumNetworkPolicy` (namespaced, in the
 * source namespace) or `CiliumClusterwideNetworkPolicy` (`clusterwide: true`).
 *
 * - Pods and namespaces become `toEndpoints` selectors with an explicit namespace
 *   (`k8s:io.kubernetes.pod.namespace`) or namespace labels
 *   (`k8s:io.cilium.k8s.namespace.labels.<key>`); CIDRs become `toCIDRSet` (with `except`);
 *   hostnames and patterns `toFQDNs` (`matchName` / `matchPattern`); the API server the
 *   `kube-apiserver` entity.
 * - Cilium's agent-side rules hold for every emitted rule: one peer kind per rule (toFQDNs is
 *   never mixed with toEndpoints or toCIDRSet), at most 40 ports per port rule, DNS-proxy rules
 *   only on single UDP/TCP ports.
 * - Every DNS rule gets `rules.dns: [{ matchPattern: '*' }]`, so the DNS proxy sees the
 *   source's lookups and `toFQDNs` works; hostnames in a policy without DNS rule are refused.
 * - `enableDefaultDeny.egress` is always explicit, and a policy that allows nothing still
 *   isolates (`egress: [{ toEntities: [none] }]`).
 */
export class CiliumBackend extends EgressBackend {
  public readonly id = 'cilium';
  public readonly displayName = 'Cilium';
  /** Cilium selects pods, nodes and the host by identity, never by CIDR. */
  public readonly cidrMatchesPods = false;
  public readonly capabilities: Capability[] = [
    Capability.POD_SELECTOR,
    Capability.CIDR,
    Capability.CIDR_EXCEPT,
    Capability.FQDN,
    Capability.FQDN_PATTERN,
    Capability.FQDN_SUFFIX,
    Capability.KUBE_API_SERVER_ENTITY,
    Capability.PORT_RANGE,
    Capability.SCTP,
  ];

  private readonly clusterwide: boolean;

  public constructor(options: CiliumBackendOptions = {}) {
    super();
    this.clusterwide = options.clusterwide ?? false;
  }

  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    const m = policy.metadata;
    const clusterwide = this.clusterwide;
    if (clusterwide && m.name) claimClusterwideName(scope, m.name);

    // Checks that can be made rule by rule run as rules arrive, so a bad allow() fails at its call.
    // DNS rules are fixed when a policy is built and come first; the check is repeated at synth.
    let dnsSeen = false;
    let rulesSeen = 0;
    policy.onRule({
      ruleAdded: (rule: EgressRuleConfig) => {
        rulesSeen++;
        raise(scope, dnsRuleProblems(rule));
        if (rule.dns === true) dnsSeen = true;
        for (const d of rule.destinations) {
          if (isHostname(d) && !dnsSeen && rule.dns !== true) raise(scope, [fqdnWithoutDnsProblem(d)]);
          if (d.kind === DestinationKind.PODS) {
            raise(scope, reservedLabelProblems(d.podLabels, 'the destination pod labels'));
            warnNonIdentityLabels(scope, d.podLabels, 'the destination pod labels');
          }
        }
      },
    });
    const source = policy.resolve().source;
    raise(scope, reservedLabelProblems(source.podLabels, 'the source pod labels'));
    warnNonIdentityLabels(scope, source.podLabels, 'the source pod labels');

    const metadata: ApiObjectMetadata = {
      ...(m.name ? { name: m.name } : {}),
      ...(clusterwide ? {} : { namespace: m.namespace }),
      ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
      ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
    };
    // The whole policy is checked again before synth, whatever order its rules arrived in (the
    // answer is kept until another rule arrives).
    addKeptValidation(scope, () => rulesSeen, () => {
      const rules = policy.resolve().rules;
      const host = hasDnsRule(rules) ? undefined : rules.flatMap((r) => r.destinations).find(isHostname);
      return host ? [problemText(fqdnWithoutDnsProblem(host))] : [];
    });
    const spec = Lazy.any({
      produce: (): CiliumSpecJson => {
        const config = policy.resolve();
        return ciliumSpec(config.source, config.rules, clusterwide);
      },
    });
    // The clusterwide kind takes the same spec shape (the generated types differ only in name).
    // Both are emitted as plain ApiObjects with the spec in JSON shape (see private/objects.ts).
    return [plainApiObject(clusterwide ? CiliumClusterwideNetworkPolicy.GVK : CiliumNetworkPolicy.GVK, scope, id, { metadata, spec })];
  }
}

function problemText(p: Problem): string {
  return `${p.message} (${p.code})`;
}

function claimClusterwideName(scope: Construct, name: string): void {
  const root = scope.node.root;
  let names = CLUSTERWIDE_NAMES.get(root);
  if (!names) {
    names = new Map();
    CLUSTERWIDE_NAMES.set(root, names);
  }
  const previous = names.get(name);
  if (previous !== undefined) {
    throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
      `A CiliumClusterwideNetworkPolicy named "${name}" is already defined by ${previous}: clusterwide policies are cluster-scoped, so their names must be unique across namespaces `
      + '(the second object would replace the first when applied). Give this policy another name, or use a namespaced CiliumNetworkPolicy (clusterwide: false)');
  }
  names.set(name, scope.node.path);
}

function warnNonIdentityLabels(scope: Construct, labels: Record<string, string> | undefined, where: string): void {
  for (const key of Object.keys(labels ?? {})) {
    if (isIdentityLabel(key)) continue;
    EgressWarnings.add(scope, EgressWarningId.CILIUM_LABEL_NOT_IN_IDENTITY,
      `Label key "${key}" in ${where} is left out of Cilium security identities by Cilium's default label filter, so a selector on it matches no pod and the traffic is dropped. `
      + `Select the pods by a label that is part of their identity (such as app.kubernetes.io/name), or, if your Cilium keeps this label (agent option --labels), acknowledge ${EgressWarningId.CILIUM_LABEL_NOT_IN_IDENTITY}`);
  }
}
