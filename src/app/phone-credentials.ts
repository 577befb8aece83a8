// SIP credentials for browser phones, issued to a signed-in user so nobody types a SIP password:
// an agent's desktop registers as the agent's extension, a supervisor's or admin's test phone as
// `test-<username>` (it may call the line; no agent has that extension, so it is never offered a
// contact). The password is random and shown once; only its digest HA1 is kept, in memory, and it
// works only while the web session that asked for it is live: logout or the session's end ends it.
import { randomBytes } from 'node:crypto';
import type { User } from '../users/users.ts';
import { digestHa1 } from '../telephony/sip/digest.ts';

export type PhoneUse = 'agent' | 'test-phone';

export interface IssuedPhoneCredentials {
  username: string;
  password: string;
  expiresAt: string;
}

interface Credential {
  ha1: string;
  realm: string;
  /** The session's token: the credential lives while `sessionLive(token)` says so. */
  token: string;
  expiresAt: number;
}

/** Why a user may not have the credentials asked for: 403 not theirs, 409 the agent has no extension. */
export interface PhoneCredentialRefusal {
  ok: false;
  status: 403 | 409;
  message: string;
}

export interface PhoneCredentialBookOptions {
  realm: string;
  /** The agent's extension, if the agent has one. */
  extensionOf(agentId: string): string | undefined;
  /** Whether the web session is still live (not logged out, idle or past its maximum age). */
  sessionLive(token: string, now: Date): boolean;
  /** At most this long after issue, even in a longer session. */
  maxMs?: number;
}

export class PhoneCredentialBook {
  private readonly byUsername = new Map<string, Credential>();

  constructor(private readonly o: PhoneCredentialBookOptions) {}

  /** New credentials for the user's browser phone, or why the use is not theirs. */
  issue(user: User, token: string, use: PhoneUse, now: Date): ({ ok: true } & IssuedPhoneCredentials) | PhoneCredentialRefusal {
    const named = this.usernameFor(user, use);
    if (typeof named !== 'string') return named;
    const username = named;
    const password = randomBytes(18).toString('base64url');
    const expiresAt = now.getTime() + (this.o.maxMs ?? 12 * 3600_000);
    this.prune(now);
    // One browser phone per identity: a new desktop's credentials replace the old tab's.
    this.byUsername.set(username, { ha1: digestHa1(username, this.o.realm, password), realm: this.o.realm, token, expiresAt });
    return { ok: true, username, password, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Ends every credential the session was given (logout). */
  revokeSession(token: string): string[] {
    const revoked: string[] = [];
    for (const [username, c] of this.byUsername) {
      if (c.token === token) {
        this.byUsername.delete(username);
        revoked.push(username);
      }
    }
    return revoked;
  }

  /** The digest HA1 the registrar checks, while the credential and its session are live. */
  ha1(username: string, realm: string, now: Date): string | undefined {
    const c = this.byUsername.get(username);
    if (!c || c.realm !== realm) return undefined;
    if (c.expiresAt <= now.getTime() || !this.o.sessionLive(c.token, now)) {
      this.byUsername.delete(username);
      return undefined;
    }
    return c.ha1;
  }

  private usernameFor(user: User, use: PhoneUse): string | PhoneCredentialRefusal {
    if (use === 'test-phone') {
      if (user.role === 'agent') return { ok: false, status: 403, message: 'the test phone is for supervisors and admins' };
      return `test-${user.username}`;
    }
    if (!user.agentId) return { ok: false, status: 403, message: `user ${user.username} does not work as an agent` };
    const extension = this.o.extensionOf(user.agentId);
    if (!extension) return { ok: false, status: 409, message: `agent ${user.agentId} has no extension; an admin gives one in the instance definition` };
    return extension;
  }

  private prune(now: Date): void {
    for (const [username, c] of this.byUsername) if (c.expiresAt <= now.getTime()) this.byUsername.delete(username);
  }
}
