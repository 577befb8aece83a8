// Reports for supervisors: real-time queues and agents, historical metrics, the monthly cost.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, STAFF } from '../auth.ts';
import { billingMonth, historicalPeriod } from '../queries.ts';
import { FreeQuery } from '../schemas.ts';
import { agentViews } from '../views.ts';

type Deps = Pick<ServerDeps, 'reports' | 'agents' | 'definition'>;

const CostQuery = Type.Object({ month: Type.Optional(Type.String()) });

/** Prefix /api. Admins and supervisors. */
export const metricsPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { reports } = deps;
  app.addHook('preHandler', allow(...STAFF));
  app.get('/metrics/realtime', async () => ({ ...reports.realtime(), agents: agentViews(deps) }));
  app.get('/metrics/historical', { schema: { querystring: FreeQuery } }, async (req) => reports.historical(historicalPeriod(req.query)));
  app.get('/reports/cost', { schema: { querystring: CostQuery } }, async (req) => reports.cost(billingMonth(req.query.month)));
};
