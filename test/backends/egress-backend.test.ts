import * as path from 'path';

// The factories load a vendor module on first use, so `require('cdk8s-egress')` loads no backend
// (and no generated bindings) it does not use. Each vendor module is replaced, in an isolated
// module registry, by a stand-in that records that it was loaded and then loads the real one.
const ROOT = path.join(__dirname, '..', '..');
const VENDORS: Record<string, string> = {
  'kubernetes': 'src/backends/kubernetes/network-policy-backend',
  'cilium': 'src/backends/cilium/cilium-backend',
  'calico': 'src/backends/calico/calico-backend',
  'istio': 'src/backends/istio/istio-backend',
  'clusterNetworkPolicy': 'src/backends/cluster-network-policy/cluster-network-policy-backend',
  'ciliumFixedIp': 'src/fixed-ip/cilium-provider',
  'calicoFixedIp': 'src/fixed-ip/calico-provider',
  'alibabaEip': 'src/fixed-ip/alibaba-eip-provider',
  'alibabaPodNetworking': 'src/fixed-ip/alibaba-pod-networking-provider',
  'imports/cilium.io': 'imports/cilium.io',
  'imports/projectcalico.org': 'imports/projectcalico.org',
  'imports/networking.istio.io': 'imports/networking.istio.io',
  'imports/policy.networking.k8s.io': 'imports/policy.networking.k8s.io',
  'imports/network.alibabacloud.com': 'imports/network.alibabacloud.com',
};

type Lib = typeof import('../../src');

/** The vendor modules (and generated bindings) that loading the library and then `run` load, in load order. */
function loadedBy(run: (lib: Lib) => unknown): string[] {
  const loaded: string[] = [];
  jest.isolateModules(() => {
    for (const [name, rel] of Object.entries(VENDORS)) {
      const abs = path.join(ROOT, rel);
      jest.doMock(abs, () => {
        loaded.push(name);
        return jest.requireActual(abs);
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    run(require('../../src') as Lib);
  });
  return loaded;
}

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
