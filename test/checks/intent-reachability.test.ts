// The intent reachability check (src/checks/intent-reachability.ts) and its opt-out
// (DeclaredIntents.enforcedOutsideApp): every declared intent is reachable through every layer.
import { Chart, Testing } from 'cdk8s';
import {
  AllowedExternalService, DeclaredIntents, DefaultDenyEgress, Destination, EgressBackend, EgressModel, EgressPolicy, EgressSource,
  FixedEgressIp, FixedEgressIpProvider, Port, Protocol,
} from '../../src';
import { chart } from '../support/helpers';

const backend = { namespace: 'production', labels: { app: 'backend' } };

describe('DeclaredIntents: every declared intent is reachable, or synth says why', () => {
  const synthError = (c: Chart): string => {
    try {
      Testing.synth(c);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('synth succeeded');
  };

  test('an allowance the REGISTRY_ONLY sidecar drops fails synth, naming both constructs, the probe and the fix', () => {
    const c = chart();
    new EgressPolicy(c, 'np', { name: 'np', source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'mesh', { name: 'mesh', source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const msg = synthError(c);
    expect(msg).toMatch(/\[test\/np\] NetworkPolicy\/production\/np allows pod app=backend in production → 203\.0\.113\.1 TCP\/443, but the mesh layer .*declared at test\/mesh.*Probe: .*Declare the destination to the mesh too.*\(EGRESS_INTENT_BLOCKED\)/);
  });

  test('a mesh allowance that the network layer drops fails synth; rendering it with a network backend too passes', () => {
    const bad = chart();
    new DefaultDenyEgress(bad, 'deny', { source: EgressSource.namespace('production') });
    new EgressPolicy(bad, 'istiod', { source: EgressSource.namespace('production'), dns: [] })
      .allow(Destination.pods({ namespace: 'istio-system', labels: { app: 'istiod' } }), Port.tcp(15012));
    new EgressPolicy(bad, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    expect(synthError(bad)).toMatch(/\[test\/mesh\] .*api\.github\.com TCP\/443, but the network layer, hop pod → destination: .*declared at test\/deny.*DNS-aware network backend.*EGRESS_INTENT_BLOCKED/);

    const good = chart();
    new DefaultDenyEgress(good, 'deny', { source: EgressSource.namespace('production') });
    new AllowedExternalService(good, 'svc', {
      source: EgressSource.namespace('production'),
      destinations: [Destination.fqdn('api.github.com')],
      ports: [Port.HTTPS],
      backends: [EgressBackend.istio(), EgressBackend.cilium()],
    });
    expect(() => Testing.synth(good)).not.toThrow();
    // the library added the sidecars' istiod path to the network policy itself
    expect(EgressModel.of(good).check({ from: backend, toPod: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012, protocol: Protocol.TCP }).allowed).toBe(true);
  });

  test('sidecars under a default deny without a path to istiod fail synth', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production') });
    new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio()], dns: [] })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'np', { source: EgressSource.namespace('production'), dns: [] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(synthError(c)).toMatch(/\[test\/mesh\] Pods in namespace production run under the REGISTRY_ONLY Sidecar .* must reach istiod .*Allow these pods istiod on the network layer.*EGRESS_INTENT_BLOCKED/);
  });

  test('a FixedEgressIp for destinations that nothing allows under a default deny fails synth', () => {
    const c = chart();
    const pods = EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production') });
    new FixedEgressIp(c, 'ip', {
      source: pods,
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
    });
    expect(synthError(c)).toMatch(/\[test\/ip\] This fixed egress IP is declared for pod app=api-client in production → 203\.0\.113\.1, which no port reaches, but the network layer.*declared at test\/deny.*EGRESS_INTENT_BLOCKED/);
    // allowing the destination on any port makes it coherent
    new EgressPolicy(c, 'allow', { source: pods }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('the opt-out is explicit, needs a reason, covers the scope and is reported as an opt-out', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'deny', { source: EgressSource.namespace('production') });
    const ip = new FixedEgressIp(c, 'ip', {
      source: EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } }),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
    });
    expect(() => DeclaredIntents.enforcedOutsideApp(ip, ' ')).toThrow(/\[test\/ip\] DeclaredIntents\.enforcedOutsideApp\(\) needs a reason.*EGRESS_REASON_REQUIRED/);
    DeclaredIntents.enforcedOutsideApp(ip, 'the platform baseline allows the partner range');
    expect(() => Testing.synth(c)).not.toThrow();
    expect(EgressModel.of(c).facts().filter((f) => f.kind === 'OptOut').map((f) => f.summary))
      .toEqual(['declared intents at test/ip are not checked for reachability: the platform baseline allows the partner range']);
  });
});

describe('DeclaredIntents: in-cluster destinations behind a REGISTRY_ONLY sidecar', () => {
  test('an EgressPolicy allowance to pods of another namespace that the Sidecar cannot see fails synth; importing the namespace fixes it', () => {
    const build = (sidecarEgressHosts?: string[]) => {
      const c = chart();
      const db = new EgressPolicy(c, 'db', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } }) });
      db.allow(Destination.pods({ namespace: 'data', labels: { app: 'db' } }), Port.POSTGRES);
      db.allow(Destination.pods({ namespace: 'istio-system', labels: { app: 'istiod' } }), Port.tcp(15012));
      new EgressPolicy(c, 'mesh', { source: EgressSource.namespace('production'), backends: [EgressBackend.istio(sidecarEgressHosts ? { sidecarEgressHosts } : {})], dns: [] })
        .allow(Destination.fqdn('api.github.com'), Port.HTTPS);
      return c;
    };
    expect(() => Testing.synth(build())).toThrow(/\[test\/db\] .*pod app=db in data TCP\/5432, but the mesh layer .*sidecarEgressHosts: \['data\/\*'\].*EGRESS_INTENT_BLOCKED/);
    expect(() => Testing.synth(build(['data/*']))).not.toThrow();
  });
});
