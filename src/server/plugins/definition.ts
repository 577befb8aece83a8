// The admin's edits of the instance definition that the running line applies at once: hours of
// operation, which flow a number runs, new flows (after `flow check`), new prompts (a WAV or a text);
// and prompts played back (staff may listen).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, STAFF } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { Text } from '../schemas.ts';

type Deps = Pick<ServerDeps, 'edits'>;

/** Prefix /api/admin. */
export const definitionPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  await app.register(listenForStaff, { deps });
  await app.register(editForAdmins, { deps });
};

const PromptParams = Type.Object({ promptId: Type.String() });

const listenForStaff: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...STAFF));
  app.get('/prompts/:promptId/audio', { schema: { params: PromptParams } }, async (req, reply) => {
    const wav = await deps.edits.promptAudio(req.params.promptId);
    if (wav === undefined) throw new HttpError(404, `no prompt ${req.params.promptId}`);
    return reply.type('audio/wav').header('cache-control', 'no-store').send(wav);
  });
};

const Time = Type.Object({ Hours: Type.Integer({ minimum: 0, maximum: 23 }), Minutes: Type.Integer({ minimum: 0, maximum: 59 }) }, { additionalProperties: false });
const Weekday = Type.Enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']);
const HoursBody = Type.Object({
  config: Type.Array(Type.Object({ Day: Weekday, StartTime: Time, EndTime: Time }, { additionalProperties: false }), { maxItems: 100 }),
}, { additionalProperties: false });
const HoursParams = Type.Object({ hoursId: Type.String() });
const NumberParams = Type.Object({ number: Type.String() });
const NumberFlow = Type.Object({ flow: Text }, { additionalProperties: false });
const NewFlow = Type.Object({ id: Text, name: Text, flow: Type.Unknown() }, { additionalProperties: false });
const NewPrompt = Type.Object({
  id: Text, name: Text, text: Type.Optional(Type.String({ minLength: 1, maxLength: 3000 })), language: Type.Optional(Type.Enum(['ja-JP', 'en-US'])),
}, { additionalProperties: false });
const WavQuery = Type.Object({ id: Text, name: Text, language: Type.Optional(Type.Enum(['ja-JP', 'en-US'])) }, { additionalProperties: false });
const Speech = Type.Object({ text: Type.String({ minLength: 1, maxLength: 3000 }), language: Type.Optional(Type.Enum(['ja-JP', 'en-US'])) }, { additionalProperties: false });

const editForAdmins: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow('admin'));
  // Connect's HoursOfOperationConfig entries; validated as the definition's are (overlaps, ranges).
  app.put('/hours/:hoursId', { schema: { params: HoursParams, body: HoursBody } }, async (req) => {
    const def = deps.edits.setHours(req.params.hoursId, req.body.config);
    return { hours: def.hoursOfOperation.find((h) => h.id === req.params.hoursId) };
  });
  app.put('/phone-numbers/:number/flow', { schema: { params: NumberParams, body: NumberFlow } }, async (req) => {
    const def = deps.edits.setNumberFlow(req.params.number, req.body.flow);
    return { phoneNumbers: def.phoneNumbers };
  });
  // The flow file is checked as `chokutsu flow check` checks it, against this instance, before it is added.
  app.post('/flows', { schema: { body: NewFlow } }, async (req, reply) => {
    const { id, name, flow } = req.body;
    const text = typeof flow === 'string' ? flow : JSON.stringify(flow, null, 2);
    const def = deps.edits.addFlow({ id, name, text });
    return reply.code(201).send({ flow: def.flows.find((f) => f.id === id) });
  });
  // A text prompt as JSON; an uploaded WAV as the body (audio/wav) with id and name in the query.
  app.post('/prompts', { schema: { body: NewPrompt } }, async (req, reply) => {
    const def = await deps.edits.addPrompt(req.body);
    return reply.code(201).send({ prompt: def.prompts.find((p) => p.id === req.body.id) });
  });
  app.post('/prompts/wav', { schema: { querystring: WavQuery } }, async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) throw new HttpError(400, 'the body must be a WAV file (content-type audio/wav)');
    const def = await deps.edits.addPrompt({ ...req.query, wav: req.body });
    return reply.code(201).send({ prompt: def.prompts.find((p) => p.id === req.query.id) });
  });
  app.post('/prompts/speak', { schema: { body: Speech } }, async (req, reply) => {
    const wav = await deps.edits.speak(req.body.text, req.body.language);
    return reply.type('audio/wav').header('cache-control', 'no-store').send(wav);
  });
};
