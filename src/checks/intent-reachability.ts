// The check that every declared intent is reachable through every enforcing layer together: an
// allowance, a DNS path, a gateway route, a fixed egress IP's destinations and the control-plane
// path that the library's own mesh objects need. A declared intent that another construct of the
// app blocks fails synth at the declaring construct, naming the blocking constructs, the probe and
// the fix (EGRESS_INTENT_BLOCKED).
import { IConstruct } from 'constructs';
import { AppCheck, CheckLevel, Finding } from './engine';
import { isOptedOut } from './opt-outs';
import { podOf, witnessPorts, witnessTarget } from './witness';
import { describeProbe, describeProbeWithoutPort } from '../core/describe';
import { EgressErrorCode } from '../core/errors';
import { ISTIOD_LABELS, ISTIOD_NAMESPACE, ISTIOD_PORT } from '../core/mesh-defaults';
import { EnforcementLayer, PolicyTier } from '../core/policy-config';
import { Protocol } from '../core/port-config';
import { EgressModel } from '../model/egress-model';
import { EgressFact, FactKind } from '../model/facts';
import { checkLayered } from '../model/layered';
import { destinationMatches } from '../model/matching';
import { ModelPolicy, GrantPurpose } from '../model/policy';
import { policyIndex } from '../model/policy-index';
import { LayerVerdict, Probe, ProbePod, Verdict } from '../model/probe';

/** istiod as the Istio sidecars reach it by default (xDS and certificates). */
const ISTIOD: ProbePod = { namespace: ISTIOD_NAMESPACE, labels: { ...ISTIOD_LABELS } };

/** Every declared intent is reachable (kept while the model is unchanged: opt-outs are model facts). */
export const INTENT_REACHABILITY: AppCheck = {
  id: 'intent-reachability',
  level: CheckLevel.ERROR,
  run: (app: IConstruct) => {
    const model = EgressModel.of(app);
    return intentProblems(model.policies(), model.facts(), isOptedOut(app));
  },
};

/** The policies of each source namespace: every layer's verdict looks only at the sender's. */
function indexByNamespace(policies: readonly ModelPolicy[]): (ns: string) => readonly ModelPolicy[] {
  const index = new Map<string, ModelPolicy[]>();
  for (const p of policies) {
    const list = index.get(p.source.namespace);
    if (list) list.push(p); else index.set(p.source.namespace, [p]);
  }
  return (ns) => index.get(ns) ?? [];
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
    return 'Allow the gateway pods this destination on the network layer (the EgressGateway\'s gatewayBackends must express it)';
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
 * What blocks a declared intent, by declaring construct, in the order found (each message once
 * per construct; constructs `skip` accepts are not reported).
 */
export function intentProblems(all: readonly ModelPolicy[], facts: readonly EgressFact[], skip: (path: string) => boolean): Finding[] {
  const byNs = indexByNamespace(all);
  const candidates = policyIndex(all);
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (skip(path) || seen.has(`${path}|${message}`)) return;
    seen.add(`${path}|${message}`);
    out.push({ path, message });
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
  return out;
}

