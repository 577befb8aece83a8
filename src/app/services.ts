// The composition root of the running line: the line (definition, flows, store, functions), the
// router, the contact center, contact records, users and events, wired together once.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { SqliteAgentStatusHistory } from '../store/agent-status-history.ts';
import { DEFAULT_RATES, monthBounds, monthlyCost } from '../contacts/cost.ts';
import { buildRealtimeSnapshot, historicalMetrics } from '../contacts/metrics.ts';
import { createMetricsRegistry } from '../server/prometheus.ts';
import { isDisconnectReason, type ContactRecord } from '../contacts/record.ts';
import { InvalidContactSearchError, type ContactSearchFilter } from '../contacts/search.ts';
import { SqliteContactStore } from '../store/contacts.ts';
import type { QueueMetricType } from '../flow/types.ts';
import type { InstanceCatalog } from '../instance/catalog.ts';
import { parseInstance } from '../instance/load.ts';
import type { InstanceDefinition, Queue } from '../instance/types.ts';
import { Router, type RouterConfig } from '../routing/router.ts';
import { ContactCenter, type LiveContact } from '../runtime/contact-center.ts';
import { contactRecordOf } from '../runtime/contact-records.ts';
import { directLine } from '../../flows/direct-line.ts';
import { openLine, type Line } from './line.ts';
import { systemClock, TimerScheduler, type Clock, type Scheduler } from '../runtime/scheduler.ts';
import { EventBus } from '../runtime/events.ts';
import type { SimulatedCaller } from '../server/simulated-caller.ts';
import { FailureThrottle } from '../server/throttle.ts';
import { SqliteUserStore } from '../store/users.ts';

export class RequestError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface LineServices {
  line: Line;
  router: Router;
  center: ContactCenter;
  bus: EventBus;
  users: SqliteUserStore;
  contacts: SqliteContactStore;
  clock: Clock;
  scheduler: Scheduler;
  callers: Map<string, SimulatedCaller>;
  loginAttempts: FailureThrottle;
  log(message: string): void;
  newContactId(): string;
  contactView(live: LiveContact): Record<string, unknown>;
  callView(caller: SimulatedCaller): Record<string, unknown>;
  agentViews(): Record<string, unknown>[];
  searchContacts(query: Record<string, string>): { records: ContactRecord[]; nextCursor?: string };
  contactRecord(contactId: string): { record: ContactRecord; agentId?: string } | undefined;
  realtime(): Record<string, unknown>;
  historical(query: Record<string, string>): Record<string, unknown>;
  costReport(month: string): Record<string, unknown>;
  prometheusText(): Promise<string>;
  updateQueueRanks(queueId: string, agents: { agent: string; rank: number }[]): Queue;
  close(): void;
}

export function routerConfig(def: InstanceDefinition): RouterConfig {
  const acw = new Map(def.routingProfiles.map((p) => [p.id, p.afterContactWorkTimeoutSeconds]));
  return {
    queues: def.queues.map((q) => ({
      id: q.id, name: q.name,
      members: q.agents.map((m) => ({ agentId: m.agent, rank: m.rank })),
      ...(q.ringTimeoutSeconds !== undefined ? { ringTimeoutSeconds: q.ringTimeoutSeconds } : {}),
      ...(q.maxContacts !== undefined ? { maxContacts: q.maxContacts } : {}),
      ...(q.maxWaitSeconds !== undefined ? { maxWaitSeconds: q.maxWaitSeconds } : {}),
      ...(q.overflow ? { overflow: { queueId: q.overflow.queue, afterSeconds: q.overflow.afterSeconds } } : {}),
    })),
    agents: def.agents.map((a) => {
      const seconds = a.routingProfile !== undefined ? acw.get(a.routingProfile) : undefined;
      return { id: a.id, ...(seconds !== undefined ? { afterContactWorkSeconds: seconds } : {}) };
    }),
  };
}

export async function createLineServices(
  dataDir: string,
  options: { clock?: Clock; scheduler?: Scheduler; log?: (m: string) => void } = {},
): Promise<LineServices> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? new TimerScheduler();
  const log = options.log ?? ((m: string) => console.error(m));
  const line = await openLine(dataDir, { now: () => new Date(clock.now()), warn: (m) => log(`warning: ${m}`) });
  const router = new Router(routerConfig(line.definition), clock.now());
  const bus = new EventBus();
  const users = new SqliteUserStore(line.db);
  const contacts = new SqliteContactStore(line.db);
  const history = new SqliteAgentStatusHistory(line.db);
  history.closeAll(clock.now()); // a restart ends every open interval: all agents start Offline
  const callers = new Map<string, SimulatedCaller>();
  const counted = new Set<string>();

  const metricOf = (queueId: string, metric: QueueMetricType): number | undefined => {
    const q = router.queueSnapshot(queueId);
    if (!q) return undefined;
    switch (metric) {
      case 'NumberOfAgentsAvailable': return q.agentsAvailable;
      case 'NumberOfAgentsOnline': return q.agentsOnline;
      case 'NumberOfAgentsStaffed': return q.agentsStaffed;
      case 'NumberOfContactsInQueue': return q.waiting;
      case 'OldestContactInQueueAgeSeconds': return q.oldestEnqueuedAt === undefined ? 0 : Math.floor((clock.now() - q.oldestEnqueuedAt) / 1000);
    }
  };
  const withMetrics = (c: InstanceCatalog): InstanceCatalog => ({ ...c, queueMetric: metricOf });
  const catalog = withMetrics(line.catalog);

  let metricsRegistry: ReturnType<typeof createMetricsRegistry> | undefined;
  const center: ContactCenter = new ContactCenter({
    catalog,
    entryFlow: (dialed) => line.entryFlow(dialed),
    functions: line.functions,
    router,
    clock,
    scheduler,
    summarizer: directLine,
    publish: (event) => {
      if (event.type === 'agent.status') {
        history.close(event.agentId, event.at);
        history.append({ agentId: event.agentId, status: event.to, at: event.at, ...(event.customStatus ? { customStatus: event.customStatus } : {}) });
      }
      bus.publish(event);
    },
    onEnded: (live) => {
      const record = contactRecordOf(live, line.definition, catalog, directLine);
      contacts.save(record);
      if (!counted.has(record.contactId)) {
        counted.add(record.contactId);
        metricsRegistry?.countContact(record);
      }
      if (counted.size > 100_000) counted.clear();
    },
  });

  const waiting = () => center.liveContacts()
    .filter((c) => (c.phase === 'queued' || c.phase === 'ringing') && c.queueId !== undefined && c.enqueuedAt !== undefined)
    .map((c) => ({ contactId: c.contactId, queueId: c.queueId as string, enqueuedAt: c.enqueuedAt as number }));
  const snapshot = () => buildRealtimeSnapshot({
    now: new Date(clock.now()), queues: line.definition.queues, waiting: waiting(),
    agents: router.agents().map((a) => ({ agentId: a.agentId, status: a.status, ...(a.customStatus ? { customStatus: a.customStatus } : {}) })),
  });
  metricsRegistry = createMetricsRegistry(snapshot);

  const agentName = (id: string) => line.definition.agents.find((a) => a.id === id);
  const parseTime = (v: string | undefined, field: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(t)) throw new RequestError(400, `${field}: an ISO 8601 date-time or epoch milliseconds`);
    return t;
  };
  const parseNumber = (v: string | undefined, field: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new RequestError(400, `${field}: a number`);
    return n;
  };

  const services: LineServices = {
    line, router, center, bus, users, contacts, clock, scheduler, callers,
    loginAttempts: new FailureThrottle(10, 60_000),
    log,
    newContactId: () => randomUUID(),
    contactView: (c) => ({
      contactId: c.contactId, from: c.from, to: c.to, phase: c.phase, queueId: c.queueId, agentId: c.agentId,
      ...center.summary(c.contactId), initiatedAt: new Date(c.initiatedAt).toISOString(),
      ...(c.enqueuedAt !== undefined ? { enqueuedAt: new Date(c.enqueuedAt).toISOString() } : {}),
    }),
    callView: (caller) => {
      const live = center.contact(caller.contactId);
      return {
        contactId: caller.contactId, hungUp: caller.hungUp, phase: live?.phase ?? 'ended',
        ...(live?.queueId ? { queueId: live.queueId } : {}), ...(live?.agentId ? { agentId: live.agentId } : {}),
        flowPath: live?.flowState.path.map((p) => p.actionId) ?? contacts.get(caller.contactId)?.flowPath ?? [],
        heard: caller.heard.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
      };
    },
    agentViews: () => router.agents().map((a) => ({ ...a, name: agentName(a.agentId)?.name, since: new Date(a.since).toISOString() })),
    searchContacts: (q) => {
      const allowed = new Set(['from', 'to', 'queue', 'agent', 'customer', 'caller', 'minDuration', 'maxDuration', 'reason', 'limit', 'cursor']);
      const unknown = Object.keys(q).filter((k) => !allowed.has(k));
      if (unknown.length > 0) throw new RequestError(400, `unknown search parameter ${unknown.join(', ')} (use ${[...allowed].join(', ')})`);
      if (q['reason'] !== undefined && !isDisconnectReason(q['reason'])) throw new RequestError(400, `reason: not a disconnect reason: ${q['reason']}`);
      const from = parseTime(q['from'], 'from');
      const to = parseTime(q['to'], 'to');
      const min = parseNumber(q['minDuration'], 'minDuration');
      const max = parseNumber(q['maxDuration'], 'maxDuration');
      const limit = parseNumber(q['limit'], 'limit');
      const filter: ContactSearchFilter = {
        ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
        ...(q['queue'] ? { queueId: q['queue'] } : {}), ...(q['agent'] ? { agentId: q['agent'] } : {}),
        ...(q['customer'] ? { customerNumber: q['customer'] } : {}), ...(q['caller'] ? { caller: q['caller'] } : {}),
        ...(min !== undefined ? { minDurationSeconds: min } : {}), ...(max !== undefined ? { maxDurationSeconds: max } : {}),
        ...(q['reason'] && isDisconnectReason(q['reason']) ? { disconnectReason: q['reason'] } : {}),
      };
      try {
        return contacts.search(filter, { ...(limit !== undefined ? { limit } : {}), ...(q['cursor'] ? { cursor: q['cursor'] } : {}) });
      } catch (err) {
        if (err instanceof InvalidContactSearchError) throw new RequestError(400, err.message);
        throw err;
      }
    },
    contactRecord: (id) => {
      const record = contacts.get(id);
      return record ? { record, ...(record.agent ? { agentId: record.agent.id } : {}) } : undefined;
    },
    realtime: () => ({ ...snapshot(), agents: services.agentViews() }),
    historical: (q) => {
      const from = parseTime(q['from'], 'from');
      const to = parseTime(q['to'], 'to');
      if (from === undefined || to === undefined || to <= from) throw new RequestError(400, 'from and to: the period, ISO 8601, from before to');
      const sl = parseNumber(q['serviceLevelSeconds'], 'serviceLevelSeconds');
      return historicalMetrics({
        records: contacts.searchAll({ from, to }), period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
        timeZone: line.definition.timeZone, ...(sl !== undefined ? { serviceLevelSeconds: sl } : {}),
        agentStatusIntervals: history.list({ from, to }),
      }) as unknown as Record<string, unknown>;
    },
    costReport: (month) => {
      const { start, end } = monthBounds(month);
      return monthlyCost(contacts.searchAll({ from: start, to: end }), line.definition.rates ?? DEFAULT_RATES, month) as unknown as Record<string, unknown>;
    },
    prometheusText: () => metricsRegistry?.metrics() ?? Promise.resolve(''),
    updateQueueRanks: (queueId, agents) => {
      const def = line.definition;
      const index = def.queues.findIndex((q) => q.id === queueId);
      if (index < 0) throw new RequestError(404, `no queue ${queueId}`);
      const doc = parseDocument(readFileSync(line.definitionFile, 'utf8'));
      doc.setIn(['queues', index, 'agents'], agents.map((a) => ({ agent: a.agent, rank: a.rank })));
      const text = doc.toString({ lineWidth: 0 });
      const parsed = parseInstance(text, 'yaml', dirname(line.definitionFile), line.definitionFile);
      if (!parsed.ok) throw new RequestError(400, parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
      writeFileSync(line.definitionFile, text);
      line.definition = parsed.instance.definition;
      center.reconfigureRouter(routerConfig(line.definition));
      return line.definition.queues[index] as Queue;
    },
    close: () => {
      center.stop();
      history.closeAll(clock.now());
      line.close();
    },
  };
  return services;
}
