// A Mermaid flowchart of workloads → egress gateways → external destinations. Node ids are derived
// from names (sanitized to [A-Za-z0-9_], prefixed by kind, numbered on collision) in sorted
// order, so the text is deterministic and diffable. In-cluster destinations are not drawn.
import { GatewayData, WorkloadData } from './data';

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

const EXTERNAL = new Set(['Fqdn', 'FqdnPattern', 'FqdnSuffix', 'Cidr']);

/** An IPv4 or IPv6 address (or block) in a source-IP description. */
const IP_TOKEN = /\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?/i;

/** The edge label for a fixed source: its address when the description names one. */
function sourceLabel(text: string): string {
  const ip = IP_TOKEN.exec(text);
  return ip ? `src ${ip[0]}` : 'fixed src';
}

export function renderMermaid(workloads: readonly WorkloadData[], gateways: readonly GatewayData[]): string {
  const ids = new Ids();
  const lines: string[] = ['flowchart LR'];
  const edges = new Set<string>();
  const dests = new Set<string>();
  const drawn = workloads.filter((w) => w.reach.some((r) => EXTERNAL.has(r.kind)));
  const usedGateways = new Set<string>();

  for (const w of drawn) {
    for (const r of w.reach.filter((x) => EXTERNAL.has(x.kind))) {
      const wid = ids.get('w', w.id);
      const did = ids.get('d', r.destination);
      dests.add(r.destination);
      const ports = r.ports.join(', ');
      const gw = r.path.startsWith('via gateway ') ? r.path.slice('via gateway '.length) : undefined;
      if (gw) {
        usedGateways.add(gw);
        const gid = ids.get('g', gw);
        edges.add(`  ${wid} -->|"${mermaidText(ports)}"| ${gid}`);
        const g = gateways.find((x) => x.id === gw);
        const src = g && !g.sourceIp.includes('not fixed') ? sourceLabel(g.sourceIp) : '';
        edges.add(`  ${gid} -->${src ? `|"${mermaidText(src)}"|` : ''} ${did}`);
      } else {
        const src = r.sourceIp.includes('not fixed') ? '' : ` · ${sourceLabel(r.sourceIp)}`;
        edges.add(`  ${wid} -->|"${mermaidText(ports + src)}"| ${did}`);
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
