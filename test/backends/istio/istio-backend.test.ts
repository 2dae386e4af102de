import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  AppProtocol,
  Capability,
  Destination,
  DnsResolver,
  EgressBackend, IEgressBackend,
  EgressPolicy,
  EgressRuleConfig,
  EgressSource,
  EgressModel,
  EgressWarnings,
  IEgressPolicyDefinition,
  IRuleListener,
  IstioWildcardResolution,
  Port,
  Protocol,
} from '../../../src';
import { DestinationKind } from '../../../src/core/destination-config';
import { chart, ofKind } from '../../support/helpers';
import { expectError, synth } from '../../support/istio';

// The Istio backend ignores DNS rules (sidecars do not intercept DNS). Until the constructs skip
// capability checks for DNS resolvers on backends that do not control DNS, these policies name
// the resolver by address (a CIDR, which the backend accepts and then ignores as a DNS rule).
const DNS = DnsResolver.addresses(['10.96.0.10/32']);
interface PolicyOptions { name?: string; namespace?: string; labels?: Record<string, string>; backend?: IEgressBackend }
const istioPolicy = (scope: Chart, id: string, props: PolicyOptions = {}) =>
  new EgressPolicy(scope, id, {
    ...(props.name ? { name: props.name } : {}),
    backends: [props.backend ?? EgressBackend.istio()],
    source: props.labels
      ? EgressSource.pods({ namespace: props.namespace ?? 'production', labels: props.labels })
      : EgressSource.namespace(props.namespace ?? 'production'),
    dns: DNS,
  });


describe('IstioBackend | ServiceEntries', () => {
  test('the seed allowed-external ServiceEntry, split by resolution', () => {
    // GIVEN the seed's hosts: one pattern and one exact hostname on 443/HTTPS
    const c = chart();
    const policy = istioPolicy(c, 'allowed-external', { name: 'allowed-external' });
    // WHEN
    policy.allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS);
    policy.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    // THEN the seed's single `resolution: DNS` entry becomes two: DNS is invalid for a wildcard
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const entries = ofKind(manifests, 'ServiceEntry');
    expect(entries.map((e) => e.metadata.name)).toEqual(['allowed-external-patterns-https-443', 'allowed-external-hosts-https-443']);
    const [patterns, hosts] = entries;
    expect(patterns.apiVersion).toBe('networking.istio.io/v1');
    expect(patterns.metadata.namespace).toBe('production');
    expect(patterns.spec).toEqual({
      exportTo: ['.'],
      hosts: ['*.googleapis.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ name: 'https-443', number: 443, protocol: 'HTTPS' }],
      resolution: 'NONE',
    });
    expect(hosts.spec).toEqual({
      exportTo: ['.'],
      hosts: ['api.github.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ name: 'https-443', number: 443, protocol: 'HTTPS' }],
      resolution: 'DNS',
    });
    // no entry mixes a wildcard with DNS resolution
    for (const e of entries) {
      if (e.spec.resolution === 'DNS') expect(e.spec.hosts.some((h: string) => h.includes('*'))).toBe(false);
    }
  });

  test('one REGISTRY_ONLY Sidecar for the source namespace', () => {
    const c = chart();
    istioPolicy(c, 'p').allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const [sidecar, ...more] = ofKind(synth(c), 'Sidecar');
    expect(more).toEqual([]);
    expect(sidecar.apiVersion).toBe('networking.istio.io/v1');
    expect(sidecar.metadata).toEqual({ name: 'egress-registry-only', namespace: 'production' });
    expect(sidecar.spec).toEqual({ egress: [{ hosts: ['./*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    expect(sidecar.spec.workloadSelector).toBeUndefined();
  });

  test('destinations that share resolution and ports share one ServiceEntry, hosts sorted', () => {
    const c = chart();
    const p = istioPolicy(c, 'p', { name: 'ext' });
    p.allow(Destination.fqdn('b.example.com'), Port.HTTPS);
    p.allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    p.allow(Destination.fqdn('c.example.com'), Port.tls(8443));
    const entries = ofKind(synth(c), 'ServiceEntry');
    expect(entries.map((e) => [e.metadata.name, e.spec.hosts])).toEqual([
      ['ext-hosts-https-443', ['a.example.com', 'b.example.com']],
      ['ext-hosts-tls-8443', ['c.example.com']],
    ]);
    expect(entries[1].spec.ports).toEqual([{ name: 'tls-8443', number: 8443, protocol: 'TLS' }]);
  });

  test('a host that gains a port moves to the ServiceEntry of its full port list (no stale entry)', () => {
    const c = chart();
    const p = istioPolicy(c, 'p', { name: 'ext' });
    p.allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    p.allow(Destination.fqdn('b.example.com'), Port.HTTPS);
    p.allow(Destination.fqdn('a.example.com'), Port.http(80));
    const entries = ofKind(synth(c), 'ServiceEntry');
    expect(entries.map((e) => [e.metadata.name, e.spec.hosts, e.spec.ports.map((x: any) => x.number)])).toEqual([
      ['ext-hosts-https-443', ['b.example.com'], [443]],
      ['ext-hosts-http-80-https-443', ['a.example.com'], [80, 443]],
    ]);
    // every host appears in exactly one ServiceEntry of the namespace
    const hosts = entries.flatMap((e) => e.spec.hosts);
    expect(new Set(hosts).size).toBe(hosts.length);
    // the policy's object list follows the regrouping
    expect(p.apiObjects.map((o) => o.name)).toEqual(['ext-hosts-https-443', 'ext-hosts-http-80-https-443']);
  });

  test('a ServiceEntry left empty by regrouping is removed', () => {
    const c = chart();
    const p = istioPolicy(c, 'p', { name: 'ext' });
    p.allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    p.allow(Destination.fqdn('a.example.com'), Port.tls(8443));
    expect(ofKind(synth(c), 'ServiceEntry').map((e) => e.metadata.name)).toEqual(['ext-hosts-https-443-tls-8443']);
    expect(p.apiObjects.map((o) => o.name)).toEqual(['ext-hosts-https-443-tls-8443']);
  });

  test('CIDRs and API server endpoints: addresses, resolution NONE, TCP ports', () => {
    const c = chart();
    const p = istioPolicy(c, 'p', { name: 'ext' });
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(5432));
    p.allow(Destination.ipv4('198.51.100.7/32'), Port.tcp(5432));
    p.allow(Destination.kubeApiServer({ endpoints: ['172.20.0.10/32'] }), Port.HTTPS);
    const entries = ofKind(synth(c), 'ServiceEntry');
    expect(entries).toHaveLength(2);
    const [db, api] = entries;
    expect(db.metadata.name).toBe('ext-addresses-tcp-5432');
    expect(db.spec.addresses).toEqual(['198.51.100.7/32', '203.0.113.0/24']);
    expect(db.spec.resolution).toBe('NONE');
    expect(db.spec.ports).toEqual([{ name: 'tcp-5432', number: 5432, protocol: 'TCP' }]);
    expect(db.spec.hosts).toHaveLength(1);
    expect(db.spec.hosts[0]).toMatch(/^addresses-tcp-5432-[0-9a-f]{8}\.egress\.invalid$/);
    // addresses are matched at L4: the port is TCP even where the application protocol is HTTPS
    expect(api.spec.addresses).toEqual(['172.20.0.10/32']);
    expect(api.spec.ports).toEqual([{ name: 'tcp-443', number: 443, protocol: 'TCP' }]);
  });

  test('every supported application protocol maps to its Istio port protocol', () => {
    const c = chart();
    const p = istioPolicy(c, 'p', { name: 'ext' });
    p.allow(Destination.fqdn('a.example.com'), Port.https(443), Port.tls(8443), Port.http(80), Port.grpc(9090), Port.of({ protocol: Protocol.TCP, port: 8081, appProtocol: AppProtocol.HTTP2 }));
    const [se] = ofKind(synth(c), 'ServiceEntry');
    expect(se.spec.ports).toEqual([
      { name: 'http-80', number: 80, protocol: 'HTTP' },
      { name: 'https-443', number: 443, protocol: 'HTTPS' },
      { name: 'http2-8081', number: 8081, protocol: 'HTTP2' },
      { name: 'tls-8443', number: 8443, protocol: 'TLS' },
      { name: 'grpc-9090', number: 9090, protocol: 'GRPC' },
    ]);
  });

  test('options: exportTo, sidecar egress hosts, DYNAMIC_DNS for patterns', () => {
    const c = chart();
    const backend = EgressBackend.istio({
      exportTo: ['.', 'istio-system'],
      sidecarEgressHosts: ['payments/*', 'istio-system/*'],
      wildcardResolution: IstioWildcardResolution.DYNAMIC_DNS,
    });
    istioPolicy(c, 'p', { backend }).allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS);
    const m = synth(c);
    const [se] = ofKind(m, 'ServiceEntry');
    expect(se.spec.resolution).toBe('DYNAMIC_DNS');
    expect(se.spec.exportTo).toEqual(['.', 'istio-system']);
    expect(ofKind(m, 'Sidecar')[0].spec.egress).toEqual([{ hosts: ['./*', 'istio-system/*', 'payments/*'] }]);
  });

  test('labels and annotations reach every ServiceEntry', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', {
      backends: [EgressBackend.istio()],
      source: EgressSource.namespace('production'),
      dns: DNS,
      labels: { team: 'a' },
      annotations: { 'example.com/owner': 'a' },
    });
    p.allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(22));
    for (const se of ofKind(synth(c), 'ServiceEntry')) {
      expect(se.metadata.labels).toEqual({ team: 'a' });
      expect(se.metadata.annotations).toEqual({ 'example.com/owner': 'a' });
    }
  });

  test('output is byte-identical across runs', () => {
    const build = () => {
      const c = chart();
      const p = istioPolicy(c, 'p');
      p.allow(Destination.fqdn('b.example.com'), Port.HTTPS);
      p.allow(Destination.anySubdomainOf('example.org'), Port.tls(443));
      p.allow(Destination.ipv4('203.0.113.0/24'), Port.tcp(5432));
      return JSON.stringify(synth(c));
    };
    expect(build()).toEqual(build());
  });
});

describe('IstioBackend | one Sidecar per namespace, app-wide', () => {
  test('policies in the same namespace, in two charts, share one Sidecar', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    istioPolicy(a, 'p1').allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    istioPolicy(a, 'p2', { labels: { app: 'x' } }).allow(Destination.fqdn('b.example.com'), Port.HTTPS);
    istioPolicy(b, 'p3').allow(Destination.fqdn('c.example.com'), Port.HTTPS);
    istioPolicy(b, 'p4', { namespace: 'staging' }).allow(Destination.fqdn('c.example.com'), Port.HTTPS);
    const sidecars = [...ofKind(synth(a), 'Sidecar'), ...ofKind(synth(b), 'Sidecar')];
    expect(sidecars.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      'production/egress-registry-only',
      'staging/egress-registry-only',
    ]);
    expect(sidecars.every((s) => s.spec.workloadSelector === undefined)).toBe(true);
  });

  test('registryOnly: false emits no Sidecar and warns that ServiceEntries alone block nothing', () => {
    const c = chart();
    const p = istioPolicy(c, 'p', { backend: EgressBackend.istio({ registryOnly: false }) });
    p.allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    expect(ofKind(synth(c), 'Sidecar')).toEqual([]);
    const ids = EgressWarnings.list(c).map((w) => w.id);
    expect(ids).toContain('cdk8s-egress:istioRegistryOnlyDisabled');
    expect(ids).not.toContain('cdk8s-egress:istioRegistryOnlyBypassable');
  });
});

describe('IstioBackend | warnings', () => {
  test('REGISTRY_ONLY is bypassable and ignored in ambient mode', () => {
    const c = chart();
    istioPolicy(c, 'p').allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    const warnings = EgressWarnings.list(c);
    const bypass = warnings.find((w) => w.id === 'cdk8s-egress:istioRegistryOnlyBypassable')!;
    expect(bypass.constructPath).toBe('test/p');
    expect(bypass.message).toMatch(/enforced by the Envoy sidecar only/);
    expect(bypass.message).toMatch(/NetworkPolicy/);
    const ambient = warnings.find((w) => w.id === 'cdk8s-egress:istioAmbientRegistryOnly')!;
    expect(ambient.message).toMatch(/ztunnel ignores the Sidecar resource/);
    expect(ambient.message).toMatch(/istio\/istio#54281/);
  });

  test('a pod-label source is told the allow-list covers its whole namespace', () => {
    const c = chart();
    istioPolicy(c, 'pods', { labels: { app: 'backend' } }).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    istioPolicy(c, 'ns', { namespace: 'staging' }).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    const scoped = EgressWarnings.list(c).filter((w) => w.id === 'cdk8s-egress:istioNamespaceScope');
    expect(scoped.map((w) => w.constructPath)).toEqual(['test/pods']);
    expect(scoped[0].message).toMatch(/every pod of namespace "production"/);
  });

  test('an opaque TCP port on a hostname is warned about once', () => {
    const c = chart();
    const p = istioPolicy(c, 'p');
    p.allow(Destination.fqdn('db.example.com'), Port.POSTGRES);
    const [se] = ofKind(synth(c), 'ServiceEntry');
    expect(se.spec.ports).toEqual([{ name: 'tcp-5432', number: 5432, protocol: 'TCP' }]);
    expect(se.spec.resolution).toBe('DNS');
    const w = EgressWarnings.list(c).filter((x) => x.id === 'cdk8s-egress:istioOpaqueTcpPort');
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(/captures every TCP connection on port 5432/);
  });
});

describe('IstioBackend | bad input fails with path, value and fix', () => {
  test('throws on UDP', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.fqdn('a.example.com'), Port.udp(53)),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /cannot express UDP port 53: sidecars intercept TCP only.*EgressBackend\.kubernetes\(\)/));

  test('throws on "every port"', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.fqdn('a.example.com')),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /cannot allow every port of a\.example\.com.*Port\.https\(443\)/));

  test('throws on every TCP port', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.fqdn('a.example.com'), Port.allTcp()),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /cannot express every TCP port.*one by one/));

  test('throws on a port range (capability check names the alternatives)', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.ipv4('203.0.113.0/24'), Port.tcpRange(8000, 8080)),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /The Istio backend cannot express .*needs capability PortRange.*EgressBackend\.kubernetes\(\)/));

  test('throws on a pod destination', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.pods({ labels: { app: 'db' } }), Port.POSTGRES),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /needs capability PodSelector/));

  test('throws on a CIDR with except', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16'] }), Port.HTTPS),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /needs capability CidrExcept/));

  test('refuses a one-label pattern: Istio matches a *. host at any depth, which would widen it', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.fqdnPattern('*.example.com'), Port.HTTPS),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p',
    /cannot express destination \*\.example\.com \(needs capability FqdnPattern\).*EgressBackend\.cilium\(\).*matches subdomains at any depth.*Destination\.anySubdomainOf\(\)/));

  test('anySubdomainOf() is a *. host, and the model allows it at any depth but not the domain itself', () => {
    // GIVEN an Istio allow-list for every subdomain of example.com
    const c = chart();
    istioPolicy(c, 'p').allow(Destination.anySubdomainOf('example.com'), Port.HTTPS);
    // THEN the ServiceEntry declares the *. host, unresolved
    const se = synth(c).find((m) => m.kind === 'ServiceEntry')!;
    expect(se.spec.hosts).toEqual(['*.example.com']);
    expect(se.spec.resolution).toBe('NONE');
    // AND the model reads it as Istio does: any depth, not the apex
    const model = EgressModel.of(c);
    const from = { namespace: 'production', labels: { app: 'web' } };
    const probe = (toHostname: string) => model.check({ from, toHostname, port: 443, protocol: Protocol.TCP }).allowed;
    expect(probe('a.example.com')).toBe(true);
    expect(probe('a.b.example.com')).toBe(true);
    expect(probe('example.com')).toBe(false);
    expect(probe('aexample.com')).toBe(false);
  });

  test('throws on a pattern over opaque TCP (it would open the port to every address)', () => expectError(
    () => istioPolicy(chart(), 'p').allow(Destination.anySubdomainOf('example.com'), Port.tcp(443)),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /\*\.example\.com on opaque TCP port 443.*every address through on port 443.*Port\.https\(443\)/));

  test('throws when two hosts share an opaque TCP port in one namespace', () => {
    const c = chart();
    istioPolicy(c, 'p1').allow(Destination.fqdn('db1.example.com'), Port.POSTGRES);
    expectError(() => istioPolicy(c, 'p2').allow(Destination.fqdn('db2.example.com'), Port.POSTGRES),
      'EGRESS_CONFLICTING_OPTIONS', 'test/p2', /db2\.example\.com and db1\.example\.com \(declared by test\/p1\) both use opaque TCP port 5432 in namespace "production"/);
  });

  test('throws when two hosts share an opaque TCP port where their ServiceEntries are both visible (exportTo)', () => {
    // GIVEN one host exported to every namespace, on port 5432
    const c = chart();
    const everywhere = EgressBackend.istio({ exportTo: ['*'] });
    istioPolicy(c, 'p1', { backend: everywhere }).allow(Destination.fqdn('db1.example.com'), Port.POSTGRES);
    // THEN another namespace cannot declare another host on 5432, exported or not
    expectError(() => istioPolicy(c, 'p2', { namespace: 'other', backend: everywhere }).allow(Destination.fqdn('db2.example.com'), Port.POSTGRES),
      'EGRESS_CONFLICTING_OPTIONS', 'test/p2', /db2\.example\.com and db1\.example\.com \(declared by test\/p1\) both use opaque TCP port 5432 in the mesh \(a ServiceEntry exported to every namespace\)/);
    expectError(() => istioPolicy(c, 'p3', { namespace: 'third' }).allow(Destination.fqdn('db3.example.com'), Port.POSTGRES),
      'EGRESS_CONFLICTING_OPTIONS', 'test/p3', /db3\.example\.com and db1\.example\.com .* port 5432 in the mesh/);
    // AND a host exported to a named namespace conflicts there only
    const d = chart();
    istioPolicy(d, 'a', { backend: EgressBackend.istio({ exportTo: ['.', 'billing'] }) }).allow(Destination.fqdn('db1.example.com'), Port.POSTGRES);
    istioPolicy(d, 'b', { namespace: 'shipping' }).allow(Destination.fqdn('db2.example.com'), Port.POSTGRES);
    expectError(() => istioPolicy(d, 'c', { namespace: 'billing' }).allow(Destination.fqdn('db3.example.com'), Port.POSTGRES),
      'EGRESS_CONFLICTING_OPTIONS', 'test/c', /both use opaque TCP port 5432 in namespace "billing"/);
  });

  test('throws when a host port is declared with two protocols in one namespace', () => {
    const c = chart();
    istioPolicy(c, 'p1').allow(Destination.fqdn('a.example.com'), Port.https(8443));
    expectError(() => istioPolicy(c, 'p2').allow(Destination.fqdn('a.example.com'), Port.http(8443)),
      'EGRESS_CONFLICTING_OPTIONS', 'test/p2', /declares a\.example\.com port 8443 as HTTP, but test\/p1 already declares it as HTTPS/);
  });

  test('the same host and protocol in two namespaces is fine', () => {
    const c = chart();
    istioPolicy(c, 'p1').allow(Destination.fqdn('db.example.com'), Port.POSTGRES);
    istioPolicy(c, 'p2', { namespace: 'staging' }).allow(Destination.fqdn('db.example.com'), Port.POSTGRES);
    expect(ofKind(synth(c), 'ServiceEntry')).toHaveLength(2);
  });

  test('throws on exportTo: []', () => expectError(
    () => istioPolicy(chart(), 'p', { backend: EgressBackend.istio({ exportTo: [] }) }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/p', /exportTo: \[\], which Istio reads as "export to every namespace"/));

  test('throws on a bad exportTo entry', () => expectError(
    () => istioPolicy(chart(), 'p', { backend: EgressBackend.istio({ exportTo: ['Prod'] }) }),
    'EGRESS_INVALID_NAME', 'test/p', /Invalid exportTo entry "Prod"/));

  test('throws on a sidecar host without a namespace', () => expectError(
    () => istioPolicy(chart(), 'p', { backend: EgressBackend.istio({ sidecarEgressHosts: ['api.example.com'] }) }),
    'EGRESS_INVALID_NAME', 'test/p', /Invalid sidecarEgressHosts entry "api\.example\.com".*"namespace\/dnsName"/));
});

describe('IstioBackend | backend contract', () => {
  test('capabilities: hostnames, patterns, CIDRs, SNI; no pods, ranges, SCTP, except, L7', () => {
    const b = EgressBackend.istio();
    expect(b.id).toBe('istio');
    expect(b.capabilities).toEqual([Capability.FQDN, Capability.FQDN_SUFFIX, Capability.CIDR, Capability.TLS_SNI]);
    for (const cap of [Capability.POD_SELECTOR, Capability.PORT_RANGE, Capability.SCTP, Capability.CIDR_EXCEPT, Capability.L7_HTTP]) {
      expect(b.supports(cap)).toBe(false);
    }
  });

  test('DNS rules are ignored and rules added later are rendered', () => {
    // GIVEN a hand-written policy definition, as a third-party construct would pass it
    const c = chart();
    const listeners: IRuleListener[] = [];
    const rules: EgressRuleConfig[] = [
      { destinations: [{ kind: DestinationKind.PODS, namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }], ports: [{ protocol: Protocol.UDP, port: 53 }, { protocol: Protocol.TCP, port: 53 }], dns: true },
    ];
    const def: IEgressPolicyDefinition = {
      metadata: { name: 'direct', namespace: 'apps' },
      constructPath: 'test/direct',
      resolve: () => ({ source: { namespace: 'apps' }, rules }),
      onRule: (l) => { listeners.push(l); rules.forEach((r) => l.ruleAdded(r)); },
    };
    // WHEN
    const objects: ApiObject[] = EgressBackend.istio().renderPolicy(c, 'Resource', def);
    expect(objects).toEqual([]);
    const later: EgressRuleConfig = { destinations: [{ kind: DestinationKind.FQDN, hostname: 'a.example.com' }], ports: [{ protocol: Protocol.TCP, port: 443, appProtocol: AppProtocol.HTTPS }] };
    rules.push(later);
    listeners.forEach((l) => l.ruleAdded(later));
    // THEN the DNS rule produced nothing; the later rule produced one ServiceEntry
    const m = synth(c);
    expect(ofKind(m, 'ServiceEntry').map((e) => [e.metadata.name, e.spec.hosts])).toEqual([['direct-hosts-https-443', ['a.example.com']]]);
    expect(m.some((o) => JSON.stringify(o).includes('kube-dns'))).toBe(false);
  });
});
