// The Prometheus text for GET /metrics. Gauges read the real-time snapshot at scrape time (collect
// callbacks), so nothing has to keep them up to date; the contact counter counts records as they are saved.
// The process's own figures (RSS, heap, open fds, event-loop delay, GC) come from prom-client's default
// metrics, once per process: a soak or an operator sees whether the line leaks.
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { NO_QUEUE } from '../contacts/cost.ts';
import type { RealtimeSnapshot } from '../contacts/metrics.ts';
import type { ContactRecord } from '../contacts/record.ts';

export interface MetricsRegistry {
  registry: Registry;
  /** Counts a finished contact in chokutsu_contacts_total; call it once per contact. */
  countContact(record: Pick<ContactRecord, 'queue' | 'disconnectReason'>): void;
  /** Counts a recording that could not be written (chokutsu_recording_failures_total). */
  countRecordingFailure(): void;
  /** Reads the SIP side's protection counters at scrape time, once the SIP line is up. */
  observeSip(read: () => SipProtectionCounts): void;
  /** Reads the media worker threads' heaps and loop delays at scrape time, once the SIP line is up. */
  observeMediaWorkers(read: () => readonly MediaWorkerFigures[]): void;
  /** The text exposition format, for the /metrics response body. */
  metrics(): Promise<string>;
  contentType: string;
}

/** What the SIP side refused or dropped since it started (the telephony adapter's counters, by shape). */
export interface SipProtectionCounts {
  /** Messages dropped before parsing, by reason: over the unlisted-source rate, or from a locked-out source. */
  readonly dropped: { readonly rate: number; readonly lockedOut: number };
  /** Digest answers that were wrong (each counts against the source). */
  readonly authFailures: number;
  /** Sources locked out after too many failures. */
  readonly lockouts: number;
}

/** A media worker thread's V8 heap and event-loop delay as it last reported them (the telephony adapter's figures, by shape). */
export interface MediaWorkerFigures {
  /** Its slot in the pool (0 to workers - 1), which a replacement after a crash takes over: the label set stays the pool's size. */
  readonly worker: number;
  readonly used: number;
  readonly afterMajorGc?: number;
  /** Major GCs of the thread in the slot now (a replacement starts from 0, as a counter after a restart). */
  readonly majorGcs: number;
  /** The longest its event loop was late over the last 10 s, in ms. */
  readonly loopDelayMaxMs: number;
  /** The share of its last report interval its event loop was busy, 0 to 1. */
  readonly utilization: number;
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
  let sip: (() => SipProtectionCounts) | undefined;
  // Counters kept by the SIP side: copied at scrape time, like the gauges.
  const sipCounter = (name: string, help: string, labelNames: string[], values: (c: SipProtectionCounts) => [Record<string, string>, number][]): void => {
    new Counter({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        if (sip) for (const [labels, value] of values(sip())) this.inc(labels, value);
      },
    });
  };
  sipCounter('chokutsu_sip_messages_dropped_total', 'SIP messages dropped before parsing: over the rate for unlisted sources, or from a source locked out after failed authentication.',
    ['reason'], (c) => [[{ reason: 'rate' }, c.dropped.rate], [{ reason: 'locked_out' }, c.dropped.lockedOut]]);
  sipCounter('chokutsu_sip_auth_failures_total', 'Wrong digest answers (REGISTER and INVITE).', [], (c) => [[{}, c.authFailures]]);
  sipCounter('chokutsu_sip_lockouts_total', 'Sources locked out after too many failed authentications.', [], (c) => [[{}, c.lockouts]]);
  let mediaWorkers: (() => readonly MediaWorkerFigures[]) | undefined;
  // Each worker thread has its own V8 heap, which prom-client's nodejs_heap_* (this thread's) do not include.
  const workerGauge = (name: string, help: string, value: (h: MediaWorkerFigures) => number | undefined): void => {
    new Gauge({
      name, help, labelNames: ['worker'], registers: [registry],
      collect() {
        this.reset();
        for (const heap of mediaWorkers?.() ?? []) {
          const bytes = value(heap);
          if (bytes !== undefined) this.set({ worker: String(heap.worker) }, bytes);
        }
      },
    });
  };
  workerGauge('chokutsu_media_worker_heap_used_bytes', 'A media worker thread\'s V8 heap used, as of its last report (every 500 ms), garbage included.', (h) => h.used);
  workerGauge('chokutsu_media_worker_heap_used_after_major_gc_bytes',
    'A media worker thread\'s V8 heap used, read in the thread when its last major (mark-compact) GC was reported; absent until its first.', (h) => h.afterMajorGc);
  workerGauge('chokutsu_media_worker_loop_delay_max_seconds',
    'The longest a media worker thread\'s event loop was late over the last 10 s (sampled every 10 ms): frames it forwards wait that long.', (h) => h.loopDelayMaxMs / 1000);
  workerGauge('chokutsu_media_worker_utilization',
    'The share of its last report interval (500 ms) a media worker thread\'s event loop was busy, 0 to 1: how near it is to falling behind.', (h) => h.utilization);
  new Counter({
    name: 'chokutsu_media_worker_major_gcs_total', help: 'A media worker thread\'s major (mark-compact) GCs: its after-GC figure is as fresh as the last.',
    labelNames: ['worker'], registers: [registry],
    collect() {
      this.reset();
      for (const heap of mediaWorkers?.() ?? []) this.inc({ worker: String(heap.worker) }, heap.majorGcs);
    },
  });
  const merged = Registry.merge([registry, processRegistry()]);
  return {
    registry,
    observeSip: (read) => (sip = read),
    observeMediaWorkers: (read) => (mediaWorkers = read),
    countRecordingFailure: () => recordingFailures.inc(),
    countContact: (record) => contacts.inc({ queue: record.queue?.name ?? NO_QUEUE, disconnect_reason: record.disconnectReason }),
    metrics: () => merged.metrics(),
    contentType: registry.contentType,
  };
}

let processMetrics: Registry | undefined;

/**
 * One registry per process (many lines can share a test process): prom-client's defaults
 * (process_resident_memory_bytes, process_open_fds, nodejs_heap_size_used_bytes,
 * nodejs_eventloop_lag_p99_seconds since the last scrape, GC durations) and the heap used right
 * after the last major GC — what stays alive, without the garbage a sample of heapUsed includes.
 */
function processRegistry(): Registry {
  if (processMetrics) return processMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let afterMajorGc: number | undefined;
  new PerformanceObserver((list) => {
    const major = list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR);
    // The entries arrive a moment after the GC: little has been allocated since.
    if (major) afterMajorGc = process.memoryUsage().heapUsed;
  }).observe({ entryTypes: ['gc'] });
  new Gauge({
    name: 'chokutsu_heap_used_after_major_gc_bytes',
    help: 'V8 heap used, read when the last major (mark-compact) GC was reported; absent until the first one.',
    registers: [registry],
    collect() {
      if (afterMajorGc !== undefined) this.set(afterMajorGc);
    },
  });
  processMetrics = registry;
  return registry;
}
