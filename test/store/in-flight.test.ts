// The contacts in flight (store/in-flight.ts): a beat writes the rows it is given, removes those gone,
// and leaves every other row as the beat that wrote it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/database.ts';
import { SqliteInFlightStore } from '../../src/store/in-flight.ts';
import { abandonedCall, handledCall, T0 } from '../contacts/records.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function freshStore(): SqliteInFlightStore {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'chokutsu-'));
  dirs.push(dir);
  return new SqliteInFlightStore(openDatabase(dir));
}

describe('contacts in flight', () => {
  test('a beat writes the contacts it is given, keeps the others as their beat left them, and removes those gone', () => {
    const store = freshStore();
    const a = { ...handledCall('a', T0 - 60_000), disconnectReason: 'LINE_CRASH' as const };
    const b = { ...abandonedCall('b', T0 - 30_000, 10), disconnectReason: 'LINE_CRASH' as const };
    store.beat(T0, { write: [a, b], gone: [] });
    store.beat(T0 + 2000, { write: [{ ...b, attributes: { note: 'changed' } }], gone: [] });
    store.beat(T0 + 4000, { write: [], gone: [] });
    const run = store.crashedRun();
    assert.equal(run?.lastHeartbeatAt, T0 + 4000);
    assert.deepEqual(run?.contacts.map((c) => [c.record.contactId, c.heartbeatAt, c.record.attributes['note']]), [['a', T0, undefined], ['b', T0 + 2000, 'changed']]);
    store.beat(T0 + 6000, { write: [], gone: ['a'] });
    assert.deepEqual(store.crashedRun()?.contacts.map((c) => c.record.contactId), ['b']);
  });
});
