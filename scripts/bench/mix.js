// The benchmark's intent mix, built only from the public constructs of the compiled library.
// A realistic spread: external services by CIDR, DNS rules, internal policies, default-deny
// baselines, across namespaces. Extend with the other backends as they land.
const { Chart } = require('cdk8s');
const egress = require('../../lib/src');
const { AllowedExternalService, DefaultDenyEgress, Destination, DnsEgressRule, DnsResolver, EgressBackend, EgressPolicy, EgressSource, Port } = egress;

function buildMix(app, n) {
  const perChart = 500;
  let chart;
  for (let i = 0; i < n; i++) {
    if (i % perChart === 0) chart = new Chart(app, `mix${i / perChart}`);
    const ns = `team-${i % 50}`;
    const app_ = { app: `svc-${i % 200}` };
    const octet = i % 250;
    switch (i % 10) {
      case 0:
        new DefaultDenyEgress(chart, `i${i}`, { source: egress.EgressSource.namespace(ns) });
        break;
      case 1:
        new DnsEgressRule(chart, `i${i}`, { source: EgressSource.pods({ namespace: ns, labels: app_ }), resolvers: [DnsResolver.kubeDns(), DnsResolver.nodeLocalDnsCache()] });
        break;
      case 2: case 3: {
        const p = new EgressPolicy(chart, `i${i}`, { source: EgressSource.pods({ namespace: ns, labels: app_ }) });
        p.allow(Destination.pods({ labels: { app: 'db' } }), Port.POSTGRES);
        p.allow(Destination.pods({ labels: { app: 'cache' }, namespace: 'shared' }), Port.REDIS);
        break;
      }
      default:
        new AllowedExternalService(chart, `i${i}`, {
          source: EgressSource.pods({ namespace: ns, labels: app_ }),
          destinations: [Destination.ipv4(`198.51.${octet}.0/24`), Destination.ipv4(`203.0.113.${octet}/32`), Destination.ipv6('2001:db8::/48')],
          ports: [Port.HTTPS],
          backends: [EgressBackend.kubernetes()],
        });
    }
  }
}

module.exports = { buildMix };
