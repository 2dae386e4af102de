// Checks of what callers pass in, at the boundary of the public API. JavaScript callers, untyped
// configuration and hand-built structs do not go through the TypeScript compiler, so every
// factory, constructor and method checks the presence and runtime type of its arguments here and
// reports a Problem (raised with the construct path by the construct that consumes it). Values are
// printed as given: a string in quotes, a number without, a list as a list, a factory that was not
// called as that factory.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EgressError, Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { article, show, showWithKind, uncalledFactory } from '../util/show';


/** An INVALID_ARGUMENT problem: `<where> must be <expected>, got <value>. <fix>`. */
export function argProblem(where: string, value: unknown, expected: string, fix?: string): Problem {
  const factory = uncalledFactory(value);
  const hint = fix ?? (factory ? `Call it: ${factory}(…)` : undefined);
  return {
    code: EgressErrorCode.INVALID_ARGUMENT,
    message: `${where} must be ${expected}, got ${showWithKind(value)}${hint ? `. ${hint}` : ''}`,
  };
}

/** Throw the first problem as an EgressError without a construct (value objects: the factory names the place). */
export function raiseUnscoped(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const rest = problems.slice(1).map((p) => `; also: ${p.message}`).join('');
  throw new EgressError(problems[0].code, problems[0].message + rest);
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns the problems of one value (none when it is fine).
// ---------------------------------------------------------------------------------------------

/** Checks a value found at `where` (for example `EgressPolicy props.name`). */
export type Check = (v: unknown, where: string) => Problem[];

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A string (non-empty unless `allowEmpty`). */
export function str(opts: { readonly allowEmpty?: boolean; readonly example?: string } = {}): Check {
  return (v, where) => {
    if (typeof v !== 'string') return [argProblem(where, v, `a string${opts.example ? ` such as ${JSON.stringify(opts.example)}` : ''}`)];
    if (!opts.allowEmpty && v.trim() === '') return [argProblem(where, v, `a non-empty string${opts.example ? ` such as ${JSON.stringify(opts.example)}` : ''}`)];
    return [];
  };
}

/** true or false. */
export const bool: Check = (v, where) => (typeof v === 'boolean' ? [] : [argProblem(where, v, 'true or false',
  typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? `Write ${v.trim().toLowerCase()} without quotes` : undefined)]);

/**
 * A number. Only the type is checked here: NaN, infinities, fractions and ranges are reported by
 * the validator of the value, which knows the range and the fix.
 */
export function num(): Check {
  return (v, where) => {
    if (typeof v === 'number') return [];
    const fix = typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? `Write ${Number(v)} without quotes` : undefined;
    return [argProblem(where, v, 'a number', fix)];
  };
}

/** A map of string keys to string values (labels, annotations). Key and value syntax are checked elsewhere. */
export const stringMap: Check = (v, where) => {
  if (!isPlainObject(v)) {
    const fix = typeof v === 'string' && v.includes('=') ? `Write it as an object: { ${v.split(',').map((kv) => kv.split('=')).map(([k, x]) => `${JSON.stringify(k.trim())}: ${JSON.stringify((x ?? '').trim())}`).join(', ')} }` : undefined;
    return [argProblem(where, v, 'an object of string keys and string values such as { app: \'backend\' }', fix)];
  }
  const problems: Problem[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') problems.push(argProblem(`${where}["${k}"]`, x, 'a string', typeof x === 'number' || typeof x === 'boolean' ? `Write ${JSON.stringify(String(x))}` : undefined));
  }
  return problems;
};

/**
 * One of the values of an enum (the TypeScript enum object), named `enumName` in messages. With
 * `typeOnly`, any string passes (the consumer refuses unknown strings with a message of its own).
 */
export function oneOf(values: object, enumName: string, opts: { readonly typeOnly?: boolean } = {}): Check {
  const allowed = Object.values(values) as unknown[];
  return (v, where) => {
    if (allowed.includes(v) || (opts.typeOnly && typeof v === 'string')) return [];
    const members = Object.keys(values).map((k) => `${enumName}.${k}`).join(', ');
    const match = typeof v === 'string' ? Object.entries(values).find(([k, x]) => k.toLowerCase() === v.toLowerCase() || String(x).toLowerCase() === v.toLowerCase()) : undefined;
    return [argProblem(where, v, `one of ${members}`, match ? `Did you mean ${enumName}.${match[0]}?` : undefined)];
  };
}

/** An instance of `cls` (named `name`), built with one of `factories` (for the fix). */
export function instance(cls: Function, name: string, example: string): Check {
  return implementing((v) => v instanceof cls, name, example);
}

/** A value that `is` accepts (an implementation of a contract named `name`), e.g. `example`. */
export function implementing(is: (v: unknown) => boolean, name: string, example: string): Check {
  return (v, where) => {
    if (is(v)) return [];
    if (Array.isArray(v)) {
      return [argProblem(where, v, `one ${name}`, v.length === 1 && is(v[0]) ? `Pass the value without the list: ${show(v[0])}` : `Pass one ${name}, e.g. ${example}`)];
    }
    const factory = uncalledFactory(v);
    if (factory) return [argProblem(where, v, article(name), `Call the factory: ${factory}(…)`)];
    return [argProblem(where, v, `${article(name)}, e.g. ${example}`)];
  };
}

/** A construct (something with a construct node). */
export const construct: Check = (v, where) => (isConstruct(v) ? [] : [argProblem(where, v, 'a construct (a Chart, or a construct inside one)')]);

export function isConstruct(v: unknown): v is IConstruct {
  const node = (v as { node?: { path?: unknown; root?: unknown } } | null | undefined)?.node;
  return typeof v === 'object' && v !== null && node !== undefined && node !== null && typeof node.path === 'string' && node.root !== undefined;
}

/** A list whose items pass `item`; refuses a single value, a nested list and (with `nonEmpty`) an empty list. */
export interface ListOptions {
  /** Refuse an empty list. */
  readonly nonEmpty?: boolean;
  /** The fix shown for an empty list. */
  readonly emptyFix?: string;
  /** The code of the problem for an empty list. @default EgressErrorCode.INVALID_ARGUMENT */
  readonly emptyCode?: EgressErrorCode;
  /** What the items are, in words (`Port values`). */
  readonly itemName?: string;
  /** The fix shown for a list inside the list. @default 'Flatten the list' */
  readonly nestedFix?: string;
}

export function list(item: Check, opts: ListOptions = {}): Check {
  return (v, where) => {
    const what = opts.itemName ? `a list of ${opts.itemName}` : 'a list';
    if (!Array.isArray(v)) {
      const single = v !== undefined && v !== null && item(v, where).length === 0;
      return [argProblem(where, v, what, single ? `Wrap the single value in a list: [${show(v)}]` : undefined)];
    }
    if (opts.nonEmpty && v.length === 0) {
      return [{ code: opts.emptyCode ?? EgressErrorCode.INVALID_ARGUMENT, message: `${where} is an empty list${opts.emptyFix ? `: ${opts.emptyFix}` : ''}` }];
    }
    const problems: Problem[] = [];
    v.forEach((x, i) => {
      if (Array.isArray(x)) {
        problems.push({
          code: EgressErrorCode.INVALID_ARGUMENT,
          message: `${where}[${i}] is a list inside the list (${show(x)}): ${opts.nestedFix ?? `flatten it${opts.itemName ? ` into one list of ${opts.itemName}` : ''}`}`,
        });
      } else {
        problems.push(...item(x, `${where}[${i}]`));
      }
    });
    return problems;
  };
}

/** A Duration (cdk8s). */
export function duration(cls: Function): Check {
  return (v, where) => (v instanceof cls ? [] : [argProblem(where, v, 'a Duration such as Duration.minutes(5)')]);
}

/** A field of a struct: its check, and the fix when a required field is missing. */
export interface FieldSpec {
  readonly check: Check;
  /** When set, the field is required and this is the fix shown when it is missing. */
  readonly required?: string;
  /** The code of the problem when a required field is missing. @default EgressErrorCode.INVALID_ARGUMENT */
  readonly missingCode?: EgressErrorCode;
}

/** The fields of a struct. */
export type Fields = Readonly<Record<string, FieldSpec | Check>>;

function spec(f: FieldSpec | Check): FieldSpec {
  return typeof f === 'function' ? { check: f } : f;
}

/** Required field helper. */
export function required(check: Check, fix: string, missingCode?: EgressErrorCode): FieldSpec {
  return { check, required: fix, ...(missingCode ? { missingCode } : {}) };
}

/**
 * A struct (plain object) with these fields. Unknown keys are refused with the closest known one
 * (a misspelt optional field would otherwise be dropped silently, and some drop a restriction:
 * `excepts` instead of `except`). `undefined` and `null` count as absent for optional fields.
 * `renamed` maps a removed property name to the one that replaced it, for the suggestion.
 */
export function struct(fields: Fields, opts: { readonly optional?: boolean; readonly renamed?: Readonly<Record<string, string>> } = {}): Check {
  const names = Object.keys(fields);
  return (v, where) => {
    if (v === undefined && opts.optional) return [];
    if (!isPlainObject(v)) {
      return [argProblem(where, v, `an object with ${names.length > 0 ? `the properties ${names.join(', ')}` : 'no properties'}`)];
    }
    const problems: Problem[] = [];
    for (const key of Object.keys(v)) {
      if (names.includes(key)) continue;
      const close = opts.renamed?.[key] ?? closestName(key, names);
      problems.push({
        code: EgressErrorCode.INVALID_ARGUMENT,
        message: `${where} has an unknown property "${key}" (set to ${show(v[key])})${close ? `: did you mean "${close}"?` : '.'} Known properties: ${names.join(', ')}`,
      });
    }
    for (const name of names) {
      const f = spec(fields[name]);
      const value = v[name];
      if (value === undefined) {
        if (f.required !== undefined) problems.push({ code: f.missingCode ?? EgressErrorCode.INVALID_ARGUMENT, message: `${where} has no ${name}: ${f.required}` });
        continue;
      }
      if (value === null && f.required === undefined) {
        problems.push(argProblem(`${where}.${name}`, value, 'a value or left out', `Leave ${name} out for its default`));
        continue;
      }
      problems.push(...f.check(value, `${where}.${name}`));
    }
    return problems;
  };
}

/** The optional-argument form of a struct check: `undefined` is the default; anything else must be the struct. */
export function optionalStruct(fields: Fields): Check {
  return struct(fields, { optional: true });
}

/**
 * The candidate closest to `given` by edit distance (case-insensitive), or undefined when none is
 * close enough to be a likely misspelling (at most 40 % of the longer name, at least 2 edits).
 */
export function closestName(given: string, candidates: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(g, c.toLowerCase());
    if (best === undefined || d < best.d) best = { name: c, d };
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(0.4 * Math.max(g.length, best.name.length)));
  return best.d <= limit ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

// ---------------------------------------------------------------------------------------------
// Constructs: scope and id are checked before the construct joins the tree.
// ---------------------------------------------------------------------------------------------

/**
 * The scope of `new <cls>(scope, id, ...)`, checked: a construct inside a cdk8s Chart, and `id` a
 * non-empty string not used by a sibling. Throws an EgressError naming the class (and the scope's
 * path when there is one), before the construct is added to the tree.
 */
export function constructScope<T>(scope: T, id: unknown, cls: string): T {
  if (!isConstruct(scope)) {
    raiseUnscoped([argProblem(`The scope of new ${cls}(scope, id, props)`, scope, 'a construct (a Chart, or a construct inside one)')]);
  }
  const s = scope as unknown as IConstruct;
  if (typeof id !== 'string' || id === '') {
    throw EgressError.at(s, EgressErrorCode.INVALID_ARGUMENT, argProblem(`The id of new ${cls}(scope, id, props)`, id, 'a non-empty string such as \'egress\'').message);
  }
  if (!s.node.scopes.some((c) => isChart(c))) {
    throw EgressError.at(s, EgressErrorCode.INVALID_ARGUMENT,
      `new ${cls}(scope, "${id}", props) needs a scope inside a cdk8s Chart, but ${s.node.path === '' ? 'the app root' : s.node.path} is not in one: create it in a Chart (new Chart(app, 'egress'))`);
  }
  if (s.node.tryFindChild(id) !== undefined) {
    throw EgressError.at(s, EgressErrorCode.INVALID_ARGUMENT,
      `There is already a construct with id "${id}" here (${s.node.path}/${id}): give this ${cls} another id`);
  }
  return scope;
}

function isChart(c: IConstruct): boolean {
  return Chart.isChart(c);
}
