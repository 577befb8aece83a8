// `chokutsu backup` while the line runs and writes; `chokutsu restore` after its checks, never under
// a running line.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startServer } from '../../src/app/start.ts';
import { main } from '../../src/cli/main.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { SqliteContactStore } from '../../src/store/contacts.ts';
import { openDatabase } from '../../src/store/database.ts';
import { encodeWav } from '../../src/telephony/media/wav.ts';
import type { BackupManifest } from '../../src/app/backup.ts';
import { demoDataDir } from '../runtime/support.ts';

function record(i: number): ContactRecord {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    contactId: `c-${String(i).padStart(6, '0')}`, initialContactId: `c-${i}`, channel: 'VOICE', initiationMethod: 'INBOUND',
    customerEndpoint: '+81312345678', systemEndpoint: '+81501234567', initiationTimestamp: at, disconnectTimestamp: at,
    queueDuration: 0, ringDuration: 0, talkDuration: 0, holdDuration: 0, numberOfHolds: 0, longestHoldDuration: 0,
    afterContactWorkDuration: 0, totalDuration: 0, disconnectReason: 'CUSTOMER_DISCONNECT', attributes: { note: 'x'.repeat(400) },
    flowPath: [], agentOffers: [], cost: { currency: 'USD', amount: 0, billedMinutes: 0 },
  };
}

const count = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM contact_records').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', dir, ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('backup while the line runs and records are written; restore refuses a running line, a broken or newer file; then puts the copy back', { timeout: 60_000 }, async () => {
  const dir = demoDataDir();
  const server = await startServer(dir, { port: 0, telephony: false, log: () => {} });
  let running = true;
  try {
    // A database of some size (so the online backup takes many steps) and two recordings.
    const writer = openDatabase(dir);
    const store = new SqliteContactStore(writer);
    writer.transaction(() => { for (let i = 0; i < 4000; i++) store.save(record(i)); })();
    mkdirSync(join(dir, 'recordings', '2026-01-01'), { recursive: true });
    writeFileSync(join(dir, 'recordings', '2026-01-01', 'a.wav'), encodeWav(new Int16Array(16000).fill(3), { channels: 2 }));
    writeFileSync(join(dir, 'recordings', '2026-01-01', 'b.wav'), encodeWav(new Int16Array(8000).fill(5), { channels: 2 }));

    // Records keep arriving (another connection, as the line writes) while the backup copies.
    let written = 4000;
    let writing = true;
    const writes = (async () => {
      while (writing) {
        store.save(record(written++));
        await new Promise((r) => setImmediate(r));
      }
    })();
    const file = join(dir, '..', `${dir.split('/').pop()}-backup.db`);
    const backup = await cli(dir, 'backup', file);
    writing = false;
    await writes;
    writer.close();
    assert.equal(backup.code, 0, backup.err);
    assert.match(backup.out, /backed up \d+ contact records \(schema 6, \d+ bytes\)/);
    assert.match(backup.out, /2 recordings \(\d+ bytes\) listed with their SHA-256/);
    const copied = count(file);
    assert.ok(copied >= 4000 && copied <= written, `a committed state: ${copied} of 4000..${written}`);
    const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')) as BackupManifest;
    assert.equal(manifest.database.contactRecords, copied);
    assert.deepEqual(manifest.recordings.map((r) => r.path), ['recordings/2026-01-01/a.wav', 'recordings/2026-01-01/b.wav']);
    assert.ok(manifest.recordings.every((r) => /^[0-9a-f]{64}$/.test(r.sha256)));
    assert.equal((await cli(dir, 'backup', file)).code, 1, 'never overwrites');

    const refused = await cli(dir, 'restore', file);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /restore refused:\n {2}the line is running \(its last heartbeat was \d+ s ago\): stop it first/);

    await server.close();
    running = false;
    // After the backup: records deleted, a recording changed.
    const db = new Database(join(dir, 'chokutsu.db'));
    db.prepare('DELETE FROM contact_records').run();
    db.close();
    writeFileSync(join(dir, 'recordings', '2026-01-01', 'b.wav'), 'changed');

    // Files that must not be restored.
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(8192, 7));
    assert.match((await cli(dir, 'restore', garbage)).err, /not a database/);
    const truncated = join(dir, 'truncated.db');
    writeFileSync(truncated, readFileSync(file).subarray(0, 40_000));
    const cut = await cli(dir, 'restore', truncated);
    assert.equal(cut.code, 1);
    assert.match(cut.err, /integrity check failed|not a database/);
    const newer = join(dir, 'newer.db');
    writeFileSync(newer, readFileSync(file));
    const n = new Database(newer);
    n.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '')").run();
    n.close();
    assert.match((await cli(dir, 'restore', newer)).err, /schema version 99 is newer than this chokutsu's \(6\)/);
    const tampered = join(dir, 'tampered.db');
    writeFileSync(tampered, readFileSync(file));
    writeFileSync(`${tampered}.manifest.json`, JSON.stringify({ ...manifest, database: { ...manifest.database, sha256: '0'.repeat(64) } }));
    assert.match((await cli(dir, 'restore', tampered)).err, /SHA-256 is not the one its manifest lists/);
    assert.equal(count(join(dir, 'chokutsu.db')), 0, 'nothing was restored by the refusals');

    const restored = await cli(dir, 'restore', file);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, new RegExp(`restored ${copied} contact records \\(schema 6\\)`));
    assert.match(restored.out, /recordings: 1 of 2 as the backup lists them/);
    assert.match(restored.err, /recording recordings\/2026-01-01\/b.wav: differs from the backup's/);
    const previous = /the database it replaced is (\S+)/.exec(restored.out)?.[1];
    assert.ok(previous && existsSync(previous));
    assert.equal(count(previous), 0, 'the replaced database is kept as it was');
    // The line opens on the restored database and has its records.
    const again = await startServer(dir, { port: 0, telephony: false, log: () => {} });
    try {
      assert.equal(again.services.contacts.searchAll({}).length, copied);
      assert.equal(again.services.line.db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      await again.close();
    }
  } finally {
    if (running) await server.close();
  }
});
