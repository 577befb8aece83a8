// The chokutsu command, run in-process (and once as a real process).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { openLine } from '../../src/app/line.ts';
import { main } from '../../src/cli/main.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'chokutsu-cli-'));
}

describe('chokutsu init and call', () => {
  const dir = tempDir();

  test('init writes the demo company with its three customers', async () => {
    const r = await run('--data-dir', dir, 'init');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /1001/);
    const again = await run('--data-dir', dir, 'init');
    assert.match(again.out, /exists/);
  });

  test('call --json prints the contact: path, queue and ending', async () => {
    const r = await run('--data-dir', dir, 'call', '--at', '2026-11-24T10:00:00+09:00', '--keys', '1003#', '--json');
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.outcome, 'queued');
    assert.equal(report.queue.id, 'project-sakura');
    assert.equal(report.storedCustomerInput, '1003');
    assert.equal(report.path[0].actionId, 'set-logging');
    assert.equal(report.path[0].at, '2026-11-24T01:00:00.000Z');
  });

  test('call prints each step as text, ending at the holiday message on 2026-11-23', async () => {
    const r = await run('--data-dir', dir, 'call', '--at', '2026-11-23T10:00:00+09:00', '--keys', '1001#');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /勤労感謝の日/);
    assert.match(r.out, /holiday-message/);
    assert.match(r.out, /ending: disconnected by the flow/);
  });

  test('a bad --at or a key that is not on a phone is refused with a clear message', async () => {
    const badTime = await run('--data-dir', dir, 'call', '--at', 'tomorrow', '--keys', '1#');
    assert.equal(badTime.code, 2);
    assert.match(badTime.err, /not an ISO 8601 date-time/);
    const badKeys = await run('--data-dir', dir, 'call', '--at', '2026-11-24T10:00:00+09:00', '--keys', '10x1#');
    assert.equal(badKeys.code, 2);
    assert.match(badKeys.err, /"x" at position 3/);
  });

  test('--at without an offset is the line\'s local time (Asia/Tokyo), not UTC', async () => {
    const r = await run('--data-dir', dir, 'call', '--at', '2026-11-24T10:00', '--keys', '1003#', '--json');
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.startedAt, '2026-11-24T01:00:00.000Z');
    assert.equal(report.outcome, 'queued');
    const utc = JSON.parse((await run('--data-dir', dir, 'call', '--at', '2026-11-24T01:00Z', '--keys', '1003#', '--json')).out);
    assert.equal(utc.startedAt, '2026-11-24T01:00:00.000Z');
  });

  test('--at refuses what is not a date and a time of day on the calendar, with exit code 2 and no stack trace', async () => {
    const cases: [string, RegExp][] = [
      ['2026-02-30T10:00', /no such date or time of day/],
      ['2026-11-24T25:00', /no such date or time of day/],
      ['0', /not an ISO 8601 date-time/],
      ['12', /not an ISO 8601 date-time/],
      ['-1', /not an ISO 8601 date-time/],
      ['+275760-09-13T00:00', /not an ISO 8601 date-time/],
      ['2026-11-24 10:00', /a date without a time of day/],
      ['2026-11-24', /a date without a time of day/],
    ];
    for (const [at, message] of cases) {
      const r = await run('--data-dir', dir, 'call', '--at', at, '--keys', '1#');
      assert.equal(r.code, 2, `--at ${at}: ${r.err}`);
      assert.match(r.err, message, `--at ${at}`);
      assert.ok(r.err.startsWith(`--at ${JSON.stringify(at)}: `), r.err);
      assert.doesNotMatch(r.err, /\n\s+at /);
      assert.equal(r.out, '');
    }
  });

  test('the closed-day message reads naturally for company closures, a public holiday and an admin-added closure', async () => {
    const line = await openLine(dir, { now: () => new Date(), warn: () => {} });
    line.closures.add({ from: '2026-11-26', to: '2026-11-26', name: '社員研修' });
    line.close();
    for (const [at, name] of [
      ['2026-12-30T10:00', '年末年始休業'], ['2026-08-14T10:00', '夏季休業'], ['2026-11-23T10:00', '勤労感謝の日'], ['2026-11-26T10:00', '社員研修'],
    ] as const) {
      const r = await run('--data-dir', dir, 'call', '--at', at, '--keys', '1001#', '--json');
      assert.equal(r.code, 0, r.err);
      const said = (JSON.parse(r.out) as { path: { actionId: string; detail: Record<string, string> }[] }).path
        .find((p) => p.actionId === 'holiday-message')?.detail['text'];
      assert.equal(said, `お電話ありがとうございます。誠に恐れ入りますが、本日は${name}のため、お休みをいただいております。またのお電話をお待ちしております。`, at);
    }
  });

  test('a text call says it is not stored: no contact record, so report cost still counts 0 contacts', async () => {
    const d = tempDir();
    assert.equal((await run('--data-dir', d, 'init')).code, 0);
    const text = await run('--data-dir', d, 'call', '--at', '2026-11-24T10:00', '--keys', '1001#');
    assert.equal(text.code, 0, text.err);
    assert.equal(text.out.split('\n').at(-1), 'not stored: a text call is a dry run, with no contact record (nor cost in `report cost`); `call --server` places a stored one');
    const json = await run('--data-dir', d, 'call', '--at', '2026-11-24T10:00', '--keys', '1001#', '--json');
    assert.equal(JSON.parse(json.out).stored, false);
    const cost = await run('--data-dir', d, 'report', 'cost', '--month', '2026-11', '--json');
    assert.equal(JSON.parse(cost.out).contacts, 0);
  });

  test('call without an instance says to run init', async () => {
    const r = await run('--data-dir', tempDir(), 'call', '--keys', '1#');
    assert.equal(r.code, 1);
    assert.match(r.err, /chokutsu init/);
  });
});

describe('chokutsu init: the demo users', () => {
  const dir = tempDir();

  test('writes demo-users.txt, readable only by the owner: the admin, each agent and each agent\'s phone', async () => {
    const r = await run('--data-dir', dir, 'init');
    assert.equal(r.code, 0, r.err);
    const file = join(dir, 'demo-users.txt');
    assert.match(r.out, new RegExp(`demo users and their passwords: ${file}`));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const rows = readFileSync(file, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
    assert.deepEqual(rows.map(([name, , role]) => `${name} ${role}`), [
      'admin admin',
      'sato agent sato (佐藤 花子)', 'suzuki agent suzuki (鈴木 一郎)', 'takahashi agent takahashi (高橋 美咲)', 'tanaka agent tanaka (田中 健太)',
      '201 SIP phone of sato', '202 SIP phone of suzuki', '203 SIP phone of takahashi', '204 SIP phone of tanaka',
    ]);
    for (const [, password] of rows) assert.match(password ?? '', /^[A-Za-z0-9_-]{16}$/);
    const users = await run('--data-dir', dir, 'user', 'list');
    assert.deepEqual(users.out.split('\n'), ['admin\tadmin', 'sato\tagent\tsato', 'suzuki\tagent\tsuzuki', 'takahashi\tagent\ttakahashi', 'tanaka\tagent\ttanaka']);
  });

  test('init --force rewrites the definition and the customers but keeps the users there are', async () => {
    const before = readFileSync(join(dir, 'demo-users.txt'), 'utf8');
    const r = await run('--data-dir', dir, 'init', '--force');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^wrote the demo company 株式会社サンプル工務店/);
    assert.match(r.out, /customers: 1001 さくら 太郎 → project-sakura, 1002 富士不動産株式会社 → project-fuji, 1003 さくら 春子 → project-sakura/);
    assert.doesNotMatch(r.out, /demo users/);
    assert.equal(readFileSync(join(dir, 'demo-users.txt'), 'utf8'), before);
  });

  test('start on an empty data directory initialises the demo company before it checks the port', async () => {
    const empty = tempDir();
    const r = await run('--data-dir', empty, 'start', '--port', '99999');
    assert.equal(r.code, 2);
    assert.match(r.out, /wrote the demo company/);
    assert.equal(r.err, '--port "99999": a port is a whole number from 1 to 65535');
    assert.equal(statSync(join(empty, 'demo-users.txt')).mode & 0o777, 0o600);
  });

  test('start --port says what a port is when given something else (exit 2)', async () => {
    const d = tempDir();
    for (const port of ['abc', '0', '-1', '80.5', '1e3', '']) {
      const r = await run('--data-dir', d, 'start', '--port', port);
      assert.equal(r.code, 2, port);
      assert.equal(r.err, `--port ${JSON.stringify(port)}: a port is a whole number from 1 to 65535`);
    }
  });
});

describe('chokutsu user, phone and report cost', () => {
  const dir = tempDir();

  test('user add refuses an unknown role or agent (exit 2) and a taken username (exit 1)', async () => {
    assert.equal((await run('--data-dir', dir, 'init')).code, 0);
    const role = await run('--data-dir', dir, 'user', 'add', 'bob', '--role', 'boss');
    assert.deepEqual([role.code, role.err], [2, '--role: one of admin, supervisor, agent']);
    const noAgent = await run('--data-dir', dir, 'user', 'add', 'bob', '--role', 'agent', '--password', 'secret123');
    assert.deepEqual([noAgent.code, noAgent.err], [2, '--agent: an agent user needs the agent they work as (agents: sato, suzuki, takahashi, tanaka)']);
    const short = await run('--data-dir', dir, 'user', 'add', 'bob', '--role', 'supervisor', '--password', 'short');
    assert.deepEqual([short.code, short.err], [2, '--password: at least 8 characters']);
    const agent = await run('--data-dir', dir, 'user', 'add', 'bob', '--role', 'agent', '--agent', 'nobody');
    assert.deepEqual([agent.code, agent.err], [2, '--agent: no agent nobody (agents: sato, suzuki, takahashi, tanaka)']);
    const added = await run('--data-dir', dir, 'user', 'add', 'bob', '--role', 'agent', '--agent', 'sato', '--password', 'secret123');
    assert.deepEqual([added.code, added.out], [0, 'added agent bob']);
    const taken = await run('--data-dir', dir, 'user', 'add', 'bob', '--role', 'supervisor', '--password', 'secret123');
    assert.deepEqual([taken.code, taken.err], [1, 'user bob exists']);
    const generated = await run('--data-dir', dir, 'user', 'add', 'carol', '--role', 'supervisor');
    assert.match(generated.out, /^added supervisor carol with password [A-Za-z0-9_-]{16}$/);
  });

  test('phone sets the password of an agent\'s extension, and refuses an unknown one or a short password', async () => {
    const unknown = await run('--data-dir', dir, 'phone', '999');
    assert.deepEqual([unknown.code, unknown.err], [2, 'no agent has extension 999 (201 sato, 202 suzuki, 203 takahashi, 204 tanaka)']);
    const short = await run('--data-dir', dir, 'phone', '201', '--password', 'short');
    assert.deepEqual([short.code, short.err], [2, '--password: at least 8 characters']);
    const chosen = await run('--data-dir', dir, 'phone', '201', '--password', 'longenough');
    assert.deepEqual([chosen.code, chosen.out], [0, 'phone 201 (sato)']);
    assert.match((await run('--data-dir', dir, 'phone', '202')).out, /^phone 202 \(suzuki\) password [A-Za-z0-9_-]{16}$/);
  });

  test('report cost of a month without contacts, and a month that is not YYYY-MM (exit 2)', async () => {
    const r = await run('--data-dir', dir, 'report', 'cost', '--month', '2026-11');
    assert.equal(r.code, 0, r.err);
    // No contacts, but the line's one number is billed every day: 30 days × 0.10 USD.
    assert.match(r.out, /^cost report 2026-11: 0 contacts, 0 billed minutes\n {2}on Amazon Connect: 3\.0000 USD\n {4}contact minutes: 0\.0000 USD\n {4}numbers: 1 × 30 days × 0\.1 USD\/day = 3\.0000 USD\n {2}self-hosted \(this machine\): 20\.0000 USD a month/);
    assert.match(r.out, /rates used:\n {2}voice service 0\.018 USD\/min — Amazon Connect pricing, https:\/\/aws\.amazon\.com\/connect\/pricing\//);
    assert.match(r.out, /DID number 0\.1 USD\/day — .*https:\/\/qiita\.com\/boxboxbax\/items\/06f24c923c939fa4f77f/);
    const json = JSON.parse((await run('--data-dir', dir, 'report', 'cost', '--month', '2026-11', '--json')).out);
    assert.equal(json.contacts, 0);
    assert.deepEqual(json.numbers, { count: 1, days: 30, cost: 3 });
    assert.equal(json.totalCost, 3);
    assert.equal(json.rates.didPerDay, 0.1);
    assert.match(json.rates.sources.didPerDay, /qiita\.com/);
    const bad = await run('--data-dir', dir, 'report', 'cost', '--month', '2026-13');
    assert.deepEqual([bad.code, bad.err], [2, 'month must be YYYY-MM, got "2026-13"']);
  });
});

describe('chokutsu call --server: problems before the line answers', () => {
  test('a closed port: "connection refused", and whether chokutsu start is running (exit 1)', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as AddressInfo;
    await new Promise((done) => probe.close(done));
    const url = `http://127.0.0.1:${port}`;
    const r = await run('call', '--server', url, '--user', 'admin:password', '--keys', '1#');
    assert.equal(r.code, 1);
    assert.equal(r.err, `call --server: cannot reach ${url}: connection refused — is \`chokutsu start\` running?`);
  });

  test('a --server that is not an http URL, or a --wait that is not a number, is a usage error (exit 2)', async () => {
    const notUrl = await run('call', '--server', '127.0.0.1:8080', '--user', 'admin:password');
    assert.deepEqual([notUrl.code, notUrl.err], [2, '--server "127.0.0.1:8080": not an http(s) URL (e.g. http://127.0.0.1:8080)']);
    const wait = await run('call', '--server', 'http://127.0.0.1:8080', '--user', 'admin:password', '--wait', 'long');
    assert.deepEqual([wait.code, wait.err], [2, '--wait: a number of seconds, more than 0']);
  });
});

describe('chokutsu import and export', () => {
  const dir = tempDir();

  test('a CSV with a bad row imports nothing and names the line', async () => {
    assert.equal((await run('--data-dir', dir, 'init')).code, 0);
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'customer_number,name,queue\n2001,山田商店,project-fuji\n2002,川口建設,general\n20x3,田中,general\n2004,,nowhere\n');
    const r = await run('--data-dir', dir, 'import', csv);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.csv:4: /);
    assert.match(r.err, /bad\.csv:5: /);
    assert.match(r.err, /nothing imported/);
    const exported = await run('--data-dir', dir, 'export');
    assert.doesNotMatch(exported.out, /2001/, 'the good rows were not imported either');
  });

  test('a good CSV imports, updates, and exports again', async () => {
    const csv = join(dir, 'good.csv');
    writeFileSync(csv, '\uFEFFcustomer_number,name,queue\r\n2001,山田商店,project-fuji\r\n1001,"さくら 太郎, 様",さくら邸リフォーム\r\n');
    const r = await run('--data-dir', dir, 'import', csv);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /1 new, 1 updated/);
    const file = join(dir, 'out.csv');
    assert.equal((await run('--data-dir', dir, 'export', file)).code, 0);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^\uFEFFcustomer_number,name,queue/, 'a file for Excel starts with the UTF-8 byte-order mark');
    assert.match(text, /2001,山田商店,project-fuji/);
    assert.match(text, /"さくら 太郎, 様"/);
    const call = await run('--data-dir', dir, 'call', '--at', '2026-11-24T10:00:00+09:00', '--keys', '2001#', '--json');
    assert.equal(JSON.parse(call.out).queue.id, 'project-fuji');
  });
});

describe('chokutsu flow check', () => {
  const dir = tempDir();

  test('the shipped flow has no problems', async () => {
    await run('--data-dir', dir, 'init');
    const r = await run('--data-dir', dir, 'flow', 'check', join(ROOT, 'flows', 'direct-line.json'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /: ok/);
  });

  test('a broken flow lists every problem with its Identifier and JSON path, exit code 1', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({
      Version: '2019-10-30', StartAction: 'start',
      Actions: [
        { Identifier: 'start', Type: 'MessageParticipant', Parameters: { Text: 'hi' }, Transitions: { NextAction: 'nowhere' } },
        { Identifier: 'cmp', Type: 'Compare', Parameters: {}, Transitions: { Conditions: [] } },
        { Identifier: 'odd', Type: 'PlayMusic', Parameters: {}, Transitions: {} },
        { Identifier: 'metric', Type: 'CreateTask', Parameters: {}, Transitions: {} },
      ],
    }));
    const r = await run('--data-dir', dir, 'flow', 'check', file, '--json');
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    const has = (code: string, actionId: string, path: string) =>
      assert.ok(report.problems.some((p: { code: string; actionId?: string; path: string }) => p.code === code && p.actionId === actionId && p.path === path), `${code} ${actionId} ${path}`);
    has('dangling-transition', 'start', '$.Actions[0].Transitions.NextAction');
    has('missing-parameter', 'cmp', '$.Actions[1].Parameters.ComparisonValue');
    has('missing-transition', 'cmp', '$.Actions[1].Transitions.Errors');
    has('unknown-type', 'odd', '$.Actions[2].Type');
    has('unsupported-type', 'metric', '$.Actions[3].Type');
    has('unreachable-action', 'cmp', '$.Actions[1]');
    assert.deepEqual(report.unsupportedTypes, ['CreateTask']);
    assert.equal(report.runnable, false);
  });

  test('a file that is not JSON is a problem, not a crash', async () => {
    const file = join(dir, 'half.json');
    writeFileSync(file, '{"Version": "2019-10-30", "Actions": [');
    const r = await run('--data-dir', dir, 'flow', 'check', file);
    assert.equal(r.code, 1);
    assert.match(r.out, /invalid-json/);
  });

  test('another instance\'s ARN is reported against the instance in the data directory; it fails only with --strict', async () => {
    const file = join(dir, 'foreign.json');
    writeFileSync(file, JSON.stringify({
      Version: '2019-10-30', StartAction: 'q',
      Actions: [
        { Identifier: 'q', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'arn:aws:connect:us-east-1:111111111111:instance/x/queue/y' }, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    }));
    const r = await run('--data-dir', dir, 'flow', 'check', file);
    assert.equal(r.code, 0);
    assert.match(r.out, /foreign-reference \[q\] at \$\.Actions\[0\]\.Parameters\.QueueId/);
    const strict = await run('--data-dir', dir, 'flow', 'check', '--strict', file);
    assert.equal(strict.code, 1);
  });

  test('--type checks each action against the flow type; a file the definition lists has its type there', async () => {
    const file = join(dir, 'hold.json');
    writeFileSync(file, JSON.stringify({
      Version: '2019-10-30', StartAction: 'music',
      Actions: [{ Identifier: 'music', Type: 'MessageParticipant', Parameters: { Text: 'please hold' }, Transitions: {} }],
    }));
    const hold = await run('--data-dir', dir, 'flow', 'check', '--type', 'CUSTOMER_HOLD', file);
    assert.equal(hold.code, 1);
    assert.match(hold.out, /error not-in-flow-type \[music\] at \$\.Actions\[0\]\.Type: MessageParticipant is not allowed in a CUSTOMER_HOLD flow/);
    assert.equal((await run('--data-dir', dir, 'flow', 'check', '--type', 'HOLD', file)).code, 2);
    // The demo lists flows/customer-queue.json as CUSTOMER_QUEUE: its EndFlowExecution is allowed there, not in an inbound flow.
    const queueFlow = join(dir, 'flows', 'customer-queue.json');
    assert.equal((await run('--data-dir', dir, 'flow', 'check', queueFlow)).code, 0);
    const asInbound = await run('--data-dir', dir, 'flow', 'check', '--type', 'CONTACT_FLOW', queueFlow);
    assert.match(asInbound.out, /not-in-flow-type .*EndFlowExecution is not allowed in a CONTACT_FLOW flow/);
  });
});

test('the chokutsu bin runs as a process', () => {
  const dir = tempDir();
  const bin = join(ROOT, 'bin', 'chokutsu.mjs');
  execFileSync(process.execPath, [bin, '--data-dir', dir, 'init'], { encoding: 'utf8' });
  const out = execFileSync(process.execPath, [bin, '--data-dir', dir, 'call', '--at', '2026-11-24T10:00:00+09:00', '--keys', '9999#1002#'], { encoding: 'utf8' });
  assert.match(out, /not-found-message/);
  assert.match(out, /ending: transferred to queue 富士ビル改修 \(project-fuji\)/);
});
