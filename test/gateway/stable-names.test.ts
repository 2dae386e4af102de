import { Chart, Testing } from 'cdk8s';
import {
  AllowedExternalService,
  Destination,
  EgressBackend,
  EgressGateway,
  EgressPolicy,
  EgressSource,
  Port,
} from '../../src';
import { synth } from '../helpers';

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
