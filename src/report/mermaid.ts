// A Mermaid flowchart of workloads → egress gateways → external destinations. Node ids are derived
// from names (sanitized to [A-Za-z0-9_], prefixed by kind, numbered on collision) in sorted
// order, so the text is deterministic and diffable. In-cluster destinations are not drawn.
import { SourceAddress, TypedReach } from './typed-reach';
import { DestinationKind } from '../core/destination-config';
import { isHostnameKind } from '../core/hosts';

/** A workload as the picture draws it: its rows with their typed destination, gateway and source. */
export interface FlowWorkload {
  readonly id: string;
  readonly description: string;
  readonly reach: readonly TypedReach[];
}

/** An egress gateway as the picture draws it. */
export interface FlowGateway {
  readonly id: string;
  readonly source: SourceAddress;
}

/** Text inside a quoted Mermaid label: quotes and `#` become entity codes. */
export function mermaidText(s: string): string {
  return s.replace(/#/g, '#35;').replace(/"/g, '#quot;');
}

class Ids {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  public get(prefix: string, key: string): string {
    const k = `${prefix}|${key}`;
    const known = this.byKey.get(k);
    if (known) return known;
    const base = `${prefix}_${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'x'}`;
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}_${i}`;
    this.used.add(id);
    this.byKey.set(k, id);
    return id;
  }
}

/** Drawn: what leaves the cluster (addresses and hostnames). */
function isExternal(r: TypedReach): boolean {
  return r.destination.kind === DestinationKind.CIDR || isHostnameKind(r.destination.kind);
}

/** The edge label for a source: its address when a fixed one names one, `fixed src` when it names none, '' when not fixed. */
function sourceLabel(s: SourceAddress | undefined): string {
  if (!s?.fixed) return '';
  return s.address !== undefined ? `src ${s.address}` : 'fixed src';
}

export function renderMermaid(workloads: readonly FlowWorkload[], gateways: readonly FlowGateway[]): string {
  const ids = new Ids();
  const lines: string[] = ['flowchart LR'];
  const edges = new Set<string>();
  const dests = new Set<string>();
  const drawn = workloads.filter((w) => w.reach.some(isExternal));
  const usedGateways = new Set<string>();

  for (const w of drawn) {
    for (const r of w.reach.filter(isExternal)) {
      const wid = ids.get('w', w.id);
      const did = ids.get('d', r.row.destination);
      dests.add(r.row.destination);
      const ports = r.row.ports.join(', ');
      const gw = r.gatewayId;
      if (gw !== undefined) {
        usedGateways.add(gw);
        const gid = ids.get('g', gw);
        edges.add(`  ${wid} -->|"${mermaidText(ports)}"| ${gid}`);
        const src = sourceLabel(gateways.find((x) => x.id === gw)?.source);
        edges.add(`  ${gid} -->${src ? `|"${mermaidText(src)}"|` : ''} ${did}`);
      } else {
        const src = sourceLabel(r.source);
        edges.add(`  ${wid} -->|"${mermaidText(src ? `${ports} · ${src}` : ports)}"| ${did}`);
      }
    }
  }
  if (drawn.length === 0) {
    lines.push('  none["no external egress declared"]');
    return `${lines.join('\n')}\n`;
  }
  lines.push('  subgraph cluster["Kubernetes cluster"]');
  for (const w of drawn) lines.push(`    ${ids.get('w', w.id)}["${mermaidText(w.description)}"]`);
  for (const g of [...usedGateways].sort()) lines.push(`    ${ids.get('g', g)}{{"${mermaidText(`egress gateway ${g}`)}"}}`);
  lines.push('  end');
  for (const d of [...dests].sort()) lines.push(`  ${ids.get('d', d)}(["${mermaidText(d)}"])`);
  lines.push(...[...edges].sort());
  return `${lines.join('\n')}\n`;
}
