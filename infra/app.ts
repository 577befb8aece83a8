// The CDK app for the CDK CLI: `npx cdk synth --app "npx tsx infra/app.ts" -c definition=chokutsu.yaml`.
// `chokutsu deploy` does the same in-process; this entry is for those who drive CDK themselves.
import { App } from 'aws-cdk-lib';
import { loadForDeploy, synthesize } from './synth.ts';

const app = new App();
const file = (app.node.tryGetContext('definition') as string | undefined) ?? 'chokutsu.yaml';
const existingInstanceArn = app.node.tryGetContext('instanceArn') as string | undefined;
synthesize(loadForDeploy(file), {
  outDir: app.outdir,
  ...(existingInstanceArn ? { existingInstanceArn } : {}),
});
