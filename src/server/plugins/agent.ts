// The agent desktop: the signed-in user's own offers, contacts, status and after-contact work.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { agentOf, allow, ANYONE } from '../auth.ts';
import { ContactParams, Text } from '../schemas.ts';
import { settableStatus } from '../queries.ts';
import { agentView, contactView } from '../views.ts';

type Deps = Pick<ServerDeps, 'center' | 'agents'>;

const Status = Type.Object({ status: Text }, { additionalProperties: false });
const Hold = Type.Object({ on: Type.Boolean() }, { additionalProperties: false });
const AfterContactWork = Type.Object({ notes: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false });

/** Prefix /api/agent. Any signed-in user who works as an agent. */
export const agentPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { center, agents } = deps;
  app.addHook('preHandler', allow(...ANYONE));
  app.get('', async (req) => {
    const agentId = agentOf(req);
    return {
      agent: agentView(agents.agent(agentId)),
      offers: center.offersFor(agentId).map((c) => contactView(center, c)),
      contacts: center.liveContacts().filter((c) => c.agentId === agentId).map((c) => contactView(center, c)),
    };
  });
  app.put('/status', { schema: { body: Status } }, async (req) => {
    const agentId = agentOf(req);
    center.setAgentStatus(agentId, settableStatus(agents, agentId, req.body.status));
    return { agent: agentView(agents.agent(agentId)) };
  });
  const actions: Record<string, (agentId: string, contactId: string) => void> = {
    accept: (agentId, contactId) => center.accept(agentId, contactId),
    decline: (agentId, contactId) => center.decline(agentId, contactId),
    hangup: (agentId, contactId) => center.agentHangUp(agentId, contactId),
  };
  for (const [action, act] of Object.entries(actions)) {
    app.post(`/contacts/:contactId/${action}`, { schema: { params: ContactParams } }, async (req) => {
      const agentId = agentOf(req);
      act(agentId, req.params.contactId);
      return { agent: agentView(agents.agent(agentId)) };
    });
  }
  // Hold: the caller hears the line's hold audio and the two stop hearing each other; counted in the record.
  app.post('/contacts/:contactId/hold', { schema: { params: ContactParams, body: Hold } }, async (req) => {
    const agentId = agentOf(req);
    center.agentHold(agentId, req.params.contactId, req.body.on);
    return { agent: agentView(agents.agent(agentId)) };
  });
  app.post('/acw/finish', { schema: { body: AfterContactWork } }, async (req) => {
    const agentId = agentOf(req);
    center.finishAfterContactWork(agentId, req.body.notes);
    return { agent: agentView(agents.agent(agentId)) };
  });
};
