// TransferParticipantToThirdParty: dials a phone number through the line's outbound trunk and bridges
// it with the caller. ContinueFlowExecution True (the default): the flow waits while the two talk and
// goes on when the third party hangs up; False: once the third party answers, the flow is over and
// the two stay bridged until one hangs up. (APIReference participant-actions-transferparticipanttothirdparty)
import { isReference, resolveValue } from '../attributes.ts';
import { spec, waitsFor, type ActionSpec, type ActionDefinition } from '../action.ts';
import { isObject } from '../parameters.ts';
import { error, NEXT, wait, type Outcome } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import { nextTimer } from '../timers.ts';
import type { Run } from '../state.ts';

export interface TransferParticipantToThirdPartyParameters {
  ThirdPartyPhoneNumber?: string;
  ThirdPartyConnectionTimeLimitSeconds?: string;
  ContinueFlowExecution?: 'True' | 'False';
  ThirdPartyDTMFDigits?: string;
  CallerId?: { Number?: string; Name?: string };
}

declare module '../types.ts' {
  interface ActionParameters { TransferParticipantToThirdParty: TransferParticipantToThirdPartyParameters }
}

/** E.164: a plus, then up to 15 digits not starting with 0. */
export const E164 = /^\+[1-9]\d{1,14}$/;
const DTMF_DIGITS = /^[0-9,*#]{1,50}$/;
const MAX_TIME_LIMIT_SECONDS = 600;

// Connect takes CallFailed and ConnectionTimeLimitExceeded only when the flow continues; with False
// a failed call leaves by NoMatchingError.
const continuing = spec({ errors: ['CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'], variant: 'with ContinueFlowExecution True' });
const ending: ActionSpec = spec({ errors: ['NoMatchingError'], needsNext: false, variant: 'with ContinueFlowExecution False' });

const continues = (p: Record<string, unknown>): boolean => p['ContinueFlowExecution'] !== 'False';

export const transferParticipantToThirdParty: ActionDefinition<'TransferParticipantToThirdParty'> = {
  spec: continuing,
  specFor: (p) => (continues(p) ? continuing : ending),
  checkParameters(p, checks) {
    // The voice-connector form (no number) needs Amazon Chime SDK Voice Connector.
    if (typeof p['ThirdPartyPhoneNumber'] !== 'string' || p['ThirdPartyPhoneNumber'] === '') {
      checks.missing('ThirdPartyPhoneNumber is required here (transfers to a voice connector are not supported)');
    }
    const flag = p['ContinueFlowExecution'];
    if (flag !== undefined && flag !== 'True' && flag !== 'False') checks.invalid('ContinueFlowExecution', 'ContinueFlowExecution is "True" or "False", set statically');
    checks.number('ThirdPartyConnectionTimeLimitSeconds', { min: 0, max: MAX_TIME_LIMIT_SECONDS, integer: true });
    const dtmf = p['ThirdPartyDTMFDigits'];
    if (dtmf !== undefined && (typeof dtmf !== 'string' || (!isReference(dtmf) && !DTMF_DIGITS.test(dtmf)))) {
      checks.invalid('ThirdPartyDTMFDigits', 'ThirdPartyDTMFDigits is up to 50 of 0-9 , * #');
    }
    const callerId = p['CallerId'];
    if (callerId !== undefined) {
      if (!isObject(callerId)) checks.invalid('CallerId', 'CallerId is an object with Number and/or Name');
      else if (typeof callerId['Number'] === 'string' && !isReference(callerId['Number']) && !E164.test(callerId['Number'])) {
        checks.invalid('CallerId.Number', `CallerId.Number ${JSON.stringify(callerId['Number'])} is not an E.164 number`);
      }
    }
  },
  execute({ out, action, data }) {
    const p = action.Parameters;
    const continueFlow = continues(p as Record<string, unknown>);
    const failed = (message: string): Outcome => {
      lastDetail(out, { error: message });
      return error(continueFlow ? 'CallFailed' : 'NoMatchingError');
    };
    const number = resolveValue(p.ThirdPartyPhoneNumber ?? '', data).trim();
    if (!E164.test(number)) return failed(`${JSON.stringify(number)} is not an E.164 number`);
    const dtmf = p.ThirdPartyDTMFDigits !== undefined ? resolveValue(p.ThirdPartyDTMFDigits, data) : '';
    if (dtmf !== '' && !DTMF_DIGITS.test(dtmf)) return failed(`ThirdPartyDTMFDigits ${JSON.stringify(dtmf)} are not 0-9 , * #`);
    const callerNumber = p.CallerId?.Number !== undefined ? resolveValue(p.CallerId.Number, data) : undefined;
    if (callerNumber !== undefined && callerNumber !== '' && !E164.test(callerNumber)) return failed(`caller ID ${JSON.stringify(callerNumber)} is not an E.164 number`);
    const callerName = p.CallerId?.Name !== undefined ? resolveValue(p.CallerId.Name, data) : undefined;
    const callerId = {
      ...(callerNumber ? { number: callerNumber } : {}),
      ...(callerName ? { name: callerName } : {}),
    };
    // The time limit is for the answer, and only when the flow continues (with False it is ignored).
    const limit = continueFlow ? timeLimit(p.ThirdPartyConnectionTimeLimitSeconds, data) : undefined;
    if (limit === null) return failed(`ThirdPartyConnectionTimeLimitSeconds is not 0-${MAX_TIME_LIMIT_SECONDS}`);
    lastDetail(out, { number, ...(callerId.number ? { callerId: callerId.number } : {}) });
    out.effects.push({
      type: 'DialThirdParty', actionId: action.Identifier, number, continueFlow,
      ...(Object.keys(callerId).length > 0 ? { callerId } : {}), ...(dtmf ? { dtmf } : {}),
    });
    // 0 sets no limit of its own: the trunk's answer or failure ends the ringing.
    const timerId = limit !== undefined && limit > 0 ? nextTimer(out, limit) : undefined;
    return wait({ kind: 'thirdParty', number, continueFlow, answered: false, ...(timerId ? { timerId } : {}) });
  },
  waits: waitsFor('thirdParty', ({ out, action, waiting }, event): Outcome | undefined => {
    switch (event.type) {
      case 'ThirdPartyAnswered': {
        if (waiting.answered) return undefined;
        cancelRing(out, waiting.timerId);
        lastDetail(out, { answered: 'true' });
        if (!waiting.continueFlow) return { kind: 'end', reason: 'TRANSFERRED_TO_THIRD_PARTY' };
        return wait({ kind: 'thirdParty', number: waiting.number, continueFlow: true, answered: true });
      }
      case 'ThirdPartyFailed':
        if (waiting.answered) return undefined;
        cancelRing(out, waiting.timerId);
        out.state = { ...out.state, waiting: undefined };
        lastDetail(out, { error: event.message });
        return error(waiting.continueFlow ? 'CallFailed' : 'NoMatchingError');
      case 'TimerExpired':
        if (event.timerId !== waiting.timerId || waiting.answered) return undefined;
        out.state = { ...out.state, waiting: undefined };
        out.effects.push({ type: 'CancelThirdParty', actionId: action.Identifier });
        lastDetail(out, { error: 'no answer within ThirdPartyConnectionTimeLimitSeconds' });
        return error('ConnectionTimeLimitExceeded');
      case 'ThirdPartyDisconnected':
        if (!waiting.answered) return undefined;
        out.state = { ...out.state, waiting: undefined };
        return NEXT;
      default:
        return undefined;
    }
  }),
};

/** Seconds to wait for the answer: undefined when unset, null when not a whole number 0-600. */
function timeLimit(value: string | undefined, data: Parameters<typeof resolveValue>[1]): number | undefined | null {
  if (value === undefined) return undefined;
  const seconds = Number(resolveValue(value, data));
  return Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_TIME_LIMIT_SECONDS ? seconds : null;
}

function cancelRing(out: Run, timerId: string | undefined): void {
  if (timerId) out.effects.push({ type: 'CancelTimer', timerId });
}
