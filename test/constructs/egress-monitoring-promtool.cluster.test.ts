// Cluster tier (npm run test:cluster; excluded from `npm test` as *.cluster.test.ts): promtool
// (Debian prometheus 2.42, installed by tools/validators/build-testbins.sh) checks the rule file of
// every EgressMonitoring option combination. PROMTOOL names the binary (tools/validators/env.sh);
// when it is missing this test fails, it never skips. The unit tests with synthetic series run in
// `node scripts/promtool-test.mjs` (also cluster tier).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import { EgressMonitoring, EgressMonitoringProps } from '../../src/constructs/egress-monitoring';
import { appChart } from '../monitoring/promtool/app';
import { ofKind } from '../support/helpers';

const SELECTOR = { release: 'kube-prometheus-stack' };
const promtool = process.env.PROMTOOL ?? path.join(os.homedir(), '.cache', 'cdk8s-egress', 'testbins', 'promtool');

describe('EgressMonitoring | promtool check rules (cluster tier)', () => {
  test('every option combination gives a valid rule file', () => {
    if (!fs.existsSync(promtool)) {
      throw new Error(`promtool is not installed at ${promtool}: bash tools/validators/build-testbins.sh promtool && source tools/validators/env.sh`);
    }
    const variants: Array<Partial<EgressMonitoringProps>> = [
      {},
      { ciliumAlerts: true, applicationMetrics: {}, kubeStateMetrics: true, alertLabels: { team: 'a' } },
      { rateWindow: Duration.seconds(90), errorRatioThreshold: 0.001, trafficAnomalyFactor: 1.5, passthroughAlerts: false },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-promtool-'));
    variants.forEach((v, i) => {
      const c = appChart();
      new EgressMonitoring(c, 'm', { ruleSelectorLabels: SELECTOR, ...v });
      const [rule] = ofKind(Testing.synth(c), 'PrometheusRule');
      fs.writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(rule.spec));
    });
    const r = spawnSync(promtool, ['check', 'rules', ...variants.map((_, i) => path.join(dir, `${i}.json`))], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.stdout + r.stderr).not.toMatch(/FAILED|duplicate/i);
    expect(r.status).toBe(0);
  });
});
