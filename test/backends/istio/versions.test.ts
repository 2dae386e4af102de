// The declared Istio release and DYNAMIC_DNS on both sides of 1.30.
import { App, Chart, Testing } from 'cdk8s';
import { DnsResolver, Destination, EgressBackend, IEgressBackend, EgressModel, EgressPolicy, EgressSource, IstioWildcardResolution, Port } from '../../../src';
import { EgressReport } from '../../../src/report/egress-report';
import { expectEgressError, ofKind, synth } from '../../support/helpers';

const DNS = DnsResolver.addresses(['10.96.0.10/32']);

function chartWith(context: Record<string, unknown> = {}): Chart {
  const app: App = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  return new Chart(app, 'test');
}

const dynamic = (version?: string) =>
  EgressBackend.istio({ wildcardResolution: IstioWildcardResolution.DYNAMIC_DNS, ...(version ? { version } : {}) });
const policy = (c: Chart, backend: IEgressBackend) => new EgressPolicy(c, 'p', { name: 'p', backends: [backend], source: EgressSource.namespace('production'), dns: DNS });

describe('EgressBackend.istio | declared release', () => {
  test('default 1.30 (the pinned CRDs); the cdk8s-egress:istioVersion context; the option wins', () => {
    const c = chartWith({ 'cdk8s-egress:istioVersion': '1.28' });
    new EgressPolicy(c, 'a', { backends: [EgressBackend.istio()], source: EgressSource.namespace('a'), dns: DNS }).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    new EgressPolicy(c, 'b', { backends: [EgressBackend.istio({ version: '1.29.2' })], source: EgressSource.namespace('b'), dns: DNS }).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    expect(EgressModel.of(c).policies().map((p) => p.backendVersion?.version)).toEqual(['1.28', '1.29']);
    const d = chartWith();
    policy(d, EgressBackend.istio()).allow(Destination.fqdn('a.example.com'), Port.HTTPS);
    expect(EgressModel.of(d).policies()[0].backendVersion?.declaredBy).toMatch(/^default \(the release of the pinned Istio 1\.30\.3 CRDs/);
  });

  test('older than 1.22 (no v1 APIs) or malformed: refused with the value and the fix', () => {
    expectEgressError(() => policy(chartWith(), EgressBackend.istio({ version: '1.21' })), 'EGRESS_INVALID_VERSION', 'test/p',
      /Unsupported EgressBackend\.istio\(\{ version \}\) "1\.21": cdk8s-egress supports Istio 1\.22 and later 1\.x releases \(the emitted ServiceEntry and Sidecar use networking\.istio\.io\/v1, introduced in Istio 1\.22\)/);
    expectEgressError(() => policy(chartWith({ 'cdk8s-egress:istioVersion': 'one.thirty' }), EgressBackend.istio()), 'EGRESS_INVALID_VERSION', 'test/p',
      /Invalid the cdk8s-egress:istioVersion context value "one\.thirty"/);
  });
});

describe('EgressBackend.istio | DYNAMIC_DNS on sidecars: Istio 1.30', () => {
  test('1.29: refused with the alternatives (NONE, concrete hosts)', () => {
    expectEgressError(() => policy(chartWith(), dynamic('1.29')), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p',
      /wildcardResolution DYNAMIC_DNS, but Istio 1\.29 \(declared by EgressBackend\.istio\(\{ version \}\)\) has DYNAMIC_DNS on sidecars only from 1\.30 \(istio\/istio#58688.*IstioWildcardResolution\.NONE.*Destination\.fqdn\(\)/);
  });

  test('1.29 through the context, NONE: fine (resolution NONE works on every release)', () => {
    const c = chartWith({ 'cdk8s-egress:istioVersion': '1.29' });
    policy(c, EgressBackend.istio()).allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS);
    const [se] = ofKind(synth(c), 'ServiceEntry');
    expect(se.spec.resolution).toBe('NONE');
    expect(se.spec.ports).toEqual([{ name: 'https-443', number: 443, protocol: 'HTTPS' }]);
  });

  test('1.30: DYNAMIC_DNS, with HTTPS ports declared as TLS (istiod accepts HTTP, TLS, HTTP2 and GRPC only there); exact hosts keep HTTPS', () => {
    const c = chartWith();
    const p = policy(c, dynamic('1.30'));
    p.allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS, Port.http(80));
    p.allow(Destination.fqdn('api.example.com'), Port.HTTPS);
    const entries = ofKind(synth(c), 'ServiceEntry');
    const pattern = entries.find((e) => e.spec.hosts[0] === '*.googleapis.com');
    expect(pattern.spec.resolution).toBe('DYNAMIC_DNS');
    expect(pattern.spec.ports).toEqual([{ name: 'http-80', number: 80, protocol: 'HTTP' }, { name: 'tls-443', number: 443, protocol: 'TLS' }]);
    const host = entries.find((e) => e.spec.hosts[0] === 'api.example.com');
    expect(host.spec).toMatchObject({ resolution: 'DNS', ports: [{ name: 'https-443', number: 443, protocol: 'HTTPS' }] });
  });

  test('the report names the Istio release', () => {
    const c = chartWith();
    policy(c, dynamic('1.31')).allow(Destination.anySubdomainOf('googleapis.com'), Port.HTTPS);
    const data = JSON.parse(EgressReport.of(c).renderJson());
    expect(data.backendVersions).toEqual(['istio 1.31: declared by EgressBackend.istio({ version })']);
    expect(data.workloads[0].isolatedBy[0]).toMatch(/^ServiceEntry\/production\/p-patterns-tls-443 \(istio 1\.31\)$/);
  });
});
