import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressModel } from '../../src/model/egress-model';
import { AppState, StateKey } from '../../src/util/app-state';

describe('AppState', () => {
  const LIST = StateKey.local<string[]>('test.list');

  test('one state per construct tree, whichever construct of the tree asks', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const leaf = new Construct(new Construct(chart, 'a'), 'b');
    expect(AppState.of(leaf)).toBe(AppState.of(app));
    expect(AppState.of(chart)).toBe(AppState.of(app));
    expect(AppState.of(leaf).root).toBe(app);
  });

  test('two apps do not share state', () => {
    const a = new Chart(Testing.app(), 'c');
    const b = new Chart(Testing.app(), 'c');
    AppState.of(a).get(LIST, () => []).push('a');
    expect(AppState.of(b).get(LIST, () => [])).toEqual([]);
    expect(AppState.of(a).get(LIST, () => ['not used'])).toEqual(['a']);
  });

  test('get creates the value once; peek and has do not create it', () => {
    const app = new App();
    const state = AppState.of(app);
    expect(state.has(LIST)).toBe(false);
    expect(state.peek(LIST)).toBeUndefined();
    const init = jest.fn(() => ['x']);
    const first = state.get(LIST, init);
    expect(state.get(LIST, init)).toBe(first);
    expect(init).toHaveBeenCalledTimes(1);
    expect(state.has(LIST)).toBe(true);
    expect(state.peek(LIST)).toBe(first);
  });

  test('a failing init stores nothing (the next use tries again)', () => {
    const state = AppState.of(new App());
    expect(() => state.get(LIST, () => {
      throw new Error('bad input');
    })).toThrow('bad input');
    expect(state.has(LIST)).toBe(false);
    expect(state.get(LIST, () => ['ok'])).toEqual(['ok']);
  });

  test('two keys with the same name are two slots', () => {
    const state = AppState.of(new App());
    const other = StateKey.local<string[]>('test.list');
    state.get(LIST, () => ['first']);
    expect(state.get(other, () => ['second'])).toEqual(['second']);
  });

  test('a slot is set once', () => {
    const state = AppState.of(new App());
    state.set(LIST, []);
    expect(() => state.set(LIST, [])).toThrow(/app state slot "test.list" is already set/);
  });

  test('a shared slot lives on the root under Symbol.for, not enumerable', () => {
    const app = new App();
    const key = StateKey.shared<{ n: number }>('test.sharedCounter');
    const value = AppState.of(app).get(key, () => ({ n: 1 }));
    expect((app as unknown as Record<symbol, unknown>)[Symbol.for('cdk8s-egress.test.sharedCounter')]).toBe(value);
    expect(Object.keys(app)).not.toContain('cdk8s-egress.test.sharedCounter');
    expect(Object.getOwnPropertyDescriptor(app, Symbol.for('cdk8s-egress.test.sharedCounter'))?.enumerable).toBe(false);
  });

  test('a second copy of the module sees shared slots, and not local ones', () => {
    let copy: typeof import('../../src/util/app-state') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      copy = require('../../src/util/app-state') as typeof import('../../src/util/app-state');
    });
    expect(copy!.AppState).not.toBe(AppState);
    const app = new App();
    const shared = AppState.of(app).get(StateKey.shared<string[]>('test.sharedList'), () => ['from the first copy']);
    const local = AppState.of(app).get(LIST, () => ['local to the first copy']);
    const other = copy!.AppState.of(app);
    expect(other).not.toBe(AppState.of(app));
    expect(other.get(copy!.StateKey.shared<string[]>('test.sharedList'), () => ['from the second copy'])).toBe(shared);
    expect(other.get(copy!.StateKey.local<string[]>('test.list'), () => ['local to the second copy'])).not.toBe(local);
  });

  test('registries of the library built on it are per app', () => {
    // the model is one of them: two apps get two models
    const a = new Chart(Testing.app(), 'c');
    const b = new Chart(Testing.app(), 'c');
    expect(EgressModel.of(a)).toBe(EgressModel.of(new Construct(a, 'x')));
    expect(EgressModel.of(a)).not.toBe(EgressModel.of(b));
  });
});
