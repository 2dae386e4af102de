import * as path from 'path';

// Which vendor modules (backends, fixed-IP providers, generated bindings) loading the library and
// then calling something loads. The factories load a vendor module on first use, so
// `require('cdk8s-egress')` loads none it does not use. Each vendor module is replaced, in an
// isolated module registry, by a stand-in that records that it was loaded and then loads the real one.
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

/** The library's index module. */
export type Lib = typeof import('../../src');

/** The vendor modules (and generated bindings) that loading the library and then `run` load, in load order. */
export function loadedBy(run: (lib: Lib) => unknown): string[] {
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

