import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Destination, EgressErrors, EgressPolicy, EgressSource, EgressWarnings, Port, egressErrorCode } from '../../src';
import { tempApp, writtenFiles } from '../helpers';

describe('EgressWarnings', () => {
  test('records warnings with stable ids, as construct metadata, in a stable order', () => {
    const chart = new Chart(Testing.app(), 'c');
    const b = new Construct(chart, 'b');
    const a = new Construct(chart, 'a');
    EgressWarnings.add(b, 'cdk8s-egress:two', 'second');
    EgressWarnings.add(a, 'cdk8s-egress:one', 'first');
    expect(EgressWarnings.list(chart).map((w) => [w.constructPath, w.id])).toEqual([['c/a', 'cdk8s-egress:one'], ['c/b', 'cdk8s-egress:two']]);
    expect(a.node.metadata.map((m) => [m.type, m.data])).toEqual([['cdk8s-egress:warning', { id: 'cdk8s-egress:one', message: 'first' }]]);
  });

  test('acknowledging applies to the scope and below, for that id only', () => {
    const chart = new Chart(Testing.app(), 'c');
    const parent = new Construct(chart, 'p');
    const child = new Construct(parent, 'x');
    EgressWarnings.add(child, 'cdk8s-egress:one', 'm');
    EgressWarnings.add(child, 'cdk8s-egress:two', 'm');
    EgressWarnings.acknowledge(parent, 'cdk8s-egress:one', 'accepted');
    expect(EgressWarnings.list(chart).map((w) => [w.id, w.acknowledgedReason])).toEqual([['cdk8s-egress:one', 'accepted'], ['cdk8s-egress:two', undefined]]);
  });

  test('the list follows warnings and acknowledgements added after it was read', () => {
    const chart = new Chart(Testing.app(), 'c');
    EgressWarnings.add(new Construct(chart, 'b'), 'cdk8s-egress:one', 'm');
    expect(EgressWarnings.list(chart).map((w) => w.constructPath)).toEqual(['c/b']);
    EgressWarnings.add(new Construct(chart, 'a'), 'cdk8s-egress:one', 'm');
    expect(EgressWarnings.list(chart).map((w) => w.constructPath)).toEqual(['c/a', 'c/b']);
    EgressWarnings.acknowledge(chart, 'cdk8s-egress:one', 'accepted');
    expect(EgressWarnings.list(chart).map((w) => w.acknowledgedReason)).toEqual(['accepted', 'accepted']);
    // the returned list is a copy
    EgressWarnings.list(chart).pop();
    expect(EgressWarnings.list(chart)).toHaveLength(2);
  });

  test('non-strict synth prints open warnings to stderr and succeeds; strict synth fails and writes nothing', () => {
    const app = tempApp();
    const chart = new Chart(app, 'c');
    EgressWarnings.add(new Construct(chart, 'x'), 'cdk8s-egress:demo', 'demo warning');
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const quiet = process.env.CDK8S_EGRESS_QUIET;
    delete process.env.CDK8S_EGRESS_QUIET;
    try {
      app.synth();
      expect(spy).toHaveBeenCalledWith('cdk8s-egress warning cdk8s-egress:demo at c/x: demo warning\n');
    } finally {
      spy.mockRestore();
      process.env.CDK8S_EGRESS_QUIET = quiet;
    }
    const strict = tempApp();
    const c2 = new Chart(strict, 'c');
    EgressWarnings.enableStrictMode(strict);
    EgressWarnings.add(new Construct(c2, 'x'), 'cdk8s-egress:demo', 'demo warning');
    expect(() => strict.synth()).toThrow(/\[c\/x\] demo warning \(cdk8s-egress:demo; strict mode/);
    expect(writtenFiles(strict)).toEqual([]);
  });
});

describe('EgressErrors', () => {
  test('codeOfMessage finds the stable code in the first line of a message (any jsii language)', () => {
    expect(EgressErrors.codeOfMessage('[app/p] Invalid CIDR ... (EGRESS_INVALID_CIDR)\n    at stack (EGRESS_FAKE)')).toBe('EGRESS_INVALID_CIDR');
    expect(EgressErrors.codeOfMessage('Validation failed with the following errors: nothing')).toBeUndefined();
    let err: unknown;
    try { Port.tcp(0)._problems(); Destination.ipv4('10.0.0.1')._problems(); new EgressPolicy(new Chart(Testing.app(), 'c'), 'p', { source: EgressSource.namespace('x') }).allow(Destination.ipv4('10.0.0.1')); } catch (e) { err = e; }
    expect(EgressErrors.codeOfMessage((err as Error).message)).toBe(egressErrorCode(err));
    expect(egressErrorCode(new Error('x'))).toBeUndefined();
  });
});
