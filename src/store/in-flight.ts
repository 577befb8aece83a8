// Contacts still on the line, as of the line's last heartbeat: what a crash would otherwise lose.
// A beat, in one transaction, marks the line alive, writes the contacts that changed and removes
// those no longer on the line; each row is the record as of the beat that wrote it (heartbeat_ts). A
// contact whose record is saved leaves the table in the same transaction as the save (keepRecords in
// app/services.ts), so a contact is always in exactly one of the two tables.
import type Database from 'better-sqlite3';
import type { ContactRecord } from '../contacts/record.ts';
import type { InFlightBeat } from '../runtime/contact-records.ts';

/** What the previous run of the line left behind when it did not stop cleanly. */
export interface CrashedRun {
  startedAt: number;
  /** The last heartbeat: the crash happened after this and before the next one was due. */
  lastHeartbeatAt: number;
  /** Each contact in flight at the last heartbeat, as its record would have been at `heartbeatAt` (its row's beat). */
  contacts: { record: ContactRecord; heartbeatAt: number }[];
}

export class SqliteInFlightStore {
  private readonly beatTx: (at: number, beat: InFlightBeat) => void;
  private readonly removeOne: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const write = db.prepare(`INSERT INTO contacts_in_flight (contact_id, heartbeat_ts, record) VALUES (?, ?, ?)
      ON CONFLICT (contact_id) DO UPDATE SET heartbeat_ts = excluded.heartbeat_ts, record = excluded.record`);
    const line = db.prepare(`INSERT INTO line_heartbeat (id, started_ts, heartbeat_ts) VALUES (1, ?, ?)
      ON CONFLICT (id) DO UPDATE SET heartbeat_ts = excluded.heartbeat_ts`);
    this.removeOne = db.prepare('DELETE FROM contacts_in_flight WHERE contact_id = ?');
    this.beatTx = db.transaction((at: number, beat: InFlightBeat) => {
      for (const id of beat.gone) this.removeOne.run(id);
      for (const r of beat.write) write.run(r.contactId, at, JSON.stringify(r));
      line.run(at, at);
    });
  }

  /** The line is alive at `at`: the contacts that changed are written as of `at`, those gone removed. */
  beat(at: number, beat: InFlightBeat): void {
    this.beatTx(at, beat);
  }

  /** The contact's record is saved: it is no longer in flight. */
  remove(contactId: string): void {
    this.removeOne.run(contactId);
  }

  /** What a run that did not stop cleanly left; undefined after a clean stop (or on a new database). */
  crashedRun(): CrashedRun | undefined {
    const line = this.db.prepare('SELECT started_ts, heartbeat_ts FROM line_heartbeat WHERE id = 1').get() as
      { started_ts: number; heartbeat_ts: number } | undefined;
    const rows = this.db.prepare('SELECT heartbeat_ts, record FROM contacts_in_flight ORDER BY contact_id').all() as
      { heartbeat_ts: number; record: string }[];
    if (!line && rows.length === 0) return undefined;
    const contacts = rows.map((r) => ({ record: JSON.parse(r.record) as ContactRecord, heartbeatAt: r.heartbeat_ts }));
    const lastHeartbeatAt = line?.heartbeat_ts ?? Math.max(...contacts.map((c) => c.heartbeatAt));
    return { startedAt: line?.started_ts ?? lastHeartbeatAt, lastHeartbeatAt, contacts };
  }

  /** A clean stop, or the crash has been recovered: nothing in flight, no run going. */
  clear(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM contacts_in_flight').run();
      this.db.prepare('DELETE FROM line_heartbeat').run();
    })();
  }
}
