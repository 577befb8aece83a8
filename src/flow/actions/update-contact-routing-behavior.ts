// UpdateContactRoutingBehavior: lower priority numbers are routed first; a time adjustment makes the
// contact look older in its queue.
import { spec, type ActionDefinition } from '../action.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface UpdateContactRoutingBehaviorParameters {
  QueuePriority?: string;
  QueueTimeAdjustmentSeconds?: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactRoutingBehavior: UpdateContactRoutingBehaviorParameters }
}

export const updateContactRoutingBehavior: ActionDefinition<'UpdateContactRoutingBehavior'> = {
  spec: spec({}),
  checkParameters(p, checks) {
    // "larger than zero, and a valid integer"; "a valid integer" (contact-actions-updatecontactroutingbehavior).
    checks.number('QueuePriority', { min: 1, integer: true });
    checks.number('QueueTimeAdjustmentSeconds', { min: Number.NEGATIVE_INFINITY, integer: true });
    if (p['QueuePriority'] !== undefined && p['QueueTimeAdjustmentSeconds'] !== undefined) {
      checks.invalid('QueueTimeAdjustmentSeconds', 'give QueuePriority or QueueTimeAdjustmentSeconds, not both');
    }
  },
  execute({ out, action }) {
    const p = action.Parameters;
    const priority = p.QueuePriority !== undefined ? Number(p.QueuePriority) : undefined;
    const adjust = p.QueueTimeAdjustmentSeconds !== undefined ? Number(p.QueueTimeAdjustmentSeconds) : undefined;
    const routing = { ...out.state.routing };
    if (priority !== undefined && Number.isInteger(priority) && priority > 0) routing.priority = priority;
    if (adjust !== undefined && Number.isInteger(adjust)) routing.timeAdjustSeconds = adjust;
    out.state = { ...out.state, routing };
    lastDetail(out, Object.fromEntries(Object.entries(routing).map(([k, v]) => [k, String(v)])));
    return NEXT;
  },
};
