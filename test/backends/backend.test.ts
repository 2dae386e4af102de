import { CalicoEdition, EgressBackend } from '../../src';

describe('EgressBackend.bundled()', () => {
  // bundled() is a static table (so error messages can name alternatives without loading every
  // backend module); it must say exactly what each backend declares.
  const instances: Record<string, () => EgressBackend> = {
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
});
