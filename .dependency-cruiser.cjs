// The layers of chokutsu, checked on every `npm test` (docs/architecture.md has the picture).
// Lowest first: core → instance → functions → runtime → adapters (store, telephony, server) → app → cli.
// A wrong-way import fails with the name of the rule it breaks.
const CORE = '^src/(flow|routing|calendar|contacts|directory|users)/';
const ABOVE_CORE = '^src/(instance|functions|runtime|store|telephony|server|app|cli)/';
const ADAPTERS = ['store', 'telephony', 'server'];
// Node modules that do I/O, and libraries that are adapters' business.
const IO_MODULES = '^(node:)?(fs|fs/promises|net|dgram|http|https|http2|tls|child_process|worker_threads|cluster)$';
const ADAPTER_LIBRARIES = 'node_modules/(@types/)?(better-sqlite3|fastify|@fastify/|ws|prom-client|@aws-sdk/|@node-rs/argon2|yaml)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A file cycle: two modules that need each other. Move what both need into a third, lower module.',
      from: { path: '^(src|flows|infra)/' },
      to: { circular: true },
    },
    {
      name: 'flow-is-the-ground',
      severity: 'error',
      comment: 'The flow interpreter imports nothing outside src/flow/: hours, queues and prompts reach it through the FlowCatalog.',
      from: { path: '^src/flow/' },
      to: { path: '^src/(?!flow/)' },
    },
    {
      name: 'core-imports-no-layer-above',
      severity: 'error',
      comment: 'The pure cores (flow, routing, calendar, contacts, directory, users) import no instance/config module, runtime, adapter or composition root.',
      from: { path: CORE },
      to: { path: ABOVE_CORE },
    },
    {
      name: 'core-does-no-io',
      severity: 'error',
      comment: 'The pure cores do no I/O: sockets, files, SQLite, HTTP belong to adapters (src/store, src/telephony, src/server).',
      from: { path: CORE },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], path: [IO_MODULES, ADAPTER_LIBRARIES] },
    },
    {
      name: 'instance-below-runtime-and-adapters',
      severity: 'error',
      comment: 'The instance definition (src/instance) sits on the cores only.',
      from: { path: '^src/instance/' },
      to: { path: '^src/(functions|runtime|store|telephony|server|app|cli)/' },
    },
    {
      name: 'functions-are-deployable-alone',
      severity: 'error',
      comment: 'Lambda handlers (src/functions) deploy to AWS Lambda: they import cores and the instance types only.',
      from: { path: '^src/functions/' },
      to: { path: '^src/(runtime|store|telephony|server|app|cli)/' },
    },
    {
      name: 'runtime-imports-no-adapter',
      severity: 'error',
      comment: 'The runtime (contact center, text channel) performs effects through interfaces; adapters are given to it by src/app.',
      from: { path: '^src/runtime/' },
      to: { path: '^src/(store|telephony|server|app|cli)/' },
    },
    ...ADAPTERS.map((adapter) => ({
      name: `${adapter}-imports-no-other-adapter`,
      severity: 'error',
      comment: `Adapters never import each other: src/${adapter} declares the interfaces it needs and src/app passes them in.`,
      from: { path: `^src/${adapter}/` },
      to: { path: `^src/(${ADAPTERS.filter((a) => a !== adapter).join('|')})/` },
    })),
    {
      name: 'adapters-below-the-composition-root',
      severity: 'error',
      comment: 'Only src/app knows every adapter; adapters never import it (nor the CLI).',
      from: { path: `^src/(${ADAPTERS.join('|')})/` },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'app-below-cli',
      severity: 'error',
      comment: 'The CLI sits on the composition root, never the other way round.',
      from: { path: '^src/app/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'shipped-flow-contracts-wired-by-app',
      severity: 'error',
      comment: "A shipped flow's attribute contract (flows/*.ts) is passed in by the composition root, not read by generic code.",
      from: { path: '^src/(?!app/|cli/)' },
      to: { path: '^flows/' },
    },
    {
      name: 'infra-deploys-the-definition',
      severity: 'error',
      comment: 'The CDK app (infra/) reads the instance definition, checks flows and bundles the functions: it imports src/instance, src/flow and src/functions, nothing else of src.',
      from: { path: '^infra/' },
      to: { path: '^src/(?!instance/|flow/|functions/)' },
    },
    {
      name: 'only-the-cli-drives-infra',
      severity: 'error',
      comment: 'Only `chokutsu deploy` (src/cli) loads the CDK app; the line itself never needs aws-cdk-lib.',
      from: { path: '^(src/(?!cli/)|flows/)' },
      to: { path: '^infra/' },
    },
    {
      name: 'source-imports-no-tests',
      severity: 'error',
      from: { path: '^(src|flows|infra)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.json$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.mjs', '.js', '.cjs', '.json', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
