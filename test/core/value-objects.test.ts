// The value objects (Port, Destination, EgressSource, DnsResolver) are built only by their
// factories, which find their problems once; the consuming construct raises them with its path.
import { Destination, DnsResolver, EgressPolicy, EgressSource, Port } from '../../src';
import { isPortNumber } from '../../src/core/port-number';
import { chart, expectEgressError } from '../support/helpers';

describe('value objects', () => {
  test('constructors are closed: no subclass compiles (checked by tsc on this file)', () => {
    // @ts-expect-error: the constructor of Destination is private
    class MyDestination extends Destination {}
    // @ts-expect-error: the constructor of EgressSource is private
    class MySource extends EgressSource {}
    // @ts-expect-error: the constructor of Port is private
    class MyPort extends Port {}
    // @ts-expect-error: the constructor of DnsResolver is private
    class MyResolver extends DnsResolver {}
    expect([MyDestination, MySource, MyPort, MyResolver].every((c) => typeof c === 'function')).toBe(true);
  });

  test('problems are found once, when the value is built: the same list every time it is asked', () => {
    const values = [Port.tcp(0), Port.of({ protocol: 'tcp' as never, port: 443 }), Destination.fqdn('API.example.com'), Destination.ipv4('10.0.0.1'),
      EgressSource.pods({ namespace: 'Prod', labels: {} }), DnsResolver.kubeDns({ port: 70000 }), Destination.ipv4('203.0.113.0/24')];
    for (const v of values) {
      const first = v._problems();
      expect(v._problems()).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
    }
    expect(values.map((v) => v._problems().length)).toEqual([1, 1, 1, 1, 2, 1, 0]);
  });

  test('the consuming construct raises a value\'s problems with its own path, code and text unchanged', () => {
    const port = Port.tcp(70000);
    const [problem] = port._problems();
    const p = new EgressPolicy(chart(), 'p', { source: EgressSource.namespace('production') });
    expectEgressError(() => p.allow(Destination.ipv4('203.0.113.0/24'), port), problem.code, 'test/p',
      new RegExp(`^\\[test/p\\] ${problem.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(EGRESS_INVALID_PORT\\)$`));
  });

  test('one port-number rule: whole numbers from 1 to 65535', () => {
    expect([1, 443, 65535].every(isPortNumber)).toBe(true);
    expect([0, -1, 65536, 1.5, NaN, Infinity, '443', undefined].some(isPortNumber)).toBe(false);
    for (const n of [0, 65536, 1.5]) expect(Port.tcp(n)._problems()[0].message).toBe(`Invalid port ${n}: ports must be whole numbers from 1 to 65535`);
  });
});
