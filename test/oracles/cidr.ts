/* eslint-disable no-bitwise */
// The oracles' own reading of IP addresses and CIDR blocks: written here, from RFC 4291 (IPv6 text)
// and RFC 4632 (CIDR), sharing nothing with src/ — an oracle that parsed addresses with the
// library's parser would agree with the library's mistakes. Node's `net` module only checks the
// text's syntax; the values are computed below with bigint arithmetic.
import { isIPv4, isIPv6 } from 'net';

export type Family = 4 | 6;

/** An address as a number of its family. */
export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

/** A block: its network address (host bits zero) and prefix length. */
export interface Block {
  readonly family: Family;
  readonly network: bigint;
  readonly prefix: number;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function v4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

/** The eight 16-bit groups of an IPv6 address: a trailing dotted quad becomes two groups, `::` the missing zeros. */
function v6Groups(text: string): number[] {
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const quad = v4Value(text.slice(lastColon + 1));
    hex = `${text.slice(0, lastColon + 1)}${(quad >> 16n).toString(16)}:${(quad & 0xffffn).toString(16)}`;
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  if (!hex.includes('::')) return parse(hex);
  const [head, rest] = hex.split('::');
  const h = parse(head);
  const r = parse(rest);
  return [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
}

/** An address (`10.0.0.1`, `2001:db8::1`, `::ffff:10.0.0.1`); undefined for anything else (zone indices included). */
export function parseAddress(text: string): Address | undefined {
  if (isIPv4(text)) return { family: 4, value: v4Value(text) };
  if (isIPv6(text) && !text.includes('%')) {
    const groups = v6Groups(text);
    if (groups.length !== 8) throw new Error(`oracles/cidr: ${text} expanded to ${groups.length} groups`);
    return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) + BigInt(g), 0n) };
  }
  return undefined;
}

/** A block in canonical form (`10.0.0.0/8`); undefined when malformed or when host bits are set (`10.0.0.1/8`). */
export function parseBlock(text: string): Block | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!addr || !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > BITS[addr.family]) return undefined;
  const hostBits = BigInt(BITS[addr.family] - prefix);
  if (addr.value % (1n << hostBits) !== 0n) return undefined;
  return { family: addr.family, network: addr.value, prefix };
}

/** True when the address lies in the block (an IPv4 address is never in an IPv6 block, nor the other way). */
export function blockContains(block: Block, addr: Address): boolean {
  if (block.family !== addr.family) return false;
  const hostBits = BigInt(BITS[block.family] - block.prefix);
  return addr.value >> hostBits === block.network >> hostBits;
}

/** True when `ip` is in `cidr` and in none of `except` (a NetworkPolicy ipBlock); false for unparsable text. */
export function inBlockExcept(cidr: string, except: readonly string[], ip: string): boolean {
  const addr = parseAddress(ip);
  const block = parseBlock(cidr);
  if (!addr || !block || !blockContains(block, addr)) return false;
  return !except.some((e) => {
    const b = parseBlock(e);
    return b !== undefined && blockContains(b, addr);
  });
}
