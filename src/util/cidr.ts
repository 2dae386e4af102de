/* eslint-disable no-bitwise */
// Pure CIDR helpers: parsing with a corrective hint, containment and merging.
// Addresses are held as bigint so IPv4 and IPv6 share one code path.
import * as ipaddr from 'ipaddr.js';
import { show } from './show';

export type IpFamily = 4 | 6;

/** A parsed, canonical CIDR block. */
export interface Cidr {
  readonly family: IpFamily;
  /** Network address with host bits cleared. */
  readonly network: bigint;
  readonly prefix: number;
  /** Canonical text (`10.0.0.0/8`, `2001:db8::/32`). */
  readonly text: string;
}

/** Why a CIDR string was refused, and what to write instead. */
export interface CidrProblem {
  readonly reason: string;
  /** A canonical block that means what the input says (never a wider one), when there is one. */
  readonly suggestion?: string;
  /** The IP family of the suggestion (it can differ from the family that was expected). */
  readonly suggestionFamily?: IpFamily;
}

export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function bytesToBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigIntToAddress(family: IpFamily, value: bigint): string {
  if (family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const len = 16;
  const bytes: number[] = new Array(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  const addr = ipaddr.fromByteArray(bytes);
  return addr.toString();
}

/** Network masks by family and prefix length, computed once (bigint arithmetic allocates). */
const MASKS: Record<IpFamily, bigint[]> = { 4: [], 6: [] };

function mask(family: IpFamily, prefix: number): bigint {
  let m = MASKS[family][prefix];
  if (m === undefined) {
    const bits = BigInt(familyBits(family));
    m = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
    MASKS[family][prefix] = m;
  }
  return m;
}

/** An address in its usual text form (`203.0.113.1`, `2001:db8::1`). */
export function formatAddress(family: IpFamily, value: bigint): string {
  return bigIntToAddress(family, value);
}

export function formatCidr(family: IpFamily, network: bigint, prefix: number): string {
  return `${bigIntToAddress(family, network)}/${prefix}`;
}

const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** The IPv4-mapped IPv6 range `::ffff:0:0/96`. */
const V4_MAPPED = 0xffffn << 32n;

function parseAddress(text: string): { family: IpFamily; value: bigint } | undefined {
  const quad = DOTTED_QUAD.exec(text);
  if (quad) {
    const parts = quad.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { family: 4, value: BigInt(((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3]) };
  }
  if (/^[\d.]+$/.test(text)) return undefined;
  // An IPv4-mapped address written with a dotted quad (::ffff:10.0.0.1): kept as IPv6, so the
  // mapped-address check below explains it.
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(text);
  if (mapped && ipaddr.IPv6.isValid(text)) {
    const v4 = parseAddress(mapped[1]);
    if (v4 && v4.family === 4) return { family: 6, value: V4_MAPPED | v4.value };
  }
  if (!text.includes('.') && ipaddr.IPv6.isValid(text)) {
    // IPv4-mapped and zone-indexed forms are refused: NetworkPolicy and the CNIs do not match them.
    if (text.includes('%')) return undefined;
    return { family: 6, value: bytesToBigInt(ipaddr.IPv6.parse(text).toByteArray()) };
  }
  return undefined;
}

/**
 * Parse a CIDR. Returns the canonical block, or a problem with a suggestion
 * (`10.0.0.1` → "did you mean 10.0.0.1/32?", `10.0.0.1/8` → "did you mean 10.0.0.0/8?").
 */
export function parseCidr(input: string, expected?: IpFamily): Cidr | CidrProblem {
  const cache = expected === 4 ? CACHE_V4 : expected === 6 ? CACHE_V6 : CACHE_ANY;
  let hit = cache.get(input);
  if (hit === undefined) {
    hit = parseCidrUncached(input, expected);
    if (cache.size > 100_000) cache.clear();
    cache.set(input, hit);
  }
  return hit;
}

/** Parsed CIDRs are immutable values, so parsing is memoized (one table per expected family). */
const CACHE_ANY = new Map<string, Cidr | CidrProblem>();
const CACHE_V4 = new Map<string, Cidr | CidrProblem>();
const CACHE_V6 = new Map<string, Cidr | CidrProblem>();

function parseCidrUncached(input: string, expected?: IpFamily): Cidr | CidrProblem {
  if (typeof input !== 'string') {
    return { reason: `${show(input)} is not a string: write the block as text, such as "203.0.113.0/24"` };
  }
  const text = input.trim();
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const addr = parseAddress(addrText);
  if (!addr) {
    return { reason: `"${input}" is not an IPv4 or IPv6 address block${text === '' ? ' (it is empty)' : ''}` };
  }
  const bits = familyBits(addr.family);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  const prefixValid = prefixText !== undefined && /^\d{1,3}$/.test(prefixText) && Number(prefixText) <= bits;
  if (addr.family === 6 && addr.value >> 32n === V4_MAPPED >> 32n) {
    // Kubernetes refuses IPv4-mapped IPv6 addresses, and Go's net package (most dataplanes) reads
    // ::ffff:0:0/96 as 0.0.0.0/0: the block would mean something else than it says. The
    // suggestion is the IPv4 block it stands for, when it stands for one (a prefix of 96 or more)
    // that is not every address.
    const v4prefix = prefixText === undefined ? 32 : prefixValid && Number(prefixText) >= 96 ? Number(prefixText) - 96 : undefined;
    const v4value = addr.value & 0xffffffffn;
    const block = v4prefix === undefined ? undefined : formatCidr(4, v4value & mask(4, v4prefix), v4prefix);
    return {
      reason: `"${input}" is an IPv4-mapped IPv6 address (::ffff:0:0/96 holds IPv4 addresses written as IPv6), which Kubernetes refuses and Go-based dataplanes read as `
        + `${block ? `the IPv4 block ${block}` : 'IPv4'}. Write IPv4 destinations with Destination.ipv4()`,
      ...(block !== undefined ? { suggestion: block, suggestionFamily: 4 as const } : {}),
    };
  }
  if (expected && expected !== addr.family) {
    const other = prefixValid ? parseCidrUncached(text) : undefined;
    const fixed = other === undefined ? undefined : isCidr(other) ? other.text : other.suggestion;
    return {
      reason: `"${input}" is an IPv${addr.family} ${prefixText === undefined ? 'address' : 'block'} where an IPv${expected} block was expected`,
      ...(fixed !== undefined ? { suggestion: fixed, suggestionFamily: addr.family }
        : prefixText === undefined ? { suggestion: formatCidr(addr.family, addr.value, bits), suggestionFamily: addr.family } : {}),
    };
  }
  if (prefixText === undefined) {
    return {
      reason: `"${input}" has no prefix length (mask)`,
      suggestion: `${formatCidr(addr.family, addr.value, bits)}`,
      suggestionFamily: addr.family,
    };
  }
  if (!prefixValid) {
    return { reason: `"${input}" has an invalid prefix length "/${prefixText}" (0-${bits} for IPv${addr.family})` };
  }
  const prefix = Number(prefixText);
  const network = addr.value & mask(addr.family, prefix);
  if (network !== addr.value) {
    return {
      reason: `"${input}" has host bits set beyond the /${prefix} prefix`,
      suggestion: formatCidr(addr.family, network, prefix),
      suggestionFamily: addr.family,
    };
  }
  return { family: addr.family, network, prefix, text: formatCidr(addr.family, network, prefix) };
}

/**
 * The text of a refused CIDR with its fix: `<reason>. Did you mean "<block>"?`, or, when the fix
 * is a block of the other family than the factory takes, `Did you mean Destination.ipv4("<block>")?`.
 */
export function cidrProblemText(p: CidrProblem, expected?: IpFamily): string {
  if (p.suggestion === undefined) return `${p.reason}.`;
  if (expected !== undefined && p.suggestionFamily !== undefined && p.suggestionFamily !== expected) {
    return `${p.reason}. Did you mean Destination.ipv${p.suggestionFamily}("${p.suggestion}")?`;
  }
  return `${p.reason}. Did you mean "${p.suggestion}"?`;
}

export function isCidr(v: Cidr | CidrProblem): v is Cidr {
  return (v as Cidr).text !== undefined;
}

/** The last address of a block. */
export function lastAddress(c: Cidr): bigint {
  const hostBits = BigInt(familyBits(c.family) - c.prefix);
  return c.network + (1n << hostBits) - 1n;
}

/** True when `inner` lies within `outer` (equal blocks count as contained). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix
    && (inner.network & mask(outer.family, outer.prefix)) === outer.network;
}

/** True when the address lies within the block. */
export function cidrContainsAddress(outer: Cidr, family: IpFamily, address: bigint): boolean {
  return outer.family === family && (address & mask(outer.family, outer.prefix)) === outer.network;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Parse a single address (no mask) into family + value. */
export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  return parseAddress(text.trim());
}

export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

/**
 * The smallest set of blocks covering exactly the union of the inputs: contained blocks are
 * dropped and adjacent siblings (10.0.0.0/25 + 10.0.0.128/25) are joined. Sorted canonically.
 */
export function mergeCidrs(input: readonly Cidr[]): Cidr[] {
  let blocks = [...input].sort(compareCidrs);
  for (;;) {
    const out: Cidr[] = [];
    for (const b of blocks) {
      const prev = out[out.length - 1];
      if (prev && cidrContains(prev, b)) continue;
      if (prev && prev.family === b.family && prev.prefix === b.prefix && prev.prefix > 0) {
        const parentPrefix = prev.prefix - 1;
        const parentNet = prev.network & mask(prev.family, parentPrefix);
        if (parentNet === prev.network && (b.network & mask(b.family, parentPrefix)) === parentNet) {
          const text = formatCidr(prev.family, parentNet, parentPrefix);
          out[out.length - 1] = { family: prev.family, network: parentNet, prefix: parentPrefix, text };
          continue;
        }
      }
      out.push(b);
    }
    const stable = out.length === blocks.length;
    blocks = out.sort(compareCidrs);
    if (stable) return blocks;
  }
}
