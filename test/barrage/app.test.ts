// Wrong use of methods and statics, of the cdk8s-egress: context keys and of EgressReport.synth's
// options; object names reused across the charts of one app; and app-level mistakes found only at
// synth. Every case: an EgressError with its code, path and value, and no file written.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Case, Ctx, asGiven, barrage, filesUnder, pods } from './harness';
import {
  AllowedExternalService, CalicoEdition, CiliumEgressGatewayValues, DeclaredIntents, DefaultDenyEgress, Destination, DnsEgressRule, EgressBackend,
  EgressGateway, EgressModel, EgressMonitoring, EgressPolicy, EgressReport, EgressSource, EgressWarningId, EgressWarnings, FixedEgressIp,
  FixedEgressIpProvider, Port, Protocol,
} from '../../src';

const ext = () => Destination.ipv4('203.0.113.0/24');
const policy = ({ chart }: Ctx) => new EgressPolicy(chart, 'p', { source: pods() });
const gateway = ({ chart }: Ctx) => new EgressGateway(chart, 'g', { gatewayBackends: [EgressBackend.cilium()] });
const routeProps = () => ({ source: pods(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
const baseline = ({ chart }: Ctx) => new DefaultDenyEgress(chart, 'baseline', { source: EgressSource.namespace('prod') });

function methodCases(): Case[] {
  const allow: Array<[string, (p: EgressPolicy) => unknown, string]> = [
    ['allow(d, [Port.HTTPS])', (p) => p.allow(ext(), [Port.HTTPS] as never), 'got [Port TCP/443 (HTTPS)] (a list). Pass the ports as separate arguments, not a list: allow(destination, Port.https(443)) or allow(destination, ...ports)'],
    ['allow(d, [Port.tcp(1), Port.udpRange(1, 9)])', (p) => p.allow(ext(), [Port.tcp(1), Port.udpRange(1, 9)] as never), 'allow(destination, Port.tcp(1), Port.udpRange(1, 9))'],
    ['allow(d, 443)', (p) => p.allow(ext(), 443 as never), 'got 443 (a number). Did you mean Port.tcp(443)?'],
    ['allow(d, "443")', (p) => p.allow(ext(), '443' as never), 'got "443" (a string)'],
    ['allow(d, Port.tcp)', (p) => p.allow(ext(), Port.tcp as never), 'got Port.tcp (the factory itself, not called). Call the factory: Port.tcp(…)'],
    ['allow(d, undefined)', (p) => p.allow(ext(), undefined as never), 'Port argument 1 of allow(destination, ...ports) must be a Port, e.g. Port.HTTPS or Port.tcp(443), got undefined'],
    ['allow(d, Port.HTTPS, null)', (p) => p.allow(ext(), Port.HTTPS, null as never), 'Port argument 2 of allow(destination, ...ports) must be a Port, e.g. Port.HTTPS or Port.tcp(443), got null'],
    ['allow(d, { protocol: "TCP", port: 443 })', (p) => p.allow(ext(), { protocol: 'TCP', port: 443 } as never), 'got { protocol: "TCP", port: 443 }'],
    ['allow([d])', (p) => p.allow([ext()] as never), 'got [Destination 203.0.113.0/24] (a list). allow() takes one destination: call allow() once per destination'],
    ['allow(undefined)', (p) => p.allow(undefined as never), 'The destination of allow(destination, ...ports) must be a Destination, got undefined'],
    ['allow("203.0.113.0/24")', (p) => p.allow('203.0.113.0/24' as never), 'got "203.0.113.0/24" (a string)'],
    ['allow(Destination.ipv4)', (p) => p.allow(Destination.ipv4 as never), 'got Destination.ipv4 (the factory itself, not called). Call the factory: Destination.ipv4(…)'],
    ['allow(Port.HTTPS, d)', (p) => p.allow(Port.HTTPS as never, ext() as never), 'got Port TCP/443 (HTTPS)'],
  ];
  const cases: Case[] = allow.map(([name, f, value]) => ({ name: `EgressPolicy.${name}`, run: (ctx) => f(policy(ctx)), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value }));
  cases.push({ name: 'EgressPolicy.allow twice', run: (ctx) => { const p = policy(ctx); p.allow(ext(), Port.HTTPS); p.allow(ext(), Port.HTTPS); }, code: 'EGRESS_DUPLICATE_RULE', path: 'c/p', value: 'Egress to 203.0.113.0/24 on TCP/443 (HTTPS) is allowed twice' });
  cases.push({ name: 'EgressPolicy.allow(0.0.0.0/0) without opt-in', run: (ctx) => policy(ctx).allow(Destination.anyIpv4()), code: 'EGRESS_ALLOW_ALL', path: 'c/p', value: 'Refusing to allow egress to 0.0.0.0/0' });
  cases.push({ name: 'EgressPolicy halves that add up to 0.0.0.0/0', run: (ctx) => { const p = policy(ctx); p.allow(Destination.ipv4('0.0.0.0/1')); p.allow(Destination.ipv4('128.0.0.0/1')); }, code: 'EGRESS_ALLOW_ALL', path: 'c/p', value: '0.0.0.0/1, 128.0.0.0/1 cover every IPv4 address' });
  const route: Array<[string, (g: EgressGateway) => unknown, string, string, string]> = [
    ['addRoute(42, props)', (g) => g.addRoute(42 as never, routeProps()), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'The id of addRoute(id, props) must be a non-empty string such as \'external-api\', got 42'],
    ['addRoute("", props)', (g) => g.addRoute('', routeProps()), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'got "" (a string)'],
    ['addRoute twice with one id', (g) => { g.addRoute('r', routeProps()); g.addRoute('r', { ...routeProps(), destinations: [Destination.fqdn('b.example.com')] }); }, 'EGRESS_INVALID_ARGUMENT', 'c/g', 'addRoute() was given the id "r", which c/g/r already has'],
    ['addRoute(id, null)', (g) => g.addRoute('r', null as never), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'addRoute("r") props must be an object with the properties source, destinations, ports, tlsOrigination, originationPort, httpRules, serviceAccounts, name, got null'],
    ['addRoute ports []', (g) => g.addRoute('r', { ...routeProps(), ports: [] }), 'EGRESS_EMPTY_POLICY', 'c/g/r', 'The route has no ports'],
    ['addRoute a pattern', (g) => g.addRoute('r', { ...routeProps(), destinations: [Destination.fqdnPattern('*.example.com')] }), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'c/g/r', 'Cannot route the pattern *.example.com'],
    ['addRoute opaque TCP', (g) => g.addRoute('r', { ...routeProps(), ports: [Port.tcp(443)] }), 'EGRESS_INVALID_PORT', 'c/g/r', 'Cannot route TCP/443 through the egress gateway by hostname'],
    ['addRoute originationPort "443"', (g) => g.addRoute('r', { ...routeProps(), tlsOrigination: true, originationPort: '443' as never }), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'props.originationPort must be a number, got "443"'],
    ['addRoute tlsOrigination "true"', (g) => g.addRoute('r', { ...routeProps(), tlsOrigination: 'true' as never }), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'Write true without quotes'],
    ['denyHosts("*.example.com")', (g) => g.denyHosts('*.example.com' as never), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'denyHosts() hosts must be a list of hostnames or patterns, got "*.example.com" (a string). Wrap the single value in a list: ["*.example.com"]'],
    ['denyHosts([42])', (g) => g.denyHosts([42 as never]), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'denyHosts() hosts[0] must be a string such as "*.example.com", got 42'],
    ['denyHosts(undefined)', (g) => g.denyHosts(undefined as never), 'EGRESS_INVALID_ARGUMENT', 'c/g', 'got undefined'],
    ['denyHosts([])', (g) => g.denyHosts([]), 'EGRESS_EMPTY_POLICY', 'c/g', 'denyHosts() was given no hosts'],
    ['denyHosts(["api.*.com"])', (g) => g.denyHosts(['api.*.com']), 'EGRESS_INVALID_FQDN', 'c/g', 'Invalid hostname "api.*.com"'],
  ];
  for (const [name, f, code, p, value] of route) cases.push({ name: `EgressGateway.${name}`, run: (ctx) => f(gateway(ctx)), code, path: p, value });
  const statics: Array<[string, (ctx: Ctx) => unknown, string, string | undefined, string]> = [
    ['EgressWarnings.acknowledge(undefined, ...)', () => EgressWarnings.acknowledge(undefined as never, EgressWarningId.BROAD_CIDR, 'x'), 'EGRESS_INVALID_ARGUMENT', undefined, 'The scope of EgressWarnings.acknowledge() must be a construct'],
    ['EgressWarnings.acknowledge(c, 42, ...)', ({ chart }) => EgressWarnings.acknowledge(chart, 42 as never, 'x'), 'EGRESS_UNKNOWN_WARNING_ID', 'c', 'got warning id 42, which cdk8s-egress does not define'],
    ['EgressWarnings.acknowledge(c, misspelt id)', ({ chart }) => EgressWarnings.acknowledge(chart, 'cdk8s-egress:broadCIDR', 'x'), 'EGRESS_UNKNOWN_WARNING_ID', 'c', "did you mean 'cdk8s-egress:broadCidr'?"],
    ['EgressWarnings.acknowledge(c, id, 42)', ({ chart }) => EgressWarnings.acknowledge(chart, EgressWarningId.BROAD_CIDR, 42 as never), 'EGRESS_REASON_REQUIRED', 'c', 'got 42 (a number) as reason'],
    ['EgressWarnings.acknowledge(c, id, "")', ({ chart }) => EgressWarnings.acknowledge(chart, EgressWarningId.BROAD_CIDR, ''), 'EGRESS_REASON_REQUIRED', 'c', 'got an empty reason'],
    ['EgressWarnings.add(c, "x", "m")', ({ chart }) => EgressWarnings.add(chart, 'x' as never, 'm'), 'EGRESS_UNKNOWN_WARNING_ID', 'c', 'got warning id "x"'],
    ['EgressWarnings.add(c, id, 42)', ({ chart }) => EgressWarnings.add(chart, EgressWarningId.BROAD_CIDR, 42 as never), 'EGRESS_INVALID_ARGUMENT', 'c', 'The message of EgressWarnings.add() must be a non-empty string'],
    ['EgressWarnings.enableStrictMode("app")', () => EgressWarnings.enableStrictMode('app' as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'got "app"'],
    ['EgressWarnings.list(undefined)', () => EgressWarnings.list(undefined as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'The scope of EgressWarnings.list()'],
    ['EgressModel.of(undefined)', () => EgressModel.of(undefined as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'The scope of EgressModel.of() must be a construct'],
    ['EgressModel.check(null)', ({ chart }) => EgressModel.of(chart).check(null as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'EgressModel.check() probe must be an object'],
    ['EgressModel.check({ port: "443" })', ({ chart }) => EgressModel.of(chart).check({ from: { namespace: 'prod', labels: {} }, port: '443' as never, protocol: Protocol.TCP }), 'EGRESS_INVALID_ARGUMENT', undefined, 'probe.port must be a number, got "443"'],
    ['EgressModel.check({ protocol: "tcp" })', ({ chart }) => EgressModel.of(chart).check({ from: { namespace: 'prod', labels: {} }, port: 443, protocol: 'tcp' as never }), 'EGRESS_INVALID_ARGUMENT', undefined, 'Did you mean Protocol.TCP?'],
    ['EgressModel.check({ from: "prod" })', ({ chart }) => EgressModel.of(chart).check({ from: 'prod' as never, port: 443, protocol: Protocol.TCP }), 'EGRESS_INVALID_ARGUMENT', undefined, 'probe.from must be an object with the properties namespace, labels, namespaceLabels, ip, got "prod"'],
    ['EgressModel._record({})', ({ chart }) => EgressModel.of(chart)._record({} as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'The policy of EgressModel._record() must be an object with a toModelPolicy() method, got {}'],
    ['EgressModel.recordFact(null)', ({ chart }) => EgressModel.of(chart).recordFact(null as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'got null'],
    ['DeclaredIntents.enforcedOutsideApp(undefined, r)', () => DeclaredIntents.enforcedOutsideApp(undefined as never, 'r'), 'EGRESS_INVALID_ARGUMENT', undefined, 'The scope of DeclaredIntents.enforcedOutsideApp()'],
    ['DeclaredIntents.enforcedOutsideApp(c, 42)', ({ chart }) => DeclaredIntents.enforcedOutsideApp(chart, 42 as never), 'EGRESS_REASON_REQUIRED', 'c', 'needs a reason'],
    ['EgressReport.of(undefined)', () => EgressReport.of(undefined as never), 'EGRESS_INVALID_ARGUMENT', undefined, 'EgressReport.of() scope must be a construct'],
  ];
  for (const [name, f, code, p, value] of statics) cases.push({ name, run: f, code, path: p, value });
  return cases;
}

function contextCases(): Case[] {
  const cases: Case[] = [];
  const withContext = (key: string, value: unknown, build: (c: Chart) => unknown) => ({ app }: Ctx) => {
    const fresh = new App({ outdir: app.outdir });
    fresh.node.setContext(key, value);
    build(new Chart(fresh, 'e', { namespace: 'prod' }));
  };
  const dns = (c: Chart) => new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('prod') });
  const allowIn = (c: Chart) => new EgressPolicy(c, 'p', { source: pods() }).allow(Destination.ipv4('10.244.1.0/24'), Port.HTTPS);
  for (const [value, code, text] of [
    [42, 'EGRESS_INVALID_CIDR', 'Invalid cdk8s-egress:nodeLocalDnsCache context value 42'],
    ['dns-cache', 'EGRESS_INVALID_CIDR', 'context value "dns-cache": it must be the IPv4 address NodeLocal DNSCache listens on'],
    ['169.254.20.0/24', 'EGRESS_INVALID_CIDR', 'context value "169.254.20.0/24"'],
    ['fe80::a', 'EGRESS_INVALID_CIDR', 'context value "fe80::a"'],
    [{ address: '169.254.20.10' }, 'EGRESS_INVALID_CIDR', 'context value {"address":"169.254.20.10"}'],
    ['true', 'EGRESS_INVALID_CONTEXT', 'Invalid cdk8s-egress:nodeLocalDnsCache context value "true" (write true without quotes)'],
    ['FALSE', 'EGRESS_INVALID_CONTEXT', '(write false without quotes)'],
  ] as Array<[unknown, string, string]>) {
    cases.push({ name: `context nodeLocalDnsCache = ${asGiven(value)}`, run: withContext('cdk8s-egress:nodeLocalDnsCache', value, dns), code, path: 'e/dns', value: text });
  }
  for (const [value, code, text] of [
    ['10.244.0.0/16', 'EGRESS_INVALID_CONTEXT', 'Invalid cdk8s-egress:clusterCidrs context value "10.244.0.0/16" (say which ranges these are: podCidrs or serviceCidrs)'],
    [['10.244.0.0/16'], 'EGRESS_INVALID_CONTEXT', 'context value ["10.244.0.0/16"]'],
    [42, 'EGRESS_INVALID_CONTEXT', 'Invalid cdk8s-egress:clusterCidrs context value 42'],
    [true, 'EGRESS_INVALID_CONTEXT', 'context value true'],
    [{ podCidrs: '10.244.0.0/16' }, 'EGRESS_INVALID_CONTEXT', 'The podCidrs of the cdk8s-egress:clusterCidrs context value is "10.244.0.0/16": it must be a list of CIDR strings such as ["10.244.0.0/16"]. Did you mean ["10.244.0.0/16"]?'],
    [{ podCIDRs: ['10.244.0.0/16'] }, 'EGRESS_INVALID_CONTEXT', 'has an unknown field "podCIDRs": did you mean "podCidrs"?'],
    [{ serviceCidr: ['10.96.0.0/12'] }, 'EGRESS_INVALID_CONTEXT', 'did you mean "serviceCidrs"?'],
    [{ podCidrs: [42] }, 'EGRESS_INVALID_CONTEXT', 'The podCidrs of the cdk8s-egress:clusterCidrs context value is [42]'],
    [{ podCidrs: ['10.244.0.0'] }, 'EGRESS_INVALID_CIDR', 'Invalid CIDR in the cdk8s-egress:clusterCidrs context\'s podCidrs: "10.244.0.0" has no prefix length (mask). Did you mean "10.244.0.0/32"?'],
  ] as Array<[unknown, string, string]>) {
    cases.push({ name: `context clusterCidrs = ${asGiven(value)}`, run: withContext('cdk8s-egress:clusterCidrs', value, allowIn), code, path: 'e/p', value: text });
    cases.push({ name: `context clusterCidrs = ${asGiven(value)} (FixedEgressIp)`, run: withContext('cdk8s-egress:clusterCidrs', value, (c) => new FixedEgressIp(c, 'f', { source: pods(), provider: FixedEgressIpProvider.cilium({ nodeSelector: { a: 'b' } }), destinations: [ext()] })), code, path: 'e/f', value: text.replace("the cdk8s-egress:clusterCidrs context's podCidrs", 'clusterCidrs.podCidrs') });
  }
  for (const [key, close] of [
    ['cdk8s-egress:nodeLocalDNSCache', 'cdk8s-egress:nodeLocalDnsCache'], ['cdk8s-egress:clustercidrs', 'cdk8s-egress:clusterCidrs'], ['cdk8s-egress:clusterCidr', 'cdk8s-egress:clusterCidrs'],
    ['cdk8s-egress:verboseWarning', 'cdk8s-egress:verboseWarnings'], ['cdk8s-egress:nodeLocalDns', undefined], ['cdk8s-egress:strictMode', undefined], ['cdk8s-egress:', undefined],
  ] as Array<[string, string | undefined]>) {
    cases.push({ name: `unknown context key ${key}`, run: withContext(key, true, dns), code: 'EGRESS_INVALID_CONTEXT', path: 'e/dns', value: `Unknown context key "${key}" (set to true): cdk8s-egress reads no such key${close ? `. Did you mean "${close}"?` : '.'}` });
  }
  for (const key of ['cdk8s-egress:nodeLocalDnsCache', 'cdk8s-egress:clusterCidrs', 'cdk8s-egress:verboseWarnings', 'cdk8s-egress:nodeLocalDNSCache']) {
    cases.push({ name: `${key} set on the App after charts exist`, run: ({ app, chart }) => { dns(chart); app.node.setContext(key, true); }, code: 'EGRESS_INVALID_CONTEXT', path: undefined, value: `The ${key} context is set too late: the App already has children (c)` });
    cases.push({ name: `${key} set on the chart after constructs exist`, run: ({ chart }) => { dns(chart); chart.node.setContext(key, true); }, code: 'EGRESS_INVALID_CONTEXT', path: 'c', value: `The ${key} context is set too late: c already has children (dns)` });
  }
  cases.push({
    name: 'clusterCidrs changed in place after constructs read it',
    run: ({ app }) => {
      const fresh = new App({ outdir: app.outdir });
      const cidrs = { podCidrs: ['10.244.0.0/16'] };
      fresh.node.setContext('cdk8s-egress:clusterCidrs', cidrs);
      const c = new Chart(fresh, 'e', { namespace: 'prod' });
      allowIn(c);
      cidrs.podCidrs.push('10.245.0.0/16');
      EgressReport.synth(fresh);
    },
    code: 'EGRESS_INVALID_CONTEXT',
    path: undefined,
    value: 'The cdk8s-egress:clusterCidrs context value changed after e/p read it when it was built (from {"podCidrs":["10.244.0.0/16"]} to {"podCidrs":["10.244.0.0/16","10.245.0.0/16"]})',
  });
  cases.push({
    name: 'verboseWarnings set on a chart is not read',
    run: ({ app }) => {
      const fresh = new App({ outdir: app.outdir });
      const c = new Chart(fresh, 'e', { namespace: 'prod' });
      c.node.setContext('cdk8s-egress:verboseWarnings', true);
      dns(c);
    },
    code: 'EGRESS_INVALID_CONTEXT',
    path: 'e/dns',
    value: 'The cdk8s-egress:verboseWarnings context is set below the App (to true), but cdk8s-egress reads it from the App only',
  });
  for (const value of ['yes', 1, {}]) {
    cases.push({
      name: `verboseWarnings = ${asGiven(value)} fails synth`,
      run: ({ app }) => {
        const fresh = new App({ outdir: app.outdir });
        fresh.node.setContext('cdk8s-egress:verboseWarnings', value);
        new AllowedExternalService(new Chart(fresh, 'e'), 's', { source: pods(), destinations: [Destination.ipv4('64.0.0.0/2')], ports: [Port.HTTPS] });
        EgressReport.synth(fresh);
      },
      code: 'EGRESS_INVALID_CONTEXT',
      path: 'e/s',
      value: `Invalid cdk8s-egress:verboseWarnings context value ${asGiven(value)}`,
    });
  }
  return cases;
}

function reportCases(): Case[] {
  const cases: Case[] = [];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-file-')), 'not-a-dir');
  fs.writeFileSync(file, 'x');
  const synthWith = (options: unknown) => (ctx: Ctx) => { baseline(ctx); EgressReport.synth(ctx.app, options as never); };
  const list: Array<[unknown, string, string]> = [
    [{ fileName: '' }, 'EGRESS_INVALID_ARGUMENT', 'options.fileName must be a non-empty string such as "egress-report", got ""'],
    [{ fileName: ' ' }, 'EGRESS_INVALID_ARGUMENT', 'got " "'],
    [{ fileName: '../x' }, 'EGRESS_INVALID_NAME', 'options.fileName "../x" contains a directory: fileName is a plain file name, and the directory goes into outdir. Did you mean { outdir: "..", fileName: "x" }?'],
    [{ fileName: 'a/b' }, 'EGRESS_INVALID_NAME', 'Did you mean { outdir: "a", fileName: "b" }?'],
    [{ fileName: '/tmp/report' }, 'EGRESS_INVALID_NAME', 'Did you mean { outdir: "/tmp", fileName: "report" }?'],
    [{ fileName: 'a\\b' }, 'EGRESS_INVALID_NAME', 'contains a directory'],
    [{ fileName: 'report.md' }, 'EGRESS_INVALID_NAME', 'has an extension: .md and .json are appended to fileName. Did you mean "report"?'],
    [{ fileName: 'report.json' }, 'EGRESS_INVALID_NAME', 'Did you mean "report"?'],
    [{ fileName: '.hidden' }, 'EGRESS_INVALID_NAME', 'must be a plain file name'],
    [{ fileName: '..' }, 'EGRESS_INVALID_NAME', '".."'],
    [{ fileName: 'egress report' }, 'EGRESS_INVALID_NAME', 'Did you mean "egress-report"?'],
    [{ fileName: 42 }, 'EGRESS_INVALID_ARGUMENT', 'options.fileName must be a string such as "egress-report", got 42'],
    [{ fileName: null }, 'EGRESS_INVALID_ARGUMENT', 'options.fileName must be a value or left out, got null'],
    [{ filename: 'x' }, 'EGRESS_INVALID_ARGUMENT', 'unknown property "filename" (set to "x"): did you mean "fileName"?'],
    [{ outDir: 'x' }, 'EGRESS_INVALID_ARGUMENT', 'did you mean "outdir"?'],
    [{ outdir: '' }, 'EGRESS_INVALID_ARGUMENT', 'options.outdir must be a non-empty string such as "dist", got ""'],
    [{ outdir: 42 }, 'EGRESS_INVALID_ARGUMENT', 'options.outdir must be a string such as "dist", got 42'],
    [{ outdir: file }, 'EGRESS_INVALID_ARGUMENT', `cannot write into ${JSON.stringify(file)}: ${file} is a file, not a directory`],
    [{ outdir: path.join(file, 'sub') }, 'EGRESS_INVALID_ARGUMENT', `${file} is a file, not a directory`],
    [null, 'EGRESS_INVALID_ARGUMENT', 'EgressReport.synth() options must be an object with the properties outdir, fileName, got null'],
    ['report', 'EGRESS_INVALID_ARGUMENT', 'got "report"'],
  ];
  for (const [options, code, value] of list) cases.push({ name: `EgressReport.synth(app, ${asGiven(options)})`, run: synthWith(options), code, path: undefined, value });
  for (const [name, app, value] of [
    ['the chart', (ctx: Ctx) => ctx.chart, 'The app of EgressReport.synth() must be the cdk8s App, got the Chart at c. Pass the App the chart belongs to'],
    ['undefined', () => undefined, 'got undefined'],
    ['a plain object', () => ({ outdir: 'x', synth: () => undefined }), 'got { outdir: "x", synth: a function synth }'],
    ['a policy', (ctx: Ctx) => policy(ctx), 'got the EgressPolicy at c/p'],
  ] as Array<[string, (ctx: Ctx) => unknown, string]>) {
    cases.push({ name: `EgressReport.synth(${name})`, run: (ctx) => { baseline(ctx); EgressReport.synth(app(ctx) as never); }, code: 'EGRESS_INVALID_ARGUMENT', path: undefined, value });
    cases.push({ name: `EgressReport.write(${name})`, run: (ctx) => { baseline(ctx); EgressReport.write(app(ctx) as never); }, code: 'EGRESS_INVALID_ARGUMENT', path: undefined, value: value.replace('synth()', 'write()') });
  }
  cases.push({ name: 'EgressReport.write(app, { fileName: "x.md" })', run: synthWith({ fileName: 'x.md' }), code: 'EGRESS_INVALID_NAME', path: undefined, value: 'Did you mean "x"?' });
  return cases;
}

function synthCases(): Case[] {
  const cases: Case[] = [];
  const nodns = ({ chart }: Ctx) => new EgressPolicy(chart, 'p', { source: pods(), dns: [] }).allow(ext(), Port.HTTPS);
  cases.push({ name: 'no DNS path anywhere', run: nodns, code: 'EGRESS_DNS_PATH_MISSING', path: 'c/p', value: 'Pods app=backend in namespace prod is egress-isolated here but has no DNS path' });
  cases.push({
    name: 'strict mode and a warning not acknowledged',
    run: ({ app, chart }) => { EgressWarnings.enableStrictMode(app); new AllowedExternalService(chart, 's', { source: pods(), destinations: [Destination.ipv4('64.0.0.0/2')], ports: [Port.HTTPS] }); },
    code: 'EGRESS_WARNING_NOT_ACKNOWLEDGED',
    path: 'c/s',
    value: 'Destination 64.0.0.0/2 covers more than a /8',
  });
  cases.push({
    name: 'two errors at synth: the first with its code, the other listed',
    run: (ctx) => { nodns(ctx); new EgressPolicy(ctx.chart, 'q', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'other' } }), dns: [] }); },
    code: 'EGRESS_DNS_PATH_MISSING',
    path: 'c/p',
    value: /\(and 1 more: \[c\/q\] Pods app=other in namespace prod is egress-isolated here but has no DNS path.*\(EGRESS_DNS_PATH_MISSING\)\)\. Nothing was written/,
  });
  cases.push({
    name: 'monitoring declared before the egress it watches',
    run: (ctx) => { baseline(ctx); new EgressMonitoring(ctx.chart, 'm', { namespace: 'monitoring', ruleSelectorLabels: { release: 'x' } }); new EgressGateway(ctx.chart, 'g', { gatewayBackends: [EgressBackend.cilium()] }).addRoute('r', routeProps()); },
    code: 'EGRESS_CONFLICTING_OPTIONS',
    path: 'c/m',
    value: 'Egress declarations changed after this EgressMonitoring was built',
  });
  cases.push({
    name: 'an intent another construct blocks',
    run: ({ chart }) => {
      new EgressPolicy(chart, 'p', { source: pods(), backends: [EgressBackend.istio()] }).allow(Destination.fqdn('api.example.com'), Port.HTTPS);
      new DefaultDenyEgress(chart, 'deny', { source: EgressSource.namespace('prod') });
    },
    code: 'EGRESS_INTENT_BLOCKED',
    path: 'c/p',
    value: 'api.example.com',
  });
  return cases;
}

function nameCases(): Case[] {
  // Each builder emits one named object into the chart it is given; the second chart's copy collides.
  const named: Array<[string, string, (c: Chart) => unknown, string]> = [
    ['NetworkPolicy', 'x/p', (c) => new EgressPolicy(c, 'p', { name: 'egress', source: pods() }), 'NetworkPolicy "egress" in namespace "prod"'],
    ['CiliumNetworkPolicy', 'x/p', (c) => new EgressPolicy(c, 'p', { name: 'egress', source: pods(), backends: [EgressBackend.cilium()] }), 'CiliumNetworkPolicy "egress" in namespace "prod"'],
    ['Calico NetworkPolicy', 'x/p', (c) => new EgressPolicy(c, 'p', { name: 'egress', source: pods(), backends: [EgressBackend.calico()] }), 'NetworkPolicy "egress" in namespace "prod"'],
    ['Calico Enterprise NetworkPolicy', 'x/p', (c) => new EgressPolicy(c, 'p', { name: 'egress', source: pods(), backends: [EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE })] }), 'NetworkPolicy "egress" in namespace "prod"'],
    ['DNS NetworkPolicy', 'x/d', (c) => new DnsEgressRule(c, 'd', { name: 'dns', source: EgressSource.namespace('prod') }), 'NetworkPolicy "dns" in namespace "prod"'],
    ['default deny', 'x/b', (c) => new DefaultDenyEgress(c, 'b', { name: 'deny', source: EgressSource.namespace('prod') }), 'NetworkPolicy "deny" in namespace "prod"'],
    ['CiliumEgressGatewayPolicy (cluster-scoped)', 'x/f', (c) => new FixedEgressIp(c, 'f', { name: 'fixed', source: pods(), provider: FixedEgressIpProvider.cilium({ nodeSelector: { a: 'b' }, egressIp: '10.0.0.100' }), destinations: [ext()] }),
      'CiliumEgressGatewayPolicy "fixed" (cluster-scoped)'],
    ['IPPool (cluster-scoped)', 'x/f', (c) => new FixedEgressIp(c, 'f', { name: 'pool', source: EgressSource.namespace(`ns-${c.node.id}`), provider: FixedEgressIpProvider.calico({ poolCidr: c.node.id === 'c' ? '10.244.200.0/24' : '10.244.201.0/24', emitNamespaces: true }) }),
      'IPPool "pool" (cluster-scoped)'],
    ['PodNetworking (cluster-scoped)', 'x/f', (c) => new FixedEgressIp(c, 'f', { name: 'pn', source: EgressSource.namespace(`ns-${c.node.id}`), provider: FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-bp1exampleid'], securityGroupIds: ['sg-bp1exampleid'] }) }),
      'PodNetworking "pn" (cluster-scoped)'],
    ['ConfigMap', 'x/v', (c) => new CiliumEgressGatewayValues(c, 'v', { namespace: 'flux-system' }), 'ConfigMap "cilium-egress" in namespace "flux-system"'],
    ['AuthorizationPolicy (deny)', 'x/g', (c) => new EgressGateway(c, 'g', { name: 'egress-gateway', gatewayBackends: [EgressBackend.cilium()] }).denyHosts([`*.${c.node.id}.example.com`]),
      'AuthorizationPolicy "egress-gateway-deny" in namespace "istio-system"'],
    ['Gateway', 'x/g', (c) => new EgressGateway(c, 'g', { name: 'egress-gateway', gatewayBackends: [EgressBackend.cilium()] })
      .addRoute('r', { source: pods(), destinations: [Destination.fqdn(`${c.node.id}.example.com`)], ports: [Port.HTTPS] }),
    'Gateway "egress-gateway" in namespace "istio-system"'],
    ['PrometheusRule', 'x/m', (c) => { new DefaultDenyEgress(c, 'b', { source: EgressSource.namespace(`ns-${c.node.id}`) }); new EgressMonitoring(c, 'm', { name: 'egress-alerts', namespace: 'monitoring', ruleSelectorLabels: { release: 'x' } }); },
      'PrometheusRule "egress-alerts" in namespace "monitoring"'],
  ];
  return named.map(([kind, p, build, value]) => ({
    name: `${kind} named twice in two charts of one app`,
    run: ({ app, chart }: Ctx) => { build(chart); build(new Chart(app, 'x', { namespace: 'prod' })); },
    code: 'EGRESS_CONFLICTING_OPTIONS',
    path: p,
    value: new RegExp(`${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is already emitted by c/.* in another chart \\(cdk8s synth writes every chart of the app into one output directory`),
  }));
}

barrage('methods and statics', methodCases());
barrage('the cdk8s-egress: context', contextCases());
barrage('EgressReport.synth / write: the app and every option, checked before the first file', reportCases());
barrage('app-level errors at synth', synthCases());
barrage('object names are unique across the charts of an app', nameCases());

test('a report option refused by synth leaves even a pre-existing outdir untouched', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-keep-'));
  fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
  const app = new App({ outdir: dir });
  new DefaultDenyEgress(new Chart(app, 'c'), 'b', { source: EgressSource.namespace('prod') });
  expect(() => EgressReport.synth(app, { fileName: '../escape' })).toThrow(/EGRESS_INVALID_NAME/);
  expect(filesUnder(dir)).toEqual(['keep.txt']);
  expect(fs.existsSync(path.join(dir, '..', 'escape.md'))).toBe(false);
});
