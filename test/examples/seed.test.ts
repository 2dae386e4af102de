import { Testing } from 'cdk8s';
import { buildSeedApp } from '../../examples/seed/app';

describe('examples/seed', () => {
  const app = Testing.app();
  buildSeedApp(app);
  const byChart = Object.fromEntries(app.charts.map((c) => [c.node.id, Testing.synth(c)]));

  test('snapshot of every section', () => {
    expect(byChart).toMatchSnapshot();
  });

  test('NetworkPolicy section: egress-control as in the seed, with DNS over TCP too', () => {
    const np = byChart.networkpolicy.find((m: any) => m.metadata.name === 'egress-control');
    expect(np.metadata.namespace).toBe('production');
    expect(np.spec.policyTypes).toEqual(['Egress']);
    expect(np.spec.podSelector.matchLabels).toEqual({ app: 'backend' });
    const flat = np.spec.egress.flatMap((r: any) => r.to.map((to: any) => ({ to, ports: r.ports })));
    expect(flat).toContainEqual({ to: { podSelector: { matchLabels: { app: 'database' } } }, ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(flat).toContainEqual({ to: { ipBlock: { cidr: '203.0.113.0/24' } }, ports: [{ protocol: 'TCP', port: 443 }] });
    const dns = flat.find((r: any) => r.to.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns');
    expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });
});
