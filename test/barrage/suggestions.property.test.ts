/* eslint-disable no-bitwise */
// Property: every "did you mean" the library produces is itself valid input, and never covers more
// than what was given. Inputs are generated near the valid forms (addresses with and without masks,
// host bits, the other family, IPv4-mapped IPv6; hostnames with wildcards in every place, upper
// case, trailing dots; numbers as strings, reversed ranges; misspelt names, methods, ids, keys and
// file names). Every suggestion found in a message is fed back, and must be accepted; where the
// input has a reading (an address block, a hostname glob, a port set), the suggestion must lie
// within it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Destination, DnsEgressRule, EgressPolicy, EgressReport, EgressSource, EgressWarningId, EgressWarnings, FixedEgressIpProvider, FixedEgressIp,
  HttpRule, Port,
} from '../../src';

process.env.CDK8S_EGRESS_QUIET = '1';

const RUNS = { numRuns: Number(process.env.CDK8S_EGRESS_FC_RUNS ?? 300) };

// ---------------------------------------------------------------------------------------------
// Reading of the input, independent of the library
// ---------------------------------------------------------------------------------------------

interface Block { readonly family: 4 | 6; readonly network: bigint; readonly prefix: number }

function v4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m || m.slice(1).some((x) => Number(x) > 255 || (x.length > 1 && x.startsWith('0')))) return undefined;
  return m.slice(1).reduce((acc, x) => acc * 256n + BigInt(Number(x)), 0n);
}

function v6(text: string): bigint | undefined {
  let t = text.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const tail = v4(dotted[2]);
    if (tail === undefined) return undefined;
    t = `${dotted[1]}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  if (!/^[0-9a-f:]+$/.test(t) || (t.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const hs = head === '' ? [] : head.split(':');
  const ts = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - hs.length - ts.length;
  if (fill < (tail === undefined ? 0 : 1) || hs.length + ts.length + fill !== 8) return undefined;
  const groups = [...hs, ...Array(fill).fill('0'), ...ts];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

const MAPPED = 0xffffn << 32n;

/** The block an input stands for (an address without mask is one address; an IPv4-mapped IPv6 block is its IPv4 block). */
function readBlock(input: string): Block | undefined {
  const t = input.trim();
  const [addr, mask, extra] = t.split('/');
  if (extra !== undefined) return undefined;
  let family: 4 | 6 = 4;
  let value = v4(addr);
  if (value === undefined) {
    value = v6(addr);
    family = 6;
  }
  if (value === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  let prefix = mask === undefined ? bits : /^\d{1,3}$/.test(mask) ? Number(mask) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  if (family === 6 && value >> 32n === MAPPED >> 32n) {
    if (prefix < 96) return undefined;
    family = 4;
    value &= 0xffffffffn;
    prefix -= 96;
  }
  const b = family === 4 ? 32 : 128;
  const m = ((1n << BigInt(b)) - 1n) ^ ((1n << BigInt(b - prefix)) - 1n);
  return { family, network: value & m, prefix };
}

function within(inner: Block, outer: Block): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  const b = inner.family === 4 ? 32 : 128;
  const m = ((1n << BigInt(b)) - 1n) ^ ((1n << BigInt(b - outer.prefix)) - 1n);
  return (inner.network & m) === outer.network;
}

/** Hostname glob: `*` in a label is any characters of that label, a label `**` is one or more labels. */
function globMatches(glob: string, host: string): boolean {
  const g = glob.split('.');
  const h = host.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === g.length) return j === h.length;
    if (g[i] === '**') {
      for (let k = j + 1; k <= h.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    if (j === h.length) return false;
    const re = new RegExp(`^${g[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]+')}$`);
    return re.test(h[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

type HostFactory = 'fqdn' | 'fqdnPattern' | 'anySubdomainOf';

/** Hosts a hostname destination matches, a sample of each shape. */
function sampleHosts(f: HostFactory, arg: string): string[] {
  if (f === 'fqdn') return [arg];
  if (f === 'fqdnPattern') return [`a.${arg.slice(2)}`, `zz9.${arg.slice(2)}`];
  return [`a.${arg}`, `b-1.c.${arg}`, `x.y.z.${arg}`];
}

/** Whether the input, read as the factory reads it, matches `host`. */
function inputMatches(f: HostFactory, input: string, host: string): boolean {
  const norm = input.trim().toLowerCase().replace(/\.+$/, '');
  if (f === 'anySubdomainOf') {
    // Istio's reading: a leading "*." or "**." is every subdomain at any depth
    const domain = norm.replace(/^\*{1,2}\./, '');
    return globMatches(`**.${domain}`, host);
  }
  return globMatches(norm, host);
}

// ---------------------------------------------------------------------------------------------
// Suggestions in a message
// ---------------------------------------------------------------------------------------------

interface Suggestion { readonly factory?: string; readonly arg: string }

/** Every suggestion of a message: `Did you mean "x"?`, and calls to write instead (`Did you mean / Use / use / Pass the domain alone: Destination.f("x")`). */
function suggestions(message: string): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of message.matchAll(/Did you mean "([^"]*)"\?/g)) out.push({ arg: m[1] });
  for (const m of message.matchAll(/(?:Did you mean|[Uu]se|Pass the domain alone:) Destination\.(\w+)\("([^"]*)"\)/g)) out.push({ factory: m[1], arg: m[2] });
  return out;
}

function messages(d: Destination): string[] {
  return d._problems().map((p) => p.message);
}

const HOST_FACTORIES: Record<string, (x: string) => Destination> = {
  fqdn: Destination.fqdn,
  fqdnPattern: Destination.fqdnPattern,
  anySubdomainOf: Destination.anySubdomainOf,
  ipv4: Destination.ipv4,
  ipv6: Destination.ipv6,
};

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 300 }));
const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const six = fc.oneof(
  fc.tuple(hex, hex).map(([a, b]) => `2001:db8:${a}::${b}`),
  fc.tuple(hex, hex).map(([a, b]) => `::ffff:${a}:${b}`),
  quad.map((q) => `::ffff:${q}`),
  fc.constantFrom('::', '::1', 'fe80::1', '2001:db8::', '::ffff:0:0'),
);
const cidrInput = fc.tuple(fc.oneof(quad, six), fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 140 }).map((n) => `/${n}`), fc.constantFrom('/', '/x', '/08')), fc.constantFrom('', ' '))
  .map(([a, m, pad]) => `${pad}${a}${m}${pad}`);

const hostLabel = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('api', 'example', 'com', 'org', 'io', 'googleapis', 'storage', 'a', 'x1', 'eu-west') },
  { weight: 2, arbitrary: fc.constantFrom('*', '**', 'a*', '*b', 'API', 'Com', '1', '42', 'a_b', '-x', '') },
);
const hostInput = fc.tuple(fc.array(hostLabel, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '.', ' '))
  .map(([labels, end]) => `${labels.join('.')}${end === ' ' ? '' : end}${end === ' ' ? ' ' : ''}`);

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('every suggestion is valid input and never wider than the input', () => {
  test('CIDRs: Destination.ipv4/ipv6 (and the except list)', () => {
    let seen = 0;
    fc.assert(fc.property(cidrInput, fc.constantFrom<'ipv4' | 'ipv6'>('ipv4', 'ipv6'), fc.boolean(), (input, f, asExcept) => {
      const d = asExcept
        ? Destination[f](f === 'ipv4' ? '0.0.0.0/0' : '::/0', { except: [input] })
        : Destination[f](input);
      for (const s of messages(d).flatMap(suggestions)) {
        seen++;
        const factory = (s.factory ?? f) as 'ipv4' | 'ipv6';
        // valid: the suggested block is accepted by the factory it is suggested for
        expect(messages(Destination[factory](s.arg))).toEqual([]);
        // not wider: it lies within the block the input stands for
        const given = readBlock(input);
        const suggested = readBlock(s.arg);
        expect({ input, suggestion: s.arg, within: given !== undefined && suggested !== undefined && within(suggested, given) })
          .toEqual({ input, suggestion: s.arg, within: true });
      }
    }), RUNS);
    expect(seen).toBeGreaterThan(50);
  });

  test('hostnames: fqdn, fqdnPattern, anySubdomainOf', () => {
    let seen = 0;
    fc.assert(fc.property(hostInput, fc.constantFrom<HostFactory>('fqdn', 'fqdnPattern', 'anySubdomainOf'), (input, f) => {
      for (const s of messages(HOST_FACTORIES[f](input)).flatMap(suggestions)) {
        seen++;
        const factory = s.factory ?? f;
        const problems = messages(HOST_FACTORIES[factory](s.arg));
        expect({ input, factory, arg: s.arg, problems }).toEqual({ input, factory, arg: s.arg, problems: [] });
        if (factory === 'ipv4') {
          // an address written as a hostname: the suggestion is that address alone
          expect(s.arg).toBe(`${input.trim().replace(/\.+$/, '')}/32`);
          continue;
        }
        for (const host of sampleHosts(factory as HostFactory, s.arg)) {
          const matchedByInput = inputMatches(f, input, host);
          expect({ input, factory, arg: s.arg, host, matchedByInput }).toEqual({ input, factory, arg: s.arg, host, matchedByInput: true });
        }
      }
    }), RUNS);
    expect(seen).toBeGreaterThan(50);
  });

  test('ports: a number given as a string, a reversed range', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), fc.constantFrom('tcp', 'udp', 'sctp', 'https'), (a, b, f) => {
      const fromString = (Port as unknown as Record<string, (p: unknown) => Port>)[f](String(a));
      const [m] = fromString._problems().map((p) => p.message);
      const call = /Did you mean Port\.(\w+)\((\d+)\)\?/.exec(m);
      expect(call).not.toBeNull();
      const again = (Port as unknown as Record<string, (p: number) => Port>)[call![1]](Number(call![2]));
      expect(again._problems()).toEqual([]);
      expect(again.toConfig().port).toBe(a);
      if (a > b) {
        const [r] = Port.tcpRange(a, b)._problems().map((p) => p.message);
        const fix = /Did you mean (\d+)-(\d+)\?/.exec(r)!;
        const range = Port.tcpRange(Number(fix[1]), Number(fix[2]));
        expect(range._problems()).toEqual([]);
        expect([range.startPort, range.endPort]).toEqual([b, a]);
      }
    }), RUNS);
  });

  test('namespace and object names: the suggestion is a valid name', () => {
    const nameInput = fc.string({ maxLength: 80 });
    fc.assert(fc.property(nameInput, (input) => {
      for (const p of EgressSource.namespace(input)._problems()) {
        for (const s of suggestions(p.message)) {
          expect({ input, s: s.arg, problems: EgressSource.namespace(s.arg)._problems() }).toEqual({ input, s: s.arg, problems: [] });
        }
      }
      let err: Error | undefined;
      try {
        new EgressPolicy(Testing.chart(), 'p', { name: input, source: EgressSource.namespace('prod') });
      } catch (e) {
        err = e as Error;
      }
      for (const s of suggestions(err?.message ?? '')) {
        expect(() => new EgressPolicy(Testing.chart(), 'p', { name: s.arg, source: EgressSource.namespace('prod') })).not.toThrow();
      }
    }), RUNS);
  });

  test('HTTP methods, enum values and warning ids', () => {
    const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];
    const mangle = (word: string) => fc.tuple(fc.boolean(), fc.nat(word.length)).map(([lower, i]) => {
      const w = lower ? word.toLowerCase() : word;
      return i < word.length ? w.slice(0, i) + w.slice(i + 1) : w;
    });
    fc.assert(fc.property(fc.constantFrom(...METHODS).chain(mangle), (m) => {
      for (const p of HttpRule.allow({ methods: [m] })._problems()) {
        for (const s of suggestions(p.message)) expect(HttpRule.allow({ methods: [s.arg] })._problems()).toEqual([]);
      }
    }), RUNS);
    fc.assert(fc.property(fc.constantFrom('TCP', 'UDP', 'SCTP').chain(mangle), (proto) => {
      for (const p of Port.of({ protocol: proto as never, port: 443 })._problems()) {
        const m = /Did you mean Protocol\.(\w+)\?/.exec(p.message);
        if (m) expect(Port.of({ protocol: m[1] as never, port: 443 })._problems()).toEqual([]);
      }
    }), RUNS);
    const ids = Object.values(EgressWarningId);
    fc.assert(fc.property(fc.constantFrom(...ids).chain((id) => mangle(id.slice('cdk8s-egress:'.length)).map((x) => `cdk8s-egress:${x}`)), (id) => {
      const c = Testing.chart();
      let msg = '';
      try {
        EgressWarnings.acknowledge(c, id, 'reason');
      } catch (e) {
        msg = (e as Error).message;
      }
      const m = /did you mean '([^']+)'\?/.exec(msg);
      if (m) expect(() => EgressWarnings.acknowledge(c, m[1], 'reason')).not.toThrow();
    }), RUNS);
  });

  test('misspelt property names and context keys: the suggestion is accepted', () => {
    const FIELDS = ['source', 'rules', 'dns', 'allowAllAddresses', 'backends', 'name', 'labels', 'annotations'];
    const typo = (w: string) => fc.tuple(fc.nat(w.length - 1), fc.constantFrom('drop', 'case', 'double')).map(([i, how]) => (how === 'drop'
      ? w.slice(0, i) + w.slice(i + 1) : how === 'case' ? w.slice(0, i) + w[i].toUpperCase() + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i)));
    fc.assert(fc.property(fc.constantFrom(...FIELDS).chain(typo), (key) => {
      if (FIELDS.includes(key)) return;
      const props = { source: EgressSource.namespace('prod'), [key]: undefined };
      let msg = '';
      try {
        new EgressPolicy(Testing.chart(), 'p', props as never);
      } catch (e) {
        msg = (e as Error).message;
      }
      const m = /unknown property "[^"]*" \(set to [^)]*\): did you mean "([^"]+)"\?/.exec(msg);
      if (m) {
        expect(FIELDS).toContain(m[1]);
        // renamed to the suggestion, the prop is known (its value is then checked like any other)
        const renamed: Record<string, unknown> = { source: EgressSource.namespace('prod') };
        if (m[1] === 'source') delete renamed[key];
        expect(() => new EgressPolicy(Testing.chart(), 'p', renamed as never)).not.toThrow();
      }
    }), RUNS);
    const KEYS = ['nodeLocalDnsCache', 'clusterCidrs', 'verboseWarnings'];
    fc.assert(fc.property(fc.constantFrom(...KEYS).chain(typo), (k) => {
      const key = `cdk8s-egress:${k}`;
      const app = Testing.app();
      app.node.setContext(key, false);
      let msg = '';
      try {
        new DnsEgressRule(new Chart(app, 'c'), 'd', { source: EgressSource.namespace('prod') });
      } catch (e) {
        msg = (e as Error).message;
      }
      const m = /Did you mean "(cdk8s-egress:[^"]+)"\?/.exec(msg);
      if (m) {
        const fixed = Testing.app();
        // a valid value for the suggested key
        fixed.node.setContext(m[1], m[1] === 'cdk8s-egress:clusterCidrs' ? {} : false);
        expect(() => new DnsEgressRule(new Chart(fixed, 'c'), 'd', { source: EgressSource.namespace('prod') })).not.toThrow();
      }
    }), RUNS);
  });

  test('report file names: the suggestion writes the file the input names', () => {
    // an app that fails validation: once the options pass, synth stops there and writes nothing
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-names-')) });
    new EgressPolicy(new Chart(app, 'c'), 'p', { source: EgressSource.namespace('prod'), dns: [] });
    const nameInput = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.tuple(fc.constantFrom('', '../', 'a/', '/tmp/', './'), fc.constantFrom('report', 'Egress Report', 'x.md', 'y.json', '.hidden'))
        .map(([dir, base]) => `${dir}${base}`),
    );
    fc.assert(fc.property(nameInput, (fileName) => {
      let msg = '';
      try {
        EgressReport.synth(app, { fileName });
      } catch (e) {
        msg = (e as Error).message;
      }
      const plain = /Did you mean "([^"]*)"\?/.exec(msg);
      const split = /Did you mean \{ outdir: ("[^"]*"), fileName: ("[^"]*") \}\?/.exec(msg);
      if (plain) expect(msg.includes('EGRESS_INVALID_NAME') ? refusedName(app, plain[1]) : undefined).toBeUndefined();
      if (split) expect(refusedName(app, JSON.parse(split[2]))).toBeUndefined();
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    }), RUNS);
  });

  test('a Calico pool: the block suggested is accepted as a pool', () => {
    fc.assert(fc.property(cidrInput, (poolCidr) => {
      const attempt = (cidr: string) => {
        const c = Testing.chart();
        try {
          new FixedEgressIp(c, 'f', { source: EgressSource.namespace('prod'), provider: FixedEgressIpProvider.calico({ poolCidr: cidr, emitNamespaces: true }) });
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      };
      const msg = attempt(poolCidr);
      const fixes = [...msg.matchAll(/(?:Did you mean|such as) "([^"]*)"/g)].map((m) => m[1]);
      for (const fix of fixes) expect({ poolCidr, fix, error: attempt(fix) }).toEqual({ poolCidr, fix, error: '' });
    }), { numRuns: 150 });
  });
});

/** The INVALID_NAME message for a report file name, or undefined when the name is accepted (checked without writing). */
function refusedName(app: App, fileName: string): string | undefined {
  try {
    EgressReport.synth(app, { fileName });
  } catch (e) {
    const msg = (e as Error).message;
    return msg.includes('EGRESS_INVALID_NAME') ? msg : undefined;
  }
  return undefined;
}
