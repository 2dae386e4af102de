// An independent reading of what an Istio sidecar under a Sidecar resource lets through, over
// synthesized JSON, written from Istio's reference docs (Sidecar `egress.hosts` and
// `outboundTrafficPolicy`, ServiceEntry `hosts`/`addresses`/`ports`/`exportTo`), not from src/.
// Scope: namespace-wide Sidecars (no workloadSelector), TCP (sidecars intercept TCP only), no
// egress gateways.
import { blockContains, parseAddress, parseBlock } from './cidr';

export interface MeshPod { namespace: string; labels: Record<string, string> }
export interface MeshProbe { from: MeshPod; toPod?: MeshPod; toIp?: string; toHostname?: string; port: number; protocol: string }

/** `ns/host` of a Sidecar egress listener imports `host` from `ns` (`.` own, `*` any; host `*` or `*.suffix`). */
function imports(hosts: string[], sidecarNs: string, objectNs: string, host: string): boolean {
  return hosts.some((h) => {
    const [ns, pattern] = h.split('/');
    const nsOk = ns === '*' || (ns === '.' ? objectNs === sidecarNs : ns === objectNs);
    const hostOk = pattern === '*' || pattern === host || (pattern.startsWith('*.') && host.endsWith(pattern.slice(1)));
    return nsOk && hostOk;
  });
}

/** ServiceEntry `exportTo` (default: every namespace). */
function exported(se: any, to: string): boolean {
  const list: string[] = se.spec.exportTo ?? ['*'];
  return list.some((e) => e === '*' || (e === '.' ? se.metadata.namespace === to : e === to));
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern === host || (pattern.startsWith('*.') && host.endsWith(pattern.slice(1)));
}

function inAddresses(addresses: string[] | undefined, ip: string | undefined): boolean {
  if (!addresses || !ip) return false;
  const a = parseAddress(ip);
  if (!a) return false;
  return addresses.some((c) => {
    const block = parseBlock(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`);
    return block !== undefined && blockContains(block, a);
  });
}

/** allowed / isolated for the sending pod's sidecar. */
export function evaluateMesh(manifests: any[], p: MeshProbe): { allowed: boolean; isolated: boolean } {
  if (p.protocol !== 'TCP') return { allowed: true, isolated: false };
  const sidecar = manifests.find((m) => m.kind === 'Sidecar' && m.metadata.namespace === p.from.namespace && !m.spec.workloadSelector);
  if (!sidecar || sidecar.spec.outboundTrafficPolicy?.mode !== 'REGISTRY_ONLY') return { allowed: true, isolated: false };
  const hosts: string[] = (sidecar.spec.egress ?? []).flatMap((e: any) => e.hosts ?? []);
  const ns = p.from.namespace;
  // In-cluster: the Kubernetes services of the namespaces the Sidecar imports (assumed to front the pods).
  if (p.toPod) return { allowed: imports(hosts, ns, p.toPod.namespace, `svc.${p.toPod.namespace}.svc.cluster.local`), isolated: true };
  const entries = manifests.filter((m) => m.kind === 'ServiceEntry' && exported(m, ns));
  const allowed = entries.some((se) => {
    const portOk = (se.spec.ports ?? []).some((port: any) => port.number === p.port);
    if (!portOk) return false;
    if (inAddresses(se.spec.addresses, p.toIp)) return imports(hosts, ns, se.metadata.namespace, se.spec.hosts[0]);
    if (se.spec.addresses?.length) return false;
    return p.toHostname !== undefined
      && se.spec.hosts.some((h: string) => hostMatches(h, p.toHostname!) && imports(hosts, ns, se.metadata.namespace, h));
  });
  return { allowed, isolated: true };
}
