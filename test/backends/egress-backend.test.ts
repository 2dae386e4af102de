import { Lib, loadedBy } from '../support/lazy-loading';

describe('EgressBackend factories load their vendor module lazily', () => {
  afterEach(() => jest.resetModules());

  test('loading the library loads no backend, no fixed-IP provider and no generated bindings', () => {
    expect(loadedBy(() => undefined)).toEqual([]);
  });

  test('the catalogue of bundled backends names them without loading them', () => {
    expect(loadedBy((lib) => lib.EgressBackend.bundled().map((b) => b.id))).toEqual([]);
  });

  test.each([
    ['kubernetes', (lib: Lib) => lib.EgressBackend.kubernetes(), ['kubernetes']],
    ['cilium', (lib: Lib) => lib.EgressBackend.cilium(), ['cilium', 'imports/cilium.io']],
    ['calico', (lib: Lib) => lib.EgressBackend.calico(), ['calico', 'imports/projectcalico.org']],
    ['istio', (lib: Lib) => lib.EgressBackend.istio(), ['istio', 'imports/networking.istio.io']],
    ['clusterNetworkPolicy', (lib: Lib) => lib.EgressBackend.clusterNetworkPolicy(), ['clusterNetworkPolicy', 'imports/policy.networking.k8s.io']],
  ])('EgressBackend.%s() loads its own backend module only', (_name, factory, expected) => {
    expect(loadedBy(factory).sort()).toEqual([...expected].sort());
  });

  test('a factory called twice loads its module once', () => {
    expect(loadedBy((lib) => [lib.EgressBackend.cilium(), lib.EgressBackend.cilium()])).toEqual(['cilium', 'imports/cilium.io']);
  });
});
