import { expectValidManifests, schemaErrors } from './schema';

describe('schema tier', () => {
  const np = (spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'y' }, spec });

  test('accepts a valid NetworkPolicy and a valid CiliumNetworkPolicy', () => {
    expect(schemaErrors(np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 443 }] }] }))).toEqual([]);
    expect(schemaErrors({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x' }, spec: { endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'api.github.com' }] }] } })).toEqual([]);
  });

  test('negative controls: unknown fields, wrong types and unknown kinds are caught', () => {
    expect(schemaErrors(np({ podSelector: {}, policyType: ['Egress'] }))[0]).toMatch(/must NOT have additional properties \(policyType\)/);
    expect(schemaErrors(np({ podSelector: {}, egress: [{ ports: [{ port: true }] }] })).length).toBeGreaterThan(0);
    expect(schemaErrors({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x' }, spec: { endpointSelector: {}, egress: [{ toFQDN: [] }] } })[0]).toMatch(/toFQDN/);
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Nope', metadata: {} })[0]).toMatch(/no pinned schema for example.com\/v1\|Nope/);
    expect(() => expectValidManifests([np({ podSelector: 'all' })])).toThrow(/do not match the pinned upstream schemas/);
  });
});
