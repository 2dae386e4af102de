import { DestinationKind, EgressBackend, Protocol } from '../../../src';
import { foldRules } from '../../../src/backends/kubernetes/network-policy-backend';

const cidr = (c: string) => ({ kind: DestinationKind.CIDR, cidr: c, ipFamily: 4 });
const pods = (app: string) => ({ kind: DestinationKind.PODS, podLabels: { app } });

describe('KubernetesNetworkPolicyBackend', () => {
  test('declares what NetworkPolicy can express, and nothing more', () => {
    const b = EgressBackend.kubernetes();
    expect(b.id).toBe('kubernetes');
    expect(b.capabilities.sort()).toEqual(['Cidr', 'CidrExcept', 'PodSelector', 'PortRange', 'Sctp']);
    expect(b.supports('Fqdn' as any)).toBe(false);
    expect(EgressBackend.bundled().find((i) => i.id === 'kubernetes')!.capabilities.sort()).toEqual(b.capabilities.sort());
  });

  test('foldRules groups destinations by identical port lists, in first-seen order', () => {
    const https = [{ protocol: Protocol.TCP, port: 443 }];
    const pg = [{ protocol: Protocol.TCP, port: 5432 }];
    const folded = foldRules([
      { destinations: [pods('db')], ports: pg },
      { destinations: [cidr('198.51.100.0/24')], ports: https },
      { destinations: [pods('db2')], ports: pg },
      { destinations: [cidr('198.51.100.0/24')], ports: https },
    ]);
    expect(folded).toEqual([
      { destinations: [pods('db'), pods('db2')], ports: pg },
      { destinations: [cidr('198.51.100.0/24')], ports: https },
    ]);
  });

  test('foldRules merges adjacent blocks but never blocks with exceptions', () => {
    const any: any[] = [];
    const folded = foldRules([
      { destinations: [cidr('10.0.0.0/25'), cidr('10.0.0.128/25')], ports: any },
      { destinations: [{ kind: DestinationKind.CIDR, cidr: '10.0.1.0/24', ipFamily: 4, except: ['10.0.1.0/25'] }, cidr('10.0.1.128/25')], ports: any },
    ]);
    // merged plain blocks take the place of the first plain block; blocks with exceptions stay as declared
    expect(folded[0].destinations).toEqual([
      { kind: DestinationKind.CIDR, cidr: '10.0.0.0/24', ipFamily: 4 },
      { kind: DestinationKind.CIDR, cidr: '10.0.1.128/25', ipFamily: 4 },
      { kind: DestinationKind.CIDR, cidr: '10.0.1.0/24', ipFamily: 4, except: ['10.0.1.0/25'] },
    ]);
  });
});
