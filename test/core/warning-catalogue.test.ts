// The warning catalogue (EgressWarningId) against what the library really raises, what its doc
// comments say, and what the docs, README, API.md and examples name.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  AllowedExternalService, Destination, DnsResolver, EgressBackend, EgressGateway, EgressGatewayProvider, EgressModel, EgressMonitoring, EgressPolicy,
  EgressSource, EgressWarningId, EgressWarnings, FactKind, FixedEgressIp, FixedEgressIpProvider, Port, TerwayEniType,
} from '../../src';
import { CLUSTER_CIDRS_CONTEXT } from '../../src/core/cluster-ranges';
import { contextKeys } from '../../src/core/context';
import { NODE_LOCAL_DNS_CACHE_CONTEXT } from '../../src/core/dns-defaults';
import { WARNING_CATALOGUE, WARNING_IDS, WARNING_METADATA, firstSentence } from '../../src/core/warning-catalogue';

const ROOT = path.join(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** Files under `dir` (relative to the repo root) whose names end with one of `exts`, skipping build output. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) {
        if (!['dist', 'node_modules', 'target', '__pycache__'].includes(e.name)) walk(r);
      } else if (exts.some((x) => e.name.endsWith(x))) {
        out.push(r);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * One app in which every warning the library defines is raised by the real constructs (no
 * EgressWarnings.add() of its own), with the ids it raises.
 */
function appRaisingEveryWarning(): App {
  const app = Testing.app();
  app.node.setContext(CLUSTER_CIDRS_CONTEXT, { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] });
  app.node.setContext(NODE_LOCAL_DNS_CACHE_CONTEXT, true);
  const pods = (ns: string, app_: string) => EgressSource.pods({ namespace: ns, labels: { app: app_ } });

  // Fixed egress IP providers
  const fixed = new Chart(app, 'fixed');
  new FixedEgressIp(fixed, 'cilium', {
    source: pods('production', 'api-client'),
    destinations: [Destination.ipv4('10.0.0.0/8')], // contains the cluster ranges
    provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
  });
  const workload = (id: string, replicas: number) => new kplus.Deployment(fixed, id, {
    metadata: { namespace: 'production' }, podMetadata: { labels: { app: id } }, replicas, containers: [{ image: `example/${id}:1` }],
  });
  new FixedEgressIp(fixed, 'calico-routed', {
    source: EgressSource.workload(workload('routed', 1)),
    provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.240.0/24', advertiseServices: { serviceClusterIpCidrs: ['10.96.0.0/12'] } }),
  });
  new FixedEgressIp(fixed, 'calico-nat', {
    source: EgressSource.workload(workload('natted', 1)),
    provider: FixedEgressIpProvider.calico({ poolCidr: '10.244.241.0/24', natOutgoing: true }),
  });
  const eipPods = workload('eip', 2);
  eipPods.podMetadata.addAnnotation('k8s.aliyun.com/pod-eip', 'true');
  new FixedEgressIp(fixed, 'eip-ip', { source: EgressSource.workload(eipPods), provider: FixedEgressIpProvider.alibabaEip() });
  new FixedEgressIp(fixed, 'snat', {
    source: pods('production', 'uploader'),
    provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-a'], securityGroupIds: ['sg-a'], eniType: TerwayEniType.TRUNK }),
  });

  // Policies and backends
  const policies = new Chart(app, 'policies');
  new AllowedExternalService(policies, 'broad', { source: pods('production', 'partner'), destinations: [Destination.ipv4('64.0.0.0/2')], ports: [Port.HTTPS] });
  new EgressPolicy(policies, 'tiered', { source: pods('production', 'tiered'), backends: [EgressBackend.calico({ tier: 'security' })] })
    .allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
  new EgressPolicy(policies, 'hash', { source: pods('production', 'hash'), backends: [EgressBackend.cilium()] })
    .allow(Destination.pods({ labels: { 'pod-template-hash': 'abc' } }), Port.HTTPS);
  new EgressPolicy(policies, 'in-cluster', { source: pods('production', 'in-cluster') }).allow(Destination.ipv4('10.244.1.0/24'), Port.HTTPS);
  new EgressPolicy(policies, 'own-dns', { source: pods('production', 'own-dns'), dns: [DnsResolver.kubeDns()] }).allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
  const istio = new EgressPolicy(policies, 'istio', { source: pods('mesh', 'web'), backends: [EgressBackend.istio()], dns: [] });
  istio.allow(Destination.fqdn('db.example.com'), Port.POSTGRES);
  new EgressPolicy(policies, 'istio-open', { source: EgressSource.namespace('open'), backends: [EgressBackend.istio({ registryOnly: false })], dns: [] })
    .allow(Destination.fqdn('api.example.com'), Port.HTTPS);

  // Gateways, the app-wide bypass check and monitoring
  const gateways = new Chart(app, 'gateways');
  const gw = new EgressGateway(gateways, 'gw', { gatewayBackends: [EgressBackend.cilium()] });
  gw.addRoute('r', { source: pods('prod', 'routed'), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS] });
  new EgressPolicy(gateways, 'direct', { source: pods('prod', 'routed') }).allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
  new EgressGateway(gateways, 'loose', {
    provider: EgressGatewayProvider.istio({ namespace: 'istio-loose', selector: { istio: 'loose-gateway' } }), mtls: false, bypassClosure: false,
  }).addRoute('r', { source: pods('loose', 'web'), destinations: [Destination.fqdn('loose.example.com')], ports: [Port.HTTPS] });
  new EgressGateway(gateways, 'any', {
    provider: EgressGatewayProvider.istio({ namespace: 'istio-any', selector: { istio: 'any-gateway' } }),
    gatewayBackends: [EgressBackend.kubernetes()],
    allowGatewayEgressToAnyAddress: true,
  }).addRoute('r', { source: pods('any', 'web'), destinations: [Destination.fqdn('any.example.com')], ports: [Port.HTTPS] });
  EgressModel.of(gateways).recordFact({ toFact: () => ({ kind: FactKind.GATEWAY_ROUTE, constructPath: 'gateways/other', summary: 'via another gateway', objectRefs: [], details: { provider: 'other' } }) });
  new EgressMonitoring(gateways, 'monitoring', { namespace: 'monitoring', ruleSelectorLabels: { release: 'prometheus' } });
  return app;
}

describe('the warning catalogue against the library', () => {
  const app = appRaisingEveryWarning();
  const warnings = EgressWarnings.list(app);

  test('every catalogue id is raised by the real constructs, and nothing else is raised', () => {
    expect([...new Set(warnings.map((w) => w.id))].sort()).toEqual([...WARNING_IDS]);
  });

  test('every id is written once in src/, as an EgressWarningId member: no literal ids, no id that is never raised', () => {
    const sources = filesUnder('src', ['.ts']).filter((f) => f !== path.join('src', 'core', 'warning-ids.ts'));
    const code = sources.map((f) => ({ f, text: read(f) }));
    const member = (id: string) => Object.entries(EgressWarningId).find(([, v]) => v === id)![0];
    for (const id of WARNING_IDS) {
      // raised by a construct (EgressWarnings.add), or the warning of an app-wide check (the engine adds it)
      const raisedIn = code.filter((c) => new RegExp(`(EgressWarnings\\.add\\([^,]+, |warningId: )EgressWarningId\\.${member(id)}\\b`).test(c.text)).map((c) => c.f);
      expect({ id, raised: raisedIn.length > 0 }).toEqual({ id, raised: true });
    }
    // in code (not comments), a quoted `cdk8s-egress:<word>` is a context key or the metadata key, never a warning id
    const keys = new Set([...contextKeys(), WARNING_METADATA]);
    const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const literals = code.flatMap((c) => [...withoutComments(c.text).matchAll(/['"`](cdk8s-egress:[A-Za-z]+)['"`]/g)].map((m) => ({ f: c.f, v: m[1] })));
    expect(literals.filter((l) => !keys.has(l.v))).toEqual([]);
  });

  test('enum members are named after their id, and their doc comment is the catalogue summary', () => {
    const text = read('src/core/warning-ids.ts');
    const members = [...text.matchAll(/\/\*\* (.*?) \*\/\n {2}([A-Z_]+) = '(cdk8s-egress:[A-Za-z]+)',/g)];
    expect(members.map((m) => m[3]).sort()).toEqual([...WARNING_IDS]);
    for (const [, doc, name, id] of members) {
      const snake = id.slice('cdk8s-egress:'.length).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
      expect({ id, name, doc }).toEqual({ id, name: snake, doc: WARNING_CATALOGUE[id as EgressWarningId].summary });
    }
  });

  test('summaries are one sentence each', () => {
    for (const id of WARNING_IDS) {
      const s = WARNING_CATALOGUE[id].summary;
      expect({ id, first: firstSentence(s) }).toEqual({ id, first: s });
      expect(s).toMatch(/^\S.*\.$/);
    }
  });

  test('the first sentence of every real message: a prefix that ends a sentence, outside parentheses', () => {
    const firsts: Record<string, string> = {};
    for (const w of warnings) {
      const first = firstSentence(w.message);
      expect(w.message.startsWith(first)).toBe(true);
      const rest = w.message.slice(first.length);
      // either the whole message, or cut at ". " before a capital letter
      if (rest !== '') {
        expect({ id: w.id, end: first.slice(-1), next: rest.slice(0, 2) }).toEqual({ id: w.id, end: '.', next: expect.stringMatching(/^ [A-Z]/) });
      }
      expect((first.match(/\(/g) ?? []).length).toBe((first.match(/\)/g) ?? []).length);
      firsts[`${w.id} at ${w.constructPath}`] = first;
    }
    // the cut, message by message, for review
    expect(firsts).toMatchSnapshot();
  });
});

describe('firstSentence', () => {
  test.each([
    ['One sentence without a period', 'One sentence without a period'],
    ['Ends here. Then more', 'Ends here.'],
    ['Uses e.g. Cilium and i.e. Calico here. Next', 'Uses e.g. Cilium and i.e. Calico here.'],
    ['Version 1.5 of meshConfig.accessLogFile at cilium/cilium#39245 is fine. Next', 'Version 1.5 of meshConfig.accessLogFile at cilium/cilium#39245 is fine.'],
    ['Keep it (see A. Then B) open. Next', 'Keep it (see A. Then B) open.'],
    ['Quote "Stop. Go" here. Next', 'Quote "Stop. Go" here.'],
    ['Code `a. B` here. Next', 'Code `a. B` here.'],
    ['Lower case next. then not a cut', 'Lower case next. then not a cut'],
    ['Paths a/b.c and .after(...) stay. Next', 'Paths a/b.c and .after(...) stay.'],
    ['  Padded.  ', 'Padded.'],
  ])('%j', (message, first) => {
    expect(firstSentence(message)).toBe(first);
  });
});

describe('docs, README, API.md and examples name only ids that exist', () => {
  /** Every `cdk8s-egress:<word>` token that is not a context key or the metadata key. */
  const NOT_WARNINGS = new Set([...contextKeys(), WARNING_METADATA]);
  const files = [
    'README.md', 'API.md',
    ...filesUnder('docs', ['.md']),
    ...filesUnder('examples', ['.ts', '.py', '.java', '.go', '.md', '.yaml']),
    ...filesUnder('src', ['.ts']),
  ];

  test('the scan covers the places a reader looks', () => {
    for (const f of ['README.md', 'API.md', 'docs/warnings.md', 'examples/seed/fixed-ip.ts', 'examples/python/fixed_ip.py', 'src/core/warnings.ts']) {
      expect(files).toContain(f);
    }
  });

  test.each(files)('%s', (file) => {
    const tokens = [...read(file).matchAll(/cdk8s-egress:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[0]);
    const unknown = [...new Set(tokens.filter((t) => !NOT_WARNINGS.has(t) && !(WARNING_IDS as readonly string[]).includes(t)))];
    expect(unknown).toEqual([]);
  });
});

describe('docs/warnings.md lists the catalogue', () => {
  const doc = read('docs/warnings.md');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `cdk8s-egress:'));

  test('one row per id, in catalogue order, with its summary, what raises it and the page that explains it', () => {
    const expected = WARNING_IDS.map((id) => {
      const e = WARNING_CATALOGUE[id];
      return `| \`${id}\` | ${e.summary} | ${e.raisedBy} | [${e.doc}](${e.doc}) |`;
    });
    if (rows.join('\n') !== expected.join('\n')) {
      throw new Error(`docs/warnings.md is out of date with src/private/warning-catalogue.ts; its table rows should be:\n${expected.join('\n')}`);
    }
  });

  test('every linked page exists and names the id', () => {
    for (const id of WARNING_IDS) {
      const page = read(path.join('docs', WARNING_CATALOGUE[id].doc));
      expect({ id, named: page.includes(id) }).toEqual({ id, named: true });
    }
  });
});

