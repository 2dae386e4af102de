import { createHash } from 'crypto';
import { ApiObject, Lazy, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CALICO_ENTERPRISE_INFO, CALICO_INFO } from './capabilities';
import { CalicoBackendOptions, CalicoEdition } from './options';
import { CALICO_VERSIONS } from './versions';
import {
  NetworkPolicy as CalicoNetworkPolicy,
  NetworkPolicySpec as CalicoNetworkPolicySpec,
  NetworkPolicySpecEgress as CalicoEgressRule,
  NetworkPolicySpecEgressAction as CalicoAction,
  NetworkPolicySpecEgressDestination as CalicoDestination,
  NetworkPolicySpecTypes as CalicoPolicyType,
  NetworkSet as CalicoNetworkSet,
} from '../../../imports/projectcalico.org';
import { DestinationConfig, DestinationKind } from '../../core/destination';
import { EgressError } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { BackendVersion, Capability, EgressPolicyConfig, EgressRuleConfig } from '../../core/policy-config';
import { PortConfig, Protocol } from '../../core/port';
import { SourceConfig } from '../../core/source';
import { atLeast, VersionCache } from '../../core/versions';
import { EgressWarningId } from '../../core/warning-ids';
import { EgressWarnings } from '../../core/warnings';
import { minimizeDestinations } from '../../emit/minimize';
import { plainApiObject } from '../../emit/objects';
import { isCidr, parseCidr } from '../../util/cidr';
import { EgressBackendBase, IEgressPolicyDefinition } from '../contract';

/**
 * Tiers in Calico Open Source exist from 3.29: the 3.28 NetworkPolicy reference has no `tier` field
 * (docs.tigera.io/calico/3.28/reference/resources/networkpolicy) and the "Policy tiers" guide first
 * appears in the 3.29 documentation (docs.tigera.io/calico/3.29/network-policy/policy-tiers/tiered-policy).
 */
export const CALICO_OSS_TIERS = '3.29';

/**
 * A rule destination in its JSON shape: ports are numbers or `"from:to"` strings (the generated
 * binding wraps them in a class), and `domains` (Calico Enterprise and Cloud) is not in the
 * open-source schema the bindings come from.
 */
type CalicoDestinationJson = Omit<CalicoDestination, 'ports'> & { readonly ports?: Array<number | string>; readonly domains?: string[] };

/** An egress rule in its JSON shape (the protocol is a plain name; the binding wraps it in a class). */
type CalicoEgressRuleJson = Omit<CalicoEgressRule, 'destination' | 'protocol'> & { readonly protocol?: string; readonly destination: CalicoDestinationJson };

/** A Calico NetworkPolicy spec in its JSON shape. */
type CalicoSpecJson = Omit<CalicoNetworkPolicySpec, 'egress'> & { readonly egress: CalicoEgressRuleJson[] };

/** Calico puts this label, with value `k8s`, on every Kubernetes pod (workload endpoint). */
const ORCHESTRATOR_LABEL = 'projectcalico.org/orchestrator';
/** Calico puts this label on every namespace, with the namespace's name as value. */
const CALICO_NAMESPACE_NAME_LABEL = 'projectcalico.org/name';
/** Label on the NetworkSets this backend emits; the value is the NetworkSet's name. */
const NETWORK_SET_LABEL = 'cdk8s-egress.dev/network-set';
const DEFAULT_NETWORK_SET_THRESHOLD = 10;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;


/**
 * Renders egress policy as Calico `projectcalico.org/v3` objects: one namespaced `NetworkPolicy`
 * in the source namespace (`types: [Egress]`, `Allow` rules only), plus a namespaced
 * `NetworkSet` for every group of more than `networkSetThreshold` address blocks.
 *
 * - Pod destinations select pods with `projectcalico.org/orchestrator == 'k8s' && <labels>`
 *   (exactly as Calico converts a Kubernetes NetworkPolicy, so a NetworkSet that happens to carry
 *   the same labels is not matched) and namespaces by `projectcalico.org/name` or their labels.
 * - Address blocks go to `nets` (one rule per IP family, as Calico requires); `except` becomes
 *   `notNets` of the same rule.
 * - A rule with ports needs a protocol in Calico, so there is one rule per protocol; `"a:b"`
 *   strings are port ranges. A destination allowed on every port gets one rule without protocol.
 * - Exact hostnames (Calico Enterprise/Cloud only) go to `destination.domains`, and so does
 *   `Destination.anySubdomainOf()` as a `*.` domain (Calico's wildcard matches one or more labels,
 *   so the one-label `Destination.fqdnPattern()` is refused).
 *
 * Every rule carries a destination selector, `nets` or `domains`: a Calico `Allow` rule without
 * a destination would allow everything, and is never emitted. Objects are the policy first,
 * then the NetworkSets in the order they become needed (the array grows while rules are added).
 */
export class CalicoBackend extends EgressBackendBase {
  public readonly id: string;
  public readonly displayName: string;
  public readonly capabilities: Capability[];
  private readonly edition: CalicoEdition;
  private readonly order?: number;
  private readonly tier?: string;
  private readonly networkSetThreshold: number;
  private readonly versions: VersionCache;

  public constructor(options: CalicoBackendOptions = {}) {
    super();
    this.versions = new VersionCache(CALICO_VERSIONS, options.version);
    this.edition = options.edition ?? CalicoEdition.OPEN_SOURCE;
    this.order = options.order;
    this.tier = options.tier;
    this.networkSetThreshold = options.networkSetThreshold ?? DEFAULT_NETWORK_SET_THRESHOLD;
    const enterprise = this.edition === CalicoEdition.ENTERPRISE;
    const info = enterprise ? CALICO_ENTERPRISE_INFO : CALICO_INFO;
    this.id = info.id;
    this.displayName = enterprise ? 'Calico Enterprise' : 'Calico (open source)';
    this.capabilities = [...info.capabilities];
  }

  /** The Calico Open Source release; undefined for Calico Enterprise and Cloud (see the `version` option). */
  public targetVersion(scope: IConstruct): BackendVersion | undefined {
    if (this.edition === CalicoEdition.ENTERPRISE) return undefined;
    const v = this.versions.at(scope);
    return { version: v.version, declaredBy: v.declaredBy };
  }

  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    this.checkOptions(scope);
    const m = policy.metadata;
    const baseName = this.baseName(scope, m.name);
    const tiered = this.tier !== undefined && this.tier !== 'default';
    const name = tiered ? `${this.tier}.${baseName ?? Names.toDnsLabel(scope, { extra: [id] })}` : baseName;
    const metadata = {
      ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
      ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
    };
    const networkSets = new Map<string, string>();
    const objects: ApiObject[] = [];
    objects.push(plainApiObject(CalicoNetworkPolicy.GVK, scope, id, {
      metadata: { ...(name ? { name } : {}), namespace: m.namespace, ...metadata },
      spec: Lazy.any({ produce: () => this.renderSpec(policy.resolve(), networkSets) }),
    }));
    if (tiered) {
      EgressWarnings.add(scope, EgressWarningId.CALICO_TIER_NOT_ADDITIVE,
        `The Calico policy is in tier "${this.tier}", whose defaultAction (Deny unless the Tier says Pass) applies to every connection of the `
        + 'selected pods that the tier does not allow: egress allowed by policies in other tiers (or by Kubernetes NetworkPolicies) is denied for them. '
        + 'Keep every egress policy of these pods in this tier, or set defaultAction: Pass on the Tier');
    }

    // NetworkSets depend on how many blocks share ports, which grows with every allow().
    const rules: EgressRuleConfig[] = [];
    policy.onRule({
      ruleAdded: (rule) => {
        rules.push(rule);
        for (const group of groupByPorts(rules)) {
          if (networkSets.has(group.key) || plainCidrs(group.destinations).length <= this.networkSetThreshold) continue;
          const setName = this.networkSetName(scope, baseName, group.key);
          networkSets.set(group.key, setName);
          objects.push(plainApiObject(CalicoNetworkSet.GVK, scope, `${id}NetworkSet${networkSets.size}`, {
            metadata: { name: setName, namespace: m.namespace, ...metadata, labels: { ...(m.labels ?? {}), [NETWORK_SET_LABEL]: setName } },
            spec: Lazy.any({ produce: () => ({ nets: this.networkSetNets(policy.resolve(), group.key) }) }),
          }));
        }
      },
    });
    return objects;
  }

  private checkOptions(scope: Construct): void {
    if (!Object.values(CalicoEdition).includes(this.edition)) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `Invalid Calico edition "${String(this.edition)}": use CalicoEdition.OPEN_SOURCE or CalicoEdition.ENTERPRISE`);
    }
    if (this.order !== undefined && !Number.isFinite(this.order)) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `Invalid Calico policy order ${this.order}: it must be a finite number (lower is evaluated first; Kubernetes NetworkPolicies sit at 1000), or left out to be evaluated last`);
    }
    if (this.tier !== undefined && (this.tier.length > 63 || !DNS_LABEL.test(this.tier))) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
        `Invalid Calico tier "${this.tier}": a tier name is a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters, no '.'), the name of an existing Tier object`);
    }
    if (this.tier !== undefined && this.edition === CalicoEdition.OPEN_SOURCE) {
      const v = this.versions.at(scope);
      if (!atLeast(v, CALICO_OSS_TIERS)) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `EgressBackend.calico() was given tier "${this.tier}", but Calico Open Source ${v.version} (declared by ${v.declaredBy}) has no tiers: they arrived in ${CALICO_OSS_TIERS}, `
          + 'and an older API server refuses the spec.tier field. Leave tier out (the policies then add up with Kubernetes NetworkPolicies in the default tier), '
          + `or declare the Calico release the cluster runs if it is ${CALICO_OSS_TIERS} or later`);
      }
    }
    if (!Number.isInteger(this.networkSetThreshold) || this.networkSetThreshold < 0) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `Invalid networkSetThreshold ${this.networkSetThreshold}: it must be a whole number of address blocks, 0 or more (0 puts every list of blocks in a NetworkSet)`);
    }
  }

  /** The user's name without tier prefix, checked against Calico's policy-name rules. */
  private baseName(scope: Construct, name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    let base = name;
    if (this.tier !== undefined && name.startsWith(`${this.tier}.`)) base = name.slice(this.tier.length + 1);
    if (base.includes('.')) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
        `Invalid Calico policy name "${name}": Calico reads a '.' in a policy name as the "<tier>.<name>" separator, so names cannot contain one `
        + `(set the tier with the tier option). Did you mean "${base.replace(/\./g, '-')}"?`);
    }
    if (this.tier !== undefined && this.tier.length + 1 + base.length > 253) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
        `Invalid Calico policy name "${name}": with the "${this.tier}." tier prefix it is longer than 253 characters. Use a shorter name`);
    }
    return base;
  }

  /** `<policy>-cidrs-<hash of the ports>` when it fits a label value, else a path-derived name. */
  private networkSetName(scope: Construct, baseName: string | undefined, groupKey: string): string {
    const suffix = `cidrs-${createHash('sha256').update(groupKey).digest('hex').slice(0, 8)}`;
    const preferred = baseName ? `${baseName}-${suffix}` : undefined;
    return preferred && preferred.length <= 63 ? preferred : Names.toDnsLabel(scope, { extra: [suffix] });
  }

  private networkSetNets(config: EgressPolicyConfig, groupKey: string): string[] {
    const group = groupByPorts(config.rules).find((g) => g.key === groupKey);
    return group ? plainCidrs(group.destinations) : [];
  }

  private renderSpec(config: EgressPolicyConfig, networkSets: ReadonlyMap<string, string>): CalicoSpecJson {
    const drafts: RuleDraft[] = [];
    for (const group of groupByPorts(config.rules)) {
      const setName = networkSets.get(group.key);
      if (setName === undefined && plainCidrs(group.destinations).length > this.networkSetThreshold) {
        throw new Error(`Calico backend: no NetworkSet was created for ${group.key} (rules must reach the backend through onRule)`);
      }
      const protocols = protocolMatches(group.ports);
      for (const target of targets(group.destinations, setName)) {
        for (const p of protocols) drafts.push({ target, ...p });
      }
    }
    const spec: CalicoSpecJson = {
      selector: sourceSelector(config.source),
      types: [CalicoPolicyType.EGRESS],
      egress: drafts.map(toCalicoRule),
      ...(this.order !== undefined ? { order: this.order } : {}),
      ...(this.tier !== undefined ? { tier: this.tier } : {}),
    };
    for (const rule of spec.egress) {
      const dest = rule.destination;
      if (!dest.selector && !dest.nets?.length && !dest.domains?.length) {
        throw new Error(`Calico backend: refusing to emit an Allow rule without destination (it would allow all egress): ${JSON.stringify(rule)}`);
      }
    }
    return spec;
  }
}

/** Where one Calico rule goes (the `destination` fields other than ports). */
interface Target {
  readonly selector?: string;
  readonly namespaceSelector?: string;
  readonly nets?: string[];
  readonly notNets?: string[];
  readonly domains?: string[];
}

/** The protocol part of a Calico rule: none (every protocol), or one protocol with optional ports. */
interface ProtocolMatch {
  readonly protocol?: Protocol;
  readonly ports?: Array<number | string>;
}

interface RuleDraft extends ProtocolMatch {
  readonly target: Target;
}

interface PortGroup {
  readonly key: string;
  readonly ports: PortConfig[];
  readonly destinations: DestinationConfig[];
}

/** Rules with the same L4 ports, merged (first-seen order), destinations de-duplicated and minimized. */
function groupByPorts(rules: readonly EgressRuleConfig[]): PortGroup[] {
  const groups = new Map<string, { ports: PortConfig[]; destinations: DestinationConfig[] }>();
  for (const rule of rules) {
    const key = rule.ports.map((p) => `${p.protocol}/${p.port ?? '*'}-${p.endPort ?? ''}`).join(',') || '*';
    let g = groups.get(key);
    if (!g) {
      g = { ports: [...rule.ports], destinations: [] };
      groups.set(key, g);
    }
    g.destinations.push(...rule.destinations);
  }
  return [...groups.entries()].map(([key, g]) => ({ key, ports: g.ports, destinations: minimizeDestinations(g.destinations) }));
}

/** Blocks without exceptions (including API server endpoints), in first-seen order, de-duplicated. */
function plainCidrs(destinations: readonly DestinationConfig[]): string[] {
  const out: string[] = [];
  for (const d of destinations) {
    if (d.kind === DestinationKind.CIDR && !(d.except && d.except.length)) out.push(d.cidr!);
    if (d.kind === DestinationKind.KUBE_API_SERVER) out.push(...(d.apiServerCidrs ?? []));
  }
  return [...new Set(out)];
}

function familyOf(cidr: string): number {
  const c = parseCidr(cidr);
  return isCidr(c) ? c.family : (cidr.includes(':') ? 6 : 4);
}

function selectorOf(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k} == '${labels[k]}'`).join(' && ');
}

function sourceSelector(source: SourceConfig): string {
  return source.podLabels && Object.keys(source.podLabels).length ? selectorOf(source.podLabels) : 'all()';
}

/** The destinations of one port group as Calico rule targets, in first-seen order. */
function targets(destinations: readonly DestinationConfig[], networkSet: string | undefined): Target[] {
  const out: Target[] = [];
  const nets = new Map<number, string[]>();
  let domains: string[] | undefined;
  let setPlaced = false;
  for (const d of destinations) {
    switch (d.kind) {
      case DestinationKind.PODS: {
        const pods = `${ORCHESTRATOR_LABEL} == 'k8s'${d.podLabels && Object.keys(d.podLabels).length ? ` && ${selectorOf(d.podLabels)}` : ''}`;
        const namespaceSelector = d.namespace !== undefined ? `${CALICO_NAMESPACE_NAME_LABEL} == '${d.namespace}'`
          : d.namespaceLabels ? selectorOf(d.namespaceLabels) : undefined;
        out.push({ selector: pods, ...(namespaceSelector ? { namespaceSelector } : {}) });
        break;
      }
      case DestinationKind.CIDR:
      case DestinationKind.KUBE_API_SERVER: {
        if (d.kind === DestinationKind.CIDR && d.except && d.except.length) {
          out.push({ nets: [d.cidr!], notNets: [...d.except] });
          break;
        }
        const blocks = d.kind === DestinationKind.CIDR ? [d.cidr!] : (d.apiServerCidrs ?? []);
        if (blocks.length === 0) throw new Error('Calico backend: the API server needs endpoint addresses (capability checks should have refused it)');
        if (networkSet !== undefined) {
          if (!setPlaced) out.push({ selector: `${NETWORK_SET_LABEL} == '${networkSet}' && !has(${ORCHESTRATOR_LABEL})` });
          setPlaced = true;
          break;
        }
        for (const block of blocks) {
          const family = familyOf(block);
          let list = nets.get(family);
          if (!list) {
            // Calico refuses a rule that mixes IPv4 and IPv6 blocks: one rule per family.
            list = [];
            nets.set(family, list);
            out.push({ nets: list });
          }
          if (!list.includes(block)) list.push(block);
        }
        break;
      }
      case DestinationKind.FQDN:
      case DestinationKind.FQDN_SUFFIX:
        if (!domains) {
          domains = [];
          out.push({ domains });
        }
        if (!domains.includes(d.hostname!)) domains.push(d.hostname!);
        break;
      default:
        // Capability checks in the constructs keep patterns and entity destinations away.
        throw new Error(`Calico backend cannot express destination kind ${d.kind}`);
    }
  }
  return out;
}

/** Calico needs a protocol on every rule with ports: one match per protocol, in first-seen order. */
function protocolMatches(ports: readonly PortConfig[]): ProtocolMatch[] {
  if (ports.length === 0) return [{}];
  const byProtocol = new Map<Protocol, Array<number | string> | undefined>();
  for (const p of ports) {
    const prev = byProtocol.has(p.protocol) ? byProtocol.get(p.protocol) : [];
    if (prev === undefined || p.port === undefined) {
      byProtocol.set(p.protocol, undefined); // every port of the protocol
      continue;
    }
    const value = p.endPort !== undefined && p.endPort !== p.port ? `${p.port}:${p.endPort}` : p.port;
    byProtocol.set(p.protocol, prev.includes(value) ? prev : [...prev, value]);
  }
  return [...byProtocol.entries()].map(([protocol, list]) => ({ protocol, ...(list ? { ports: list } : {}) }));
}

function toCalicoRule(d: RuleDraft): CalicoEgressRuleJson {
  const t = d.target;
  const destination: CalicoDestinationJson = {
    ...(t.selector !== undefined ? { selector: t.selector } : {}),
    ...(t.namespaceSelector !== undefined ? { namespaceSelector: t.namespaceSelector } : {}),
    ...(t.nets ? { nets: [...t.nets] } : {}),
    ...(t.notNets ? { notNets: [...t.notNets] } : {}),
    ...(d.ports ? { ports: [...d.ports] } : {}),
    ...(t.domains ? { domains: [...t.domains] } : {}),
  };
  return {
    action: CalicoAction.ALLOW,
    ...(d.protocol ? { protocol: d.protocol } : {}),
    destination,
  };
}
