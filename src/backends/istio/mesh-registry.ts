// App-wide Istio state shared by the Istio backend and the EgressGateway: one REGISTRY_ONLY
// Sidecar per namespace (two namespace-wide Sidecars in one namespace are an Istio error), the
// hosts each namespace's sidecars must see, and which host:port pairs and opaque TCP ports are
// already declared in a namespace (so conflicting declarations fail at synth, not in the mesh).
import { ApiObject, Chart, Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Sidecar, SidecarSpec, SidecarSpecOutboundTrafficPolicyMode } from '../../../imports/networking.istio.io';
import { EgressError } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';
import { plainApiObject } from '../../emit/objects';
import { AppState, StateKey } from '../../util/app-state';

/** Name of the namespace-wide Sidecar the library emits. */
export const SIDECAR_NAME = 'egress-registry-only';

interface Claim {
  readonly value: string;
  readonly owner: string;
}

class NamespaceState {
  public sidecar?: ApiObject;
  public readonly egressHosts = new Set<string>();
  /** `host|port` -> Istio protocol. */
  public readonly hostPorts = new Map<string, Claim>();
}

/**
 * Shared by every copy of the library in the process: a namespace has one Sidecar and a host one
 * ServiceEntry however many copies declare them.
 */
const REGISTRY = StateKey.shared<MeshRegistry>('istioRegistry');

/**
 * Istio bookkeeping for one app. Not part of the public API.
 */
export class MeshRegistry {
  /** The registry of the app `scope` belongs to. */
  public static of(scope: IConstruct): MeshRegistry {
    return AppState.of(scope).get(REGISTRY, () => new MeshRegistry());
  }

  private readonly namespaces = new Map<string, NamespaceState>();
  /** Namespace a ServiceEntry is visible in (`*`: every namespace) -> opaque TCP port -> owning host. */
  private readonly opaqueByScope = new Map<string, Map<number, Claim>>();
  /** kind -> key -> owner. */
  private readonly claims = new Map<string, Map<string, string>>();

  private constructor() {}

  private state(namespace: string): NamespaceState {
    let s = this.namespaces.get(namespace);
    if (!s) {
      s = new NamespaceState();
      this.namespaces.set(namespace, s);
    }
    return s;
  }

  /**
   * Emit (once per namespace, app-wide) the Sidecar that switches the namespace to
   * REGISTRY_ONLY. It is created in the chart of the first caller.
   */
  public ensureSidecar(scope: IConstruct, namespace: string, extraHosts: readonly string[]): ApiObject {
    const s = this.state(namespace);
    for (const h of extraHosts) s.egressHosts.add(h);
    if (!s.sidecar) {
      const chart = Chart.of(scope);
      s.sidecar = plainApiObject(Sidecar.GVK, chart, `IstioRegistryOnly-${namespace}`, {
        metadata: { name: SIDECAR_NAME, namespace },
        spec: Lazy.any({
          produce: (): SidecarSpec => ({
            egress: [{ hosts: ['./*', ...[...s.egressHosts].filter((h) => h !== './*').sort()] }],
            outboundTrafficPolicy: { mode: SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
          }),
        }),
      });
    }
    return s.sidecar;
  }

  /**
   * The namespaces whose services the sidecars of `namespace` see through the library's Sidecar,
   * besides their own (`*`: every namespace), from its `namespace/host` egress entries.
   */
  public visibleNamespaces(namespace: string): string[] {
    const out = new Set<string>();
    // A namespace the Sidecar imports a host from counts as visible for its pods: the library
    // imports the egress gateway's Service host (the sidecars reach the gateway pods through it);
    // istiod is reached by the proxy itself, which the Sidecar does not restrict.
    for (const h of this.namespaces.get(namespace)?.egressHosts ?? []) {
      const ns = h.slice(0, h.indexOf('/'));
      if (ns === '*') out.add('*');
      else if (ns !== '.' && ns !== '~' && ns !== '') out.add(ns);
    }
    return [...out].sort();
  }

  /**
   * Claim `key` of a kind for `owner`. Returns the previous owner, or undefined when the claim is
   * new (it is then recorded).
   */
  public claim(kind: string, key: string, owner: string): string | undefined {
    let claims = this.claims.get(kind);
    if (!claims) {
      claims = new Map();
      this.claims.set(kind, claims);
    }
    const prev = claims.get(key);
    if (prev === undefined) claims.set(key, owner);
    return prev;
  }

  /** The owner of a claim, or undefined. */
  public owner(kind: string, key: string): string | undefined {
    return this.claims.get(kind)?.get(key);
  }

  /** Claims of a kind whose key starts with `prefix`, as [key without prefix, owner], in claim order. */
  public claimsWithPrefix(kind: string, prefix: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [k, v] of this.claims.get(kind) ?? []) {
      if (k.startsWith(prefix)) out.push([k.slice(prefix.length), v]);
    }
    return out;
  }

  /** True the first time `key` of a kind is seen in the app. */
  public claimOnce(kind: string, key: string): boolean {
    return this.claim(kind, key, '') === undefined;
  }

  /**
   * Make `host` (in `namespace/dnsName` form) visible to the sidecars of `namespace`, in case the
   * namespace runs under the library's Sidecar (visibility is computed at synth).
   */
  public importHost(namespace: string, host: string): void {
    this.state(namespace).egressHosts.add(host);
  }

  /**
   * One ServiceEntry host per namespace: a host that an egress gateway routes for the sidecars of
   * `namespace` (its ServiceEntry exported there) must not also get a ServiceEntry of its own
   * there, in either order. Istio keeps one ServiceEntry per host for a sidecar, so one of the
   * two would silently win (istio/istio#31483, #53667). `routed` tells which side is declaring.
   */
  public claimVisibleHost(scope: IConstruct, namespace: string, host: string, routed: boolean): void {
    const mine = routed ? 'routed-host' : 'direct-host';
    const theirs = routed ? 'direct-host' : 'routed-host';
    const other = this.owner(theirs, `${namespace}|${host}`);
    if (other !== undefined && other !== scope.node.path) {
      const [routeOwner, directOwner] = routed ? [scope.node.path, other] : [other, scope.node.path];
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `${host} is routed through an egress gateway for namespace "${namespace}" by ${routeOwner}, and declared there directly by ${directOwner}: `
        + 'the sidecars would see two ServiceEntries for one host, and Istio keeps one of them per host (istio/istio#31483, #53667), so either the route or the '
        + 'direct path (with its ports) would be silently dropped. Route every port of the host through the gateway, or declare it directly only');
    }
    this.claim(mine, `${namespace}|${host}`, scope.node.path);
  }

  /**
   * Record that `owner` declares `host:port` with Istio protocol `protocol` in `namespace`;
   * throws at `scope` when the same host:port was declared with another protocol.
   */
  public claimHostPort(scope: IConstruct, namespace: string, host: string, port: number, protocol: string, what: string): void {
    const s = this.state(namespace);
    const key = `${host}|${port}`;
    const prev = s.hostPorts.get(key);
    if (prev && prev.value !== protocol) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `${what} declares ${host} port ${port} as ${protocol}, but ${prev.owner} already declares it as ${prev.value} in namespace "${namespace}". `
        + 'Istio keeps one protocol per host and port, so one of the two would be silently ignored. Use the same Port factory (e.g. Port.https(443)) in both places');
    }
    if (!prev) s.hostPorts.set(key, { value: protocol, owner: scope.node.path });
  }

  /**
   * Record that `host` owns opaque TCP port `port` in `namespace`. A TCP ServiceEntry without
   * addresses matches every connection on its port, so two hosts cannot share one.
   */
  public claimOpaqueTcpPort(scope: IConstruct, namespace: string, host: string, port: number, exportTo: readonly string[] = ['.']): void {
    // Where the ServiceEntry is visible: its own namespace, the listed ones, or every namespace.
    const visible = exportTo.includes('*') ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? namespace : e)))];
    for (const v of visible) {
      const rivals = v === '*' ? [...this.opaqueByScope.entries()] : [[v, this.opaqueByScope.get(v)], ['*', this.opaqueByScope.get('*')]] as const;
      for (const [where, claims] of rivals) {
        const prev = claims?.get(port);
        if (prev && prev.value !== host) {
          const shared = where === '*' || v === '*' ? 'in the mesh (a ServiceEntry exported to every namespace)' : `in namespace "${where}"`;
          throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
            `${host} and ${prev.value} (declared by ${prev.owner}) both use opaque TCP port ${port} ${shared}. `
            + 'A TCP ServiceEntry without addresses captures every connection on its port, so Istio would send the traffic of both to one of them. '
            + 'Declare the application protocol (Port.tls(), Port.https(), Port.http()) so Istio can route by SNI or Host, or use Destination.ipv4() with the service\'s addresses');
        }
      }
    }
    for (const v of visible) {
      const claims = this.opaqueByScope.get(v) ?? new Map<number, Claim>();
      this.opaqueByScope.set(v, claims);
      if (!claims.has(port)) claims.set(port, { value: host, owner: scope.node.path });
    }
  }
}
