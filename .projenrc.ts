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
  devDeps: ['cdk8s-cli@^2.207.60', 'fast-check@^4', 'yaml@^2', 'ajv@^8', 'mermaid@11.12.3', 'jsdom@26.1.0'],

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
      testPathIgnorePatterns: ['/node_modules/', '/examples/.*/dist/'],
    },
  },
  eslintOptions: {
    dirs: ['src', 'test'],
    devdirs: ['test', 'examples', 'scripts'],
    ignorePatterns: ['imports/**', 'examples/**/dist/**', '*.js', '*.mjs', '!.projenrc.ts', '!projenrc/**/*.ts'],
  },
  npmignoreEnabled: true,
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/scripts/', '/tools/', '/docs/', '/.ci/', '/imports/*.ts', '!/imports/*.d.ts'] },
  gitignore: ['/examples/*/dist/', '/examples/*/node_modules/', '/.bench/', '/.cluster/'],
});

// JsiiProject forces types: lib/index.d.ts; with rootDir '.' the entry point lives in lib/src.
project.package.addField('types', 'lib/src/index.d.ts');

// Examples are type-checked together with the tests.
project.tsconfigDev.addInclude('../examples/**/*.ts');
project.tsconfigDev.addExclude('../examples/**/dist/**');

project.addTask('import', {
  description: 'Regenerate imports/*.ts from the pinned upstream CRDs (EGRESS_CRDS_DIR, default ../shared/crds); offline',
  exec: 'node scripts/import-crds.mjs',
});

project.addTask('example', {
  description: 'Synthesize the seed example app into examples/seed/dist',
  cwd: 'examples/seed',
  exec: 'cdk8s synth --no-check-upgrade',
});

project.addTask('test:cluster', {
  description: 'Validate every emitted manifest against a real kube-apiserver + CRDs, istioctl analyze and an independent NetworkPolicy engine',
  exec: 'bash scripts/test-cluster.sh',
});

project.synth();
