// The Prometheus text for GET /metrics. Gauges read the real-time snapshot at scrape time (collect
// callbacks), so nothing has to keep them up to date; the contact counter counts records as they are saved.
import { Counter, Gauge, Registry } from 'prom-client';
import { NO_QUEUE } from '../contacts/cost.ts';
import type { RealtimeSnapshot } from '../contacts/metrics.ts';
import type { ContactRecord } from '../contacts/record.ts';

export interface MetricsRegistry {
  registry: Registry;
  /** Counts a finished contact in chokutsu_contacts_total; call it once per contact. */
  countContact(record: Pick<ContactRecord, 'queue' | 'disconnectReason'>): void;
  /** The text exposition format, for the /metrics response body. */
  metrics(): Promise<string>;
  contentType: string;
}

/** Queues are labelled by name, as Connect's reports show them. */
export function createMetricsRegistry(getSnapshot: () => RealtimeSnapshot): MetricsRegistry {
  const registry = new Registry();
  new Gauge({
    name: 'chokutsu_queue_contacts_waiting',
    help: 'Contacts waiting in the queue now.',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const q of getSnapshot().queues) this.set({ queue: q.queueName }, q.contactsWaiting);
    },
  });
  new Gauge({
    name: 'chokutsu_queue_oldest_wait_seconds',
    help: 'How long the longest-waiting contact in the queue has waited, in seconds.',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const q of getSnapshot().queues) this.set({ queue: q.queueName }, q.oldestWaitSeconds);
    },
  });
  new Gauge({
    name: 'chokutsu_agents',
    help: 'Agents in each state now (custom states such as Break under their own name).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, count] of Object.entries(getSnapshot().agentsByState)) this.set({ state }, count);
    },
  });
  const contacts = new Counter({
    name: 'chokutsu_contacts_total',
    help: 'Finished contacts by queue and disconnect reason.',
    labelNames: ['queue', 'disconnect_reason'] as const,
    registers: [registry],
  });
  return {
    registry,
    countContact: (record) => contacts.inc({ queue: record.queue?.name ?? NO_QUEUE, disconnect_reason: record.disconnectReason }),
    metrics: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
