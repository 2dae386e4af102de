import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-egress',
  description: 'Egress control for Kubernetes as typed cdk8s constructs: NetworkPolicy, Cilium, Calico, Istio egress gateways, fixed egress IPs, monitoring and an explain report.',
  keywords: ['cdk8s', 'kubernetes', 'egress', 'networkpolicy', 'cilium', 'istio', 'calico', 'security'],
  author: 'cdk8s-egress maintainers',
  authorAddress: 'maintainers@cdk8s-egress.dev',
  repositoryUrl: 'https://github.com/cdk8s-egress/cdk8s-egress.git',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.3', // ts-jest 29 needs typescript < 7
  minNodeVersion: '20.16.0', // jsii's floor; also makes projen pick @types/node@^20
  peerDeps: ['cdk8s-plus-30@^2.4.10'], // jsii modules must be peers (JSII9000 otherwise)
  bundledDeps: ['ipaddr.js@^2.2.0'],
  devDeps: ['cdk8s-cli@^2.207.60', 'cdk8s-plus-31@^2.6.43', 'cdk8s-plus-32@^2.5.92', 'cdk8s-plus-33@^2.5.57', 'fast-check@^4', 'yaml@^2', 'ajv@^8', 'mermaid@11.12.3', 'jsdom@26.1.0'],

  // jsii language targets (docs/languages.md). Built locally by `package-all` / `package:langs`;
  // under CI=true projen's `package` builds JS only, so .ci/run calls `package:langs` explicitly.
  publishToPypi: { distName: 'cdk8s-egress', module: 'cdk8s_egress' },
  publishToMaven: {
    javaPackage: 'dev.cdk8segress.egress',
    mavenGroupId: 'dev.cdk8segress',
    mavenArtifactId: 'cdk8s-egress',
  },
  publishToGo: { moduleName: 'github.com/cdk8s-egress/cdk8s-egress-go', packageName: 'cdk8segress' },
  // .NET is not shipped yet: no dotnet SDK on the build machines (docs/languages.md).

  github: false,
  release: false,
  depsUpgrade: false,

  // Generated bindings live in a top-level imports/ (design card), compiled beside src/.
  tsconfig: {
    compilerOptions: { rootDir: '.' },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
  },
  entrypoint: 'lib/src/index.js',

  typecheckTests: true,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER, // `test` fails on a changed snapshot; `test:update` rewrites
    jestConfig: {
      coveragePathIgnorePatterns: ['/node_modules/', '/imports/'],
      // *.cluster.test.ts need binaries built by tools/validators/build-testbins.sh (the Cilium
      // agent parser, promtool): they belong to the cluster tier (scripts/test-cluster.sh runs them),
      // so `npm test` runs every test it collects, none skipped.
      testPathIgnorePatterns: ['/node_modules/', '/examples/.*/dist/', '\\.cluster\\.test\\.ts$'],
      setupFiles: ['<rootDir>/test/support/setup-env.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts', // one line when imports/schemas/ is missing or stale
    },
  },
  eslintOptions: {
    dirs: ['src', 'test'],
    devdirs: ['test', 'examples', 'scripts'],
    ignorePatterns: ['imports/**', 'examples/**/dist/**', '*.js', '*.mjs', '!.projenrc.ts', '!projenrc/**/*.ts'],
  },
  npmignoreEnabled: true,
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/scripts/', '/tools/', '/docs/', '/.ci/', '/imports/*.ts', '!/imports/*.d.ts', '/imports/schemas/', '/rosetta/', '/.jsii.tabl.json'] },
  gitignore: ['/.jsii.tabl.json', '/examples/*/dist/', '/examples/*/node_modules/', '/examples/java/target/', '__pycache__/', '/.bench/', '/.cluster/', '/.dataplane/'],
});

// JsiiProject forces types: lib/index.d.ts; with rootDir '.' the entry point lives in lib/src.
project.package.addField('types', 'lib/src/index.d.ts');

// Examples are type-checked together with the tests.
project.tsconfigDev.addInclude('../examples/**/*.ts');
project.tsconfigDev.addExclude('../examples/**/dist/**');

project.addTask('import', {
  description: 'Regenerate imports/*.ts and imports/schemas/ from the checksummed upstream files in imports/SOURCES.json (EGRESS_CRDS_DIR, default ../shared/crds); offline',
  exec: 'node scripts/import-crds.mjs',
});
project.addTask('import:check', {
  description: 'Fail if imports/*.ts or imports/schemas/ differ from what `import` generates (needs the same CRD folder)',
  exec: 'node scripts/import-crds.mjs --check',
});

project.addTask('example', {
  description: 'Synthesize the seed example app into examples/seed/dist',
  cwd: 'examples/seed',
  exec: 'cdk8s synth --no-check-upgrade',
});

// Python, Java and Go packages (docs/languages.md). `package-all` (non-CI `package`) runs them after
// package:js; CI calls `package:langs` explicitly. scripts/build-langs.sh explains the Java/Go
// workarounds (cdk8s/cdk8s-plus-30 bindings generated locally); caches in ~/.cache/cdk8s-egress.
const packageLangs = project.addTask('package:langs', {
  description: 'Build the Python wheel, Java jar and Go module into dist/{python,java,go} (needs python3, mvn, go)',
});
for (const lang of ['python', 'java', 'go']) {
  const task = project.tasks.tryFind(`package:${lang}`)!;
  task.reset(`bash scripts/build-langs.sh ${lang}`);
  packageLangs.spawn(task);
}
project.addTask('parity', {
  description: 'Run the seed example in TypeScript, Python, Java and Go and compare the YAML byte for byte',
  exec: 'bash scripts/parity.sh',
});

project.addTask('test:cluster', {
  description: 'Validate every emitted manifest against a real kube-apiserver + CRDs, istioctl analyze and an independent NetworkPolicy engine',
  exec: 'bash scripts/test-cluster.sh',
});

project.addTask('test:dataplane', {
  description: 'Real packets: every example and >= 200 generated apps on a NetworkPolicy dataplane (kube-network-policies in network namespaces), each probe compared with the model (root)',
  exec: 'bash scripts/test-dataplane.sh',
});

const bench = project.addTask('bench', {
  description: 'Benchmark synth cost, load time, cross-language overhead and output economy; writes docs/benchmarks.{md,json}',
});
bench.spawn(project.compileTask);
bench.exec('node scripts/bench/run.mjs');

// An import cycle fails the lint step of `npm test` (and so the build), a cycle through a lazy
// require() included (`commonjs: true`; `disableScc`, because the rule's strongly-connected-component
// shortcut is built from ES imports only and would skip every cycle with a require() in it): the
// factories that load a backend or a fixed-IP provider on first use sit above the contract those
// modules implement. Type-only imports (`import type`) do not count.
project.eslint?.addRules({ 'import/no-cycle': ['error', { commonjs: true, disableScc: true }] });

// The layers of src/, lowest first (docs/concepts.md). A module may import its own layer and the
// layers listed before it, never one listed after it; layers in one group do not import each other.
// Only the renderers in backends/, fixed-ip/, gateway/ and monitoring/ may import generated code.
const LAYERS: string[][] = [
  ['util'], ['core'], ['emit', 'model'], ['backends'], ['fixed-ip'], ['gateway'], ['checks'], ['monitoring'],
  ['report'], ['constructs'],
];
const GENERATED_CODE_ALLOWED = new Set(['backends', 'fixed-ip', 'gateway', 'monitoring']);
const zones: Array<{ target: string; from: string; message: string }> = [];
LAYERS.forEach((group, i) => {
  for (const layer of group) {
    const above = [...LAYERS.slice(i + 1).flat(), ...group.filter((g) => g !== layer)];
    for (const other of above) {
      zones.push({
        target: `./src/${layer}`,
        from: `./src/${other}`,
        message: `src/${layer} sits below src/${other} (docs/concepts.md, "Layers of the code"): move the shared part down, or the caller up.`,
      });
    }
    if (!GENERATED_CODE_ALLOWED.has(layer)) {
      zones.push({
        target: `./src/${layer}`,
        from: './imports',
        message: `src/${layer} never imports generated code: only backends, fixed-IP providers, gateway providers and monitoring renderers do.`,
      });
    }
  }
});
project.eslint?.addRules({ 'import/no-restricted-paths': ['error', { zones }] });

project.synth();
