import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrations.ts';

export const DATABASE_FILE = 'chokutsu.db';

/** Opens (creating if needed) `<dataDir>/chokutsu.db` and brings its schema up to date. */
export function openDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));
  // WAL: readers (the API, a backup) never block the writer, and a transaction is one append to the
  // log. synchronous FULL: the log is fsynced at every commit, so a committed record survives a power
  // loss, not only a crash of the process (NORMAL would lose the last commits on power loss). The line
  // commits a few times per call plus a heartbeat every 2 s, so the fsyncs cost little. docs/decisions.md.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
