// Credentials of the agents' SIP phones. Digest authentication (RFC 2617) needs only
// HA1 = MD5(username:realm:password), so that is all that is kept.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

export interface PhoneCredential {
  username: string;
  agentId: string;
  realm: string;
  ha1: string;
}

export function digestHa1(username: string, realm: string, password: string): string {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
}

export class SqlitePhoneStore {
  constructor(private readonly db: Database.Database) {}

  setPassword(p: { username: string; agentId: string; realm: string; password: string }, now: Date): void {
    if (p.password.length < 8) throw new Error('a phone password has at least 8 characters');
    this.db.prepare(`INSERT INTO sip_phones (username, agent_id, realm, ha1, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (username) DO UPDATE SET agent_id = excluded.agent_id, realm = excluded.realm, ha1 = excluded.ha1, updated_at = excluded.updated_at`)
      .run(p.username, p.agentId, p.realm, digestHa1(p.username, p.realm, p.password), now.toISOString());
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
