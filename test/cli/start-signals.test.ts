// `chokutsu start` as the README starts it (`node bin/chokutsu.mjs start`), stopped the way a
// process manager stops it: SIGTERM to that process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { openLine } from '../../src/app/line.ts';
import { main } from '../../src/cli/main.ts';
import { SqliteContactStore } from '../../src/store/contacts.ts';
import { api, eventually, login } from '../e2e/support.ts';
import { freeTcpPort, waitForOutput } from '../faults/line-process.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface DefinitionToEdit {
  telephony: { sip: { port: number }; rtp: { portMin: number; portMax: number } };
  flows: { id: string; name: string; file: string; type: string }[];
  phoneNumbers: [{ number: string; flow: string }];
}

const WAITING_FLOW = {
  Version: '2019-10-30',
  StartAction: 'ask',
  Actions: [
    {
      Identifier: 'ask', Type: 'GetParticipantInput',
      Parameters: { Text: 'お客様番号を入力してください。', StoreInput: 'True', InputTimeLimitSeconds: '120', DTMFConfiguration: { InputTerminationSequence: '#' } },
      Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }], Conditions: [] },
    },
    { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

async function tcpPortIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((done) => {
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

async function udpPortIsFree(port: number): Promise<boolean> {
  const probe = createSocket('udp4');
  return new Promise((done) => {
    probe.once('error', () => done(false));
    probe.bind(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`still running ${timeoutMs} ms after SIGTERM`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal });
    });
  });
}

test('SIGTERM to `node bin/chokutsu.mjs start`: exit 0 promptly, ports free again, the contact in progress has its record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-start-'));
  assert.equal(await main(['--data-dir', dir, 'init'], { out: () => {}, err: () => {} }), 0);
  // SIP and RTP away from the defaults other tests and a running line may hold; the number runs a
  // flow that waits two minutes for keys at any hour (the demo flow is closed nights and holidays).
  const file = join(dir, 'chokutsu.yaml');
  const def = parse(readFileSync(file, 'utf8')) as DefinitionToEdit;
  def.telephony.sip.port = 0;
  def.telephony.rtp = { ...def.telephony.rtp, portMin: 42000, portMax: 42099 };
  writeFileSync(join(dir, 'flows', 'waiting.json'), JSON.stringify(WAITING_FLOW));
  def.flows.push({ id: 'waiting', name: 'waiting', file: 'flows/waiting.json', type: 'CONTACT_FLOW' });
  def.phoneNumbers[0].flow = 'waiting';
  writeFileSync(file, stringify(def));
  const adminPassword = readFileSync(join(dir, 'demo-users.txt'), 'utf8').split('\n').find((l) => l.startsWith('admin\t'))?.split('\t')[1] ?? '';

  const port = await freeTcpPort();
  const child = spawn(process.execPath, ['bin/chokutsu.mjs', 'start', '--port', String(port)], {
    cwd: ROOT, env: { ...process.env, CHOKUTSU_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const [, url] = await waitForOutput(child, () => output, /the line is up at (http:\/\/\S+)/, 60_000);
  const [, sipPort] = await waitForOutput(child, () => output, /SIP \(UDP and TCP\) on 127\.0\.0\.1:(\d+)/, 5_000);
  assert.equal(url, `http://127.0.0.1:${port}`);

  // A caller in the flow: the customer number prompt waits for keys that never come.
  const token = await login(url as string, 'admin', adminPassword);
  const call = await api(url as string, token, 'POST', '/api/calls', { keys: '' });
  assert.equal(call.status, 201, call.text);
  const contactId = call.body['contactId'] as string;
  await eventually('the caller to reach the customer-number prompt', async () => {
    const view = await api(url as string, token, 'GET', `/api/calls/${contactId}`);
    return (view.body['heard'] as { text: string }[]).some((h) => h.text.includes('お客様番号')) ? true : undefined;
  });

  const sentAt = Date.now();
  child.kill('SIGTERM');
  const exit = await exitOf(child, 10_000);
  assert.deepEqual(exit, { code: 0, signal: null }, output);
  assert.ok(Date.now() - sentAt < 5_000, `took ${Date.now() - sentAt} ms`);
  assert.match(output, /SIGTERM: the line is going down/);
  assert.match(output, /the line is down/);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');

  assert.ok(await tcpPortIsFree(port), `HTTP port ${port} is free again`);
  assert.ok(await tcpPortIsFree(Number(sipPort)), `SIP TCP port ${sipPort} is free again`);
  assert.ok(await udpPortIsFree(Number(sipPort)), `SIP UDP port ${sipPort} is free again`);

  const line = await openLine(dir, { now: () => new Date(), warn: () => {} });
  try {
    const record = new SqliteContactStore(line.db).get(contactId);
    assert.ok(record, 'the contact in progress was recorded');
    assert.equal(record.disconnectReason, 'LINE_SHUTDOWN');
    assert.deepEqual(record.flowPath, ['ask']);
  } finally {
    line.close();
  }
});
