import * as fc from 'fast-check';
import { Destination, EgressErrorCode, HttpRule, Port } from '../../src';
import { LegMode, PlannedLeg } from '../../src/gateway/route-model';
import {
  RoutePlan, grantKey, mergeProblem, mergeRoute, newRouteBook, planHosts, planHttpRules, planLegs, planServiceAccounts, sourceKey,
} from '../../src/gateway/route-planner';
import { hostLabel, slug } from '../../src/util/naming';

// Route planning is pure: every function is called here without a construct, on generated input.

const listeners = { tls: { port: 443, targetPort: 8443 }, http: { port: 80, targetPort: 8080 } };
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
/** DNS names whose labels may hold '-', so that distinct hosts share a slug (a-b.c and a.b-c). */
const host = fc.array(fc.oneof(label, fc.tuple(label, label).map(([a, b]) => `${a}-${b}`)), { minLength: 2, maxLength: 4 }).map((ls) => ls.join('.'));
const hosts = fc.uniqueArray(host, { minLength: 1, maxLength: 4 });
const tlsPort = fc.constantFrom(Port.HTTPS, Port.tls(8443), Port.https(9443));
const httpPort = fc.constantFrom(Port.http(80), Port.http(8080), Port.grpc(9090));
const ports = fc.oneof(
  tlsPort.map((p) => [p]),
  httpPort.map((p) => [p]),
  fc.tuple(tlsPort, httpPort).filter(([t, h]) => t.toConfig().port !== h.toConfig().port).map(([t, h]) => [t, h]),
);
const source = fc.record({ namespace: fc.constantFrom('a', 'b'), podLabels: fc.option(fc.constantFrom<Record<string, string>>({ app: 'x' }, { app: 'y', tier: 'z' }), { nil: undefined }) });

function plan(owner: string, hs: string[], ps: Port[], src: { namespace: string; podLabels?: Record<string, string> }): RoutePlan {
  const legs = planLegs({ ports: ps }, hs, listeners, owner).value!;
  return { owner, source: src, hosts: hs, legs };
}

describe('route planner (pure, property-tested)', () => {
  test('planHosts keeps the hosts in order and refuses a duplicate', () => {
    fc.assert(fc.property(hosts, (hs) => {
      expect(planHosts(hs.map((h) => Destination.fqdn(h))).value).toEqual(hs);
      const dup = planHosts([...hs, hs[0]].map((h) => Destination.fqdn(h)));
      expect(dup.problem?.code).toBe(EgressErrorCode.DUPLICATE_RULE);
      expect(dup.problem?.message).toContain(`${hs[0]} is listed twice`);
    }), { numRuns: 100, seed: 20261205 });
  });

  test('planHosts refuses patterns and addresses, naming them', () => {
    expect(planHosts([Destination.anySubdomainOf('example.com')]).problem?.code).toBe(EgressErrorCode.UNSUPPORTED_BY_BACKEND);
    expect(planHosts([Destination.ipv4('203.0.113.0/24')]).problem?.message).toMatch(/Cannot route .*203\.0\.113\.0\/24.*a loop/);
    expect(planHosts([]).problem?.code).toBe(EgressErrorCode.EMPTY_POLICY);
  });

  test('planLegs: one leg per host and mode, on the listener of its mode, upstream = origination port or app port', () => {
    fc.assert(fc.property(hosts, ports, fc.boolean(), fc.integer({ min: 1, max: 65535 }), (hs, ps, originate, originationPort) => {
      const hasTls = ps.some((p) => ['HTTPS', 'TLS'].includes(p.toConfig().appProtocol ?? ''));
      const r = planLegs({ ports: ps, tlsOrigination: originate, ...(originate ? { originationPort } : {}) }, hs, listeners, 'app/gw/r');
      if (originate && hasTls) {
        expect(r.problem?.code).toBe(EgressErrorCode.CONFLICTING_OPTIONS);
        return;
      }
      const legs = r.value!;
      expect(legs).toHaveLength(hs.length * ps.length);
      expect(new Set(legs.map((l) => `${l.host}|${l.mode}`)).size).toBe(legs.length);
      for (const l of legs) {
        expect(l.gatewayPort).toBe(l.mode === LegMode.TLS ? listeners.tls : listeners.http);
        expect(l.origination).toBe(originate && l.mode === LegMode.HTTP);
        expect(l.upstreamPort).toBe(l.origination ? originationPort : l.appPort);
        expect(l.owner).toBe('app/gw/r');
      }
    }), { numRuns: 150, seed: 20261205 });
  });

  test('planLegs refuses two ports of one mode, opaque TCP, and originationPort without origination', () => {
    expect(planLegs({ ports: [Port.HTTPS, Port.tls(8443)] }, ['a.com'], listeners, 'r').problem?.message).toMatch(/two TLS ports \(443 and 8443\)/);
    expect(planLegs({ ports: [Port.tcp(5432)] }, ['a.com'], listeners, 'r').problem?.code).toBe(EgressErrorCode.INVALID_PORT);
    expect(planLegs({ ports: [Port.http(80)], originationPort: 443 }, ['a.com'], listeners, 'r').problem?.message).toMatch(/no effect without tlsOrigination/);
    expect(planLegs({ ports: [] }, ['a.com'], listeners, 'r').problem?.code).toBe(EgressErrorCode.EMPTY_POLICY);
  });

  test('planServiceAccounts sorts and de-duplicates, and needs mTLS', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 5 }), (sas) => {
      expect(planServiceAccounts(sas, true, () => []).value).toEqual([...new Set(sas)].sort());
      expect(planServiceAccounts(sas, false, () => []).problem?.code).toBe(EgressErrorCode.CONFLICTING_OPTIONS);
    }), { numRuns: 50, seed: 20261205 });
    expect(planServiceAccounts(undefined, false, () => []).value).toBeUndefined();
    expect(planServiceAccounts([], true, () => []).problem?.code).toBe(EgressErrorCode.EMPTY_POLICY);
  });

  test('planHttpRules needs HTTP legs and de-duplicates', () => {
    const legs = planLegs({ ports: [Port.http(80)] }, ['a.com'], listeners, 'r').value!;
    expect(planHttpRules([HttpRule.get('/x'), HttpRule.get('/x')], legs).value).toEqual([{ methods: ['GET'], paths: ['/x'] }]);
    const tls = planLegs({ ports: [Port.HTTPS] }, ['a.com'], listeners, 'r').value!;
    expect(planHttpRules([HttpRule.get('/x')], tls).problem?.message).toMatch(/httpRules cannot apply to a\.com on port 443/);
  });

  test('merging routes in any order gives the same hosts, legs and grants', () => {
    const route = fc.tuple(hosts, ports, source);
    let compared = 0;
    fc.assert(fc.property(fc.array(route, { minLength: 1, maxLength: 4 }), (routes) => {
      const plans = routes.map(([hs, ps, src], i) => plan(`r${i}`, hs, ps, src));
      const summary = (order: RoutePlan[]) => {
        const book = newRouteBook();
        const refused = new Set<string>();
        for (const p of order) {
          if (p.legs.some((l: PlannedLeg) => mergeProblem(book, p, l) !== undefined)) {
            refused.add(p.owner);
            continue;
          }
          mergeRoute(book, p, () => undefined);
        }
        const legs = [...book.model.hosts.values()].flatMap((e) => [...e.legs.values()].map((l) => ({
          host: e.host, mode: l.mode, appPort: l.appPort, protocol: l.protocol, upstream: l.upstreamPort, grants: [...l.grants.keys()].sort(),
        }))).sort((a, b) => `${a.host}|${a.mode}`.localeCompare(`${b.host}|${b.mode}`));
        return { legs, refused };
      };
      const forward = summary(plans);
      const backward = summary([...plans].reverse());
      // Order decides only which of two conflicting routes is refused, never what is routed otherwise.
      if (forward.refused.size === 0 && backward.refused.size === 0) {
        expect(backward.legs).toEqual(forward.legs);
        compared++;
      }
    }), { numRuns: 150, seed: 20261205 });
    // the property is not vacuous: most generated apps have no conflicting routes
    expect(compared).toBeGreaterThan(50);
  });

  test('merging the same route twice changes nothing', () => {
    fc.assert(fc.property(hosts, ports, source, (hs, ps, src) => {
      const book = newRouteBook();
      const p = plan('r', hs, ps, src);
      const state = () => JSON.stringify([...book.model.hosts.values()]
        .map((e) => [e.host, [...e.legs.values()].map((l) => [l.mode, [...l.grants.values()]])]));
      mergeRoute(book, p, () => undefined);
      const once = state();
      expect(p.legs.map((l) => mergeProblem(book, p, l))).toEqual(p.legs.map(() => undefined));
      mergeRoute(book, p, () => undefined);
      const twice = state();
      expect(twice).toBe(once);
    }), { numRuns: 100, seed: 20261205 });
  });

  test('source and grant keys do not depend on label order', () => {
    expect(sourceKey({ namespace: 'a', podLabels: { b: '1', a: '2' } })).toBe(sourceKey({ namespace: 'a', podLabels: { a: '2', b: '1' } }));
    expect(sourceKey({ namespace: 'a' })).not.toBe(sourceKey({ namespace: 'a', podLabels: {} }));
    expect(grantKey({ namespace: 'a' }, ['x', 'y'])).toBe('a|x,y');
  });

  test('host labels are distinct for distinct hosts, and independent of every other host', () => {
    fc.assert(fc.property(hosts, (hs) => {
      const slugs = hs.map((h) => slug(hostLabel(h)));
      expect(new Set(slugs).size).toBe(hs.length);
      for (const h of hs) {
        if (h.includes('-')) expect(hostLabel(h)).toMatch(new RegExp(`^${h.replace(/\./g, '\\.')}-[0-9a-f]{8}$`));
        else expect(hostLabel(h)).toBe(h);
      }
    }), { numRuns: 200, seed: 20261205 });
  });
});
