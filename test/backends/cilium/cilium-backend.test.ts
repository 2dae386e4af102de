import { Chart, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import {
  Capability,
  DefaultDenyEgress,
  Destination,
  DnsEgressRule,
  DnsResolver,
  EgressBackend,
  EgressModel,
  EgressPolicy,
  EgressRuleConfig,
  EgressSource,
  EgressWarnings,
  IEgressPolicyDefinition,
  Port,
  Protocol,
} from '../../../src';
import { isIdentityLabel } from '../../../src/backends/cilium/translate';
import { agentRuleProblems, decodeSelector, grants, grantSet, portText } from '../../oracles/cilium-agent-rules';
import { chart, synth, tempApp, expectEgressError } from '../../support/helpers';

const cilium = () => EgressBackend.cilium();
const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const KUBE_DNS = { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } };
const DNS_PORTS = [{ port: '53', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }];
const DNS_RULES = { dns: [{ matchPattern: '*' }] };
/** The DNS rule of a policy with hostnames: through the DNS proxy, so toFQDNs learns addresses. */
const DNS_RULE = { toEndpoints: [KUBE_DNS], toPorts: [{ ports: DNS_PORTS, rules: DNS_RULES }] };
/** The DNS rule of a policy without hostnames: plain L4, no DNS proxy. */
const DNS_RULE_L4 = { toEndpoints: [KUBE_DNS], toPorts: [{ ports: DNS_PORTS }] };

/**
 * Every synthesized Cilium policy passes the agent's rule checks. (`synth()` from the helpers has
 * already checked each object against the pinned CRD schema, unknown fields rejected.)
 */
function expectAccepted(manifests: any[]): void {
  for (const m of manifests) expect({ name: m.metadata.name, problems: agentRuleProblems(m.spec) }).toEqual({ name: m.metadata.name, problems: [] });
}

const expectError = expectEgressError;

describe('EgressBackend.cilium | CiliumNetworkPolicy', () => {
  test('the seed egress-control policy', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const policy = new EgressPolicy(c, 'egress-control', { name: 'egress-control', source: backendPods(), backends: [cilium()] });
    policy.allow(Destination.pods({ labels: { app: 'database' } }), Port.tcp(5432));
    policy.allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    // THEN
    const manifests = synth(c);
    expect(manifests).toHaveLength(1);
    const [cnp] = manifests;
    expect(cnp).toMatchSnapshot();
    expect(cnp.apiVersion).toBe('cilium.io/v2');
    expect(cnp.kind).toBe('CiliumNetworkPolicy');
    expect(cnp.metadata).toEqual({ name: 'egress-control', namespace: 'production' });
    expect(cnp.spec.endpointSelector).toEqual({ matchLabels: { 'k8s:app': 'backend' } });
    expect(cnp.spec.enableDefaultDeny).toEqual({ egress: true, ingress: false });
    expect(cnp.spec.ingress).toBeUndefined();
    expect(cnp.spec.egress).toEqual([
      // no hostname in the policy: DNS at L4, without the DNS proxy
      DNS_RULE_L4,
      { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production', 'k8s:app': 'database' } }], toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' }] }] },
      { toCIDRSet: [{ cidr: '203.0.113.0/24' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
    expectAccepted(manifests);
  });

  test('the backend declares what it can express', () => {
    const b = cilium();
    expect(b.id).toBe('cilium');
    expect(b.displayName).toBe('Cilium');
    expect([...b.capabilities].sort()).toEqual([
      Capability.CIDR, Capability.CIDR_EXCEPT, Capability.FQDN, Capability.FQDN_PATTERN, Capability.FQDN_SUFFIX,
      Capability.KUBE_API_SERVER_ENTITY, Capability.POD_SELECTOR, Capability.PORT_RANGE, Capability.SCTP,
    ].sort());
    expect(b.supports(Capability.L7_HTTP)).toBe(false);
    expect(b.supports(Capability.ADMIN_TIER)).toBe(false);
  });

  test('anySubdomainOf() is the **. pattern (every depth); fqdnPattern() stays one label', () => {
    const c = chart();
    new EgressPolicy(c, 'p', {
      source: backendPods(),
      backends: [cilium()],
      rules: [
        { destination: Destination.anySubdomainOf('googleapis.com'), ports: [Port.HTTPS] },
        { destination: Destination.fqdnPattern('*.example.com'), ports: [Port.HTTPS] },
      ],
    });
    const [cnp] = synth(c);
    expect(cnp.spec.egress[1].toFQDNs).toEqual([{ matchPattern: '**.googleapis.com' }, { matchPattern: '*.example.com' }]);
    expectAccepted([cnp]);
    // AND the model agrees with Cilium's reading of both
    const model = EgressModel.of(c);
    const probe = (toHostname: string) => model.check({ from: { namespace: 'production', labels: { app: 'backend' } }, toHostname, port: 443, protocol: Protocol.TCP }).allowed;
    expect([probe('a.b.googleapis.com'), probe('googleapis.com'), probe('a.example.com'), probe('a.b.example.com')]).toEqual([true, false, true, false]);
  });

  test('pods and namespaces: the namespace is always explicit', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()], dns: [DnsResolver.kubeDns()] });
    p.allow(Destination.pods({ labels: { app: 'cache' } }), Port.REDIS);
    p.allow(Destination.pods({ labels: { app: 'db' }, namespace: 'data' }), Port.POSTGRES);
    p.allow(Destination.namespace('monitoring'), Port.tcp(9090));
    p.allow(Destination.namespacesWithLabels({ team: 'payments' }), Port.tcp(8443));
    p.allow(Destination.pods({ labels: { app: 'api' }, namespaceLabels: { 'kubernetes.io/metadata.name': 'edge' } }), Port.tcp(8080));
    const [cnp] = synth(c);
    const selectors = cnp.spec.egress.slice(1).map((r: any) => r.toEndpoints);
    expect(selectors).toEqual([
      [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production', 'k8s:app': 'cache' } }],
      [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'data', 'k8s:app': 'db' } }],
      [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'monitoring' } }],
      // namespace labels: Exists keeps Cilium from scoping the selector to the policy's namespace
      [{ matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.team': 'payments' }, matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }] }],
      [{
        matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name': 'edge', 'k8s:app': 'api' },
        matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }],
      }],
    ]);
    // no selector is empty or namespace-less (that would select pods of every namespace)
    for (const rule of cnp.spec.egress) for (const sel of rule.toEndpoints ?? []) expect(() => decodeSelector(sel)).not.toThrow();
    expectAccepted([cnp]);
  });

  test('CIDRs become toCIDRSet with except, IPv4 and IPv6', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()] });
    p.allow(Destination.ipv4('10.0.0.0/8', { except: ['10.96.0.0/12', '10.0.0.0/16'] }), Port.HTTPS);
    p.allow(Destination.ipv6('2001:db8::/32', { except: ['2001:db8:1::/48'] }), Port.HTTPS);
    const [cnp] = synth(c);
    expect(cnp.spec.egress[1]).toEqual({
      toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.0.0.0/16', '10.96.0.0/12'] }, { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] }],
      toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
    });
    expectAccepted([cnp]);
  });

  test('hostnames and patterns: toFQDNs, never in the same rule as toEndpoints or toCIDRSet', () => {
    // GIVEN a pod, a CIDR, a hostname and a pattern, all on 443
    const c = chart();
    new EgressPolicy(c, 'p', {
      source: backendPods(),
      backends: [cilium()],
      rules: [
        { destination: Destination.pods({ labels: { app: 'proxy' } }), ports: [Port.HTTPS] },
        { destination: Destination.fqdn('api.github.com'), ports: [Port.HTTPS] },
        { destination: Destination.ipv4('203.0.113.0/24'), ports: [Port.HTTPS] },
        { destination: Destination.fqdnPattern('*.googleapis.com'), ports: [Port.HTTPS] },
      ],
    });
    // THEN each kind gets its own rule; the hostnames share one
    const [cnp] = synth(c);
    const https = { toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] };
    expect(cnp.spec.egress).toEqual([
      DNS_RULE,
      { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production', 'k8s:app': 'proxy' } }], ...https },
      { toFQDNs: [{ matchName: 'api.github.com' }, { matchPattern: '*.googleapis.com' }], ...https },
      { toCIDRSet: [{ cidr: '203.0.113.0/24' }], ...https },
    ]);
    expectAccepted([cnp]);
  });

  test('the API server is the kube-apiserver entity, with or without endpoint addresses', () => {
    const c = chart();
    new EgressPolicy(c, 'a', { source: backendPods(), backends: [cilium()] }).allow(Destination.kubeApiServer(), Port.HTTPS, Port.KUBE_API_SERVER);
    new EgressPolicy(c, 'b', { source: backendPods(), backends: [cilium()] }).allow(Destination.kubeApiServer({ endpoints: ['172.20.0.10/32'] }), Port.HTTPS);
    const [a, b] = synth(c);
    expect(a.spec.egress[1]).toEqual({ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }] }] });
    // endpoint addresses are for IP-only backends: Cilium CIDR rules do not match node addresses,
    // where self-hosted API servers run, so the entity is what matches the API server
    expect(b.spec.egress[1]).toEqual({ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expectAccepted([a, b]);
  });

  test('ports: single, ranges, whole protocol ("0"), SCTP; no ports means no toPorts', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()] });
    p.allow(Destination.ipv4('198.51.100.0/24'), Port.udp(9000), Port.tcpRange(8000, 8080), Port.allTcp(), Port.sctp(9), Port.udpRange(5000, 5000));
    p.allow(Destination.ipv4('192.0.2.0/28'));
    const [cnp] = synth(c);
    expect(cnp.spec.egress[1].toPorts).toEqual([{
      ports: [
        { port: '0', protocol: 'TCP' },
        { port: '8000', endPort: 8080, protocol: 'TCP' },
        { port: '5000', protocol: 'UDP' },
        { port: '9000', protocol: 'UDP' },
        { port: '9', protocol: 'SCTP' },
      ],
    }]);
    expect(cnp.spec.egress[2]).toEqual({ toCIDRSet: [{ cidr: '192.0.2.0/28' }] });
    expectAccepted([cnp]);
  });

  test('destinations of one kind with the same port set share a rule, whatever the port order; nothing is duplicated', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()] });
    p.allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS, Port.HTTP);
    p.allow(Destination.ipv4('203.0.113.0/24'), Port.http(80), Port.tcp(443));
    p.allow(Destination.pods({ labels: { app: 'a' } }), Port.HTTP, Port.HTTPS);
    // the same selector written two ways (source namespace named explicitly) is emitted once
    p.allow(Destination.pods({ labels: { app: 'a' }, namespace: 'production' }), Port.HTTPS, Port.HTTP);
    p.allow(Destination.ipv4('192.0.2.0/28'), Port.HTTPS);
    const [cnp] = synth(c);
    const web = { toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '443', protocol: 'TCP' }] }] };
    expect(cnp.spec.egress.slice(1)).toEqual([
      { toCIDRSet: [{ cidr: '198.51.100.0/24' }, { cidr: '203.0.113.0/24' }], ...web },
      { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production', 'k8s:app': 'a' } }], ...web },
      { toCIDRSet: [{ cidr: '192.0.2.0/28' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
  });

  test('more than 40 ports are split into port rules of at most 40, in port order', () => {
    const c = chart();
    const ports = Array.from({ length: 95 }, (_, i) => Port.tcp(10000 - i * 7));
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()] }).allow(Destination.ipv4('203.0.113.0/24'), ...ports);
    const [cnp] = synth(c);
    const rule = cnp.spec.egress[1];
    expect(rule.toPorts.map((pr: any) => pr.ports.length)).toEqual([40, 40, 15]);
    const emitted = rule.toPorts.flatMap((pr: any) => pr.ports.map((x: any) => Number(x.port)));
    expect(emitted).toEqual(ports.map((x) => x.startPort!).sort((a, b) => a - b));
    expect(rule.toCIDRSet).toEqual([{ cidr: '203.0.113.0/24' }]);
    expectAccepted([cnp]);
  });

  test('rules added after construction are rendered', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()] });
    const before = synth(c)[0].spec.egress.length;
    p.allow(Destination.fqdn('example.com'), Port.HTTPS);
    expect(before).toBe(1);
    expect(synth(c)[0].spec.egress[1]).toEqual({ toFQDNs: [{ matchName: 'example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
  });

  test('source: a whole namespace is endpointSelector {}, a workload uses its match labels', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const web = new kplus.Deployment(c, 'web', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    new EgressPolicy(c, 'ns', { source: EgressSource.namespace('shop'), backends: [cilium()] });
    new EgressPolicy(c, 'wl', { source: EgressSource.workload(web), backends: [cilium()] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [ns, wl] = synth(c).filter((m) => m.kind === 'CiliumNetworkPolicy');
    expect(ns.spec.endpointSelector).toEqual({});
    expect(ns.metadata.namespace).toBe('shop');
    const expected = Object.fromEntries(Object.entries(web.matchLabels).map(([k, v]) => [`k8s:${k}`, v]));
    expect(wl.spec.endpointSelector).toEqual({ matchLabels: expected });
    expectAccepted([ns, wl]);
  });

  test('labels and annotations on the object', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()], labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
    expect(synth(c)[0].metadata).toMatchObject({ namespace: 'production', labels: { team: 'a' }, annotations: { 'example.com/owner': 'a' } });
  });

  test('output is byte-identical across runs', () => {
    const build = () => {
      const c = chart();
      const p = new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { z: '1', a: '2' } }), backends: [cilium()] });
      p.allow(Destination.pods({ labels: { y: '1', b: '2' }, namespace: 'data' }), Port.POSTGRES, Port.tcp(6432));
      p.allow(Destination.fqdnPattern('*.example.com'), Port.HTTPS);
      p.allow(Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.128/25', '203.0.113.0/26'] }), Port.tcp(6432), Port.POSTGRES);
      return Yaml.stringify(...synth(c));
    };
    expect(build()).toEqual(build());
  });
});

describe('EgressBackend.cilium | isolation', () => {
  test('DefaultDenyEgress isolates with a rule that selects nothing, and keeps DNS in its companion', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'baseline', { source: EgressSource.namespace('production'), backends: [cilium()], name: 'default-deny-egress' });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const [deny, dns] = manifests;
    expect(deny.metadata).toEqual({ name: 'default-deny-egress', namespace: 'production' });
    expect(deny.spec).toEqual({
      endpointSelector: {},
      enableDefaultDeny: { egress: true, ingress: false },
      // an empty egress list would not isolate: Cilium enforces egress only for policies with egress rules
      egress: [{ toEntities: ['none'] }],
    });
    expect(grants(deny.spec)).toEqual([]);
    expect(dns.metadata.name).toBe('default-deny-egress-dns');
    expect(dns.spec.egress).toEqual([DNS_RULE_L4]);
    expectAccepted(manifests);
  });

  test('an EgressPolicy that allows nothing still isolates', () => {
    const app = tempApp();
    const c = new Chart(app, 'test');
    new DnsEgressRule(c, 'dns', { source: backendPods(), backends: [cilium()] });
    new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()], dns: [] });
    app.synth();
    const [, p] = synth(c);
    expect(p.spec.egress).toEqual([{ toEntities: ['none'] }]);
    expect(p.spec.enableDefaultDeny.egress).toBe(true);
  });

  test('every allow policy enables default deny for egress explicitly', () => {
    fc.assert(fc.property(fc.boolean(), fc.boolean(), (clusterwide, withRule) => {
      const c = chart();
      const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [EgressBackend.cilium({ clusterwide })] });
      if (withRule) p.allow(Destination.ipv4('203.0.113.0/24'));
      const [o] = synth(c);
      expect(o.spec.enableDefaultDeny).toEqual({ egress: true, ingress: false });
      expect(o.spec.egress.length).toBeGreaterThan(0);
    }));
  });
});

describe('EgressBackend.cilium | DNS visibility for toFQDNs', () => {
  test('every DNS rule goes through the DNS proxy on UDP and TCP, and no other rule does', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', {
      source: backendPods(),
      backends: [cilium()],
      dns: [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache(), ...DnsResolver.addresses(['10.96.0.10/32'])],
    });
    p.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    // the same pods on port 53 in a non-DNS rule do not get the proxy
    p.allow(Destination.pods({ labels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' }), Port.udp(53), Port.tcp(53));
    const [cnp] = synth(c);
    expect(cnp.spec.egress).toEqual([
      DNS_RULE,
      { toCIDRSet: [{ cidr: '169.254.20.10/32' }, { cidr: '10.96.0.10/32' }], toPorts: [{ ports: DNS_PORTS, rules: DNS_RULES }] },
      { toFQDNs: [{ matchName: 'api.github.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
      { toEndpoints: [KUBE_DNS], toPorts: [{ ports: DNS_PORTS }] },
    ]);
    expectAccepted([cnp]);
  });

  test('a resolver on another port (OpenShift 5353) keeps the DNS proxy: Cilium allows DNS rules on any single port', () => {
    const c = chart();
    new EgressPolicy(c, 'p', {
      source: backendPods(),
      backends: [cilium()],
      dns: [DnsResolver.kubeDns({ namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 })],
    }).allow(Destination.fqdnPattern('*.example.com'), Port.HTTPS);
    const [cnp] = synth(c);
    expect(cnp.spec.egress[0]).toEqual({
      toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'openshift-dns', 'k8s:dns.operator.openshift.io/daemonset-dns': 'default' } }],
      toPorts: [{ ports: [{ port: '5353', protocol: 'TCP' }, { port: '5353', protocol: 'UDP' }], rules: DNS_RULES }],
    });
    expectAccepted([cnp]);
  });

  test('DnsEgressRule and DefaultDenyEgress companions have no hostname, so they allow DNS at L4 without the proxy', () => {
    const c = chart();
    new DnsEgressRule(c, 'dns', { source: backendPods(), backends: [cilium()] });
    const [cnp] = synth(c);
    expect(cnp.spec.egress).toEqual([DNS_RULE_L4]);
  });
});

describe('EgressBackend.cilium | CiliumClusterwideNetworkPolicy', () => {
  const clusterwide = () => EgressBackend.cilium({ clusterwide: true });

  test('cluster-scoped, with the source namespace in the endpoint selector', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { name: 'backend-egress', source: backendPods(), backends: [clusterwide()] });
    p.allow(Destination.pods({ labels: { app: 'database' } }), Port.POSTGRES);
    p.allow(Destination.fqdn('api.github.com'), Port.HTTPS);
    const manifests = synth(c);
    const [ccnp] = manifests;
    expect(ccnp).toMatchSnapshot();
    expect(ccnp.kind).toBe('CiliumClusterwideNetworkPolicy');
    expect(ccnp.apiVersion).toBe('cilium.io/v2');
    expect(ccnp.metadata).toEqual({ name: 'backend-egress' });
    expect(ccnp.spec.endpointSelector).toEqual({ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production', 'k8s:app': 'backend' } });
    // "the source's namespace" is explicit, so it still means production cluster-wide
    expect(ccnp.spec.egress[1].toEndpoints).toEqual([{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production', 'k8s:app': 'database' } }]);
    expectAccepted(manifests);
  });

  test('a whole-namespace source selects that namespace only', () => {
    const c = chart();
    new DefaultDenyEgress(c, 'd', { source: EgressSource.namespace('production'), backends: [clusterwide()] });
    const [deny, dns] = synth(c);
    expect(deny.spec.endpointSelector).toEqual({ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'production' } });
    expect(deny.metadata.namespace).toBeUndefined();
    expect(dns.spec.endpointSelector).toEqual(deny.spec.endpointSelector);
    expectAccepted([deny, dns]);
  });

  test('throws when two clusterwide policies of an app share a name', () => {
    const c = chart();
    new EgressPolicy(c, 'a', { name: 'egress', source: EgressSource.namespace('one'), backends: [clusterwide()] });
    // namespaced policies with the same name in another namespace do not collide
    new EgressPolicy(c, 'b', { name: 'egress', source: EgressSource.namespace('two'), backends: [cilium()] });
    expectError(() => new EgressPolicy(c, 'p', { name: 'egress', source: EgressSource.namespace('two'), backends: [clusterwide()] }),
      'EGRESS_CONFLICTING_OPTIONS', 'test/p', /CiliumClusterwideNetworkPolicy named "egress" is already defined by test\/a: .*unique across namespaces.*clusterwide: false/);
  });
});

describe('EgressBackend.cilium | bad input fails with path, value and fix', () => {
  test('throws on a hostname in a policy without DNS rule (at allow())', () => {
    const p = new EgressPolicy(chart(), 'p', { source: backendPods(), backends: [cilium()], dns: [] });
    expectError(() => p.allow(Destination.fqdn('api.github.com'), Port.HTTPS), 'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p',
      /Cilium cannot enforce hostname api.github.com here: toFQDNs learns addresses only from DNS answers that pass through Cilium's DNS proxy.*given dns: \[\].*Keep the default dns option \(DnsResolver.kubeDns\(\)\)/);
  });

  test('throws on a hostname pattern given in props to a policy without DNS rule', () => {
    expectError(() => new EgressPolicy(chart(), 'p', { source: backendPods(), backends: [cilium()], dns: [], rules: [{ destination: Destination.fqdnPattern('*.example.com') }] }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test/p', /hostname \*.example.com here/);
  });

  test('a DNS rule elsewhere in the app does not count: the policy must carry its own', () => {
    const c = chart();
    new DnsEgressRule(c, 'dns', { source: backendPods(), backends: [cilium()] });
    const p = new EgressPolicy(c, 'p', { source: backendPods(), backends: [cilium()], dns: [] });
    expect(() => p.allow(Destination.fqdn('example.com'))).toThrow(/Cilium cannot enforce hostname example.com/);
  });

  test('throws on a reserved Cilium label key in a selector', () => {
    const p = new EgressPolicy(chart(), 'p', { source: backendPods(), backends: [cilium()] });
    expectError(() => p.allow(Destination.pods({ labels: { 'io.kubernetes.pod.namespace': 'other' } })), 'EGRESS_INVALID_LABEL', 'test/p',
      /Label key "io.kubernetes.pod.namespace" in the destination pod labels is reserved by Cilium.*namespace or namespaceLabels option/);
    expectError(() => new EgressPolicy(chart(), 'p', { source: EgressSource.pods({ namespace: 'a', labels: { 'io.cilium.k8s.namespace.labels.team': 'x' } }), backends: [cilium()] }),
      'EGRESS_INVALID_LABEL', 'test/p', /"io.cilium.k8s.namespace.labels.team" in the source pod labels is reserved by Cilium/);
  });

  describe('DNS rules the agent would refuse (backend called directly)', () => {
    const render = (rule: EgressRuleConfig) => {
      const c = chart();
      const rules = [rule];
      const def: IEgressPolicyDefinition = {
        metadata: { namespace: 'production' },
        constructPath: 'test',
        resolve: () => ({ source: { namespace: 'production' }, rules }),
        onRule: (l) => rules.forEach((r) => l.ruleAdded(r)),
      };
      return () => cilium().renderPolicy(c, 'x', def);
    };
    const resolver = Destination.ipv4('10.96.0.10/32').toConfig();

    test('throws on a DNS port range', () => expectError(render({ destinations: [resolver], ports: [Port.udpRange(53, 54).toConfig()], dns: true }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test', /cannot attach its DNS proxy to the DNS rule to 10.96.0.10\/32 on UDP\/53-54: DNS-proxy rules need single UDP or TCP ports.*DnsResolver.kubeDns\(\{ port: 53 \}\)/));
    test('throws on DNS over every port', () => expectError(render({ destinations: [resolver], ports: [Port.allUdp().toConfig()], dns: true }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test', /on UDP\/\*/));
    test('throws on DNS over SCTP', () => expectError(render({ destinations: [resolver], ports: [Port.sctp(53).toConfig()], dns: true }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test', /on SCTP\/53/));
    test('throws on a DNS rule without ports', () => expectError(render({ destinations: [resolver], ports: [], dns: true }),
      'EGRESS_UNSUPPORTED_BY_BACKEND', 'test', /Cilium needs explicit ports on the DNS rule to 10.96.0.10\/32.*"port 53 must be specified for DNS rules"/));
    test('throws at synth on a hostname without DNS rule, whatever order the rules arrive in', () => {
      const c = chart();
      const rules: EgressRuleConfig[] = [{ destinations: [Destination.fqdn('example.com').toConfig()], ports: [] }];
      const def: IEgressPolicyDefinition = {
        metadata: { namespace: 'production' },
        constructPath: 'test',
        resolve: () => ({ source: { namespace: 'production' }, rules }),
        onRule: () => undefined,
      };
      cilium().renderPolicy(c, 'x', def);
      expect(() => synth(c)).toThrow(/Validation failed with the following errors:\s*\[test\] Cilium cannot enforce hostname example.com here.*\(EGRESS_UNSUPPORTED_BY_BACKEND\)/s);
    });
  });
});

describe('EgressBackend.cilium | warnings', () => {
  test('a selector on a label outside Cilium identities is flagged', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'db', labels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } }), backends: [cilium()] });
    p.allow(Destination.pods({ labels: { 'pod-template-hash': 'abc', 'app.kubernetes.io/name': 'web' } }), Port.HTTPS);
    const warnings = EgressWarnings.list(c).filter((w) => w.id === 'cdk8s-egress:ciliumLabelNotInIdentity');
    expect(warnings.map((w) => w.message.match(/Label key "([^"]+)" in (the \w+ pod labels)/)!.slice(1))).toEqual([
      ['statefulset.kubernetes.io/pod-name', 'the source pod labels'],
      ['pod-template-hash', 'the destination pod labels'],
    ]);
    expect(warnings[0].constructPath).toBe('test/p');
    expect(warnings[0].message).toMatch(/matches no pod and the traffic is dropped.*app.kubernetes.io\/name.*--labels/);
  });

  test.each([
    ['app', true], ['app.kubernetes.io/name', true], ['cdk8s.io/metadata.addr', true], ['batch.kubernetes.io/job-name', true],
    ['io.kubernetes.pod.namespace', true], ['io.cilium.k8s.policy.serviceaccount', true],
    ['pod-template-hash', false], ['controller-revision-hash', false], ['controller-uid', false], ['statefulset.kubernetes.io/pod-name', false],
    ['apps.kubernetes.io/pod-index', false], ['batch.kubernetes.io/controller-uid', false], ['kubernetes.io/os', false], ['k8s.io/x', false],
    ['io.kubernetes.container.name', false], ['topology.kubernetes.io/zone', false], ['node.beta.kubernetes.io/x', false], ['annotation.x', false],
  ])('Cilium\'s default label filter: %s in identity = %s', (key, expected) => {
    expect(isIdentityLabel(key)).toBe(expected);
  });

  test('ordinary labels raise no warning', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'db', labels: { 'app': 'x', 'app.kubernetes.io/name': 'y', 'cdk8s.io/metadata.addr': 'z', 'batch.kubernetes.io/job-name': 'j' } }), backends: [cilium()] });
    expect(EgressWarnings.list(c)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Property: for random policies, every emitted rule passes the agent's checks, and the emitted
// (peer, port, dns) grants equal the declared ones: nothing widened, nothing dropped.

const labelsArb = fc.constantFrom<Record<string, string>>({ app: 'a' }, { app: 'b', tier: 'x' }, { 'app.kubernetes.io/name': 'c' });
const nsArb = fc.constantFrom('ns-a', 'ns-b');
const portArb = fc.oneof(
  fc.integer({ min: 1, max: 120 }).map((p) => Port.tcp(p)),
  fc.integer({ min: 1, max: 120 }).map((p) => Port.udp(p)),
  fc.integer({ min: 1, max: 20 }).map((p) => Port.sctp(p)),
  fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 })).map(([a, n]) => Port.tcpRange(a, a + n)),
  fc.constantFrom(Port.allTcp(), Port.allUdp(), Port.HTTPS),
);
const destArb = fc.oneof(
  fc.tuple(labelsArb, fc.option(nsArb, { nil: undefined })).map(([labels, namespace]) => Destination.pods({ labels, namespace })),
  fc.tuple(labelsArb, labelsArb).map(([labels, namespaceLabels]) => Destination.pods({ labels, namespaceLabels })),
  nsArb.map((n) => Destination.namespace(n)),
  fc.constantFrom(
    Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.64/26'] }), Destination.ipv4('198.51.100.0/24'),
    Destination.ipv6('2001:db8::/32'), Destination.fqdn('api.example.com'), Destination.fqdn('example.org'),
    Destination.fqdnPattern('*.example.net'), Destination.kubeApiServer(), Destination.kubeApiServer({ endpoints: ['10.0.0.1/32'] }),
  ),
);
const resolverArb = fc.constantFrom(
  DnsResolver.kubeDns(), DnsResolver.kubeDns({ port: 5353, namespace: 'dns' }), DnsResolver.nodeLocalDnsCache(), ...DnsResolver.addresses(['10.96.0.10/32', 'fd00::a/128']),
);
const policyArb = fc.record({
  clusterwide: fc.boolean(),
  source: fc.option(labelsArb, { nil: undefined }),
  dns: fc.uniqueArray(resolverArb, { maxLength: 3, selector: (r) => r.description + r.port }),
  rules: fc.array(fc.record({ dest: destArb, ports: fc.uniqueArray(portArb, { maxLength: 50, selector: (p) => `${p.protocol}/${p.startPort}/${p.endPort}` }) }), { maxLength: 6 }),
});

interface RandomRule { readonly dest: Destination; readonly ports: Port[] }

/** The rules of a random policy minus exact repeats (the construct refuses those, tested elsewhere). */
function distinctRules(rules: readonly RandomRule[]): RandomRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const keys = (r.ports.length ? r.ports : [undefined]).map((x) => `${JSON.stringify(r.dest.toConfig())}|${x ? `${x.protocol}/${x.startPort}/${x.endPort}` : '*'}`);
    if (keys.some((k) => seen.has(k))) return false;
    keys.forEach((k) => seen.add(k));
    return true;
  });
}

const sortedJson = (o?: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b))));

/** What a destination means, computed from the vocabulary (not from the backend's translation). */
function declaredPeer(d: Destination, sourceNamespace: string): string {
  const cfg = d.toConfig();
  switch (cfg.kind) {
    case 'Pods': return cfg.namespaceLabels
      ? `pods ${sortedJson(cfg.podLabels)} in namespaces ${sortedJson(cfg.namespaceLabels)}`
      : `pods ${sortedJson(cfg.podLabels)} in namespace ${cfg.namespace ?? sourceNamespace}`;
    case 'Cidr': return `cidr ${cfg.cidr}${cfg.except ? ` except ${[...cfg.except].sort().join(',')}` : ''}`;
    case 'Fqdn': return `name ${cfg.hostname}`;
    case 'FqdnPattern': return `pattern ${cfg.hostname}`;
    default: return 'entity kube-apiserver';
  }
}

/** The declared grants: DNS resolvers (inspected by the DNS proxy) and allowed rules. */
function declaredGrants(dns: readonly DnsResolver[], rules: readonly RandomRule[], sourceNamespace: string, dnsProxy: boolean): string[] {
  const out: string[] = [];
  const add = (d: Destination, ports: Port[], viaProxy: boolean) => {
    if (ports.length === 0) out.push(`${declaredPeer(d, sourceNamespace)} | *`);
    for (const p of ports) out.push(`${declaredPeer(d, sourceNamespace)} | ${portText(p.protocol, p.startPort, p.endPort)}${viaProxy ? ' | dns' : ''}`);
  };
  for (const r of dns) add(r.destination, r.ports(), dnsProxy);
  for (const r of rules) add(r.dest, r.ports, false);
  return [...new Set(out)].sort();
}

describe('EgressBackend.cilium | agent rules and exact intent (property)', () => {
  test('every emitted rule is accepted by the agent, and the grants equal the declared intent', () => {
    fc.assert(fc.property(policyArb, (policy) => {
      // GIVEN a random policy
      const c = chart();
      const rules = distinctRules(policy.rules);
      const hasHost = rules.some((r) => ['Fqdn', 'FqdnPattern'].includes(r.dest.toConfig().kind));
      const source = policy.source ? EgressSource.pods({ namespace: 'ns-a', labels: policy.source }) : EgressSource.namespace('ns-a');
      const build = () => {
        const p = new EgressPolicy(c, 'p', { source, backends: [EgressBackend.cilium({ clusterwide: policy.clusterwide })], dns: policy.dns });
        for (const r of rules) p.allow(r.dest, ...r.ports);
      };
      // WHEN it has hostnames but no DNS rule THEN it is refused
      if (hasHost && policy.dns.length === 0) {
        expect(build).toThrow(/Cilium cannot enforce hostname/);
        return;
      }
      build();
      // (a policy without DNS needs a DNS path elsewhere in the app, or synth fails)
      if (policy.dns.length === 0) new DnsEgressRule(c, 'dns', { source, backends: [EgressBackend.cilium()] });
      const o = synth(c).find((m) => m.metadata.name.startsWith('test-p-'));
      // THEN the agent accepts every rule
      expect(o.kind).toBe(policy.clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy');
      expect(agentRuleProblems(o.spec)).toEqual([]);
      for (const rule of o.spec.egress) {
        // exactly one peer kind per rule, never empty
        const kinds = ['toEndpoints', 'toCIDRSet', 'toFQDNs', 'toEntities'].filter((k) => rule[k] !== undefined);
        expect(kinds).toHaveLength(1);
        expect(rule[kinds[0]].length).toBeGreaterThan(0);
        // the only L7 rules are the DNS-proxy rules
        for (const pr of rule.toPorts ?? []) if (pr.rules) expect(pr.rules).toEqual(DNS_RULES);
      }
      // AND what it allows is exactly what was declared (DNS resolvers through the DNS proxy when,
      // and only when, the policy has hostnames)
      expect(grantSet(grants(o.spec))).toEqual(declaredGrants(policy.dns, rules, 'ns-a', hasHost));
      if (policy.dns.length === 0 && rules.length === 0) expect(o.spec.egress).toEqual([{ toEntities: ['none'] }]);
    }), { numRuns: 150 });
  });
});

test('Protocol values map onto Cilium protocols one to one', () => {
  expect(Object.values(Protocol).sort()).toEqual(['SCTP', 'TCP', 'UDP']);
});
