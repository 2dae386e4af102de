import { Testing } from 'cdk8s';
import { NetworkPolicySection } from '../../../examples/seed/app';
import { IstioEgressGatewaySection, IstioExternalServicesSection } from '../../../examples/seed/istio';
import { EgressModel, Protocol } from '../../../src';
import { ofKind } from '../../support/helpers';
import { synth } from '../../support/istio';

describe('examples/seed/istio.ts', () => {
  // The seed app keeps DNS for `production` in the NetworkPolicy section's default-deny baseline.
  const app = Testing.app();
  new NetworkPolicySection(app, 'networkpolicy');
  const gatewaySection = new IstioEgressGatewaySection(app, 'istio-egress-gateway');
  const externalSection = new IstioExternalServicesSection(app, 'istio-external');
  const gw = synth(gatewaySection);
  const ext = synth(externalSection);
  const istioKinds = (m: any[]) => m.filter((o) => o.apiVersion.includes('istio.io') || o.kind === 'NetworkPolicy');

  test('snapshot of the Istio objects of both sections', () => {
    expect({ gateway: istioKinds(gw), external: istioKinds(ext) }).toMatchSnapshot();
  });

  test('section "Istio Egress Gateway": the seed\'s three objects by name, from one route', () => {
    expect(ofKind(gw, 'Gateway').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['istio-system/egress-gateway']);
    expect(ofKind(gw, 'VirtualService').map((o) => o.metadata.name)).toEqual(['external-api']);
    expect(ofKind(gw, 'ServiceEntry').map((o) => o.metadata.name)).toEqual(['external-api']);
    const [se] = ofKind(gw, 'ServiceEntry');
    expect(se.spec).toMatchObject({ hosts: ['api.external.com'], ports: [{ number: 443, protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' });
    expect(ofKind(gw, 'VirtualService')[0].spec.gateways).toEqual(['mesh', 'istio-system/egress-gateway']);
  });

  test('section "Istio Egress Gateway": the backend cannot skip the gateway, the gateway reaches only the host', () => {
    const model = EgressModel.of(gatewaySection);
    const backend = { namespace: 'production', labels: { app: 'backend' } };
    const gatewayPod = { namespace: 'istio-system', labels: { istio: 'egressgateway' } };
    // skipping the sidecar, the backend pods cannot reach the host; through it, the route takes them via the gateway
    expect(model.check({ from: backend, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP, skipsMesh: true }).allowed).toBe(false);
    expect(model.check({ from: backend, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: true, gateway: 'istio-system/istio-egressgateway' });
    expect(model.check({ from: backend, toPod: gatewayPod, port: 8443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: gatewayPod, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: gatewayPod, toHostname: 'www.example.org', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
  });

  test('section "外部服务访问控制": allowed-external split into DNS hosts and NONE patterns, deny-external pinned to ports', () => {
    const entries = ofKind(ext, 'ServiceEntry');
    expect(entries.map((e) => [e.metadata.name, e.spec.hosts, e.spec.resolution])).toEqual([
      ['allowed-external-istio-patterns-https-443', ['*.googleapis.com'], 'NONE'],
      ['allowed-external-istio-hosts-https-443', ['api.github.com'], 'DNS'],
      ['backend-partner-range-addresses-tcp-443', ['addresses-tcp-443-278f0da1.egress.invalid'], 'NONE'],
    ]);
    // the allow-list is enforced at the network layer too (a CiliumNetworkPolicy with toFQDNs)
    const [cnp] = ofKind(ext, 'CiliumNetworkPolicy');
    expect(cnp.metadata.name).toBe('allowed-external-cilium');
    expect(JSON.stringify(cnp.spec)).toContain('api.github.com');
    const [deny] = ofKind(ext, 'AuthorizationPolicy');
    expect(deny.metadata).toEqual({ name: 'deny-external', namespace: 'istio-system' });
    expect(deny.spec.action).toBe('DENY');
    for (const rule of deny.spec.rules) expect(rule.to[0].operation.ports).toHaveLength(1);
    const [sidecar] = ofKind(ext, 'Sidecar');
    expect(sidecar.spec.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
  });
});
