// The DNS-path check (src/checks/dns-path.ts): pods a policy isolates without DNS of its own need
// a DNS path from some policy of the app.
import { Chart, Testing } from 'cdk8s';
import { DnsEgressRule, Destination, EgressPolicy, EgressSource, Port } from '../../src';
import { hasDnsPath } from '../../src/checks/dns-path';
import { GrantPurpose, ModelPolicy } from '../../src/model/policy';
import { chart, tempApp, writtenFiles } from '../support/helpers';

const backendPods = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });

describe('DNS path', () => {
  test('an EgressPolicy without its own DNS passes synth when a DnsEgressRule covers its pods', () => {
    const app = tempApp();
    const c = new Chart(app, 'test');
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production') });
    new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), dns: [] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    app.synth();
    expect(writtenFiles(app)).toEqual(['test.k8s.yaml']);
  });

  test('a DNS rule for other pods does not count', () => {
    const app = tempApp();
    const c = new Chart(app, 'test');
    new DnsEgressRule(c, 'dns', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'other' } }) });
    new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), dns: [] });
    expect(() => app.synth()).toThrow(/EGRESS_DNS_PATH_MISSING/);
  });

  test('no DNS and no other DNS path fails at synth and writes nothing', () => {
    const app = tempApp();
    const c = new Chart(app, 'test');
    new EgressPolicy(c, 'p', { source: backendPods(), dns: [] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(() => app.synth()).toThrow(/\[test\/p\] Pods app=backend in namespace production is egress-isolated here but has no DNS path.*DnsEgressRule.*EGRESS_DNS_PATH_MISSING/s);
    expect(writtenFiles(app)).toEqual([]);
  });

  test('hasDnsPath: a DNS policy covers the pods of a source when it selects all of them', () => {
    const dnsFor = (namespace: string, podLabels?: Record<string, string>): ModelPolicy => ({
      constructPath: 'dns',
      backend: 'kubernetes',
      objectRef: 'NetworkPolicy/x/dns',
      purpose: GrantPurpose.ALLOW,
      source: { namespace, ...(podLabels ? { podLabels } : {}) },
      rules: [],
      providesDns: true,
      semantics: {},
    });
    expect(hasDnsPath([dnsFor('production')], { namespace: 'production', podLabels: { app: 'x' } })).toBe(true);
    expect(hasDnsPath([dnsFor('production')], { namespace: 'production' })).toBe(true);
    expect(hasDnsPath([dnsFor('production', { app: 'x' })], { namespace: 'production', podLabels: { app: 'x', tier: 'web' } })).toBe(true);
    // a selection of some pods does not cover every pod, nor other pods, nor another namespace
    expect(hasDnsPath([dnsFor('production', { app: 'x' })], { namespace: 'production' })).toBe(false);
    expect(hasDnsPath([dnsFor('production', { app: 'y' })], { namespace: 'production', podLabels: { app: 'x' } })).toBe(false);
    expect(hasDnsPath([dnsFor('staging')], { namespace: 'production' })).toBe(false);
    expect(hasDnsPath([{ ...dnsFor('production'), providesDns: false }], { namespace: 'production' })).toBe(false);
  });

  test('each synth checks the app as it is then: a DnsEgressRule added after a failed synth fixes the next one', () => {
    const c = chart();
    new EgressPolicy(c, 'p', { source: backendPods(), dns: [] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(() => Testing.synth(c)).toThrow(/\[test\/p\] Pods app=backend in namespace production is egress-isolated here but has no DNS path.*EGRESS_DNS_PATH_MISSING/s);
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production') });
    expect(() => Testing.synth(c)).not.toThrow();
  });
});
