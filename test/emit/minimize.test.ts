import * as fc from 'fast-check';
import { DestinationConfig, DestinationKind } from '../../src';
import { minimizeDestinations } from '../../src/emit/minimize';
import { isCidr, parseCidr, cidrContainsAddress, parseIp } from '../../src/util/cidr';

const cidrs = ['10.0.0.0/24', '10.0.1.0/24', '10.0.0.0/23', '10.0.0.128/25', '192.0.2.0/28', '192.0.2.16/28', '2001:db8::/33', '2001:db8:8000::/33'];
const ips = ['10.0.0.1', '10.0.0.200', '10.0.1.5', '10.0.2.1', '192.0.2.5', '192.0.2.20', '192.0.2.40', '2001:db8::1', '2001:db8:8000::1', '2001:db9::1'];

function covers(ds: DestinationConfig[], ip: string): boolean {
  const a = parseIp(ip)!;
  return ds.some((d) => {
    const c = parseCidr(d.cidr!);
    return isCidr(c) && cidrContainsAddress(c, a.family, a.value);
  });
}

describe('minimizeDestinations', () => {
  test('property: covers exactly the same addresses, keeps non-CIDR destinations, and never grows', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...cidrs), { maxLength: 8 }), fc.boolean(), (list, withPods) => {
      const input: DestinationConfig[] = list.map((c) => ({ kind: DestinationKind.CIDR, cidr: c, ipFamily: c.includes(':') ? 6 : 4 }));
      if (withPods) input.unshift({ kind: DestinationKind.PODS, podLabels: { app: 'x' } });
      const out = minimizeDestinations(input);
      expect(out.length).toBeLessThanOrEqual(input.length);
      for (const ip of ips) expect(covers(out.filter((d) => d.kind === 'Cidr'), ip)).toBe(covers(input.filter((d) => d.kind === 'Cidr'), ip));
      expect(out.filter((d) => d.kind === 'Pods')).toEqual(withPods ? [{ kind: 'Pods', podLabels: { app: 'x' } }] : []);
    }));
  });

  test('blocks left as they were keep their config; merged and non-canonical ones are rebuilt in canonical form', () => {
    const kept: DestinationConfig = Object.freeze({ kind: DestinationKind.CIDR, cidr: '192.0.2.0/28', ipFamily: 4 });
    const upper: DestinationConfig = { kind: DestinationKind.CIDR, cidr: '2001:DB8::/32', ipFamily: 6 };
    const out = minimizeDestinations([
      kept,
      { kind: DestinationKind.CIDR, cidr: '10.0.0.0/25', ipFamily: 4 },
      { kind: DestinationKind.CIDR, cidr: '10.0.0.128/25', ipFamily: 4 },
      upper,
    ]);
    expect(out).toEqual([
      { kind: 'Cidr', cidr: '10.0.0.0/24', ipFamily: 4 },
      { kind: 'Cidr', cidr: '192.0.2.0/28', ipFamily: 4 },
      { kind: 'Cidr', cidr: '2001:db8::/32', ipFamily: 6 },
    ]);
    expect(out[1]).toBe(kept);
    expect(out[2]).not.toBe(upper);
  });
});
