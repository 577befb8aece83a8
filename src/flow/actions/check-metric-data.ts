// CheckMetricData: a real-time metric of a queue (given, an agent's, or the contact's), matched
// against the Conditions.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { conditionOutcome } from '../conditions.ts';
import { error } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import type { QueueMetricType } from '../types.ts';

export interface CheckMetricDataParameters {
  MetricType: QueueMetricType;
  QueueId?: string;
  AgentId?: string;
}

declare module '../types.ts' {
  interface ActionParameters { CheckMetricData: CheckMetricDataParameters }
}

export const checkMetricData: ActionDefinition<'CheckMetricData'> = {
  spec: spec({ required: ['MetricType'], errors: ['NoMatchingError', 'NoMatchingCondition'], conditions: 'any', needsNext: false }),
  execute({ catalog, out, action, data }) {
    const p = action.Parameters;
    const queue = p.QueueId !== undefined ? catalog.queue(resolveValue(p.QueueId, data))
      : p.AgentId !== undefined ? catalog.agentQueue(resolveValue(p.AgentId, data)) : out.state.queue;
    const value = queue ? catalog.queueMetric?.(queue.id, p.MetricType) : undefined;
    if (!queue || value === undefined) {
      lastDetail(out, { error: !queue ? 'no queue to check' : 'no queue metrics here' });
      return error('NoMatchingError');
    }
    lastDetail(out, { queue: queue.name, [p.MetricType]: String(value) });
    return conditionOutcome(action.Transitions, String(value));
  },
};
