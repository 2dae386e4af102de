import { Chart, Testing } from 'cdk8s';
import {
  AllowedExternalService,
  Destination,
  EgressBackend,
  EgressGateway,
  EgressGatewayProvider,
  EgressPolicy,
  EgressSource,
  Port,
} from '../../src';
import { synth } from '../support/helpers';

// In GitOps an object whose name changes is deleted and created again. Adding a route for one
// source, or another construct, must leave every object already emitted under the same name.

type Step = (c: Chart, gw: EgressGateway) => void;

/** The app as it is: two routed sources (pods by two labels, a whole namespace) and a policy. */
const existing: Step = (c, gw) => {
  gw.addRoute('backend', { source: EgressSource.pods({ namespace: 'prod', labels: { tier: 'api', app: 'backend' } }), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS] });
  gw.addRoute('batch', { source: EgressSource.namespace('batch'), destinations: [Destination.fqdn('files.partner.com')], ports: [Port.HTTPS] });
  new EgressPolicy(c, 'db', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'backend', tier: 'api' } }), dns: [] })
    .allow(Destination.ipv4('10.1.0.0/16'), Port.tcp(5432));
};
/** A new source in an existing namespace, routed to a host that is already routed. */
const newSourceSameHost: Step = (_c, gw) => {
  gw.addRoute('reports', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'reports' } }), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS] });
};
/** A new source in a new namespace, routed to a new host. */
const newSourceNewHost: Step = (_c, gw) => {
  gw.addRoute('jobs', { source: EgressSource.pods({ namespace: 'jobs', labels: { app: 'cron' } }), destinations: [Destination.fqdn('hooks.partner.com')], ports: [Port.HTTPS] });
};
/** Other constructs, declared anywhere in the app. */
const otherConstructs: Step = (c) => {
  new EgressPolicy(c, 'cache', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'cache' } }) })
    .allow(Destination.ipv4('10.2.0.0/16'), Port.tcp(6379));
  new AllowedExternalService(c, 'metrics', { source: EgressSource.namespace('monitoring'), destinations: [Destination.ipv4('203.0.113.0/24')], ports: [Port.HTTPS] });
};

/** Every emitted object, keyed by kind/namespace/name. */
function build(...steps: Step[]): Map<string, unknown> {
  const c = Testing.chart();
  const gw = new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] });
  for (const step of steps) step(c, gw);
  const out = new Map<string, unknown>();
  for (const m of synth(c)) {
    const key = `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    expect(out.has(key)).toBe(false);
    out.set(key, m);
  }
  return out;
}

/** Objects that list every routed host by design: a route to a new host adds to them. */
const gatewayWide = (key: string) => [
  /^Gateway\/istio-system\//, // one server per routed host
  /^DestinationRule\/istio-system\/.*gatewaysubsets/, // one subset per routed host
  /^AuthorizationPolicy\/istio-system\/.*allowpolicy/, // one rule per source namespace and host
  /^CiliumNetworkPolicy\/istio-system\/.*gatewayegress/, // the gateway pods' egress to every routed host
].some((r) => r.test(key));

describe('emitted names are stable under additions and reordering', () => {
  const before = build(existing);

  test('the app has a bypass policy per routed source, named after the source', () => {
    const bypass = [...before.keys()].filter((k) => /^NetworkPolicy\/.*sourceegress/.test(k));
    expect(bypass.map((k) => k.split('/')[1]).sort()).toEqual(['batch', 'prod']);
    // one source's name does not depend on any other: alone, it is the same
    const alone = build((_c, gw) => gw.addRoute('batch', { source: EgressSource.namespace('batch'), destinations: [Destination.fqdn('files.partner.com')], ports: [Port.HTTPS] }));
    expect([...alone.keys()].filter((k) => k.startsWith('NetworkPolicy/batch/'))).toEqual(bypass.filter((k) => k.startsWith('NetworkPolicy/batch/')));
  });

  test.each([
    ['a route for a new source to a routed host, declared first', [newSourceSameHost, existing]],
    ['a route for a new source to a routed host, declared last', [existing, newSourceSameHost]],
    ['other constructs, declared first', [otherConstructs, existing]],
    ['other constructs, declared last', [existing, otherConstructs]],
  ] as Array<[string, Step[]]>)('%s: every object keeps its name and content', (_what, steps) => {
    const after = build(...steps);
    for (const [key, obj] of before) {
      expect({ key, present: after.has(key) }).toEqual({ key, present: true });
      expect(after.get(key)).toEqual(obj);
    }
    expect(after.size).toBeGreaterThan(before.size);
  });

  test.each([
    ['declared first', [newSourceNewHost, existing]],
    ['declared last', [existing, newSourceNewHost]],
  ] as Array<[string, Step[]]>)('a route for a new source to a new host, %s: every object keeps its name; only the gateway-wide lists grow', (_what, steps) => {
    const after = build(...steps);
    for (const [key, obj] of before) {
      expect({ key, present: after.has(key) }).toEqual({ key, present: true });
      if (!gatewayWide(key)) expect(after.get(key)).toEqual(obj);
    }
    // the gateway-wide objects do change: the new host is in them
    const grown = [...before.keys()].filter(gatewayWide);
    expect(grown).toHaveLength(4);
    for (const key of grown) expect(JSON.stringify(after.get(key))).toContain('hooks.partner.com');
  });

  test('sources with the same labels in another order share one bypass policy and its name', () => {
    const a = build((_c, gw) => gw.addRoute('r', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'backend', tier: 'api' } }), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS] }));
    const b = build((_c, gw) => gw.addRoute('r', { source: EgressSource.pods({ namespace: 'prod', labels: { tier: 'api', app: 'backend' } }), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS] }));
    expect([...b.keys()]).toEqual([...a.keys()]);
  });
});

/**
 * Every emitted object's kind/namespace/name, with the host it is for when it is one host's (a
 * VirtualService, ServiceEntry or TLS-origination DestinationRule): two hosts swapping names is a
 * rename too.
 */
function names(app: (c: Chart) => void): Set<string> {
  const c = Testing.chart();
  app(c);
  const forHost = (m: any) => (Array.isArray(m.spec?.hosts) && m.spec.hosts.length === 1 ? ` for ${m.spec.hosts[0]}` : '');
  const keys = synth(c).map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}${forHost(m)}`);
  expect(new Set(keys).size).toBe(keys.length);
  return new Set(keys);
}

const route = (id: string, host: string, ns = 'prod') => (gw: EgressGateway) =>
  gw.addRoute(id, { source: EgressSource.pods({ namespace: ns, labels: { app: id } }), destinations: [Destination.fqdn(host)], ports: [Port.HTTPS] });

/** Hosts whose slugs clash (api.example.com, api-example.com) among others. */
const routes = [
  route('a', 'api.example.com'),
  route('b', 'api-example.com'),
  route('c', 'files.partner.com', 'batch'),
  route('d', 'files-partner.com', 'batch'),
  route('e', 'hooks.partner.com'),
];

describe.each([
  ['a named gateway', { name: 'egress' }],
  ['an unnamed gateway (names derived from construct paths)', {}],
] as Array<[string, { name?: string }]>)('%s: names do not depend on declaration order', (_what, gwProps) => {
  const gatewayWith = (rs: typeof routes) => (c: Chart) => {
    const gw = new EgressGateway(c, 'gw', { ...gwProps, gatewayBackends: [EgressBackend.cilium()] });
    for (const r of rs) r(gw);
  };
  const all = names(gatewayWith(routes));

  test.each([
    ['reversed', [...routes].reverse()],
    ['the clashing host first', [routes[1], routes[0], routes[3], routes[2], routes[4]]],
    ['rotated', [...routes.slice(2), ...routes.slice(0, 2)]],
  ])('routes %s: the same object names', (_order, rs) => {
    expect([...names(gatewayWith(rs))].sort()).toEqual([...all].sort());
  });

  test('every prefix of the routes emits a subset of the names: adding a route renames nothing', () => {
    for (let n = 1; n < routes.length; n++) {
      for (const rs of [routes.slice(0, n), routes.slice(routes.length - n)]) {
        for (const key of names(gatewayWith(rs))) expect({ key, kept: all.has(key) }).toEqual({ key, kept: true });
      }
    }
  });

  test('another gateway on other pods, declared before or after, renames nothing', () => {
    const other = (c: Chart) => {
      const gw2 = new EgressGateway(c, 'gw2', {
        name: 'partner-egress',
        provider: EgressGatewayProvider.istio({ namespace: 'istio-egress', serviceHost: 'partner-egressgateway.istio-egress.svc.cluster.local', selector: { istio: 'partner' } }),
        gatewayBackends: [EgressBackend.cilium()],
      });
      route('z', 'api.partner-two.com')(gw2);
    };
    for (const app of [(c: Chart) => { other(c); gatewayWith(routes)(c); }, (c: Chart) => { gatewayWith(routes)(c); other(c); }]) {
      const after = names(app);
      for (const key of all) expect({ key, kept: after.has(key) }).toEqual({ key, kept: true });
      expect(after.size).toBeGreaterThan(all.size);
    }
  });
});
