// `chokutsu deploy`: the instance definition to Amazon Connect with the CDK app in infra/.
// --synth writes the CloudFormation template (no AWS credentials, no network); --diff and a deploy
// synthesize the same way and hand the cloud assembly to the CDK CLI (`cdk … --app <out dir>`).
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDefinitionFile } from '../../app/line.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';

interface DeployOptions {
  synth?: boolean;
  diff?: boolean;
  out?: string;
  instanceArn?: string;
  alias?: string;
  phoneNumber?: string;
  tests?: string;
}

const CDK_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'node_modules', '.bin', 'cdk');

export function registerDeploy(program: Command, ctx: CliContext): void {
  program.command('deploy')
    .description('deploy the line to Amazon Connect (CDK): --synth writes the template only, --diff shows the changes')
    .option('--synth', 'write the CloudFormation template and stop (no AWS credentials needed)')
    .option('--diff', 'show what a deploy would change (needs AWS credentials)')
    .option('--out <dir>', 'where the cloud assembly goes (default: <data dir>/cdk.out)')
    .option('--instance-arn <arn>', 'deploy into this existing Amazon Connect instance instead of creating one')
    .option('--alias <alias>', "the new instance's alias (default: the definition's instanceId)")
    .option('--phone-number <prefix>', 'claim a Japanese DID: 050 or 03')
    .option('--tests <dir>', 'Testing-language test cases to deploy as AWS::Connect::TestCase (default: tests/connect next to the definition, if any)')
    .action(async (opts: DeployOptions, cmd: Command) => {
      ctx.exitCode = await deploy(ctx.dataDir(cmd), opts, ctx.io, process.env);
    });
}

/** Where AWS credentials may come from, as the SDK's default chain looks (env, profile files, SSO, containers). */
export function awsCredentialSource(env: NodeJS.ProcessEnv, home = homedir()): string | undefined {
  if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) return 'AWS_ACCESS_KEY_ID';
  if (env['AWS_PROFILE']) return `profile ${env['AWS_PROFILE']}`;
  if (env['AWS_WEB_IDENTITY_TOKEN_FILE']) return 'web identity';
  if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']) return 'container';
  const files = [env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials'), env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config')];
  return files.find((f) => existsSync(f));
}

async function deploy(dataDir: string, opts: DeployOptions, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const file = findDefinitionFile(dataDir);
  if (!file) {
    io.err(`no instance definition in ${dataDir}; run \`chokutsu init\``);
    return 1;
  }
  const prefix = opts.phoneNumber === undefined ? undefined : ({ '050': '+8150', '03': '+813' } as const)[opts.phoneNumber];
  if (opts.phoneNumber !== undefined && prefix === undefined) {
    io.err(`--phone-number takes 050 or 03, not ${opts.phoneNumber}`);
    return 2;
  }
  const source = awsCredentialSource(env);
  if (!opts.synth && source === undefined) {
    io.err([
      `chokutsu deploy${opts.diff ? ' --diff' : ''} needs AWS credentials, and none were found.`,
      'Missing: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or ~/.aws/credentials / ~/.aws/config (aws configure, aws sso login).',
      'Also needed: a region (AWS_REGION, e.g. ap-northeast-1) and a bootstrapped account (npx cdk bootstrap).',
      'Nothing was deployed. `chokutsu deploy --synth` writes the CloudFormation template without credentials.',
    ].join('\n'));
    return 1;
  }
  // aws-cdk-lib is loaded only here: the line itself never needs it.
  const { loadForDeploy, synthesize, DefinitionError } = await import('../../../infra/synth.ts');
  const outDir = resolve(opts.out ?? join(dataDir, 'cdk.out'));
  let templateFile: string;
  let testCases = 0;
  try {
    const synthesized = synthesize(loadForDeploy(file), {
      outDir,
      ...(opts.instanceArn ? { existingInstanceArn: opts.instanceArn } : {}),
      ...(opts.alias ? { instanceAlias: opts.alias } : {}),
      ...(prefix ? { phoneNumber: { prefix } } : {}),
      ...(opts.tests ? { testCasesDir: resolve(opts.tests) } : {}),
      ...(env['AWS_REGION'] ? { env: { region: env['AWS_REGION'] } } : {}),
    });
    templateFile = synthesized.templateFile;
    testCases = synthesized.stack.testCases.size;
  } catch (err) {
    io.err(err instanceof DefinitionError ? err.message : `synthesis failed: ${(err as Error).message}`);
    return 1;
  }
  io.out(`CloudFormation template: ${templateFile}`);
  if (testCases > 0) io.out(`test cases: ${testCases} as AWS::Connect::TestCase (status SAVED; docs/deploy.md)`);
  if (opts.synth) return 0;
  const args = [opts.diff ? 'diff' : 'deploy', '--app', outDir, ...(opts.diff ? [] : ['--require-approval', 'broadening'])];
  io.out(`credentials: ${source}; running cdk ${args.join(' ')}`);
  const run = spawnSync(CDK_BIN, args, { stdio: 'inherit', env });
  return run.status ?? 1;
}
