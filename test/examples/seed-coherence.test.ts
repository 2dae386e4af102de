// The seed example's sections work together: what each declares is reachable through every layer
// (the app synthesizes, so DeclaredIntents found nothing blocked), and the model agrees on the
// flows docs/seed.md promises — and on what stays blocked.
import { Testing } from 'cdk8s';
import { buildSeedApp } from '../../examples/seed/app';
import { EgressModel, EnforcementLayer, Probe, Protocol } from '../../src';

describe('examples/seed: the sections work together', () => {
  const app = Testing.app();
  buildSeedApp(app);
  const model = EgressModel.of(app);
  const pod = (app_: string) => ({ namespace: 'production', labels: { app: app_ } });
  const check = (p: Probe) => model.check(p);

  test('synthesizes: no declared intent is blocked by another section', () => {
    expect(() => app.synthYaml()).not.toThrow();
  });

  test.each([
    ['backend → database', { from: pod('backend'), toPod: pod('database'), port: 5432, protocol: Protocol.TCP }],
    ['backend → partner range', { from: pod('backend'), toIp: '203.0.113.10', port: 443, protocol: Protocol.TCP }],
    ['api-client → partner range (Cilium egress gateway section)', { from: pod('api-client'), toIp: '203.0.113.10', port: 443, protocol: Protocol.TCP }],
    ['report-uploader → its partner', { from: pod('report-uploader'), toIp: '198.51.100.20', port: 443, protocol: Protocol.TCP }],
    ['any pod → api.github.com (both layers)', { from: pod('web'), toHostname: 'api.github.com', port: 443, protocol: Protocol.TCP }],
    ['any pod → a googleapis.com host at any depth', { from: pod('web'), toHostname: 'a.b.googleapis.com', port: 443, protocol: Protocol.TCP }],
    ['any pod → kube-dns over UDP', { from: pod('web'), toPod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: Protocol.UDP }],
    ['any pod → kube-dns over TCP', { from: pod('web'), toPod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: Protocol.TCP, skipsMesh: true }],
    ['any pod\'s sidecar → istiod', { from: pod('web'), toPod: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012, protocol: Protocol.TCP }],
  ] as Array<[string, Probe]>)('allowed: %s', (_name, probe) => {
    expect(check(probe)).toMatchObject({ allowed: true });
  });

  test('backend → api.external.com goes through the egress gateway, and only there', () => {
    expect(check({ from: pod('backend'), toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP }))
      .toMatchObject({ allowed: true, gateway: 'istio-system/istio-egressgateway' });
    expect(check({ from: pod('backend'), toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP, skipsMesh: true }).allowed).toBe(false);
  });

  test.each([
    ['other pods → the partner range (network layer)', { from: pod('web'), toIp: '203.0.113.10', port: 443, protocol: Protocol.TCP }, EnforcementLayer.NETWORK],
    ['backend → the partner range on another port', { from: pod('backend'), toIp: '203.0.113.10', port: 22, protocol: Protocol.TCP }, EnforcementLayer.NETWORK],
    ['backend → an undeclared host (both layers)', { from: pod('backend'), toHostname: 'evil.example', port: 443, protocol: Protocol.TCP }, EnforcementLayer.NETWORK],
  ] as Array<[string, Probe, EnforcementLayer]>)('blocked: %s', (_name, probe, layer) => {
    expect(check(probe)).toMatchObject({ allowed: false, decidingLayer: { layer } });
  });
});
