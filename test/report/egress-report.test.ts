import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { buildRepresentativeApp } from './representative-app';
import { Destination, DnsEgressRule, EgressPolicy, EgressSource, EgressWarningId, EgressWarnings, Port } from '../../src';
import { EgressReport } from '../../src/report/egress-report';
import { expectEgressError, tempApp, writtenFiles } from '../support/helpers';

process.env.CDK8S_EGRESS_QUIET = '1';

describe('EgressReport | written next to the manifests, only when synth succeeds', () => {
  test('EgressReport.synth writes the manifests, then egress-report.md and .json', () => {
    const app = tempApp();
    buildRepresentativeApp(app);
    const files = EgressReport.synth(app);
    expect(writtenFiles(app).sort()).toEqual(['egress-report.json', 'egress-report.md', 'shop.k8s.yaml']);
    expect(files).toEqual({ markdownFile: path.join(app.outdir, 'egress-report.md'), jsonFile: path.join(app.outdir, 'egress-report.json') });
    const report = EgressReport.of(app);
    expect(fs.readFileSync(files.markdownFile, 'utf8')).toBe(report.renderMarkdown());
    expect(fs.readFileSync(files.jsonFile, 'utf8')).toBe(report.renderJson());
    expect(JSON.parse(fs.readFileSync(files.jsonFile, 'utf8')).formatVersion).toBe(1);
  });

  test('app.synth() then EgressReport.write(app), into another directory and file name', () => {
    const app = tempApp();
    buildRepresentativeApp(app);
    app.synth();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-report-'));
    const files = EgressReport.write(app, { outdir: path.join(dir, 'reports'), fileName: 'shop-egress' });
    expect(fs.readdirSync(path.join(dir, 'reports')).sort()).toEqual(['shop-egress.json', 'shop-egress.md']);
    expect(files.markdownFile).toBe(path.join(dir, 'reports', 'shop-egress.md'));
    expect(() => EgressReport.write(app, { fileName: '../escape' })).toThrow(/EgressReport.write\(\) options.fileName "..\/escape" contains a directory: fileName is a plain file name, and the directory goes into outdir. Did you mean \{ outdir: "..", fileName: "escape" \}\? \(EGRESS_INVALID_NAME\)/);
  });

  test('when synth fails nothing is written: no manifests, no report', () => {
    const app = tempApp();
    const c = new Chart(app, 'broken');
    // isolated without any DNS path: fails app.synth() validation
    new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }), dns: [] })
      .allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    expect(() => EgressReport.synth(app)).toThrow(/\[broken\/p\] Pods app=x in namespace production is egress-isolated here but has no DNS path/);
    expect(writtenFiles(app)).toEqual([]);
  });

  test('write() runs the validations itself: a failing app gets no report even without app.synth()', () => {
    const app = tempApp();
    const c = new Chart(app, 'strict');
    EgressWarnings.enableStrictMode(app);
    new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'x' } }) })
      .allow(Destination.ipv4('64.0.0.0/2'), Port.HTTPS);
    new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('production') });
    // the EgressPolicy itself does not warn; make it fail strict mode with a warning of our own
    EgressWarnings.add(c, EgressWarningId.BROAD_CIDR, 'a test warning');
    // an EgressError with the code and path of the failing warning (once a plain Error without a code)
    expectEgressError(() => EgressReport.write(app), 'EGRESS_WARNING_NOT_ACKNOWLEDGED', 'strict',
      /^\[strict\] a test warning \(cdk8s-egress:broadCidr; strict mode.*Nothing was written/);
    expect(writtenFiles(app)).toEqual([]);
  });
});
