import { App, YamlOutputType } from 'cdk8s';
import { buildSeedApp } from './app';
import { EgressReport } from '../../src';

const app = new App({ outdir: 'dist', yamlOutputType: YamlOutputType.FILE_PER_CHART });
buildSeedApp(app);
// Synthesizes the manifests, then writes egress-report.md / egress-report.json beside them
// (nothing is written when synth fails).
EgressReport.synth(app);
