// Wrong arguments to every value-object factory: Port, Destination, EgressSource, DnsResolver,
// HttpRule, EgressGatewayProvider, the backend and fixed-IP provider factories. Value objects have
// no scope: the construct that consumes them raises their problem with its own path.
import { Chart } from 'cdk8s';
import { Case, Ctx, asGiven, barrage, pods } from './harness';
import {
  AlibabaEipReleaseStrategy, AppProtocol, CalicoEdition, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressGateway, EgressGatewayProvider,
  IEgressBackend, IFixedEgressIpProvider, EgressPolicy, EgressSource, FixedEgressIp, FixedEgressIpProvider, HttpRule, Port, Protocol,
} from '../../src';

const allowPort = (port: () => unknown) => ({ chart }: Ctx) =>
  new EgressPolicy(chart, 'p', { source: pods() }).allow(Destination.ipv4('203.0.113.0/24'), port() as Port);
const allowDest = (d: () => unknown, backend?: () => IEgressBackend) => ({ chart }: Ctx) =>
  new EgressPolicy(chart, 'p', { source: pods(), ...(backend ? { backends: [backend()] } : {}) }).allow(d() as Destination, Port.HTTPS);

function portCases(): Case[] {
  const cases: Case[] = [];
  const single = ['tcp', 'udp', 'sctp', 'https', 'tls', 'http', 'grpc'] as const;
  for (const f of single) {
    for (const v of [undefined, null, '443', true, {}, [443]]) {
      cases.push({
        name: `Port.${f}(${asGiven(v)})`,
        run: allowPort(() => (Port[f] as (p: unknown) => Port)(v)),
        code: 'EGRESS_INVALID_ARGUMENT',
        path: 'c/p',
        value: `Port.${f}() port must be a port number from 1 to 65535, got ${asGiven(v)}`,
      });
    }
    for (const v of [0, 65536, 1.5, -1, NaN, Infinity]) {
      cases.push({ name: `Port.${f}(${v})`, run: allowPort(() => Port[f](v)), code: 'EGRESS_INVALID_PORT', path: 'c/p', value: `Invalid port ${v}: ports must be whole numbers from 1 to 65535` });
    }
  }
  cases.push({ name: 'Port.tcp() with no argument never means every port', run: allowPort(() => (Port.tcp as () => Port)()), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: 'A missing port never means every port: for every port write Port.allTcp()' });
  cases.push({ name: 'Port.tcp("443") suggests the number', run: allowPort(() => Port.tcp('443' as unknown as number)), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: 'Did you mean Port.tcp(443)?' });
  for (const f of ['tcpRange', 'udpRange'] as const) {
    for (const [a, b] of [[undefined, 8080], [8000, undefined], ['8000', 8080], [8000, '8080'], [null, null]] as Array<[unknown, unknown]>) {
      const bad = typeof a !== 'number' ? a : b;
      cases.push({
        name: `Port.${f}(${asGiven(a)}, ${asGiven(b)})`,
        run: allowPort(() => (Port[f] as (x: unknown, y: unknown) => Port)(a, b)),
        code: 'EGRESS_INVALID_ARGUMENT',
        path: 'c/p',
        value: `Port.${f}() ${typeof a !== 'number' ? 'start' : 'end'} must be a port number from 1 to 65535, got ${asGiven(bad)}`,
      });
    }
    cases.push({ name: `Port.${f}(8080, 8000) is reversed`, run: allowPort(() => Port[f](8080, 8000)), code: 'EGRESS_INVALID_PORT', path: 'c/p', value: 'Invalid port range 8080-8000: the range is reversed. Did you mean 8000-8080?' });
  }
  const ofCases: Array<[unknown, string, string]> = [
    [undefined, 'EGRESS_INVALID_ARGUMENT', 'Port.of() props must be an object with the properties protocol, port, endPort, appProtocol, got undefined'],
    [null, 'EGRESS_INVALID_ARGUMENT', 'got null'],
    ['TCP/443', 'EGRESS_INVALID_ARGUMENT', 'got "TCP/443"'],
    [{}, 'EGRESS_INVALID_ARGUMENT', 'Port.of() props has no protocol'],
    [{ protocol: 'tcp', port: 443 }, 'EGRESS_INVALID_PORT', 'Invalid protocol "tcp": use Protocol.TCP, Protocol.UDP or Protocol.SCTP. Did you mean Protocol.TCP?'],
    [{ protocol: 6, port: 443 }, 'EGRESS_INVALID_ARGUMENT', 'Port.of() props.protocol must be one of Protocol.TCP, Protocol.UDP, Protocol.SCTP, got 6'],
    [{ protocol: Protocol.TCP, port: '443' }, 'EGRESS_INVALID_ARGUMENT', 'Port.of() props.port must be a number, got "443" (a string). Write 443 without quotes'],
    [{ protocol: Protocol.TCP, port: 443, endport: 444 }, 'EGRESS_INVALID_ARGUMENT', 'unknown property "endport" (set to 444): did you mean "endPort"?'],
    [{ protocol: Protocol.TCP, port: 443, appProtocol: 'https' }, 'EGRESS_INVALID_ARGUMENT', 'got "https" (a string). Did you mean AppProtocol.HTTPS?'],
    [{ protocol: Protocol.UDP, port: 443, appProtocol: AppProtocol.HTTPS }, 'EGRESS_INVALID_PORT', 'application protocol HTTPS needs TCP'],
    [{ protocol: Protocol.TCP, endPort: 5 }, 'EGRESS_INVALID_PORT', 'endPort 5 given without a start port'],
  ];
  for (const [props, code, value] of ofCases) cases.push({ name: `Port.of(${asGiven(props)})`, run: allowPort(() => Port.of(props as never)), code, path: 'c/p', value });
  return cases;
}

function destinationCases(): Case[] {
  const cases: Case[] = [];
  for (const f of ['ipv4', 'ipv6'] as const) {
    for (const v of [undefined, null, 42, {}, ['10.0.0.0/8'], true]) {
      cases.push({ name: `Destination.${f}(${asGiven(v)})`, run: allowDest(() => Destination[f](v as string)), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: `Destination.${f}() cidr must be a string such as` });
    }
    for (const [opts, value] of [
      [null, `Destination.${f}() options must be an object with the properties except, got null`],
      ['10.1.0.0/16', 'got "10.1.0.0/16"'],
      [{ excepts: ['10.1.0.0/16'] }, 'unknown property "excepts" (set to ["10.1.0.0/16"]): did you mean "except"?'],
      [{ except: '10.1.0.0/16' }, `Destination.${f}() options.except must be a list of CIDR strings, got "10.1.0.0/16" (a string). Wrap the single value in a list: ["10.1.0.0/16"]`],
      [{ except: [42] }, 'options.except[0] must be a string, got 42'],
      [{ except: [['10.1.0.0/16']] }, 'options.except[0] is a list inside the list (["10.1.0.0/16"])'],
    ] as Array<[unknown, string]>) {
      cases.push({ name: `Destination.${f}(cidr, ${asGiven(opts)})`, run: allowDest(() => Destination[f](f === 'ipv4' ? '10.0.0.0/8' : '2001:db8::/32', opts as never)), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value });
    }
  }
  for (const f of ['anyIpv4', 'anyIpv6'] as const) {
    for (const opts of [null, 'x', { excepts: [] }]) {
      cases.push({ name: `Destination.${f}(${asGiven(opts)})`, run: allowDest(() => Destination[f](opts as never)), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: `Destination.${f}() options` });
    }
  }
  const cidrs: Array<[string, 'ipv4' | 'ipv6', string]> = [
    ['10.0.0.1', 'ipv4', '"10.0.0.1" has no prefix length (mask). Did you mean "10.0.0.1/32"?'],
    ['10.0.0.1/8', 'ipv4', '"10.0.0.1/8" has host bits set beyond the /8 prefix. Did you mean "10.0.0.0/8"?'],
    ['10.0.0.0/33', 'ipv4', '"10.0.0.0/33" has an invalid prefix length "/33"'],
    ['256.0.0.0/8', 'ipv4', '"256.0.0.0/8" is not an IPv4 or IPv6 address block'],
    ['', 'ipv4', '"" is not an IPv4 or IPv6 address block (it is empty)'],
    ['api.example.com', 'ipv4', '"api.example.com" is not an IPv4 or IPv6 address block'],
    ['2001:db8::/32', 'ipv4', '"2001:db8::/32" is an IPv6 block where an IPv4 block was expected. Did you mean Destination.ipv6("2001:db8::/32")?'],
    ['10.0.0.0/8', 'ipv6', '"10.0.0.0/8" is an IPv4 block where an IPv6 block was expected. Did you mean Destination.ipv4("10.0.0.0/8")?'],
    ['10.0.0.1', 'ipv6', '"10.0.0.1" is an IPv4 address where an IPv6 block was expected. Did you mean Destination.ipv4("10.0.0.1/32")?'],
    ['::ffff:10.0.0.1', 'ipv6', '"::ffff:10.0.0.1" is an IPv4-mapped IPv6 address'],
    ['::ffff:10.0.0.1/128', 'ipv6', 'read as the IPv4 block 10.0.0.1/32. Write IPv4 destinations with Destination.ipv4(). Did you mean Destination.ipv4("10.0.0.1/32")?'],
    ['::ffff:10.0.0.1/128', 'ipv4', 'Did you mean "10.0.0.1/32"?'],
    ['::ffff:a00:0/104', 'ipv6', 'Did you mean Destination.ipv4("10.0.0.0/8")?'],
    ['2001:db8::1', 'ipv6', '"2001:db8::1" has no prefix length (mask). Did you mean "2001:db8::1/128"?'],
    ['fe80::1%eth0/128', 'ipv6', 'is not an IPv4 or IPv6 address block'],
  ];
  for (const [cidr, f, value] of cidrs) cases.push({ name: `Destination.${f}(${JSON.stringify(cidr)})`, run: allowDest(() => Destination[f](cidr)), code: 'EGRESS_INVALID_CIDR', path: 'c/p', value });
  cases.push({ name: 'except outside the block', run: allowDest(() => Destination.ipv4('10.0.0.0/8', { except: ['11.0.0.0/16'] })), code: 'EGRESS_INVALID_EXCEPT', path: 'c/p', value: 'Invalid except "11.0.0.0/16" for 10.0.0.0/8' });
  cases.push({ name: 'except without mask', run: allowDest(() => Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0'] })), code: 'EGRESS_INVALID_CIDR', path: 'c/p', value: 'the except list of 10.0.0.0/8: "10.1.0.0" has no prefix length (mask). Did you mean "10.1.0.0/32"?' });
  const cilium = () => EgressBackend.cilium();
  for (const f of ['fqdn', 'fqdnPattern', 'anySubdomainOf'] as const) {
    for (const v of [undefined, null, 42, {}, ['api.example.com']]) {
      cases.push({ name: `Destination.${f}(${asGiven(v)})`, run: allowDest(() => Destination[f](v as string), cilium), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: `Destination.${f}() ` });
    }
  }
  const hosts: Array<['fqdn' | 'fqdnPattern' | 'anySubdomainOf', string, string]> = [
    ['fqdn', 'API.GitHub.com.', 'Did you mean "api.github.com"?'],
    ['fqdn', '*.github.com', 'Use Destination.fqdnPattern("*.github.com")'],
    ['fqdn', '**.github.com', '"**." means subdomains at any depth: use Destination.anySubdomainOf("github.com")'],
    ['fqdn', 'api.*.com', 'List the hostnames with Destination.fqdn()'],
    ['fqdn', 'localhost', 'expected a fully qualified name such as "api.example.com"'],
    ['fqdn', '10.0.0.1', 'For an IP address use Destination.ipv4("10.0.0.1/32")'],
    ['fqdn', 'a_b.example.com', 'Invalid hostname "a_b.example.com"'],
    ['fqdnPattern', '**.example.com', 'use Destination.anySubdomainOf("example.com")'],
    ['fqdnPattern', 'api.*.com', 'only one leading wildcard label ("*.example.com") is supported'],
    ['fqdnPattern', '*', 'A wildcard alone would match every hostname'],
    ['fqdnPattern', 'example.com', 'Did you mean Destination.fqdn("example.com")?'],
    ['fqdnPattern', '*.com', 'after "*." expected a fully qualified name'],
    ['anySubdomainOf', '*.googleapis.com', 'Pass the domain alone: Destination.anySubdomainOf("googleapis.com")'],
    ['anySubdomainOf', 'com', 'expected a domain of at least two labels'],
    ['anySubdomainOf', 'GoogleAPIs.com.', 'Did you mean "googleapis.com"?'],
  ];
  for (const [f, h, value] of hosts) cases.push({ name: `Destination.${f}(${JSON.stringify(h)})`, run: allowDest(() => Destination[f](h), cilium), code: 'EGRESS_INVALID_FQDN', path: 'c/p', value });
  const podsCases: Array<[unknown, string, string]> = [
    [undefined, 'EGRESS_INVALID_ARGUMENT', 'Destination.pods() props must be an object'],
    [null, 'EGRESS_INVALID_ARGUMENT', 'got null'],
    [{ namespace: 'db' }, 'EGRESS_EMPTY_SELECTOR', 'Destination.pods() props has no labels: Destination.pods() needs the labels of the destination pods: without them it would select every pod'],
    [{ labels: null, namespace: 'db' }, 'EGRESS_EMPTY_SELECTOR', 'Destination.pods() props.labels is null'],
    [{ labels: {} }, 'EGRESS_EMPTY_SELECTOR', 'Destination.pods() was given empty labels, which would select every pod'],
    [{ labels: 'app=db' }, 'EGRESS_INVALID_ARGUMENT', 'Write it as an object: { "app": "db" }'],
    [{ labels: { app: 5432 } }, 'EGRESS_INVALID_ARGUMENT', 'props.labels["app"] must be a string, got 5432'],
    [{ labels: { app: 'db' }, namespace: 42 }, 'EGRESS_INVALID_ARGUMENT', 'props.namespace must be a string such as "production", got 42'],
    [{ labels: { app: 'db' }, namespce: 'db' }, 'EGRESS_INVALID_ARGUMENT', 'unknown property "namespce" (set to "db"): did you mean "namespace"?'],
    [{ labels: { app: 'db' }, namespaceLabels: {} }, 'EGRESS_EMPTY_SELECTOR', 'Empty namespace labels would select every namespace'],
    [{ labels: { app: 'db' }, namespace: 'db', namespaceLabels: { team: 'a' } }, 'EGRESS_CONFLICTING_OPTIONS', 'given both namespace and namespaceLabels'],
    [{ labels: { 'app/x/y': 'db' } }, 'EGRESS_INVALID_LABEL', 'Invalid label key "app/x/y"'],
  ];
  for (const [props, code, value] of podsCases) cases.push({ name: `Destination.pods(${asGiven(props)})`, run: allowDest(() => Destination.pods(props as never)), code, path: 'c/p', value });
  for (const v of [undefined, null, 42, 'Prod']) {
    cases.push({ name: `Destination.namespace(${asGiven(v)})`, run: allowDest(() => Destination.namespace(v as string)), code: v === 'Prod' ? 'EGRESS_INVALID_NAME' : 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: v === 'Prod' ? 'Did you mean "prod"?' : `got ${asGiven(v)}` });
  }
  for (const [v, code, value] of [[undefined, 'EGRESS_EMPTY_SELECTOR', 'instead of labels, which would select every namespace'], [null, 'EGRESS_EMPTY_SELECTOR', 'was given null'], ['team=a', 'EGRESS_INVALID_ARGUMENT', 'got "team=a"'], [{ team: 1 }, 'EGRESS_INVALID_ARGUMENT', 'labels["team"] must be a string, got 1']] as Array<[unknown, string, string]>) {
    cases.push({ name: `Destination.namespacesWithLabels(${asGiven(v)})`, run: allowDest(() => Destination.namespacesWithLabels(v as never)), code, path: 'c/p', value });
  }
  for (const [v, code, value] of [
    [null, 'EGRESS_INVALID_ARGUMENT', 'Destination.kubeApiServer() props must be an object with the properties endpoints, got null'],
    [{ endpoints: '192.0.2.10/32' }, 'EGRESS_INVALID_ARGUMENT', 'Wrap the single value in a list: ["192.0.2.10/32"]'],
    [{ endpoint: ['192.0.2.10/32'] }, 'EGRESS_INVALID_ARGUMENT', 'did you mean "endpoints"?'],
    [{ endpoints: [] }, 'EGRESS_EMPTY_SELECTOR', 'was given an empty endpoints list'],
    [{ endpoints: ['192.0.2.10'] }, 'EGRESS_INVALID_CIDR', 'Did you mean "192.0.2.10/32"?'],
    [{ endpoints: ['0.0.0.0/0'] }, 'EGRESS_ALLOW_ALL', 'API server endpoint "0.0.0.0/0" covers every address'],
  ] as Array<[unknown, string, string]>) {
    cases.push({ name: `Destination.kubeApiServer(${asGiven(v)})`, run: allowDest(() => Destination.kubeApiServer(v as never)), code, path: 'c/p', value });
  }
  return cases;
}

function sourceCases(): Case[] {
  const cases: Case[] = [];
  const use = (s: () => unknown) => ({ chart }: Ctx) => new EgressPolicy(chart, 'p', { source: s() as EgressSource });
  const podsCases: Array<[unknown, string, string]> = [
    [undefined, 'EGRESS_INVALID_ARGUMENT', 'EgressSource.pods() props must be an object with the properties namespace, labels, got undefined'],
    [null, 'EGRESS_INVALID_ARGUMENT', 'got null'],
    ['prod', 'EGRESS_INVALID_ARGUMENT', 'got "prod"'],
    [{ namespace: 'prod' }, 'EGRESS_EMPTY_SELECTOR', 'EgressSource.pods() needs the labels that select the pods: without them it would select every pod of the namespace'],
    [{ namespace: 'prod', labels: null }, 'EGRESS_EMPTY_SELECTOR', 'props.labels is null, which would select every pod of the namespace'],
    [{ labels: { app: 'x' } }, 'EGRESS_INVALID_ARGUMENT', 'EgressSource.pods() props has no namespace'],
    [{ namespace: 42, labels: { app: 'x' } }, 'EGRESS_INVALID_ARGUMENT', 'props.namespace must be a string such as "production", got 42'],
    [{ namespace: 'prod', labels: 'app=x' }, 'EGRESS_INVALID_ARGUMENT', 'Write it as an object: { "app": "x" }'],
    [{ namespace: 'prod', labels: { app: true } }, 'EGRESS_INVALID_ARGUMENT', 'props.labels["app"] must be a string, got true (a boolean). Write "true"'],
    [{ namespace: 'prod', labels: { app: 'x' }, label: { tier: 'y' } }, 'EGRESS_INVALID_ARGUMENT', 'unknown property "label" (set to { tier: "y" }): did you mean "labels"?'],
    [{ namespace: 'prod', labels: {} }, 'EGRESS_EMPTY_SELECTOR', "EgressSource.namespace('prod') if every pod is meant"],
    [{ namespace: 'Prod', labels: { app: 'x' } }, 'EGRESS_INVALID_NAME', 'Invalid namespace in EgressSource.pods() "Prod"'],
  ];
  for (const [props, code, value] of podsCases) cases.push({ name: `EgressSource.pods(${asGiven(props)})`, run: use(() => EgressSource.pods(props as never)), code, path: 'c/p', value });
  for (const v of [undefined, null, 42, '', {}, ['prod']]) {
    cases.push({ name: `EgressSource.namespace(${asGiven(v)})`, run: use(() => EgressSource.namespace(v as string)), code: 'EGRESS_INVALID_ARGUMENT', path: 'c/p', value: `EgressSource.namespace() name must be a ${v === '' ? 'non-empty ' : ''}string such as "production", got ${asGiven(v)}` });
  }
  for (const v of [undefined, null, 'deployment', {}]) {
    cases.push({ name: `EgressSource.workload(${asGiven(v)})`, run: use(() => EgressSource.workload(v as never)), code: 'EGRESS_INVALID_ARGUMENT', path: undefined, value: `EgressSource.workload() workload must be a Deployment, StatefulSet, DaemonSet or Job construct (cdk8s-plus or L1), got ${asGiven(v)}` });
  }
  cases.push({ name: 'EgressSource.workload(chart)', run: use((): unknown => EgressSource.workload(new Chart(new Chart(undefined as never, 'x'), 'y'))), code: 'EGRESS_NOT_A_WORKLOAD', path: 'x/y', value: 'which synthesizes no Kubernetes object' });
  return cases;
}

function resolverCases(): Case[] {
  const cases: Case[] = [];
  const use = (r: () => unknown) => ({ chart }: Ctx) => new DnsEgressRule(chart, 'd', { source: EgressSource.namespace('prod'), dns: r() as DnsResolver[] });
  const list: Array<[string, () => unknown, string, string]> = [
    ['kubeDns(null)', () => [DnsResolver.kubeDns(null as never)], 'EGRESS_INVALID_ARGUMENT', 'DnsResolver.kubeDns() options must be an object with the properties namespace, labels, port, got null'],
    ['kubeDns({ port: "53" })', () => [DnsResolver.kubeDns({ port: '53' as never })], 'EGRESS_INVALID_ARGUMENT', 'options.port must be a number, got "53" (a string). Write 53 without quotes'],
    ['kubeDns({ namespace: 42 })', () => [DnsResolver.kubeDns({ namespace: 42 as never })], 'EGRESS_INVALID_ARGUMENT', 'options.namespace must be a string such as "kube-system", got 42'],
    ['kubeDns({ labels: "k8s-app=kube-dns" })', () => [DnsResolver.kubeDns({ labels: 'k8s-app=kube-dns' as never })], 'EGRESS_INVALID_ARGUMENT', 'got "k8s-app=kube-dns"'],
    ['kubeDns({ ports: 53 })', () => [DnsResolver.kubeDns({ ports: 53 } as never)], 'EGRESS_INVALID_ARGUMENT', 'unknown property "ports" (set to 53): did you mean "port"?'],
    ['kubeDns({ labels: {} })', () => [DnsResolver.kubeDns({ labels: {} })], 'EGRESS_EMPTY_SELECTOR', 'empty labels'],
    ['kubeDns({ port: 0 })', () => [DnsResolver.kubeDns({ port: 0 })], 'EGRESS_INVALID_PORT', 'Invalid port 0'],
    ['nodeLocalDnsCache(null)', () => [DnsResolver.nodeLocalDnsCache(null as never)], 'EGRESS_INVALID_ARGUMENT', 'got null'],
    ['nodeLocalDnsCache({ address: 42 })', () => [DnsResolver.nodeLocalDnsCache({ address: 42 as never })], 'EGRESS_INVALID_ARGUMENT', 'options.address must be a string such as "169.254.20.10", got 42'],
    ['nodeLocalDnsCache({ adress })', () => [DnsResolver.nodeLocalDnsCache({ adress: '169.254.20.11' } as never)], 'EGRESS_INVALID_ARGUMENT', 'did you mean "address"?'],
    ['nodeLocalDnsCache({ address: "dns" })', () => [DnsResolver.nodeLocalDnsCache({ address: 'dns' })], 'EGRESS_INVALID_CIDR', '"dns/32" is not an IPv4 or IPv6 address block'],
    ['addresses("10.0.0.10/32")', () => DnsResolver.addresses('10.0.0.10/32' as never), 'EGRESS_INVALID_ARGUMENT', 'DnsResolver.addresses() cidrs must be a list of CIDR strings, got "10.0.0.10/32" (a string). Wrap the single value in a list: ["10.0.0.10/32"]'],
    ['addresses([])', () => DnsResolver.addresses([]), 'EGRESS_INVALID_ARGUMENT', 'DnsResolver.addresses() cidrs is an empty list'],
    ['addresses([42])', () => DnsResolver.addresses([42 as never]), 'EGRESS_INVALID_ARGUMENT', 'cidrs[0] must be a string, got 42'],
    ['addresses(undefined)', () => DnsResolver.addresses(undefined as never), 'EGRESS_INVALID_ARGUMENT', 'got undefined'],
    ['addresses([...], { port: "53" })', () => DnsResolver.addresses(['10.0.0.10/32'], { port: '53' as never }), 'EGRESS_INVALID_ARGUMENT', 'options.port must be a number, got "53"'],
    ['addresses(["10.0.0.10"])', () => DnsResolver.addresses(['10.0.0.10']), 'EGRESS_INVALID_CIDR', 'Did you mean "10.0.0.10/32"?'],
    ['addresses(["0.0.0.0/0"])', () => DnsResolver.addresses(['0.0.0.0/0']), 'EGRESS_ALLOW_ALL', 'covers every IPv4 address'],
  ];
  for (const [name, r, code, value] of list) cases.push({ name: `DnsResolver.${name}`, run: use(r), code, path: 'c/d', value });
  cases.push({ name: 'DnsEgressRule dns: [] isolates without DNS', run: use(() => []), code: 'EGRESS_EMPTY_POLICY', path: 'c/d', value: 'DnsEgressRule was given no resolvers' });
  return cases;
}

function gatewayValueCases(): Case[] {
  const cases: Case[] = [];
  const route = (extra: Record<string, unknown>) => ({ chart }: Ctx) => new EgressGateway(chart, 'g', { gatewayBackends: [EgressBackend.cilium()] })
    .addRoute('r', { source: pods(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.http(80)], ...extra } as never);
  const rules: Array<[string, () => unknown, string, string]> = [
    ['HttpRule.allow(null)', () => HttpRule.allow(null as never), 'EGRESS_INVALID_ARGUMENT', 'HttpRule.allow() props must be an object with the properties methods, paths, got null'],
    ['HttpRule.allow({ method })', () => HttpRule.allow({ method: ['GET'] } as never), 'EGRESS_INVALID_ARGUMENT', 'did you mean "methods"?'],
    ['HttpRule.allow({ methods: "GET" })', () => HttpRule.allow({ methods: 'GET' as never }), 'EGRESS_INVALID_ARGUMENT', 'Wrap the single value in a list: ["GET"]'],
    ['HttpRule.allow({ paths: [42] })', () => HttpRule.allow({ paths: [42 as never] }), 'EGRESS_INVALID_ARGUMENT', 'props.paths[0] must be a string such as "/v1/*", got 42'],
    ['HttpRule.allow({})', () => HttpRule.allow({}), 'EGRESS_EMPTY_POLICY', 'has neither methods nor paths'],
    ['HttpRule.allow({ methods: ["get"] })', () => HttpRule.allow({ methods: ['get'] }), 'EGRESS_CONFLICTING_OPTIONS', 'Invalid HTTP method "get" in HttpRule: use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE. Did you mean "GET"?'],
    ['HttpRule.get()', () => HttpRule.get(), 'EGRESS_INVALID_ARGUMENT', 'HttpRule.get() paths is an empty list'],
    ['HttpRule.get(42)', () => HttpRule.get(42 as never), 'EGRESS_INVALID_ARGUMENT', 'HttpRule.get() paths[0] must be a string, got 42 (a number)'],
    ['HttpRule.get(["/a"])', () => HttpRule.get(['/a'] as never), 'EGRESS_INVALID_ARGUMENT', 'paths[0] is a list inside the list (["/a"])'],
    ['HttpRule.get("*")', () => HttpRule.get('*'), 'EGRESS_CONFLICTING_OPTIONS', 'Invalid path "*" in HttpRule'],
  ];
  for (const [name, r, code, value] of rules) cases.push({ name, run: route({ httpRules: [r()] }), code, path: 'c/g/r', value });
  const provider: Array<[unknown, string, string]> = [
    [null, 'EGRESS_INVALID_ARGUMENT', 'EgressGatewayProvider.istio() options must be an object'],
    [{ namespace: 42 }, 'EGRESS_INVALID_ARGUMENT', 'options.namespace must be a string such as "istio-system", got 42'],
    [{ tlsPort: 443 }, 'EGRESS_INVALID_ARGUMENT', 'options.tlsPort must be an object with the properties port, targetPort, got 443'],
    [{ tlsPort: { port: '443', targetPort: 8443 } }, 'EGRESS_INVALID_ARGUMENT', 'options.tlsPort.port must be a number, got "443"'],
    [{ httpPort: { port: 80 } }, 'EGRESS_INVALID_ARGUMENT', 'options.httpPort has no targetPort'],
    [{ selector: 'istio=egressgateway' }, 'EGRESS_INVALID_ARGUMENT', 'Write it as an object: { "istio": "egressgateway" }'],
    [{ controlPlanePort: '15012' }, 'EGRESS_INVALID_ARGUMENT', 'Write 15012 without quotes'],
    [{ namespce: 'istio-egress' }, 'EGRESS_INVALID_ARGUMENT', 'did you mean "namespace"?'],
    [{ selector: {} }, 'EGRESS_EMPTY_SELECTOR', 'The gateway selector is empty'],
    [{ tlsPort: { port: 0, targetPort: 8443 } }, 'EGRESS_INVALID_PORT', 'Invalid tlsPort { port: 0, targetPort: 8443 }'],
    [{ serviceHost: 'egress' }, 'EGRESS_INVALID_FQDN', 'Invalid serviceHost "egress"'],
  ];
  for (const [opts, code, value] of provider) {
    cases.push({
      name: `EgressGatewayProvider.istio(${asGiven(opts)})`,
      run: ({ chart }) => new EgressGateway(chart, 'g', { provider: EgressGatewayProvider.istio(opts as never), gatewayBackends: [EgressBackend.cilium()] }),
      code,
      path: 'c/g',
      value,
    });
  }
  return cases;
}

function backendCases(): Case[] {
  const cases: Case[] = [];
  const list: Array<[string, () => IEgressBackend, string, string]> = [
    ['cilium(null)', () => EgressBackend.cilium(null as never), 'EGRESS_INVALID_ARGUMENT', 'EgressBackend.cilium() options must be an object with the properties clusterwide, version, dnsFilter, got null'],
    ['cilium({ clusterwide: "true" })', () => EgressBackend.cilium({ clusterwide: 'true' as never }), 'EGRESS_INVALID_ARGUMENT', 'options.clusterwide must be true or false, got "true" (a string). Write true without quotes'],
    ['cilium({ clusterWide: true })', () => EgressBackend.cilium({ clusterWide: true } as never), 'EGRESS_INVALID_ARGUMENT', 'unknown property "clusterWide" (set to true): did you mean "clusterwide"?'],
    ['cilium("clusterwide")', () => EgressBackend.cilium('clusterwide' as never), 'EGRESS_INVALID_ARGUMENT', 'got "clusterwide"'],
    ['calico({ edition: 42 })', () => EgressBackend.calico({ edition: 42 as never }), 'EGRESS_INVALID_ARGUMENT', 'options.edition must be one of CalicoEdition.OPEN_SOURCE, CalicoEdition.ENTERPRISE, got 42'],
    ['calico({ edition: "Cloud" })', () => EgressBackend.calico({ edition: 'Cloud' as CalicoEdition }), 'EGRESS_CONFLICTING_OPTIONS', 'Invalid Calico edition "Cloud"'],
    ['calico({ order: "10" })', () => EgressBackend.calico({ order: '10' as never }), 'EGRESS_INVALID_ARGUMENT', 'options.order must be a number, got "10"'],
    ['calico({ order: NaN })', () => EgressBackend.calico({ order: NaN }), 'EGRESS_CONFLICTING_OPTIONS', 'Invalid Calico policy order NaN'],
    ['calico({ tier: 42 })', () => EgressBackend.calico({ tier: 42 as never }), 'EGRESS_INVALID_ARGUMENT', 'options.tier must be a string such as "platform", got 42'],
    ['calico({ tier: "Platform" })', () => EgressBackend.calico({ tier: 'Platform' }), 'EGRESS_INVALID_NAME', 'Invalid Calico tier "Platform"'],
    ['calico({ networkSetThreshold: "10" })', () => EgressBackend.calico({ networkSetThreshold: '10' as never }), 'EGRESS_INVALID_ARGUMENT', 'got "10"'],
    ['calico({ networkSetThreshold: -1 })', () => EgressBackend.calico({ networkSetThreshold: -1 }), 'EGRESS_CONFLICTING_OPTIONS', 'Invalid networkSetThreshold -1'],
    ['calico({ edtion })', () => EgressBackend.calico({ edtion: CalicoEdition.ENTERPRISE } as never), 'EGRESS_INVALID_ARGUMENT', 'did you mean "edition"?'],
    ['istio({ registryOnly: "false" })', () => EgressBackend.istio({ registryOnly: 'false' as never }), 'EGRESS_INVALID_ARGUMENT', 'options.registryOnly must be true or false, got "false" (a string). Write false without quotes'],
    ['istio({ exportTo: "." })', () => EgressBackend.istio({ exportTo: '.' as never }), 'EGRESS_INVALID_ARGUMENT', 'Wrap the single value in a list: ["."]'],
    ['istio({ exportTo: [] })', () => EgressBackend.istio({ exportTo: [] }), 'EGRESS_CONFLICTING_OPTIONS', 'exportTo: [], which Istio reads as "export to every namespace"'],
    ['istio({ sidecarEgressHosts: [42] })', () => EgressBackend.istio({ sidecarEgressHosts: [42 as never] }), 'EGRESS_INVALID_ARGUMENT', 'sidecarEgressHosts[0] must be a string such as "payments/*", got 42'],
    ['istio({ wildcardResolution: "dns" })', () => EgressBackend.istio({ wildcardResolution: 'dns' as never }), 'EGRESS_INVALID_ARGUMENT', 'options.wildcardResolution must be one of IstioWildcardResolution.NONE, IstioWildcardResolution.DYNAMIC_DNS, got "dns"'],
    ['istio({ registryonly: false })', () => EgressBackend.istio({ registryonly: false } as never), 'EGRESS_INVALID_ARGUMENT', 'did you mean "registryOnly"?'],
    ['clusterNetworkPolicy({ priority: "100" })', () => EgressBackend.clusterNetworkPolicy({ priority: '100' as never }), 'EGRESS_INVALID_ARGUMENT', 'options.priority must be a number, got "100"'],
    ['clusterNetworkPolicy({ priority: 1000 })', () => EgressBackend.clusterNetworkPolicy({ priority: 1000 }), 'EGRESS_CONFLICTING_OPTIONS', 'Invalid ClusterNetworkPolicy priority 1000'],
    ['clusterNetworkPolicy({ tier: 1 })', () => EgressBackend.clusterNetworkPolicy({ tier: 1 as never }), 'EGRESS_INVALID_ARGUMENT', 'options.tier must be one of ClusterNetworkPolicyTier.ADMIN, ClusterNetworkPolicyTier.BASELINE, got 1'],
    ['clusterNetworkPolicy({ isolationPriority: null })', () => EgressBackend.clusterNetworkPolicy({ isolationPriority: null as never }), 'EGRESS_INVALID_ARGUMENT', 'options.isolationPriority must be a value or left out, got null'],
    ['clusterNetworkPolicy({ priority: 500, isolationPriority: 400 })', () => EgressBackend.clusterNetworkPolicy({ priority: 500, isolationPriority: 400 }), 'EGRESS_CONFLICTING_OPTIONS', 'isolationPriority 400 is not above priority 500'],
  ];
  for (const [name, b, code, value] of list) {
    cases.push({ name: `EgressBackend.${name}`, run: ({ chart }) => new EgressPolicy(chart, 'p', { source: pods(), backends: [b()] }), code, path: 'c/p', value });
  }
  const capability: Array<[string, () => IEgressBackend, () => Destination, () => Port, string]> = [
    ['SCTP to a hostname on NetworkPolicy', () => EgressBackend.kubernetes(), () => Destination.fqdn('api.example.com'), () => Port.sctp(5000),
      'cannot express destination api.example.com (needs capability Fqdn). Use a backend that can express the whole rule: EgressBackend.cilium(), EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE }),'],
    ['a port range to a hostname on NetworkPolicy', () => EgressBackend.kubernetes(), () => Destination.fqdn('api.example.com'), () => Port.tcpRange(8000, 8080),
      'Use a backend that can express the whole rule: EgressBackend.cilium(), EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE }),'],
    ['SCTP on Istio names the port, not the hostname', () => EgressBackend.istio(), () => Destination.fqdn('api.example.com'), () => Port.sctp(5000),
      'The Istio backend cannot express the SCTP port SCTP/5000 (needs capability Sctp). Use a backend that can express the whole rule: EgressBackend.cilium(), EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE })'],
    ['a range on Istio names the range', () => EgressBackend.istio(), () => Destination.fqdn('api.example.com'), () => Port.tcpRange(8000, 8080),
      'the port range TCP/8000-8080 (needs capability PortRange)'],
    ['a pattern to UDP on NetworkPolicy', () => EgressBackend.kubernetes(), () => Destination.fqdnPattern('*.example.com'), () => Port.udp(443),
      'cannot express destination *.example.com (needs capability FqdnPattern). Use a backend that can express the whole rule: EgressBackend.cilium(),'],
  ];
  for (const [name, b, d, p, value] of capability) {
    cases.push({ name: `capability: ${name}`, run: ({ chart }) => new EgressPolicy(chart, 'p', { source: pods(), backends: [b()] }).allow(d(), p()), code: 'EGRESS_UNSUPPORTED_BY_BACKEND', path: 'c/p', value });
  }
  // the alternatives never include Istio for SCTP or a range
  cases.push({ name: 'capability: Istio is not suggested for SCTP', run: ({ chart }) => new EgressPolicy(chart, 'p', { source: pods() }).allow(Destination.fqdn('api.example.com'), Port.sctp(1)), code: 'EGRESS_UNSUPPORTED_BY_BACKEND', path: 'c/p', value: /^((?!EgressBackend\.istio\(\)).)*$/ });
  return cases;
}

function providerCases(): Case[] {
  const cases: Case[] = [];
  const use = (p: () => FixedEgressIpProvider, extra: Record<string, unknown> = {}) => ({ chart }: Ctx) =>
    new FixedEgressIp(chart, 'f', { source: pods(), provider: p(), ...extra } as never);
  const dest = { destinations: [Destination.ipv4('203.0.113.0/24')] };
  const list: Array<[string, () => IFixedEgressIpProvider, Record<string, unknown>, string, string]> = [
    ['cilium(undefined)', () => FixedEgressIpProvider.cilium(undefined as never), dest, 'EGRESS_INVALID_ARGUMENT', 'FixedEgressIpProvider.cilium() options must be an object'],
    ['cilium(null)', () => FixedEgressIpProvider.cilium(null as never), dest, 'EGRESS_INVALID_ARGUMENT', 'got null'],
    ['cilium({ nodeSelector: "a=b" })', () => FixedEgressIpProvider.cilium({ nodeSelector: 'a=b' as never }), dest, 'EGRESS_INVALID_ARGUMENT', 'Write it as an object: { "a": "b" }'],
    ['cilium({ gateways: {...} })', () => FixedEgressIpProvider.cilium({ gateways: { nodeSelector: { a: 'b' } } as never }), dest, 'EGRESS_INVALID_ARGUMENT', 'options.gateways must be a list of gateway nodes'],
    ['cilium({ gateways: [{}] })', () => FixedEgressIpProvider.cilium({ gateways: [{} as never] }), dest, 'EGRESS_INVALID_ARGUMENT', 'options.gateways[0] has no nodeSelector'],
    ['cilium({ egressIp: 10 })', () => FixedEgressIpProvider.cilium({ nodeSelector: { a: 'b' }, egressIp: 10 as never }), dest, 'EGRESS_INVALID_ARGUMENT', 'options.egressIp must be a string such as "10.0.0.100", got 10'],
    ['cilium({ excludedCidrs: "..." })', () => FixedEgressIpProvider.cilium({ nodeSelector: { a: 'b' }, excludedCidrs: '203.0.113.0/25' as never }), dest, 'EGRESS_INVALID_ARGUMENT', 'Wrap the single value in a list: ["203.0.113.0/25"]'],
    ['cilium({ nodeselector })', () => FixedEgressIpProvider.cilium({ nodeselector: { a: 'b' } } as never), dest, 'EGRESS_INVALID_ARGUMENT', 'did you mean "nodeSelector"?'],
    ['cilium({ egressIp: "10.0.0.100/32" })', () => FixedEgressIpProvider.cilium({ nodeSelector: { a: 'b' }, egressIp: '10.0.0.100/32' }), dest, 'EGRESS_INVALID_CIDR', 'Did you mean "10.0.0.100"?'],
    ['cilium({})', () => FixedEgressIpProvider.cilium({}), dest, 'EGRESS_EMPTY_SELECTOR', 'needs the gateway node'],
    ['calico(undefined)', () => FixedEgressIpProvider.calico(undefined as never), {}, 'EGRESS_INVALID_ARGUMENT', 'FixedEgressIpProvider.calico() options must be an object'],
    ['calico({})', () => FixedEgressIpProvider.calico({} as never), {}, 'EGRESS_INVALID_ARGUMENT', 'options has no poolCidr'],
    ['calico({ poolCidr: 42 })', () => FixedEgressIpProvider.calico({ poolCidr: 42 as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'options.poolCidr must be a string such as "10.244.200.0/24", got 42'],
    ['calico({ natOutgoing: "false" })', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24', natOutgoing: 'false' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'Write false without quotes'],
    ['calico({ encapsulation: "vxlan" })', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24', encapsulation: 'vxlan' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'Did you mean CalicoEncapsulation.VXLAN?'],
    ['calico({ blockSize: "26" })', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24', blockSize: '26' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'Write 26 without quotes'],
    ['calico({ reservation: 1 })', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24', reservation: 1 as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'options.reservation must be one of CalicoPoolReservation'],
    ['calico({ advertiseServices: [] })', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0/24', advertiseServices: [] as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'options.advertiseServices must be an object'],
    ['calico pool without mask suggests a block, not a /32', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.0' }), {}, 'EGRESS_INVALID_CIDR',
      'a pool is a block of at least one allocation block (/26, the default blockSize) inside the pod CIDR, such as "10.244.200.0/26"'],
    ['calico pool with host bits smaller than a block', () => FixedEgressIpProvider.calico({ poolCidr: '10.244.200.1/30' }), {}, 'EGRESS_INVALID_CIDR',
      'has host bits set beyond the /30 prefix, and a pool needs at least one allocation block (a prefix length of /26 or shorter)'],
    ['alibabaEip(null)', () => FixedEgressIpProvider.alibabaEip(null as never), {}, 'EGRESS_INVALID_ARGUMENT', 'FixedEgressIpProvider.alibabaEip() options must be an object'],
    ['alibabaEip({ bandwidth: "10" })', () => FixedEgressIpProvider.alibabaEip({ bandwidth: '10' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'Write 10 without quotes'],
    ['alibabaEip({ releaseStrategy: "Never" })', () => FixedEgressIpProvider.alibabaEip({ releaseStrategy: 'Never' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'options.releaseStrategy must be an AlibabaEipReleaseStrategy, e.g. AlibabaEipReleaseStrategy.NEVER, got "Never"'],
    ['alibabaEip(after(5))', () => FixedEgressIpProvider.alibabaEip({ releaseStrategy: AlibabaEipReleaseStrategy.after(5 as never) }), {}, 'EGRESS_INVALID_ARGUMENT', 'AlibabaEipReleaseStrategy.after() duration must be a Duration such as Duration.minutes(10), got 5'],
    ['alibabaEip({ readinessGate: "false" })', () => FixedEgressIpProvider.alibabaEip({ readinessGate: 'false' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'Write false without quotes'],
    ['alibabaEip({ internetChargeType: "traffic" })', () => FixedEgressIpProvider.alibabaEip({ internetChargeType: 'traffic' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'options.internetChargeType must be one of AlibabaEipChargeType'],
    ['alibabaEip({ annotationPrefix: 1 })', () => FixedEgressIpProvider.alibabaEip({ annotationPrefix: 1 as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'options.annotationPrefix must be one of AlibabaAnnotationPrefix'],
    ['alibabaPodNetworking(undefined)', () => FixedEgressIpProvider.alibabaPodNetworking(undefined as never), {}, 'EGRESS_INVALID_ARGUMENT', 'FixedEgressIpProvider.alibabaPodNetworking() options must be an object'],
    ['alibabaPodNetworking({ vSwitchIds: "vsw-1" })', () => FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: 'vsw-bp1exampleid' as never, securityGroupIds: ['sg-bp1exampleid'] }), {}, 'EGRESS_INVALID_ARGUMENT', 'Wrap the single value in a list: ["vsw-bp1exampleid"]'],
    ['alibabaPodNetworking({ no securityGroupIds })', () => FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-bp1exampleid'] } as never), {}, 'EGRESS_INVALID_ARGUMENT', 'options has no securityGroupIds'],
    ['alibabaPodNetworking({ eniType: "trunk" })', () => FixedEgressIpProvider.alibabaPodNetworking({ vSwitchIds: ['vsw-bp1exampleid'], securityGroupIds: ['sg-bp1exampleid'], eniType: 'trunk' as never }), {}, 'EGRESS_INVALID_ARGUMENT', 'Did you mean TerwayEniType.TRUNK?'],
  ];
  for (const [name, p, extra, code, value] of list) cases.push({ name: `FixedEgressIpProvider.${name}`, run: use(p, extra), code, path: 'c/f', value });
  return cases;
}

barrage('Port', portCases());
barrage('Destination', destinationCases());
barrage('EgressSource', sourceCases());
barrage('DnsResolver', resolverCases());
barrage('HttpRule and EgressGatewayProvider', gatewayValueCases());
barrage('EgressBackend factories and capability errors', backendCases());
barrage('FixedEgressIpProvider factories', providerCases());


test('the value-object barrage keeps its floor of wrong inputs (a lost generator would shrink it silently)', () => {
  const all = [portCases(), destinationCases(), sourceCases(), resolverCases(), gatewayValueCases(), backendCases(), providerCases()].flat();
  expect(all.length).toBeGreaterThanOrEqual(300);
  expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
});
