// TransferContactToQueue: hands the contact to routing in the queue UpdateContactTargetQueue set.
// The flow waits there until an agent answers or the queue refuses the contact.
import { spec, waitsFor, type ActionDefinition } from '../action.ts';
import { error, type Outcome } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export type TransferContactToQueueParameters = Record<string, never>;

declare module '../types.ts' {
  interface ActionParameters { TransferContactToQueue: TransferContactToQueueParameters }
}

/** A queued contact (here or by TransferContactToAgent): an agent answers, or the queue fails it. */
export const queueWait = waitsFor('queue', ({ out }, event): Outcome | undefined => {
  if (event.type === 'QueueTransferFailed') {
    out.state = { ...out.state, waiting: undefined, status: 'waiting' };
    lastDetail(out, { error: event.error, ...(event.message ? { message: event.message } : {}) });
    return error(event.error);
  }
  if (event.type === 'AgentConnected') return { kind: 'connected' };
  return undefined;
});

export const transferContactToQueue: ActionDefinition<'TransferContactToQueue'> = {
  spec: spec({ errors: ['QueueAtCapacity', 'NoMatchingError'], mustHandle: ['NoMatchingError'], needsNext: false }),
  execute({ out, action }) {
    const queue = out.state.queue;
    if (!queue) {
      lastDetail(out, { error: 'no queue set (UpdateContactTargetQueue)' });
      return error('NoMatchingError');
    }
    lastDetail(out, { queue: queue.name });
    // Routing criteria do not apply in an agent queue (adminguide set-routing-criteria).
    const criteria = queue.agentId === undefined ? out.state.routingCriteria : undefined;
    out.effects.push({ type: 'TransferToQueue', actionId: action.Identifier, queue, routing: out.state.routing, ...(criteria ? { criteria } : {}) });
    return { kind: 'queued', queue };
  },
  waits: queueWait,
};
