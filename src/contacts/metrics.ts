// Historical and real-time metrics over contact records, after Amazon Connect's metric definitions
// (docs/metrics.md has one paragraph per metric). Pure: records and status history in, numbers out.
import { DEFAULT_TIME_ZONE, localDateTime } from '../calendar/local-time.ts';
import type { AgentStatusInterval } from './agent-status.ts';
import type { ContactRecord } from './record.ts';

/** Connect's default service level threshold choice is up to the report; 20 s is the common "80/20" target. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

export interface HistoricalMetricsInput {
  records: Iterable<ContactRecord>;
  /** Contacts initiated in [from, to). ISO 8601 or epoch ms. */
  period: { from: string | number; to: string | number };
  serviceLevelSeconds?: number;
  /** Days are local dates in this zone. */
  timeZone?: string;
  /** Needed for occupancy; open stretches count up to the period's end, so keep `to` ≤ now. */
  agentStatusIntervals?: readonly AgentStatusInterval[];
}

export interface QueueMetrics {
  /** Entered a queue (Connect: Contacts queued). */
  contactsOffered: number;
  /** Connected to an agent (Connect: Contacts handled). */
  contactsHandled: number;
  /** Caller hung up while in the queue (Connect: Contacts abandoned). */
  contactsAbandoned: number;
  contactsAnsweredWithinThreshold: number;
  contactsAbandonedWithinThreshold: number;
  /** Connect's "Service level X": left the queue (answered or abandoned) within X s, over offered. 0..1, null when nothing was offered. */
  serviceLevel: number | null;
  /** Answered within X s over offered; abandons within X count as misses. */
  answeredWithinThresholdRate: number | null;
  /** Seconds from enqueue to connected, over handled (Connect: Average queue answer time). */
  averageSpeedOfAnswer: number | null;
  /** Seconds of talk + hold + after-contact work, over handled. */
  averageHandleTime: number | null;
  /** Abandoned over offered, 0..1. */
  abandonmentRate: number | null;
}

export interface AgentMetrics {
  agentId: string;
  agentName?: string;
  contactsHandled: number;
  /** Offers the agent let ring out (Connect: Agent non-response); not declines, nor offers the line failed to connect. */
  contactsMissed: number;
  averageHandleTime: number | null;
  /** Seconds on contacts and in after-contact work within the period. */
  onContactSeconds: number;
  /** Seconds in a routable status other than Offline (custom statuses such as Break do not count). */
  staffedSeconds: number;
  /** onContactSeconds / staffedSeconds, 0..1; null without staffed time. */
  occupancy: number | null;
}

export interface HistoricalMetrics {
  period: { from: string; to: string };
  serviceLevelSeconds: number;
  timeZone: string;
  total: QueueMetrics;
  byQueue: Record<string, QueueMetrics & { queueName: string }>;
  byAgent: Record<string, AgentMetrics>;
  /** Keyed by the local date (YYYY-MM-DD) of initiation. */
  byDay: Record<string, QueueMetrics>;
}

/** Running sums for one group; turned into QueueMetrics at the end. */
interface Tally {
  offered: number;
  handled: number;
  abandoned: number;
  answeredWithin: number;
  abandonedWithin: number;
  answerSeconds: number;
  handleSeconds: number;
}

const emptyTally = (): Tally => ({ offered: 0, handled: 0, abandoned: 0, answeredWithin: 0, abandonedWithin: 0, answerSeconds: 0, handleSeconds: 0 });

function ms(value: string | number): number {
  const t = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(t)) throw new RangeError(`not a timestamp: ${JSON.stringify(value)}`);
  return t;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function finish(t: Tally): QueueMetrics {
  return {
    contactsOffered: t.offered,
    contactsHandled: t.handled,
    contactsAbandoned: t.abandoned,
    contactsAnsweredWithinThreshold: t.answeredWithin,
    contactsAbandonedWithinThreshold: t.abandonedWithin,
    serviceLevel: ratio(t.answeredWithin + t.abandonedWithin, t.offered),
    answeredWithinThresholdRate: ratio(t.answeredWithin, t.offered),
    averageSpeedOfAnswer: ratio(t.answerSeconds, t.handled),
    averageHandleTime: ratio(t.handleSeconds, t.handled),
    abandonmentRate: ratio(t.abandoned, t.offered),
  };
}

/** Seconds of [a, b) inside [from, to). */
function overlapSeconds(a: number, b: number, from: number, to: number): number {
  return Math.max(0, Math.min(b, to) - Math.max(a, from)) / 1000;
}

export function historicalMetrics(input: HistoricalMetricsInput): HistoricalMetrics {
  const from = ms(input.period.from);
  const to = ms(input.period.to);
  const threshold = input.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;

  const total = emptyTally();
  const queues = new Map<string, { name: string; tally: Tally }>();
  const days = new Map<string, Tally>();
  const agents = new Map<string, { name?: string; handled: number; missed: number; handleSeconds: number; onContactSeconds: number; staffedSeconds: number }>();
  const agentOf = (id: string) => {
    let a = agents.get(id);
    if (!a) agents.set(id, (a = { handled: 0, missed: 0, handleSeconds: 0, onContactSeconds: 0, staffedSeconds: 0 }));
    return a;
  };

  for (const r of input.records) {
    const initiated = Date.parse(r.initiationTimestamp);
    if (!(initiated >= from && initiated < to)) continue;
    const groups = [total];
    if (r.queue) {
      let q = queues.get(r.queue.id);
      if (!q) queues.set(r.queue.id, (q = { name: r.queue.name, tally: emptyTally() }));
      groups.push(q.tally);
    }
    const day = localDateTime(new Date(initiated), timeZone).date;
    let d = days.get(day);
    if (!d) days.set(day, (d = emptyTally()));
    groups.push(d);

    const enqueued = r.enqueueTimestamp !== undefined ? Date.parse(r.enqueueTimestamp) : undefined;
    const connected = r.connectedToAgentTimestamp !== undefined ? Date.parse(r.connectedToAgentTimestamp) : undefined;
    const handle = r.talkDuration + r.holdDuration + r.afterContactWorkDuration;
    if (enqueued !== undefined) for (const g of groups) {
      g.offered += 1;
      if (connected !== undefined) {
        const wait = (connected - enqueued) / 1000;
        g.handled += 1;
        g.answerSeconds += wait;
        g.handleSeconds += handle;
        if (wait <= threshold) g.answeredWithin += 1;
      } else if (r.disconnectReason === 'ABANDONED_IN_QUEUE') {
        g.abandoned += 1;
        if ((Date.parse(r.disconnectTimestamp) - enqueued) / 1000 <= threshold) g.abandonedWithin += 1;
      }
    }

    for (const offer of r.agentOffers) if (offer.outcome === 'RingTimeout') agentOf(offer.agentId).missed += 1;
    if (r.agent && connected !== undefined) {
      const a = agentOf(r.agent.id);
      a.name = r.agent.name;
      a.handled += 1;
      a.handleSeconds += handle;
      const busyUntil = Date.parse(r.afterContactWorkEndTimestamp ?? r.disconnectTimestamp);
      a.onContactSeconds += overlapSeconds(connected, busyUntil, from, to);
    }
  }

  for (const s of input.agentStatusIntervals ?? []) {
    if (s.status === 'Offline' || s.status === 'Custom' || s.customStatus !== undefined) continue;
    agentOf(s.agentId).staffedSeconds += overlapSeconds(ms(s.from), s.to !== undefined ? ms(s.to) : to, from, to);
  }

  return {
    period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    serviceLevelSeconds: threshold,
    timeZone,
    total: finish(total),
    byQueue: Object.fromEntries([...queues].map(([id, q]) => [id, { queueName: q.name, ...finish(q.tally) }])),
    byAgent: Object.fromEntries([...agents].map(([agentId, a]) => [agentId, {
      agentId,
      ...(a.name !== undefined ? { agentName: a.name } : {}),
      contactsHandled: a.handled,
      contactsMissed: a.missed,
      averageHandleTime: ratio(a.handleSeconds, a.handled),
      onContactSeconds: a.onContactSeconds,
      staffedSeconds: a.staffedSeconds,
      occupancy: ratio(a.onContactSeconds, a.staffedSeconds),
    }])),
    byDay: Object.fromEntries([...days].sort(([x], [y]) => x.localeCompare(y)).map(([day, t]) => [day, finish(t)])),
  };
}

// --- Real time -----------------------------------------------------------------------------------

export interface WaitingContact {
  contactId: string;
  queueId: string;
  /** When it entered the queue (epoch ms or ISO 8601). */
  enqueuedAt: number | string;
}

export interface AgentView {
  agentId: string;
  status: string;
  customStatus?: string;
}

export interface QueueNow {
  queueId: string;
  queueName: string;
  contactsWaiting: number;
  /** Seconds the longest-waiting contact has waited; 0 when none waits (Connect: Oldest). */
  oldestWaitSeconds: number;
}

export interface RealtimeSnapshot {
  at: string;
  queues: QueueNow[];
  /** Agents per state; a custom status (Break, Lunch) counts under its own name. */
  agentsByState: Record<string, number>;
}

/** Every queue in `queues` is listed, waiting or not, so a gauge drops back to 0. */
export function buildRealtimeSnapshot(input: {
  now: Date;
  queues: readonly { id: string; name: string }[];
  waiting: readonly WaitingContact[];
  agents: readonly AgentView[];
}): RealtimeSnapshot {
  const now = input.now.getTime();
  const byQueue = new Map<string, QueueNow>(input.queues.map((q) => [q.id, { queueId: q.id, queueName: q.name, contactsWaiting: 0, oldestWaitSeconds: 0 }]));
  for (const w of input.waiting) {
    let q = byQueue.get(w.queueId);
    if (!q) byQueue.set(w.queueId, (q = { queueId: w.queueId, queueName: w.queueId, contactsWaiting: 0, oldestWaitSeconds: 0 }));
    q.contactsWaiting += 1;
    q.oldestWaitSeconds = Math.max(q.oldestWaitSeconds, Math.max(0, (now - ms(w.enqueuedAt)) / 1000));
  }
  const agentsByState: Record<string, number> = {};
  for (const a of input.agents) {
    const state = a.customStatus ?? a.status;
    agentsByState[state] = (agentsByState[state] ?? 0) + 1;
  }
  return { at: input.now.toISOString(), queues: [...byQueue.values()], agentsByState };
}
