// Deterministic names: DNS labels from free text, short stable hashes, host labels that never
// depend on which other hosts exist or in which order they were declared.
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
 * The text to derive a host's names from, distinct for distinct hosts and independent of every
 * other host: `api.example.com` and `api-example.com` have the same slug, so a host that has a
 * `-` of its own (the only way two DNS names can share a slug) carries a hash of itself. A host
 * without one keeps the plain text: its slug turns back into it (each `-` was a `.`).
 */
export function hostLabel(host: string): string {
  return host.includes('-') ? `${host}-${shortHash(host)}` : host;
}

/** Eight hex characters of a stable hash. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Sorted, de-duplicated copy. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
