import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AllowedExternalService, Destination, EgressBackend, EgressGateway, EgressModel, EgressSource, EgressWarnings, Port, Protocol, egressErrorCode } from '../../src';
import { evaluate } from '../oracles/np-eval';
import { chart, synth, tempApp, writtenFiles } from '../support/helpers';

const source = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });

describe('AllowedExternalService | Kubernetes NetworkPolicy', () => {
  test('address blocks on HTTPS', () => {
    const c = chart();
    const svc = new AllowedExternalService(c, 'partner', {
      name: 'partner-api',
      source: source(),
      destinations: [Destination.ipv4('203.0.113.0/24'), Destination.ipv6('2001:db8:100::/48')],
      ports: [Port.HTTPS],
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(manifests).toHaveLength(1);
    const [np] = manifests;
    expect(np.metadata.name).toBe('partner-api');
    expect(np.spec.policyTypes).toEqual(['Egress']);
    expect(np.spec.egress[1]).toEqual({
      to: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8:100::/48' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(svc.policies.map((p) => p.node.id)).toEqual(['kubernetes']);
    expect(svc.apiObjects).toHaveLength(1);
  });

  test('overlapping and adjacent blocks are merged; duplicates dropped', () => {
    const c = chart();
    new AllowedExternalService(c, 's', {
      source: source(),
      destinations: [Destination.ipv4('203.0.113.128/25'), Destination.ipv4('203.0.113.0/25'), Destination.ipv4('203.0.113.7/32'), Destination.ipv4('198.51.100.0/24')],
      ports: [Port.HTTPS],
    });
    expect(synth(c)[0].spec.egress[1].to).toEqual([{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '203.0.113.0/24' } }]);
  });

  test('a hostname fails, naming the backends that can express it', () => {
    let err: unknown;
    try {
      new AllowedExternalService(chart(), 'github', { source: source(), destinations: [Destination.fqdn('api.github.com')], ports: [Port.HTTPS] });
    } catch (e) { err = e; }
    expect(egressErrorCode(err)).toBe('EGRESS_UNSUPPORTED_BY_BACKEND');
    expect((err as Error).message).toMatch(/^\[test\/github\/kubernetes\] The Kubernetes NetworkPolicy backend cannot express destination api.github.com/);
  });

  test('fails on no destinations, no backends, a duplicated backend, and 0.0.0.0/0 without opt-in', () => {
    expect(() => new AllowedExternalService(chart(), 's', { source: source(), destinations: [], ports: [Port.HTTPS] })).toThrow(/\[test\/s\] AllowedExternalService was given no destinations.*EGRESS_EMPTY_POLICY/);
    expect(() => new AllowedExternalService(chart(), 's', { source: source(), destinations: [Destination.ipv4('10.0.0.0/8')], ports: [Port.HTTPS], backends: [] })).toThrow(/empty backends list/);
    expect(() => new AllowedExternalService(chart(), 's', { source: source(), destinations: [Destination.ipv4('10.0.0.0/8')], ports: [Port.HTTPS], backends: [EgressBackend.kubernetes(), EgressBackend.kubernetes()] }))
      .toThrow(/Backend "kubernetes" is listed twice/);
    expect(() => new AllowedExternalService(chart(), 's', { source: source(), destinations: [Destination.anyIpv4()], ports: [Port.HTTPS] })).toThrow(/\[test\/s\/kubernetes\] Refusing to allow egress to 0.0.0.0\/0.*EGRESS_ALLOW_ALL/);
    // an empty ports list once meant every port and protocol: it is refused
    expect(() => new AllowedExternalService(chart(), 's', { source: source(), destinations: [Destination.ipv4('10.0.0.0/8')], ports: [] }))
      .toThrow(/\[test\/s\] AllowedExternalService props.ports is an empty list: an empty ports list would allow every port and protocol.*EGRESS_EMPTY_POLICY/);
  });

  test('a very broad block is a warning with a stable id; strict mode makes it an error', () => {
    const c = chart();
    new AllowedExternalService(c, 's', { source: source(), destinations: [Destination.ipv4('64.0.0.0/2')], ports: [Port.HTTPS] });
    expect(EgressWarnings.list(c)).toEqual([{ id: 'cdk8s-egress:broadCidr', constructPath: 'test/s', message: expect.stringMatching(/64.0.0.0\/2 covers more than a \/8/) }]);

    const app = tempApp();
    const strict = new Chart(app, 'strict');
    EgressWarnings.enableStrictMode(app);
    new AllowedExternalService(strict, 's', { source: source(), destinations: [Destination.ipv4('64.0.0.0/2')], ports: [Port.HTTPS] });
    expect(() => app.synth()).toThrow(/\[strict\/s\] Destination 64.0.0.0\/2 covers more than a \/8.*cdk8s-egress:broadCidr; strict mode/s);
    expect(writtenFiles(app)).toEqual([]);

    const app2 = tempApp();
    const acked = new Chart(app2, 'acked');
    EgressWarnings.enableStrictMode(app2);
    const s2 = new AllowedExternalService(acked, 's', { source: source(), destinations: [Destination.ipv4('64.0.0.0/2')], ports: [Port.HTTPS] });
    EgressWarnings.acknowledge(s2, 'cdk8s-egress:broadCidr', 'the partner really owns this range');
    app2.synth();
    expect(writtenFiles(app2)).toEqual(['acked.k8s.yaml']);
    expect(EgressWarnings.list(acked)[0].acknowledgedReason).toBe('the partner really owns this range');
  });

  test('a policy over the size budget fails at synth with the fix', () => {
    const app = tempApp();
    const c = new Chart(app, 'big');
    const destinations = Array.from({ length: 600 }, (_, i) => Destination.ipv4(`10.${Math.floor(i / 200)}.${i % 200}.0/32`.replace('.0/32', `.${1 + (i % 7)}/32`)));
    new AllowedExternalService(c, 's', { source: source(), destinations, ports: [Port.HTTPS, Port.tcp(8443)] });
    expect(() => app.synth()).toThrow(/\[big\/s\/kubernetes\] This policy has 1202 destination×port entries, over the budget of 1000.*EGRESS_POLICY_TOO_LARGE/s);
  });
});

describe('AllowedExternalService | properties', () => {
  const cidrs = ['203.0.113.0/25', '203.0.113.128/25', '198.51.100.0/24', '192.0.2.0/28', '192.0.2.16/28', '2001:db8::/33'];
  const sample = ['203.0.113.1', '203.0.113.200', '198.51.100.9', '192.0.2.3', '192.0.2.20', '192.0.2.40', '2001:db8::1', '2001:db8:8000::1', '8.8.8.8'];
  const intentArb = fc.record({
    app: fc.constantFrom('a', 'b', 'c'),
    cidrs: fc.uniqueArray(fc.constantFrom(...cidrs), { minLength: 1, maxLength: 4 }),
    ports: fc.uniqueArray(fc.constantFrom<number>(443, 8443, 53), { minLength: 1, maxLength: 2 }),
  });

  const build = (app: App, intents: Array<{ app: string; cidrs: string[]; ports: number[] }>, order: number[]) => {
    const c = new Chart(app, 'test');
    for (const i of order) {
      const it = intents[i];
      new AllowedExternalService(c, `svc${i}`, {
        source: EgressSource.pods({ namespace: 'ns', labels: { app: it.app } }),
        destinations: it.cidrs.map((x) => (x.includes(':') ? Destination.ipv6(x) : Destination.ipv4(x))),
        ports: it.ports.map((p) => Port.tcp(p)),
      });
    }
    return c;
  };

  test('(a) declared flows allowed, (b) nothing undeclared allowed, (c) no allow-all, (d) independent of creation order', () => {
    fc.assert(fc.property(fc.array(intentArb, { minLength: 1, maxLength: 4 }), fc.context(), (intents, ctx) => {
      const order = intents.map((_, i) => i);
      const c = build(Testing.app(), intents, order);
      const manifests = synth(c);
      const model = EgressModel.of(c);
      for (const m of manifests) {
        for (const rule of m.spec.egress) {
          expect(rule.to.length).toBeGreaterThan(0); // (c)
          for (const peer of rule.to) if (peer.ipBlock) expect(peer.ipBlock.cidr.endsWith('/0')).toBe(false);
        }
      }
      for (const appLabel of ['a', 'b', 'c']) {
        const from = { namespace: 'ns', labels: { app: appLabel } };
        const mine = intents.filter((it) => it.app === appLabel);
        for (const ip of sample) {
          for (const port of [443, 8443, 53, 80]) {
            const probe = { from, toIp: ip, port, protocol: Protocol.TCP };
            const declared = mine.some((it) => it.ports.includes(port) && it.cidrs.some((x) => {
              const v = evaluate([{ kind: 'NetworkPolicy', metadata: { namespace: 'ns' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: x } }] }] } }], probe);
              return v.allowed;
            }));
            const yaml = evaluate(manifests, probe);
            ctx.log(`${appLabel} ${ip}:${port} declared=${declared} yaml=${yaml.allowed}`);
            expect(yaml.allowed).toBe(mine.length === 0 ? true : declared); // (a) + (b)
            expect(model.check(probe).allowed).toBe(yaml.allowed);
          }
        }
      }
      // (d) the same objects come out whatever the creation order
      const reversed = synth(build(Testing.app(), intents, [...order].reverse()));
      const key = (ms: any[]) => ms.map((m) => JSON.stringify(m)).sort();
      expect(key(reversed)).toEqual(key(manifests));
    }), { numRuns: 40 });
  });
});

describe('AllowedExternalService | through an EgressGateway', () => {
  const gw = (c: Chart) => new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] });

  test('routes the service through the gateway: Istio routing + bypass closure, no direct path', () => {
    const c = chart();
    const svc = new AllowedExternalService(c, 'github', { source: source(), destinations: [Destination.fqdn('api.github.com')], ports: [Port.HTTPS], gateway: gw(c) });
    const manifests = synth(c);
    expect(svc.policies).toEqual([]);
    expect(svc.route!.hosts).toEqual(['api.github.com']);
    const kinds = manifests.map((m) => m.kind);
    for (const k of ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry', 'AuthorizationPolicy', 'NetworkPolicy']) expect(kinds).toContain(k);
    const se = manifests.find((m) => m.kind === 'ServiceEntry');
    expect(se.spec).toMatchObject({ hosts: ['api.github.com'], location: 'MESH_EXTERNAL', resolution: 'DNS' });
    // the source may reach the gateway pods but not the internet directly
    const model = EgressModel.of(c);
    const from = { namespace: 'production', labels: { app: 'backend' } };
    expect(model.check({ from, toIp: '140.82.112.5', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(model.check({ from, toHostname: 'api.github.com', port: 443, protocol: Protocol.TCP, skipsMesh: true }).allowed).toBe(false);
    expect(model.check({ from, toPod: { namespace: 'istio-system', labels: { istio: 'egressgateway' } }, port: 8443, protocol: Protocol.TCP }).allowed).toBe(true);
    // through the sidecar, the route takes it to the gateway, which reaches the host
    expect(model.check({ from, toHostname: 'api.github.com', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: true, gateway: 'istio-system/istio-egressgateway' });
  });

  test('refuses backends together with a gateway', () => {
    const c = chart();
    expect(() => new AllowedExternalService(c, 's', { source: source(), destinations: [Destination.fqdn('api.github.com')], ports: [Port.HTTPS], gateway: gw(c), backends: [EgressBackend.cilium()] }))
      .toThrow(/\[test\/s\] AllowedExternalService was given both gateway and backends.*EGRESS_CONFLICTING_OPTIONS/);
  });

  test('refuses direct-egress options together with a gateway instead of ignoring them', () => {
    const c = chart();
    const g = gw(c);
    expect(() => new AllowedExternalService(c, 's', { source: source(), destinations: [Destination.fqdn('api.github.com')], ports: [Port.HTTPS], gateway: g, labels: { team: 'a' }, dns: [] }))
      .toThrow(/\[test\/s\] AllowedExternalService was given gateway together with labels, dns, which only apply to direct-egress policies.*\(EGRESS_CONFLICTING_OPTIONS\)/);
  });
});
