// The checks engine (src/checks/engine.ts): checks registered once per app, run once per synth
// pass, answers kept while their version holds, findings reported at the construct they name.
import { App, Chart, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { APP_CHECKS, appChecks } from '../../src/checks/app-checks';
import { AppCheck, CheckLevel, ChecksEngine, Finding } from '../../src/checks/engine';
import { EgressWarningId } from '../../src/core/warning-ids';
import { EgressWarnings } from '../../src/core/warnings';
import { EgressModel } from '../../src/model/egress-model';

/** A check that reports `message` at each path of `paths()`, and counts its runs. */
function counting(id: string, paths: () => string[], message: string, version?: AppCheck['version']): AppCheck & { runs: number } {
  const check = {
    id,
    level: CheckLevel.ERROR,
    runs: 0,
    ...(version ? { version } : {}),
    run: (_app: IConstruct): Finding[] => {
      check.runs++;
      return paths().map((path) => ({ path, message: `${message} (TEST_CODE)` }));
    },
  };
  return check;
}

function synthError(c: Chart): string | undefined {
  try {
    Testing.synth(c);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('ChecksEngine', () => {
  test('one engine per app; two apps do not share checks or findings', () => {
    const a = new Chart(Testing.app(), 'a');
    const b = new Chart(Testing.app(), 'b');
    expect(ChecksEngine.of(new Construct(a, 'x'))).toBe(ChecksEngine.of(a));
    expect(ChecksEngine.of(a)).not.toBe(ChecksEngine.of(b));
    ChecksEngine.of(a).register(counting('t:one', () => ['a/x'], 'found in a'));
    expect(ChecksEngine.of(a).registered().map((c) => c.id)).toEqual(['t:one']);
    expect(ChecksEngine.of(b).registered()).toEqual([]);
  });

  test('a check is registered once per id', () => {
    const engine = ChecksEngine.of(new App());
    const first = counting('t:same', () => [], 'x');
    engine.register(first);
    engine.register(counting('t:same', () => [], 'y'));
    expect(engine.registered()).toEqual([first]);
  });

  test('findings reach synth at the watched construct they name, in check order; a finding at a path no construct watches is reported at the app root, naming the path', () => {
    const c = new Chart(Testing.app(), 'test');
    const x = new Construct(c, 'x');
    const y = new Construct(c, 'y');
    new Construct(c, 'unwatched');
    const engine = ChecksEngine.of(c);
    engine.register(counting('t:first', () => ['test/y', 'test/x', 'test/unwatched'], 'first'));
    engine.register(counting('t:second', () => ['test/x'], 'second'));
    engine.watch(x);
    engine.watch(y);
    engine.watch(x); // once per construct
    expect(synthError(c)).toBe('Validation failed with the following errors:\n'
      + '  [] at test/unwatched: first (TEST_CODE)\n'
      + '  [test/x] first (TEST_CODE)\n'
      + '  [test/x] second (TEST_CODE)\n'
      + '  [test/y] first (TEST_CODE)');
  });

  test('every check runs once per synth pass, however many constructs are watched', () => {
    const c = new Chart(Testing.app(), 'test');
    const engine = ChecksEngine.of(c);
    const everyPass = counting('t:everyPass', () => [], 'x', () => undefined);
    engine.register(everyPass);
    for (let i = 0; i < 20; i++) engine.watch(new Construct(c, `c${i}`));
    Testing.synth(c);
    expect(everyPass.runs).toBe(1);
    Testing.synth(c);
    expect(everyPass.runs).toBe(2);
  });

  test('an answer is kept while the model revision is unchanged, and recomputed after a change', () => {
    const c = new Chart(Testing.app(), 'test');
    const engine = ChecksEngine.of(c);
    let found: string[] = ['test/x'];
    const kept = counting('t:kept', () => found, 'kept');
    engine.register(kept);
    engine.watch(new Construct(c, 'x'));
    expect(synthError(c)).toMatch(/\[test\/x\] kept \(TEST_CODE\)/);
    found = [];
    // nothing the model knows changed: the kept answer stands
    expect(synthError(c)).toMatch(/\[test\/x\] kept/);
    expect(kept.runs).toBe(1);
    EgressModel.of(c)._changed();
    expect(synthError(c)).toBeUndefined();
    expect(kept.runs).toBe(2);
  });

  test('a check with its own version is rerun when the version changes', () => {
    const c = new Chart(Testing.app(), 'test');
    let version = 1;
    const check = counting('t:versioned', () => [], 'x', () => version);
    ChecksEngine.of(c).register(check);
    ChecksEngine.of(c).watch(c);
    Testing.synth(c);
    Testing.synth(c);
    expect(check.runs).toBe(1);
    version = 2;
    Testing.synth(c);
    expect(check.runs).toBe(2);
  });

  test('a construct validated on its own still gets its findings', () => {
    const c = new Chart(Testing.app(), 'test');
    const x = new Construct(c, 'x');
    ChecksEngine.of(c).register(counting('t:alone', () => ['test/x'], 'alone'));
    ChecksEngine.of(c).watch(x);
    expect(x.node.validate()).toEqual(['alone (TEST_CODE)']);
  });

  test('a warning check\'s findings become warnings on the construct they name, once each, before warnings are listed', () => {
    const c = new Chart(Testing.app(), 'test');
    const gw = new Construct(c, 'gw');
    const check = { ...counting('t:warn', () => ['test/gw'], 'a direct path around the gateway'), level: CheckLevel.WARNING, warningId: EgressWarningId.GATEWAY_BYPASS };
    ChecksEngine.of(c).register(check);
    const listed = () => EgressWarnings.list(c).filter((w) => w.id === EgressWarningId.GATEWAY_BYPASS);
    expect(listed()).toEqual([{ id: EgressWarningId.GATEWAY_BYPASS, constructPath: 'test/gw', message: 'a direct path around the gateway (TEST_CODE)' }]);
    expect(gw.node.metadata.filter((m) => m.type === 'cdk8s-egress:warning')).toHaveLength(1);
    Testing.synth(c);
    expect(listed()).toHaveLength(1);
    // a warning is not a synth error, and strict mode turns it into one
    EgressWarnings.enableStrictMode(c);
    expect(synthError(c)).toMatch(/\[test\/gw\] a direct path around the gateway \(TEST_CODE\) \(cdk8s-egress:gatewayBypass; strict mode/);
  });

  test('a warning check needs its warning id', () => {
    expect(() => ChecksEngine.of(new App()).register({ ...counting('t:noId', () => [], 'x'), level: CheckLevel.WARNING }))
      .toThrow(/warning check t:noId has no warningId/);
  });

  test('the library registers its checks once per app, in a fixed order', () => {
    const c = new Chart(Testing.app(), 'test');
    expect(appChecks(c).registered()).toEqual(APP_CHECKS);
    expect(appChecks(new Construct(c, 'x')).registered()).toEqual(APP_CHECKS);
    expect(APP_CHECKS.map((check) => check.id)).toEqual([
      'tier-conflicts',
      'pod-networking-overlap',
      'fixed-ip-conflicts',
      'intent-reachability',
      'union-allow-all',
      'dns-path',
      'gateway-bypass',
      'gateway-bypass-warning',
    ]);
    expect(APP_CHECKS.filter((check) => check.level !== CheckLevel.ERROR).map((check) => [check.id, check.level, check.warningId]))
      .toEqual([['gateway-bypass-warning', CheckLevel.WARNING, EgressWarningId.GATEWAY_BYPASS]]);
  });
});
