// UpdateContactCallbackNumber: the number CreateCallbackContact calls back (by default the caller's
// own). (APIReference contact-actions-updatecontactcallbacknumber)
import { isReference, resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import { E164 } from './transfer-participant-to-third-party.ts';

export interface UpdateContactCallbackNumberParameters {
  CallbackNumber: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactCallbackNumber: UpdateContactCallbackNumberParameters }
}

export const updateContactCallbackNumber: ActionDefinition<'UpdateContactCallbackNumber'> = {
  spec: spec({ required: ['CallbackNumber'], errors: ['InvalidCallbackNumber', 'CallbackNumberNotDialable', 'NoMatchingError'] }),
  checkParameters(p, checks) {
    const n = p['CallbackNumber'];
    if (typeof n === 'string' && !isReference(n)) checks.invalid('CallbackNumber', 'CallbackNumber must be a single JSONPath reference (it cannot be set statically)');
  },
  execute({ out, action, data }) {
    const number = resolveValue(action.Parameters.CallbackNumber, data).trim();
    if (!E164.test(number)) {
      lastDetail(out, { error: `${JSON.stringify(number)} is not an E.164 number` });
      return error('InvalidCallbackNumber');
    }
    out.state = { ...out.state, callbackNumber: number };
    lastDetail(out, { callbackNumber: number });
    return NEXT;
  },
};
