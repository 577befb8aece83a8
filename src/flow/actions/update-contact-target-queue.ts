// UpdateContactTargetQueue: the queue TransferContactToQueue will use.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

/** QueueId, or AgentId for the agent's own queue (APIReference contact-actions-updatecontacttargetqueue). */
export interface UpdateContactTargetQueueParameters {
  QueueId?: string;
  AgentId?: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactTargetQueue: UpdateContactTargetQueueParameters }
}

export const updateContactTargetQueue: ActionDefinition<'UpdateContactTargetQueue'> = {
  spec: spec({ errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    if (p.QueueId === undefined && p.AgentId === undefined) checks.missing('UpdateContactTargetQueue needs Parameters.QueueId or Parameters.AgentId');
    if (p.QueueId !== undefined && p.AgentId !== undefined) checks.invalid('AgentId', 'give QueueId or AgentId, not both');
  },
  references: () => [{ key: 'QueueId', resource: 'queue' }],
  execute({ catalog, out, action, data }) {
    const p = action.Parameters;
    const byAgent = p.QueueId === undefined;
    const ref = resolveValue(p.QueueId ?? p.AgentId ?? '', data);
    const queue = byAgent ? catalog.agentQueue(ref) : catalog.queue(ref);
    if (!queue) {
      lastDetail(out, { error: `unknown ${byAgent ? 'agent' : 'queue'} ${JSON.stringify(ref)}` });
      return error('NoMatchingError');
    }
    out.state = { ...out.state, queue };
    lastDetail(out, { queue: queue.name });
    return NEXT;
  },
};
