// Users of the web app and API and their roles: what a user is and which users are valid, whatever stores them.

export type Role = 'admin' | 'supervisor' | 'agent';
export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];

export interface User {
  id: number;
  username: string;
  role: Role;
  /** The agent this user works as (role agent, or a supervisor who also takes calls). */
  agentId?: string;
}

export class UserError extends Error {
  constructor(readonly code: 'Exists' | 'Invalid' | 'NotFound', message: string) {
    super(message);
    this.name = 'UserError';
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  agentId?: string;
}

/** Every problem with a new user; empty when it may be created. */
export function newUserProblems(u: NewUser): string[] {
  const problems: string[] = [];
  if (!USERNAME.test(u.username)) problems.push('username: 2–32 of a-z 0-9 . _ -');
  if (u.password.length < 8) problems.push('password: at least 8 characters');
  if (!ROLES.includes(u.role)) problems.push(`role: one of ${ROLES.join(', ')}`);
  if (u.role === 'agent' && !u.agentId) problems.push('agentId: an agent user needs the agent they work as');
  return problems;
}

/** How long a session lives: ended after `idleMs` unused, and `maxMs` after it started whatever happens. */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

/** Idle 60 minutes (a lunch break signs a desk out), at most 12 hours (one working day). */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 60 * 60_000, maxMs: 12 * 3600_000 };

/** The policy from the instance definition's `security` settings, defaults for what is unset. */
export function sessionPolicy(security: { sessionIdleMinutes?: number; sessionMaxHours?: number } = {}): SessionPolicy {
  return {
    idleMs: (security.sessionIdleMinutes ?? DEFAULT_SESSION_POLICY.idleMs / 60_000) * 60_000,
    maxMs: (security.sessionMaxHours ?? DEFAULT_SESSION_POLICY.maxMs / 3600_000) * 3600_000,
  };
}

/** A new session: the token (shown once) and when it ends at the latest; unused for idleMinutes, it ends sooner. */
export interface NewSession {
  token: string;
  expiresAt: string;
  idleMinutes: number;
}

/** Users and their sessions, as the HTTP server and the CLI use them. */
export interface UserStore {
  create(u: NewUser): Promise<User>;
  setPassword(username: string, password: string): Promise<void>;
  list(): User[];
  count(): number;
  /** The user, when the password is right; undefined otherwise (same answer for unknown users). */
  authenticate(username: string, password: string): Promise<User | undefined>;
  startSession(user: User, now: Date): NewSession;
  /** The session's user while it is live (neither idle nor past its maximum age); using it keeps it from going idle. */
  sessionUser(token: string, now: Date): User | undefined;
  endSession(token: string): void;
}
