// Deterministic names for Istio objects, subsets and ports.
import { createHash } from 'crypto';

/** A DNS-1123 label made from free text: `*.googleapis.com` -> `wildcard-googleapis-com`. */
export function slug(text: string, max = 63): string {
  const s = text.toLowerCase()
    .replace(/^\*\./, 'wildcard-')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length <= max) return s || 'x';
  const h = shortHash(text);
  return `${s.slice(0, max - h.length - 1).replace(/-+$/, '')}-${h}`;
}

/**
 * Names derived from hosts, kept distinct: `api.example.com` and `api-example.com` have the same
 * slug, so a later host whose slug is taken is named from its text plus a hash. The first host
 * keeps the plain slug, so names do not change for hosts that clash with nothing.
 */
export class HostSlugs {
  private readonly texts = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** The text to slug for `host` (the host itself unless its slug was taken by another host). */
  public text(host: string): string {
    let text = this.texts.get(host);
    if (text === undefined) {
      text = this.taken.has(slug(host)) ? `${host}-${shortHash(host)}` : host;
      this.texts.set(host, text);
      this.taken.add(slug(text));
    }
    return text;
  }
}

/** Eight hex characters of a stable hash. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Sorted, de-duplicated copy. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
