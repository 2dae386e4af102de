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

/** Eight hex characters of a stable hash. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Sorted, de-duplicated copy. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
