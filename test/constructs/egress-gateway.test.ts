import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Capability,
  DeclaredIntents,
  Destination,
  DnsResolver,
  EgressBackend,
  EgressBackendBase,
  EgressModel,
  EgressPolicy,
  EgressSource,
  EgressWarnings,
  EnforcementLayer,
  IEgressPolicyDefinition,
  Port,
  Protocol,
} from '../../src';
import { EgressGateway, EgressGatewayProps } from '../../src/constructs/egress-gateway';
import { EgressGatewayProvider } from '../../src/gateway/egress-gateway-provider';
import { HttpRule } from '../../src/gateway/http-rule';
import { BLOCKED_ATTEMPTS_FILTER } from '../../src/gateway/istio/renderer';
import { chart, ofKind, renderAsConfigMap } from '../support/helpers';
import { expectError, synth } from '../support/istio';

/** A DNS-aware enforcement backend, as a third party (or the Cilium backend) would provide. */
class HostnameAwareBackend extends EgressBackendBase {
  public readonly id = 'hostname-aware';
  public readonly displayName = 'Hostname-aware test backend';
  public readonly capabilities = [Capability.POD_SELECTOR, Capability.CIDR, Capability.FQDN, Capability.FQDN_PATTERN];
  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    return renderAsConfigMap(scope, id, policy);
  }
}

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const gatewayPod = { namespace: 'istio-system', labels: { istio: 'egressgateway' } };
const backendPod = { namespace: 'production', labels: { app: 'backend' } };

const gateway = (c: Construct, props: EgressGatewayProps = {}) => new EgressGateway(c, 'gw', {
  name: 'egress-gateway',
  gatewayBackends: [new HostnameAwareBackend()],
  ...props,
});

/**
 * The four Istio objects of every routed host must line up: VirtualService, ServiceEntry,
 * Gateway server and gateway subset, plus the ALLOW rules.
 */
function crossCheck(manifests: any[]): void {
  const [gw] = ofKind(manifests, 'Gateway');
  const subsetsDr = ofKind(manifests, 'DestinationRule').find((d) => d.spec.host === 'istio-egressgateway.istio-system.svc.cluster.local');
  const allow = ofKind(manifests, 'AuthorizationPolicy').find((a) => a.spec.action === 'ALLOW');
  const gwRef = `${gw.metadata.namespace}/${gw.metadata.name}`;
  const mtls = gw.spec.servers.some((s: any) => s.tls?.mode === 'ISTIO_MUTUAL');
  for (const vs of ofKind(manifests, 'VirtualService')) {
    const [host] = vs.spec.hosts;
    expect(vs.spec.gateways).toEqual(['mesh', gwRef]);
    const se = ofKind(manifests, 'ServiceEntry').find((s) => s.spec.hosts.includes(host));
    expect(se).toBeDefined();
    expect(se.spec.resolution).toBe('DNS');
    expect(se.spec.location).toBe('MESH_EXTERNAL');
    expect(se.spec.exportTo).toEqual(vs.spec.exportTo);
    const meshRoutes = [...(vs.spec.tls ?? []), ...(vs.spec.http ?? [])].filter((r: any) => r.match[0].gateways[0] === 'mesh');
    expect(meshRoutes.length).toBeGreaterThan(0);
    for (const r of meshRoutes) {
      const m = r.match[0];
      // the sidecar matches a port the ServiceEntry declares
      const sePort = se.spec.ports.find((p: any) => p.number === m.port);
      expect(sePort).toBeDefined();
      if (m.sniHosts) expect(['TLS', 'HTTPS']).toContain(sePort.protocol);
      const dest = r.route[0].destination;
      expect(dest.host).toBe('istio-egressgateway.istio-system.svc.cluster.local');
      // ... and sends it to a Gateway server for this host on that port
      const server = gw.spec.servers.find((s: any) => s.hosts.includes(`./${host}`) && s.port.number === dest.port.number);
      expect(server).toBeDefined();
      if (m.sniHosts) expect(server.port.protocol).toBe('TLS');
      if (mtls) {
        // through a subset that wraps the connection in mTLS with the host as SNI
        const subset = subsetsDr.spec.subsets.find((s: any) => s.name === dest.subset);
        expect(subset).toBeDefined();
        expect(subset.trafficPolicy.portLevelSettings).toEqual([{ port: { number: dest.port.number }, tls: { mode: 'ISTIO_MUTUAL', sni: host } }]);
        expect(subsetsDr.spec.exportTo).toEqual(expect.arrayContaining(vs.spec.exportTo));
      } else {
        expect(dest.subset).toBeUndefined();
      }
      // the gateway side of the route leaves for the host from that same gateway port
      const gwRoutes = [...(vs.spec.tls ?? []), ...(vs.spec.tcp ?? []), ...(vs.spec.http ?? [])]
        .filter((x: any) => x.match[0].gateways[0] === gwRef && x.match[0].port === dest.port.number);
      expect(gwRoutes).toHaveLength(1);
      expect(gwRoutes[0].route[0].destination.host).toBe(host);
      expect(se.spec.ports.map((p: any) => p.number)).toContain(gwRoutes[0].route[0].destination.port.number);
      // and the gateway's ALLOW policy names this host
      expect(JSON.stringify(allow.spec.rules)).toContain(host);
    }
  }
  // every AuthorizationPolicy has rules, and no rule is empty (pitfall 15: `{}` allows everything)
  for (const ap of ofKind(manifests, 'AuthorizationPolicy')) {
    expect(ap.spec.selector.matchLabels).toEqual({ istio: 'egressgateway' });
    expect(ap.spec.rules.length).toBeGreaterThan(0);
    for (const rule of ap.spec.rules) {
      expect(Object.keys(rule).length).toBeGreaterThan(0);
      expect(rule.to.length).toBeGreaterThan(0);
      for (const t of rule.to) expect(t.operation.ports.length).toBeGreaterThan(0);
    }
  }
}

describe('EgressGateway | Istio routing', () => {
  test('the seed: Gateway + VirtualService + ServiceEntry for api.external.com from one addRoute', () => {
    // GIVEN the seed's setup: SNI passthrough on 443, no mTLS to the gateway
    const c = chart();
    const gw = gateway(c, { mtls: false });
    // WHEN
    gw.addRoute('external-api', { name: 'external-api', source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    // THEN
    const m = synth(c);
    crossCheck(m);
    const [g] = ofKind(m, 'Gateway');
    expect(g.metadata).toEqual({ name: 'egress-gateway', namespace: 'istio-system' });
    expect(g.spec).toEqual({
      selector: { istio: 'egressgateway' },
      servers: [{ hosts: ['./api.external.com'], port: { name: 'tls-443-api-external-com', number: 443, protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' } }],
    });
    const [vs] = ofKind(m, 'VirtualService');
    expect(vs.metadata).toEqual({ name: 'external-api', namespace: 'istio-system' });
    expect(vs.spec).toEqual({
      exportTo: ['.', 'production'],
      gateways: ['mesh', 'istio-system/egress-gateway'],
      hosts: ['api.external.com'],
      tls: [
        { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['api.external.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 443 } } }] },
        { match: [{ gateways: ['istio-system/egress-gateway'], port: 443, sniHosts: ['api.external.com'] }], route: [{ destination: { host: 'api.external.com', port: { number: 443 } } }] },
      ],
    });
    const [se] = ofKind(m, 'ServiceEntry');
    expect(se.metadata).toEqual({ name: 'external-api', namespace: 'istio-system' });
    expect(se.spec).toEqual({
      exportTo: ['.', 'production'],
      hosts: ['api.external.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ name: 'https-443', number: 443, protocol: 'TLS' }],
      resolution: 'DNS',
    });
    // no gateway subset without mTLS
    expect(ofKind(m, 'DestinationRule')).toEqual([]);
  });

  test('default: the sidecar wraps TLS in Istio mTLS to the gateway, which authorizes the source', () => {
    const c = chart();
    gateway(c).addRoute('external-api', { name: 'external-api', source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    crossCheck(m);
    const [g] = ofKind(m, 'Gateway');
    expect(g.spec.servers).toEqual([{ hosts: ['./api.external.com'], port: { name: 'tls-443-api-external-com', number: 443, protocol: 'TLS' }, tls: { mode: 'ISTIO_MUTUAL' } }]);
    const [vs] = ofKind(m, 'VirtualService');
    expect(vs.spec.tls).toEqual([{ match: [{ gateways: ['mesh'], port: 443, sniHosts: ['api.external.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 443 }, subset: 'api-external-com-tls' } }] }]);
    // the gateway terminates the mTLS wrapper and forwards the application's TLS as TCP
    expect(vs.spec.tcp).toEqual([{ match: [{ gateways: ['istio-system/egress-gateway'], port: 443 }], route: [{ destination: { host: 'api.external.com', port: { number: 443 } } }] }]);
    const [dr] = ofKind(m, 'DestinationRule');
    expect(dr.metadata).toEqual({ name: 'egress-gateway', namespace: 'istio-system' });
    expect(dr.spec.exportTo).toEqual(['.', 'production']);
    const [allow] = ofKind(m, 'AuthorizationPolicy');
    expect(allow.metadata).toEqual({ name: 'egress-gateway-allow', namespace: 'istio-system' });
    expect(allow.spec).toEqual({
      action: 'ALLOW',
      rules: [{
        from: [{ source: { namespaces: ['production'] } }],
        // the pods see the container port, and TLS shows only the SNI
        to: [{ operation: { ports: ['8443'] } }],
        when: [{ key: 'connection.sni', values: ['api.external.com'] }],
      }],
      selector: { matchLabels: { istio: 'egressgateway' } },
    });
  });

  test('TLS origination: plain HTTP to the gateway, TLS (SIMPLE, SNI) from the gateway', () => {
    const c = chart();
    gateway(c).addRoute('api', {
      source: backendPods(),
      destinations: [Destination.fqdn('api.external.com')],
      ports: [Port.http(80)],
      tlsOrigination: true,
    });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    crossCheck(m);
    const [g] = ofKind(m, 'Gateway');
    expect(g.spec.servers).toEqual([{ hosts: ['./api.external.com'], port: { name: 'https-80-api-external-com', number: 80, protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' } }]);
    const [se] = ofKind(m, 'ServiceEntry');
    // port 80 on the ServiceEntry, connected to 443 on the host: no port 443 is declared for sidecars
    expect(se.spec.ports).toEqual([{ name: 'http-80', number: 80, protocol: 'HTTP', targetPort: 443 }]);
    const [vs] = ofKind(m, 'VirtualService');
    expect(vs.spec.http).toEqual([
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 80 }, subset: 'api-external-com-http' } }] },
      { match: [{ gateways: ['istio-system/egress-gateway'], port: 80 }], route: [{ destination: { host: 'api.external.com', port: { number: 80 } } }] },
    ]);
    const origination = ofKind(m, 'DestinationRule').find((d) => d.spec.host === 'api.external.com');
    expect(origination.metadata).toEqual({ name: 'egress-gateway-api-external-com-tls-origination', namespace: 'istio-system' });
    // only the gateway originates: the rule is not exported to the sidecars
    expect(origination.spec).toEqual({
      exportTo: ['.'],
      host: 'api.external.com',
      trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.external.com' } }] },
    });
    const [allow] = ofKind(m, 'AuthorizationPolicy');
    expect(allow.spec.rules).toEqual([{ from: [{ source: { namespaces: ['production'] } }], to: [{ operation: { hosts: ['api.external.com', 'api.external.com:80'], ports: ['8080'] } }] }]);
    // the gateway pods may reach the host on 443 (where TLS goes), not on 80
    const model = EgressModel.of(c);
    expect(model.check({ from: gatewayPod, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: gatewayPod, toHostname: 'api.external.com', port: 80, protocol: Protocol.TCP }).allowed).toBe(false);
  });

  test('HTTP rules become ALLOW rules with methods and paths; service accounts become principals', () => {
    const c = chart();
    gateway(c).addRoute('github', {
      source: backendPods(),
      destinations: [Destination.fqdn('api.github.com')],
      ports: [Port.http(80)],
      tlsOrigination: true,
      httpRules: [HttpRule.get('/repos/*'), HttpRule.allow({ methods: ['POST'], paths: ['/graphql'] })],
      serviceAccounts: ['backend', 'backend'],
    });
    const [allow] = ofKind(synth(c), 'AuthorizationPolicy');
    const from = [{ source: { principals: ['cluster.local/ns/production/sa/backend'] } }];
    const hosts = ['api.github.com', 'api.github.com:80'];
    expect(allow.spec.rules).toEqual([
      { from, to: [{ operation: { hosts, methods: ['GET'], paths: ['/repos/*'], ports: ['8080'] } }] },
      { from, to: [{ operation: { hosts, methods: ['POST'], paths: ['/graphql'], ports: ['8080'] } }] },
    ]);
  });

  test('HTTP rules of two routes for the same source and host add up; a route without rules opens the host', () => {
    const c = chart();
    const gw = gateway(c);
    const base = { source: backendPods(), destinations: [Destination.fqdn('api.github.com')], ports: [Port.http(80)], tlsOrigination: true };
    gw.addRoute('read', { ...base, httpRules: [HttpRule.get('/repos/*')] });
    gw.addRoute('write', { ...base, httpRules: [HttpRule.get('/repos/*'), HttpRule.allow({ methods: ['POST'] })] });
    const rules = () => ofKind(synth(c), 'AuthorizationPolicy')[0].spec.rules.map((r: any) => [r.to[0].operation.methods, r.to[0].operation.paths]);
    expect(rules()).toEqual([[['GET'], ['/repos/*']], [['POST'], undefined]]);
    gw.addRoute('all', base);
    expect(rules()).toEqual([[undefined, undefined]]);
    expect(HttpRule.allow({ methods: ['POST'] }).toString()).toBe('POST *');
    expect(gw.apiObjects.map((o) => o.kind)).toEqual(['Gateway', 'AuthorizationPolicy', 'DestinationRule', 'VirtualService', 'ServiceEntry', 'DestinationRule']);
  });

  test('plain HTTP without mTLS: HTTP server, no subsets, no source identity in the rules', () => {
    const c = chart();
    gateway(c, { mtls: false }).addRoute('plain', { source: backendPods(), destinations: [Destination.fqdn('example.org')], ports: [Port.http(8080)] });
    const m = synth(c);
    crossCheck(m);
    const [g] = ofKind(m, 'Gateway');
    expect(g.spec.servers).toEqual([{ hosts: ['./example.org'], port: { name: 'http-80-example-org', number: 80, protocol: 'HTTP' } }]);
    const [allow] = ofKind(m, 'AuthorizationPolicy');
    expect(allow.spec.rules).toEqual([{ to: [{ operation: { hosts: ['example.org', 'example.org:8080'], ports: ['8080'] } }] }]);
    expect(EgressWarnings.list(c).map((w) => w.id)).toContain('cdk8s-egress:istioGatewayNoMtls');
  });

  test('the same host from two namespaces: one VirtualService, exported to both, one ALLOW rule each', () => {
    const c = chart();
    const gw = gateway(c);
    gw.addRoute('a', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    gw.addRoute('b', { source: EgressSource.namespace('batch'), destinations: [Destination.fqdn('api.external.com'), Destination.fqdn('b.example.com')], ports: [Port.HTTPS] });
    const m = synth(c);
    crossCheck(m);
    const vss = ofKind(m, 'VirtualService');
    expect(vss.map((v) => [v.metadata.name, v.spec.hosts, v.spec.exportTo])).toEqual([
      ['egress-gateway-api-external-com', ['api.external.com'], ['.', 'batch', 'production']],
      ['egress-gateway-b-example-com', ['b.example.com'], ['.', 'batch']],
    ]);
    const [allow] = ofKind(m, 'AuthorizationPolicy');
    expect(allow.spec.rules.map((r: any) => [r.from[0].source.namespaces[0], r.when[0].values[0]])).toEqual([
      ['batch', 'api.external.com'],
      ['production', 'api.external.com'],
      ['batch', 'b.example.com'],
    ]);
    expect(gw.routedHosts).toEqual(['api.external.com', 'b.example.com']);
    // one server per host: the mTLS SNI picks the server, and with it the host's TCP route
    expect(ofKind(m, 'Gateway')[0].spec.servers.map((s: any) => s.port.name)).toEqual(['tls-443-api-external-com', 'tls-443-b-example-com']);
  });

  test('a host with a TLS port and an HTTP port gets both legs in one VirtualService', () => {
    const c = chart();
    const gw = gateway(c);
    gw.addRoute('tls', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    gw.addRoute('http', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.http(80)] });
    const m = synth(c);
    crossCheck(m);
    const [vs] = ofKind(m, 'VirtualService');
    expect(Object.keys(vs.spec).sort()).toEqual(['exportTo', 'gateways', 'hosts', 'http', 'tcp', 'tls']);
    const [se] = ofKind(m, 'ServiceEntry');
    expect(se.spec.ports).toEqual([{ name: 'http-80', number: 80, protocol: 'HTTP' }, { name: 'https-443', number: 443, protocol: 'TLS' }]);
  });

  test('denyHosts: one DENY policy, each rule pinned to its listener port (never a deny-all)', () => {
    const c = chart();
    const gw = gateway(c, { denyPolicyName: 'deny-external' });
    gw.addRoute('api', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.http(8080)] });
    gw.denyHosts(['*.example.com']);
    const m = synth(c);
    crossCheck(m);
    const deny = ofKind(m, 'AuthorizationPolicy').find((a) => a.spec.action === 'DENY');
    expect(deny.metadata).toEqual({ name: 'deny-external', namespace: 'istio-system' });
    expect(deny.spec).toEqual({
      action: 'DENY',
      rules: [
        { to: [{ operation: { hosts: ['*.example.com', '*.example.com:8080'], ports: ['8080'] } }] },
        { to: [{ operation: { ports: ['8443'] } }], when: [{ key: 'connection.sni', values: ['*.example.com'] }] },
      ],
      selector: { matchLabels: { istio: 'egressgateway' } },
    });
  });

  test('the seed deny-external policy on its own', () => {
    const c = chart();
    gateway(c).denyHosts(['*.example.com']);
    const m = synth(c);
    expect(m.map((o) => o.kind)).toEqual(['AuthorizationPolicy']);
    expect(m[0].spec.rules[0].to[0].operation.hosts).toEqual(['*.example.com']);
  });

  test('access logging: a Telemetry for the gateway pods when they run outside the root namespace', () => {
    const c = chart();
    const gw = gateway(c, { provider: EgressGatewayProvider.istio({ namespace: 'istio-egress' }) });
    gw.addRoute('api', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    const m = synth(c);
    const [tel] = ofKind(m, 'Telemetry');
    expect(tel.apiVersion).toBe('telemetry.istio.io/v1');
    expect(tel.metadata).toEqual({ name: 'egress-gateway-access-log', namespace: 'istio-egress' });
    expect(tel.spec).toEqual({ accessLogging: [{ providers: [{ name: 'envoy' }] }], selector: { matchLabels: { istio: 'egressgateway' } } });
    expect(ofKind(m, 'VirtualService')[0].spec.gateways).toEqual(['mesh', 'istio-egress/egress-gateway']);
    expect(ofKind(m, 'DestinationRule')[0].spec.host).toBe('istio-egressgateway.istio-egress.svc.cluster.local');
    expect(EgressWarnings.list(c).map((w) => w.id)).not.toContain('cdk8s-egress:istioGatewayAccessLogRootNamespace');
  });

  test('access logging in the root namespace is skipped with a warning (Istio ignores selectors there)', () => {
    const c = chart();
    gateway(c).addRoute('api', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    expect(ofKind(synth(c), 'Telemetry')).toEqual([]);
    const w = EgressWarnings.list(c).find((x) => x.id === 'cdk8s-egress:istioGatewayAccessLogRootNamespace')!;
    expect(w.constructPath).toBe('test/gw');
    expect(w.message).toMatch(/ignored/);
  });

  test('blocked attempts of the sources are logged on their sidecars (BlackHoleCluster, block_all)', () => {
    const c = chart();
    const gw = gateway(c, { logBlockedSourceAttempts: true });
    gw.addRoute('a', { source: backendPods(), destinations: [Destination.fqdn('a.example.com')], ports: [Port.HTTPS] });
    gw.addRoute('b', { source: backendPods(), destinations: [Destination.fqdn('b.example.com')], ports: [Port.HTTPS] });
    const [tel, ...more] = ofKind(synth(c), 'Telemetry');
    expect(more).toEqual([]);
    expect(tel.metadata.namespace).toBe('production');
    expect(tel.spec).toEqual({
      accessLogging: [{ filter: { expression: BLOCKED_ATTEMPTS_FILTER }, providers: [{ name: 'envoy' }] }],
      selector: { matchLabels: { app: 'backend' } },
    });
    expect(BLOCKED_ATTEMPTS_FILTER).toMatch(/BlackHoleCluster/);
    expect(BLOCKED_ATTEMPTS_FILTER).toMatch(/block_all/);
  });

  test('the source namespace\'s REGISTRY_ONLY Sidecar sees the routed hosts and the gateway', () => {
    const c = chart();
    new EgressPolicy(c, 'direct', { backends: [EgressBackend.istio()], source: backendPods(), dns: DnsResolver.addresses(['10.96.0.10/32']) })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    gateway(c).addRoute('api', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    // (api.github.com is declared to the mesh only, which the bypass closure drops at the network
    // layer: the reachability check would say so; this test is about the Sidecar's hosts)
    DeclaredIntents.enforcedOutsideApp(c, 'not under test: the Sidecar hosts are');
    const [sidecar] = ofKind(synth(c), 'Sidecar');
    expect(sidecar.spec.egress).toEqual([{ hosts: ['./*', 'istio-system/api.external.com', 'istio-system/istio-egressgateway.istio-system.svc.cluster.local'] }]);
  });

  test('labels and annotations reach every object', () => {
    const c = chart();
    gateway(c, { labels: { team: 'net' }, annotations: { 'example.com/owner': 'net' } })
      .addRoute('api', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    // (the ConfigMap is the test backend's stand-in for the gateway's egress policy)
    for (const o of synth(c).filter((x) => x.kind !== 'ConfigMap')) {
      expect(o.metadata.labels).toEqual({ team: 'net' });
      expect(o.metadata.annotations).toMatchObject({ 'example.com/owner': 'net' });
    }
  });

  test('output is byte-identical across runs', () => {
    const build = () => {
      const c = chart();
      const gw = gateway(c);
      gw.addRoute('b', { source: backendPods(), destinations: [Destination.fqdn('b.example.com'), Destination.fqdn('a.example.com')], ports: [Port.HTTPS, Port.http(80)] });
      gw.denyHosts(['*.example.net']);
      return JSON.stringify(synth(c));
    };
    expect(build()).toEqual(build());
  });
});

describe('EgressGateway | bypass closure (checked through the EgressModel)', () => {
  const route = (c: Chart, props: EgressGatewayProps = {}) => {
    const gw = gateway(c, props);
    gw.addRoute('api', { source: backendPods(), destinations: [Destination.fqdn('api.external.com')], ports: [Port.HTTPS] });
    return gw;
  };

  test('a routed workload reaches DNS, istiod and the gateway pods, and nothing else', () => {
    const c = chart();
    route(c);
    const model = EgressModel.of(c);
    const from = backendPod;
    // not the external host directly (skipping the sidecar), by name or by address
    expect(model.check({ from, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP, skipsMesh: true })).toMatchObject({ allowed: false, isolated: true });
    expect(model.check({ from, toIp: '203.0.113.10', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
    // through the sidecar, the route carries it to the gateway, which may reach the host
    const routed = model.check({ from, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP });
    expect(routed).toMatchObject({ allowed: true, gateway: 'istio-system/istio-egressgateway' });
    expect(routed.layers.map((l) => [l.layer, l.hop, l.allowed])).toEqual([
      [EnforcementLayer.NETWORK, 'pod → gateway', true], [EnforcementLayer.MESH, 'pod → gateway', true], [EnforcementLayer.NETWORK, 'gateway → destination', true],
    ]);
    // a port the route does not carry is not routed, and the direct path stays closed
    expect(model.check({ from, toHostname: 'api.external.com', port: 8443, protocol: Protocol.TCP })).toMatchObject({ allowed: false });
    // the gateway pods on their container port (what NetworkPolicy sees after Service translation)
    expect(model.check({ from, toPod: gatewayPod, port: 8443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from, toPod: gatewayPod, port: 8080, protocol: Protocol.TCP }).allowed).toBe(false);
    // DNS and istiod stay reachable
    expect(model.check({ from, toPod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: Protocol.UDP }).allowed).toBe(true);
    expect(model.check({ from, toPod: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012, protocol: Protocol.TCP }).allowed).toBe(true);
    // pods that are not routed are not touched
    expect(model.check({ from: { namespace: 'production', labels: { app: 'other' } }, toIp: '203.0.113.10', port: 443, protocol: Protocol.TCP }).isolated).toBe(false);
  });

  test('the gateway pods reach the routed host and port only (hostname-aware backend)', () => {
    const c = chart();
    route(c);
    const model = EgressModel.of(c);
    expect(model.check({ from: gatewayPod, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: gatewayPod, toHostname: 'evil.example.com', port: 443, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(model.check({ from: gatewayPod, toHostname: 'api.external.com', port: 22, protocol: Protocol.TCP }).allowed).toBe(false);
    expect(model.check({ from: gatewayPod, toPod: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012, protocol: Protocol.TCP }).allowed).toBe(true);
  });

  test('the source closure is a NetworkPolicy in the source namespace with the gateway target port', () => {
    const c = chart();
    route(c);
    const nps = ofKind(synth(c), 'NetworkPolicy');
    expect(nps).toHaveLength(1);
    const [np] = nps;
    expect(np.metadata.namespace).toBe('production');
    expect(np.spec.podSelector).toEqual({ matchLabels: { app: 'backend' } });
    expect(np.spec.policyTypes).toEqual(['Egress']);
    expect(np.spec.egress[2]).toEqual({
      ports: [{ port: 8443, protocol: 'TCP' }],
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'egressgateway' } } }],
    });
    // the gateway's own policy was rendered by the hostname-aware backend
    const [gwPolicy] = ofKind(synth(c), 'ConfigMap');
    expect(gwPolicy.metadata.namespace).toBe('istio-system');
    expect(gwPolicy.data.rules).toContain('api.external.com');
  });

  test('two routes of one source share one closure policy; every gateway port used is allowed once', () => {
    const c = chart();
    const gw = gateway(c);
    gw.addRoute('a', { source: backendPods(), destinations: [Destination.fqdn('a.example.com')], ports: [Port.HTTPS] });
    gw.addRoute('b', { source: backendPods(), destinations: [Destination.fqdn('b.example.com')], ports: [Port.HTTPS, Port.http(80)] });
    const nps = ofKind(synth(c), 'NetworkPolicy');
    expect(nps).toHaveLength(1);
    expect(nps[0].spec.egress.slice(2).map((r: any) => r.ports[0].port)).toEqual([8443, 8080]);
  });

  test('with allowGatewayEgressToAnyAddress the gateway reaches every address on the routed ports only, and it is recorded', () => {
    const c = chart();
    route(c, { gatewayBackends: [EgressBackend.kubernetes()], allowGatewayEgressToAnyAddress: true });
    const model = EgressModel.of(c);
    expect(model.check({ from: gatewayPod, toIp: '198.51.100.1', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: gatewayPod, toIp: '2001:db8::1', port: 443, protocol: Protocol.TCP }).allowed).toBe(true);
    expect(model.check({ from: gatewayPod, toIp: '198.51.100.1', port: 22, protocol: Protocol.TCP }).allowed).toBe(false);
    const gwNp = ofKind(synth(c), 'NetworkPolicy').find((n) => n.metadata.namespace === 'istio-system');
    expect(gwNp.metadata.annotations).toEqual({ 'egress.cdk8s.io/gateway-egress': 'any-address' });
    expect(ofKind(synth(c), 'Gateway')[0].metadata.annotations).toBeUndefined();
    const w = EgressWarnings.list(c).find((x) => x.id === 'cdk8s-egress:istioGatewayEgressAnyAddress')!;
    expect(w.constructPath).toBe('test/gw');
  });

  test('bypassClosure: false emits no NetworkPolicy, and says so on every object and in a warning', () => {
    const c = chart();
    route(c, { bypassClosure: false });
    const m = synth(c);
    expect(ofKind(m, 'NetworkPolicy')).toEqual([]);
    expect(ofKind(m, 'ConfigMap')).toEqual([]);
    expect(m.length).toBeGreaterThan(0);
    for (const o of m) expect(o.metadata.annotations).toEqual({ 'egress.cdk8s.io/bypass-closure': 'disabled' });
    expect(EgressModel.of(c).check({ from: backendPod, toHostname: 'api.external.com', port: 443, protocol: Protocol.TCP })).toMatchObject({ allowed: true, isolated: false });
    const w = EgressWarnings.list(c).find((x) => x.id === 'cdk8s-egress:istioGatewayBypassOpen')!;
    expect(w.message).toMatch(/skipping their sidecar/);
  });
});

describe('EgressGateway | bad input fails with path, value and fix', () => {
  const src = backendPods;
  const host = () => [Destination.fqdn('api.external.com')];

  test('hosts whose slugs clash keep distinct construct ids, server port names and subset names', () => {
    // GIVEN api.example.com and api-example.com, through one gateway and through two sharing its Service
    const c = chart();
    const gw = gateway(c);
    gw.addRoute('a', { source: src(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
    gw.addRoute('b', { source: src(), destinations: [Destination.fqdn('api-example.com')], ports: [Port.HTTPS] });
    const other = new EgressGateway(c, 'gw2', { name: 'team-b', gatewayBackends: [new HostnameAwareBackend()] });
    other.addRoute('c', { source: src(), destinations: [Destination.fqdn('api-example.org')], ports: [Port.HTTPS] });
    other.addRoute('d', { source: src(), destinations: [Destination.fqdn('api.example.org')], ports: [Port.HTTPS] });
    const manifests = synth(c);
    // THEN the first host keeps the plain slug and the later one carries a hash, everywhere
    const [dr] = ofKind(manifests, 'DestinationRule').filter((d) => d.spec.subsets);
    const subsets = dr.spec.subsets.map((s: any) => s.name);
    expect(new Set(subsets).size).toBe(subsets.length);
    expect(subsets).toContain('api-example-com-tls');
    expect(subsets.filter((s: string) => /^api-example-com-[0-9a-f]{8}-tls$/.test(s))).toHaveLength(1);
    for (const g of ofKind(manifests, 'Gateway')) {
      const names = g.spec.servers.map((s: any) => s.port.name);
      expect(new Set(names).size).toBe(names.length);
    }
    // AND every VirtualService points at the subset whose SNI is its own host
    for (const vs of ofKind(manifests, 'VirtualService')) {
      const [routed] = vs.spec.hosts;
      const subset = vs.spec.tls.find((r: any) => r.route[0].destination.subset)?.route[0].destination.subset;
      expect(dr.spec.subsets.find((s: any) => s.name === subset).trafficPolicy.portLevelSettings[0].tls.sni).toBe(routed);
    }
    // AND the derived object names differ too
    const names = ofKind(manifests, 'VirtualService').map((v) => v.metadata.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('throws when gateways on the same pods disagree on mTLS (Istio drops one side\'s servers)', () => {
    const c = chart();
    gateway(c).addRoute('a', { source: src(), destinations: host(), ports: [Port.http(80)], tlsOrigination: true });
    const plain = new EgressGateway(c, 'plain', { name: 'plain', mtls: false, gatewayBackends: [new HostnameAwareBackend()] });
    expectError(() => plain.addRoute('b', { source: src(), destinations: [Destination.fqdn('b.example.org')], ports: [Port.http(80)], tlsOrigination: true }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/plain', /This gateway has mtls: false but test\/gw runs on the same gateway pods .* with mtls: true.*Use the same mtls setting, or separate gateway deployments/);
  });

  test('throws on a route name another gateway of the app uses in the same namespace, in any chart', () => {
    const app = Testing.app();
    new EgressGateway(new Chart(app, 'one'), 'gw', { gatewayBackends: [new HostnameAwareBackend()] })
      .addRoute('a', { source: src(), destinations: [Destination.fqdn('a.example.com')], ports: [Port.HTTPS], name: 'external' });
    const second = new EgressGateway(new Chart(app, 'two'), 'gw', { gatewayBackends: [new HostnameAwareBackend()] });
    expectError(() => second.addRoute('b', { source: src(), destinations: [Destination.fqdn('b.example.org')], ports: [Port.HTTPS], name: 'external' }),
      'EGRESS_INVALID_NAME', 'two/gw/b', /Route name "external" is already used for a\.example\.com/);
  });

  test('throws when routes for other pods of a namespace would merge different HTTP rules into one grant', () => {
    const c = chart();
    const gw = gateway(c);
    const base = { destinations: [Destination.fqdn('api.github.com')], ports: [Port.http(80)], tlsOrigination: true };
    gw.addRoute('a', { ...base, source: EgressSource.pods({ namespace: 'production', labels: { app: 'a' } }), httpRules: [HttpRule.get('/repos/*')] });
    expectError(() => gw.addRoute('b', { ...base, source: EgressSource.pods({ namespace: 'production', labels: { app: 'b' } }) }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw/b',
      /This route lets its pods in namespace "production" send every request to api\.github\.com, but route test\/gw\/a lets other pods of the same namespace send only the requests its httpRules list.*union.*serviceAccounts/);
    // the same rules for other pods, or distinct service accounts, are fine
    gw.addRoute('c', { ...base, source: EgressSource.pods({ namespace: 'production', labels: { app: 'c' } }), httpRules: [HttpRule.get('/repos/*')] });
    gw.addRoute('d', { ...base, source: EgressSource.pods({ namespace: 'production', labels: { app: 'd' } }), serviceAccounts: ['d'] });
    expect(() => synth(c)).not.toThrow();
  });

  test('throws without a hostname-aware gateway backend or the explicit opt-in', () => expectError(
    () => new EgressGateway(chart(), 'gw'),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw', /limited to the routed hostnames, which Kubernetes NetworkPolicy cannot express.*allowGatewayEgressToAnyAddress: true/));

  test('throws on allowGatewayEgressToAnyAddress with a hostname-aware backend', () => expectError(
    () => gateway(chart(), { allowGatewayEgressToAnyAddress: true }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw', /would widen the gateway's egress to every address.*Remove allowGatewayEgressToAnyAddress/));

  test('throws on allowGatewayEgressToAnyAddress without bypass closure', () => expectError(
    () => gateway(chart(), { bypassClosure: false, allowGatewayEgressToAnyAddress: true }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw', /has no effect with bypassClosure: false/));

  test('throws on an enforcement backend that cannot select pods', () => expectError(
    () => gateway(chart(), { backends: [EgressBackend.istio()] }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw', /backends Istio cannot select pods/));

  test('throws on a hostname pattern, naming the supported paths', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: [Destination.fqdnPattern('*.googleapis.com')], ports: [Port.HTTPS] }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw/r', /Cannot route the pattern \*\.googleapis\.com.*Destination\.fqdn\(\).*EgressBackend\.istio\(\).*DYNAMIC_DNS.*SNI forward proxy/));

  test('throws on an address destination (resolution NONE would loop to the gateway)', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: [Destination.ipv4('203.0.113.0/24')], ports: [Port.HTTPS] }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw/r', /Cannot route 203\.0\.113\.0\/24.*the gateway itself \(a loop\)/));

  test('throws on an in-cluster destination', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: [Destination.namespace('data')], ports: [Port.HTTPS] }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/gw/r', /inside the cluster/));

  test('throws on no destinations', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: [], ports: [Port.HTTPS] }),
    'EGRESS_EMPTY_POLICY', 'test/gw/r', /no destinations/));

  test('throws on a host listed twice', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: [...host(), ...host()], ports: [Port.HTTPS] }),
    'EGRESS_DUPLICATE_RULE', 'test/gw/r', /api\.external\.com is listed twice/));

  test('throws on an invalid hostname (from the value object)', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: [Destination.fqdn('API.example.com')], ports: [Port.HTTPS] }),
    'EGRESS_INVALID_FQDN', 'test/gw/r', /Did you mean "api\.example\.com"/));

  test('throws on no ports', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [] }),
    'EGRESS_EMPTY_POLICY', 'test/gw/r', /no ports/));

  test('throws on an opaque TCP port (no SNI, no Host)', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.tcp(443)] }),
    'EGRESS_INVALID_PORT', 'test/gw/r', /Cannot route TCP\/443 .*neither a TLS SNI nor an HTTP Host.*Port\.tls\(443\)/));

  test('throws on UDP', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.udp(443)] }),
    'EGRESS_INVALID_PORT', 'test/gw/r', /single TCP port/));

  test('throws on two TLS ports in one route', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.HTTPS, Port.tls(8443)] }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /two TLS ports \(443 and 8443\)/));

  test('throws on TLS origination of a port that already carries TLS', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.HTTPS], tlsOrigination: true }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /tlsOrigination needs the application to send plain HTTP.*Port\.http\(80\)/));

  test('throws on originationPort without tlsOrigination', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], originationPort: 8443 }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /originationPort 8443 has no effect without tlsOrigination/));

  test('throws on an invalid originationPort', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], tlsOrigination: true, originationPort: 0 }),
    'EGRESS_INVALID_PORT', 'test/gw/r', /Invalid originationPort 0/));

  test('throws on HTTP rules on a TLS route, explaining why', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.HTTPS], httpRules: [HttpRule.get('/')] }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /httpRules cannot apply to api\.external\.com on port 443.*sees only the SNI.*tlsOrigination: true/));

  test('throws on an empty httpRules list', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], httpRules: [] }),
    'EGRESS_EMPTY_POLICY', 'test/gw/r', /httpRules is an empty list/));

  test('throws on service accounts without mTLS', () => expectError(
    () => gateway(chart(), { mtls: false }).addRoute('r', { source: src(), destinations: host(), ports: [Port.HTTPS], serviceAccounts: ['backend'] }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /serviceAccounts needs mtls: true/));

  test('throws on an empty service account list', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.HTTPS], serviceAccounts: [] }),
    'EGRESS_EMPTY_POLICY', 'test/gw/r', /serviceAccounts is an empty list/));

  test('throws on an invalid source (from the value object)', () => expectError(
    () => gateway(chart()).addRoute('r', { source: EgressSource.pods({ namespace: 'Prod', labels: { app: 'x' } }), destinations: host(), ports: [Port.HTTPS] }),
    'EGRESS_INVALID_NAME', 'test/gw/r', /Invalid namespace in EgressSource\.pods\(\) "Prod"/));

  test('throws when a host is routed to another upstream port by another route', () => {
    const gw = gateway(chart());
    gw.addRoute('a', { source: src(), destinations: host(), ports: [Port.HTTPS] });
    expectError(() => gw.addRoute('b', { source: EgressSource.namespace('batch'), destinations: host(), ports: [Port.tls(8443)] }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw/b', /already routed through this gateway as TLS on port 443 by test\/gw\/a; this route asks for TLS on port 8443/);
  });

  test('throws when a host is routed with and without TLS origination', () => {
    const gw = gateway(chart());
    gw.addRoute('a', { source: src(), destinations: host(), ports: [Port.http(80)] });
    expectError(() => gw.addRoute('b', { source: src(), destinations: host(), ports: [Port.http(80)], tlsOrigination: true }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw/b', /as HTTP on port 80 by test\/gw\/a; this route asks for HTTP on port 80 with TLS origination to port 443/);
  });

  test('throws on one host port with two protocols', () => {
    const gw = gateway(chart());
    gw.addRoute('a', { source: src(), destinations: host(), ports: [Port.HTTPS] });
    expectError(() => gw.addRoute('b', { source: src(), destinations: host(), ports: [Port.http(443)] }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw/b', /api\.external\.com port 443 is routed as HTTP here but as TLS by test\/gw\/a/);
  });

  test('throws when a host is routed through two gateways', () => {
    const c = chart();
    gateway(c).addRoute('a', { source: src(), destinations: host(), ports: [Port.HTTPS] });
    const other = new EgressGateway(c, 'gw2', { gatewayBackends: [new HostnameAwareBackend()], provider: EgressGatewayProvider.istio({ namespace: 'istio-egress' }) });
    expectError(() => other.addRoute('b', { source: src(), destinations: host(), ports: [Port.HTTPS] }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw2/b', /already routed through another egress gateway \(test\/gw\)/);
  });

  test('a refused route leaves no trace in the objects', () => {
    const c = chart();
    const gw = gateway(c);
    gw.addRoute('a', { source: src(), destinations: host(), ports: [Port.HTTPS] });
    expect(() => gw.addRoute('b', { source: src(), destinations: [Destination.fqdn('new.example.com'), ...host()], ports: [Port.tls(8443)] })).toThrow(/already routed/);
    expect(gw.routedHosts).toEqual(['api.external.com']);
    expect(ofKind(synth(c), 'VirtualService')).toHaveLength(1);
  });

  test('throws on a route name used for another host', () => {
    const gw = gateway(chart());
    gw.addRoute('a', { name: 'ext', source: src(), destinations: host(), ports: [Port.HTTPS] });
    expectError(() => gw.addRoute('b', { name: 'ext', source: src(), destinations: [Destination.fqdn('b.example.com')], ports: [Port.HTTPS] }),
      'EGRESS_INVALID_NAME', 'test/gw/b', /Route name "ext" is already used for api\.external\.com/);
  });

  test('throws when a route host is denied, and when a deny pattern hits a routed host', () => {
    const gw1 = gateway(chart());
    gw1.denyHosts(['*.example.com']);
    expectError(() => gw1.addRoute('r', { source: src(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /api\.example\.com matches denyHosts\("\*\.example\.com"\) \(test\/gw\) on the same gateway pods/);
    const gw2 = gateway(chart());
    gw2.addRoute('r', { source: src(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
    expectError(() => gw2.denyHosts(['*.example.com']),
      'EGRESS_CONFLICTING_OPTIONS', 'test/gw', /denyHosts\("\*\.example\.com"\) matches api\.example\.com, which route test\/gw\/r sends through the same gateway pods/);
  });

  test('throws when another gateway object on the same pods denies a routed host', () => {
    const c = chart();
    gateway(c).addRoute('r', { source: src(), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
    const deny = new EgressGateway(c, 'deny', { gatewayBackends: [new HostnameAwareBackend()] });
    expectError(() => deny.denyHosts(['*.example.com']),
      'EGRESS_CONFLICTING_OPTIONS', 'test/deny', /matches api\.example\.com, which route test\/gw\/r sends through the same gateway pods/);
    // a gateway on other pods is unaffected
    const other = new EgressGateway(c, 'other', { gatewayBackends: [new HostnameAwareBackend()], provider: EgressGatewayProvider.istio({ namespace: 'istio-egress' }) });
    expect(() => other.denyHosts(['*.example.com'])).not.toThrow();
  });

  test('throws on an empty or malformed deny list', () => {
    expectError(() => gateway(chart()).denyHosts([]), 'EGRESS_EMPTY_POLICY', 'test/gw', /no hosts/);
    expectError(() => gateway(chart()).denyHosts(['*.*.example.com']), 'EGRESS_INVALID_FQDN', 'test/gw', /wildcard is only allowed as the first label/);
  });
});

describe('EgressGateway | works across charts', () => {
  test('two gateways on the same pods share the subset DestinationRule', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new EgressGateway(a, 'gw', { name: 'team-a', gatewayBackends: [new HostnameAwareBackend()] })
      .addRoute('r', { source: backendPods(), destinations: [Destination.fqdn('a.example.com')], ports: [Port.HTTPS] });
    new EgressGateway(b, 'gw', { name: 'team-b', gatewayBackends: [new HostnameAwareBackend()] })
      .addRoute('r', { source: EgressSource.namespace('batch'), destinations: [Destination.fqdn('b.example.com')], ports: [Port.HTTPS] });
    const drs = [...ofKind(synth(a), 'DestinationRule'), ...ofKind(synth(b), 'DestinationRule')];
    expect(drs).toHaveLength(1);
    expect(drs[0].spec.subsets.map((s: any) => s.name)).toEqual(['a-example-com-tls', 'b-example-com-tls']);
    expect(drs[0].spec.exportTo).toEqual(['.', 'batch', 'production']);

    // AND the subsets are kept where every copy of the library in the process finds them: the
    // cluster has one DestinationRule per gateway Service, whichever copy emits it
    const kept = (app as unknown as Record<symbol, unknown>)[Symbol.for('cdk8s-egress.istioGatewaySubsets')] as Map<string, { models: unknown[] }>;
    expect([...kept.keys()]).toEqual(['istio-system|istio-egressgateway.istio-system.svc.cluster.local']);
    expect(kept.get('istio-system|istio-egressgateway.istio-system.svc.cluster.local')!.models).toHaveLength(2);
  });
});
