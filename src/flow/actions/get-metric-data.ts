// GetMetricData ("Get queue metrics"): reads the router's real-time metrics of a queue (given, an
// agent's, or the contact's) into $.Metrics.Queue.* / $.Metrics.Agents.*; the flow branches on them
// with Compare. The same metrics CheckMetricData reads.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import type { QueueMetricType } from '../types.ts';

export interface GetMetricDataParameters {
  QueueId?: string;
  AgentId?: string;
  /** Voice, Chat, Task, … (one channel here: the metrics are the voice queue's). */
  QueueChannel?: string;
}

declare module '../types.ts' {
  interface ActionParameters { GetMetricData: GetMetricDataParameters }
}

const METRICS: QueueMetricType[] = [
  'NumberOfContactsInQueue', 'OldestContactInQueueAgeSeconds', 'NumberOfAgentsOnline', 'NumberOfAgentsAvailable', 'NumberOfAgentsStaffed',
];

export const getMetricData: ActionDefinition<'GetMetricData'> = {
  spec: spec({ errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    if (p.QueueId !== undefined && p.AgentId !== undefined) checks.invalid('AgentId', 'give QueueId or AgentId, not both');
  },
  references: () => [{ key: 'QueueId', resource: 'queue' }],
  execute({ catalog, out, action, data }) {
    const p = action.Parameters;
    const queue = p.QueueId !== undefined ? catalog.queue(resolveValue(p.QueueId, data))
      : p.AgentId !== undefined ? catalog.agentQueue(resolveValue(p.AgentId, data)) : out.state.queue;
    if (!queue || !catalog.queueMetric) {
      lastDetail(out, { error: !queue ? 'no queue to read' : 'no queue metrics here' });
      return error('NoMatchingError');
    }
    const values: Partial<Record<QueueMetricType, number>> = {};
    for (const m of METRICS) {
      const v = catalog.queueMetric(queue.id, m);
      if (v !== undefined) values[m] = v;
    }
    out.state = { ...out.state, metrics: { queue: { id: queue.id, arn: queue.arn, name: queue.name }, values } };
    lastDetail(out, { queue: queue.name, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) });
    return NEXT;
  },
};
