// Contact and agent events over a WebSocket; an agent receives only their own. The handshake
// carries a single-use ticket (browsers cannot set Authorization on a WebSocket), never the token.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { CenterEvent } from '../../runtime/contact-center.ts';
import type { ServerDeps } from '../deps.ts';
import { allow, ANYONE, tokenOf, userOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { TicketBook } from '../tickets.ts';
import { eventView } from '../views.ts';

type Deps = Pick<ServerDeps, 'events' | 'users' | 'clock'>;

const Handshake = Type.Object({ ticket: Type.Optional(Type.String({ maxLength: 100 })) });

/** Prefix /api/events. Any signed-in user: POST /ticket with the bearer token, then GET ?ticket= (WebSocket). */
export const eventsPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { users, clock } = deps;
  /** A ticket remembers the session that asked for it: logging out before the handshake voids it. */
  const tickets = new TicketBook<string>();
  const redeem = async (req: FastifyRequest<{ Querystring: { ticket?: string } }>): Promise<void> => {
    const ticket = req.query.ticket;
    if (!ticket) throw new HttpError(401, 'open the event stream with a ticket: POST /api/events/ticket, then GET /api/events?ticket=…');
    const token = tickets.redeem(ticket, clock.now());
    const user = token === undefined ? undefined : users.sessionUser(token, new Date(clock.now()));
    if (!user) throw new HttpError(401, 'the ticket is unknown, used or expired (valid once, for 30 s)');
    req.user = user;
  };
  app.addHook('preHandler', allow(...ANYONE));
  app.post('/ticket', async (req) => tickets.issue(tokenOf(req) ?? '', clock.now()));
  app.get('', { websocket: true, schema: { querystring: Handshake }, preValidation: redeem }, (socket, req) => {
    const user = userOf(req);
    const mine = (e: CenterEvent): boolean => user.role !== 'agent' || ('agentId' in e && e.agentId === user.agentId);
    const unsubscribe = deps.events.subscribe(mine, (e) => socket.send(JSON.stringify(eventView(e))));
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
};
