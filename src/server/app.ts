// The HTTP API and WebSocket event stream, assembled from one plugin per area. Each plugin owns
// its prefix, says who may call it and types its requests; handlers validate and call the line.
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { identify } from './auth.ts';
import type { ServerDeps } from './deps.ts';
import { errorHandler } from './errors.ts';
import { adminPlugin } from './plugins/admin.ts';
import { agentPlugin } from './plugins/agent.ts';
import { callsPlugin } from './plugins/calls.ts';
import { definitionPlugin } from './plugins/definition.ts';
import { configPlugin } from './plugins/config.ts';
import { contactsPlugin } from './plugins/contacts.ts';
import { eventsPlugin } from './plugins/events.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { monitoringPlugin } from './plugins/monitoring.ts';
import { phonePlugin } from './plugins/phone.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionPlugin } from './plugins/session.ts';
import { sipWebSocketPlugin } from './plugins/sip-websocket.ts';
import { supervisorPlugin } from './plugins/supervisor.ts';
import { webPlugin } from './plugins/web.ts';

export interface BuildAppOptions {
  /** Serve HTTPS (and wss for events and SIP) with this PEM certificate and key. */
  https?: { cert: string; key: string };
}

export async function buildApp(deps: ServerDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const base = { logger: false, bodyLimit: 5 * 1024 * 1024 };
  // Fastify's types give an https server another instance type; the routes are the same.
  const app = (options.https
    ? Fastify({ ...base, https: options.https }) as unknown as FastifyInstance
    : Fastify(base)).withTypeProvider<TypeBoxTypeProvider>();
  await securityHeaders(app);
  await app.register(websocket);
  // Raw bytes: the import detects the encoding (Excel in Japan writes Shift_JIS).
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Prompts uploaded as WAV files: raw bytes, checked by the prompt upload.
  app.addContentTypeParser(['audio/wav', 'audio/x-wav', 'audio/wave', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler(deps.log));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));
  app.addHook('onRequest', identify(deps.users, deps.clock));

  await app.register(monitoringPlugin, { deps });
  await app.register(sessionPlugin, { deps, prefix: '/api' });
  await app.register(agentPlugin, { deps, prefix: '/api/agent' });
  await app.register(supervisorPlugin, { deps, prefix: '/api/agents' });
  await app.register(contactsPlugin, { deps, prefix: '/api/contacts' });
  await app.register(metricsPlugin, { deps, prefix: '/api' });
  await app.register(adminPlugin, { deps, prefix: '/api/admin' });
  await app.register(callsPlugin, { deps, prefix: '/api/calls' });
  await app.register(eventsPlugin, { deps, prefix: '/api/events' });
  await app.register(configPlugin, { deps, prefix: '/api' });
  await app.register(definitionPlugin, { deps, prefix: '/api/admin' });
  await app.register(phonePlugin, { deps, prefix: '/api/phone' });
  if (deps.webDir !== undefined) await app.register(webPlugin, { webDir: deps.webDir });
  await app.register(sipWebSocketPlugin, { deps });
  return app;
}
