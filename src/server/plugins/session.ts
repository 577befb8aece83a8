// Sessions: log in (throttled per user name and, with a higher threshold, per address), log out, who am I.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, ANYONE } from '../auth.ts';
import { Text } from '../schemas.ts';
import { FailureThrottle } from '../throttle.ts';
import { agentView } from '../views.ts';

type Deps = Pick<ServerDeps, 'users' | 'agents' | 'clock' | 'phoneCredentials'>;

const Login = Type.Object({ username: Text, password: Text }, { additionalProperties: false });

/** Prefix /api. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failures per user name within the window before that name is refused; other users are not. */
export const USER_FAILURE_LIMIT = 10;
/**
 * Failures per source address within the window. Higher than one user's: a whole office behind
 * one NAT shares an address, and one person's typos must not lock out the rest; a guessing flood
 * over many names is still stopped.
 */
export const ADDRESS_FAILURE_LIMIT = 100;

export const sessionPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { users, clock } = deps;
  const byUser = new FailureThrottle(USER_FAILURE_LIMIT, LOGIN_WINDOW_MS);
  const byAddress = new FailureThrottle(ADDRESS_FAILURE_LIMIT, LOGIN_WINDOW_MS);
  app.post('/login', { schema: { body: Login } }, async (req, reply) => {
    const { username, password } = req.body;
    const name = username.toLowerCase();
    const now = clock.now();
    const userWait = byUser.retryAfterMs(name, now);
    const addressWait = byAddress.retryAfterMs(req.ip, now);
    if (userWait > 0 || addressWait > 0) {
      const seconds = Math.ceil(Math.max(userWait, addressWait) / 1000);
      const who = userWait > 0 ? `user ${username}` : 'this address';
      return reply.code(429).header('retry-after', String(seconds)).send({ error: `too many failed logins for ${who}; try again in ${seconds} s` });
    }
    const user = await users.authenticate(username, password);
    if (!user) {
      byUser.fail(name, clock.now());
      byAddress.fail(req.ip, clock.now());
      return reply.code(401).send({ error: 'wrong username or password' });
    }
    byUser.clear(name);
    return { ...users.startSession(user, new Date(clock.now())), user };
  });
  await app.register(signedIn, { deps });
};

const signedIn: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...ANYONE));
  app.post('/logout', async (req) => {
    const token = req.headers.authorization?.slice(7);
    if (token) {
      deps.users.endSession(token);
      deps.phoneCredentials?.revokeSession(token);
    }
    return { ok: true };
  });
  app.get('/me', async (req) => ({
    user: req.user,
    agent: req.user?.agentId ? agentView(deps.agents.agent(req.user.agentId)) : undefined,
  }));
};
