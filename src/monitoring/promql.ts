// Small, pure PromQL builders. Every value that reaches an expression goes through `quote`, and
// every value that reaches a regex matcher through `regexEscape`, so user input (hostnames,
// namespaces, labels) cannot change the structure of a query.

/** A PromQL double-quoted string literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Escape RE2 metacharacters so the value matches literally. */
export function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One label matcher. */
export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
export const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });
export const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });

/** `{a="b", c=~"d"}` (empty braces are never produced: callers always pass a matcher). */
export function selector(metric: string, matchers: readonly Matcher[]): string {
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ')}}`;
}

/** A regex alternative that matches exactly one of `values` (sorted, de-duplicated). */
export function anyOf(values: readonly string[]): string {
  return [...new Set(values)].sort().map(regexEscape).join('|');
}

/**
 * A regex that matches the Istio `destination_service` of a host: the host itself, and for a
 * pattern (`*.example.com`) both the literal pattern (what the ServiceEntry host is) and any
 * concrete one-label name under it.
 */
export function hostsRegex(hosts: readonly string[]): string {
  const parts = new Set<string>();
  for (const h of [...new Set(hosts)].sort()) {
    parts.add(regexEscape(h));
    if (h.startsWith('*.')) parts.add(`[^.]+${regexEscape(h.slice(1))}`);
  }
  return [...parts].join('|');
}

/** A Prometheus duration (`90s`, `5m`, `1h`, `1d`) from seconds: the largest whole unit. */
export function promDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** A number as PromQL writes it (no exponent for the values we use). */
export function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/**
 * What a counter counted in `window`, per series: its increase where the series already existed a
 * window ago, else its whole value. Istio and Hubble create a series with its first event, so a
 * series born at 1 that never moves has an increase() of 0: without the second term the first
 * blocked attempt of a workload would never be counted.
 */
export function eventsIn(series: string, window: string): string {
  return `(increase(${series}[${window}]) and ${series} offset ${window}) or (${series} unless ${series} offset ${window})`;
}
