// DequeueContactAndTransferToQueue: from a customer queue flow, moves the waiting contact to another
// queue (or an agent's queue). Connect fails it when the contact is not waiting in a queue.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface DequeueContactAndTransferToQueueParameters {
  QueueId?: string;
  AgentId?: string;
}

declare module '../types.ts' {
  interface ActionParameters { DequeueContactAndTransferToQueue: DequeueContactAndTransferToQueueParameters }
}

export const dequeueContactAndTransferToQueue: ActionDefinition<'DequeueContactAndTransferToQueue'> = {
  spec: spec({ errors: ['QueueAtCapacity', 'NoMatchingError'], mustHandle: ['NoMatchingError'], needsNext: false }),
  checkParameters(p, checks) {
    if (p.QueueId !== undefined && p.AgentId !== undefined) checks.invalid('AgentId', 'give QueueId or AgentId, not both');
    if (p.QueueId === undefined && p.AgentId === undefined) checks.missing('DequeueContactAndTransferToQueue needs Parameters.QueueId or Parameters.AgentId');
  },
  references: () => [{ key: 'QueueId', resource: 'queue' }],
  execute({ catalog, out, action, data }) {
    const p = action.Parameters;
    if (!out.state.queue) {
      lastDetail(out, { error: 'the contact is not in a queue (a customer queue flow runs this)' });
      return error('NoMatchingError');
    }
    const ref = p.QueueId !== undefined ? resolveValue(p.QueueId, data) : resolveValue(p.AgentId ?? '', data);
    const queue = p.QueueId !== undefined ? catalog.queue(ref) : catalog.agentQueue(ref);
    if (!queue) {
      lastDetail(out, { error: `unknown ${p.QueueId !== undefined ? 'queue' : 'agent'} ${JSON.stringify(ref)}` });
      return error('NoMatchingError');
    }
    lastDetail(out, { queue: queue.name });
    out.state = { ...out.state, queue };
    out.effects.push({ type: 'MoveToQueue', actionId: action.Identifier, queue });
    // The contact waits in the new queue; this queue flow's run is over.
    return { kind: 'end', reason: 'FLOW_ENDED' };
  },
};
