// Values as given, for messages: the one home of how the library prints a value a caller passed
// (strings in quotes, numbers bare, lists as lists, library instances by class and text form,
// constructs by path, an uncalled factory by name). Imports nothing from src/.
/** Public class names, looked up along a value's prototype chain when printing it. */
const PUBLIC_CLASSES = new Set([
  'Port', 'Destination', 'EgressSource', 'DnsResolver', 'EgressBackend', 'FixedEgressIpProvider', 'HttpRule',
  'EgressGatewayProvider', 'AlibabaEipReleaseStrategy', 'Duration', 'App', 'Chart', 'EgressPolicy',
  'DnsEgressRule', 'DefaultDenyEgress', 'AllowedExternalService', 'FixedEgressIp', 'EgressGateway', 'EgressRoute',
  'EgressMonitoring', 'ApiObject', 'EgressBackendBase', 'FixedEgressIpProviderBase',
]);

/** Contract base classes, printed by the name of the factory class their instances come from. */
const SHOWN_AS: Record<string, string> = { EgressBackendBase: 'EgressBackend', FixedEgressIpProviderBase: 'FixedEgressIpProvider' };

/** The public class a value is an instance of (its own class when none of ours), or undefined for plain objects. */
function className(v: object): string | undefined {
  let proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return undefined;
  const own = (v as { constructor?: { name?: string } }).constructor?.name;
  while (proto && proto !== Object.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && PUBLIC_CLASSES.has(name)) return SHOWN_AS[name] ?? name;
    proto = Object.getPrototypeOf(proto);
  }
  return own || 'object';
}

function truncate(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A function as the caller wrote it: `EgressBackend.cilium` (a factory not called) or `function f`. */
function showFunction(f: Function): string {
  const owner = FACTORY_OWNERS.get(f);
  if (owner) return `${owner} (the factory itself, not called)`;
  const text = Function.prototype.toString.call(f);
  if (text.startsWith('class ')) return `the class ${f.name || '(anonymous)'} (not an instance)`;
  return `a function${f.name ? ` ${f.name}` : ''}`;
}

/** Static factories by function, so an uncalled one is named as written. Filled by registerFactories. */
const FACTORY_OWNERS = new Map<Function, string>();

/**
 * Remember the static methods of a public class, so that passing `EgressBackend.cilium` instead
 * of `EgressBackend.cilium()` is reported by name.
 */
export function registerFactories(cls: Function, name: string): void {
  for (const key of Object.getOwnPropertyNames(cls)) {
    const d = Object.getOwnPropertyDescriptor(cls, key);
    if (d && typeof d.value === 'function' && !key.startsWith('_')) FACTORY_OWNERS.set(d.value as Function, `${name}.${key}`);
  }
}

/** The factory call to write instead of an uncalled factory, or undefined. */
export function uncalledFactory(v: unknown): string | undefined {
  return typeof v === 'function' ? FACTORY_OWNERS.get(v) : undefined;
}

/**
 * A value as given, for messages: strings in double quotes, numbers bare, lists and plain objects
 * with their contents (shortened), instances of the library's classes by class and text form
 * (`Port TCP/443`), constructs by path, functions by name.
 */
export function show(v: unknown, depth = 0): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return truncate(JSON.stringify(v));
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint': return `${v}n`;
    case 'boolean': return String(v);
    case 'symbol': return v.toString();
    case 'function': return showFunction(v);
    default: break;
  }
  const o = v as object;
  if (depth > 2) return Array.isArray(o) ? '[…]' : '{…}';
  if (Array.isArray(o)) {
    const items = o.slice(0, 6).map((x) => show(x, depth + 1));
    return truncate(`[${items.join(', ')}${o.length > 6 ? `, … (${o.length} items)` : ''}]`, 200);
  }
  const cls = className(o);
  if (cls !== undefined) {
    const node = (o as { node?: { path?: unknown } }).node;
    if (node && typeof node.path === 'string') return `${cls === 'object' ? 'a construct' : `the ${cls}`} at ${node.path === '' ? 'the app root' : node.path}`;
    if (cls === 'Duration' && typeof (o as { toHumanString?: unknown }).toHumanString === 'function') {
      return `Duration ${(o as { toHumanString(): string }).toHumanString()}`;
    }
    const text = textForm(o);
    if (text !== undefined) return truncate(`${cls} ${text}`);
    return cls === 'object' ? 'an object' : article(cls);
  }
  const entries = Object.entries(o);
  const shown = entries.slice(0, 6).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${show(x, depth + 1)}`);
  return truncate(`{ ${shown.join(', ')}${entries.length > 6 ? ', …' : ''} }`.replace('{  }', '{}'), 200);
}

/** `a Port`, `an EgressBackend`. */
export function article(noun: string): string {
  return `${/^[AEIOU]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** The text form of an instance: its own toString(), describe(), description or displayName. */
function textForm(o: object): string | undefined {
  const x = o as { toString?: unknown; describe?: unknown; description?: unknown; displayName?: unknown };
  try {
    if (typeof x.toString === 'function' && x.toString !== Object.prototype.toString) {
      const t = String(x.toString.call(o));
      if (t && t !== '[object Object]') return t;
    }
    if (typeof x.describe === 'function') return String(x.describe.call(o));
  } catch {
    // an invalid value whose text form fails: fall back to its fields
  }
  if (typeof x.description === 'string') return x.description;
  if (typeof x.displayName === 'string') return x.displayName;
  return undefined;
}

/** What kind of value this is, in words: `a string`, `a list`, `null`. */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'function') return uncalledFactory(v) ? 'a factory that was not called' : 'a function';
  if (typeof v === 'object') {
    const cls = className(v);
    return cls === undefined ? 'a plain object' : cls === 'object' ? 'an object' : article(cls);
  }
  return `a ${typeof v}`;
}

/** A value and its kind: `"443" (a string)`; just the value where the kind is obvious. */
export function showWithKind(v: unknown): string {
  if (v === undefined || v === null) return show(v);
  if (typeof v === 'object' && !Array.isArray(v) && className(v) !== undefined) return show(v);
  if (typeof v === 'function') return show(v);
  return `${show(v)} (${kindOf(v)})`;
}
