// One benchmark measurement in a fresh process: prints a JSON line {ms, rssMb, objects, bytes}.
//   node worker.js <variant: egress|l1|yaml> <N>
// egress: build N intents with cdk8s-egress constructs and synthesize YAML.
// l1:     build the same objects directly as cdk8s ApiObjects (from a precomputed JSON) and synthesize.
// yaml:   serialize the same objects with the yaml library alone (the floor).
const fs = require('fs');
const path = require('path');
const variant = process.argv[2];
const n = Number(process.argv[3]);
const fixture = path.join(process.env.BENCH_DIR, `objects-${n}.json`);

let t0 = process.hrtime.bigint();
let out;
let objects;
let stop;
if (variant === 'egress') {
  const { App } = require('cdk8s');
  const { buildMix } = require('./mix');
  const app = new App();
  buildMix(app, n);
  out = app.synthYaml();
  stop = process.hrtime.bigint();
  objects = out.split('\n---\n').length;
  if (process.env.BENCH_WRITE_FIXTURE) {
    fs.writeFileSync(fixture, JSON.stringify(app.charts.map((c) => c.toJson())));
  }
} else if (variant === 'l1') {
  const { App, Chart, ApiObject } = require('cdk8s');
  const charts = JSON.parse(fs.readFileSync(fixture, 'utf-8'));
  t0 = process.hrtime.bigint(); // the clock starts once the objects are in memory
  const app = new App();
  charts.forEach((objs, i) => {
    const chart = new Chart(app, `c${i}`);
    objs.forEach((o, j) => new ApiObject(chart, `o${j}`, o));
  });
  out = app.synthYaml();
  objects = charts.reduce((k, c) => k + c.length, 0);
} else if (variant === 'yaml') {
  const yaml = require('yaml');
  const charts = JSON.parse(fs.readFileSync(fixture, 'utf-8'));
  t0 = process.hrtime.bigint();
  out = charts.flat().map((o) => yaml.stringify(o)).join('---\n');
  objects = charts.reduce((k, c) => k + c.length, 0);
} else {
  throw new Error(`unknown variant ${variant}`);
}
const ms = Number((stop ?? process.hrtime.bigint()) - t0) / 1e6;
console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, objects, bytes: Buffer.byteLength(out) }));
