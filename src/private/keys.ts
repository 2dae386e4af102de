// Canonical string keys of the backend-neutral configs, for de-duplication and grouping.
// Configs handed out by the value objects are frozen and shared, so their keys are computed
// once and remembered.

const KEYS = new WeakMap<object, string>();

/** The canonical key of a config object (its JSON text, computed once per frozen object). */
export function configKey(config: object): string {
  let key = KEYS.get(config);
  if (key === undefined) {
    key = JSON.stringify(config);
    if (Object.isFrozen(config)) KEYS.set(config, key);
  }
  return key;
}

/** The canonical key of a list of configs. */
export function configListKey(configs: readonly object[]): string {
  return configs.length === 1 ? `[${configKey(configs[0])}]` : `[${configs.map(configKey).join(',')}]`;
}
