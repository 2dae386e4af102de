// Canonical string keys of the backend-neutral configs, for de-duplication and grouping, and
// structural equality for the places that compare a few configs without building keys.
// Keys are computed when needed and not remembered: remembering them kept a string per
// destination alive for the life of the app, which cost more in garbage collection than
// computing them again while rendering.
import { isDeepStrictEqual } from 'util';

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
  return isDeepStrictEqual(a, b);
}
