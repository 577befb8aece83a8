// Who is calling: a bearer token names a session's user; each plugin then says which roles may use
// its routes. A session token is never taken from a URL (logs, history, Referer): the WebSocket
// handshake, which browsers cannot give headers, uses a single-use ticket instead (tickets.ts).
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../runtime/scheduler.ts';
import type { Role, User, UserStore } from '../users/users.ts';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

/** The bearer token of the request, if any. */
export function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** onRequest: sets `req.user` when the token names a live session; refusing is left to `allow`. */
export function identify(users: Pick<UserStore, 'sessionUser'>, clock: Clock) {
  return async (req: FastifyRequest): Promise<void> => {
    const query: unknown = req.query;
    if (typeof query === 'object' && query !== null && 'token' in query) {
      throw new HttpError(400, 'a session token in a URL is refused; send Authorization: Bearer, or for /api/events a ticket from POST /api/events/ticket');
    }
    const token = tokenOf(req);
    if (token) {
      const user = users.sessionUser(token, new Date(clock.now()));
      if (user) req.user = user;
    }
  };
}

/** preHandler (after schema validation, so a bad body is a 400 whoever sends it): 401 without a session, 403 for other roles. */
export function allow(...roles: Role[]) {
  return async (req: FastifyRequest): Promise<void> => {
    if (!req.user) throw new HttpError(401, 'log in first (POST /api/login)');
    if (!roles.includes(req.user.role)) throw new HttpError(403, `this needs the role ${roles.join(' or ')}`);
  };
}

export const ANYONE: Role[] = ['admin', 'supervisor', 'agent'];
export const STAFF: Role[] = ['admin', 'supervisor'];

/** The signed-in user; behind `allow` there always is one. */
export function userOf(req: FastifyRequest): User {
  if (!req.user) throw new HttpError(401, 'log in first (POST /api/login)');
  return req.user;
}

/** The agent the signed-in user works as. */
export function agentOf(req: FastifyRequest): string {
  const id = req.user?.agentId;
  if (!id) throw new HttpError(403, `user ${req.user?.username} does not work as an agent`);
  return id;
}
