import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.ts';
import { SqliteAgentStatusHistory } from '../../src/store/agent-status-history.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { InvalidContactSearchError, validateContactSearch, type ContactSearchFilter } from '../../src/contacts/search.ts';
import { SqliteContactStore } from '../../src/store/contacts.ts';
import { abandonedCall, flowOnlyCall, handledCall, iso, SALES, SATO, SUPPORT, SUZUKI, T0 } from '../contacts/records.ts';

const dirs: string[] = [];
function freshDb(): Database.Database {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'chokutsu-'));
  dirs.push(dir);
  return openDatabase(dir);
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** 120 contacts, two per initiation instant (so paging must break ties on the contact id). */
function sampleRecords(): ContactRecord[] {
  const out: ContactRecord[] = [];
  for (let i = 0; i < 120; i++) {
    const start = T0 + Math.floor(i / 2) * 600_000;
    const id = `c-${String(i).padStart(3, '0')}`;
    const caller = `+8190000000${i % 5}`;
    switch (i % 4) {
      case 0:
      case 1:
        out.push(handledCall(id, start, {
          queue: i % 3 === 0 ? SALES : SUPPORT, agent: i % 2 === 0 ? SATO : SUZUKI, caller,
          customerNumber: String(1000 + (i % 7)), talkS: 30 + i * 5,
        }));
        break;
      case 2:
        out.push(abandonedCall(id, start, 10 + i));
        break;
      default:
        out.push(flowOnlyCall(id, start, 15, 'AFTER_HOURS'));
    }
  }
  return out;
}

const newestFirst = (a: ContactRecord, b: ContactRecord): number =>
  Date.parse(b.initiationTimestamp) - Date.parse(a.initiationTimestamp) || (a.contactId < b.contactId ? 1 : a.contactId > b.contactId ? -1 : 0);

describe('SqliteContactStore', () => {
  let db: Database.Database;
  let store: SqliteContactStore;
  const records = sampleRecords();

  before(() => {
    db = freshDb();
    store = new SqliteContactStore(db);
    for (const r of records) store.save(r);
  });
  after(() => db.close());

  const ids = (rs: ContactRecord[]): string[] => rs.map((r) => r.contactId);
  const expected = (keep: (r: ContactRecord) => boolean): string[] => ids(records.filter(keep).sort(newestFirst));
  const all = (filter: ContactSearchFilter): string[] => {
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = store.search(filter, { limit: 500, ...(cursor ? { cursor } : {}) });
      found.push(...ids(page.records));
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  };

  test('a saved record reads back whole', () => {
    const r = records[0];
    assert.ok(r);
    assert.deepEqual(store.get(r.contactId), r);
    assert.equal(store.get('no-such-contact'), undefined);
  });

  test('saving again (when after-contact work ends) replaces the record', () => {
    const db2 = freshDb();
    const s = new SqliteContactStore(db2);
    const r = handledCall('acw', T0);
    s.save(r);
    s.save({ ...r, notes: '見積もりを再送' });
    assert.equal(s.get('acw')?.notes, '見積もりを再送');
    assert.equal(s.search({}).records.length, 1);
    db2.close();
  });

  test('the record survives closing and reopening the database', () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'chokutsu-'));
    dirs.push(dir);
    const r = handledCall('durable', T0);
    const first = openDatabase(dir);
    new SqliteContactStore(first).save(r);
    first.close();
    const second = openDatabase(dir);
    assert.deepEqual(new SqliteContactStore(second).get('durable'), r);
    second.close();
  });

  test('pages newest first, 50 by default, through all 120 contacts without repeats or gaps', () => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = store.search({}, cursor ? { cursor } : {});
      pages.push(ids(page.records));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(pages.map((p) => p.length), [50, 50, 20]);
    assert.deepEqual(pages.flat(), ids([...records].sort(newestFirst)));
    assert.equal(pages[0]?.[0], 'c-119');
    assert.equal(pages[0]?.[1], 'c-118', 'same initiation instant: the larger contact id first');
  });

  test('a page exactly at the end has no next cursor', () => {
    const page = store.search({}, { limit: 120 });
    assert.equal(page.records.length, 120);
    assert.equal(page.nextCursor, undefined);
    const odd = store.search({}, { limit: 7 });
    assert.equal(odd.records.length, 7);
    assert.ok(odd.nextCursor);
  });

  test('contacts saved after the first page do not shift the pages that follow', () => {
    const db2 = freshDb();
    const s = new SqliteContactStore(db2);
    for (const r of records.slice(0, 30)) s.save(r);
    const first = s.search({}, { limit: 10 });
    s.save(handledCall('newer', T0 + 99 * 3_600_000));
    const second = s.search({}, { limit: 10, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
    assert.deepEqual(ids(second.records), ids([...records.slice(0, 30)].sort(newestFirst).slice(10, 20)));
    db2.close();
  });

  test('filters by initiation range, ISO or epoch ms, from inclusive and to exclusive', () => {
    const from = T0 + 10 * 600_000;
    const to = T0 + 20 * 600_000;
    const want = expected((r) => Date.parse(r.initiationTimestamp) >= from && Date.parse(r.initiationTimestamp) < to);
    assert.equal(want.length, 20);
    assert.deepEqual(all({ from: iso(from), to: iso(to) }), want);
    assert.deepEqual(all({ from, to }), want);
    assert.deepEqual(all({ from: '2025-03-03T10:00:00+09:00', to: '2025-03-03T10:00:00+09:00' }), []);
  });

  test('filters by queue, agent, customer number and caller', () => {
    assert.deepEqual(all({ queueId: SALES.id }), expected((r) => r.queue?.id === SALES.id));
    assert.deepEqual(all({ agentId: SUZUKI.id }), expected((r) => r.agent?.id === SUZUKI.id));
    assert.deepEqual(all({ customerNumber: '1003' }), expected((r) => r.customerNumber === '1003'));
    assert.deepEqual(all({ caller: '+819000000002' }), expected((r) => r.customerEndpoint === '+819000000002'));
    assert.ok(all({ agentId: SUZUKI.id }).length > 0);
  });

  test('filters by total duration and disconnect reason, combined with others', () => {
    const want = expected((r) => r.totalDuration >= 100 && r.totalDuration <= 300);
    assert.ok(want.length > 0 && want.length < 120);
    assert.deepEqual(all({ minDurationSeconds: 100, maxDurationSeconds: 300 }), want);
    assert.deepEqual(all({ disconnectReason: 'ABANDONED_IN_QUEUE' }), expected((r) => r.disconnectReason === 'ABANDONED_IN_QUEUE'));
    assert.equal(all({ disconnectReason: 'AFTER_HOURS' }).length, 30);
    assert.deepEqual(
      all({ queueId: SUPPORT.id, disconnectReason: 'CUSTOMER_DISCONNECT', maxDurationSeconds: 400 }),
      expected((r) => r.queue?.id === SUPPORT.id && r.disconnectReason === 'CUSTOMER_DISCONNECT' && r.totalDuration <= 400),
    );
  });

  test('filters by tag: a key, or key=value (split at the first "="), combined with others', () => {
    const tagged = new SqliteContactStore(freshDb());
    const rs = records.slice(0, 6).map((r, i) => ({ ...r, ...(i < 4 ? { tags: i % 2 === 0 ? { Department: 'Sales', 'a=b': 'c' } : { Department: 'Support' } } : {}) }));
    for (const r of rs) tagged.save(r);
    const ids = (filter: ContactSearchFilter) => tagged.search(filter, { limit: 500 }).records.map((r) => r.contactId).sort();
    assert.deepEqual(ids({ tag: 'Department' }), ['c-000', 'c-001', 'c-002', 'c-003']);
    assert.deepEqual(ids({ tag: 'Department=Sales' }), ['c-000', 'c-002']);
    assert.deepEqual(ids({ tag: 'Department=' }), [], 'an empty value matches no tag with a value');
    assert.deepEqual(ids({ tag: 'Department=Support', agentId: SUZUKI.id }), rs.filter((r) => r.tags?.['Department'] === 'Support' && r.agent?.id === SUZUKI.id).map((r) => r.contactId).sort());
    assert.deepEqual(ids({ tag: 'a' }), [], 'the key is "a" here, not "a=b"');
    assert.deepEqual(ids({ tag: 'a=b=c' }), []);
    assert.deepEqual(ids({ tag: 'Region' }), []);
    const bad = validateContactSearch({ tag: '=Sales' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.deepEqual(bad.problems, [{ field: 'tag', message: 'a tag key, or key=value' }]);
  });

  test('rejects a bad search, listing every bad field', () => {
    const bad = {
      from: 'yesterday', to: Number.NaN, queueId: '', minDurationSeconds: -1, disconnectReason: 'HUNG_UP', colour: 'red',
    } as unknown as ContactSearchFilter;
    assert.throws(() => store.search(bad, { limit: 501, cursor: 'not-a-cursor' }), (e: unknown) => {
      assert.ok(e instanceof InvalidContactSearchError);
      assert.deepEqual(e.problems.map((p) => p.field).sort(),
        ['colour', 'cursor', 'disconnectReason', 'from', 'limit', 'minDurationSeconds', 'queueId', 'to']);
      return true;
    });
  });

  test('rejects inverted ranges and a limit outside 1..500', () => {
    const checked = validateContactSearch({ from: iso(T0 + 1000), to: iso(T0), minDurationSeconds: 60, maxDurationSeconds: 30 }, { limit: 0 });
    assert.equal(checked.ok, false);
    if (!checked.ok) assert.deepEqual(checked.problems.map((p) => p.field), ['to', 'maxDurationSeconds', 'limit']);
    assert.equal(validateContactSearch({}, { limit: 500 }).ok, true);
    assert.equal(validateContactSearch({ from: '2025-03-03' }).ok, true);
    assert.equal(validateContactSearch({ from: '2025-03-03T10:00:00' }).ok, false, 'a time without a zone is ambiguous');
  });
});

describe('SqliteAgentStatusHistory', () => {
  test('each status change closes the previous stretch and opens the next', () => {
    const db = freshDb();
    const history = new SqliteAgentStatusHistory(db);
    history.append({ agentId: SATO.id, status: 'Available', at: T0 });
    history.append({ agentId: SUZUKI.id, status: 'Available', at: T0 + 60_000 });
    history.append({ agentId: SATO.id, status: 'OnContact', at: T0 + 120_000 });
    history.append({ agentId: SATO.id, status: 'Custom', customStatus: 'Lunch', at: new Date(T0 + 300_000) });
    history.close(SATO.id, T0 + 400_000);

    assert.deepEqual(history.list({ from: T0, to: T0 + 3_600_000, agentId: SATO.id }), [
      { agentId: SATO.id, status: 'Available', from: iso(T0), to: iso(T0 + 120_000) },
      { agentId: SATO.id, status: 'OnContact', from: iso(T0 + 120_000), to: iso(T0 + 300_000) },
      { agentId: SATO.id, status: 'Custom', customStatus: 'Lunch', from: iso(T0 + 300_000), to: iso(T0 + 400_000) },
    ]);
    assert.deepEqual(history.list({ from: T0 + 200_000, to: T0 + 250_000 }).map((s) => [s.agentId, s.status, s.to]), [
      [SUZUKI.id, 'Available', undefined],
      [SATO.id, 'OnContact', iso(T0 + 300_000)],
    ]);
    assert.equal(history.closeAll(T0 + 500_000), 1);
    assert.equal(history.list({ from: T0, to: T0 + 3_600_000, agentId: SUZUKI.id })[0]?.to, iso(T0 + 500_000));
    db.close();
  });
});
