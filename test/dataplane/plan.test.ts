// The dataplane tier's plan helpers (the tier itself runs as root: npm run test:dataplane).
import { App, Chart } from 'cdk8s';
import * as ipaddr from 'ipaddr.js';
import { narrow, networkLayerVerdict, pickInside, widen } from './plan';
import { DefaultDenyEgress, Destination, EgressPolicy, EgressSource, Port, Protocol } from '../../src';

const inside = (ip: string, cidr: string) => {
  const a = ipaddr.parse(ip);
  const r = ipaddr.parseCIDR(cidr);
  return a.kind() === r[0].kind() && a.match(r);
};

describe('pickInside', () => {
  test.each([
    ['203.0.113.0/24', []],
    ['203.0.113.0/24', ['203.0.113.0/29']],
    ['203.0.113.128/25', ['203.0.113.128/26', '203.0.113.192/27']],
    ['10.0.0.0/8', []],
    ['0.0.0.0/0', ['10.0.0.0/8']],
    ['169.254.20.10/32', []],
    ['2001:db8::/32', ['2001:db8:1::/48']],
    ['::/0', []],
  ] as Array<[string, string[]]>)('%s except %j: inside, outside the excepts and the topology\'s own ranges', (cidr, except) => {
    const ip = pickInside(cidr, except)!;
    expect(ip).toBeDefined();
    expect(inside(ip, cidr)).toBe(true);
    for (const e of except) expect(inside(ip, e)).toBe(false);
    for (const r of ['10.244.0.0/16', '127.0.0.0/8', '0.0.0.0/8', '169.254.1.1/32', '10.0.0.10/32', 'fd00:10:244::/64', 'fe80::/10']) {
      expect(inside(ip, r)).toBe(false);
    }
  });

  test('no address when the block lies inside the topology\'s own ranges', () => {
    expect(pickInside('10.244.3.0/24')).toBeUndefined();
    expect(pickInside('127.0.0.1/32')).toBeUndefined();
  });
});

describe('negative controls', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const np: any = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'shop' },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { ports: [{ port: 53, protocol: 'UDP' }], to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] },
        { ports: [{ port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] },
      ],
    },
  };

  test('widen drops every except and opens the last rule to every destination', () => {
    const [w] = widen([np]);
    expect(w.spec.egress[0]).toEqual(np.spec.egress[0]);
    expect(w.spec.egress[1].to).toBeUndefined();
    expect(w.spec.egress[1].ports).toEqual(np.spec.egress[1].ports);
    expect(np.spec.egress[1].to[0].ipBlock.except).toEqual(['203.0.113.128/25']); // input untouched
  });

  test('narrow drops the last rule', () => {
    const [n] = narrow([np]);
    expect(n.spec.egress).toEqual([np.spec.egress[0]]);
  });
});

describe('networkLayerVerdict', () => {
  test('judges with the NetworkPolicy-backend policies of the app', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new EgressPolicy(chart, 'p', { source: EgressSource.pods({ namespace: 'shop', labels: { app: 'api' } }) })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new DefaultDenyEgress(chart, 'd', { source: EgressSource.namespace('shop') });
    const verdict = networkLayerVerdict(app);
    const from = { namespace: 'shop', labels: { app: 'api' } };
    expect(verdict({ from, toIp: '203.0.113.5', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(verdict({ from, toIp: '203.0.113.5', port: 80, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(verdict({ from: { namespace: 'shop', labels: {} }, toIp: '203.0.113.5', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(verdict({ from: { namespace: 'data', labels: {} }, toIp: '203.0.113.5', port: 80, protocol: Protocol.TCP }).allowed).toBe(true);
  });
});
