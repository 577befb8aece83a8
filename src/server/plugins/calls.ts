// The test phone: a simulated caller dialled from the API, driven by keys, heard as text.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ServerDeps } from '../deps.ts';
import { allow, STAFF } from '../auth.ts';
import { lineNumberFor } from '../../directory/phone-number.ts';
import { HttpError } from '../errors.ts';
import { ContactParams } from '../schemas.ts';
import { SimulatedCaller } from '../simulated-caller.ts';
import { callView } from '../views.ts';

type Deps = Pick<ServerDeps, 'center' | 'records' | 'scheduler' | 'clock' | 'definition' | 'newContactId'>;

const PhoneNumber = Type.String({ pattern: '^\\+?[0-9]{3,15}$' });
const NewCall = Type.Object({
  from: Type.Optional(PhoneNumber),
  /** One of the line's numbers, in any usual form (+81501234567, 0501234567, 050-123-4567). */
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  keys: Type.Optional(Type.String({ pattern: '^[0-9*#A-D]*$', maxLength: 100 })),
  promptMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60000 })),
}, { additionalProperties: false });
const Keys = Type.Object({ keys: Type.String({ pattern: '^[0-9*#A-D]+$', maxLength: 100 }) }, { additionalProperties: false });

/** Prefix /api/calls. Admins and supervisors. */
export const callsPlugin: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { center } = deps;
  const callers = new Map<string, SimulatedCaller>();
  const callerOf = (contactId: string): SimulatedCaller => {
    const caller = callers.get(contactId);
    if (!caller) throw new HttpError(404, `no test call ${contactId}`);
    return caller;
  };
  app.addHook('preHandler', allow(...STAFF));
  app.post('', { schema: { body: NewCall } }, async (req, reply) => {
    const body = req.body;
    const caller = new SimulatedCaller(() => center, deps.scheduler, deps.clock, body.promptMs ?? 0);
    if (body.keys) caller.press(body.keys);
    const to = dialedNumber(body.to, deps.definition().phoneNumbers.map((n) => n.number));
    caller.contactId = deps.newContactId();
    callers.set(caller.contactId, caller);
    center.startContact(caller, { contactId: caller.contactId, from: body.from ?? '+819012345678', to });
    return reply.code(201).send(callView(deps, caller));
  });
  app.get('/:contactId', { schema: { params: ContactParams } }, async (req) => callView(deps, callerOf(req.params.contactId)));
  app.post('/:contactId/keys', { schema: { params: ContactParams, body: Keys } }, async (req) => {
    const caller = callerOf(req.params.contactId);
    if (caller.hungUp) throw new HttpError(409, 'the call has ended');
    caller.press(req.body.keys);
    return callView(deps, caller);
  });
  app.delete('/:contactId', { schema: { params: ContactParams } }, async (req) => {
    const caller = callerOf(req.params.contactId);
    if (!caller.hungUp) {
      caller.hungUp = true;
      center.customerHangUp(caller.contactId);
    }
    return callView(deps, caller);
  });
};

/** The line's number a test call dials: as by SIP, unknown numbers are refused (404), non-numbers are 400. */
function dialedNumber(to: string | undefined, lineNumbers: string[]): string {
  if (to === undefined) return lineNumbers[0] ?? '';
  const found = lineNumberFor(to, lineNumbers);
  if (found.ok) return found.number;
  throw new HttpError(found.problem === 'not-a-number' ? 400 : 404, `to: ${found.message}`);
}
