// Canonical string keys of the backend-neutral configs, for de-duplication and grouping, and
// structural equality for the places that compare a few configs without building keys.
// Keys are computed when needed and not remembered: remembering them kept a string per
// destination alive for the life of the app, which cost more in garbage collection than
// computing them again while rendering.

/** The canonical key of a config object (its JSON text). */
export function configKey(config: object): string {
  return JSON.stringify(config);
}

/** The canonical key of a list of configs. */
export function configListKey(configs: readonly object[]): string {
  return configs.length === 1 ? `[${configKey(configs[0])}]` : `[${configs.map(configKey).join(',')}]`;
}

/** Deep equality of plain config values (objects, arrays, primitives), whatever the key order. */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameConfig(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameConfig(x[k], y[k]));
}
