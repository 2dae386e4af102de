import { Construct } from 'constructs';
import { EgressBackend, EgressGateway, EgressGatewayProps, EgressGatewayProvider } from '../../../src';
import { chart, expectEgressError as expectError } from '../../support/helpers';

// Options of EgressGatewayProvider.istio(), checked when a gateway uses the provider (moved from
// test/constructs/egress-gateway.test.ts to mirror src/gateway/istio/provider.ts).
const gateway = (c: Construct, props: EgressGatewayProps = {}) => new EgressGateway(c, 'gw', {
  name: 'egress-gateway',
  gatewayBackends: [EgressBackend.cilium()],
  ...props,
});

describe('EgressGatewayProvider.istio() | bad options fail with path, value and fix', () => {
  test('positive control: valid options build the gateway without an error', () => {
    const g = gateway(chart(), {
      provider: EgressGatewayProvider.istio({
        tlsPort: { port: 443, targetPort: 8443 },
        httpPort: { port: 80, targetPort: 8080 },
        controlPlanePort: 15012,
        serviceHost: 'istio-egressgateway.istio-system.svc.cluster.local',
      }),
    });
    expect(g.node.path).toBe('test/gw');
  });

  test('throws on a gateway name with dots', () => expectError(
    () => gateway(chart(), { name: 'egress.gateway' }),
    'EGRESS_INVALID_NAME', 'test/gw', /Invalid gateway name "egress\.gateway".*no dots/));

  test('throws on an empty gateway selector', () => expectError(
    () => gateway(chart(), { provider: EgressGatewayProvider.istio({ selector: {} }) }),
    'EGRESS_EMPTY_SELECTOR', 'test/gw', /gateway selector is empty/));

  test('throws on equal TLS and HTTP ports', () => expectError(
    () => gateway(chart(), { provider: EgressGatewayProvider.istio({ httpPort: { port: 443, targetPort: 8080 } }) }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw', /tlsPort and httpPort must differ \(both use port 443\)/));

  test('throws on an invalid gateway port', () => expectError(
    () => gateway(chart(), { provider: EgressGatewayProvider.istio({ tlsPort: { port: 443, targetPort: 0 } }) }),
    'EGRESS_INVALID_PORT', 'test/gw', /Invalid tlsPort \{ port: 443, targetPort: 0 \}/));

  test('throws on empty control plane labels and a bad control plane port', () => {
    expectError(() => gateway(chart(), { provider: EgressGatewayProvider.istio({ controlPlaneLabels: {} }) }),
      'EGRESS_EMPTY_SELECTOR', 'test/gw', /controlPlaneLabels is empty/);
    expectError(() => gateway(chart(), { provider: EgressGatewayProvider.istio({ controlPlanePort: 70000 }) }),
      'EGRESS_INVALID_PORT', 'test/gw', /Invalid controlPlanePort 70000/);
  });

  test('throws on a service host that is not a FQDN', () => expectError(
    () => gateway(chart(), { provider: EgressGatewayProvider.istio({ serviceHost: 'istio-egressgateway' }) }),
    'EGRESS_INVALID_FQDN', 'test/gw', /Invalid serviceHost "istio-egressgateway"/));
});
