// Agents' desk phones: a password becomes the digest HA1 the SIP side checks; the password is not kept.
import { SqlitePhoneStore } from '../store/phones.ts';
import { digestHa1 } from '../telephony/sip/digest.ts';

export function setPhonePassword(
  phones: SqlitePhoneStore, p: { username: string; agentId: string; realm: string; password: string }, now: Date,
): void {
  if (p.password.length < 8) throw new Error('a phone password has at least 8 characters');
  phones.set({ username: p.username, agentId: p.agentId, realm: p.realm, ha1: digestHa1(p.username, p.realm, p.password) }, now);
}
