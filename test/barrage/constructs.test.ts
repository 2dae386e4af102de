// Wrong props for every construct: each field given values of the wrong type (and a misspelt
// name), required fields missing, null props, a scope that is no construct, a bad id.
import { Case, Ctx, asGiven, barrage, pods } from './harness';
import {
  AllowedExternalService, CiliumEgressGatewayValues, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressGateway,
  EgressMonitoring, EgressPolicy, EgressSource, FixedEgressIp, FixedEgressIpProvider, Port,
} from '../../src';

type Kind = 'bool' | 'str' | 'map' | 'num' | 'dur' | 'source' | 'destination' | 'backend' | 'provider' | 'gateway' | 'gatewayProvider'
  | 'resolvers' | 'destinations' | 'ports' | 'backends' | 'rules' | 'strings' | 'clusterCidrs' | 'httpRules' | 'struct';

/** Wrong values for each kind of field, each with the text it must appear as (the offending value, or the item of a list). */
function wrongValues(kind: Kind): Array<{ v: unknown; text: string; code?: string }> {
  const plain = (vs: unknown[]) => vs.map((v) => ({ v, text: asGiven(v) }));
  const item = (v: unknown[], text: string) => ({ v, text });
  switch (kind) {
    case 'bool': return plain(['false', 'true', 1, 0, 'yes', {}]);
    case 'str': return plain([42, true, {}, ['x'], 0]);
    case 'map': return [...plain(['app=x', ['app'], 42, true]), { v: { app: 1 }, text: '["app"] must be a string, got 1 (a number). Write "1"' }];
    case 'num': return plain(['443', true, {}, [1], '']);
    case 'dur': return plain([300, '5m', {}, true]);
    case 'source':
      return [...plain(['prod', {}, 42, { namespace: 'prod', labels: { app: 'x' } }]),
        { v: [pods()], text: '[EgressSource pods app=backend in namespace prod] (a list). Pass the value without the list' },
        { v: EgressSource.pods, text: 'EgressSource.pods (the factory itself, not called)' }];
    case 'destination':
      return [...plain(['203.0.113.0/24', {}, 42]), { v: Destination.ipv4, text: 'Destination.ipv4 (the factory itself, not called)' }];
    case 'backend':
      return [...plain(['cilium', {}, 42, true]), { v: EgressBackend.cilium, text: 'EgressBackend.cilium (the factory itself, not called)' },
        { v: [EgressBackend.cilium()], text: '[EgressBackend Cilium] (a list)' }];
    case 'provider':
      return [...plain(['cilium', {}, 42]), { v: FixedEgressIpProvider.cilium, text: 'FixedEgressIpProvider.cilium (the factory itself, not called)' }];
    case 'gateway': return plain(['gw', {}, 42, true]);
    case 'gatewayProvider': return plain(['istio', {}, 42]);
    case 'resolvers':
      return [...plain(['10.0.0.10/32', 42, {}]), item([42], '[0] must be a DnsResolver, e.g. DnsResolver.kubeDns(), got 42'),
        item(['10.0.0.10/32'], '[0] must be a DnsResolver, e.g. DnsResolver.kubeDns(), got "10.0.0.10/32"'),
        { v: DnsResolver.kubeDns(), text: 'DnsResolver cluster DNS (kube-system)' },
        { v: [DnsResolver.addresses(['10.0.0.10/32'])], text: 'is a list inside the list ([DnsResolver DNS server 10.0.0.10/32]): DnsResolver.addresses() returns a list: spread it' }];
    case 'destinations':
      return [...plain(['api.example.com', 42, {}]), item(['api.example.com'], '[0] must be a Destination, e.g. Destination.ipv4(\'203.0.113.0/24\'), got "api.example.com"'),
        { v: Destination.fqdn('api.example.com'), text: 'Destination api.example.com' },
        { v: [[Destination.fqdn('api.example.com')]], text: 'is a list inside the list ([Destination api.example.com])' }];
    case 'ports':
      return [...plain([443, 'https', {}]), item([443], '[0] must be a Port, e.g. Port.HTTPS or Port.tcp(443), got 443'),
        item(['443'], '[0] must be a Port, e.g. Port.HTTPS or Port.tcp(443), got "443"'),
        { v: Port.HTTPS, text: 'Port TCP/443 (HTTPS)' }, { v: [[Port.HTTPS]], text: 'is a list inside the list ([Port TCP/443 (HTTPS)])' },
        { v: [Port.tcp], text: 'Port.tcp (the factory itself, not called). Call the factory: Port.tcp(…)' }];
    case 'backends':
      return [...plain(['cilium', 42]), item(['cilium'], '[0] must be an EgressBackend, e.g. EgressBackend.kubernetes(), got "cilium"'),
        { v: EgressBackend.cilium(), text: 'EgressBackend Cilium' },
        { v: [EgressBackend.cilium], text: 'EgressBackend.cilium (the factory itself, not called). Call the factory: EgressBackend.cilium(…)' }];
    case 'rules':
      return [...plain(['x', 42]), item([42], 'rules[0] must be an object with the properties destination, ports, got 42'),
        item([{}], 'rules[0] has no destination'), item([{ destination: '203.0.113.0/24' }], 'rules[0].destination must be a Destination, e.g. Destination.ipv4(\'203.0.113.0/24\'), got "203.0.113.0/24"'),
        { v: [{ destination: Destination.ipv4('203.0.113.0/24'), ports: [] }], text: 'rules[0].ports is an empty list: an empty ports list would allow every port and protocol', code: 'EGRESS_EMPTY_POLICY' }];
    case 'strings': return [...plain(['x', 42, {}]), item([42], '[0] must be a string'), item([['x']], 'is a list inside the list (["x"])')];
    case 'clusterCidrs':
      return [...plain(['10.0.0.0/8', ['10.0.0.0/8'], 42]), item([], 'clusterCidrs must be an object with the properties podCidrs, serviceCidrs, got []'),
        { v: { podCidrs: '10.0.0.0/8' }, text: 'clusterCidrs.podCidrs must be a list of CIDR strings, got "10.0.0.0/8" (a string). Wrap the single value in a list: ["10.0.0.0/8"]' },
        { v: { podCIDRs: ['10.0.0.0/8'] }, text: 'unknown property "podCIDRs" (set to ["10.0.0.0/8"]): did you mean "podCidrs"?' }];
    case 'httpRules': return [...plain(['GET /x', 42, {}]), item([{ methods: ['GET'] }], '[0] must be an HttpRule, e.g. HttpRule.get(\'/v1/*\'), got { methods: ["GET"] }')];
    case 'struct': return plain(['x', 42, [], true]);
  }
}

interface Spec {
  readonly name: string;
  /** Build it with these props at `c/<id>`; return the id the error is located at. */
  readonly build: (ctx: Ctx, props: any) => void;
  /** Path the errors are located at. */
  readonly path: string;
  /** Props that are valid. */
  readonly valid: () => Record<string, unknown>;
  readonly fields: Readonly<Record<string, Kind>>;
  /** Required fields (a missing one is refused). */
  readonly required: readonly string[];
}

const ext = () => Destination.ipv4('203.0.113.0/24');
const ns = () => EgressSource.namespace('prod');
const monitored = (ctx: Ctx) => new DefaultDenyEgress(ctx.chart, 'baseline', { source: ns() });

const SPECS: Spec[] = [
  {
    name: 'EgressPolicy',
    path: 'c/p',
    build: ({ chart }, p) => new EgressPolicy(chart, 'p', p),
    valid: () => ({ source: pods() }),
    fields: { backends: 'backends', name: 'str', labels: 'map', annotations: 'map', source: 'source', rules: 'rules', dns: 'resolvers', allowAllAddresses: 'bool' },
    required: ['source'],
  },
  {
    name: 'DnsEgressRule',
    path: 'c/d',
    build: ({ chart }, p) => new DnsEgressRule(chart, 'd', p),
    valid: () => ({ source: ns() }),
    fields: { backends: 'backends', name: 'str', labels: 'map', annotations: 'map', source: 'source', dns: 'resolvers' },
    required: ['source'],
  },
  {
    name: 'DefaultDenyEgress',
    path: 'c/b',
    build: ({ chart }, p) => new DefaultDenyEgress(chart, 'b', p),
    valid: () => ({ source: ns() }),
    fields: { backends: 'backends', name: 'str', labels: 'map', annotations: 'map', source: 'source', dns: 'resolvers' },
    required: ['source'],
  },
  {
    name: 'AllowedExternalService',
    path: 'c/s',
    build: ({ chart }, p) => new AllowedExternalService(chart, 's', p),
    valid: () => ({ source: pods(), destinations: [ext()], ports: [Port.HTTPS] }),
    fields: {
      source: 'source',
      destinations: 'destinations',
      ports: 'ports',
      backends: 'backends',
      dns: 'resolvers',
      allowAllAddresses: 'bool',
      gateway: 'gateway',
      name: 'str',
      labels: 'map',
      annotations: 'map',
    },
    required: ['source', 'destinations', 'ports'],
  },
  {
    name: 'FixedEgressIp',
    path: 'c/f',
    build: ({ chart }, p) => new FixedEgressIp(chart, 'f', p),
    valid: () => ({ source: pods(), provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }), destinations: [ext()] }),
    fields: {
      source: 'source',
      provider: 'provider',
      destinations: 'destinations',
      allowAllAddresses: 'bool',
      clusterCidrs: 'clusterCidrs',
      name: 'str',
      labels: 'map',
      annotations: 'map',
    },
    required: ['source', 'provider'],
  },
  {
    name: 'EgressGateway',
    path: 'c/g',
    build: ({ chart }, p) => new EgressGateway(chart, 'g', p),
    valid: () => ({ gatewayBackends: [EgressBackend.cilium()] }),
    fields: {
      provider: 'gatewayProvider',
      name: 'str',
      mtls: 'bool',
      bypassClosure: 'bool',
      backends: 'backends',
      gatewayBackends: 'backends',
      allowGatewayEgressToAnyAddress: 'bool',
      dns: 'resolvers',
      accessLogging: 'bool',
      logBlockedSourceAttempts: 'bool',
      denyPolicyName: 'str',
      labels: 'map',
      annotations: 'map',
    },
    required: [],
  },
  {
    name: 'EgressGateway.addRoute',
    path: 'c/g',
    build: ({ chart }, p) => new EgressGateway(chart, 'g', { gatewayBackends: [EgressBackend.cilium()] }).addRoute('r', p),
    valid: () => ({ source: pods(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] }),
    fields: {
      source: 'source',
      destinations: 'destinations',
      ports: 'ports',
      tlsOrigination: 'bool',
      originationPort: 'num',
      httpRules: 'httpRules',
      serviceAccounts: 'strings',
      name: 'str',
    },
    required: ['source', 'destinations', 'ports'],
  },
  {
    name: 'EgressMonitoring',
    path: 'c/m',
    build: (ctx, p) => { monitored(ctx); new EgressMonitoring(ctx.chart, 'm', p); },
    valid: () => ({ namespace: 'monitoring', ruleSelectorLabels: { release: 'kube-prometheus-stack' } }),
    fields: {
      ruleSelectorLabels: 'map',
      namespace: 'str',
      name: 'str',
      podMonitorSelectorLabels: 'map',
      podMonitors: 'bool',
      scrapeInterval: 'dur',
      hosts: 'strings',
      rateWindow: 'dur',
      errorRatioThreshold: 'num',
      errorRatioFor: 'dur',
      blockedAttemptsWindow: 'dur',
      blockedAttemptsThreshold: 'num',
      passthroughAlerts: 'bool',
      gatewayDownFor: 'dur',
      gatewayMinAvailable: 'num',
      kubeStateMetrics: 'bool',
      trafficAnomalyFactor: 'num',
      trafficAnomalyMinBytesPerSecond: 'num',
      trafficAnomalyBaseline: 'dur',
      trafficAnomalyFor: 'dur',
      ciliumAlerts: 'bool',
      policyDropThreshold: 'num',
      applicationMetrics: 'struct',
      alertLabels: 'map',
      labels: 'map',
      annotations: 'map',
    },
    required: [],
  },
  {
    name: 'CiliumEgressGatewayValues',
    path: 'c/v',
    build: ({ chart }, p) => new CiliumEgressGatewayValues(chart, 'v', p),
    valid: () => ({}),
    fields: { name: 'str', namespace: 'str', valuesKey: 'str', k8sServiceHost: 'str', k8sServicePort: 'num' },
    required: [],
  },
];

function asGivenShort(v: unknown): string {
  if (typeof v === 'function') return `${(v as { name: string }).name} (uncalled)`;
  if (Array.isArray(v)) return `[${v.map(asGivenShort).join(', ')}]`;
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) !== Object.prototype) return `a ${(v as object).constructor.name}`;
  if (typeof v === 'object' && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${asGivenShort(x)}`).join(', ')} }`;
  return asGiven(v).slice(0, 60);
}

/** A misspelling of a field name: one letter dropped, or the case of the first letter changed. */
function misspell(field: string): string {
  return field.length > 4 ? field.slice(0, 2) + field.slice(3) : field.toUpperCase();
}

function casesOf(spec: Spec): Case[] {
  const cases: Case[] = [];
  for (const [field, kind] of Object.entries(spec.fields)) {
    for (const { v, text, code } of wrongValues(kind)) {
      cases.push({
        name: `${spec.name}: ${field} = ${asGivenShort(v)}`,
        run: (ctx) => spec.build(ctx, { ...spec.valid(), [field]: v }),
        code: code ?? 'EGRESS_INVALID_ARGUMENT',
        path: spec.path,
        value: text,
      });
    }
    const typo = misspell(field);
    cases.push({
      name: `${spec.name}: misspelt ${field} as ${typo}`,
      run: (ctx) => spec.build(ctx, { ...spec.valid(), [typo]: spec.valid()[field] ?? true }),
      code: 'EGRESS_INVALID_ARGUMENT',
      path: spec.path,
      value: new RegExp(`unknown property "${typo}".*did you mean "${field}"\\?`),
    });
  }
  for (const field of spec.required) {
    cases.push({
      name: `${spec.name}: ${field} missing`,
      run: (ctx) => { const p = spec.valid(); delete p[field]; spec.build(ctx, p); },
      code: 'EGRESS_INVALID_ARGUMENT',
      path: spec.path,
      value: `has no ${field}`,
    });
    cases.push({
      name: `${spec.name}: ${field} null`,
      run: (ctx) => spec.build(ctx, { ...spec.valid(), [field]: null }),
      code: 'EGRESS_INVALID_ARGUMENT',
      path: spec.path,
      value: 'got null',
    });
  }
  for (const props of [null, 'props', 42, [spec.valid()]]) {
    cases.push({
      name: `${spec.name}: props = ${asGiven(props).slice(0, 40)}`,
      run: (ctx) => spec.build(ctx, props),
      code: 'EGRESS_INVALID_ARGUMENT',
      path: spec.path,
      value: /props must be an object with the properties .*, got /,
    });
  }
  return cases;
}

const CONSTRUCTORS: Array<[string, (scope: any, id: any) => unknown]> = [
  ['EgressPolicy', (s, id) => new EgressPolicy(s, id, { source: pods() })],
  ['DnsEgressRule', (s, id) => new DnsEgressRule(s, id, { source: ns() })],
  ['DefaultDenyEgress', (s, id) => new DefaultDenyEgress(s, id, { source: ns() })],
  ['AllowedExternalService', (s, id) => new AllowedExternalService(s, id, { source: pods(), destinations: [ext()], ports: [Port.HTTPS] })],
  ['FixedEgressIp', (s, id) => new FixedEgressIp(s, id, { source: pods(), provider: FixedEgressIpProvider.cilium({ nodeSelector: { a: 'b' } }), destinations: [ext()] })],
  ['EgressGateway', (s, id) => new EgressGateway(s, id, { gatewayBackends: [EgressBackend.cilium()] })],
  ['EgressMonitoring', (s, id) => new EgressMonitoring(s, id, { namespace: 'monitoring', ruleSelectorLabels: { release: 'x' } })],
  ['CiliumEgressGatewayValues', (s, id) => new CiliumEgressGatewayValues(s, id)],
];

function scopeAndIdCases(): Case[] {
  const cases: Case[] = [];
  for (const [cls, make] of CONSTRUCTORS) {
    for (const scope of [undefined, null, 'chart', {}]) {
      cases.push({
        name: `new ${cls}(${asGiven(scope)}, 'x', ...)`,
        run: () => make(scope, 'x'),
        code: 'EGRESS_INVALID_ARGUMENT',
        path: undefined,
        value: `The scope of new ${cls}(scope, id, props) must be a construct (a Chart, or a construct inside one), got ${asGiven(scope)}`,
      });
    }
    for (const id of [undefined, 42, '', {}]) {
      cases.push({
        name: `new ${cls}(chart, ${asGiven(id)}, ...)`,
        run: ({ chart }) => make(chart, id),
        code: 'EGRESS_INVALID_ARGUMENT',
        path: 'c',
        value: `The id of new ${cls}(scope, id, props) must be a non-empty string such as 'egress', got ${asGiven(id)}`,
      });
    }
    cases.push({
      name: `new ${cls}(app, ...) outside a chart`,
      run: ({ app }) => make(app, 'x'),
      code: 'EGRESS_INVALID_ARGUMENT',
      path: undefined,
      value: `new ${cls}(scope, "x", props) needs a scope inside a cdk8s Chart, but the app root is not in one`,
    });
    cases.push({
      name: `new ${cls}(chart, id) with an id already taken`,
      run: ({ chart }) => { new DefaultDenyEgress(chart, 'taken', { source: EgressSource.namespace('other') }); make(chart, 'taken'); },
      code: 'EGRESS_INVALID_ARGUMENT',
      path: 'c',
      value: `There is already a construct with id "taken" here (c/taken): give this ${cls} another id`,
    });
  }
  return cases;
}

barrage('constructs: props of the wrong type, misspelt, missing or null', SPECS.flatMap(casesOf));
barrage('constructs: scope and id', scopeAndIdCases());


test('the construct barrage keeps its floor of wrong inputs (a lost generator would shrink it silently)', () => {
  const all = [...SPECS.flatMap(casesOf), ...scopeAndIdCases()];
  expect(all.length).toBeGreaterThanOrEqual(650);
});
