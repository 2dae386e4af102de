// Output minimality: de-duplicate destinations and merge overlapping or adjacent CIDR blocks
// (only blocks without exceptions, so nothing is widened).
import { DestinationConfig, DestinationKind } from '../core/destination-config';
import { Cidr, isCidr, mergeCidrs, parseCidr } from '../util/cidr';
import { configKey } from '../util/keys';

export function minimizeDestinations(destinations: readonly DestinationConfig[]): DestinationConfig[] {
  const out: DestinationConfig[] = [];
  const seen = new Set<string>();
  const plain: Cidr[] = [];
  // The given config of each plain block (in canonical text), reused where merging leaves the
  // block as it was: no new object, and its key is already known.
  const given = new Map<Cidr, DestinationConfig>();
  let cidrSlot = -1;
  for (const d of destinations) {
    if (d.kind === DestinationKind.CIDR && (!d.except || d.except.length === 0)) {
      const c = parseCidr(d.cidr!);
      if (isCidr(c)) {
        plain.push(c);
        if (d.cidr === c.text && !given.has(c)) given.set(c, d);
        if (cidrSlot === -1) {
          cidrSlot = out.length;
          out.push(d); // placeholder, replaced below
        }
        continue;
      }
    }
    const key = configKey(d);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  if (cidrSlot === -1) return out;
  const merged: DestinationConfig[] = mergeCidrs(plain).map((c) => given.get(c) ?? { kind: DestinationKind.CIDR, cidr: c.text, ipFamily: c.family });
  out.splice(cidrSlot, 1, ...merged);
  return out;
}
