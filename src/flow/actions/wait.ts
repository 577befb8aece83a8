// Wait: waits TimeoutSeconds (exports: TimeLimitSeconds), then WaitCompleted.
import { resolveValue } from '../attributes.ts';
import { spec, waitsFor, type ActionDefinition } from '../action.ts';
import { condition, error, wait } from '../outcome.ts';
import { nextTimer } from '../timers.ts';

export interface WaitParameters {
  /** The reference's name. */
  TimeoutSeconds?: string;
  /** The name real exports use. */
  TimeLimitSeconds?: string;
  Events?: string[];
}

declare module '../types.ts' {
  interface ActionParameters { Wait: WaitParameters }
}

export const waitAction: ActionDefinition<'Wait'> = {
  spec: spec({
    errors: ['NoMatchingError'], conditions: ['WaitCompleted', 'CustomerReturned', 'BotParticipantDisconnected', 'ParticipantDisconnected'],
    mustHandleConditions: ['WaitCompleted'], needsNext: false,
  }),
  checkParameters(_p, checks) {
    // "a positive integer value no greater than 604800 (seven days)" (flow-control-actions-wait).
    for (const key of ['TimeoutSeconds', 'TimeLimitSeconds']) checks.number(key, { min: 1, max: 7 * 24 * 3600, integer: true });
  },
  execute({ out, action, data }) {
    const p = action.Parameters;
    const seconds = Number(resolveValue(p.TimeoutSeconds ?? p.TimeLimitSeconds ?? '0', data));
    if (!Number.isFinite(seconds) || seconds < 0) return error('NoMatchingError');
    return wait({ kind: 'wait', timerId: nextTimer(out, seconds) });
  },
  waits: waitsFor('wait', ({ out, waiting }, event) => {
    if (event.type !== 'TimerExpired' || event.timerId !== waiting.timerId) return undefined;
    out.state = { ...out.state, waiting: undefined };
    return condition('WaitCompleted');
  }),
};
