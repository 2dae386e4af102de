// An independent check of synthesized Cilium policies (plain JSON as written to YAML):
// - agentRuleProblems: the subset of the Cilium agent's rule validation
//   (pkg/policy/api/rule_validation.go, Rule.Sanitize) that applies to egress allow rules,
//   restated from upstream; the CRD schema does not catch these, the agent rejects the policy.
// - grants: what a policy allows, decoded back from its YAML into (peer, port, dns) triples, so a
//   test can compare it with what was declared.

const L3_MEMBERS = ['toCIDR', 'toCIDRSet', 'toEndpoints', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes'];
const L7_KINDS = ['dns', 'http', 'kafka', 'l7proto'];
const MAX_PORTS = 40;

/** Agent-side problems of one policy spec (empty when the agent accepts it). */
export function agentRuleProblems(spec: any): string[] {
  const problems: string[] = [];
  if (spec.endpointSelector === undefined) problems.push('rule must have one of EndpointSelector or NodeSelector');
  for (const [i, rule] of (spec.egress ?? []).entries()) {
    const at = `egress[${i}]`;
    const present = L3_MEMBERS.filter((m) => Array.isArray(rule[m]) && rule[m].length > 0);
    if (present.length > 1) problems.push(`${at}: Combining ${present[0]} and ${present[1]} is not supported yet`);
    if (present.includes('toServices') && rule.toPorts?.length) problems.push(`${at}: Combining ToServices and ToPorts is not supported yet`);
    if (rule.icmps?.length && rule.toPorts?.length) problems.push(`${at}: The ICMPs block may only be present without ToPorts`);
    // Not an agent error, but a widening: a rule with ports and no peer applies to every peer.
    if (present.length === 0 && rule.toPorts?.length) problems.push(`${at}: toPorts without a peer selects every destination`);
    for (const [j, pr] of (rule.toPorts ?? []).entries()) {
      const pat = `${at}.toPorts[${j}]`;
      const ports: any[] = pr.ports ?? [];
      if (ports.length > MAX_PORTS) problems.push(`${pat}: too many ports, the max is ${MAX_PORTS}`);
      const l7 = L7_KINDS.filter((k) => pr.rules && pr.rules[k] !== undefined);
      const hasDns = Array.isArray(pr.rules?.dns) && pr.rules.dns.length > 0;
      if (l7.length > 1) problems.push(`${pat}: multiple L7 protocol rule types specified in single rule`);
      if (hasDns && ports.length === 0) problems.push(`${pat}: Port 53 must be specified for DNS rules`);
      for (const p of ports) {
        if (p.port === undefined || p.port === '') { problems.push(`${pat}: Port must be specified`); continue; }
        if (!/^\d+$/.test(p.port) || Number(p.port) > 65535) problems.push(`${pat}: Unable to parse port ${p.port}`);
        if (hasDns && p.endPort !== undefined && p.endPort > Number(p.port)) problems.push(`${pat}: DNS rules do not support port ranges`);
        if (l7.length > 0 && !hasDns && p.protocol !== 'TCP') problems.push(`${pat}: L7 rules can only apply to TCP (not ${p.protocol}) except for DNS rules`);
        if (l7.length > 0 && Number(p.port) === 0) problems.push(`${pat}: L7 rules can not be used when a port is 0`);
        if (!['TCP', 'UDP', 'SCTP', 'ANY', undefined].includes(p.protocol)) problems.push(`${pat}: unknown protocol ${p.protocol}`);
      }
    }
  }
  return problems;
}

/** One allowed (peer, port) pair, and whether the DNS proxy inspects it. */
export interface Grant {
  readonly peer: string;
  readonly port: string;
  readonly dns: boolean;
}

const NS = 'k8s:io.kubernetes.pod.namespace';
const NS_LABELS = 'k8s:io.cilium.k8s.namespace.labels.';

function sortedJson(o: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));
}

/** A toEndpoints selector decoded into "which pods, in which namespaces"; throws on anything wider. */
export function decodeSelector(sel: any): string {
  const pods: Record<string, string> = {};
  const nsLabels: Record<string, string> = {};
  let ns: string | undefined;
  for (const [k, v] of Object.entries<string>(sel.matchLabels ?? {})) {
    if (k === NS) ns = v;
    else if (k.startsWith(NS_LABELS)) nsLabels[k.slice(NS_LABELS.length)] = v;
    else if (k.startsWith('k8s:')) pods[k.slice(4)] = v;
    else throw new Error(`selector label without k8s: source: ${k}`);
  }
  const exprs: any[] = sel.matchExpressions ?? [];
  const nsExists = exprs.length === 1 && exprs[0].key === NS && exprs[0].operator === 'Exists' && !exprs[0].values;
  if (exprs.length > 0 && !nsExists) throw new Error(`unexpected matchExpressions ${JSON.stringify(exprs)}`);
  if (ns !== undefined && Object.keys(nsLabels).length > 0) throw new Error('both a namespace and namespace labels');
  if (Object.keys(nsLabels).length > 0) {
    // Without the Exists requirement a namespaced policy would scope the selector to its own namespace.
    if (!nsExists) throw new Error('namespace labels without k8s:io.kubernetes.pod.namespace Exists');
    return `pods ${sortedJson(pods)} in namespaces ${sortedJson(nsLabels)}`;
  }
  if (ns === undefined) throw new Error(`selector without namespace: ${JSON.stringify(sel)}`);
  return `pods ${sortedJson(pods)} in namespace ${ns}`;
}

/** A port entry as text: `TCP/443`, `TCP/8000-8080`, `UDP/*`. */
export function portText(protocol: string, port: number | undefined, endPort: number | undefined): string {
  if (port === undefined || port === 0) return `${protocol}/*`;
  return endPort !== undefined && endPort !== port ? `${protocol}/${port}-${endPort}` : `${protocol}/${port}`;
}

/** Everything a policy spec allows, as grants. */
export function grants(spec: any): Grant[] {
  const out: Grant[] = [];
  for (const rule of spec.egress ?? []) {
    const peers: string[] = [
      ...(rule.toEndpoints ?? []).map(decodeSelector),
      ...(rule.toCIDRSet ?? []).map((c: any) => `cidr ${c.cidr}${c.except ? ` except ${[...c.except].sort().join(',')}` : ''}`),
      ...(rule.toFQDNs ?? []).map((f: any) => (f.matchName !== undefined ? `name ${f.matchName}` : `pattern ${f.matchPattern}`)),
      ...(rule.toEntities ?? []).filter((e: string) => e !== 'none').map((e: string) => `entity ${e}`),
    ];
    const portRules: any[] = rule.toPorts ?? [];
    if (portRules.length === 0) {
      for (const peer of peers) out.push({ peer, port: '*', dns: false });
      continue;
    }
    for (const pr of portRules) {
      const dns = Array.isArray(pr.rules?.dns) && pr.rules.dns.some((d: any) => d.matchPattern === '*');
      for (const p of pr.ports) {
        for (const peer of peers) out.push({ peer, port: portText(p.protocol, Number(p.port), p.endPort), dns });
      }
    }
  }
  return out;
}

/** Grants as a sorted, de-duplicated list of strings (for set comparison). */
export function grantSet(gs: readonly Grant[]): string[] {
  return [...new Set(gs.map((g) => `${g.peer} | ${g.port}${g.dns ? ' | dns' : ''}`))].sort();
}
