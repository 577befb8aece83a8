// Users of the web app and API, with roles, and their sessions. Passwords are argon2id hashes
// (@node-rs/argon2); session tokens are random and stored only as SHA-256 digests.
import { hash, verify } from '@node-rs/argon2';
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import {
  DEFAULT_SESSION_POLICY, newUserProblems, UserError, type NewSession, type NewUser, type Role, type SessionPolicy, type User, type UserStore,
} from '../users/users.ts';

interface UserRow { id: number; username: string; role: Role; agent_id: string | null; password_hash: string }

/** A session's last use is written at most this often: the idle timeout is exact to within it. */
const LAST_SEEN_RESOLUTION_MS = 15_000;

export class SqliteUserStore implements UserStore {
  constructor(private readonly db: Database.Database, private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY) {}

  async create(u: NewUser): Promise<User> {
    const problems = newUserProblems(u);
    if (problems.length > 0) throw new UserError('Invalid', problems.join('; '));
    if (this.byUsername(u.username)) throw new UserError('Exists', `user ${u.username} exists`);
    const passwordHash = await hash(u.password);
    const info = this.db.prepare('INSERT INTO users (username, password_hash, role, agent_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(u.username, passwordHash, u.role, u.agentId ?? null, new Date().toISOString());
    return { id: Number(info.lastInsertRowid), username: u.username, role: u.role, ...(u.agentId ? { agentId: u.agentId } : {}) };
  }

  async setPassword(username: string, password: string): Promise<void> {
    if (password.length < 8) throw new UserError('Invalid', 'password: at least 8 characters');
    const r = this.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(await hash(password), username);
    if (r.changes === 0) throw new UserError('NotFound', `no user ${username}`);
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  /** The user, when the password is right; undefined otherwise (same answer for unknown users). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const row = this.byUsername(username);
    if (!row) {
      await hash(password); // spend the same time, so timing does not tell which usernames exist
      return undefined;
    }
    return (await verify(row.password_hash, password)) ? toUser(row) : undefined;
  }

  startSession(user: User, now: Date): NewSession {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.policy.maxMs).toISOString();
    // Sessions that have ended are deleted here, so the table holds live ones (and a few idle ones).
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now.toISOString(), this.idleSince(now));
    this.db.prepare('INSERT INTO sessions (token_digest, user_id, expires_at, started_at, last_seen_at) VALUES (?, ?, ?, ?, ?)')
      .run(digest(token), user.id, expiresAt, now.toISOString(), now.toISOString());
    return { token, expiresAt, idleMinutes: Math.round(this.policy.idleMs / 60_000) };
  }

  sessionUser(token: string, now: Date): User | undefined {
    const row = this.db.prepare(`SELECT u.*, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_digest = ? AND s.expires_at > ? AND s.last_seen_at > ?`)
      .get(digest(token), now.toISOString(), this.idleSince(now)) as (UserRow & { last_seen_at: string }) | undefined;
    if (!row) return undefined;
    if (now.getTime() - Date.parse(row.last_seen_at) >= LAST_SEEN_RESOLUTION_MS) {
      this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_digest = ?').run(now.toISOString(), digest(token));
    }
    return toUser(row);
  }

  private idleSince(now: Date): string {
    return new Date(now.getTime() - this.policy.idleMs).toISOString();
  }

  endSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_digest = ?').run(digest(token));
  }

  private byUsername(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }
}

function toUser(r: UserRow): User {
  return { id: r.id, username: r.username, role: r.role, ...(r.agent_id ? { agentId: r.agent_id } : {}) };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
