import { CalicoEdition, EgressBackend, IEgressBackend } from '../../src';

describe('EgressBackend.bundled()', () => {
  // bundled() is derived from each backend's capabilities module (so error messages can name
  // alternatives without loading every backend module); it must say exactly what each backend declares.
  const instances: Record<string, () => IEgressBackend> = {
    'kubernetes': () => EgressBackend.kubernetes(),
    'cilium': () => EgressBackend.cilium(),
    'calico': () => EgressBackend.calico(),
    'calico-enterprise': () => EgressBackend.calico({ edition: CalicoEdition.ENTERPRISE }),
    'istio': () => EgressBackend.istio(),
    'cluster-network-policy': () => EgressBackend.clusterNetworkPolicy(),
  };

  test('lists every bundled backend once, with the capabilities the backend itself declares', () => {
    const table = EgressBackend.bundled();
    expect(table.map((b) => b.id).sort()).toEqual(Object.keys(instances).sort());
    for (const entry of table) {
      const backend = instances[entry.id]();
      const declared = { id: backend.id, capabilities: [...backend.capabilities].sort() };
      expect({ id: entry.id, capabilities: [...entry.capabilities].sort() }).toEqual(declared);
    }
  });

  test('returns copies: changing an answer does not change the catalogue', () => {
    const first = EgressBackend.bundled();
    first[0].capabilities.length = 0;
    first.length = 0;
    expect(EgressBackend.bundled().map((b) => b.capabilities.length > 0)).toEqual([true, true, true, true, true, true]);
  });
});
