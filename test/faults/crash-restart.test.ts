// kill -9 with calls on the line, then start again: nothing that was recorded is lost or changed,
// every call in flight gets its record (LINE_CRASH, ended at the last heartbeat) and a playable
// recording, agents are Offline with the reason in their history, and the next call works.
// CRASH_CALLS sets how many calls are up at the kill (default 50: about 40 s here on 2 cores).
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { agentAnswersScenario, callerScenario } from '../e2e/sipp-support.ts';
import { api, login } from '../e2e/support.ts';
import { parseWav } from '../../src/telephony/media/wav.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { loadLineDir, phonesInjection, phonesRegisterScenario, sippProcess, startLineProcess, waitFor, type LineProcess, type SippProcess } from './line-process.ts';

const CALLS = Number(process.env['CRASH_CALLS'] ?? 50);
/** Calls that end (caller hangs up) before the kill: their records must come through unchanged. */
const ENDED = 2;

function readDb<T>(dir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dir, 'chokutsu.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

test(`kill -9 with ${CALLS} bridged, recorded calls up, then start again`, { timeout: 240_000 }, async (t) => {
  const started = Date.now();
  const agents = CALLS + ENDED;
  const setup = await loadLineDir(agents, { portMin: 44000, portMax: 44000 + 8 * agents + 40 });
  const sipps: SippProcess[] = [];
  let line: LineProcess | undefined;
  t.after(async () => {
    for (const s of sipps) s.kill();
    await line?.crash();
  });
  line = await startLineProcess(setup.dir);
  const admin = await login(line.url, 'admin', setup.adminPassword);

  // Every agent's phone registers (one sipp) and answers what rings it, talking (sipp's g711a capture).
  const phones = await sippProcess({
    scenario: phonesRegisterScenario(200_000), serverPort: line.sipPort, calls: agents, rate: 50, inject: phonesInjection(setup.agents),
    oocs: agentAnswersScenario({ answerAfterMs: 100, talk: true }), timeoutSeconds: 220,
  });
  sipps.push(phones);
  await waitFor('every phone to register', () => (phones.logged().length >= agents ? true : undefined), 30_000);
  for (const a of setup.agents) {
    const r = await api(line.url, admin, 'PUT', `/api/agents/${a.id}/status`, { status: 'Available' });
    assert.equal(r.status, 200, r.text);
  }

  // Two calls that end before the kill (the caller hangs up after a few seconds with the agent).
  const shortCalls = await sippProcess({ scenario: callerScenario({ steps: [], hangUpAfterMs: 1500 }), serverPort: line.sipPort, calls: ENDED, rate: 10 });
  sipps.push(shortCalls);
  const shortDone = await shortCalls.done;
  assert.equal(shortDone.code, 0, shortDone.errors);
  const endedBefore = await waitFor('the short calls\' records', async () => {
    const all = (await api(line!.url, admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
    return all.length >= ENDED ? all : undefined;
  });
  assert.ok(endedBefore.every((r) => r.disconnectReason === 'CUSTOMER_DISCONNECT' && r.recording), JSON.stringify(endedBefore.map((r) => r.disconnectReason)));

  // N calls that stay up: each bridged to an agent and recorded, all in the heartbeat's table.
  const callers = await sippProcess({ scenario: callerScenario({ steps: [] }), serverPort: line.sipPort, calls: CALLS, rate: 10, timeoutSeconds: 200 });
  sipps.push(callers);
  const inFlight = await waitFor(`${CALLS} calls bridged and recorded, written by the heartbeat`, () => {
    const rows = readDb(setup.dir, (db) => db.prepare('SELECT record FROM contacts_in_flight').all() as { record: string }[])
      .map((r) => JSON.parse(r.record) as ContactRecord);
    return rows.filter((r) => r.recording && r.agent).length >= CALLS ? rows : undefined;
  }, 90_000, 250);
  // Some audio in the files: the agents' phones talk from the answer on.
  await waitFor('audio in every recording', () => inFlight.every((r) => statSync(join(setup.dir, r.recording!.location)).size > 58 + 8_000) ? true : undefined, 30_000, 250);

  const killedAt = Date.now();
  await line.crash();
  line = undefined;
  callers.kill();

  // The database opens as it is after the kill, and is whole.
  assert.equal(readDb(setup.dir, (db) => db.pragma('integrity_check', { simple: true })), 'ok');

  line = await startLineProcess(setup.dir);
  assert.match(line.output(), new RegExp(`did not stop cleanly .*: ${CALLS} contacts in flight recorded as LINE_CRASH, ${CALLS} recordings repaired, ${agents} agents set Offline`));
  const admin2 = await login(line.url, 'admin', setup.adminPassword);
  const after = (await api(line.url, admin2, 'GET', '/api/contacts?limit=200')).body['records'] as ContactRecord[];
  const byId = new Map(after.map((r) => [r.contactId, r]));

  for (const before of endedBefore) assert.deepEqual(byId.get(before.contactId), before, 'a record saved before the crash is unchanged');
  for (const was of inFlight) {
    const r = byId.get(was.contactId);
    assert.ok(r, `the contact in flight ${was.contactId} has its record`);
    assert.equal(r.disconnectReason, 'LINE_CRASH');
    assert.equal(r.queue?.id, 'load');
    assert.ok(r.agent?.id.startsWith('load-'), `agent ${r.agent?.id}`);
    assert.deepEqual(r.flowPath, ['record', 'queue', 'transfer']);
    const end = Date.parse(r.disconnectTimestamp);
    assert.ok(end <= killedAt && end > killedAt - 3_000, `ended at the last heartbeat: ${killedAt - end} ms before the kill`);
    assert.ok(r.connectedToAgentTimestamp && r.talkDuration >= 0);
    const file = join(setup.dir, r.recording!.location);
    const bytes = readFileSync(file);
    assert.equal(bytes.readUInt32LE(4), bytes.length - 8, 'RIFF size repaired');
    assert.equal(bytes.readUInt32LE(54), bytes.length - 58, 'data size repaired');
    const wav = parseWav(bytes);
    assert.ok(wav.ok && wav.wav.channels === 2 && wav.wav.samples.length > 8000, `${file} is a playable stereo WAV`);
    const download = await fetch(`${line.url}/api/contacts/${r.contactId}/recording`, { headers: { authorization: `Bearer ${admin2}` } });
    assert.equal(download.status, 200, 'the recording is linked from the record');
  }

  // Agents: Offline, the history saying the line crashed; nothing left in flight.
  const states = (await api(line.url, admin2, 'GET', '/api/agents')).body as unknown;
  const list = (Array.isArray(states) ? states : (states as { agents: { agentId?: string; id?: string; status: string }[] }).agents) as { status: string }[];
  assert.ok(list.every((a) => a.status === 'Offline'), JSON.stringify(list));
  const crashRows = readDb(setup.dir, (db) => db.prepare("SELECT agent_id, to_ts FROM agent_status_history WHERE status = 'Offline' AND reason = 'LINE_CRASH'").all() as { agent_id: string; to_ts: number | null }[]);
  assert.equal(new Set(crashRows.map((r) => r.agent_id)).size, agents);
  assert.equal(readDb(setup.dir, (db) => (db.prepare('SELECT count(*) AS n FROM contacts_in_flight').get() as { n: number }).n), 0);

  // The next call: a phone registers again, its agent takes the call, which ends normally and is recorded.
  phones.kill();
  const next = setup.agents.slice(0, 1);
  const phone = await sippProcess({
    scenario: phonesRegisterScenario(60_000), serverPort: line.sipPort, inject: phonesInjection(next),
    oocs: agentAnswersScenario({ answerAfterMs: 100, talk: true }), timeoutSeconds: 90,
  });
  sipps.push(phone);
  await waitFor('the phone to register again', () => (phone.logged().length >= 1 ? true : undefined), 15_000);
  assert.equal((await api(line.url, admin2, 'PUT', `/api/agents/${next[0]!.id}/status`, { status: 'Available' })).status, 200);
  const call = await sippProcess({ scenario: callerScenario({ steps: [], hangUpAfterMs: 1500 }), serverPort: line.sipPort });
  sipps.push(call);
  const callDone = await call.done;
  assert.equal(callDone.code, 0, callDone.errors);
  const nextRecord = await waitFor('the next call\'s record', async () => {
    const all = (await api(line!.url, admin2, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
    return all.find((r) => !byId.has(r.contactId));
  });
  assert.equal(nextRecord.disconnectReason, 'CUSTOMER_DISCONNECT');
  assert.equal(nextRecord.agent?.id, next[0]!.id);
  assert.ok(nextRecord.recording);
  await line.stop();
  line = undefined;
  t.diagnostic(`${CALLS} calls in flight + ${ENDED} ended; whole test ${Math.round((Date.now() - started) / 1000)} s`);
});
