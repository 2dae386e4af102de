// Kubernetes name and label syntax (apimachinery validation), returned as problems.
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { argProblem, isPlainObject, stringMap } from './inputs';
import { show } from '../util/show';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function suggestDnsLabel(value: string): string {
  const s = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return s || 'my-namespace';
}

export function namespaceProblems(value: string, what = 'namespace'): Problem[] {
  if (typeof value !== 'string') return [argProblem(what.charAt(0).toUpperCase() + what.slice(1), value, 'a namespace name (a string) such as "production"')];
  if (value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value)) {
    return [{
      code: EgressErrorCode.INVALID_NAME,
      message: `Invalid ${what} "${value}": it must be a DNS-1123 label (lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit). Did you mean "${suggestDnsLabel(value)}"?`,
    }];
  }
  return [];
}

export function objectNameProblems(value: string): Problem[] {
  if (typeof value !== 'string') return [argProblem('The object name', value, 'a string such as "egress-control"')];
  if (value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return [{
      code: EgressErrorCode.INVALID_NAME,
      message: `Invalid object name "${value}": it must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). Did you mean "${suggestDnsLabel(value)}"?`,
    }];
  }
  return [];
}

export function labelProblems(labels: Record<string, string>, where: string): Problem[] {
  if (!isPlainObject(labels)) return stringMap(labels, where);
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.indexOf('/');
    const prefix = slash === -1 ? undefined : key.slice(0, slash);
    const name = slash === -1 ? key : key.slice(slash + 1);
    if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
      problems.push({
        code: EgressErrorCode.INVALID_LABEL,
        message: `Invalid label key "${key}" in ${where}: the prefix "${prefix}" must be a DNS-1123 subdomain such as "example.com"`,
      });
    } else if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
      problems.push({
        code: EgressErrorCode.INVALID_LABEL,
        message: `Invalid label key "${key}" in ${where}: the name part must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      });
    }
    if (typeof value !== 'string' || value.length > 63 || (value.length > 0 && !LABEL_NAME.test(value))) {
      problems.push({
        code: EgressErrorCode.INVALID_LABEL,
        message: `Invalid label value ${typeof value === 'string' ? show(value) : `${show(value)} (a ${value === null ? 'null' : typeof value}, not a string)`} for key "${key}" in ${where}: values must be strings of at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)${typeof value === 'number' || typeof value === 'boolean' ? `. Did you mean "${String(value)}"?` : ''}`,
      });
    }
  }
  return problems;
}

/** Labels in canonical (sorted-key) order, so output does not depend on insertion order. */
export function sortedLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

export function labelsKey(labels: Record<string, string> | undefined): string {
  return labels === undefined ? '*' : JSON.stringify(sortedLabels(labels));
}

/** True when every label of `selector` is present with the same value in `labels`. */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  // A loop rather than Object.entries(): app-wide checks call this for every pair of sources.
  for (const k of Object.keys(selector)) if (labels[k] !== selector[k]) return false;
  return true;
}

/** True when some pod can carry both label sets (no key with two different values). */
export function labelsCompatible(a: Record<string, string>, b: Record<string, string>): boolean {
  for (const k of Object.keys(a)) if (b[k] !== undefined && b[k] !== a[k]) return false;
  return true;
}

/** The pods of a source: a namespace, and labels (every pod of it when none). */
interface PodSet {
  readonly namespace: string;
  readonly podLabels?: Record<string, string>;
}

/** True when some pod may be selected by both sources (same namespace, no conflicting label). */
export function sourcesMayOverlap(a: PodSet, b: PodSet): boolean {
  return a.namespace === b.namespace && (a.podLabels === undefined || b.podLabels === undefined || labelsCompatible(a.podLabels, b.podLabels));
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
