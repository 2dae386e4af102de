// Builds the egress report from the app's model (policies + facts) and warnings. Never reads YAML.
import { commandsForGateway, commandsForWorkload } from './commands';
import { CommandData, FactLine, GatewayData, ReachRow, ReportData, WarningLine, WorkloadData } from './data';
import { FlowGateway, FlowWorkload, renderMermaid } from './mermaid';
import { NOT_FIXED_SOURCE, SourceAddress, TypedReach } from './typed-reach';
import { podOf, witnessHost, witnessPorts, witnessTarget } from '../checks/witness';
import { describeDestination, describePort, describeWorkload, workloadId } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination-config';
import { hostnameCovers, isHostnameKind, istioHostDestination } from '../core/hosts';
import { labelsMatch, sortedLabels } from '../core/names';
import { EnforcementLayer } from '../core/policy-config';
import { PortConfig, Protocol } from '../core/port-config';
import { SourceConfig } from '../core/source-config';
import { EgressWarning } from '../core/warnings';
import { EgressFactDetails as K } from '../model/fact-details';
import { EgressFact, FactKind } from '../model/facts';
import { checkLayered } from '../model/layered';
import { GrantPurpose, ModelPolicy } from '../model/policy';
import { policyIndex } from '../model/policy-index';
import { LayerVerdict, Probe } from '../model/probe';
import { routeGateway, routeHosts } from '../monitoring/route-facts';
import { cidrContains, cidrsOverlap, isCidr, parseCidr } from '../util/cidr';
import { compareStrings } from '../util/order';

export const NOT_FIXED = 'node IP (SNAT) — not fixed';
export const GATEWAY_NOT_FIXED = 'gateway node IP (SNAT) — not fixed';
const IN_CLUSTER = 'pod IP (in-cluster)';

/** True when `outer` selects every pod `inner` selects. */
export function covers(outer: SourceConfig, inner: SourceConfig): boolean {
  if (outer.namespace !== inner.namespace) return false;
  if (outer.podLabels === undefined || Object.keys(outer.podLabels).length === 0) return true;
  return inner.podLabels !== undefined && labelsMatch(outer.podLabels, inner.podLabels);
}

function isExternal(d: DestinationConfig): boolean {
  return d.kind === DestinationKind.CIDR || isHostnameKind(d.kind);
}

/** Does a fact that lists `factDests` (undefined: all) concern destination `d`? */
function factCoversDestination(factDests: readonly DestinationConfig[] | undefined, d: DestinationConfig): boolean {
  if (factDests === undefined) return true;
  return factDests.some((f) => {
    if (d.kind === DestinationKind.CIDR && f.kind === DestinationKind.CIDR) {
      const a = parseCidr(f.cidr!); const b = parseCidr(d.cidr!);
      // Inside the block and clear of its exceptions: traffic to an excepted part does not get
      // the fact's treatment (a fixed IP's excluded addresses leave from the node).
      return isCidr(a) && isCidr(b) && cidrContains(a, b)
        && !(f.except ?? []).some((e) => { const x = parseCidr(e); return isCidr(x) && cidrsOverlap(x, b); });
    }
    if (isHostnameKind(d.kind) && isHostnameKind(f.kind)) return hostnameCovers(f, d);
    return false;
  });
}

interface Gateway {
  readonly namespace: string;
  readonly workload: string;
  readonly labels?: Record<string, string>;
  readonly id: string;
}

/** The gateway of a route (typed, or the details of a fact recorded by hand: routeGateway reads both); its summary when it names none. */
function gatewayOf(f: EgressFact): Gateway {
  const g = routeGateway(f);
  if (f.gatewayRoute || (g.namespace && g.workload)) {
    return { namespace: g.namespace!, workload: g.workload!, ...(g.labels ? { labels: g.labels } : {}), id: `${g.namespace}/${g.workload}` };
  }
  return { namespace: '', workload: '', id: f.summary };
}

function factLine(f: EgressFact): FactLine {
  return { summary: f.summary, declaredBy: f.constructPath, objects: [...f.objectRefs], clusterWide: f.source === undefined };
}

function warningLine(w: EgressWarning): WarningLine {
  return { id: w.id, constructPath: w.constructPath, message: w.message, acknowledged: w.acknowledgedReason ?? '' };
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function sortLines(lines: FactLine[]): FactLine[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const k = JSON.stringify(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).sort((a, b) => compareStrings(a.summary + a.declaredBy, b.summary + b.declaredBy));
}

function fixedIpText(f: EgressFact): string {
  const ip = f.details?.[K.EGRESS_IP];
  return ip ? `${ip} (fixed: ${f.summary})` : `fixed: ${f.summary}`;
}

/** An IPv4 or IPv6 address (or block) in a provider's free-text egress identity or a fact summary. */
const IP_TOKEN = /\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?/i;

/**
 * The fixed source of a FIXED_EGRESS_IP fact, read from the fact's own fields: the first address in
 * its `egressIp` detail (free text for some providers: `Calico pool p (10.10.0.0/30)`), else in its summary.
 */
function fixedSource(f: EgressFact): SourceAddress {
  const address = IP_TOKEN.exec(f.details?.[K.EGRESS_IP] ?? '')?.[0] ?? IP_TOKEN.exec(f.summary)?.[0];
  return address !== undefined ? { fixed: true, address } : { fixed: true };
}

/** `Kind/ns/name (backend release)`: an object and the release its description holds for. */
function objectLine(p: ModelPolicy, extra = ''): string {
  return `${p.objectRef} (${p.backend}${p.backendVersion ? ` ${p.backendVersion.version}` : ''}${extra})`;
}

/** One line per backend and release the app's policies were rendered for, with where it was declared. */
function backendVersionLines(policies: readonly ModelPolicy[]): string[] {
  const lines = new Set<string>();
  for (const p of policies) if (p.backendVersion) lines.add(`${p.backend} ${p.backendVersion.version}: declared by ${p.backendVersion.declaredBy}`);
  return [...lines].sort(compareStrings);
}

function layerLine(l: LayerVerdict): string {
  const name = `${l.layer === EnforcementLayer.MESH ? 'mesh' : 'network'} (${l.hop})`;
  if (!l.allowed) return `${name}: BLOCKED by ${l.blockedBy.join(', ')}`;
  return l.isolated || l.allowedBy.length > 0 ? `${name}: allowed by ${l.allowedBy.join(', ')}` : `${name}: not isolated`;
}

/** Each layer's verdict for a pod of the workload and a probe standing for the row. */
function layersFor(
  check: (p: Probe) => ReturnType<typeof checkLayered>, from: SourceConfig, probes: readonly Probe[],
): { layers: string[]; verdict: string } {
  if (probes.length === 0) return { layers: [], verdict: 'not checked (no concrete address to probe)' };
  const results = probes.map((p) => ({ p, v: check(p) }));
  const denied = results.find((r) => !r.v.allowed);
  const shown = denied ?? results[0];
  const l = shown.v.decidingLayer;
  return {
    layers: shown.v.layers.map(layerLine),
    verdict: l ? `BLOCKED by the ${l.layer === EnforcementLayer.MESH ? 'mesh' : 'network'} layer (${l.hop}) for ${describeWorkload(from)}: ${l.blockedBy.join(', ')}` : 'allowed',
  };
}

export function buildReport(policies: readonly ModelPolicy[], facts: readonly EgressFact[], warnings: readonly EgressWarning[]): ReportData {
  const candidates = policyIndex(policies);
  const check = (probe: Probe) => checkLayered(candidates, facts, probe);
  const routes = facts.filter((f) => f.kind === FactKind.GATEWAY_ROUTE);
  const fixedIps = facts.filter((f) => f.kind === FactKind.FIXED_EGRESS_IP);

  // Workloads: every policy source, every routed or fixed-IP source.
  const keys = new Map<string, SourceConfig>();
  for (const s of [...policies.map((p) => p.source), ...[...routes, ...fixedIps].flatMap((f) => (f.source ? [f.source] : []))]) {
    const labels = s.podLabels && Object.keys(s.podLabels).length ? { podLabels: sortedLabels(s.podLabels) } : {};
    const norm: SourceConfig = { namespace: s.namespace, ...labels };
    keys.set(workloadId(norm), norm);
  }
  const attached = new Set<EgressFact>();
  const flows: FlowWorkload[] = [];
  const attachedWarnings = new Set<EgressWarning>();

  const workloads: WorkloadData[] = [...keys.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([id, w]) => {
    // Policies that isolate the workload: the pods they select, or their whole namespace.
    const mine = policies.filter((p) => p.semantics.isolates !== false
      && (p.semantics.wholeNamespace ? p.source.namespace === w.namespace : covers(p.source, w)));
    const factsFor = (kind: FactKind) => facts.filter((f) => f.kind === kind && (f.source === undefined || covers(f.source, w)));
    const myRoutes = factsFor(FactKind.GATEWAY_ROUTE);
    const myFixed = factsFor(FactKind.FIXED_EGRESS_IP);
    const rows = new Map<string, { d: DestinationConfig; ports: readonly PortConfig[]; gatewayId?: string; source: SourceAddress; row: Omit<ReachRow, 'layers' | 'verdict'>; enforced: Set<string>; probes: Probe[] }>();
    const from = podOf(w);
    const dnsLines = new Map<string, Set<string>>();

    const pathFor = (d: DestinationConfig): { path: string; gateway?: Gateway } => {
      if (!isExternal(d)) return { path: d.kind === DestinationKind.PODS ? 'in-cluster' : 'direct' };
      const r = myRoutes.find((f) => factCoversDestination(f.destinations ?? routeHosts(f).map(istioHostDestination), d));
      if (!r) return { path: 'direct' };
      const gw = gatewayOf(r);
      return { path: `via gateway ${gw.id}`, gateway: gw };
    };
    const sourceFor = (d: DestinationConfig, gw: Gateway | undefined): { sourceIp: string; source: SourceAddress } => {
      if (d.kind === DestinationKind.PODS) return { sourceIp: IN_CLUSTER, source: NOT_FIXED_SOURCE };
      if (d.kind === DestinationKind.KUBE_API_SERVER) return { sourceIp: 'pod or node IP (API server, in-cluster path)', source: NOT_FIXED_SOURCE };
      if (gw) {
        const gwPods: SourceConfig = { namespace: gw.namespace, podLabels: gw.labels ?? {} };
        const f = gw.labels && fixedIps.find((x) => x.source !== undefined && covers(x.source, gwPods) && factCoversDestination(x.destinations, d));
        return f ? { sourceIp: `${fixedIpText(f)} — the gateway's`, source: fixedSource(f) } : { sourceIp: GATEWAY_NOT_FIXED, source: NOT_FIXED_SOURCE };
      }
      const f = myFixed.find((x) => factCoversDestination(x.destinations, d));
      return f ? { sourceIp: fixedIpText(f), source: fixedSource(f) } : { sourceIp: NOT_FIXED, source: NOT_FIXED_SOURCE };
    };

    for (const p of mine) {
      for (const rule of p.rules) {
        if (rule.dns) {
          const key = `${rule.destinations.map((d) => describeDestination(d, p.source.namespace)).join(', ')} on ${rule.ports.map(describePort).join(', ')}`;
          const set = dnsLines.get(key) ?? new Set<string>();
          set.add(objectLine(p));
          dnsLines.set(key, set);
          continue;
        }
        for (const d of rule.destinations) {
          const dest = describeDestination(d, p.source.namespace);
          const ports = rule.ports.length ? rule.ports.map(describePort) : ['all ports'];
          const key = `${dest}|${ports.join(',')}`;
          const entry = rows.get(key);
          if (entry) { entry.enforced.add(objectLine(p)); continue; }
          const { path, gateway } = pathFor(d);
          const target = witnessTarget(d, p.source.namespace);
          const { sourceIp, source } = sourceFor(d, gateway);
          rows.set(key, {
            d,
            ports: rule.ports,
            ...(gateway ? { gatewayId: gateway.id } : {}),
            source,
            enforced: new Set([objectLine(p)]),
            row: { destination: dest, kind: d.kind, ports, path, sourceIp, enforcedBy: [] },
            probes: target ? witnessPorts(rule.ports).map((port) => ({ from, ...target, ...port })) : [],
          });
        }
      }
    }
    // Hosts a gateway routes for the workload but no policy lists: still shown, enforced by the route.
    for (const r of myRoutes) {
      const gw = gatewayOf(r);
      for (const h of routeHosts(r)) {
        const d = istioHostDestination(h);
        if ([...rows.values()].some((e) => e.row.destination === h)) continue;
        const appPorts = [...new Set((r.gatewayRoute?.legs ?? []).map((l) => l.appPort))];
        const { sourceIp, source } = sourceFor(d, gw);
        rows.set(`${h}|route`, {
          d,
          ports: [],
          gatewayId: gw.id,
          source,
          enforced: new Set(r.objectRefs.map((o) => `${o} (gateway route)`)),
          row: { destination: h, kind: d.kind, ports: ['as routed'], path: `via gateway ${gw.id}`, sourceIp, enforcedBy: [] },
          probes: appPorts.map((port) => ({ from, toHostname: witnessHost(d), port, protocol: Protocol.TCP })),
        });
      }
    }
    // The rows with the typed values they were formatted from: the commands read those.
    const typedReach = [...rows.values()]
      .map((e): TypedReach => ({
        row: { ...e.row, enforcedBy: [...e.enforced].sort(), ...layersFor(check, w, e.probes) },
        destination: e.d,
        ports: e.ports,
        ...(e.gatewayId !== undefined ? { gatewayId: e.gatewayId } : {}),
        source: e.source,
      }))
      .sort((a, b) => compareStrings(a.row.destination + a.row.ports.join(), b.row.destination + b.row.ports.join()));
    const reach = typedReach.map((t) => t.row);

    const logging = factsFor(FactKind.ACCESS_LOG);
    const alerts = factsFor(FactKind.ALERT);
    const optOuts = factsFor(FactKind.OPT_OUT);
    [...myRoutes, ...myFixed, ...logging, ...alerts, ...optOuts].forEach((f) => attached.add(f));
    const paths = [...mine.map((p) => p.constructPath), ...[...myRoutes, ...myFixed, ...logging, ...optOuts].map((f) => f.constructPath)];
    const myWarnings = warnings.filter((x) => paths.some((p) => related(x.constructPath, p)));
    myWarnings.forEach((x) => attachedWarnings.add(x));
    const extra = [...myRoutes, ...myFixed, ...logging, ...alerts, ...optOuts].flatMap((f) => (f.details?.[K.TROUBLESHOOT] ?? '').split('\n').filter((l) => l.trim().length > 0)
      .map((command): CommandData => ({ purpose: `from ${f.constructPath}`, command })));

    const data: Omit<WorkloadData, 'commands'> = {
      id,
      namespace: w.namespace,
      podLabels: w.podLabels ?? {},
      description: describeWorkload(w),
      isolated: mine.length > 0,
      ...(mine.length > 0 && mine.every((p) => p.semantics.protocols !== undefined)
        ? { isolatedProtocols: [...new Set(mine.flatMap((p) => p.semantics.protocols!))].sort() } : {}),
      isolatedBy: [...new Set(mine.map((p) => objectLine(p, p.purpose === GrantPurpose.DENY ? ', deny baseline' : '')))].sort(),
      reach,
      dns: [...dnsLines.entries()].map(([k, v]) => `${k} — ${[...v].sort().join(', ')}`).sort(),
      logging: sortLines(logging.map((f) => {
        const line = factLine(f);
        const istio = (f.details?.[K.PROVIDER] ?? '') === 'istio';
        return istio && f.details?.[K.LOGS_BLOCKED] !== 'true'
          ? { ...line, summary: `${line.summary} (blocked BlackHoleCluster attempts are not in it: Istio does not log them by default, istio/istio#17759)` }
          : line;
      })),
      alerts: sortLines(alerts.map(factLine)),
      optOuts: sortLines(optOuts.map(factLine)),
      warnings: myWarnings.map(warningLine),
    };
    const gateways = [...new Map(myRoutes.map((r) => gatewayOf(r)).map((g) => [g.id, g])).values()];
    flows.push({ id, description: data.description, reach: typedReach });
    return {
      ...data,
      commands: [...commandsForWorkload(data, typedReach, mine, gateways, myFixed), ...extra],
    };
  });

  // Gateways.
  const gwMap = new Map<string, { gw: Gateway; hosts: Set<string>; routes: string[]; objects: Set<string>; facts: EgressFact[] }>();
  for (const r of routes) {
    const gw = gatewayOf(r);
    const e = gwMap.get(gw.id) ?? { gw, hosts: new Set<string>(), routes: [], objects: new Set<string>(), facts: [] };
    const hosts = routeHosts(r);
    hosts.forEach((h) => e.hosts.add(h));
    e.routes.push(`${r.source ? workloadId(r.source) : 'every workload'} → ${hosts.join(', ') || '(no hostname)'} (declared at ${r.constructPath})`);
    r.objectRefs.forEach((o) => e.objects.add(o));
    e.facts.push(r);
    gwMap.set(gw.id, e);
  }
  const gatewayFlows: FlowGateway[] = [];
  const gateways: GatewayData[] = [...gwMap.values()].sort((a, b) => compareStrings(a.gw.id, b.gw.id)).map((e) => {
    const f = e.gw.labels && fixedIps.find((x) => x.source !== undefined && covers(x.source, { namespace: e.gw.namespace, podLabels: e.gw.labels }));
    gatewayFlows.push({ id: e.gw.id, source: f ? fixedSource(f) : NOT_FIXED_SOURCE });
    const base = {
      id: e.gw.id,
      namespace: e.gw.namespace,
      workload: e.gw.workload,
      hosts: [...e.hosts].sort(),
      routes: [...e.routes].sort(),
      objects: [...e.objects].sort(),
      sourceIp: f ? fixedIpText(f) : GATEWAY_NOT_FIXED,
    };
    return { ...base, commands: commandsForGateway(base, e.gw.labels) };
  });

  const unattachedFacts = facts.filter((f) => !attached.has(f) && f.kind !== FactKind.GATEWAY_ROUTE)
    .map((f) => ({ kind: f.kind as string, ...factLine(f) }))
    .sort((a, b) => compareStrings(a.kind + a.summary + a.declaredBy, b.kind + b.summary + b.declaredBy));
  const allWarnings = warnings.map(warningLine);
  const otherWarnings = warnings.filter((x) => !attachedWarnings.has(x)).map(warningLine);
  const mermaid = renderMermaid(flows, gatewayFlows);
  return {
    formatVersion: 1,
    counts: { policies: policies.length, facts: facts.length, warnings: warnings.length, workloads: workloads.length },
    backendVersions: backendVersionLines(policies),
    workloads,
    gateways,
    unattachedFacts,
    otherWarnings,
    warnings: allWarnings,
    mermaid,
  };
}
