// For the machine that watches the line, without a session: the health check and the Prometheus scrape.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerDeps } from '../deps.ts';

type Deps = Pick<ServerDeps, 'reports'>;

export const monitoringPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await deps.reports.prometheusText()));
};
