// `chokutsu call --server`: a whole simulated contact, dial to hang-up, against a running line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { api, startTestLine, type TestLine } from './support.ts';

let line: TestLine;
before(async () => {
  line = await startTestLine();
});
after(async () => line.close());

test('a test caller dials 1001#, the agent answers through the API, talks and hangs up', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([
    'call', '--server', line.url, '--user', 'admin:admin-password', '--answer-as', 'sato:sato-password',
    '--keys', '1001#', '--talk', '1', '--wait', '20', '--json',
  ], { out: (t) => out.push(t), err: (t) => err.push(t) });
  assert.equal(code, 0, err.join('\n'));
  const { call, record } = JSON.parse(out.join('\n')) as { call: { phase: string; heard: { kind: string; text: string }[] }; record: Record<string, unknown> };
  assert.ok(call.heard.some((h) => h.kind === 'connected'));
  // The flow asks to record Agent and Customer; a simulated caller has no audio, and says so.
  assert.deepEqual(call.heard.filter((h) => h.kind === 'recording').map((h) => h.text), ['Agent, Customer requested; not recorded: a simulated caller has no audio']);
  assert.equal(record['recording'], undefined);
  assert.equal(record['recordingNote'], 'not recorded (Agent, Customer requested): a simulated caller has no audio');
  assert.equal(record['disconnectReason'], 'AGENT_DISCONNECT');
  assert.equal((record['agent'] as { id: string }).id, 'sato');
  assert.ok((record['talkDuration'] as number) >= 1);
  assert.equal(record['notes'], 'chokutsu call --server');
  const agents = (await api(line.url, line.admin, 'GET', '/api/agents')).body['agents'] as { agentId: string; status: string }[];
  assert.equal(agents.find((a) => a.agentId === 'sato')?.status, 'Available');
});

test('wrong credentials are a clear error, not a crash', async () => {
  const err: string[] = [];
  const code = await main(['call', '--server', line.url, '--user', 'admin:nope', '--keys', '1#'], { out: () => {}, err: (t) => err.push(t) });
  assert.equal(code, 1);
  assert.match(err.join('\n'), /401/);
});
