// The benchmark's intent mix, built only from the public constructs of the compiled library.
// A realistic spread over 50 namespaces, every backend and every intent construct:
//   external services by CIDR (Kubernetes NetworkPolicy, Calico), by hostname (Cilium toFQDNs,
//   Istio ServiceEntry + REGISTRY_ONLY Sidecar), DNS rules with NodeLocal DNSCache, internal
//   policies, default-deny baselines, Istio egress-gateway routes and fixed egress IPs (Cilium
//   egress gateway, Calico IP pool).
const { Chart } = require('cdk8s');
const egress = require('../../lib/src');
const {
  AllowedExternalService, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressGateway,
  EgressPolicy, EgressSource, EgressWarnings, FixedEgressIp, FixedEgressIpProvider, Port,
} = egress;

/** The operational warnings this mix raises, acknowledged once for the app as a platform team would. */
const ACKNOWLEDGED = [
  'ciliumEgressGatewayChangeBreaksConnections', 'ciliumEgressIncompatibleFeatures', 'ciliumEgressNewPodDelay',
  'ciliumEgressNoGatewayDrops', 'ciliumEgressNoHa', 'istioAmbientRegistryOnly', 'istioRegistryOnlyBypassable',
  'istioGatewayAccessLogRootNamespace',
];

/** Which intent the i-th construct is: 20 slots, so each kind's share is a multiple of 5 %. */
const KINDS = [
  'deny', 'dns', 'internal', 'internal',
  'cidr', 'cidr', 'cidr', 'cidr', 'cidr', 'cidr',
  'calico', 'calico',
  'cilium-fqdn', 'cilium-fqdn', 'cilium-fqdn',
  'istio-fqdn', 'istio-fqdn',
  'gateway-route', 'gateway-route',
  'fixed-ip',
];

/**
 * Build `n` intents into `app`. Returns what was declared, for the output-economy figures:
 * destination x port pairs (what a naive one-object-per-pair rendering would emit) and address
 * blocks (to see merging at work).
 */
function buildMix(app, n) {
  const declared = { intents: n, destinationPortPairs: 0, cidrBlocks: 0 };
  const count = (destinations, ports) => {
    declared.destinationPortPairs += destinations.length * Math.max(1, ports.length);
    declared.cidrBlocks += destinations.filter((d) => d.toConfig().kind === 'Cidr').length;
  };
  const perChart = 500;
  const kubernetes = EgressBackend.kubernetes();
  const calico = EgressBackend.calico();
  const cilium = EgressBackend.cilium();
  const istio = EgressBackend.istio();
  for (const w of ACKNOWLEDGED) EgressWarnings.acknowledge(app, `cdk8s-egress:${w}`, 'benchmark: sidecar-injected namespaces, labelled gateway nodes');
  let chart;
  let gateway;
  for (let i = 0; i < n; i++) {
    if (i % perChart === 0) {
      const c = i / perChart;
      chart = new Chart(app, `mix${c}`);
      gateway = undefined;
    }
    const ns = `team-${i % 50}`;
    const labels = { app: `svc-${i}` };
    const source = () => EgressSource.pods({ namespace: ns, labels });
    const octet = i % 250;
    const id = `i${i}`;
    switch (KINDS[i % KINDS.length]) {
      case 'deny':
        new DefaultDenyEgress(chart, id, { source: EgressSource.pods({ namespace: ns, labels: { tier: `t${i}` } }) });
        count([DnsResolver.kubeDns().destination], DnsResolver.kubeDns().ports());
        break;
      case 'dns': {
        const resolvers = [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache()];
        new DnsEgressRule(chart, id, { source: source(), dns: resolvers });
        for (const r of resolvers) count([r.destination], r.ports());
        break;
      }
      case 'internal': {
        const p = new EgressPolicy(chart, id, { source: source() });
        for (const [d, port] of [[Destination.pods({ labels: { app: 'db' } }), Port.POSTGRES], [Destination.pods({ labels: { app: 'cache' }, namespace: 'shared' }), Port.REDIS]]) {
          p.allow(d, port);
          count([d], [port]);
        }
        break;
      }
      case 'cidr': {
        // A service published as two adjacent halves of a /24 (merged into the /24 on output).
        const destinations = [
          Destination.ipv4(`198.51.${octet}.0/25`), Destination.ipv4(`198.51.${octet}.128/25`),
          Destination.ipv4(`203.0.113.${octet}/32`), Destination.ipv6('2001:db8::/48'),
        ];
        new AllowedExternalService(chart, id, { source: source(), destinations, ports: [Port.HTTPS], backends: [kubernetes] });
        count(destinations, [Port.HTTPS]);
        break;
      }
      case 'calico': {
        // The /32 lies inside the /24 (dropped on output).
        const destinations = [Destination.ipv4(`198.18.${octet}.7/32`), Destination.ipv4(`198.18.${octet}.0/24`), Destination.ipv4(`192.0.2.${octet}/32`)];
        const ports = [Port.HTTPS, Port.tcp(8443)];
        new AllowedExternalService(chart, id, { source: source(), destinations, ports, backends: [calico] });
        count(destinations, ports);
        break;
      }
      case 'cilium-fqdn': {
        const destinations = [Destination.fqdn(`api${i}.partner.example.com`), Destination.fqdnPattern(`*.cdn${octet}.example.net`)];
        new AllowedExternalService(chart, id, { source: source(), destinations, ports: [Port.HTTPS], backends: [cilium] });
        count(destinations, [Port.HTTPS]);
        break;
      }
      case 'istio-fqdn': {
        const destinations = [Destination.fqdn(`svc${i}.saas.example.org`)];
        new AllowedExternalService(chart, id, { source: EgressSource.namespace(`mesh-${i}`), destinations, ports: [Port.HTTPS], backends: [istio] });
        count(destinations, [Port.HTTPS]);
        break;
      }
      case 'gateway-route': {
        gateway = gateway ?? new EgressGateway(chart, 'egress-gateway', { gatewayBackends: [cilium] });
        const destinations = [Destination.fqdn(`route${i}.external.example.com`)];
        gateway.addRoute(id, { source: source(), destinations, ports: [Port.HTTPS] });
        count(destinations, [Port.HTTPS]);
        break;
      }
      case 'fixed-ip': {
        const destinations = [Destination.ipv4(`203.0.113.${octet}/32`)];
        new FixedEgressIp(chart, id, {
          source: source(),
          destinations,
          provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: `10.0.${Math.floor(i / 250) % 250}.${octet}` }),
        });
        count(destinations, []);
        break;
      }
    }
  }
  return declared;
}

module.exports = { buildMix, KINDS };
