import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AllowedExternalService,
  DeclaredIntents,
  Destination,
  EgressBackend,
  EgressGateway,
  EgressPolicy,
  EgressSource,
  EgressWarnings,
  EnforcementLayer,
  EnforcementSemantics,
  Port,
} from '../../src';
import { CiliumBackend } from '../../src/backends/cilium/cilium-backend';
import { watchAppChecks } from '../../src/checks/app-checks';
import { gatewayRoutes, recordRoute } from '../../src/gateway/route-records';
import { tempApp, writtenFiles } from '../support/helpers';

// Another policy that gives routed pods direct egress reopens the path around the gateway
// (NetworkPolicies add up): a routed host allowed directly is an error, an address block a warning.
const routed = () => EgressSource.pods({ namespace: 'prod', labels: { app: 'api' } });
const gateway = (c: Chart) => new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.cilium()] });
const route = (g: EgressGateway, host = 'api.partner.com') => g.addRoute('r', { source: routed(), destinations: [Destination.fqdn(host)], ports: [Port.HTTPS] });
const bypassWarnings = (c: Chart) => EgressWarnings.list(c).filter((w) => w.id === 'cdk8s-egress:gatewayBypass');

describe('gateway bypass through other policies', () => {
  test('a routed host allowed directly by a CNI backend fails synth, in either order, and nothing is written', () => {
    // GIVEN a route, then a Cilium allowance of the same host for the same pods
    const app = tempApp();
    const c = new Chart(app, 'c');
    route(gateway(c));
    new AllowedExternalService(c, 'direct', { source: routed(), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS], backends: [EgressBackend.cilium()] });
    // THEN synth fails at the gateway, naming the policy, the host and the route
    expect(() => app.synth()).toThrow(/\[c\/gw\] c\/direct\/cilium allows pods app=api in prod direct egress to api\.partner\.com, which route c\/gw\/r sends through this gateway: NetworkPolicies add up.*Remove the direct allowance, or the route \(EGRESS_CONFLICTING_OPTIONS\)/);
    expect(writtenFiles(app)).toEqual([]);

    // AND a namespace-wide allowance made before the route, of every subdomain, is caught too
    const c2 = Testing.chart();
    new AllowedExternalService(c2, 'direct', { source: EgressSource.namespace('prod'), destinations: [Destination.anySubdomainOf('partner.com')], ports: [Port.HTTPS], backends: [EgressBackend.cilium()] });
    route(gateway(c2));
    expect(() => Testing.synth(c2)).toThrow(/direct egress to \*\.partner\.com, which route .*\/gw\/r sends through this gateway/);
  });

  test('an address block allowed directly to routed pods is a warning once, which strict mode turns into an error', () => {
    // GIVEN a route and a direct CIDR allowance for the same pods, in an app of two charts (two validation passes each)
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new Chart(app, 'other');
    route(gateway(c));
    new EgressPolicy(c, 'direct', { source: routed() }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    app.synthYaml();
    // THEN one warning on the gateway names the block, the route and its hosts
    const warnings = bypassWarnings(c);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].constructPath).toBe('c/gw');
    expect(warnings[0].message).toMatch(/^c\/direct allows pods app=api in prod direct egress to 203\.0\.113\.0\/24, and route c\/gw\/r sends the same pods' traffic to api\.partner\.com through this gateway\. NetworkPolicies add up/);

    // AND in strict mode it fails synth until acknowledged on the gateway
    const strict = Testing.app();
    const s = new Chart(strict, 'c');
    EgressWarnings.enableStrictMode(strict);
    const g = gateway(s);
    route(g);
    new EgressPolicy(s, 'direct', { source: routed() }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    for (const id of ['cdk8s-egress:istioGatewayAccessLogRootNamespace']) EgressWarnings.acknowledge(strict, id, 'not under test');
    expect(() => strict.synthYaml()).toThrow(/\[c\/gw\] c\/direct allows .*203\.0\.113\.0\/24.*\(cdk8s-egress:gatewayBypass; strict mode/);
    EgressWarnings.acknowledge(g, 'cdk8s-egress:gatewayBypass', 'the block holds no partner addresses');
    expect(() => strict.synthYaml()).not.toThrow();
  });

  test('no finding for other pods, Istio sidecar policies, hosts the route does not send, or the route itself', () => {
    const c = Testing.chart();
    const g = gateway(c);
    route(g, 'a.b.partner.com');
    // other pods of the namespace
    new AllowedExternalService(c, 'others', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'web' } }), destinations: [Destination.fqdn('a.b.partner.com')], ports: [Port.HTTPS], backends: [EgressBackend.cilium()] });
    // the same pods in another namespace
    new EgressPolicy(c, 'elsewhere', { source: EgressSource.pods({ namespace: 'staging', labels: { app: 'api' } }) }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    // (an Istio ServiceEntry of its own for the routed host is refused outright: two ServiceEntries
    // for one host, test/model/layers.test.ts); one for another host acts in the sidecar only
    new AllowedExternalService(c, 'mesh', { source: routed(), destinations: [Destination.fqdn('x.partner.com')], ports: [Port.HTTPS], backends: [EgressBackend.istio()] });
    // a one-label pattern does not match a.b.partner.com, and another host is deliberate direct egress
    new AllowedExternalService(c, 'pattern', { source: routed(), destinations: [Destination.fqdnPattern('*.partner.com'), Destination.fqdn('api.other.com')], ports: [Port.HTTPS], backends: [EgressBackend.cilium()] });
    // a service routed through the gateway
    new AllowedExternalService(c, 'via', { source: routed(), destinations: [Destination.fqdn('c.example.org')], ports: [Port.HTTPS], gateway: g });
    // (the layers contradict each other here — the mesh's REGISTRY_ONLY drops the Cilium-only
    // hosts — which the reachability check reports; this test is about bypass findings only)
    DeclaredIntents.enforcedOutsideApp(c, 'not under test: only the bypass findings are');
    expect(() => Testing.synth(c)).not.toThrow();
    expect(bypassWarnings(c)).toEqual([]);
  });

  test('the check reads each backend\'s enforcement layer, so a backend of the user\'s own is judged by what it declares', () => {
    // A backend rendering through the sidecar opens no network path around the gateway ...
    class MeshBackend extends CiliumBackend {
      public readonly semantics: EnforcementSemantics = { cidrMatchesPods: false, layer: EnforcementLayer.MESH };
    }
    const mesh = Testing.chart();
    route(gateway(mesh));
    new AllowedExternalService(mesh, 'direct', { source: routed(), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS], backends: [new MeshBackend()] });
    expect(() => Testing.synth(mesh)).not.toThrow();
    // ... while one enforced by the network plugin (the default for every backend) does.
    class CniBackend extends CiliumBackend {}
    const cni = Testing.chart();
    route(gateway(cni));
    new AllowedExternalService(cni, 'direct', { source: routed(), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS], backends: [new CniBackend()] });
    expect(() => Testing.synth(cni)).toThrow(/direct\/cilium allows pods app=api in prod direct egress to api\.partner\.com/);
  });

  test('a route recorded by another copy of the library is checked too (the routes are shared by every copy in the process)', () => {
    // GIVEN a second copy of the route records, as a construct library bundling its own cdk8s-egress has
    let copy: typeof import('../../src/gateway/route-records') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      copy = require('../../src/gateway/route-records') as typeof import('../../src/gateway/route-records');
    });
    expect(copy!.recordRoute).not.toBe(recordRoute);
    const c = Testing.chart();
    const gw = new Construct(c, 'gw');
    copy!.recordRoute({ gateway: gw, routePath: 'test/gw/r', source: () => routed().toConfig(), hosts: ['api.partner.com'] });
    watchAppChecks(gw);
    // WHEN this copy allows the routed pods the routed host directly
    new AllowedExternalService(c, 'direct', { source: routed(), destinations: [Destination.fqdn('api.partner.com')], ports: [Port.HTTPS], backends: [EgressBackend.cilium()] });
    // THEN this copy's check sees the other copy's route, and reports at its gateway
    expect(gatewayRoutes(c).map((r) => r.routePath)).toEqual(['test/gw/r']);
    expect(() => Testing.synth(c)).toThrow(/\[test\/gw\] test\/direct\/cilium allows pods app=api in prod direct egress to api\.partner\.com, which route test\/gw\/r sends through this gateway/);
  });

  test('a finding for a policy of other (possibly overlapping) pods names both selections', () => {
    const c = Testing.chart();
    route(gateway(c));
    new EgressPolicy(c, 'ledger', { source: EgressSource.pods({ namespace: 'prod', labels: { tier: 'ledger' } }) }).allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    Testing.synth(c);
    expect(bypassWarnings(c).map((w) => w.message.split('.')[0] + '.' + w.message.split('.')[1]))
      .toEqual([expect.stringMatching(/^test\/ledger allows pods tier=ledger in prod \(which may include the routed pods app=api in prod\) direct egress to 198/)]);
  });
});
