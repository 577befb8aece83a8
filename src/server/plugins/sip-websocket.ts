// SIP over WebSocket (RFC 7118) on the API's own port: browsers' softphones (SIP.js) connect to
// /sip with the subprotocol "sip", so a page served from here needs no other origin or port
// (CSP connect-src 'self'). The socket is handed to the SIP side as it is; who may register or
// call is SIP's business (digest, inbound policy), not a web session's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerDeps } from '../deps.ts';

type Deps = Pick<ServerDeps, 'sipWebSocket'>;

/** Prefix none: GET /sip (WebSocket upgrade). 404 when the line has no SIP side. */
export const sipWebSocketPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get('/sip', { websocket: true }, (socket, req) => {
    const accept = deps.sipWebSocket;
    if (!accept) {
      socket.close(1011, 'no SIP on this line');
      return;
    }
    accept(socket, {
      address: req.socket.remoteAddress ?? '',
      port: req.socket.remotePort ?? 0,
      secure: 'encrypted' in req.socket && req.socket.encrypted === true,
    });
  });
};
