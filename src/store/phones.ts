// Credentials of the agents' SIP phones. Digest authentication (RFC 2617) needs only
// HA1 = MD5(username:realm:password), so that is all that is kept.
import type Database from 'better-sqlite3';

export interface PhoneCredential {
  username: string;
  agentId: string;
  realm: string;
  ha1: string;
}

export class SqlitePhoneStore {
  constructor(private readonly db: Database.Database) {}

  /** Sets a phone's credential; the caller computes HA1 (telephony/sip/digest.ts), so no password is kept. */
  set(p: PhoneCredential, now: Date): void {
    this.db.prepare(`INSERT INTO sip_phones (username, agent_id, realm, ha1, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (username) DO UPDATE SET agent_id = excluded.agent_id, realm = excluded.realm, ha1 = excluded.ha1, updated_at = excluded.updated_at`)
      .run(p.username, p.agentId, p.realm, p.ha1, now.toISOString());
  }

  get(username: string): PhoneCredential | undefined {
    const row = this.db.prepare('SELECT username, agent_id, realm, ha1 FROM sip_phones WHERE username = ?').get(username) as
      { username: string; agent_id: string; realm: string; ha1: string } | undefined;
    return row ? { username: row.username, agentId: row.agent_id, realm: row.realm, ha1: row.ha1 } : undefined;
  }

  list(): PhoneCredential[] {
    return (this.db.prepare('SELECT username, agent_id, realm, ha1 FROM sip_phones ORDER BY username').all() as
      { username: string; agent_id: string; realm: string; ha1: string }[])
      .map((r) => ({ username: r.username, agentId: r.agent_id, realm: r.realm, ha1: r.ha1 }));
  }
}
