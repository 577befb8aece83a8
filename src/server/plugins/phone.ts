// Credentials for the browser phone, so nobody types a SIP password: the signed-in agent's
// desktop gets its extension's, a supervisor's or admin's test phone a `test-<username>` identity
// that may call the line. The password is random, shown once in this response, and works over
// SIP over WebSocket (/sip) until the session ends or logs out.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, ANYONE, tokenOf, userOf } from '../auth.ts';
import { HttpError } from '../errors.ts';

type Deps = Pick<ServerDeps, 'phoneCredentials' | 'clock'>;

const CredentialsRequest = Type.Object({
  /** agent: my extension (the default for users who work as an agent); test-phone: the staff test phone. */
  use: Type.Optional(Type.Union([Type.Literal('agent'), Type.Literal('test-phone')])),
}, { additionalProperties: false });

/** Prefix /api/phone. Any signed-in user; what they get depends on who they are. */
export const phonePlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...ANYONE));
  app.post('/credentials', { schema: { body: Type.Optional(CredentialsRequest) } }, async (req, reply) => {
    const book = deps.phoneCredentials;
    if (!book) throw new HttpError(404, 'this line has no SIP side, so no browser phone');
    const user = userOf(req);
    const use = req.body?.use ?? (user.agentId ? 'agent' : 'test-phone');
    const issued = book.issue(user, tokenOf(req) ?? '', use, new Date(deps.clock.now()));
    if (!issued.ok) throw new HttpError(issued.status, issued.message);
    // The SIP domain is the host the page was loaded from; the realm comes in the digest challenge.
    reply.header('cache-control', 'no-store');
    return { username: issued.username, password: issued.password, domain: req.hostname.replace(/:\d+$/, ''), wsPath: '/sip', expiresAt: issued.expiresAt };
  });
};
