// The app-wide check that every declared intent is reachable through every enforcing layer
// together: an allowance, a DNS path, a gateway route, a fixed egress IP's destinations and the
// control-plane path that the library's own mesh objects need. A declared intent that another
// construct of the app blocks fails synth, naming both constructs, the probe and the fix.
import { IConstruct } from 'constructs';
import { addressShare, coveredFamily, mayCoverFamily } from './policy-checks';
import { describePortRange, describeProbe, describeProbeWithoutPort, describeSourceInSentence, labelText } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { EgressError } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { ISTIOD_LABELS, ISTIOD_NAMESPACE, ISTIOD_PORT } from '../core/mesh-defaults';
import { NAMESPACE_NAME_LABEL } from '../core/names';
import { EnforcementLayer, PolicyTier } from '../core/policy-config';
import { PortConfig, Protocol } from '../core/port';
import { SourceConfig } from '../core/source';
import { EgressModel } from '../model/egress-model';
import { EgressFact, FactKind } from '../model/facts';
import { checkLayered } from '../model/layered';
import { destinationMatches } from '../model/matching';
import { ModelPolicy, GrantPurpose } from '../model/policy';
import { policyIndex } from '../model/policy-index';
import { LayerVerdict, Probe, ProbePod, Verdict } from '../model/probe';
import { cidrContainsAddress, familyBits, formatAddress, isCidr, parseCidr } from '../util/cidr';

/** istiod as the Istio sidecars reach it by default (xDS and certificates). */
const ISTIOD: ProbePod = { namespace: ISTIOD_NAMESPACE, labels: { ...ISTIOD_LABELS } };

interface OptOut {
  readonly path: string;
  readonly reason: string;
}

interface State {
  readonly optOuts: OptOut[];
  revision: number;
  problems?: Map<string, string[]>;
}

const STATE = new WeakMap<IConstruct, State>();
const WATCHED = new WeakSet<IConstruct>();

function state(scope: IConstruct): State {
  const root = scope.node.root;
  let s = STATE.get(root);
  if (!s) {
    s = { optOuts: [], revision: -1 };
    STATE.set(root, s);
  }
  return s;
}

/**
 * Synth-time check that everything the app declares is reachable through every enforcing layer
 * together (network plugin, mesh sidecar, egress gateway), and the opt-out for intents that are
 * enforced outside the app.
 *
 * Every construct that declares egress takes part; a declared intent that another construct
 * blocks fails `app.synth()` with both construct paths, the probe that was checked, and the fix
 * (`EGRESS_INTENT_BLOCKED`).
 */
export class DeclaredIntents {
  /**
   * Do not check the intents declared at `scope` and below: what they need is enforced (or
   * opened) outside this app, for example by policies another pipeline applies. The reason is
   * kept in the egress report as an opt-out.
   */
  public static enforcedOutsideApp(scope: IConstruct, reason: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const inputs = require('../core/inputs') as typeof import('../core/inputs');
    if (!inputs.isConstruct(scope)) inputs.raiseUnscoped([inputs.argProblem('The scope of DeclaredIntents.enforcedOutsideApp()', scope, 'a construct (the App, a Chart or a construct in one)')]);
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      throw EgressError.at(scope, EgressErrorCode.REASON_REQUIRED,
        'DeclaredIntents.enforcedOutsideApp() needs a reason (kept in the egress report): say where the path these intents need is opened, e.g. \'opened by the platform team\'s baseline policies\'');
    }
    state(scope).optOuts.push({ path: scope.node.path, reason });
    // (recording the fact bumps the model's revision, so the next check sees the opt-out)
    const model = EgressModel.of(scope);
    model.recordFact({
      toFact: (): EgressFact => ({
        kind: FactKind.OPT_OUT,
        constructPath: scope.node.path,
        summary: `declared intents at ${scope.node.path} are not checked for reachability: ${reason}`,
        objectRefs: [],
        details: { option: 'declaredIntentCheck', reason },
      }),
    });
  }

  /**
   * Check the intents declared by `scope` when the app is synthesized. Called by the constructs
   * that declare egress. @internal
   */
  public static _watch(scope: IConstruct): void {
    if (WATCHED.has(scope)) return;
    WATCHED.add(scope);
    const model = EgressModel.of(scope);
    scope.node.addValidation({ validate: () => problemsOf(scope, model).get(scope.node.path) ?? [] });
  }

  private constructor() {}
}

function optedOut(s: State, path: string): boolean {
  return s.optOuts.some((o) => path === o.path || path.startsWith(`${o.path}/`) || o.path === '');
}

function problemsOf(scope: IConstruct, model: EgressModel): Map<string, string[]> {
  const s = state(scope);
  const revision = model._revisionNumber();
  if (s.problems === undefined || s.revision !== revision) {
    s.problems = intentProblems(model.policies(), model.facts(), (path) => optedOut(s, path));
    s.revision = revision;
  }
  return s.problems;
}

/** The policies of each source namespace: every layer's verdict looks only at the sender's. */
function indexByNamespace(policies: readonly ModelPolicy[]): (ns: string) => readonly ModelPolicy[] {
  const index = new Map<string, ModelPolicy[]>();
  for (const p of policies) {
    const list = index.get(p.source.namespace);
    if (list) list.push(p); else index.set(p.source.namespace, [p]);
  }
  return (ns) => index.get(ns) ?? [];
}

/** An address inside `cidr` and outside every `except` block (the first one found). */
export function witnessAddress(cidr: string, except: readonly string[] | undefined): string | undefined {
  const key = except && except.length > 0 ? `${cidr} ${except.join(' ')}` : cidr;
  if (WITNESSES.has(key)) return WITNESSES.get(key);
  const found = findWitnessAddress(cidr, except);
  WITNESSES.set(key, found);
  return found;
}

/** Witness addresses by block (and exceptions): the same few blocks recur across an app. */
const WITNESSES = new Map<string, string | undefined>();

function findWitnessAddress(cidr: string, except: readonly string[] | undefined): string | undefined {
  const block = parseCidr(cidr);
  if (!isCidr(block)) return undefined;
  const excepts = (except ?? []).map((e) => parseCidr(e)).filter(isCidr);
  const bits = familyBits(block.family);
  const size = 2n ** BigInt(bits - block.prefix);
  // the block's second address (the first is a network address in IPv4 habits), then the rest
  const candidates = [1n, 0n, size / 2n, size - 2n, size - 1n].filter((o) => o >= 0n && o < size);
  for (const offset of candidates) {
    const value = block.network + offset;
    if (!excepts.some((e) => cidrContainsAddress(e, block.family, value))) return formatAddress(block.family, value);
  }
  // every candidate is excepted: walk the except blocks' ends
  for (const e of excepts) {
    const after = e.network + 2n ** BigInt(bits - e.prefix);
    if (after < block.network + size && !excepts.some((x) => cidrContainsAddress(x, block.family, after))) return formatAddress(block.family, after);
  }
  return undefined;
}

/** A hostname a hostname destination matches. */
export function witnessHost(d: DestinationConfig): string {
  const h = d.hostname!;
  return h.startsWith('*.') ? `probe${h.slice(1)}` : h;
}

/** The target of a probe that stands for destination `d` of a policy in `policyNs`. */
export function witnessTarget(d: DestinationConfig, policyNs: string): Pick<Probe, 'toPod' | 'toIp' | 'toHostname'> | undefined {
  switch (d.kind) {
    case DestinationKind.PODS:
      return {
        toPod: {
          namespace: d.namespace ?? (d.namespaceLabels
            ? d.namespaceLabels[NAMESPACE_NAME_LABEL] ?? `(namespace with ${labelText(d.namespaceLabels)})`
            : policyNs),
          labels: { ...(d.podLabels ?? {}) },
          ...(d.namespaceLabels ? { namespaceLabels: { ...d.namespaceLabels } } : {}),
        },
      };
    case DestinationKind.CIDR: {
      const ip = witnessAddress(d.cidr!, d.except);
      return ip === undefined ? undefined : { toIp: ip };
    }
    case DestinationKind.KUBE_API_SERVER: {
      const first = d.apiServerCidrs?.[0];
      const ip = first === undefined ? undefined : witnessAddress(first, undefined);
      return ip === undefined ? undefined : { toIp: ip };
    }
    case DestinationKind.FQDN:
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX:
      return { toHostname: witnessHost(d) };
  }
}

/** One port per port entry (every port: TCP 443). */
export function witnessPorts(ports: readonly PortConfig[]): Array<{ port: number; protocol: Protocol }> {
  if (ports.length === 0) return [{ port: 443, protocol: Protocol.TCP }];
  return ports.map((p) => ({ port: p.port ?? (p.protocol === Protocol.UDP ? 53 : 443), protocol: p.protocol }));
}

export function podOf(source: SourceConfig): ProbePod {
  return { namespace: source.namespace, labels: { ...(source.podLabels ?? {}) } };
}

function blockerText(l: LayerVerdict): string {
  const layer = l.layer === EnforcementLayer.MESH ? 'the mesh layer (a REGISTRY_ONLY sidecar)' : 'the network layer';
  return `${layer}, hop ${l.hop}: ${l.blockedBy.join(', ')} (declared at ${l.blockedByConstructs.join(', ')}) isolate${l.blockedBy.length === 1 ? 's' : ''} it and allow${l.blockedBy.length === 1 ? 's' : ''} nothing of this`;
}

function fixFor(l: LayerVerdict, what: 'allow' | 'route' | 'fixed-ip' | 'istiod', probe: Probe): string {
  if (what === 'istiod') {
    return 'Allow these pods istiod on the network layer, e.g. new EgressPolicy(scope, id, { source, dns: [] })'
      + `.allow(Destination.pods({ namespace: '${ISTIOD.namespace}', labels: { app: 'istiod' } }), Port.tcp(${ISTIOD_PORT}))`;
  }
  if (l.layer === EnforcementLayer.MESH && probe.toPod) {
    return `Let the sidecars see the services of namespace ${probe.toPod.namespace}: EgressBackend.istio({ sidecarEgressHosts: ['${probe.toPod.namespace}/*'] })`;
  }
  if (l.layer === EnforcementLayer.MESH) {
    return 'Declare the destination to the mesh too: render the intent with both backends (AllowedExternalService with backends: [EgressBackend.kubernetes(), EgressBackend.istio()] '
      + 'or an EgressPolicy with backend EgressBackend.istio() for the same destination and port), or route it through an EgressGateway';
  }
  if (l.hop === 'gateway → destination') {
    return 'Allow the gateway pods this destination on the network layer (the EgressGateway\'s gatewayEgressBackend must express it)';
  }
  if (what === 'fixed-ip') {
    return 'Allow these pods the destination on the network layer too (an EgressPolicy or AllowedExternalService for the same pods), or drop the destination from the FixedEgressIp';
  }
  return 'Allow it on the network layer too: for hostnames use a DNS-aware network backend alongside the mesh one '
    + '(AllowedExternalService with backends: [EgressBackend.istio(), EgressBackend.cilium()]), for addresses an EgressPolicy for the same pods';
}

function blocked(kind: 'allow' | 'route' | 'fixed-ip' | 'istiod', intent: string, probe: Probe, v: Verdict): string {
  const l = v.decidingLayer!;
  return `${intent}, but ${blockerText(l)}. Probe: ${describeProbe(probe)}${v.gateway ? ` via gateway ${v.gateway}` : ''}. `
    + `${fixFor(l, kind, probe)}; or, if the path is opened outside this app, DeclaredIntents.enforcedOutsideApp(scope, reason) (${EgressErrorCode.INTENT_BLOCKED})`;
}

/** Blocks by the ClusterNetworkPolicy tiers: that backend reports them with its own check. */
function reportedElsewhere(v: Verdict): boolean {
  const l = v.decidingLayer;
  return l !== undefined && l.blockedBy.some((ref) => ref.startsWith('ClusterNetworkPolicy/'));
}

/**
 * Problems by declaring construct path. @internal
 */
export function intentProblems(all: readonly ModelPolicy[], facts: readonly EgressFact[], skip: (path: string) => boolean): Map<string, string[]> {
  const byNs = indexByNamespace(all);
  const candidates = policyIndex(all);
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (skip(path) || seen.has(`${path}|${message}`)) return;
    seen.add(`${path}|${message}`);
    const list = out.get(path);
    if (list) list.push(message); else out.set(path, [message]);
  };
  const gatewayHops = new Map<string, LayerVerdict>();
  const check = (probe: Probe): Verdict => checkLayered(candidates, facts, probe, gatewayHops);

  // 1. Every allowance and DNS path a policy declares.
  // A namespaced network policy's own rule opens its witness on the network layer, so only an
  // Admin tier, a REGISTRY_ONLY sidecar or a gateway route can stand in its way: namespaces with
  // none of them are skipped, and a sidecar's answer (which does not depend on the pod's labels
  // when every mesh policy holds the whole namespace) is computed once per destination and port.
  const meshNs = new Map<string, boolean>();
  const adminNs = new Set<string>();
  const routeNs = new Set<string>();
  for (const p of all) {
    if (p.semantics.layer === EnforcementLayer.MESH && p.semantics.isolates !== false) {
      meshNs.set(p.source.namespace, (meshNs.get(p.source.namespace) ?? true) && p.semantics.wholeNamespace === true);
    }
    if ((p.semantics.tier ?? PolicyTier.NAMESPACED) !== PolicyTier.NAMESPACED) adminNs.add(p.source.namespace);
  }
  const routedHosts = new Map<string, string[]>();
  for (const f of facts) {
    if (f.kind !== FactKind.GATEWAY_ROUTE || !f.source) continue;
    routeNs.add(f.source.namespace);
    const list = routedHosts.get(f.source.namespace) ?? [];
    list.push(...f.gatewayRoute?.hosts ?? []);
    routedHosts.set(f.source.namespace, list);
  }
  const routed = (ns: string, host: string) => (routedHosts.get(ns) ?? []).some((h) => h === host || (h.startsWith('*.') && host.endsWith(h.slice(1))));
  const meshAnswers = new Map<string, boolean>();
  const settled = (p: ModelPolicy, probe: Probe, targetKey: string): boolean => {
    const ns = p.source.namespace;
    if ((p.semantics.layer ?? EnforcementLayer.NETWORK) !== EnforcementLayer.NETWORK || adminNs.has(ns)) return false;
    if (probe.toHostname !== undefined && routeNs.has(ns) && routed(ns, probe.toHostname)) return false;
    const wholeNamespaceMesh = meshNs.get(ns);
    if (wholeNamespaceMesh === undefined || probe.skipsMesh || probe.protocol !== Protocol.TCP) return true;
    if (!wholeNamespaceMesh) return false;
    const key = `${ns}|${targetKey}|${probe.port}`;
    let ok = meshAnswers.get(key);
    if (ok === undefined) {
      ok = check(probe).allowed;
      meshAnswers.set(key, ok);
    }
    return ok;
  };
  for (const p of all) {
    if (p.purpose === GrantPurpose.DENY || p.semantics.isolates === false || skip(p.constructPath)) continue;
    for (const rule of p.rules) {
      // Mesh backends do not carry DNS (the network layer does): their model keeps the rule only.
      if (rule.dns && p.semantics.layer === EnforcementLayer.MESH) continue;
      for (const d of rule.destinations) {
        const target = witnessTarget(d, p.source.namespace);
        if (!target) continue;
        const targetKey = target.toIp ?? target.toHostname ?? `${target.toPod!.namespace}/${JSON.stringify(target.toPod!.labels)}`;
        for (const port of witnessPorts(rule.ports)) {
          const probe: Probe = { from: podOf(p.source), ...target, ...port, ...(rule.dns ? { skipsMesh: true } : {}) };
          if (settled(p, probe, targetKey)) continue;
          const v = check(probe);
          if (v.allowed || reportedElsewhere(v)) continue;
          add(p.constructPath, blocked('allow', `${p.objectRef} allows ${describeProbe(probe)}${rule.dns ? ' (DNS)' : ''}`, probe, v));
          break;
        }
      }
    }
  }

  // 2. Gateway routes: through the sidecar, to the gateway, and out.
  for (const f of facts) {
    if (f.kind !== FactKind.GATEWAY_ROUTE || !f.source || skip(f.constructPath)) continue;
    const legs = (f.gatewayRoute?.legs ?? []).map((l) => l.appPort);
    for (const host of f.gatewayRoute?.hosts ?? []) {
      for (const port of [...new Set(legs)]) {
        const probe: Probe = { from: podOf(f.source), toHostname: host.startsWith('*.') ? `probe${host.slice(1)}` : host, port, protocol: Protocol.TCP };
        const v = check(probe);
        if (v.allowed || reportedElsewhere(v)) continue;
        add(f.constructPath, blocked('route', `This route sends ${describeProbe(probe)} through the egress gateway`, probe, v));
      }
    }
  }

  // 3. A fixed egress IP's destinations must be reachable on some port.
  for (const f of facts) {
    if (f.kind !== FactKind.FIXED_EGRESS_IP || !f.source || !f.destinations || skip(f.constructPath)) continue;
    const from = podOf(f.source);
    const mayApply = candidates(from);
    for (const d of f.destinations) {
      const target = witnessTarget(d, from.namespace);
      if (!target) continue;
      // The ports that policies which may select these pods open: first those of rules that name
      // this destination, then the rest, then TCP 443 (one of them must reach it).
      const candidatePorts = new Map<string, { port: number; protocol: Protocol }>();
      const toProbe: Probe = { from, ...target, port: 0, protocol: Protocol.TCP };
      for (const pass of [true, false]) {
        for (const p of mayApply) {
          for (const r of p.rules) {
            if (r.dns || r.destinations.some((x) => destinationMatches(x, p.source.namespace, toProbe)) !== pass) continue;
            for (const port of witnessPorts(r.ports)) if (!candidatePorts.has(`${port.protocol}/${port.port}`)) candidatePorts.set(`${port.protocol}/${port.port}`, port);
          }
        }
      }
      if (!candidatePorts.has('TCP/443')) candidatePorts.set('TCP/443', { port: 443, protocol: Protocol.TCP });
      let firstDenied: { probe: Probe; v: Verdict } | undefined;
      let ok = false;
      for (const port of candidatePorts.values()) {
        const probe: Probe = { from, ...target, ...port };
        const v = check(probe);
        if (v.allowed) { ok = true; break; }
        firstDenied ??= { probe, v };
      }
      if (ok || !firstDenied || reportedElsewhere(firstDenied.v)) continue;
      add(f.constructPath, blocked('fixed-ip', `This fixed egress IP is declared for ${describeProbeWithoutPort(firstDenied.probe)}, which no port reaches`, firstDenied.probe, firstDenied.v));
    }
  }

  // 4. Sidecars under the library's REGISTRY_ONLY Sidecar must keep reaching istiod.
  const meshNamespaces = new Map<string, ModelPolicy>();
  for (const p of all) {
    const isolatingMesh = p.semantics.layer === EnforcementLayer.MESH && p.semantics.isolates !== false;
    if (isolatingMesh && !meshNamespaces.has(p.source.namespace)) meshNamespaces.set(p.source.namespace, p);
  }
  for (const [ns, mesh] of meshNamespaces) {
    if (skip(mesh.constructPath)) continue;
    const sources = new Map<string, ProbePod>([['', { namespace: ns, labels: {} }]]);
    for (const p of byNs(ns)) sources.set(JSON.stringify(p.source.podLabels ?? {}), podOf(p.source));
    for (const from of sources.values()) {
      const probe: Probe = { from, toPod: ISTIOD, port: ISTIOD_PORT, protocol: Protocol.TCP, skipsMesh: true };
      const v = check(probe);
      if (v.allowed || reportedElsewhere(v)) continue;
      add(mesh.constructPath, blocked('istiod', `Pods in namespace ${ns} run under the REGISTRY_ONLY Sidecar this construct's mesh backend emits, so their sidecars must reach istiod (${ISTIOD.namespace}, app=istiod, TCP ${ISTIOD_PORT}) or never become ready`, probe, v));
      break;
    }
  }
  // 5. Address blocks that several constructs allow the same pods on the same port add up: when
  //    together they cover a whole address family, one of them must have opted in.
  for (const [path, message] of unionAllowAll(all)) add(path, message);
  return out;
}

function portKeys(ports: readonly PortConfig[]): string[] {
  return ports.length === 0 ? ['*'] : ports.map((p) => describePortRange(p));
}

/** Allow-all by union across constructs: [construct path, message]. */
function unionAllowAll(all: readonly ModelPolicy[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const network = all.filter((p) => (p.semantics.layer ?? EnforcementLayer.NETWORK) === EnforcementLayer.NETWORK
    && p.purpose === GrantPurpose.ALLOW && p.semantics.isolates !== false);
  const byNs = new Map<string, ModelPolicy[]>();
  for (const p of network) {
    const list = byNs.get(p.source.namespace);
    if (list) list.push(p); else byNs.set(p.source.namespace, [p]);
  }
  const reported = new Set<string>();
  for (const [, policies] of byNs) {
    // Cheap first: unless the namespace's address blocks, all added up, could cover a family,
    // no group of them can.
    let share4 = 0;
    let share6 = 0;
    for (const p of policies) {
      for (const rule of p.rules) {
        if (rule.dns) continue;
        for (const d of rule.destinations) {
          share4 += addressShare(d, 4);
          share6 += addressShare(d, 6);
        }
      }
    }
    if (!mayCoverFamily(share4) && !mayCoverFamily(share6)) continue;
    if (new Set(policies.map((p) => p.constructPath)).size < 2) continue;
    // Every distinct pod selection of the namespace gets what every policy covering it allows.
    const sources = new Map<string, SourceConfig>();
    for (const p of policies) sources.set(JSON.stringify(p.source.podLabels ?? null), p.source);
    for (const source of sources.values()) {
      const covering = policies.filter((p) => p.source.podLabels === undefined
        || (source.podLabels !== undefined && Object.entries(p.source.podLabels).every(([k, v]) => source.podLabels![k] === v)));
      const groups = new Map<string, Array<{ p: ModelPolicy; d: DestinationConfig }>>();
      for (const p of covering) {
        for (const rule of p.rules) {
          if (rule.dns) continue;
          const blocks = rule.destinations.filter((d) => d.kind === DestinationKind.CIDR || d.kind === DestinationKind.KUBE_API_SERVER);
          if (blocks.length === 0) continue;
          for (const key of portKeys(rule.ports)) {
            const list = groups.get(key) ?? [];
            for (const d of blocks) list.push({ p, d });
            groups.set(key, list);
          }
        }
      }
      const everyPort = groups.get('*') ?? [];
      for (const [key, list] of groups) {
        const entries = key === '*' ? list : [...list, ...everyPort];
        const paths = [...new Set(entries.map((e) => e.p.constructPath))].sort();
        if (paths.length < 2 || entries.some((e) => e.p.allowAllAddresses)) continue;
        if (![4, 6].some((f) => mayCoverFamily(entries.reduce((sum, e) => sum + addressShare(e.d, f as 4 | 6), 0)))) continue;
        const covered = coveredFamily(entries.map((e) => e.d));
        if (!covered || reported.has(paths.join('|'))) continue;
        reported.add(paths.join('|'));
        const who = describeSourceInSentence(source);
        out.push([paths[0], `Together, ${paths.join(', ')} allow ${who} ${covered.blocks.join(', ')} on ${key === '*' ? 'every port' : key}, which cover every IPv${covered.family} address `
          + `(${covered.family === 4 ? '0.0.0.0/0' : '::/0'} once merged): NetworkPolicies add up, so the pods could reach the whole internet. `
          + `List only the external ranges you need, or set allowAllAddresses: true on one of them to opt in (${EgressErrorCode.ALLOW_ALL})`]);
      }
    }
  }
  return out;
}
