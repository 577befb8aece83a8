// Contact records: search, one record, its recording. An agent sees only the contacts they handled.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { ContactRecord } from '../../contacts/record.ts';
import type { ServerDeps } from '../deps.ts';
import { agentOf, allow, ANYONE } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { contactSearch } from '../queries.ts';
import { ContactParams, FreeQuery } from '../schemas.ts';

type Deps = Pick<ServerDeps, 'records' | 'dataDir'>;

/** Prefix /api/contacts. Any signed-in user; agents are held to their own contacts. */
export const contactsPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...ANYONE));
  const visible = (req: FastifyRequest, contactId: string): ContactRecord => {
    const record = deps.records.get(contactId);
    if (!record || (req.user?.role === 'agent' && record.agent?.id !== req.user.agentId)) throw new HttpError(404, `no contact ${contactId}`);
    return record;
  };
  app.get('', { schema: { querystring: FreeQuery } }, async (req) => {
    const q = { ...req.query };
    if (req.user?.role === 'agent') q['agent'] = agentOf(req);
    const { filter, page } = contactSearch(q);
    return deps.records.search(filter, page);
  });
  app.get('/:contactId', { schema: { params: ContactParams } }, async (req) => visible(req, req.params.contactId));
  app.get('/:contactId/recording', { schema: { params: ContactParams } }, async (req, reply) => {
    const { contactId } = req.params;
    const location = visible(req, contactId).recording?.location;
    if (!location) throw new HttpError(404, `contact ${contactId} was not recorded`);
    const file = resolve(deps.dataDir, location);
    if (!file.startsWith(resolve(deps.dataDir, 'recordings') + sep) || !existsSync(file)) throw new HttpError(404, `the recording of ${contactId} is missing`);
    return reply.type('audio/wav').header('content-disposition', `inline; filename="${contactId}.wav"`).send(createReadStream(file));
  });
};
