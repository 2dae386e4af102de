// Property: random misuse of the public API — props and arguments of the wrong type, missing
// values, out-of-range numbers, lists where one value belongs and the reverse, factories passed
// without calling them — ends in one of two ways: an EgressError with a stable code, located at a
// construct, and no file written; or an app that EgressReport.synth() writes, whose manifests
// pass their schemas (or, refused at synth, again an EgressError and no file). Never another
// exception.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { filesUnder } from './harness';
import {
  AllowedExternalService, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressErrorCode, EgressErrors, EgressGateway,
  EgressPolicy, EgressReport, EgressSource, FixedEgressIp, FixedEgressIpProvider, HttpRule, Port, egressErrorCode, isEgressError,
} from '../../src';
import { expectValidManifests } from '../support/schema';

process.env.CDK8S_EGRESS_QUIET = '1';

const CODES = new Set<string>(Object.values(EgressErrorCode));
const BASE = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-misuse-'));
afterAll(() => fs.rmSync(BASE, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Values: mostly valid, sometimes anything at all
// ---------------------------------------------------------------------------------------------

/** Anything a caller could pass by mistake. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: -10, max: 70000 }), fc.double(), fc.constant(NaN),
  fc.string({ maxLength: 8 }), fc.constantFrom('false', 'true', '443', '10.0.0.0/8', 'prod', 'api.example.com', 'app=x', ''),
  fc.constantFrom<unknown>([], {}, [1], ['x'], { app: 1 }, [[]], { protocol: 'TCP', port: 443 }),
  fc.constantFrom<unknown>(Port.tcp, EgressBackend.cilium, Destination.ipv4, EgressSource.pods, DnsResolver.kubeDns),
  fc.constantFrom<unknown>(Port.HTTPS, Destination.ipv4('203.0.113.0/24'), EgressSource.namespace('prod'), DnsResolver.kubeDns()),
);

/** `valid` nine times in ten, `junk` otherwise. */
function maybe<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });
}

/** A props object: each field valid or junk; the `required` ones present nearly always, the others absent half the time. */
function props(fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, required.includes(k)
    ? fc.oneof({ weight: 19, arbitrary: maybe(a) }, { weight: 1, arbitrary: fc.constant(undefined) })
    : fc.oneof(maybe(a), fc.constant(undefined))])));
}

const portNumber = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 65535 }) }, fc.integer({ min: -5, max: 70000 }), fc.constantFrom(0, 65536, 1.5, NaN),
);
const port: fc.Arbitrary<unknown> = fc.oneof(
  portNumber.map((p) => Port.tcp(p)), portNumber.map((p) => Port.udp(p)), portNumber.map((p) => Port.https(p)), portNumber.map((p) => Port.sctp(p)),
  fc.tuple(portNumber, portNumber).map(([a, b]) => Port.tcpRange(a, b)), fc.constant(Port.allTcp()), maybe(fc.constant(Port.HTTPS)).map((p) => p),
  junk.map((v) => Port.tcp(v as number)),
);
const cidr = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/28') },
  fc.constantFrom('10.0.0.1', '10.0.0.1/8', '2001:db8::/32', '0.0.0.0/0', '::ffff:10.0.0.1', 'x'), junk);
const host = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('api.example.com', 'b.example.org') },
  fc.constantFrom('*.example.com', '**.example.com', 'API.example.com', 'api.*.com', 'localhost'), junk);
const labels = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>({ app: 'a' }, { app: 'b', tier: 'x' }) }, fc.constantFrom<unknown>({}), junk);
const namespace = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('prod', 'dev') }, fc.constantFrom('Prod', ''), junk);
const destination: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: cidr.map((c) => Destination.ipv4(c as string)) },
  cidr.map((c) => Destination.ipv4(c as string)), cidr.map((c) => Destination.ipv6(c as string)),
  fc.tuple(cidr, fc.oneof(fc.array(cidr, { maxLength: 2 }), junk)).map(([c, except]) => Destination.ipv4(c as string, { except } as never)),
  host.map((h) => Destination.fqdn(h as string)), host.map((h) => Destination.fqdnPattern(h as string)),
  host.map((h) => Destination.anySubdomainOf(h as string)),
  fc.record({ labels, namespace }, { requiredKeys: [] }).map((p) => Destination.pods(p as never)),
  namespace.map((n) => Destination.namespace(n as string)), labels.map((l) => Destination.namespacesWithLabels(l as never)),
  fc.oneof(fc.constant(undefined), fc.record({ endpoints: fc.oneof(fc.array(cidr, { maxLength: 2 }), junk) }))
    .map((p) => Destination.kubeApiServer(p as never)),
  fc.constant(Destination.anyIpv4()),
);
const source: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ namespace, labels }).map((p) => EgressSource.pods(p as never)),
  fc.record({ namespace, labels }, { requiredKeys: [] }).map((p) => EgressSource.pods(p as never)),
  namespace.map((n) => EgressSource.namespace(n as string)),
);
const backend: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined).map(() => EgressBackend.kubernetes()),
  fc.oneof(fc.constant(undefined), fc.record({ clusterwide: maybe(fc.boolean()) }, { requiredKeys: [] }))
    .map((o) => EgressBackend.cilium(o as never)),
  fc.oneof(fc.constant(undefined),
    fc.record({ order: maybe(fc.integer()), networkSetThreshold: maybe(fc.integer({ min: -1, max: 20 })) }, { requiredKeys: [] }))
    .map((o) => EgressBackend.calico(o as never)),
  fc.oneof(fc.constant(undefined), fc.record({ registryOnly: maybe(fc.boolean()), exportTo: maybe(fc.constant(['.'])) }, { requiredKeys: [] })).map((o) => EgressBackend.istio(o as never)),
  fc.oneof(fc.constant(undefined), fc.record({ priority: maybe(fc.integer({ min: -1, max: 1001 })) }, { requiredKeys: [] }))
    .map((o) => EgressBackend.clusterNetworkPolicy(o as never)),
);
const resolvers: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constant([DnsResolver.kubeDns()]) },
  fc.record({ port: maybe(portNumber), namespace }, { requiredKeys: [] }).map((o) => [DnsResolver.kubeDns(o as never)]),
  fc.array(cidr, { maxLength: 2 }).map((c) => DnsResolver.addresses(c as string[])),
  fc.array(cidr, { maxLength: 2 }).map((c) => [DnsResolver.addresses(c as string[])]),
  fc.constant([]),
);
const listOf = (a: fc.Arbitrary<unknown>) => fc.oneof(
  { weight: 9, arbitrary: fc.array(a, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: a }, { weight: 1, arbitrary: fc.constant([]) },
);

/** One step of a program: builds something in the chart. */
type Step = (chart: Chart, id: string) => void;

const steps: fc.Arbitrary<Step> = fc.oneof(
  fc.tuple(props({ source, backends: backend.map((b) => [b]), dns: resolvers, allowAllAddresses: fc.boolean(), name: fc.constantFrom('egress', 'Egress', 'e2') }, ['source']),
    fc.array(fc.tuple(destination, fc.array(port, { maxLength: 2 })), { maxLength: 3 }))
    .map(([p, allows]) => (c: Chart, id: string) => {
      const policy = new EgressPolicy(c, id, p as never);
      for (const [d, ports] of allows) policy.allow(d as Destination, ...(ports as Port[]));
    }),
  props({
    source, destinations: listOf(destination), ports: listOf(port), backends: listOf(backend), dns: resolvers, allowAllAddresses: fc.boolean(),
  },
  ['source', 'destinations', 'ports'])
    .map((p) => (c: Chart, id: string) => { new AllowedExternalService(c, id, p as never); }),
  props({ source, dns: resolvers, backends: backend.map((b) => [b]) }, ['source']).map((p) => (c: Chart, id: string) => { new DefaultDenyEgress(c, id, p as never); }),
  props({ source, dns: resolvers, backends: backend.map((b) => [b]) }, ['source']).map((p) => (c: Chart, id: string) => { new DnsEgressRule(c, id, p as never); }),
  fc.tuple(
    props({ gatewayBackends: listOf(backend), mtls: fc.boolean(), bypassClosure: fc.boolean(), allowGatewayEgressToAnyAddress: fc.boolean() }),
    props({
      source,
      destinations: listOf(destination),
      ports: listOf(port),
      tlsOrigination: fc.boolean(),
      originationPort: portNumber,
      httpRules: listOf(fc.oneof(fc.constant(HttpRule.get('/v1/*')), fc.constant(HttpRule.allow({ methods: ['get'] })))),
      serviceAccounts: listOf(fc.constantFrom('sa', 'SA')),
    },
    ['source', 'destinations', 'ports']),
  ).map(([g, r]) => (c: Chart, id: string) => { new EgressGateway(c, id, g as never).addRoute('r', r as never); }),
  props({
    source: fc.oneof(source, fc.array(source, { maxLength: 3 }).map((l) => EgressSource.anyOf(...(l as EgressSource[])))),
    destinations: listOf(destination),
    allowAllAddresses: fc.boolean(),
    provider: fc.oneof(
      fc.record({ nodeSelector: maybe(labels), egressIp: maybe(fc.constantFrom('10.0.0.100', '10.0.0.100/32', 'x')) }, { requiredKeys: [] }).map((o) => FixedEgressIpProvider.cilium(o as never)),
      fc.record({ poolCidr: cidr, emitNamespaces: fc.boolean() }, { requiredKeys: [] }).map((o) => FixedEgressIpProvider.calico(o as never)),
    ),
  }, ['source', 'provider']).map((p) => (c: Chart, id: string) => { new FixedEgressIp(c, id, p as never); }),
);

let run = 0;

describe('random misuse of the public API', () => {
  test('an EgressError with code and path, or a valid app; never another exception, never output on failure', () => {
    let refused = 0;
    let synthesized = 0;
    fc.assert(fc.property(fc.array(steps, { minLength: 1, maxLength: 3 }), (program) => {
      const app = new App({ outdir: path.join(BASE, `run-${run++}`) });
      const chart = new Chart(app, 'c');
      let err: unknown;
      try {
        program.forEach((step, i) => step(chart, `s${i}`));
      } catch (e) {
        err = e;
      }
      if (err === undefined) {
        try {
          EgressReport.synth(app);
          synthesized++;
          // a valid app: the report is written, and every manifest passes its schema
          expect(filesUnder(app.outdir)).toEqual(expect.arrayContaining(['egress-report.md', 'egress-report.json']));
          expectValidManifests(app.charts.flatMap((ch) => ch.toJson()));
          return;
        } catch (e) {
          err = e;
        }
      }
      refused++;
      const message = (err as Error)?.message ?? String(err);
      expect({ egressError: isEgressError(err), message }).toEqual({ egressError: true, message });
      expect(CODES.has(egressErrorCode(err)!)).toBe(true);
      expect(EgressErrors.codeOfMessage(String(err))).toBe(egressErrorCode(err));
      expect(message).toMatch(/^\[c(\/[^\]]+)?\] /);
      expect(message).not.toMatch(/\[object Object\]|is not a function|Cannot read propert|undefined is not/);
      expect(filesUnder(app.outdir)).toEqual([]);
    }), { numRuns: Number(process.env.CDK8S_EGRESS_FC_RUNS ?? 600) });
    if (process.env.CDK8S_EGRESS_FC_RUNS) process.stdout.write(`refused ${refused}, synthesized ${synthesized}\n`);
    // both outcomes are exercised
    expect(refused).toBeGreaterThan(30);
    expect(synthesized).toBeGreaterThan(10);
  });
});
