// The HTTP API and WebSocket event stream. Handlers are small: they validate, check the role,
// and call the contact center or a store. Every bad request gets a 4xx with a clear message.
import websocket from '@fastify/websocket';
import { createReadStream, existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { formatCustomersCsv, parseCustomersCsv } from '../directory/csv.ts';
import { queueRefs } from '../instance/catalog.ts';
import { ContactCenterError } from '../runtime/contact-center.ts';
import type { CenterEvent } from '../runtime/contact-center.ts';
import { RequestError, type LineServices } from '../app/services.ts';
import { SimulatedCaller } from './simulated-caller.ts';
import { UserError, type Role, type User } from '../users/users.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

const str = { type: 'string', minLength: 1, maxLength: 200 } as const;

export async function buildApp(s: LineServices): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  await app.register(websocket);

  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    if (err instanceof HttpError || err instanceof RequestError) return reply.code(err.statusCode).send({ error: err.message });
    if (err instanceof ContactCenterError) {
      const code = err.code === 'NotFound' ? 404 : err.code === 'Forbidden' ? 403 : 409;
      return reply.code(code).send({ error: err.message });
    }
    if (err instanceof UserError) return reply.code(err.code === 'NotFound' ? 404 : err.code === 'Exists' ? 409 : 400).send({ error: err.message });
    if (err.validation || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
      return reply.code(err.statusCode ?? 400).send({ error: err.message });
    }
    s.log(`internal error: ${err.stack ?? err.message}`);
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  // Authentication: a bearer token (or ?token= for WebSockets, which cannot set headers in browsers).
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    const query = (req.query as Record<string, unknown> | undefined)?.['token'];
    const token = header?.startsWith('Bearer ') ? header.slice(7) : typeof query === 'string' ? query : undefined;
    if (token) {
      const user = s.users.sessionUser(token, new Date(s.clock.now()));
      if (user) req.user = user;
    }
  });

  const need = (...roles: Role[]) => async (req: FastifyRequest): Promise<void> => {
    if (!req.user) throw new HttpError(401, 'log in first (POST /api/login)');
    if (!roles.includes(req.user.role)) throw new HttpError(403, `this needs the role ${roles.join(' or ')}`);
  };
  const anyone = need('admin', 'supervisor', 'agent');
  const staff = need('admin', 'supervisor');
  const admin = need('admin');
  const agentOf = (req: FastifyRequest): string => {
    const id = req.user?.agentId;
    if (!id) throw new HttpError(403, `user ${req.user?.username} does not work as an agent`);
    return id;
  };

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await s.prometheusText()));

  // ---- sessions ----
  app.post('/api/login', {
    schema: { body: { type: 'object', required: ['username', 'password'], additionalProperties: false, properties: { username: str, password: str } } },
  }, async (req, reply) => {
    const { username, password } = req.body as { username: string; password: string };
    if (!s.loginAttempts.allow(req.ip, s.clock.now())) return reply.code(429).send({ error: 'too many failed logins; wait a minute' });
    const user = await s.users.authenticate(username, password);
    if (!user) {
      s.loginAttempts.fail(req.ip, s.clock.now());
      return reply.code(401).send({ error: 'wrong username or password' });
    }
    return { ...s.users.startSession(user, new Date(s.clock.now())), user };
  });
  app.post('/api/logout', { preHandler: anyone }, async (req) => {
    const token = req.headers.authorization?.slice(7);
    if (token) s.users.endSession(token);
    return { ok: true };
  });
  app.get('/api/me', { preHandler: anyone }, async (req) => ({
    user: req.user,
    agent: req.user?.agentId ? s.router.agent(req.user.agentId) : undefined,
  }));

  // ---- the agent desktop ----
  app.get('/api/agent', { preHandler: anyone }, async (req) => {
    const agentId = agentOf(req);
    return {
      agent: s.router.agent(agentId),
      offers: s.center.offersFor(agentId).map((c) => s.contactView(c)),
      contacts: s.center.liveContacts().filter((c) => c.agentId === agentId).map((c) => s.contactView(c)),
    };
  });
  app.put('/api/agent/status', {
    preHandler: anyone,
    schema: { body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: str } } },
  }, async (req) => {
    const agentId = agentOf(req);
    s.center.setAgentStatus(agentId, (req.body as { status: string }).status);
    return { agent: s.router.agent(agentId) };
  });
  for (const action of ['accept', 'decline', 'hangup'] as const) {
    app.post(`/api/agent/contacts/:contactId/${action}`, { preHandler: anyone }, async (req) => {
      const agentId = agentOf(req);
      const { contactId } = req.params as { contactId: string };
      if (action === 'accept') s.center.accept(agentId, contactId);
      else if (action === 'decline') s.center.decline(agentId, contactId);
      else s.center.agentHangUp(agentId, contactId);
      return { agent: s.router.agent(agentId) };
    });
  }
  app.post('/api/agent/acw/finish', {
    preHandler: anyone,
    schema: { body: { type: 'object', additionalProperties: false, properties: { notes: { type: 'string', maxLength: 4000 } } } },
  }, async (req) => {
    const agentId = agentOf(req);
    s.center.finishAfterContactWork(agentId, (req.body as { notes?: string } | undefined)?.notes);
    return { agent: s.router.agent(agentId) };
  });

  // ---- supervisors ----
  app.get('/api/agents', { preHandler: staff }, async () => ({ agents: s.agentViews() }));
  app.put('/api/agents/:agentId/status', {
    preHandler: staff,
    schema: { body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: str } } },
  }, async (req) => {
    const { agentId } = req.params as { agentId: string };
    s.center.setAgentStatus(agentId, (req.body as { status: string }).status);
    return { agent: s.router.agent(agentId) };
  });

  // ---- contacts ----
  app.get('/api/contacts', { preHandler: anyone }, async (req) => {
    const q = { ...(req.query as Record<string, string>) };
    delete q['token'];
    if (req.user?.role === 'agent') q['agent'] = agentOf(req); // an agent sees only their own contacts
    return s.searchContacts(q);
  });
  app.get('/api/contacts/:contactId', { preHandler: anyone }, async (req) => {
    const { contactId } = req.params as { contactId: string };
    const record = s.contactRecord(contactId);
    if (!record || (req.user?.role === 'agent' && record.agentId !== req.user.agentId)) {
      throw new HttpError(404, `no contact ${contactId}`);
    }
    return record.record;
  });

  app.get('/api/contacts/:contactId/recording', { preHandler: anyone }, async (req, reply) => {
    const { contactId } = req.params as { contactId: string };
    const found = s.contactRecord(contactId);
    if (!found || (req.user?.role === 'agent' && found.agentId !== req.user.agentId)) throw new HttpError(404, `no contact ${contactId}`);
    const location = found.record.recording?.location;
    if (!location) throw new HttpError(404, `contact ${contactId} was not recorded`);
    const file = resolve(s.line.dataDir, location);
    if (!file.startsWith(resolve(s.line.dataDir, 'recordings') + sep) || !existsSync(file)) throw new HttpError(404, `the recording of ${contactId} is missing`);
    return reply.type('audio/wav').header('content-disposition', `inline; filename="${contactId}.wav"`).send(createReadStream(file));
  });

  // ---- metrics and reports ----
  app.get('/api/metrics/realtime', { preHandler: staff }, async () => s.realtime());
  app.get('/api/metrics/historical', { preHandler: staff }, async (req) => s.historical(req.query as Record<string, string>));
  app.get('/api/reports/cost', { preHandler: staff }, async (req) => {
    const { month } = req.query as { month?: string };
    if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new HttpError(400, 'month: YYYY-MM, e.g. 2026-11');
    return s.costReport(month);
  });

  // ---- admin ----
  app.get('/api/admin/customers', { preHandler: staff }, async (req, reply) => {
    const customers = s.line.directory.list();
    if ((req.headers.accept ?? '').includes('text/csv')) return reply.type('text/csv; charset=utf-8').send(formatCustomersCsv(customers));
    return { customers };
  });
  app.post('/api/admin/customers/import', { preHandler: admin }, async (req, reply) => {
    if (typeof req.body !== 'string') throw new HttpError(415, 'send the CSV as text/csv');
    const parsed = parseCustomersCsv(req.body, { knownQueues: queueRefs(s.line.definition) });
    if (!parsed.ok) return reply.code(422).send({ error: 'nothing imported', problems: parsed.errors });
    return s.line.directory.importAll(parsed.customers, new Date(s.clock.now()));
  });
  app.put('/api/admin/customers/:customerNumber', {
    preHandler: admin,
    schema: { body: { type: 'object', required: ['name', 'queue'], additionalProperties: false, properties: { name: str, queue: str } } },
  }, async (req) => {
    const { customerNumber } = req.params as { customerNumber: string };
    const { name, queue } = req.body as { name: string; queue: string };
    const csv = formatCustomersCsv([{ customerNumber, name, queue }]);
    const parsed = parseCustomersCsv(csv, { knownQueues: queueRefs(s.line.definition) });
    if (!parsed.ok) throw new HttpError(400, parsed.errors.map((e) => `${e.column ?? ''} ${e.message}`.trim()).join('; '));
    s.line.directory.importAll(parsed.customers, new Date(s.clock.now()));
    return { customer: s.line.directory.find(customerNumber) };
  });
  app.delete('/api/admin/customers/:customerNumber', { preHandler: admin }, async (req) => {
    const { customerNumber } = req.params as { customerNumber: string };
    if (!s.line.directory.remove(customerNumber)) throw new HttpError(404, `no customer ${customerNumber}`);
    return { ok: true };
  });
  app.get('/api/admin/queues', { preHandler: staff }, async () => ({ queues: s.line.definition.queues }));
  app.put('/api/admin/queues/:queueId/agents', {
    preHandler: admin,
    schema: {
      body: {
        type: 'object', required: ['agents'], additionalProperties: false,
        properties: { agents: { type: 'array', maxItems: 1000, items: { type: 'object', required: ['agent', 'rank'], additionalProperties: false, properties: { agent: str, rank: { type: 'integer', minimum: 1 } } } } },
      },
    },
  }, async (req) => {
    const { queueId } = req.params as { queueId: string };
    const { agents } = req.body as { agents: { agent: string; rank: number }[] };
    return { queue: s.updateQueueRanks(queueId, agents) };
  });
  app.get('/api/admin/hours', { preHandler: staff }, async () => ({ hoursOfOperation: s.line.definition.hoursOfOperation }));
  app.get('/api/admin/closures', { preHandler: staff }, async () => ({ closures: s.line.closures.list() }));
  app.post('/api/admin/closures', {
    preHandler: admin,
    schema: { body: { type: 'object', required: ['from', 'to', 'name'], additionalProperties: false, properties: { from: str, to: str, name: str } } },
  }, async (req) => {
    try {
      return { id: s.line.closures.add(req.body as { from: string; to: string; name: string }) };
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  });
  app.delete('/api/admin/closures/:id', { preHandler: admin }, async (req) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isInteger(id) || !s.line.closures.remove(id)) throw new HttpError(404, 'no such closure');
    return { ok: true };
  });
  app.get('/api/admin/users', { preHandler: admin }, async () => ({ users: s.users.list() }));
  app.post('/api/admin/users', {
    preHandler: admin,
    schema: {
      body: {
        type: 'object', required: ['username', 'password', 'role'], additionalProperties: false,
        properties: { username: str, password: { type: 'string', minLength: 8, maxLength: 200 }, role: { enum: ['admin', 'supervisor', 'agent'] }, agentId: str },
      },
    },
  }, async (req, reply) => {
    const body = req.body as { username: string; password: string; role: Role; agentId?: string };
    if (body.agentId && !s.line.definition.agents.some((a) => a.id === body.agentId)) throw new HttpError(400, `agentId: no agent ${body.agentId}`);
    return reply.code(201).send({ user: await s.users.create(body) });
  });

  // ---- the test phone: a simulated caller ----
  app.post('/api/calls', {
    preHandler: staff,
    schema: {
      body: {
        type: 'object', additionalProperties: false,
        properties: { from: { type: 'string', pattern: '^\\+?[0-9]{3,15}$' }, to: { type: 'string', pattern: '^\\+?[0-9]{3,15}$' }, keys: { type: 'string', pattern: '^[0-9*#A-D]*$', maxLength: 100 }, promptMs: { type: 'integer', minimum: 0, maximum: 60000 } },
      },
    },
  }, async (req, reply) => {
    const body = (req.body ?? {}) as { from?: string; to?: string; keys?: string; promptMs?: number };
    const caller = new SimulatedCaller(() => s.center, s.scheduler, s.clock, body.promptMs ?? 0);
    if (body.keys) caller.press(body.keys);
    const to = body.to ?? s.line.definition.phoneNumbers[0]?.number ?? '';
    caller.contactId = s.newContactId();
    s.callers.set(caller.contactId, caller);
    s.center.startContact(caller, { contactId: caller.contactId, from: body.from ?? '+819012345678', to });
    return reply.code(201).send(s.callView(caller));
  });
  const callerOf = (req: FastifyRequest): SimulatedCaller => {
    const { contactId } = req.params as { contactId: string };
    const caller = s.callers.get(contactId);
    if (!caller) throw new HttpError(404, `no test call ${contactId}`);
    return caller;
  };
  app.get('/api/calls/:contactId', { preHandler: staff }, async (req) => s.callView(callerOf(req)));
  app.post('/api/calls/:contactId/keys', {
    preHandler: staff,
    schema: { body: { type: 'object', required: ['keys'], additionalProperties: false, properties: { keys: { type: 'string', pattern: '^[0-9*#A-D]+$', maxLength: 100 } } } },
  }, async (req) => {
    const caller = callerOf(req);
    if (caller.hungUp) throw new HttpError(409, 'the call has ended');
    caller.press((req.body as { keys: string }).keys);
    return s.callView(caller);
  });
  app.delete('/api/calls/:contactId', { preHandler: staff }, async (req) => {
    const caller = callerOf(req);
    if (!caller.hungUp) {
      caller.hungUp = true;
      s.center.customerHangUp(caller.contactId);
    }
    return s.callView(caller);
  });

  // ---- events ----
  app.get('/api/events', { websocket: true, preHandler: anyone }, (socket, req) => {
    const user = req.user as User;
    const mine = (e: CenterEvent): boolean => {
      if (user.role !== 'agent') return true;
      return 'agentId' in e && e.agentId === user.agentId;
    };
    const unsubscribe = s.bus.subscribe(mine, (e) => socket.send(JSON.stringify(e)));
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });

  return app;
}

