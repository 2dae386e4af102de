/* eslint-disable no-bitwise */
import * as fc from 'fast-check';
import { blockContains, inBlockExcept, parseAddress, parseBlock } from './cidr';

const v4 = (text: string) => parseAddress(text)!;

describe('oracles/cidr: addresses', () => {
  test('IPv4 by hand', () => {
    expect(parseAddress('0.0.0.0')).toEqual({ family: 4, value: 0n });
    expect(parseAddress('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseAddress('255.255.255.255')).toEqual({ family: 4, value: 0xffffffffn });
    expect(parseAddress('203.0.113.7')).toEqual({ family: 4, value: (203n << 24n) + (113n << 8n) + 7n });
  });

  test('IPv6 by hand: compression at either end or inside, embedded dotted quads', () => {
    expect(parseAddress('::')).toEqual({ family: 6, value: 0n });
    expect(parseAddress('::1')).toEqual({ family: 6, value: 1n });
    expect(parseAddress('1::')).toEqual({ family: 6, value: 1n << 112n });
    expect(parseAddress('2001:db8::1')).toEqual({ family: 6, value: (0x2001n << 112n) + (0xdb8n << 96n) + 1n });
    expect(parseAddress('1:2:3:4:5:6:7:8')).toEqual({ family: 6, value: 0x00010002000300040005000600070008n });
    expect(parseAddress('1:2:3:4:5:6:1.2.3.4')).toEqual({ family: 6, value: 0x00010002000300040005000601020304n });
    expect(parseAddress('::ffff:10.0.0.1')).toEqual({ family: 6, value: 0xffff0a000001n });
    expect(parseAddress('::1.2.3.4')).toEqual({ family: 6, value: 0x01020304n });
    expect(parseAddress('FE80::A')).toEqual({ family: 6, value: (0xfe80n << 112n) + 10n });
  });

  test('anything else is not an address', () => {
    for (const bad of ['', '10.0.0', '10.0.0.256', '01.2.3.4', '10.0.0.1/32', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', ':::', 'example.com', ' 10.0.0.1']) {
      expect(parseAddress(bad)).toBeUndefined();
    }
  });

  test('any eight groups, written in full or with the longest zero run compressed, read back to their value', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), (groups) => {
      const value = groups.reduce((acc, g) => (acc << 16n) + BigInt(g), 0n);
      const hex = groups.map((g) => g.toString(16));
      expect(parseAddress(hex.join(':'))).toEqual({ family: 6, value });
      let best = { at: -1, len: 0 };
      for (let i = 0; i < 8; i++) {
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > best.len) best = { at: i, len: j - i };
      }
      if (best.len > 1) {
        const text = `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
        expect(parseAddress(text)).toEqual({ family: 6, value });
      }
    }));
  });
});

describe('oracles/cidr: blocks', () => {
  test('canonical blocks, both families, both prefix edges', () => {
    expect(parseBlock('10.0.0.0/8')).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseBlock('0.0.0.0/0')).toEqual({ family: 4, network: 0n, prefix: 0 });
    expect(parseBlock('203.0.113.7/32')).toEqual({ family: 4, network: v4('203.0.113.7').value, prefix: 32 });
    expect(parseBlock('::/0')).toEqual({ family: 6, network: 0n, prefix: 0 });
    expect(parseBlock('2001:db8::/32')).toEqual({ family: 6, network: (0x2001n << 112n) + (0xdb8n << 96n), prefix: 32 });
    expect(parseBlock('2001:db8::1/128')).toEqual({ family: 6, network: (0x2001n << 112n) + (0xdb8n << 96n) + 1n, prefix: 128 });
  });

  test('host bits, bad prefixes and bare addresses are refused', () => {
    for (const bad of ['10.0.0.1/8', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/', '10.0.0.0', '2001:db8::1/32', '::/129', 'x/8']) {
      expect(parseBlock(bad)).toBeUndefined();
    }
  });

  test('containment at the block edges, and never across families', () => {
    const b = parseBlock('10.0.0.0/8')!;
    expect(blockContains(b, v4('10.0.0.0'))).toBe(true);
    expect(blockContains(b, v4('10.255.255.255'))).toBe(true);
    expect(blockContains(b, v4('9.255.255.255'))).toBe(false);
    expect(blockContains(b, v4('11.0.0.0'))).toBe(false);
    expect(blockContains(parseBlock('0.0.0.0/0')!, v4('255.255.255.255'))).toBe(true);
    expect(blockContains(parseBlock('0.0.0.0/0')!, parseAddress('::1')!)).toBe(false);
    expect(blockContains(parseBlock('::/0')!, v4('10.0.0.1'))).toBe(false);
    const v6 = parseBlock('2001:db8::/32')!;
    expect(blockContains(v6, parseAddress('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')!)).toBe(true);
    expect(blockContains(v6, parseAddress('2001:db9::')!)).toBe(false);
    // an IPv4-mapped IPv6 address is an IPv6 address, not in an IPv4 block
    expect(blockContains(b, parseAddress('::ffff:10.0.0.1')!)).toBe(false);
    expect(blockContains(parseBlock('203.0.113.7/32')!, v4('203.0.113.7'))).toBe(true);
    expect(blockContains(parseBlock('203.0.113.7/32')!, v4('203.0.113.8'))).toBe(false);
  });

  test('except removes addresses from the block', () => {
    expect(inBlockExcept('10.0.0.0/8', ['10.1.0.0/16'], '10.1.2.3')).toBe(false);
    expect(inBlockExcept('10.0.0.0/8', ['10.1.0.0/16'], '10.2.2.3')).toBe(true);
    expect(inBlockExcept('10.0.0.0/8', ['10.1.0.0/16'], '10.0.255.255')).toBe(true);
    expect(inBlockExcept('10.0.0.0/8', ['10.1.0.0/16'], '10.2.0.0')).toBe(true);
    expect(inBlockExcept('0.0.0.0/0', ['10.0.0.0/8', '192.168.0.0/16'], '192.168.1.1')).toBe(false);
    expect(inBlockExcept('::/0', ['2001:db8::/32'], '2001:db8::5')).toBe(false);
    expect(inBlockExcept('::/0', ['2001:db8::/32'], '2001:db7::5')).toBe(true);
    expect(inBlockExcept('10.0.0.0/8', [], 'not an address')).toBe(false);
  });
});
