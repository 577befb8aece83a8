// `chokutsu export --to dynamodb` against dynalite, and `chokutsu deploy` without AWS credentials.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { awsCredentialSource } from '../../src/cli/commands/deploy.ts';
import { main } from '../../src/cli/main.ts';
import { createCustomerTable, startDynalite, type LocalDynamo } from './dynalite.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('chokutsu export --to dynamodb', () => {
  let dir: string;
  let dynamo: LocalDynamo;
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chokutsu-export-'));
    dynamo = await startDynalite();
    await createCustomerTable(dynamo.client, 'customers');
    // dynalite takes any credentials; these keep the SDK from looking for real ones.
    process.env['AWS_ACCESS_KEY_ID'] = 'test';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
    assert.equal((await run('--data-dir', dir, 'init')).code, 0);
    const rows = Array.from({ length: 57 }, (_, i) => `${String(i + 1).padStart(5, '0')},顧客${i + 1},${i % 2 === 0 ? 'project-sakura' : '富士ビル改修'}`);
    writeFileSync(join(dir, 'more.csv'), `customer_number,name,queue\n${rows.join('\n')}\n`);
    assert.equal((await run('--data-dir', dir, 'import', join(dir, 'more.csv'))).code, 0);
  });
  after(async () => {
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
    if (saved.id === undefined) delete process.env['AWS_ACCESS_KEY_ID']; else process.env['AWS_ACCESS_KEY_ID'] = saved.id;
    if (saved.secret === undefined) delete process.env['AWS_SECRET_ACCESS_KEY']; else process.env['AWS_SECRET_ACCESS_KEY'] = saved.secret;
  });

  const scan = async () => (await dynamo.client.send(new ScanCommand({ TableName: 'customers' }))).Items ?? [];

  test('copies every customer in batches of 25, showing progress, with queue names and leading zeros kept', async () => {
    const r = await run('--data-dir', dir, 'export', '--to', 'dynamodb', '--table', 'customers', '--endpoint', dynamo.endpoint);
    assert.equal(r.code, 0, r.err);
    // 3 demo customers + 57 = 60: batches of 25, 25, 10.
    assert.match(r.out, /25\/60 customers copied/);
    assert.match(r.out, /50\/60 customers copied/);
    assert.match(r.out, /exported 60 customers to DynamoDB table customers/);
    const items = await scan();
    assert.equal(items.length, 60);
    const item = items.find((i) => i['CustomerId']?.S === '00001');
    assert.deepEqual(item, { CustomerId: { S: '00001' }, CustomerName: { S: '顧客1' }, QueueName: { S: 'さくら邸リフォーム' } });
    assert.equal(existsSync(join(dir, 'cache', 'export-dynamodb-customers.json')), false, 'no checkpoint left after a full copy');
  });

  test('resumes an interrupted copy after the last batch written', async () => {
    writeFileSync(join(dir, 'cache', 'export-dynamodb-customers.json'), JSON.stringify({ table: 'customers', exported: 50 }));
    const r = await run('--data-dir', dir, 'export', '--to', 'dynamodb', '--table', 'customers', '--endpoint', dynamo.endpoint);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /resuming after 50 of 60/);
    assert.doesNotMatch(r.out, /25\/60/);
    assert.match(r.out, /60\/60 customers copied/);
  });

  test('a copy that fails says how far it got and leaves the checkpoint to resume from', async () => {
    const r = await run('--data-dir', dir, 'export', '--to', 'dynamodb', '--table', 'no-such-table', '--endpoint', dynamo.endpoint);
    assert.equal(r.code, 1);
    assert.match(r.err, /stopped after 0 of 60 customers/);
    assert.match(r.err, /run the same command again to resume/);
  });

  test('needs a table name', async () => {
    const r = await run('--data-dir', dir, 'export', '--to', 'dynamodb');
    assert.equal(r.code, 2);
    assert.match(r.err, /needs --table NAME/);
  });
});

describe('chokutsu deploy', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chokutsu-deploy-'));
    assert.equal((await run('--data-dir', dir, 'init')).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('finds no credentials in an empty environment and an empty home', () => {
    assert.equal(awsCredentialSource({}, dir), undefined);
    assert.equal(awsCredentialSource({ AWS_PROFILE: 'line' }, dir), 'profile line');
    assert.equal(awsCredentialSource({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, dir), 'AWS_ACCESS_KEY_ID');
  });

  test('without credentials, --diff and deploy say what is missing and deploy nothing', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'none');
    process.env['AWS_CONFIG_FILE'] = join(dir, 'none');
    try {
      for (const args of [['deploy', '--diff'], ['deploy']]) {
        const r = await run('--data-dir', dir, ...args);
        assert.equal(r.code, 1);
        assert.match(r.err, /needs AWS credentials, and none were found/);
        assert.match(r.err, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/);
        assert.match(r.err, /Nothing was deployed/);
        assert.equal(existsSync(join(dir, 'cdk.out')), false, 'not even synthesized');
      }
    } finally {
      process.env = saved;
    }
  });

  test('--synth writes the CloudFormation template without credentials', async () => {
    const out = join(dir, 'assembly');
    const tests = fileURLToPath(new URL('../../tests/connect', import.meta.url));
    const r = await run('--data-dir', dir, 'deploy', '--synth', '--out', out, '--tests', tests);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /CloudFormation template: .*Chokutsu\.template\.json/);
    const files = readdirSync(tests).filter((f) => f.endsWith('.json')).length;
    assert.match(r.out, new RegExp(`test cases: ${files} as AWS::Connect::TestCase`));
    const template = JSON.parse(readFileSync(join(out, 'Chokutsu.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    assert.ok(Object.values(template.Resources).some((r) => r.Type === 'AWS::Connect::ContactFlow'));
    assert.equal(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Connect::TestCase').length, files);
  });
});
