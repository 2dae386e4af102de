/* eslint-disable no-bitwise */
import * as fc from 'fast-check';
import { Cidr, cidrContains, cidrContainsAddress, isCidr, lastAddress, mergeCidrs, parseCidr } from '../../src/util/cidr';

describe('parseCidr', () => {
  test('canonicalizes IPv4 and IPv6 blocks', () => {
    expect((parseCidr('10.0.0.0/8') as Cidr).text).toBe('10.0.0.0/8');
    expect((parseCidr('2001:0db8:0000::/32') as Cidr).text).toBe('2001:db8::/32');
    expect((parseCidr('0.0.0.0/0') as Cidr).prefix).toBe(0);
  });

  test('suggests a /32 or /128 when the mask is missing', () => {
    expect(parseCidr('10.0.0.1')).toEqual({ reason: '"10.0.0.1" has no prefix length (mask)', suggestion: '10.0.0.1/32', suggestionFamily: 4 });
    expect(parseCidr('2001:db8::1')).toMatchObject({ suggestion: '2001:db8::1/128' });
  });

  test('refuses IPv4-mapped IPv6 addresses, naming the IPv4 block they stand for', () => {
    expect(parseCidr('::ffff:c000:200/120')).toMatchObject({ suggestion: '192.0.2.0/24' });
    expect(parseCidr('::ffff:0:0/96', 6)).toMatchObject({ reason: expect.stringMatching(/IPv4-mapped/), suggestion: '0.0.0.0/0' });
    // the dotted form is the same address (it was once called "not an address block")
    expect(parseCidr('::ffff:1.2.3.4/128')).toMatchObject({ reason: expect.stringMatching(/IPv4-mapped IPv6 address.*IPv4 block 1.2.3.4\/32/), suggestion: '1.2.3.4/32' });
    // Neighbouring IPv6 blocks stay valid, including one that contains the mapped range.
    expect((parseCidr('::fffe:0:0/96') as Cidr).text).toBe('::fffe:0:0/96');
    expect((parseCidr('::/64') as Cidr).text).toBe('::/64');
  });

  test('suggests the network address when host bits are set', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ suggestion: '10.0.0.0/8' });
  });

  test('rejects garbage, bad prefixes and the wrong family', () => {
    expect(isCidr(parseCidr('10.0.0/8'))).toBe(false);
    expect(isCidr(parseCidr('300.0.0.0/8'))).toBe(false);
    expect(isCidr(parseCidr('10.0.0.0/33'))).toBe(false);
    expect(isCidr(parseCidr('10.0.0.0/-1'))).toBe(false);
    expect(isCidr(parseCidr('2001:db8::/129'))).toBe(false);
    expect(parseCidr('2001:db8::/32', 4)).toMatchObject({ reason: expect.stringContaining('IPv6 block where an IPv4 block was expected') });
    expect(isCidr(parseCidr('::ffff:10.0.0.0/104'))).toBe(false);
  });
});

const v4cidr = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([addr, prefix]) => {
  const network = prefix === 0 ? 0n : (BigInt(addr) >> BigInt(32 - prefix)) << BigInt(32 - prefix);
  const ip = [24, 16, 8, 0].map((s) => Number((network >> BigInt(s)) & 0xffn)).join('.');
  return parseCidr(`${ip}/${prefix}`) as Cidr;
});

describe('mergeCidrs (property)', () => {
  test('every input address stays covered and nothing new is covered', () => {
    const addresses = fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 30 });
    fc.assert(fc.property(fc.array(v4cidr, { maxLength: 8 }), addresses, (blocks, probes) => {
      const merged = mergeCidrs(blocks);
      const samples = [...probes.map(BigInt), ...blocks.flatMap((b) => [b.network, lastAddress(b)])];
      for (const a of samples) {
        const before = blocks.some((b) => cidrContainsAddress(b, 4, a));
        const after = merged.some((b) => cidrContainsAddress(b, 4, a));
        expect(after).toBe(before);
      }
    }));
  });

  test('is idempotent, order-independent and leaves no contained or mergeable pair', () => {
    fc.assert(fc.property(fc.array(v4cidr, { maxLength: 8 }), (blocks) => {
      const merged = mergeCidrs(blocks);
      expect(mergeCidrs(merged).map((c) => c.text)).toEqual(merged.map((c) => c.text));
      expect(mergeCidrs([...blocks].reverse()).map((c) => c.text)).toEqual(merged.map((c) => c.text));
      for (const a of merged) for (const b of merged) if (a !== b) expect(cidrContains(a, b)).toBe(false);
    }));
  });

  test('joins adjacent siblings and drops contained blocks', () => {
    const p = (s: string) => parseCidr(s) as Cidr;
    expect(mergeCidrs([p('10.0.0.128/25'), p('10.0.0.0/25'), p('10.0.0.7/32')]).map((c) => c.text)).toEqual(['10.0.0.0/24']);
    expect(mergeCidrs([p('10.0.1.0/24'), p('10.0.2.0/24')]).map((c) => c.text)).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
  });
});
