import { Chart, Testing } from 'cdk8s';
import { EgressErrors, EgressPolicy, EgressSource, Destination } from '../../src';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('error text across jsii languages', () => {
  // The jsii kernel hands other languages a constructor's error as `error.message` and a method's
  // as `String(error)` (it wraps it in `new RuntimeError(error)`): both must be the same text.
  test('String(error) is the message, "[path] message (CODE)", for constructor, method and static-method errors', () => {
    const chart = new Chart(Testing.app(), 'c');
    const policy = new EgressPolicy(chart, 'ok', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'x' } }) });
    const errors = [
      errorOf(() => new EgressPolicy(chart, 'bad', { source: EgressSource.namespace('Prod') })),
      errorOf(() => policy.allow(Destination.ipv4('203.0.113.7'))),
      errorOf(() => EgressSource.workload(chart)),
    ];
    expect(errors.map((e) => EgressErrors.codeOfMessage(String(e)))).toEqual(['EGRESS_INVALID_NAME', 'EGRESS_INVALID_CIDR', 'EGRESS_NOT_A_WORKLOAD']);
    for (const e of errors) {
      expect(String(e)).toBe(e.message);
      expect(new Error(String(e)).message).toMatch(/^\[c(\/\w+)?\] .+ \(EGRESS_[A-Z_]+\)$/);
      expect(e.name).toBe('EgressError');
    }
  });
});
