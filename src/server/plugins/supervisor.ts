// Supervisors' view of the floor: every agent's state, and setting it for them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, STAFF } from '../auth.ts';
import { Text } from '../schemas.ts';
import { settableStatus } from '../queries.ts';
import { agentView, agentViews } from '../views.ts';

type Deps = Pick<ServerDeps, 'center' | 'agents' | 'definition'>;

const AgentParams = Type.Object({ agentId: Type.String() });
const Status = Type.Object({ status: Text }, { additionalProperties: false });

/** Prefix /api/agents. Admins and supervisors. */
export const supervisorPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...STAFF));
  app.get('', async () => ({ agents: agentViews(deps) }));
  app.put('/:agentId/status', { schema: { params: AgentParams, body: Status } }, async (req) => {
    const { agentId } = req.params;
    deps.center.setAgentStatus(agentId, settableStatus(deps.agents, agentId, req.body.status));
    return { agent: agentView(deps.agents.agent(agentId)) };
  });
};
