import type Database from 'better-sqlite3';

/** One schema change. Migrations only ever get appended; a shipped one is never edited. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'customers and closures',
    up: (db) => {
      db.exec(`
        CREATE TABLE customers (
          customer_number TEXT PRIMARY KEY,
          name            TEXT NOT NULL,
          queue           TEXT NOT NULL,
          updated_at      TEXT NOT NULL
        );
        CREATE TABLE closures (
          id         INTEGER PRIMARY KEY,
          start_date TEXT NOT NULL,   -- YYYY-MM-DD, or MM-DD for a closure every year
          end_date   TEXT NOT NULL,   -- inclusive, same form as start_date
          name       TEXT NOT NULL,
          source     TEXT NOT NULL DEFAULT 'admin'  -- 'definition' rows are replaced from the instance file
        );
      `);
    },
  },
];

/** Applies every migration newer than the database, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
