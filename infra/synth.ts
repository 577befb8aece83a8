// Synthesis without AWS credentials or network: the definition is loaded and checked, the functions
// bundled locally, the stack built in-process. `chokutsu deploy` and the tests call this; the CDK CLI
// then deploys the cloud assembly it writes (`cdk deploy --app <out dir>`).
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadInstance, type InstanceProblem, type LoadedInstance } from '../src/instance/load.ts';
import { bundleFunctions } from './bundle.ts';
import { ChokutsuStack, type ChokutsuStackProps } from './stack.ts';
import { suppressJustified } from './nag.ts';

export interface SynthOptions {
  /** Where the cloud assembly goes (cdk.out). */
  outDir?: string;
  stackName?: string;
  /** Explicit account and region; the stack stays environment-agnostic when absent. */
  env?: { account?: string; region?: string };
  existingInstanceArn?: string;
  instanceAlias?: string;
  phoneNumber?: ChokutsuStackProps['phoneNumber'];
  /**
   * The Testing-language test cases to deploy as AWS::Connect::TestCase (relative to the definition's
   * directory); default `tests/connect` next to the definition when it exists; `false` for none.
   */
  testCasesDir?: string | false;
  testCaseStatus?: ChokutsuStackProps['testCaseStatus'];
  /** Run cdk-nag's AwsSolutions pack (errors fail synthesis). Default true. */
  nag?: boolean;
}

export class DefinitionError extends Error {
  constructor(readonly file: string, readonly problems: InstanceProblem[]) {
    super(`${file}: ${problems.map((p) => `${p.path || '/'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`).join('; ')}`);
    this.name = 'DefinitionError';
  }
}

export function loadForDeploy(definitionFile: string): LoadedInstance {
  const loaded = loadInstance(definitionFile);
  if (!loaded.ok) throw new DefinitionError(definitionFile, loaded.problems);
  return loaded.instance;
}

export interface Synthesized {
  app: App;
  stack: ChokutsuStack;
  /** The cloud assembly directory. */
  outDir: string;
  /** The CloudFormation template file in it. */
  templateFile: string;
}

export function synthesize(instance: LoadedInstance, options: SynthOptions = {}): Synthesized {
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'chokutsu-cdk-'));
  mkdirSync(outDir, { recursive: true });
  const bundleDir = mkdtempSync(join(tmpdir(), 'chokutsu-functions-'));
  // No context lookups, no version reporting: nothing here may need AWS or the network.
  const testCasesDir = options.testCasesDir === false ? undefined
    : options.testCasesDir ?? (existsSync(resolve(instance.dir, 'tests', 'connect')) ? join('tests', 'connect') : undefined);
  const app = new App({ outdir: outDir, analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new ChokutsuStack(app, options.stackName ?? 'Chokutsu', {
    instance,
    functions: bundleFunctions(instance.definition, instance.dir, bundleDir),
    ...(options.env ? { env: options.env } : {}),
    ...(options.existingInstanceArn ? { existingInstanceArn: options.existingInstanceArn } : {}),
    ...(options.instanceAlias ? { instanceAlias: options.instanceAlias } : {}),
    ...(options.phoneNumber ? { phoneNumber: options.phoneNumber } : {}),
    ...(testCasesDir !== undefined ? { testCasesDir } : {}),
    ...(options.testCaseStatus ? { testCaseStatus: options.testCaseStatus } : {}),
    description: `chokutsu: ${instance.definition.name} on Amazon Connect`,
  });
  suppressJustified(stack);
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const assembly = app.synth();
  return { app, stack, outDir, templateFile: join(assembly.directory, stack.templateFile) };
}
