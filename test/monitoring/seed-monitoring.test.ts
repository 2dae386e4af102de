import { Testing } from 'cdk8s';
import { buildSeedApp } from '../../examples/seed/app';
import { MonitoringSection } from '../../examples/seed/monitoring';
import { EgressReport } from '../../src/report/egress-report';
import { ofKind, synth } from '../support/helpers';

process.env.CDK8S_EGRESS_QUIET = '1';

describe('examples/seed MonitoringSection', () => {
  test('added last to the seed app: rules for every declared workload, schema-valid; the report lists them', () => {
    const app = Testing.app();
    buildSeedApp(app); // the seed app declares the monitoring section last
    const section = app.node.findChild('monitoring') as MonitoringSection;
    expect(section).toBeInstanceOf(MonitoringSection);
    const manifests = synth(section);
    const [rule] = ofKind(manifests, 'PrometheusRule');
    expect(rule.metadata).toEqual({ name: 'egress-alerts', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    expect(section.monitoring.alertNames).toEqual(expect.arrayContaining(['EgressBlockedRequests', 'EgressPolicyDrops', 'EgressClusterTrafficAnomaly', 'EgressApplicationErrorRatioHigh']));
    const blocked = rule.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === 'EgressBlockedRequests');
    // every namespace the seed sections declare egress for (other sections add their own)
    expect(blocked.expr).toMatch(/source_workload_namespace=~"(?:[a-z0-9-]+\|)*production(?:\|[a-z0-9-]+)*"/);
    const backend = JSON.parse(EgressReport.of(app).renderJson()).workloads.find((w: any) => w.id === 'production/app=backend');
    expect(backend.alerts.map((a: any) => a.summary.split(':')[0])).toEqual(expect.arrayContaining(['EgressBlockedRequests', 'EgressPolicyDrops']));
  });
});
