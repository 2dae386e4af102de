import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Destination, EgressErrors, EgressPolicy, EgressSource, EgressWarningId, EgressWarnings, Port, egressErrorCode } from '../../src';
import { WARNING_CATALOGUE } from '../../src/core/warning-catalogue';
import { expectEgressError, tempApp, writtenFiles } from '../support/helpers';

const { BROAD_CIDR, IP_BLOCK_IN_CLUSTER, ISTIO_NAMESPACE_SCOPE, GATEWAY_BYPASS } = EgressWarningId;

/**
 * What `app.synth()` writes to stderr, with CDK8S_EGRESS_QUIET and CDK8S_EGRESS_VERBOSE set as
 * given (unset when undefined) for the call only. Each write is returned as one entry.
 */
function synthStderr(app: App, env: { quiet?: string; verbose?: string } = {}): string[] {
  const saved = { quiet: process.env.CDK8S_EGRESS_QUIET, verbose: process.env.CDK8S_EGRESS_VERBOSE };
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  set('CDK8S_EGRESS_QUIET', env.quiet);
  set('CDK8S_EGRESS_VERBOSE', env.verbose);
  const writes: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    app.synth();
  } finally {
    spy.mockRestore();
    set('CDK8S_EGRESS_QUIET', saved.quiet);
    set('CDK8S_EGRESS_VERBOSE', saved.verbose);
  }
  return writes;
}

/** The printed lines, asserting that every write is exactly one line. */
function lines(writes: readonly string[]): string[] {
  for (const w of writes) expect(w).toMatch(/^[^\n]+\n$/);
  return writes.map((w) => w.slice(0, -1));
}

const HINT = 'Full text: CDK8S_EGRESS_VERBOSE=1 (or context cdk8s-egress:verboseWarnings: true), construct metadata cdk8s-egress:warning, or the egress report. '
  + 'Accept one with EgressWarnings.acknowledge(scope, id, reason); CDK8S_EGRESS_QUIET=1 silences this output.';

describe('EgressWarnings', () => {
  test('records warnings with stable ids, as construct metadata, in a stable order', () => {
    const chart = new Chart(Testing.app(), 'c');
    const b = new Construct(chart, 'b');
    const a = new Construct(chart, 'a');
    EgressWarnings.add(b, IP_BLOCK_IN_CLUSTER, 'second');
    EgressWarnings.add(a, BROAD_CIDR, 'first');
    expect(EgressWarnings.list(chart).map((w) => [w.constructPath, w.id])).toEqual([['c/a', 'cdk8s-egress:broadCidr'], ['c/b', 'cdk8s-egress:ipBlockInCluster']]);
    expect(a.node.metadata.map((m) => [m.type, m.data])).toEqual([['cdk8s-egress:warning', { id: 'cdk8s-egress:broadCidr', message: 'first' }]]);
  });

  test('acknowledging applies to the scope and below, for that id only', () => {
    const chart = new Chart(Testing.app(), 'c');
    const parent = new Construct(chart, 'p');
    const child = new Construct(parent, 'x');
    EgressWarnings.add(child, BROAD_CIDR, 'm');
    EgressWarnings.add(child, IP_BLOCK_IN_CLUSTER, 'm');
    EgressWarnings.acknowledge(parent, 'cdk8s-egress:broadCidr', 'accepted');
    expect(EgressWarnings.list(chart).map((w) => [w.id, w.acknowledgedReason])).toEqual([['cdk8s-egress:broadCidr', 'accepted'], ['cdk8s-egress:ipBlockInCluster', undefined]]);
  });

  test('the list follows warnings and acknowledgements added after it was read', () => {
    const chart = new Chart(Testing.app(), 'c');
    EgressWarnings.add(new Construct(chart, 'b'), BROAD_CIDR, 'm');
    expect(EgressWarnings.list(chart).map((w) => w.constructPath)).toEqual(['c/b']);
    EgressWarnings.add(new Construct(chart, 'a'), BROAD_CIDR, 'm');
    expect(EgressWarnings.list(chart).map((w) => w.constructPath)).toEqual(['c/a', 'c/b']);
    EgressWarnings.acknowledge(chart, BROAD_CIDR, 'accepted');
    expect(EgressWarnings.list(chart).map((w) => w.acknowledgedReason)).toEqual(['accepted', 'accepted']);
    // the returned list is a copy
    EgressWarnings.list(chart).pop();
    expect(EgressWarnings.list(chart)).toHaveLength(2);
  });

  test('strict synth fails on open warnings with their full text and writes nothing', () => {
    const strict = tempApp();
    const c2 = new Chart(strict, 'c');
    EgressWarnings.enableStrictMode(strict);
    EgressWarnings.add(new Construct(c2, 'x'), BROAD_CIDR, 'demo warning. With a second sentence');
    expect(() => strict.synth()).toThrow(/\[c\/x\] demo warning\. With a second sentence \(cdk8s-egress:broadCidr; strict mode/);
    expect(writtenFiles(strict)).toEqual([]);
  });
});

describe('EgressWarnings | what synth prints', () => {
  test('one line per warning: id, first sentence, construct path; then one line on the full text; synth succeeds', () => {
    const app = tempApp();
    const chart = new Chart(app, 'c');
    const x = new Construct(chart, 'x');
    const message = 'Destination 64.0.0.0/2 covers more than a /8 (e.g. a whole region). Narrow it to the service\'s published ranges';
    EgressWarnings.add(x, BROAD_CIDR, message);
    expect(lines(synthStderr(app))).toEqual([
      'warning cdk8s-egress:broadCidr: Destination 64.0.0.0/2 covers more than a /8 (e.g. a whole region). — at c/x',
      `cdk8s-egress: 1 warning. ${HINT}`,
    ]);
    expect(writtenFiles(app)).toEqual(['c.k8s.yaml']);
    // the full text stays in the construct metadata and the list
    expect(x.node.metadata.find((m) => m.type === 'cdk8s-egress:warning')?.data).toEqual({ id: BROAD_CIDR, message });
    expect(EgressWarnings.list(app)[0].message).toBe(message);
  });

  test('the same id is grouped into one line with its count and paths; acknowledged ones are counted, not printed', () => {
    const app = tempApp();
    const chart = new Chart(app, 'c');
    // same first sentence everywhere: it is printed
    for (const id of ['b', 'a', 'c']) EgressWarnings.add(new Construct(chart, id), ISTIO_NAMESPACE_SCOPE, `Same first sentence. Details of ${id}`);
    // different first sentences: the catalogue's summary stands for them
    const p = new Construct(chart, 'p');
    EgressWarnings.add(p, BROAD_CIDR, 'Destination 1.0.0.0/7 is broad. Narrow it');
    EgressWarnings.add(p, BROAD_CIDR, 'Destination 4.0.0.0/6 is broad. Narrow it');
    EgressWarnings.add(new Construct(chart, 'q'), BROAD_CIDR, 'Destination 8.0.0.0/5 is broad. Narrow it');
    // one id, acknowledged
    const acked = new Construct(chart, 'acked');
    EgressWarnings.add(acked, GATEWAY_BYPASS, 'Accepted. Not printed');
    EgressWarnings.acknowledge(acked, GATEWAY_BYPASS, 'the block holds no routed host');
    expect(lines(synthStderr(app))).toEqual([
      `warning cdk8s-egress:broadCidr (3): ${WARNING_CATALOGUE[BROAD_CIDR].summary} — at c/p, c/q`,
      'warning cdk8s-egress:istioNamespaceScope (3): Same first sentence. — at c/a, c/b, c/c',
      `cdk8s-egress: 6 warnings (1 acknowledged). ${HINT}`,
    ]);
  });

  test('a group names five paths, then how many more', () => {
    const app = tempApp();
    const chart = new Chart(app, 'c');
    for (let i = 1; i <= 7; i++) EgressWarnings.add(new Construct(chart, `n${i}`), BROAD_CIDR, 'Broad. Narrow it');
    expect(lines(synthStderr(app))[0]).toBe('warning cdk8s-egress:broadCidr (7): Broad. — at c/n1, c/n2, c/n3, c/n4, c/n5 and 2 more');
  });

  test('printed once per app, however often the app is synthesized', () => {
    const app = tempApp();
    EgressWarnings.add(new Construct(new Chart(app, 'c'), 'x'), BROAD_CIDR, 'Broad');
    expect(synthStderr(app)).toHaveLength(2);
    expect(synthStderr(app)).toEqual([]);
  });

  test('nothing is printed without open warnings', () => {
    const app = tempApp();
    const chart = new Chart(app, 'c');
    EgressWarnings.add(chart, BROAD_CIDR, 'Broad');
    EgressWarnings.acknowledge(chart, BROAD_CIDR, 'the partner owns the range');
    expect(synthStderr(app)).toEqual([]);
  });

  const verboseApp = (context?: unknown) => {
    const app = tempApp();
    if (context !== undefined) app.node.setContext('cdk8s-egress:verboseWarnings', context);
    const chart = new Chart(app, 'c');
    EgressWarnings.add(new Construct(chart, 'a'), BROAD_CIDR, 'First. Second sentence, in full');
    EgressWarnings.add(new Construct(chart, 'b'), BROAD_CIDR, 'Other. Also in full');
    return app;
  };
  const VERBOSE_LINES = [
    'warning cdk8s-egress:broadCidr: First. Second sentence, in full — at c/a',
    'warning cdk8s-egress:broadCidr: Other. Also in full — at c/b',
    'cdk8s-egress: 2 warnings. Accept one with EgressWarnings.acknowledge(scope, id, reason); CDK8S_EGRESS_QUIET=1 silences this output.',
  ];

  test.each(['1', 'true'])('CDK8S_EGRESS_VERBOSE=%s prints every warning with its full text, one line each', (value) => {
    expect(lines(synthStderr(verboseApp(), { verbose: value }))).toEqual(VERBOSE_LINES);
  });

  test('CDK8S_EGRESS_VERBOSE=0 keeps the summary', () => {
    expect(lines(synthStderr(verboseApp(), { verbose: '0' }))[0]).toBe(`warning cdk8s-egress:broadCidr (2): ${WARNING_CATALOGUE[BROAD_CIDR].summary} — at c/a, c/b`);
  });

  test.each([true, 'true'])('the cdk8s-egress:verboseWarnings context %j prints the full text too', (value) => {
    const app = verboseApp(value);
    expect(lines(synthStderr(app))).toEqual(VERBOSE_LINES);
  });

  test.each([false, 'false'])('the cdk8s-egress:verboseWarnings context %j keeps the summary', (value) => {
    const app = verboseApp(value);
    expect(lines(synthStderr(app))).toHaveLength(2);
  });

  test('an invalid cdk8s-egress:verboseWarnings context value fails synth with the value and the fix', () => {
    const app = verboseApp('yes');
    let err: unknown;
    try { synthStderr(app); } catch (e) { err = e; }
    expect(egressErrorCode(err)).toBe('EGRESS_INVALID_CONTEXT');
    expect((err as Error).message).toMatch(/Invalid cdk8s-egress:verboseWarnings context value "yes": it must be true \(print the full text of every warning at synth\) or false/);
    expect(writtenFiles(app)).toEqual([]);
  });

  test.each([
    [{ quiet: '1' }],
    [{ quiet: '1', verbose: '1' }],
  ])('CDK8S_EGRESS_QUIET=1 prints nothing (%j)', (env) => {
    const app = verboseApp();
    expect(synthStderr(app, env)).toEqual([]);
    // the warnings are still recorded
    expect(EgressWarnings.list(app)).toHaveLength(2);
  });
});

describe('EgressWarnings | ids and reasons', () => {
  const c = () => new Chart(Testing.app(), 'c');

  test.each([
    ['cdk8s-egress:ciliumNoHa', 'cdk8s-egress:ciliumEgressNoHa'],
    ['ciliumEgressNoHa', 'cdk8s-egress:ciliumEgressNoHa'],
    ['cdk8s-egress:BroadCIDR', 'cdk8s-egress:broadCidr'],
    ['cdk8s-egress:gatewayBypas', 'cdk8s-egress:gatewayBypass'],
    ['cdk8s-egress:istioGatewayAccessLogRootNs', 'cdk8s-egress:istioGatewayAccessLogRootNamespace'],
  ])('acknowledge(%j) is refused with path, id and "did you mean %s"', (given, closest) => {
    const chart = c();
    const gw = new Construct(chart, 'gw');
    expectEgressError(() => EgressWarnings.acknowledge(gw, given, 'a reason'), 'EGRESS_UNKNOWN_WARNING_ID', 'c/gw',
      new RegExp(`EgressWarnings\\.acknowledge\\(\\) got warning id "${given}", which cdk8s-egress does not define: did you mean '${closest}'\\? `
        + 'The ids are the values of EgressWarningId, listed in docs/warnings.md'));
  });

  test('an id far from every known one gets no suggestion', () => {
    expectEgressError(() => EgressWarnings.acknowledge(c(), 'cdk8s-egress:somethingElseEntirely', 'a reason'), 'EGRESS_UNKNOWN_WARNING_ID', 'c',
      /got warning id "cdk8s-egress:somethingElseEntirely", which cdk8s-egress does not define\. The ids are the values of EgressWarningId/);
  });

  test('a refused acknowledgement records nothing', () => {
    const chart = c();
    EgressWarnings.add(chart, EgressWarningId.CILIUM_EGRESS_NO_HA, 'm');
    expect(() => EgressWarnings.acknowledge(chart, 'cdk8s-egress:ciliumNoHa', 'r')).toThrow();
    expect(EgressWarnings.list(chart)[0].acknowledgedReason).toBeUndefined();
  });

  test('add() refuses an id outside the catalogue too', () => {
    expectEgressError(() => EgressWarnings.add(c(), 'cdk8s-egress:test' as EgressWarningId, 'm'), 'EGRESS_UNKNOWN_WARNING_ID', 'c',
      /EgressWarnings\.add\(\) got warning id "cdk8s-egress:test", which cdk8s-egress does not define/);
  });

  test.each(['', '   '])('an empty reason (%j) is refused', (reason) => {
    const chart = c();
    expectEgressError(() => EgressWarnings.acknowledge(chart, BROAD_CIDR, reason), 'EGRESS_REASON_REQUIRED', 'c',
      /EgressWarnings\.acknowledge\(\) of cdk8s-egress:broadCidr got an empty reason: say why the warning does not apply here or is accepted/);
    EgressWarnings.add(chart, BROAD_CIDR, 'm');
    expect(EgressWarnings.list(chart)[0].acknowledgedReason).toBeUndefined();
  });

  test('every catalogue id can be acknowledged', () => {
    const chart = c();
    for (const id of Object.values(EgressWarningId)) EgressWarnings.acknowledge(chart, id, 'accepted in this test');
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
