// The `cdk8s-egress:` context keys, checked where they are read and once per scope when a
// construct of the library is built: a misspelt key or a value of the wrong shape would otherwise
// be ignored, silently switching a check off or dropping the NodeLocal DNSCache address.
//
// When is a value "too late"? cdk8s has no context prop: context is set with
// `node.setContext()`, which constructs refuses once the node has children ("Cannot set context
// after children have been added"). So a value can only be set before the constructs below it
// exist. What remains possible, and is refused here at synth, is changing a value in place after
// constructs have read it (`cidrs.podCidrs.push(...)` on the object given to setContext): the
// constructs built before the change used the old value. `nodeLocalDnsCache` and `clusterCidrs`
// are read when a construct is built (and by `allow()`); `verboseWarnings` is read from the App at
// synth, so it must be set on the App, not on a chart.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EgressError, Problem, raise } from './egress-error';
import { EgressErrorCode } from './errors';
import { closestName } from './inputs';
import { VERBOSE_WARNINGS_CONTEXT } from './warning-catalogue';
import { AppState, StateKey } from '../util/app-state';
import { show } from '../util/show';

/** The prefix of every context key of the library. */
export const CONTEXT_PREFIX = 'cdk8s-egress:';

/** Context key of the NodeLocal DNSCache address (see dns-defaults.ts). */
export const NODE_LOCAL_DNS_CACHE_CONTEXT = 'cdk8s-egress:nodeLocalDnsCache';

/** Context key of the cluster's own ranges (see cluster-ranges.ts): `{ "podCidrs": [...], "serviceCidrs": [...] }`. */
export const CLUSTER_CIDRS_CONTEXT = 'cdk8s-egress:clusterCidrs';

/** Context keys of the release each backend is declared to run (read and checked by src/core/versions.ts). */
export const CILIUM_VERSION_CONTEXT = 'cdk8s-egress:ciliumVersion';
export const ISTIO_VERSION_CONTEXT = 'cdk8s-egress:istioVersion';
export const CALICO_VERSION_CONTEXT = 'cdk8s-egress:calicoVersion';

interface KeySpec {
  /** What the value must be, for messages. */
  readonly expected: string;
  /** The problems of a value (none when fine). */
  readonly check: (value: unknown) => Problem[];
  /** Read from the App only: a value set below it is not seen. */
  readonly appOnly?: boolean;
}

function contextProblem(key: string, value: unknown, expected: string, detail?: string): Problem {
  return {
    code: EgressErrorCode.INVALID_CONTEXT,
    message: `Invalid ${key} context value ${show(value)}${detail ? ` (${detail})` : ''}: it must be ${expected}`,
  };
}

const CLUSTER_CIDRS_FIELDS = ['podCidrs', 'serviceCidrs'];
const CLUSTER_CIDRS_EXPECTED = '{ "podCidrs": [...], "serviceCidrs": [...] } with lists of CIDR strings such as "10.244.0.0/16"';

/** The keys the library reads, with their checks. */
const KEYS: Readonly<Record<string, KeySpec>> = {
  [NODE_LOCAL_DNS_CACHE_CONTEXT]: {
    expected: 'the IPv4 address NodeLocal DNSCache listens on (for example "169.254.20.10"), true for that default address, or false',
    // The address itself is checked where it is read (dns-defaults.ts), with its own code.
    check: (v) => (typeof v === 'string' && /^(true|false)$/i.test(v.trim())
      ? [contextProblem(NODE_LOCAL_DNS_CACHE_CONTEXT, v, KEYS[NODE_LOCAL_DNS_CACHE_CONTEXT].expected, `write ${v.trim().toLowerCase()} without quotes`)]
      : []),
  },
  [CLUSTER_CIDRS_CONTEXT]: {
    expected: CLUSTER_CIDRS_EXPECTED,
    check: (v) => {
      if (v === undefined || v === null) return [];
      if (typeof v !== 'object' || Array.isArray(v)) {
        const list = Array.isArray(v) || typeof v === 'string';
        return [contextProblem(CLUSTER_CIDRS_CONTEXT, v, CLUSTER_CIDRS_EXPECTED, list ? 'say which ranges these are: podCidrs or serviceCidrs' : undefined)];
      }
      const problems: Problem[] = [];
      for (const [k, x] of Object.entries(v)) {
        if (!CLUSTER_CIDRS_FIELDS.includes(k)) {
          const close = closestName(k, CLUSTER_CIDRS_FIELDS);
          problems.push({
            code: EgressErrorCode.INVALID_CONTEXT,
            message: `The ${CLUSTER_CIDRS_CONTEXT} context value has an unknown field "${k}"${close ? `: did you mean "${close}"?` : ''} It must be ${CLUSTER_CIDRS_EXPECTED}`,
          });
        } else if (x !== undefined && x !== null && (!Array.isArray(x) || x.some((c) => typeof c !== 'string'))) {
          problems.push({
            code: EgressErrorCode.INVALID_CONTEXT,
            message: `The ${k} of the ${CLUSTER_CIDRS_CONTEXT} context value is ${show(x)}: it must be a list of CIDR strings such as ["10.244.0.0/16"]${typeof x === 'string' ? `. Did you mean [${show(x)}]?` : ''}`,
          });
        }
      }
      return problems;
    },
  },
  // Releases: the value is checked where it is read, with EGRESS_INVALID_VERSION and its own fix.
  [CILIUM_VERSION_CONTEXT]: { expected: 'the Cilium release the cluster runs, as a string such as "1.18"', check: () => [] },
  [ISTIO_VERSION_CONTEXT]: { expected: 'the Istio release the cluster runs, as a string such as "1.28"', check: () => [] },
  [CALICO_VERSION_CONTEXT]: { expected: 'the Calico release the cluster runs, as a string such as "3.30"', check: () => [] },
  [VERBOSE_WARNINGS_CONTEXT]: {
    expected: 'true (print the full text of every warning at synth) or false',
    check: (v) => (v === undefined || v === null || typeof v === 'boolean' || v === 'true' || v === 'false'
      ? [] : [contextProblem(VERBOSE_WARNINGS_CONTEXT, v, KEYS[VERBOSE_WARNINGS_CONTEXT].expected)]),
    appOnly: true,
  },
};

/** Scopes whose context (all frozen: every ancestor has a child) was already checked. */
const CHECKED = new WeakSet<IConstruct>();
/** Values read at construction, as JSON when first read, by key; created with the app's synth-time check. */
const READ = StateKey.local<Map<string, { readonly json: string; readonly scope: IConstruct }>>('contextReads');

/**
 * Check every `cdk8s-egress:` key visible at `scope` (a construct of the library, just added to
 * the tree): unknown keys (with the closest known one), values of the wrong shape, and keys that
 * are read from the App only but set below it. Throws an EgressError at `scope`.
 */
export function checkContext(scope: IConstruct): void {
  guardSetContext(scope);
  const parent = scope.node.scope;
  if (parent === undefined || CHECKED.has(parent)) return;
  raise(scope, contextProblems(scope));
  CHECKED.add(parent);
  for (const c of scope.node.scopes) guardSetContext(c);
  watch(scope.node.root);
}

/** Nodes whose setContext() explains a late `cdk8s-egress:` key. */
const GUARDED = new WeakSet<object>();
/** The guarded prototype made for each node prototype. */
const GUARDED_PROTOTYPES = new WeakMap<object, object>();

/**
 * constructs refuses `setContext()` on a node that has children, with "Cannot set context after
 * children have been added". For the library's keys on the nodes above its constructs, say why
 * that is too late and where to set the value instead. The nodes above a library construct get a
 * prototype (made once, derived from theirs) whose setContext throws an EgressError for a
 * `cdk8s-egress:` key once the node has children, and otherwise does what it did. A prototype,
 * not an own property: the jsii kernel calls methods of Python, Java and Go callers through
 * `obj.constructor.prototype`.
 */
function guardSetContext(c: IConstruct): void {
  const node = c.node as unknown as object;
  if (GUARDED.has(node)) return;
  GUARDED.add(node);
  const base = Object.getPrototypeOf(node) as { setContext?: unknown; constructor?: unknown } | null;
  if (base === null || typeof base.setContext !== 'function' || typeof base.constructor !== 'function') return;
  let proto = GUARDED_PROTOTYPES.get(base);
  if (proto === undefined) {
    const original = base.setContext as (this: unknown, key: string, value: unknown) => void;
    // A constructor of its own, so that obj.constructor.prototype is the guarded prototype; its
    // statics (jsii's type information) are inherited from the node's constructor.
    const GuardedNode = function guardedNode(): void {} as unknown as { prototype: object };
    Object.setPrototypeOf(GuardedNode, base.constructor as object);
    proto = Object.create(base, {
      constructor: { value: GuardedNode, writable: true, configurable: true },
      setContext: {
        writable: true,
        configurable: true,
        value: function setContext(this: IConstruct['node'], key: string, value: unknown): void {
          if (typeof key === 'string' && key.startsWith(CONTEXT_PREFIX) && this.children.length > 0) {
            const children = this.children.map((x) => x.node.id);
            throw EgressError.at({ node: this } as IConstruct, EgressErrorCode.INVALID_CONTEXT,
              `The ${key} context is set too late: ${this.path || 'the App'} already has children (${children.slice(0, 5).join(', ')}${children.length > 5 ? ', …' : ''}), `
              + 'and the cdk8s-egress constructs below it read their context when they are built. Set it right after new App(), before adding charts: '
              + `app.node.setContext('${key}', ${show(value)})`);
          }
          original.call(this, key, value);
        },
      },
    }) as object;
    GuardedNode.prototype = proto;
    GUARDED_PROTOTYPES.set(base, proto);
  }
  Object.setPrototypeOf(node, proto);
}

function contextProblems(scope: IConstruct): Problem[] {
  const all = scope.node.getAllContext();
  const problems: Problem[] = [];
  const known = Object.keys(KEYS);
  for (const key of Object.keys(all)) {
    if (!key.startsWith(CONTEXT_PREFIX)) continue;
    const spec = KEYS[key];
    if (spec === undefined) {
      const close = closestName(key.slice(CONTEXT_PREFIX.length), known.map((k) => k.slice(CONTEXT_PREFIX.length)));
      problems.push({
        code: EgressErrorCode.INVALID_CONTEXT,
        message: `Unknown context key "${key}" (set to ${show(all[key])}): cdk8s-egress reads no such key${close ? `. Did you mean "${CONTEXT_PREFIX}${close}"?` : '.'} `
          + `The keys are ${known.join(', ')}`,
      });
      continue;
    }
    problems.push(...spec.check(all[key]));
    if (spec.appOnly && scope.node.root.node.tryGetContext(key) !== all[key]) {
      problems.push({
        code: EgressErrorCode.INVALID_CONTEXT,
        message: `The ${key} context is set below the App (to ${show(all[key])}), but cdk8s-egress reads it from the App only: set it with app.node.setContext('${key}', ...) right after new App(), before any chart`,
      });
    }
  }
  return problems;
}

/** Throw, at `scope`, the problems of a value of a known key (for readers that may run before checkContext). */
export function checkContextValue(scope: IConstruct, key: string, value: unknown): void {
  const spec = KEYS[key];
  if (spec) raise(scope, spec.check(value));
}

/**
 * Remember a value read at construction, so that synth can tell when it was changed in place
 * afterwards (the constructs built before the change used the old value).
 */
export function recordContextRead(scope: IConstruct, key: string, value: unknown): void {
  if (value === undefined || value === null || typeof value !== 'object') return;
  const reads = watch(scope.node.root);
  if (!reads.has(key)) reads.set(key, { json: safeJson(value), scope });
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return String(v);
  }
}

/**
 * At synth: the App's own keys and its charts' keys, and values changed after they were read.
 * Registered once per app, with the app's record of the values read.
 */
function watch(root: IConstruct): Map<string, { readonly json: string; readonly scope: IConstruct }> {
  const state = AppState.of(root);
  const known = state.peek(READ);
  if (known !== undefined) return known;
  const reads = new Map<string, { readonly json: string; readonly scope: IConstruct }>();
  state.set(READ, reads);
  root.node.addValidation({
    validate: () => {
      const problems: Problem[] = [];
      for (const chart of [root, ...root.node.children.filter((c) => Chart.isChart(c))]) {
        if (chart === root || !CHECKED.has(chart)) problems.push(...contextProblems(chart).map((p) => ({ ...p, message: `${p.message} (context of ${chart.node.path || 'the App'})` })));
      }
      for (const [key, read] of reads) {
        const now = safeJson(read.scope.node.tryGetContext(key));
        if (now !== read.json) {
          problems.push({
            code: EgressErrorCode.INVALID_CONTEXT,
            message: `The ${key} context value changed after ${read.scope.node.path} read it when it was built (from ${read.json} to ${now}): constructs built before the change use the old value. `
              + 'Give setContext() the final value, before creating the charts, and do not change it afterwards',
          });
        }
      }
      return [...new Map(problems.map((p) => [p.message, `${p.message} (${p.code})`])).values()];
    },
  });
  return reads;
}

/** Every context key the library reads, sorted (docs and tests check against it). */
export function contextKeys(): string[] {
  return Object.keys(KEYS).sort();
}
