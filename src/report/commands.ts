// Troubleshooting commands with the real names filled in: the seed's "Egress故障排查" list
// (curl from the pod, the NetworkPolicy, cilium bpf egress list / policy get, istioctl
// proxy-config routes on the gateway), tailored to each workload and gateway.
import { CommandData, GatewayData, WorkloadData } from './data';
import { TypedReach } from './typed-reach';
import { describePort, labelText } from '../core/describe';
import { DestinationConfig, DestinationKind } from '../core/destination-config';
import { parseObjectRef } from '../core/object-ref';
import { AppProtocol, PortConfig, Protocol } from '../core/port-config';
import { EgressFactDetails as K } from '../model/fact-details';
import { EgressFact } from '../model/facts';
import { GrantPurpose, ModelPolicy } from '../model/policy';
import { IpFamily, familyBits, formatAddress, isCidr, parseCidr } from '../util/cidr';
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

/** `Kind/namespace/name` → `kubectl get kind -n namespace name -o yaml`; undefined for any other reference. */
export function getObject(ref: string): string | undefined {
  const o = parseObjectRef(ref);
  if (!o) return undefined;
  return `kubectl get ${o.kind.toLowerCase()}${o.namespace ? ` -n ${sq(o.namespace)}` : ''} ${sq(o.name)} -o yaml`;
}

/** The host a probe connects to, and whether it is a placeholder the user replaces. */
function probeHost(d: DestinationConfig): { host: string; ip?: IpFamily; placeholder: boolean } | undefined {
  switch (d.kind) {
    case DestinationKind.FQDN:
      return { host: d.hostname!, placeholder: false };
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX:
      // `*.example.com`: one label (pattern) or any number (suffix) in front of the domain
      return { host: `<name>${d.hostname!.slice(1)}`, placeholder: true };
    case DestinationKind.CIDR: {
      const c = parseCidr(d.cidr!);
      if (!isCidr(c)) return undefined;
      return c.prefix === familyBits(c.family)
        ? { host: formatAddress(c.family, c.network), ip: c.family, placeholder: false }
        : { host: `<an address in ${c.text}>`, placeholder: true };
    }
    default:
      return undefined;
  }
}

/** A connection test from `$POD` for one destination and port: curl for HTTP(S), nc otherwise, none for SCTP or a whole protocol. */
function probe(ns: string, r: TypedReach, p: PortConfig): CommandData | undefined {
  if (p.port === undefined || p.protocol === Protocol.SCTP) return undefined;
  const target = probeHost(r.destination);
  if (!target) return undefined;
  const { host, placeholder } = target;
  const exec = `kubectl exec -n ${sq(ns)} "$POD" --`;
  const on = `${r.row.destination} on ${describePort(p)}${placeholder ? ' (replace the placeholder)' : ''}`;
  const urlHost = target.ip === 6 ? `[${host}]` : host;
  const https = p.appProtocol === AppProtocol.HTTPS
    || (p.appProtocol === undefined && p.port === 443 && r.destination.kind !== DestinationKind.CIDR);
  if (p.protocol === Protocol.TCP && https) {
    return { purpose: `reach ${on}`, command: `${exec} curl -sv --max-time 10 ${sq(`https://${urlHost}${p.port === 443 ? '' : `:${p.port}`}/`)}` };
  }
  if (p.protocol === Protocol.TCP && p.appProtocol === AppProtocol.HTTP) {
    return { purpose: `reach ${on}`, command: `${exec} curl -sv --max-time 10 ${sq(`http://${urlHost}${p.port === 80 ? '' : `:${p.port}`}/`)}` };
  }
  return { purpose: `open a connection to ${on}`, command: `${exec} nc -vz${p.protocol === Protocol.UDP ? 'u' : ''} -w 5 ${sq(host)} ${p.port}` };
}

export function commandsForWorkload(
  w: Omit<WorkloadData, 'commands' | 'reach'>, reach: readonly TypedReach[], policies: readonly ModelPolicy[],
  gateways: readonly GatewayRef[], fixedIps: readonly EgressFact[],
): CommandData[] {
  const out: CommandData[] = [];
  const ns = w.namespace;
  const selector = Object.keys(w.podLabels).length ? ` -l ${sq(labelText(w.podLabels))}` : '';
  out.push({ purpose: 'pick a pod of the workload', command: `POD=$(kubectl get pod -n ${sq(ns)}${selector} -o jsonpath='{.items[0].metadata.name}')` });
  for (const r of reach) {
    const d = r.destination;
    if (d.kind === DestinationKind.FQDN) out.push({ purpose: `resolve ${r.row.destination} from the pod`, command: `kubectl exec -n ${sq(ns)} "$POD" -- nslookup ${sq(d.hostname!)}` });
    for (const p of r.ports) {
      const c = probe(ns, r, p);
      if (c) out.push(c);
    }
  }
  for (const p of [...policies].sort((a, b) => compareStrings(a.objectRef, b.objectRef))) {
    const get = getObject(p.objectRef);
    if (get) out.push({ purpose: `the ${p.backend} policy that ${p.purpose === GrantPurpose.DENY ? 'isolates' : 'allows'} it`, command: get });
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
    for (const r of reach.filter((x) => x.gatewayId === g.id && x.destination.kind === DestinationKind.FQDN)) {
      out.push({ purpose: `the sidecar's cluster for ${r.row.destination}`, command: `istioctl proxy-config clusters "$POD" -n ${sq(ns)} --fqdn ${sq(r.destination.hostname!)}` });
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
