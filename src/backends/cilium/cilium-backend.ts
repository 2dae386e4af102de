import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CILIUM_INFO } from './capabilities';
import { CiliumBackendOptions, CiliumDnsFilter } from './options';
import {
  CILIUM_DEFAULT_DENY_AND_PORT_RANGES,
  CILIUM_MULTI_LEVEL_WILDCARD,
  ciliumSpec,
  CiliumSpecJson,
  DNS_VISIBILITY_PATTERN,
  dnsFilterProblems,
  dnsRuleProblems,
  fqdnWithoutDnsProblem,
  hasDnsRule,
  hasHostnames,
  isHostname,
  isIdentityLabel,
  narrowedDnsRules,
  reservedLabelProblems,
} from './translate';
import { CILIUM_VERSIONS } from './versions';
import { CiliumClusterwideNetworkPolicy, CiliumNetworkPolicy } from '../../../imports/cilium.io';
import { DestinationConfig, DestinationKind } from '../../core/destination';
import { EgressError, Problem, raise } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { BackendVersion, Capability, EgressRuleConfig, EnforcementSemantics } from '../../core/policy-config';
import { atLeast, ResolvedVersion, VersionCache } from '../../core/versions';
import { EgressWarningId } from '../../core/warning-ids';
import { EgressWarnings } from '../../core/warnings';
import { plainApiObject } from '../../emit/objects';
import { addKeptValidation } from '../../emit/validation';
import { AppState, StateKey } from '../../util/app-state';
import { EgressBackendBase, IEgressPolicyDefinition } from '../contract';

/** Names of the clusterwide policies of each app (cluster-scoped names must be unique). */
const CLUSTERWIDE_NAMES = StateKey.local<Map<string, string>>('ciliumClusterwideNames');

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
 * - In a policy with hostname destinations, every DNS rule gets `rules.dns` (by default
 *   `[{ matchPattern: '*' }]`, see `dnsFilter`), so the DNS proxy sees the source's lookups and
 *   `toFQDNs` works; hostnames in a policy without DNS rule are refused. A policy without
 *   hostnames allows DNS at L4 only: it needs neither the L7 proxy nor a running agent to resolve.
 * - Version-dependent output follows the declared release (`version`, the
 *   `cdk8s-egress:ciliumVersion` context, default 1.19): `enableDefaultDeny` and port ranges from
 *   1.16, `**.` (`anySubdomainOf()`) from 1.19; what the release lacks is refused, never dropped.
 * - `enableDefaultDeny.egress` is explicit where the release has it, and a policy that allows
 *   nothing still isolates (`egress: [{ toEntities: [none] }]`).
 */
export class CiliumBackend extends EgressBackendBase {
  public readonly id = CILIUM_INFO.id;
  public readonly displayName = 'Cilium';
  public readonly capabilities: Capability[] = [...CILIUM_INFO.capabilities];
  /** Cilium selects pods, nodes and the host by identity, never by CIDR. */
  public readonly semantics: EnforcementSemantics = { cidrMatchesPods: false };

  private readonly clusterwide: boolean;
  private readonly versions: VersionCache;
  private readonly dnsFilter: CiliumDnsFilter;

  public constructor(options: CiliumBackendOptions = {}) {
    super();
    this.clusterwide = options.clusterwide ?? false;
    this.versions = new VersionCache(CILIUM_VERSIONS, options.version);
    this.dnsFilter = options.dnsFilter ?? CiliumDnsFilter.anyName();
  }

  public targetVersion(scope: IConstruct): BackendVersion | undefined {
    const v = this.versions.at(scope);
    return { version: v.version, declaredBy: v.declaredBy };
  }

  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    const m = policy.metadata;
    const clusterwide = this.clusterwide;
    const version = this.versions.at(scope);
    const multiLevel = atLeast(version, CILIUM_MULTI_LEVEL_WILDCARD);
    const ranges = atLeast(version, CILIUM_DEFAULT_DENY_AND_PORT_RANGES);
    if (this.dnsFilter.narrowed) raise(scope, dnsFilterProblems(this.dnsFilter.options, multiLevel, version.version));
    if (clusterwide && m.name) claimClusterwideName(scope, m.name);

    // What the declared release lacks: port ranges before 1.16, `**.` before 1.19.
    const versionProblems = (rule: EgressRuleConfig): Problem[] => {
      const out: Problem[] = [];
      const range = ranges ? undefined : rule.ports.find((p) => p.endPort !== undefined);
      if (range) out.push(portRangeProblem(version, `${range.protocol} ${range.port}-${range.endPort}`));
      const suffix = multiLevel ? undefined : rule.destinations.find((d) => d.kind === DestinationKind.FQDN_SUFFIX);
      if (suffix) out.push(anySubdomainProblem(version, suffix));
      return out;
    };
    // Checks that can be made rule by rule run as rules arrive, so a bad allow() fails at its call.
    // DNS rules are fixed when a policy is built and come first; the checks are repeated at synth
    // (a rule is recorded before the backend sees it, so a caught error must not reach the output).
    let dnsSeen = false;
    let rulesSeen = 0;
    policy.onRule({
      ruleAdded: (rule: EgressRuleConfig) => {
        rulesSeen++;
        raise(scope, dnsRuleProblems(rule));
        if (rule.dns === true) dnsSeen = true;
        raise(scope, versionProblems(rule));
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
      return [...(host ? [fqdnWithoutDnsProblem(host)] : []), ...rules.flatMap(versionProblems)].map(problemText);
    });
    const filter = this.dnsFilter;
    const spec = Lazy.any({
      produce: (): CiliumSpecJson => {
        const config = policy.resolve();
        // The DNS proxy only where the policy has a hostname to learn addresses for; otherwise DNS
        // is allowed at L4, and the policy keeps working while the agent (and its proxy) restarts.
        const proxy = !hasHostnames(config.rules) ? undefined
          : filter.narrowed ? narrowedDnsRules(config.rules, config.source.namespace, filter.options)
            : [{ matchPattern: DNS_VISIBILITY_PATTERN }];
        return ciliumSpec(config.source, config.rules, clusterwide, { enableDefaultDeny: ranges, dnsProxyRules: proxy });
      },
    });
    // The clusterwide kind takes the same spec shape (the generated types differ only in name).
    // Both are emitted as plain ApiObjects with the spec in JSON shape (see private/objects.ts).
    return [plainApiObject(clusterwide ? CiliumClusterwideNetworkPolicy.GVK : CiliumNetworkPolicy.GVK, scope, id, { metadata, spec })];
  }
}

function portRangeProblem(v: ResolvedVersion, range: string): Problem {
  return {
    code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
    message: `Cilium ${v.version} (declared by ${v.declaredBy}) cannot express the port range ${range}: endPort exists from Cilium ${CILIUM_DEFAULT_DENY_AND_PORT_RANGES}, `
      + 'and an older API server refuses or drops the field (dropped, the range would shrink to its first port). List the ports one by one '
      + '(Port.tcp(8000), Port.tcp(8001), ...; more than 40 are split across port rules), or declare the Cilium release the cluster runs if it is 1.16 or later. '
      + 'EgressBackend.kubernetes() is no way out on this cluster: Cilium before 1.16 also ignores endPort in Kubernetes NetworkPolicies (cilium/cilium#28684)',
  };
}

function anySubdomainProblem(v: ResolvedVersion, d: DestinationConfig): Problem {
  const domain = d.hostname!.slice(2);
  return {
    code: EgressErrorCode.UNSUPPORTED_BY_BACKEND,
    message: `Cilium ${v.version} (declared by ${v.declaredBy}) cannot express Destination.anySubdomainOf('${domain}'): the multi-level "**." pattern exists from Cilium ${CILIUM_MULTI_LEVEL_WILDCARD} `
      + `(cilium/cilium#43420), and older releases read "**.${domain}" as one label, which would silently drop deeper names. `
      + `Use Destination.fqdnPattern('*.${domain}') if one label is enough, list the hostnames with Destination.fqdn(), `
      + `or declare the Cilium release the cluster runs if it is ${CILIUM_MULTI_LEVEL_WILDCARD} or later`,
  };
}

function problemText(p: Problem): string {
  return `${p.message} (${p.code})`;
}

function claimClusterwideName(scope: Construct, name: string): void {
  const names = AppState.of(scope).get(CLUSTERWIDE_NAMES, () => new Map<string, string>());
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
