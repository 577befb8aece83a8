// The heartbeat that keeps contacts in flight (runtime/contact-records.ts) and the recovery that
// records them after a crash (app/recovery.ts): a beat writes only the contacts that changed, and a
// crash still records every contact as a full write at the last heartbeat would have.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { directLine } from '../../flows/direct-line.ts';
import { recoverFromCrash } from '../../src/app/recovery.ts';
import type { LineServices } from '../../src/app/services.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import type { InstanceDefinition } from '../../src/instance/types.ts';
import type { LiveContact } from '../../src/runtime/contact-center.ts';
import { ContactHeartbeat, contactRecordOf, crashRecordOf, type InFlightBeat } from '../../src/runtime/contact-records.ts';
import { SqliteAgentStatusHistory } from '../../src/store/agent-status-history.ts';
import { SqliteInFlightStore } from '../../src/store/in-flight.ts';
import { dial, line, settle, waitForQueue, type ManualTime } from './support.ts';

/** The record a full write at `at` would have stored: the line's record of the contact, ended then. */
function fullBeatRecord(s: LineServices, live: LiveContact, at: number): ContactRecord {
  return crashRecordOf(live, at, (l) => contactRecordOf(l, s.line.definition, s.line.catalog, directLine));
}

/** Each contact's row: the beat that wrote it. */
function rowBeats(s: LineServices): Map<string, number> {
  const rows = s.line.db.prepare('SELECT contact_id, heartbeat_ts FROM contacts_in_flight').all() as { contact_id: string; heartbeat_ts: number }[];
  return new Map(rows.map((r) => [r.contact_id, r.heartbeat_ts]));
}

const lastHeartbeat = (s: LineServices): number =>
  (s.line.db.prepare('SELECT heartbeat_ts FROM line_heartbeat WHERE id = 1').get() as { heartbeat_ts: number }).heartbeat_ts;

/**
 * The demo line with a contact talking to tanaka, one on hold with takahashi (the customer's phone held
 * it), one ringing sato, and one queued for the fuji project (its three agents are busy).
 */
async function busyLine(): Promise<{ s: LineServices; time: ManualTime; talking: string; held: string; ringing: string; queued: string }> {
  const { s, time } = await line();
  s.center.setAgentStatus('tanaka', 'Available'); // rank 1 for project-fuji
  const talking = dial(s, time, '1002#').contactId;
  await waitForQueue(s, time, talking);
  s.center.accept('tanaka', talking);
  s.center.setAgentStatus('takahashi', 'Available'); // rank 2 for project-fuji
  const held = dial(s, time, '1002#').contactId;
  await waitForQueue(s, time, held);
  s.center.accept('takahashi', held);
  s.center.holdStarted(held, 'customer');
  s.center.setAgentStatus('sato', 'Available'); // rank 1 for project-sakura
  const ringing = dial(s, time, '1001#').contactId;
  await waitForQueue(s, time, ringing);
  const queued = dial(s, time, '1002#').contactId;
  await waitForQueue(s, time, queued);
  await settle(time, 1000);
  assert.deepEqual([talking, held, ringing, queued].map((id) => s.center.contact(id)?.phase), ['connected', 'connected', 'ringing', 'queued']);
  assert.equal(s.center.contact(held)?.holds.since !== undefined, true, 'the held contact is on hold');
  return { s, time, talking, held, ringing, queued };
}

describe('the heartbeat writes the contacts that changed, not all of them', () => {
  test('a contact that has not changed keeps the row an earlier beat wrote; the line\'s heartbeat moves on', async () => {
    const { s, time, talking } = await busyLine();
    const before = rowBeats(s).get(talking);
    assert.ok(before !== undefined, 'the talking contact is in flight');
    await settle(time, 4000); // two beats
    assert.equal(lastHeartbeat(s) - before >= 4000, true, 'the line beat since');
    assert.equal(rowBeats(s).get(talking), before, 'its row was not written again');
    s.close();
  });

  test('a contact that changed (the agent holds the call) is written at the next beat', async () => {
    const { s, time, talking } = await busyLine();
    const before = rowBeats(s).get(talking);
    s.center.agentHold('tanaka', talking, true);
    await settle(time, 2000);
    assert.notEqual(rowBeats(s).get(talking), before);
    assert.equal(rowBeats(s).get(talking), lastHeartbeat(s));
    const stored = JSON.parse((s.line.db.prepare('SELECT record FROM contacts_in_flight WHERE contact_id = ?').get(talking) as { record: string }).record) as ContactRecord;
    assert.equal(stored.numberOfHolds, 1);
    s.close();
  });

  test('a contact that ends leaves the table: it is recorded instead', async () => {
    const { s, time, queued } = await busyLine();
    assert.ok(rowBeats(s).has(queued));
    s.center.customerHangUp(queued);
    await settle(time, 2000);
    assert.equal(rowBeats(s).has(queued), false);
    assert.ok(s.contacts.get(queued), 'its record is saved');
    s.close();
  });
});

describe('after a crash, every contact in flight is recorded as of the last heartbeat', () => {
  test('talking, on hold, ringing and queued contacts whose rows are older than the last heartbeat get the record a full write then would have given', async () => {
    const { s, time, talking, held, ringing, queued } = await busyLine();
    await settle(time, 7000); // beats go on; the contacts do not change
    s.heartbeat.stop(); // kill -9: no clean stop, the tables stay
    const crashedAt = lastHeartbeat(s);
    const ids = [talking, held, ringing, queued];
    const expected = ids.map((id) => fullBeatRecord(s, s.center.contact(id) as LiveContact, crashedAt));
    const rows = rowBeats(s);
    for (const id of ids) assert.ok(rows.get(id)! < crashedAt, `${s.center.contact(id)?.phase} contact: its row is older than the last heartbeat`);

    const recovery = await recoverFromCrash(s.line, { contacts: s.contacts, inFlight: new SqliteInFlightStore(s.line.db), history: new SqliteAgentStatusHistory(s.line.db) });
    assert.equal(recovery?.crashedAt, crashedAt);
    assert.deepEqual(new Set(recovery?.recorded), new Set(ids));
    for (const [i, id] of ids.entries()) {
      const record = s.contacts.get(id);
      assert.deepEqual(record, expected[i], id);
      assert.equal(record?.disconnectTimestamp, new Date(crashedAt).toISOString());
      assert.equal(record?.disconnectReason, 'LINE_CRASH');
    }
    assert.ok(expected[0]!.talkDuration > 0 && expected[1]!.talkDuration > 0 && expected[2]!.ringDuration > 0 && expected[3]!.queueDuration > 0, 'the durations run to the crash');
    s.close();
  });
});

/** A heartbeat over a fixed set of contacts, its writes kept. */
function heartbeatOver(s: LineServices, contacts: () => readonly LiveContact[], definition: () => InstanceDefinition = () => s.line.definition) {
  const beats: InFlightBeat[] = [];
  let fail = false;
  let now = 1_800_000_000_000;
  const heartbeat = new ContactHeartbeat({
    contacts, definition,
    recordOf: (l) => contactRecordOf(l, s.line.definition, s.line.catalog, directLine),
    port: { beat: (_at, beat) => { if (fail) throw new Error('SQLITE_FULL: database or disk is full'); beats.push(beat); } },
    clock: { now: () => now }, scheduler: { set: () => {}, clear: () => {} }, intervalMs: 2000, log: () => {},
  });
  return {
    beats, failNext: (f: boolean) => { fail = f; },
    beat: (): string[] => { now += 2000; heartbeat.beat(); return beats.at(-1)?.write.map((r) => r.contactId) ?? []; },
  };
}

describe('what makes the heartbeat write a contact again', () => {
  test('a third-party leg still up is written at every beat (its duration runs with the beat); once it ends, only when changed', async () => {
    const { s, talking } = await busyLine();
    const live = structuredClone(s.center.contact(talking) as LiveContact);
    live.thirdParty = { number: '+81312345678', continueFlow: false, dialedAt: live.initiatedAt + 1000, answeredAt: live.initiatedAt + 3000 };
    const h = heartbeatOver(s, () => [live]);
    assert.deepEqual(h.beat(), [talking]);
    assert.deepEqual(h.beat(), [talking]);
    live.thirdParty.endedAt = live.initiatedAt + 9000;
    live.thirdParty.outcome = 'Completed';
    assert.deepEqual(h.beat(), [talking], 'the leg ended: a change');
    assert.deepEqual(h.beat(), []);
    s.close();
  });

  test('a new definition (an edit, a reload) rewrites every contact: records name agents and queues from it', async () => {
    const { s, talking, queued } = await busyLine();
    const contacts = [talking, queued].map((id) => s.center.contact(id) as LiveContact);
    let definition = s.line.definition;
    const h = heartbeatOver(s, () => contacts, () => definition);
    assert.equal(h.beat().length, 2);
    assert.deepEqual(h.beat(), []);
    definition = { ...definition };
    assert.equal(h.beat().length, 2);
    s.close();
  });

  test('a contact changed only in its flow state (a new state from the flow) is written', async () => {
    const { s, queued } = await busyLine();
    const live = structuredClone(s.center.contact(queued) as LiveContact);
    const h = heartbeatOver(s, () => [live]);
    h.beat();
    live.flowState = { ...live.flowState, attributes: { ...live.flowState.attributes, note: 'changed' } };
    assert.deepEqual(h.beat(), [queued]);
    assert.deepEqual(h.beats.at(-1)?.write[0]?.attributes['note'], 'changed');
    s.close();
  });

  test('a beat that could not be written is retried whole, and contacts gone since are named once', async () => {
    const { s, talking, queued } = await busyLine();
    const contacts = [talking, queued].map((id) => s.center.contact(id) as LiveContact);
    let on = contacts;
    const h = heartbeatOver(s, () => on);
    h.beat();
    contacts[0]!.holds.count++;
    h.failNext(true);
    h.beat();
    h.failNext(false);
    assert.deepEqual(h.beat(), [talking], 'the change the failed beat missed');
    on = [contacts[1]!];
    h.beat();
    assert.deepEqual(h.beats.at(-1)?.gone, [talking]);
    h.beat();
    assert.deepEqual(h.beats.at(-1)?.gone, []);
    s.close();
  });
});
