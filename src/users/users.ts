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

/** Users and their sessions, as the HTTP server and the CLI use them. */
export interface UserStore {
  create(u: NewUser): Promise<User>;
  setPassword(username: string, password: string): Promise<void>;
  list(): User[];
  count(): number;
  /** The user, when the password is right; undefined otherwise (same answer for unknown users). */
  authenticate(username: string, password: string): Promise<User | undefined>;
  startSession(user: User, now: Date): { token: string; expiresAt: string };
  sessionUser(token: string, now: Date): User | undefined;
  endSession(token: string): void;
}
