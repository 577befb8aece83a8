// Contact and agent events over a WebSocket; an agent receives only their own.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CenterEvent } from '../../runtime/contact-center.ts';
import type { ServerDeps } from '../deps.ts';
import { allow, ANYONE, userOf } from '../auth.ts';
import { eventView } from '../views.ts';

type Deps = Pick<ServerDeps, 'events'>;

/** Prefix /api/events. Any signed-in user (browsers pass ?token=). */
export const eventsPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...ANYONE));
  app.get('', { websocket: true }, (socket, req) => {
    const user = userOf(req);
    const mine = (e: CenterEvent): boolean => user.role !== 'agent' || ('agentId' in e && e.agentId === user.agentId);
    const unsubscribe = deps.events.subscribe(mine, (e) => socket.send(JSON.stringify(eventView(e))));
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
};
