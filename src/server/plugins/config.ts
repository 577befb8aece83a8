// The line's set-up as the web app shows it: the instance (its time zone, numbers, queues, agents),
// the computed Japanese holidays of a year, prompts and flows (listed, a flow checked as `flow check` does).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { japanesePublicHoliday } from '../../calendar/holidays.ts';
import { checkFlowText } from '../../flow/validate.ts';
import type { ServerDeps } from '../deps.ts';
import { allow, ANYONE, STAFF } from '../auth.ts';
import { HttpError } from '../errors.ts';

type Deps = Pick<ServerDeps, 'definition' | 'flowText' | 'clock' | 'phoneCredentials'>;

/** The statuses an agent may set themselves: the router's routable ones and its default custom (not-routable) ones. */
const SETTABLE_STATUSES = ['Available', 'Offline', 'Break', 'Lunch'];

/** Prefix /api. */
export const configPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  await app.register(instanceForEveryone, { deps });
  await app.register(setUpForStaff, { deps, prefix: '/admin' });
};

/** What every signed-in page needs to show the line in its own terms: time zone, names, ACW timeouts. */
const instanceForEveryone: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...ANYONE));
  app.get('/instance', async () => {
    const d = deps.definition();
    const acw = new Map(d.routingProfiles.map((p) => [p.id, p.afterContactWorkTimeoutSeconds]));
    return {
      name: d.name, timeZone: d.timeZone, language: d.language,
      // The line's clock: "today", waits and countdowns are reckoned by it, not by the browser's.
      now: new Date(deps.clock.now()).toISOString(),
      phoneNumbers: d.phoneNumbers.map((p) => p.number),
      queues: d.queues.map((q) => ({ id: q.id, name: q.name })),
      agents: d.agents.map((a) => ({
        id: a.id, name: a.name, afterContactWorkSeconds: a.routingProfile !== undefined ? acw.get(a.routingProfile) ?? 0 : 0,
      })),
      statuses: SETTABLE_STATUSES,
      // Browser phones (SIP over WebSocket at /sip) work only when the line has a SIP side.
      browserPhones: deps.phoneCredentials !== undefined,
    };
  });
};

const YearQuery = Type.Object({ year: Type.Optional(Type.String({ pattern: '^(19[5-9][0-9]|2[0-1][0-9][0-9])$' })) });
const FlowParams = Type.Object({ flowId: Type.String() });

const setUpForStaff: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addHook('preHandler', allow(...STAFF));
  app.get('/holidays', { schema: { querystring: YearQuery } }, async (req) => {
    const year = Number(req.query.year ?? new Date().getUTCFullYear());
    return { year, holidays: holidaysOf(year) };
  });
  app.get('/prompts', async () => ({ prompts: deps.definition().prompts }));
  app.get('/flows', async () => ({ flows: deps.definition().flows, phoneNumbers: deps.definition().phoneNumbers }));
  app.get('/flows/:flowId', { schema: { params: FlowParams } }, async (req, reply) => {
    const text = deps.flowText(req.params.flowId);
    if (text === undefined) throw new HttpError(404, `no flow ${req.params.flowId}`);
    return reply.type('application/json; charset=utf-8').send(text);
  });
  // The body is the flow file as text, so a file that is not JSON is a problem listed, not a 400.
  app.post('/flows/check', async (req) => {
    const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const check = checkFlowText(text, { id: 'uploaded' });
    return { ok: check.flow !== undefined, problems: check.problems, unsupportedTypes: check.unsupportedTypes };
  });
};

/** Every Japanese public holiday of a year, substitute and citizens' holidays included. */
function holidaysOf(year: number): { date: string; name: string }[] {
  const out: { date: string; name: string }[] = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const holiday = japanesePublicHoliday(date);
    if (holiday) out.push({ date, name: holiday.name });
  }
  return out;
}
