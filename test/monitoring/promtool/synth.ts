// Writes the spec of every PrometheusRule of the promtool test app as a Prometheus rule file
// (<outdir>/<name>.rules.json) and the full manifests (<outdir>/manifests/). Used by
// scripts/promtool-test.mjs: `ts-node test/monitoring/promtool/synth.ts <outdir>`.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildPromtoolApp } from './app';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: synth.ts <outdir>');
const app = new App({ outdir: path.join(outdir, 'manifests') });
buildPromtoolApp(app);
app.synth();
for (const chart of app.charts) {
  for (const obj of chart.toJson()) {
    if (obj.kind !== 'PrometheusRule') continue;
    fs.writeFileSync(path.join(outdir, `${obj.metadata.name}.rules.json`), `${JSON.stringify(obj.spec, null, 2)}\n`);
  }
}
