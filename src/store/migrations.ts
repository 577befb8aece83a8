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
  {
    version: 2,
    name: 'contact records and agent status history',
    up: (db) => {
      // Timestamps are epoch milliseconds so ranges and keyset paging compare as integers.
      db.exec(`
        CREATE TABLE contact_records (
          contact_id        TEXT PRIMARY KEY,
          initiation_ts     INTEGER NOT NULL,
          disconnect_ts     INTEGER NOT NULL,
          queue_id          TEXT,
          agent_id          TEXT,
          customer_number   TEXT,
          caller            TEXT NOT NULL,
          total_duration    INTEGER NOT NULL,  -- seconds
          disconnect_reason TEXT NOT NULL,
          record            TEXT NOT NULL      -- the full ContactRecord as JSON
        );
        CREATE INDEX contact_records_initiation ON contact_records (initiation_ts, contact_id);
        CREATE INDEX contact_records_queue ON contact_records (queue_id, initiation_ts);
        CREATE INDEX contact_records_agent ON contact_records (agent_id, initiation_ts);
        CREATE INDEX contact_records_customer ON contact_records (customer_number, initiation_ts);
        CREATE INDEX contact_records_caller ON contact_records (caller, initiation_ts);
        CREATE INDEX contact_records_reason ON contact_records (disconnect_reason, initiation_ts);
        CREATE TABLE agent_status_history (
          id            INTEGER PRIMARY KEY,
          agent_id      TEXT NOT NULL,
          status        TEXT NOT NULL,
          custom_status TEXT,
          from_ts       INTEGER NOT NULL,
          to_ts         INTEGER            -- NULL while the agent is still in this status
        );
        CREATE INDEX agent_status_history_agent ON agent_status_history (agent_id, from_ts);
        CREATE INDEX agent_status_history_from ON agent_status_history (from_ts);
      `);
    },
  },
  {
    version: 3,
    name: 'users and sessions',
    up: (db) => {
      db.exec(`
        CREATE TABLE users (
          id            INTEGER PRIMARY KEY,
          username      TEXT NOT NULL UNIQUE,
          password_hash TEXT NOT NULL,
          role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
          agent_id      TEXT,
          created_at    TEXT NOT NULL
        );
        CREATE TABLE sessions (
          token_digest TEXT PRIMARY KEY,
          user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          expires_at   TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 4,
    name: 'SIP phone credentials',
    up: (db) => {
      db.exec(`
        CREATE TABLE sip_phones (
          username   TEXT PRIMARY KEY,  -- the phone's SIP user: the agent's extension
          agent_id   TEXT NOT NULL,
          realm      TEXT NOT NULL,
          ha1        TEXT NOT NULL,     -- MD5(username:realm:password), RFC 2617; the password itself is not kept
          updated_at TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 5,
    name: 'sessions end when idle',
    up: (db) => {
      // Sessions from before have no start or last use: they end, and their users log in again.
      db.exec(`
        DELETE FROM sessions;
        ALTER TABLE sessions ADD COLUMN started_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
      `);
    },
  },
  {
    version: 6,
    name: 'contacts in flight and the line heartbeat',
    up: (db) => {
      // Written every few seconds while the line runs (runtime/contact-records.ts: ContactHeartbeat), so a
      // crash (kill -9, power loss) leaves each contact still on the line as it was at the last beat;
      // the next start turns them into LINE_CRASH records (app/recovery.ts). A clean stop clears both.
      db.exec(`
        CREATE TABLE contacts_in_flight (
          contact_id   TEXT PRIMARY KEY,
          heartbeat_ts INTEGER NOT NULL,
          record       TEXT NOT NULL      -- the ContactRecord it would have, ended at heartbeat_ts
        );
        CREATE TABLE line_heartbeat (
          id           INTEGER PRIMARY KEY CHECK (id = 1),
          started_ts   INTEGER NOT NULL,  -- when this run of the line started
          heartbeat_ts INTEGER NOT NULL   -- its last sign of life
        );
        ALTER TABLE agent_status_history ADD COLUMN reason TEXT;  -- why the status was set by the line itself
      `);
    },
  },
];

/** Applies every migration newer than the database, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
