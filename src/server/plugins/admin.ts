// The admin area: customers, queues and their ranks, hours, closures, users. Supervisors may
// read the line's set-up; only admins change it (and see the users).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { customersCsvFile, formatCustomersCsv, parseCustomersCsv, parseCustomersCsvBytes } from '../../directory/csv.ts';
import { validateCustomerSearch } from '../../directory/search.ts';
import { queueRefs } from '../../instance/catalog.ts';
import type { ServerDeps } from '../deps.ts';
import { allow, STAFF } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { Text } from '../schemas.ts';

type Deps = Pick<ServerDeps, 'customers' | 'closures' | 'users' | 'definition' | 'updateQueueRanks' | 'clock'>;

/** Prefix /api/admin. */
export const adminPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  await app.register(setUpForStaff, { deps });
  await app.register(customersForAdmins, { deps });
  await app.register(setUpForAdmins, { deps });
};

const CustomerList = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

/** Admins and supervisors: read the set-up. */
const setUpForStaff: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...STAFF));
  // JSON in pages (q: number prefix or part of a name); the CSV export is always the whole directory.
  app.get('/customers', { schema: { querystring: CustomerList } }, async (req, reply) => {
    if ((req.headers.accept ?? '').includes('text/csv')) return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="customers.csv"').send(customersCsvFile(deps.customers.list()));
    const search = validateCustomerSearch(req.query);
    if (!search.ok) throw new HttpError(400, search.problems.join('; '));
    return deps.customers.page(search.query);
  });
  app.get('/queues', async () => ({ queues: deps.definition().queues }));
  app.get('/hours', async () => ({ hoursOfOperation: deps.definition().hoursOfOperation }));
  app.get('/closures', async () => ({ closures: deps.closures.list() }));
};

const CustomerParams = Type.Object({ customerNumber: Type.String() });
const CustomerBody = Type.Object({ name: Text, queue: Text }, { additionalProperties: false });

/** Admins: the customer directory, as CSV or one customer at a time (checked as the CSV import checks a row). */
const customersForAdmins: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { customers, clock } = deps;
  app.addHook('preHandler', allow('admin'));
  // The file's bytes as saved (UTF-8, UTF-16 with BOM, or Shift_JIS as Excel writes it); the answer names the encoding read.
  app.post('/customers/import', async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) throw new HttpError(415, 'send the CSV file as text/csv');
    const parsed = parseCustomersCsvBytes(req.body, { knownQueues: queueRefs(deps.definition()) });
    const encoding = parsed.encoding ? { encoding: parsed.encoding } : {};
    if (!parsed.ok) return reply.code(422).send({ error: 'nothing imported', ...encoding, problems: parsed.errors });
    return { ...customers.importAll(parsed.customers, new Date(clock.now())), ...encoding };
  });
  app.put('/customers/:customerNumber', { schema: { params: CustomerParams, body: CustomerBody } }, async (req) => {
    const { customerNumber } = req.params;
    const csv = formatCustomersCsv([{ customerNumber, name: req.body.name, queue: req.body.queue }]);
    const parsed = parseCustomersCsv(csv, { knownQueues: queueRefs(deps.definition()) });
    if (!parsed.ok) throw new HttpError(400, parsed.errors.map((e) => `${e.column ?? ''} ${e.message}`.trim()).join('; '));
    customers.importAll(parsed.customers, new Date(clock.now()));
    return { customer: customers.find(customerNumber) };
  });
  app.delete('/customers/:customerNumber', { schema: { params: CustomerParams } }, async (req) => {
    if (!customers.remove(req.params.customerNumber)) throw new HttpError(404, `no customer ${req.params.customerNumber}`);
    return { ok: true };
  });
};

const QueueParams = Type.Object({ queueId: Type.String() });
const QueueRanks = Type.Object({
  agents: Type.Array(Type.Object({ agent: Text, rank: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), { maxItems: 1000 }),
}, { additionalProperties: false });
const ClosureBody = Type.Object({ from: Text, to: Text, name: Text }, { additionalProperties: false });
const ClosureParams = Type.Object({ id: Type.String() });
const NewUser = Type.Object({
  username: Text,
  password: Type.String({ minLength: 8, maxLength: 200 }),
  role: Type.Enum(['admin', 'supervisor', 'agent']),
  agentId: Type.Optional(Text),
}, { additionalProperties: false });

/** Admins: queue ranks, closures, users. */
const setUpForAdmins: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow('admin'));
  app.put('/queues/:queueId/agents', { schema: { params: QueueParams, body: QueueRanks } }, async (req) => ({
    queue: deps.updateQueueRanks(req.params.queueId, req.body.agents),
  }));
  app.post('/closures', { schema: { body: ClosureBody } }, async (req) => {
    try {
      return { id: deps.closures.add(req.body) };
    } catch (err) {
      throw new HttpError(400, err instanceof Error ? err.message : String(err));
    }
  });
  app.delete('/closures/:id', { schema: { params: ClosureParams } }, async (req) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || !deps.closures.remove(id)) throw new HttpError(404, 'no such closure');
    return { ok: true };
  });
  app.get('/users', async () => ({ users: deps.users.list() }));
  app.post('/users', { schema: { body: NewUser } }, async (req, reply) => {
    const body = req.body;
    if (body.agentId && !deps.definition().agents.some((a) => a.id === body.agentId)) throw new HttpError(400, `agentId: no agent ${body.agentId}`);
    return reply.code(201).send({ user: await deps.users.create(body) });
  });
};
