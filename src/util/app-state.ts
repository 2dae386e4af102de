// The one place where the library keeps state per app (per construct tree). Every registry the
// library needs across constructs (the model, emitted names, warnings, the app-wide checks, the
// bookkeeping of backends and fixed-IP providers) is a typed slot of the app's AppState, looked up
// by a StateKey. Imports nothing from src/.
import type { IConstruct } from 'constructs';

/**
 * A typed slot of the per-app state.
 *
 * - `StateKey.local(name)`: private to this copy of the library. Two copies loaded in one process
 *   (a user's construct library that bundles its own cdk8s-egress next to the app's) each see their
 *   own value. The default: the value's shape is an implementation detail of this copy.
 * - `StateKey.shared(name)`: kept on the root construct under `Symbol.for('cdk8s-egress.<name>')`,
 *   so every copy of the library in the process sees the same value. For registries that guard
 *   something the cluster has once (a singleton object, one source address per pod, one model
 *   of what the whole app allows): constructs built by either copy must see each other. The
 *   value's shape is then a contract between versions: change the name when it changes.
 */
export class StateKey<T> {
  /** A slot private to this copy of the library. */
  public static local<T>(name: string): StateKey<T> {
    return new StateKey<T>(name, undefined);
  }

  /** A slot every copy of the library loaded in the process shares (see the class doc). */
  public static shared<T>(name: string): StateKey<T> {
    return new StateKey<T>(name, Symbol.for(`cdk8s-egress.${name}`));
  }

  /** Never set: makes `T` part of the key's type, so `get` returns what `set` stored. */
  declare private readonly valueType?: T;

  private constructor(public readonly name: string, public readonly symbol: symbol | undefined) {}
}

/** The states of this copy of the library, by root construct (an app's states go with the app). */
const STATES = new WeakMap<IConstruct, AppState>();

/**
 * The per-app state: one per construct tree root (the `App`, or the root of a tree built without
 * one), created on first use.
 */
export class AppState {
  /** The state of the app `scope` belongs to. */
  public static of(scope: IConstruct): AppState {
    const root = scope.node.root;
    let state = STATES.get(root);
    if (state === undefined) {
      state = new AppState(root);
      STATES.set(root, state);
    }
    return state;
  }

  private readonly slots = new Map<StateKey<unknown>, unknown>();

  private constructor(
    /** The root construct of the app. */
    public readonly root: IConstruct,
  ) {}

  /** The value in slot `key`, created with `init()` on first use. */
  public get<T>(key: StateKey<T>, init: () => NoInfer<T>): T {
    const found = this.peek(key);
    if (found !== undefined || this.has(key)) return found as T;
    const value = init();
    this.set(key, value);
    return value;
  }

  /** The value in slot `key`, or undefined when nothing was stored. */
  public peek<T>(key: StateKey<T>): T | undefined {
    if (key.symbol !== undefined) return (this.root as unknown as Record<symbol, T | undefined>)[key.symbol];
    return this.slots.get(key) as T | undefined;
  }

  /** Whether slot `key` holds a value. */
  public has<T>(key: StateKey<T>): boolean {
    return key.symbol !== undefined ? Object.prototype.hasOwnProperty.call(this.root, key.symbol) : this.slots.has(key);
  }

  /**
   * Store `value` in slot `key`, once: a slot is set once and its value is mutable state (a
   * list, a map, an object), so a second `set` is a programming error.
   */
  public set<T>(key: StateKey<T>, value: T): void {
    if (this.has(key)) throw new Error(`cdk8s-egress: app state slot "${key.name}" is already set`);
    if (key.symbol !== undefined) {
      // Not enumerable: the root construct's own properties stay what the user sees.
      Object.defineProperty(this.root, key.symbol, { value, enumerable: false });
    } else {
      this.slots.set(key, value);
    }
  }
}
