import { App, YamlOutputType } from 'cdk8s';
import { buildSeedApp } from './app';

const app = new App({ outdir: 'dist', yamlOutputType: YamlOutputType.FILE_PER_CHART });
buildSeedApp(app);
app.synth();
