// EgressModel.recordFact() as the documented extension point: facts about egress the library does
// not render (here a NAT gateway and a Cilium egress gateway managed elsewhere) reach the report,
// monitoring and the app-wide checks, evaluated when the model is read.
import { Chart } from 'cdk8s';
import { Destination, EgressFactDetails, EgressModel, EgressPolicy, EgressSource, FactKind, Port, egressErrorCode, isEgressError } from '../../src';
import { EgressMonitoring } from '../../src/constructs/egress-monitoring';
import { ReportData } from '../../src/report/data';
import { EgressReport } from '../../src/report/egress-report';
import { chart, tempApp, writtenFiles } from '../support/helpers';

process.env.CDK8S_EGRESS_QUIET = '1';

const billing = { namespace: 'payments', podLabels: { app: 'billing' } };

function natGateway(c: Chart, egressIp: () => string, constructPath = `${c.node.path}/nat-gateway`): void {
  EgressModel.of(c).recordFact({
    toFact: () => ({
      kind: FactKind.FIXED_EGRESS_IP,
      constructPath,
      source: billing,
      destinations: [Destination.ipv4('198.51.100.0/24').toConfig()],
      summary: `source IP ${egressIp()} via the VPC NAT gateway`,
      objectRefs: [],
      details: { [EgressFactDetails.PROVIDER]: 'cilium', [EgressFactDetails.EGRESS_IP]: egressIp() },
    }),
  });
}

describe('EgressModel.recordFact', () => {
  test('a fixed IP managed elsewhere is the source IP of the rows it covers, evaluated when the model is read', () => {
    const c = chart();
    const p = new EgressPolicy(c, 'billing', { source: EgressSource.pods({ namespace: 'payments', labels: { app: 'billing' } }) });
    p.allow(Destination.ipv4('198.51.100.0/24'), Port.HTTPS);
    p.allow(Destination.ipv4('192.0.2.0/24'), Port.HTTPS);
    let ip = 'not yet known';
    natGateway(c, () => ip);
    ip = '203.0.113.10';
    const data = JSON.parse(EgressReport.of(c).renderJson()) as ReportData;
    const w = data.workloads.find((x) => x.id === 'payments/app=billing')!;
    expect(w.reach.map((r) => [r.destination, r.sourceIp])).toEqual([
      ['192.0.2.0/24', 'node IP (SNAT) — not fixed'],
      ['198.51.100.0/24', '203.0.113.10 (fixed: source IP 203.0.113.10 via the VPC NAT gateway)'],
    ]);
    expect(w.commands.map((x) => x.command)).toContain('kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf egress list');
    expect(data.mermaid).toContain('|"TCP/443 (HTTPS) · src 203.0.113.10"| d_198_51_100_0_24');
  });

  test('an unreachable destination of a hand-recorded fixed IP fails synth: at its construct, or at the app root naming the path of the fact', () => {
    const build = (path?: (c: Chart) => string) => {
      const app = tempApp();
      const c = new Chart(app, 'c');
      new EgressPolicy(c, 'billing', { source: EgressSource.pods({ namespace: 'payments', labels: { app: 'billing' } }) })
        .allow(Destination.ipv4('192.0.2.0/24'), Port.HTTPS);
      natGateway(c, () => '203.0.113.10', path?.(c));
      return app;
    };
    // the app-wide checks report at the constructs they watch: under the policy's path the finding fails synth
    const watched = build((c) => `${c.node.path}/billing`);
    expect(() => watched.synth()).toThrow(/\[c\/billing\] This fixed egress IP is declared for pod app=billing in payments → 198\.51\.100\.1, which no port reaches.*\(EGRESS_INTENT_BLOCKED\)/);
    expect(writtenFiles(watched)).toEqual([]);
    // under a path of no construct (the usual hand-recorded fact) it is reported at the app root, with that path
    const unwatched = build();
    expect(() => unwatched.synth()).toThrow(/\] at c\/nat-gateway: This fixed egress IP is declared for pod app=billing in payments → 198\.51\.100\.1, which no port reaches.*\(EGRESS_INTENT_BLOCKED\)/);
    expect(writtenFiles(unwatched)).toEqual([]);
  });

  test('a gateway route recorded after EgressMonitoring fails synth; one recorded before it is monitored', () => {
    const route = (c: Chart) => EgressModel.of(c).recordFact({
      toFact: () => ({
        kind: FactKind.GATEWAY_ROUTE,
        constructPath: `${c.node.path}/route`,
        source: { namespace: 'payments' },
        summary: 'via istio-system/shared-egress (installed by the platform chart)',
        objectRefs: [],
        details: {
          [EgressFactDetails.GATEWAY_NAMESPACE]: 'istio-system',
          [EgressFactDetails.GATEWAY_WORKLOAD]: 'shared-egress',
          [EgressFactDetails.GATEWAY_LABELS]: 'istio=shared-egress',
          [EgressFactDetails.HOSTS]: 'api.partner.example',
        },
      }),
    });
    const before = new Chart(tempApp(), 'before', { namespace: 'monitoring' });
    route(before);
    const m = new EgressMonitoring(before, 'm', { ruleSelectorLabels: { release: 'kube-prometheus-stack' } });
    expect(m.alertNames.length).toBeGreaterThan(0);

    const app = tempApp();
    const after = new Chart(app, 'after', { namespace: 'monitoring' });
    new EgressPolicy(after, 'p', { source: EgressSource.namespace('payments') });
    new EgressMonitoring(after, 'm', { ruleSelectorLabels: { release: 'kube-prometheus-stack' } });
    route(after);
    expect(() => app.synth()).toThrow(/Egress declarations changed after this EgressMonitoring was built/);
    expect(writtenFiles(app)).toEqual([]);
  });

  test('refuses something that is not a fact source, with an EgressError', () => {
    let err: unknown;
    try {
      EgressModel.of(chart()).recordFact({ kind: FactKind.ALERT } as any);
    } catch (e) {
      err = e;
    }
    expect(isEgressError(err)).toBe(true);
    expect(egressErrorCode(err)).toBeDefined();
    expect((err as Error).message).toMatch(/The fact of EgressModel\.recordFact\(\).*an object with a toFact\(\) method/);
  });
});
