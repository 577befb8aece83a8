// Copies of the database: taken while the line runs (SQLite's online backup, page by page, a
// consistent snapshot however many writes go on meanwhile), checked, and put back.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from './database.ts';
import { migrations } from './migrations.ts';

/** What a database file is, as far as a backup or a restore cares. */
export interface DatabaseCheck {
  /** `PRAGMA integrity_check`: ['ok'] when whole, else SQLite's findings. */
  integrity: string[];
  /** The newest migration applied (0: not a chokutsu database). */
  schemaVersion: number;
  contactRecords: number;
  /** The heartbeat of the line writing to it, if one was running (or crashed) when the file was taken. */
  lineHeartbeat?: number;
}

/** The schema version this build of chokutsu writes. */
export const CURRENT_SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** Opens the file read-only and checks it; throws when it is not an SQLite database at all. */
export function checkDatabaseFile(file: string): DatabaseCheck {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const has = (table: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
    const schemaVersion = has('schema_migrations')
      ? (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0 : 0;
    const contactRecords = has('contact_records') ? (db.prepare('SELECT count(*) AS n FROM contact_records').get() as { n: number }).n : 0;
    const beat = has('line_heartbeat') ? db.prepare('SELECT heartbeat_ts FROM line_heartbeat WHERE id = 1').get() as { heartbeat_ts: number } | undefined : undefined;
    return { integrity, schemaVersion, contactRecords, ...(beat ? { lineHeartbeat: beat.heartbeat_ts } : {}) };
  } finally {
    db.close();
  }
}

/** The last heartbeat of the line writing to this database, if it is running or crashed (a clean stop clears it). */
export function lastHeartbeat(file: string): number | undefined {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'line_heartbeat'").get() !== undefined;
    return has ? (db.prepare('SELECT heartbeat_ts FROM line_heartbeat WHERE id = 1').get() as { heartbeat_ts: number } | undefined)?.heartbeat_ts : undefined;
  } finally {
    db.close();
  }
}

/**
 * A consistent copy of the line's database into `file`, while the line may be writing to it
 * (better-sqlite3's `backup()`: SQLite's online backup API, restarted by SQLite if a write lands
 * mid-copy, so the copy is one committed state).
 */
export async function backupDatabase(dataDir: string, file: string): Promise<DatabaseCheck> {
  const source = new Database(databasePath(dataDir), { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // SQLite restarts an online backup when another connection (the running line) writes between
    // two steps; copying the rest in one step after the first bounds that to one restart. One step
    // holds a read transaction, which under WAL never blocks the line's writes.
    await source.backup(file, { progress: ({ totalPages }) => Math.max(100, totalPages) });
  } finally {
    source.close();
  }
  return checkDatabaseFile(file);
}

/**
 * Replaces the data directory's database with `file` (already checked by the caller). The database
 * it replaces is first copied, WAL included, to `keepAs`. The stale WAL and shared-memory files go:
 * SQLite would otherwise apply the old database's log to the restored one.
 */
export async function replaceDatabase(dataDir: string, file: string, keepAs: string): Promise<void> {
  const target = databasePath(dataDir);
  if (existsSync(target)) {
    const old = new Database(target, { fileMustExist: true });
    try {
      await old.backup(keepAs);
    } finally {
      old.close();
    }
  }
  const incoming = `${target}.restoring`;
  copyFileSync(file, incoming);
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(incoming, target); // atomic on one file system: the database is the old one or the new one
}
