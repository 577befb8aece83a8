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
  /** Counts a recording that could not be written (chokutsu_recording_failures_total). */
  countRecordingFailure(): void;
  /** The text exposition format, for the /metrics response body. */
  metrics(): Promise<string>;
  contentType: string;
}

/** Queues are labelled by name, as Connect's reports show them. */
export function createMetricsRegistry(getSnapshot: () => RealtimeSnapshot): MetricsRegistry {
  const registry = new Registry();
  const gauge = (name: string, help: string, label: string, values: (s: RealtimeSnapshot) => [string, number][]): void => {
    new Gauge({
      name, help, labelNames: [label], registers: [registry],
      collect() {
        this.reset();
        for (const [value, count] of values(getSnapshot())) this.set({ [label]: value }, count);
      },
    });
  };
  gauge('chokutsu_queue_contacts_waiting', 'Contacts waiting in the queue now.', 'queue', (s) => s.queues.map((q) => [q.queueName, q.contactsWaiting]));
  gauge('chokutsu_queue_oldest_wait_seconds', 'How long the longest-waiting contact in the queue has waited, in seconds.', 'queue',
    (s) => s.queues.map((q) => [q.queueName, q.oldestWaitSeconds]));
  gauge('chokutsu_agents', 'Agents in each state now (custom states such as Break under their own name).', 'state', (s) => Object.entries(s.agentsByState));
  const contacts = new Counter({
    name: 'chokutsu_contacts_total',
    help: 'Finished contacts by queue and disconnect reason.',
    labelNames: ['queue', 'disconnect_reason'] as const,
    registers: [registry],
  });
  const recordingFailures = new Counter({
    name: 'chokutsu_recording_failures_total',
    help: 'Recordings that could not be written (disk full, permission denied); their calls went on unrecorded.',
    registers: [registry],
  });
  return {
    registry,
    countRecordingFailure: () => recordingFailures.inc(),
    countContact: (record) => contacts.inc({ queue: record.queue?.name ?? NO_QUEUE, disconnect_reason: record.disconnectReason }),
    metrics: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
