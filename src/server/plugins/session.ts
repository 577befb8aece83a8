// Sessions: log in (throttled per address), log out, who am I.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, ANYONE } from '../auth.ts';
import { Text } from '../schemas.ts';
import { FailureThrottle } from '../throttle.ts';

type Deps = Pick<ServerDeps, 'users' | 'agents' | 'clock'>;

const Login = Type.Object({ username: Text, password: Text }, { additionalProperties: false });

/** Prefix /api. */
export const sessionPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { users, clock } = deps;
  const attempts = new FailureThrottle(10, 60_000);
  app.post('/login', { schema: { body: Login } }, async (req, reply) => {
    const { username, password } = req.body;
    if (!attempts.allow(req.ip, clock.now())) return reply.code(429).send({ error: 'too many failed logins; wait a minute' });
    const user = await users.authenticate(username, password);
    if (!user) {
      attempts.fail(req.ip, clock.now());
      return reply.code(401).send({ error: 'wrong username or password' });
    }
    return { ...users.startSession(user, new Date(clock.now())), user };
  });
  await app.register(signedIn, { deps });
};

const signedIn: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...ANYONE));
  app.post('/logout', async (req) => {
    const token = req.headers.authorization?.slice(7);
    if (token) deps.users.endSession(token);
    return { ok: true };
  });
  app.get('/me', async (req) => ({
    user: req.user,
    agent: req.user?.agentId ? deps.agents.agent(req.user.agentId) : undefined,
  }));
};
