// CreateCallbackContact: a new contact that calls the customer back (the callback number, else the
// caller's own) once an agent of the queue takes it; the caller may hang up meanwhile.
// (APIReference interactions-createcallbackcontact)
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface CreateCallbackContactParameters {
  QueueId?: string;
  AgentId?: string;
  InitialCallDelaySeconds: string;
  MaximumConnectionAttempts: string;
  RetryDelaySeconds: string;
}

declare module '../types.ts' {
  interface ActionParameters { CreateCallbackContact: CreateCallbackContactParameters }
}

const THREE_DAYS = 259_200;
/** What a trunk can dial: digits with an optional leading +, as callers' numbers arrive. */
const DIALABLE = /^\+?[0-9]{2,20}$/;

export const createCallbackContact: ActionDefinition<'CreateCallbackContact'> = {
  spec: spec({ required: ['InitialCallDelaySeconds', 'MaximumConnectionAttempts', 'RetryDelaySeconds'], errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    if (p['QueueId'] !== undefined && p['AgentId'] !== undefined) checks.invalid('AgentId', 'give QueueId or AgentId, not both');
    checks.number('InitialCallDelaySeconds', { min: 1, max: THREE_DAYS, integer: true });
    checks.number('MaximumConnectionAttempts', { min: 1, max: 100, integer: true });
    checks.number('RetryDelaySeconds', { min: 1, max: THREE_DAYS, integer: true });
  },
  references: (p) => (p['QueueId'] !== undefined ? [{ key: 'QueueId', resource: 'queue' }] : []),
  execute({ out, action, data, catalog }) {
    const p = action.Parameters;
    const queue = p.QueueId !== undefined ? catalog.queue(resolveValue(p.QueueId, data))
      : p.AgentId !== undefined ? catalog.agentQueue(resolveValue(p.AgentId, data)) : out.state.queue;
    const number = out.state.callbackNumber ?? out.state.customerAddress ?? '';
    const [delay, attempts, retry] = [p.InitialCallDelaySeconds, p.MaximumConnectionAttempts, p.RetryDelaySeconds].map((v) => Number(resolveValue(v, data)));
    const problem = !queue ? 'no queue (QueueId, AgentId or the contact\'s queue)'
      : !DIALABLE.test(number) ? `no number to call back (${JSON.stringify(number)})`
        : [delay, attempts, retry].some((n) => !Number.isInteger(n) || (n as number) < 1) ? 'the delays and attempts are whole numbers from 1' : undefined;
    if (problem !== undefined || !queue) {
      lastDetail(out, { error: problem ?? 'no queue' });
      return error('NoMatchingError');
    }
    lastDetail(out, { queue: queue.name, number });
    out.effects.push({
      type: 'CreateCallback', actionId: action.Identifier, number, queue,
      initialDelaySeconds: delay as number, maxAttempts: attempts as number, retryDelaySeconds: retry as number,
    });
    return NEXT;
  },
};
