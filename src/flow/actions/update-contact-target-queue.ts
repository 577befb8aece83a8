// UpdateContactTargetQueue: the queue TransferContactToQueue will use.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface UpdateContactTargetQueueParameters {
  QueueId: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactTargetQueue: UpdateContactTargetQueueParameters }
}

export const updateContactTargetQueue: ActionDefinition<'UpdateContactTargetQueue'> = {
  spec: spec({ required: ['QueueId'], errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'] }),
  references: () => [{ key: 'QueueId', resource: 'queue' }],
  execute({ catalog, out, action, data }) {
    const ref = resolveValue(action.Parameters.QueueId, data);
    const queue = catalog.queue(ref);
    if (!queue) {
      lastDetail(out, { error: `unknown queue ${JSON.stringify(ref)}` });
      return error('NoMatchingError');
    }
    out.state = { ...out.state, queue };
    lastDetail(out, { queue: queue.name });
    return NEXT;
  },
};
