import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ISTIO_INFO } from './capabilities';
import { MeshRegistry } from './mesh-registry';
import { IstioBackendOptions, IstioWildcardResolution } from './options';
import {
  ServiceEntry,
  ServiceEntrySpec,
  ServiceEntrySpecLocation,
  ServiceEntrySpecPorts,
  ServiceEntrySpecResolution,
} from '../../../imports/networking.istio.io';
import { ISTIO_VERSION_CONTEXT } from '../../core/context';
import { describeDestinationTarget } from '../../core/describe';
import { DestinationConfig, DestinationKind } from '../../core/destination-config';
import { EgressError } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { namespaceProblems } from '../../core/names';
import { BackendVersion, Capability, EgressRuleConfig, EnforcementLayer, EnforcementSemantics } from '../../core/policy-config';
import { AppProtocol, PortConfig, Protocol } from '../../core/port-config';
import { atLeast, VersionCache, VersionedProduct } from '../../core/versions';
import { EgressWarningId } from '../../core/warning-ids';
import { EgressWarnings } from '../../core/warnings';
import { plainApiObject } from '../../emit/objects';
import { shortHash, slug } from '../../util/naming';
import { compareStrings } from '../../util/order';
import { EgressBackendBase, IEgressPolicyDefinition } from '../contract';

/** Context key: the Istio release of the whole app (`"1.29"`), for backends without `version`. */
export { ISTIO_VERSION_CONTEXT };

/**
 * The Istio releases the backend accepts. The default is the release of the pinned CRDs
 * (imports/SOURCES.json: istio 1.30.3). The oldest is 1.22, which introduced the `v1` API versions
 * every emitted object uses (istio.io/latest/blog/2024/v1-apis/).
 */
export const ISTIO_VERSIONS: VersionedProduct = {
  product: 'Istio',
  option: 'EgressBackend.istio({ version })',
  contextKey: ISTIO_VERSION_CONTEXT,
  defaultVersion: '1.30',
  defaultReason: 'the release of the pinned Istio 1.30.3 CRDs',
  oldest: '1.22',
  oldestReason: 'the emitted ServiceEntry and Sidecar use networking.istio.io/v1, introduced in Istio 1.22',
  example: '1.29',
};

/**
 * `resolution: DYNAMIC_DNS` on sidecars exists from Istio 1.30: the 1.30.0 change notes
 * (istio.io/latest/news/releases/1.30.x/announcing-1.30/change-notes/) add "DYNAMIC_DNS wildcard
 * ServiceEntry support for sidecar proxies" (istio/istio#58688, issue #58244, which states 1.28
 * had it for ambient mode only; the 1.29 notes add it for TLS on ambient behind
 * ENABLE_WILDCARD_HOST_SERVICE_ENTRIES_FOR_TLS). Egress gateways do not have it (istio/istio#61831;
 * not in the istio master source of 2026-08-27 either), so the gateway never uses it.
 */
export const ISTIO_SIDECAR_DYNAMIC_DNS = '1.30';

/** The Istio port protocol for an application protocol. */
export function istioProtocol(app: AppProtocol | undefined): string {
  switch (app) {
    case AppProtocol.HTTPS: return 'HTTPS';
    case AppProtocol.TLS: return 'TLS';
    case AppProtocol.HTTP: return 'HTTP';
    case AppProtocol.HTTP2: return 'HTTP2';
    case AppProtocol.GRPC: return 'GRPC';
    default: return 'TCP';
  }
}

type Group = 'hosts' | 'patterns' | 'addresses';

interface Entry {
  readonly group: Group;
  /** Hostname, pattern, or CIDR. */
  readonly value: string;
  /** port number -> Istio protocol. */
  readonly ports: Map<number, string>;
}

const SIDECAR_HOST = /^(\*|\.|~|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

/**
 * Renders egress policy as Istio configuration: a `ServiceEntry` (`networking.istio.io/v1`,
 * `location: MESH_EXTERNAL`) for every external destination, in the source namespace, plus one
 * `Sidecar` per namespace with `outboundTrafficPolicy: REGISTRY_ONLY`, so the sidecar blocks
 * hosts that no ServiceEntry declares.
 *
 * - Exact hostnames get `resolution: DNS`; `Destination.anySubdomainOf()` becomes a `*.` host with
 *   `resolution: NONE` (or `DYNAMIC_DNS`, see `wildcardResolution`); CIDRs `addresses` with
 *   `resolution: NONE` and TCP ports (matched at L4).
 * - `Destination.fqdnPattern()` (exactly one label) is refused: Istio and Envoy match a `*.` host
 *   as a suffix, at any depth, which would be wider than the pattern.
 * - Destinations of one policy that share resolution and ports are grouped into one
 *   ServiceEntry, named `<name>-<hosts|patterns|addresses>-<ports>`.
 * - Port protocols come from `Port.https()`, `Port.tls()`, `Port.http()`, `Port.grpc()`; a plain
 *   `Port.tcp()` is opaque TCP, which Istio matches by port only.
 * - DNS rules are ignored: sidecars do not intercept DNS.
 *
 * Pods, UDP/SCTP, port ranges and "every port" cannot be expressed and are refused.
 * REGISTRY_ONLY is enforced by the sidecar only: see docs/istio.md for what it does not cover.
 */
export class IstioBackend extends EgressBackendBase {
  public readonly id = ISTIO_INFO.id;
  public readonly displayName = 'Istio';
  public readonly capabilities: Capability[] = [...ISTIO_INFO.capabilities];
  /**
   * Enforced by the sidecar, which intercepts TCP only and not DNS (DNS stays with the CNI's
   * NetworkPolicy); the Sidecar and the ServiceEntries apply to the whole namespace; without
   * REGISTRY_ONLY the ServiceEntries block nothing.
   */
  public readonly semantics: EnforcementSemantics;

  private readonly registryOnly: boolean;
  private readonly exportTo: string[];
  private readonly sidecarEgressHosts: string[];
  private readonly wildcardResolution: IstioWildcardResolution;
  private readonly versions: VersionCache;

  public constructor(options: IstioBackendOptions = {}) {
    super();
    this.registryOnly = options.registryOnly ?? true;
    this.semantics = {
      layer: EnforcementLayer.MESH,
      controlsDns: false,
      wholeNamespace: true,
      protocols: [Protocol.TCP],
      isolates: this.registryOnly,
    };
    this.exportTo = options.exportTo ?? ['.'];
    this.sidecarEgressHosts = options.sidecarEgressHosts ?? [];
    this.wildcardResolution = options.wildcardResolution ?? IstioWildcardResolution.NONE;
    this.versions = new VersionCache(ISTIO_VERSIONS, options.version);
  }

  public targetVersion(scope: IConstruct): BackendVersion | undefined {
    const v = this.versions.at(scope);
    return { version: v.version, declaredBy: v.declaredBy };
  }

  public meshVisibleNamespaces(scope: IConstruct, namespace: string): string[] {
    return MeshRegistry.of(scope).visibleNamespaces(namespace);
  }

  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    const ns = policy.metadata.namespace;
    this.validateOptions(scope);
    const registry = MeshRegistry.of(scope);
    if (this.registryOnly) {
      registry.ensureSidecar(scope, ns, this.sidecarEgressHosts);
    }
    this.warn(scope, policy);

    const entries = new Map<string, Entry>();
    const objects = new Map<string, ServiceEntry>();
    // A live list: the caller keeps this array, and regrouping updates it in place.
    const live: ApiObject[] = [];
    const render = new PolicyServiceEntries(scope, id, policy, entries, objects, live, this.exportTo, this.wildcardResolution);
    const warned = new Set<string>();
    policy.onRule({
      ruleAdded: (rule: EgressRuleConfig) => {
        if (rule.dns) return; // Istio leaves DNS to the CNI.
        this.addRule(scope, ns, rule, entries, registry, warned);
        render.sync();
      },
    });
    return live;
  }

  private validateOptions(scope: Construct): void {
    const version = this.versions.at(scope);
    if (this.wildcardResolution === IstioWildcardResolution.DYNAMIC_DNS && !atLeast(version, ISTIO_SIDECAR_DYNAMIC_DNS)) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `EgressBackend.istio() was given wildcardResolution DYNAMIC_DNS, but Istio ${version.version} (declared by ${version.declaredBy}) has DYNAMIC_DNS on sidecars only from ${ISTIO_SIDECAR_DYNAMIC_DNS} `
        + '(istio/istio#58688; earlier releases support it for ambient waypoints only), so the sidecars would have no route for the pattern. '
        + 'Use IstioWildcardResolution.NONE (the default: the sidecar matches the SNI and forwards to the address the application connected to), '
        + `list the hosts with Destination.fqdn() (resolution DNS), or declare the Istio release the mesh runs if it is ${ISTIO_SIDECAR_DYNAMIC_DNS} or later`);
    }
    if (this.exportTo.length === 0) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        'EgressBackend.istio() was given exportTo: [], which Istio reads as "export to every namespace". Use [\'.\'] (the default) to keep the ServiceEntries in the source namespace, or list the namespaces');
    }
    for (const e of this.exportTo) {
      if (e !== '.' && e !== '*' && namespaceProblems(e).length > 0) {
        throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
          `Invalid exportTo entry "${e}" in EgressBackend.istio(): use ".", "*" or a namespace name`);
      }
    }
    for (const h of this.sidecarEgressHosts) {
      if (!SIDECAR_HOST.test(h)) {
        throw EgressError.at(scope, EgressErrorCode.INVALID_NAME,
          `Invalid sidecarEgressHosts entry "${h}" in EgressBackend.istio(): use Istio's "namespace/dnsName" form, e.g. "payments/*" or "./api.example.com"`);
      }
    }
  }

  private warn(scope: Construct, policy: IEgressPolicyDefinition): void {
    const ns = policy.metadata.namespace;
    if (this.registryOnly) {
      EgressWarnings.add(scope, EgressWarningId.ISTIO_REGISTRY_ONLY_BYPASSABLE,
        `REGISTRY_ONLY in namespace "${ns}" is enforced by the Envoy sidecar only: pods without a sidecar, pods that bypass it `
        + '(excludeOutboundIPRanges/Ports annotations, UID 1337, hostNetwork, traffic before the proxy is ready) and non-TCP traffic are not restricted. '
        + 'Pair it with a NetworkPolicy that limits the same pods (EgressPolicy with EgressBackend.kubernetes() or .cilium()), or route through an EgressGateway, which emits that NetworkPolicy');
      EgressWarnings.add(scope, EgressWarningId.ISTIO_AMBIENT_REGISTRY_ONLY,
        `In ambient mode (no sidecars) ztunnel ignores the Sidecar resource and outboundTrafficPolicy (istio/istio#54281), so namespace "${ns}" would not be restricted at all. `
        + 'Use this backend only for namespaces with sidecar injection; for ambient namespaces enforce egress with NetworkPolicy or a waypoint');
    } else {
      EgressWarnings.add(scope, EgressWarningId.ISTIO_REGISTRY_ONLY_DISABLED,
        `registryOnly is false: no REGISTRY_ONLY Sidecar is emitted for namespace "${ns}". Under Istio's default ALLOW_ANY the ServiceEntries declare hosts but block nothing; `
        + 'make sure the namespace or the mesh (meshConfig.outboundTrafficPolicy.mode) runs REGISTRY_ONLY');
    }
    // The source's labels are known when the policy is built (pods and workloads carry them).
    if (policy.resolve().source.podLabels !== undefined) {
      EgressWarnings.add(scope, EgressWarningId.ISTIO_NAMESPACE_SCOPE,
        `Istio's egress allow-list is per namespace: the ServiceEntries and the REGISTRY_ONLY Sidecar apply to every pod of namespace "${ns}" with a sidecar, `
        + 'not only to the pods this policy selects. Use a dedicated namespace for workloads that need a different allow-list');
    }
  }

  private addRule(
    scope: Construct, ns: string, rule: EgressRuleConfig, entries: Map<string, Entry>, registry: MeshRegistry, warned: Set<string>,
  ): void {
    const what = `The Istio backend (policy ${scope.node.path})`;
    if (rule.ports.length === 0) {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `The Istio backend cannot allow every port of ${rule.destinations.map(describeDestinationTarget).join(', ')}: a ServiceEntry declares its ports. `
        + 'List the ports, e.g. allow(destination, Port.https(443))');
    }
    for (const p of rule.ports) {
      if (p.protocol !== Protocol.TCP) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `The Istio backend cannot express ${p.protocol} port ${p.port ?? '*'}: sidecars intercept TCP only, so REGISTRY_ONLY neither allows nor blocks ${p.protocol}. `
          + 'Allow it with a NetworkPolicy backend instead: EgressBackend.kubernetes() or EgressBackend.cilium()');
      }
      if (p.port === undefined || p.endPort !== undefined) {
        throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
          `The Istio backend cannot express ${p.port === undefined ? 'every TCP port' : `the port range ${p.port}-${p.endPort}`}: ServiceEntry ports are single numbers. List the ports one by one`);
      }
    }
    // Check every destination and port before recording any, so a refused rule leaves nothing.
    const all = rule.destinations.flatMap(targets);
    for (const target of all) {
      for (const p of rule.ports) this.checkPort(scope, ns, target.group, target.value, p, this.protocolOf(target.group, p), registry, what, warned);
    }
    for (const target of all) {
      const key = `${target.group}|${target.value}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = { group: target.group, value: target.value, ports: new Map() };
        entries.set(key, entry);
      }
      for (const p of rule.ports) entry.ports.set(p.port!, this.protocolOf(target.group, p));
    }
  }

  /**
   * The Istio port protocol of a destination's port. CIDR entries are matched at L4 whatever the
   * application protocol. A DYNAMIC_DNS pattern takes HTTP, TLS, HTTP2 and GRPC only (istiod's
   * ServiceEntry validation: "only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution
   * type DYNAMIC_DNS", pkg/config/validation/validation.go, checked with istioctl built from istio
   * master eed52ebb66ad), so HTTPS, which Istio also matches by SNI, is declared as TLS there.
   */
  private protocolOf(group: Group, p: PortConfig): string {
    if (group === 'addresses') return 'TCP';
    const protocol = istioProtocol(p.appProtocol);
    return group === 'patterns' && protocol === 'HTTPS' && this.wildcardResolution === IstioWildcardResolution.DYNAMIC_DNS ? 'TLS' : protocol;
  }

  private checkPort(
    scope: Construct, ns: string, group: Group, value: string, p: PortConfig, protocol: string,
    registry: MeshRegistry, what: string, warned: Set<string>,
  ): void {
    if (group === 'addresses') return;
    if (protocol === 'TCP' && group === 'patterns') {
      throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
        `The Istio backend cannot allow ${value} on opaque TCP port ${p.port}: a pattern is resolved with NONE and, without SNI or Host to match, the sidecar would let every address through on port ${p.port}. `
        + `Declare the application protocol (Port.https(${p.port}) or Port.tls(${p.port})) so the sidecar matches the pattern against the SNI, or list the concrete hostnames`);
    }
    registry.claimVisibleHost(scope, ns, value, false);
    registry.claimHostPort(scope, ns, value, p.port!, protocol, what);
    if (protocol === 'TCP' && !warned.has(`${value}|${p.port}`)) {
      registry.claimOpaqueTcpPort(scope, ns, value, p.port!, this.exportTo);
      warned.add(`${value}|${p.port}`);
      EgressWarnings.add(scope, EgressWarningId.ISTIO_OPAQUE_TCP_PORT,
        `${value} is allowed on opaque TCP port ${p.port}: a TCP ServiceEntry with DNS resolution and no addresses captures every TCP connection on port ${p.port} in namespace "${ns}" `
        + 'and sends it to this host (unless Istio DNS proxying auto-allocates addresses). Use Port.tls()/Port.https() when the protocol is TLS, or Destination.ipv4() with the service\'s addresses');
    }
  }
}

/** What a destination becomes in ServiceEntries. */
function targets(d: DestinationConfig): Array<{ group: Group; value: string }> {
  switch (d.kind) {
    case DestinationKind.FQDN: return [{ group: 'hosts', value: d.hostname! }];
    case DestinationKind.FQDN_SUFFIX: return [{ group: 'patterns', value: d.hostname! }];
    case DestinationKind.CIDR: return [{ group: 'addresses', value: d.cidr! }];
    case DestinationKind.KUBE_API_SERVER: return (d.apiServerCidrs ?? []).map((c) => ({ group: 'addresses' as Group, value: c }));
    default:
      // Capability checks in the constructs keep pods away from this backend.
      throw new Error(`The Istio backend cannot express destination kind ${d.kind}`);
  }
}

/** Keeps one ServiceEntry per (group, ports) of one policy, regrouping as rules arrive. */
class PolicyServiceEntries {
  public constructor(
    private readonly scope: Construct,
    private readonly id: string,
    private readonly policy: IEgressPolicyDefinition,
    private readonly entries: Map<string, Entry>,
    private readonly objects: Map<string, ServiceEntry>,
    private readonly live: ApiObject[],
    private readonly exportTo: string[],
    private readonly wildcardResolution: IstioWildcardResolution,
  ) {}

  /** Group key -> entries, in a canonical order. */
  private groups(): Map<string, Entry[]> {
    const out = new Map<string, Entry[]>();
    const sorted = [...this.entries.values()].sort((a, b) => compareStrings(a.value, b.value));
    for (const e of sorted) {
      const key = `${e.group}-${portsSlug(e.ports)}`;
      out.set(key, [...(out.get(key) ?? []), e]);
    }
    return out;
  }

  /** Create ServiceEntries for new groups and drop those whose destinations moved. */
  public sync(): void {
    const groups = this.groups();
    for (const key of [...this.objects.keys()]) {
      if (!groups.has(key)) {
        const gone = this.objects.get(key)!;
        this.scope.node.tryRemoveChild(gone.node.id);
        this.objects.delete(key);
        this.live.splice(this.live.indexOf(gone), 1);
      }
    }
    for (const key of [...groups.keys()].sort()) {
      if (this.objects.has(key)) continue;
      const m = this.policy.metadata;
      const se = plainApiObject(ServiceEntry.GVK, this.scope, `${this.id}-${key}`, {
        metadata: {
          ...(m.name ? { name: `${m.name}-${key}` } : {}),
          namespace: m.namespace,
          ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
          ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
        },
        spec: Lazy.any({ produce: () => this.spec(key) }),
      });
      this.objects.set(key, se);
      this.live.push(se);
    }
  }

  private spec(key: string): ServiceEntrySpec {
    const members = this.groups().get(key) ?? [];
    const first = members[0];
    const ports: ServiceEntrySpecPorts[] = [...first.ports.entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, protocol]) => ({ number, name: `${protocol.toLowerCase()}-${number}`, protocol }));
    const common = { exportTo: this.exportTo, location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL, ports };
    switch (first.group) {
      case 'hosts':
        return { hosts: members.map((e) => e.value), resolution: ServiceEntrySpecResolution.DNS, ...common };
      case 'patterns':
        return {
          hosts: members.map((e) => e.value),
          resolution: this.wildcardResolution === IstioWildcardResolution.DYNAMIC_DNS
            ? ServiceEntrySpecResolution.DYNAMIC_UNDERSCORE_DNS
            : ServiceEntrySpecResolution.NONE,
          ...common,
        };
      case 'addresses':
        // CIDR entries are matched by address; the host is a name only and never resolved.
        return {
          hosts: [`${slug(key, 40)}-${shortHash(this.scope.node.path)}.egress.invalid`],
          addresses: members.map((e) => e.value),
          resolution: ServiceEntrySpecResolution.NONE,
          ...common,
        };
    }
  }
}

function portsSlug(ports: Map<number, string>): string {
  return [...ports.entries()].sort(([a], [b]) => a - b).map(([n, p]) => `${p.toLowerCase()}-${n}`).join('-');
}
