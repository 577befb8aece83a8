// Who may use the line besides callers: users of the web app and API, and agents' desk phones.
// The command line and the demo company set them on a line opened for the purpose.
import { randomBytes } from 'node:crypto';
import type { NewUser, User } from '../users/users.ts';
import { SqlitePhoneStore } from '../store/phones.ts';
import { SqliteUserStore } from '../store/users.ts';
import type { Line } from './line.ts';
import { digestHa1 } from '../telephony/sip/digest.ts';

/** A password for a user or phone that nobody chose: 96 random bits, 16 base64url characters. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Throws UserError when the user is invalid or the username is taken. */
export function addUser(line: Line, user: NewUser): Promise<User> {
  return new SqliteUserStore(line.db).create(user);
}

export function listUsers(line: Line): User[] {
  return new SqliteUserStore(line.db).list();
}

export function countUsers(line: Line): number {
  return new SqliteUserStore(line.db).count();
}

/** An agent's desk phone registers as the agent's extension, in the realm of the line's SIP side. */
export function setAgentPhonePassword(line: Line, agent: { id: string; extension: string }, password: string, now: Date): void {
  const realm = line.definition.telephony?.sip?.realm ?? 'chokutsu';
  setPhonePassword(new SqlitePhoneStore(line.db), { username: agent.extension, agentId: agent.id, realm, password }, now);
}

/** A phone's password becomes the digest HA1 the SIP side checks; the password itself is not kept. */
export function setPhonePassword(
  phones: SqlitePhoneStore, p: { username: string; agentId: string; realm: string; password: string }, now: Date,
): void {
  if (p.password.length < 8) throw new Error('a phone password has at least 8 characters');
  phones.set({ username: p.username, agentId: p.agentId, realm: p.realm, ha1: digestHa1(p.username, p.realm, p.password) }, now);
}
