// Troubleshooting commands with the real names filled in: the seed's "Egress故障排查" list
// (curl from the pod, the NetworkPolicy, cilium bpf egress list / policy get, istioctl
// proxy-config routes on the gateway), tailored to each workload and gateway.
import { CommandData, GatewayData, WorkloadData } from './data';
import { labelText } from '../core/describe';
import { DestinationKind } from '../core/destination-config';
import { isHostnameKind } from '../core/hosts';
import { EgressFactDetails as K } from '../model/fact-details';
import { EgressFact } from '../model/facts';
import { ModelPolicy } from '../model/policy';
import { compareStrings } from '../util/order';

interface GatewayRef {
  readonly namespace: string;
  readonly workload: string;
  readonly id: string;
}

/** Single-quote for a POSIX shell. */
export function sq(value: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/** `Kind/namespace/name` → `kubectl get kind -n namespace name -o yaml`. */
export function getObject(ref: string): string | undefined {
  const parts = ref.split('/');
  if (parts.length !== 3 || !parts[0] || !parts[2]) return undefined;
  const [kind, ns, name] = parts;
  return `kubectl get ${kind.toLowerCase()}${ns ? ` -n ${sq(ns)}` : ''} ${sq(name)} -o yaml`;
}

const PORT = /^(TCP|UDP|SCTP)\/(\d+)(?:-(\d+))?(?: \((\w+)\))?$/;

/** A connection test from `$POD` for one destination and port. */
function probe(ns: string, destination: string, kind: string, port: string): CommandData | undefined {
  const m = PORT.exec(port);
  if (!m) return undefined;
  const [, proto, first, , app] = m;
  const exec = `kubectl exec -n ${sq(ns)} "$POD" --`;
  let host = destination;
  // `*.example.com`, or `*.example.com (any depth)` for every subdomain
  if (kind === DestinationKind.FQDN_PATTERN || kind === DestinationKind.FQDN_SUFFIX) host = `<name>${destination.split(' ')[0].slice(1)}`;
  if (kind === DestinationKind.CIDR) {
    const [addr, prefix] = destination.split(' ')[0].split('/');
    host = (prefix === '32' || prefix === '128') ? addr : `<an address in ${destination.split(' ')[0]}>`;
  }
  const placeholder = host.includes('<') ? ' (replace the placeholder)' : '';
  if (proto === 'TCP' && (app === 'HTTPS' || (app === undefined && first === '443' && kind !== DestinationKind.CIDR))) {
    return { purpose: `reach ${destination} on ${port}${placeholder}`, command: `${exec} curl -sv --max-time 10 ${sq(`https://${host}${first === '443' ? '' : `:${first}`}/`)}` };
  }
  if (proto === 'TCP' && app === 'HTTP') {
    return { purpose: `reach ${destination} on ${port}${placeholder}`, command: `${exec} curl -sv --max-time 10 ${sq(`http://${host}${first === '80' ? '' : `:${first}`}/`)}` };
  }
  if (proto === 'SCTP') return undefined;
  return { purpose: `open a connection to ${destination} on ${port}${placeholder}`, command: `${exec} nc -vz${proto === 'UDP' ? 'u' : ''} -w 5 ${sq(host)} ${first}` };
}

export function commandsForWorkload(w: Omit<WorkloadData, 'commands'>, policies: readonly ModelPolicy[], gateways: readonly GatewayRef[], fixedIps: readonly EgressFact[]): CommandData[] {
  const out: CommandData[] = [];
  const ns = w.namespace;
  const selector = Object.keys(w.podLabels).length ? ` -l ${sq(labelText(w.podLabels))}` : '';
  out.push({ purpose: 'pick a pod of the workload', command: `POD=$(kubectl get pod -n ${sq(ns)}${selector} -o jsonpath='{.items[0].metadata.name}')` });
  for (const r of w.reach) {
    if (r.kind === DestinationKind.FQDN) out.push({ purpose: `resolve ${r.destination} from the pod`, command: `kubectl exec -n ${sq(ns)} "$POD" -- nslookup ${sq(r.destination)}` });
    if (!isHostnameKind(r.kind as DestinationKind) && r.kind !== DestinationKind.CIDR) continue;
    for (const p of r.ports) {
      const c = probe(ns, r.destination, r.kind, p);
      if (c) out.push(c);
    }
  }
  for (const p of [...policies].sort((a, b) => compareStrings(a.objectRef, b.objectRef))) {
    const get = getObject(p.objectRef);
    if (get) out.push({ purpose: `the ${p.backend} policy that ${p.purpose === 'Deny' ? 'isolates' : 'allows'} it`, command: get });
  }
  const backends = new Set(policies.map((p) => p.backend));
  if (backends.has('kubernetes')) {
    out.push({ purpose: 'every NetworkPolicy of the namespace', command: `kubectl get networkpolicy -n ${sq(ns)}` });
  }
  if (backends.has('cilium')) {
    out.push({ purpose: 'the policy Cilium computed (run in the agent; Cilium < 1.15 calls it `cilium`)', command: 'kubectl -n kube-system exec ds/cilium -- cilium-dbg policy get' });
    out.push({ purpose: 'recent drops of the workload', command: `hubble observe --namespace ${sq(ns)}${Object.keys(w.podLabels).length ? ` --label ${sq(labelText(w.podLabels))}` : ''} --verdict DROPPED --last 50` });
  }
  if (fixedIps.some((f) => (f.details?.[K.PROVIDER] ?? '') === 'cilium')) {
    out.push({ purpose: 'Cilium egress gateway SNAT entries (fixed source IP)', command: 'kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf egress list' });
  }
  for (const f of fixedIps) {
    for (const ref of f.objectRefs) {
      const get = getObject(ref);
      if (get) out.push({ purpose: 'the fixed egress IP configuration', command: get });
    }
  }
  for (const g of gateways) {
    if (!g.namespace) continue;
    out.push({ purpose: `routes the sidecar knows for the gateway ${g.id}`, command: `istioctl proxy-config routes "$POD" -n ${sq(ns)}` });
    for (const r of w.reach.filter((x) => x.path === `via gateway ${g.id}` && x.kind === DestinationKind.FQDN)) {
      out.push({ purpose: `the sidecar's cluster for ${r.destination}`, command: `istioctl proxy-config clusters "$POD" -n ${sq(ns)} --fqdn ${sq(r.destination)}` });
    }
    out.push({ purpose: `routes on the egress gateway ${g.id}`, command: `istioctl proxy-config routes deploy/${g.workload} -n ${sq(g.namespace)}` });
  }
  return dedupe(out);
}

export function commandsForGateway(g: Omit<GatewayData, 'commands'>, labels: Record<string, string> | undefined): CommandData[] {
  if (!g.namespace) return g.objects.map(getObject).filter((c): c is string => c !== undefined).map((command) => ({ purpose: 'an object of the route', command }));
  const out: CommandData[] = [
    { purpose: 'the gateway pods', command: `kubectl get pods -n ${sq(g.namespace)}${labels ? ` -l ${sq(labelText(labels))}` : ''} -o wide` },
    { purpose: 'HTTP routes on the gateway', command: `istioctl proxy-config routes deploy/${g.workload} -n ${sq(g.namespace)}` },
    { purpose: 'listeners on the gateway (TLS passthrough is matched by SNI here)', command: `istioctl proxy-config listeners deploy/${g.workload} -n ${sq(g.namespace)}` },
  ];
  for (const h of g.hosts) {
    out.push({ purpose: `the upstream cluster for ${h}`, command: `istioctl proxy-config clusters deploy/${g.workload} -n ${sq(g.namespace)} --fqdn ${sq(h)}` });
  }
  out.push({ purpose: 'recent gateway access log lines', command: `kubectl logs -n ${sq(g.namespace)} deploy/${g.workload} --tail=100` });
  for (const ref of g.objects) {
    const get = getObject(ref);
    if (get) out.push({ purpose: 'an object of the route', command: get });
  }
  return dedupe(out);
}

function dedupe(list: CommandData[]): CommandData[] {
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.command) ? false : (seen.add(c.command), true)));
}
