// Loading the library, or declaring a gateway without routes, must not load the generated Istio
// bindings: they are loaded when the first Istio object is emitted.

const ISTIO_BINDINGS = ['../../imports/networking.istio.io', '../../imports/security.istio.io', '../../imports/telemetry.istio.io'];

function withoutIstioBindings(fn: () => void): void {
  jest.isolateModules(() => {
    for (const m of ISTIO_BINDINGS) jest.doMock(m, () => { throw new Error(`${m} was loaded`); });
    fn();
  });
}

describe('the Istio bindings load lazily', () => {
  test('require(cdk8s-egress) and new EgressGateway() load none of them', () => {
    withoutIstioBindings(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('../../src') as typeof import('../../src');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Testing } = require('cdk8s') as typeof import('cdk8s');
      new lib.EgressGateway(Testing.chart(), 'gw', { gatewayBackends: [lib.EgressBackend.cilium()] });
    });
  });

  test('the first route loads them (the check above can fail)', () => {
    withoutIstioBindings(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('../../src') as typeof import('../../src');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Testing } = require('cdk8s') as typeof import('cdk8s');
      const gw = new lib.EgressGateway(Testing.chart(), 'gw', { gatewayBackends: [lib.EgressBackend.cilium()] });
      expect(() => gw.addRoute('r', { source: lib.EgressSource.namespace('a'), destinations: [lib.Destination.fqdn('a.example.com')], ports: [lib.Port.HTTPS] }))
        .toThrow(/istio\.io was loaded/);
    });
  });
});
