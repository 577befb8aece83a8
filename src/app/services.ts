// The composition root of the running line: the line (definition, flows, store, functions), the
// router, the contact center, contact records, users and events, wired together once; and the
// same parts as the HTTP adapter sees them (serverDeps).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteAgentStatusHistory } from '../store/agent-status-history.ts';
import type { MonthlyCost } from '../contacts/cost.ts';
import { buildRealtimeSnapshot, historicalMetrics, type HistoricalMetrics, type RealtimeSnapshot } from '../contacts/metrics.ts';
import { createMetricsRegistry, type MediaWorkerFigures, type MetricsRegistry, type SipProtectionCounts } from '../server/prometheus.ts';
import type { ServerDeps } from '../server/deps.ts';
import type { ContactRecord } from '../contacts/record.ts';
import { SqliteContactStore } from '../store/contacts.ts';
import type { QueueMetricType } from '../flow/types.ts';
import { setQueueMembers } from '../instance/edit.ts';
import type { InstanceDefinition, Queue, QueueMember } from '../instance/types.ts';
import { Router, type RouterConfig } from '../routing/router.ts';
import { ContactCenter, type CenterEvent, type LiveContact } from '../runtime/contact-center.ts';
import { ContactHeartbeat, contactRecordOf } from '../runtime/contact-records.ts';
import { SqliteInFlightStore } from '../store/in-flight.ts';
import { recoverFromCrash, type CrashRecovery } from './recovery.ts';
import { directLine } from '../../flows/direct-line.ts';
import { lineMonthlyCost } from './cost.ts';
import { openLine, type Line } from './line.ts';
import { adminEdits, type AdminEdits } from './admin-edits.ts';
import type { InstanceCatalog } from '../instance/catalog.ts';
import { systemClock, TimerScheduler, type Clock, type Scheduler } from '../runtime/scheduler.ts';
import { EventBus } from '../runtime/events.ts';
import { SqliteUserStore } from '../store/users.ts';
import { sessionPolicy } from '../users/users.ts';

export interface LineServices {
  line: Line;
  router: Router;
  center: ContactCenter;
  bus: EventBus;
  users: SqliteUserStore;
  contacts: SqliteContactStore;
  /** Writes the contacts in flight every few seconds, so a crash loses none of their records. */
  heartbeat: ContactHeartbeat;
  /** What this start recovered from a previous run that crashed. */
  recovery?: CrashRecovery;
  clock: Clock;
  scheduler: Scheduler;
  log(message: string): void;
  newContactId(): string;
  realtime(): RealtimeSnapshot;
  /** Contacts initiated in [from, to), epoch ms. */
  historical(period: { from: number; to: number; serviceLevelSeconds?: number }): HistoricalMetrics;
  /** A billing month, YYYY-MM. */
  costReport(month: string): MonthlyCost;
  prometheusText(): Promise<string>;
  /** /metrics reads the SIP side's protection counters from here once the SIP line has started. */
  observeSip(read: () => SipProtectionCounts): void;
  /** /metrics reads the media worker threads' heaps from here once the SIP line has started. */
  observeMediaWorkers(read: () => readonly MediaWorkerFigures[]): void;
  /** The media side could not write a contact's recording: the record says so and /metrics counts it. */
  recordingFailed(contactId: string, reason: string): void;
  /** Rewrites the queue's ranks in the definition file and routes by them; throws DefinitionEditError. */
  updateQueueRanks(queueId: string, agents: readonly QueueMember[]): Queue;
  /** Hours, numbers' flows, new flows and prompts: written to the definition file and applied at once. */
  edits: AdminEdits;
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
      const proficiencies = (a.proficiencies ?? []).map((p) => ({ name: p.attributeName, value: p.attributeValue, level: p.level }));
      return {
        id: a.id, ...(seconds !== undefined ? { afterContactWorkSeconds: seconds } : {}),
        ...(proficiencies.length > 0 ? { proficiencies } : {}),
      };
    }),
  };
}

export async function createLineServices(
  dataDir: string,
  options: {
    clock?: Clock; scheduler?: Scheduler; log?: (m: string) => void;
    /** How often contacts in flight are written (default 2 s): at most this much of a call's end is lost in a crash. */
    heartbeatMs?: number;
  } = {},
): Promise<LineServices> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? new TimerScheduler();
  const log = options.log ?? ((m: string) => console.error(m));
  const line = await openLine(dataDir, { now: () => new Date(clock.now()), warn: (m) => log(`warning: ${m}`) });
  const router = new Router(routerConfig(line.definition), clock.now());
  const bus = new EventBus();
  const contacts = new SqliteContactStore(line.db);
  const history = new SqliteAgentStatusHistory(line.db);
  const inFlight = new SqliteInFlightStore(line.db);
  const recovery = await recoverFromCrash(line, { contacts, inFlight, history });
  if (recovery) {
    log(`the line did not stop cleanly (last heartbeat ${new Date(recovery.crashedAt).toISOString()}): ${recovery.recorded.length} contacts in flight recorded as LINE_CRASH, `
      + `${recovery.recordingsRepaired} recordings repaired, ${recovery.agentsOffline.length} agents set Offline`);
  }
  history.closeAll(clock.now()); // a restart ends every open interval: all agents start Offline
  const realtime = (): RealtimeSnapshot => realtimeSnapshot(line.definition, router, center, clock.now());
  const metrics = createMetricsRegistry(realtime);
  const catalog = liveCatalog(line, queueMetricOf(router, clock));
  const recordOf = (live: LiveContact): ContactRecord => contactRecordOf(live, line.definition, catalog, directLine);
  const center: ContactCenter = new ContactCenter({
    catalog, entryFlow: (dialed) => line.entryFlow(dialed), functions: line.functions, router, clock, scheduler,
    summarizer: directLine, publish: (event) => {
      publishWithHistory(history, bus)(event);
      // A contact that arrives or reaches an agent is written soon, not only at the next beat.
      if (event.type === 'contact.started' || event.type === 'contact.connected') heartbeat.soon();
    },
    onEnded: keepRecords(line, contacts, inFlight, metrics, recordOf),
  });
  const heartbeat = new ContactHeartbeat({
    contacts: () => center.liveContacts(), recordOf, definition: () => line.definition, port: inFlight, clock, scheduler, intervalMs: options.heartbeatMs ?? 2000, log,
  });
  heartbeat.start();
  return {
    line, router, center, bus, contacts, heartbeat, clock, scheduler, log, realtime, ...(recovery ? { recovery } : {}),
    users: new SqliteUserStore(line.db, sessionPolicy(line.definition.security)),
    newContactId: () => randomUUID(),
    ...recordReports(line, contacts, history),
    prometheusText: () => metrics.metrics(),
    observeSip: (read) => metrics.observeSip(read),
    observeMediaWorkers: (read) => metrics.observeMediaWorkers(read),
    recordingFailed: (contactId, reason) => {
      center.recordingFailed(contactId, reason);
      metrics.countRecordingFailure();
    },
    updateQueueRanks: (queueId, agents) => {
      line.definition = setQueueMembers(line.definitionFile, line.definition, queueId, agents);
      center.reconfigureRouter(routerConfig(line.definition));
      return line.definition.queues.find((q) => q.id === queueId) as Queue;
    },
    edits: adminEdits(line),
    close: () => {
      heartbeat.stop();
      center.stop();
      inFlight.clear(); // a clean stop: every contact has been ended and recorded (endAll)
      history.closeAll(clock.now());
      line.close();
    },
  };
}

/** The line as the HTTP adapter sees it (the ports of src/server/deps.ts). */
export function serverDeps(s: LineServices): ServerDeps {
  return {
    clock: s.clock, scheduler: s.scheduler, log: s.log, dataDir: s.line.dataDir,
    definition: () => s.line.definition,
    users: s.users, center: s.center, agents: s.router, events: s.bus, records: s.contacts,
    customers: s.line.directory, closures: s.line.closures,
    reports: { realtime: s.realtime, historical: s.historical, cost: s.costReport, prometheusText: s.prometheusText },
    updateQueueRanks: s.updateQueueRanks, newContactId: s.newContactId, edits: s.edits,
    flowText: (flowId) => flowText(s.line, flowId), webDir: WEB_DIST,
  };
}

/** The browser app as `npm run build:web` writes it (web/dist at the package root). */
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

function flowText(line: Line, flowId: string): string | undefined {
  const ref = line.definition.flows.find((f) => f.id === flowId);
  const file = ref ? resolve(dirname(line.definitionFile), ref.file) : undefined;
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Reports over the contact records (and, for occupancy, the agents' status history). */
function recordReports(line: Line, contacts: SqliteContactStore, history: SqliteAgentStatusHistory): Pick<LineServices, 'historical' | 'costReport'> {
  return {
    historical: ({ from, to, serviceLevelSeconds }) => historicalMetrics({
      records: contacts.searchAll({ from, to }), period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      timeZone: line.definition.timeZone, ...(serviceLevelSeconds !== undefined ? { serviceLevelSeconds } : {}),
      agentStatusIntervals: history.list({ from, to }),
    }),
    costReport: (month) => lineMonthlyCost(line, month),
  };
}

/** The line's catalog as it is now: an admin's edit redefines the line, and running contacts see the new hours and flows at once. */
function liveCatalog(line: Line, queueMetric: NonNullable<InstanceCatalog['queueMetric']>): InstanceCatalog {
  return {
    get instanceArn() { return line.catalog.instanceArn; },
    get languageCode() { return line.catalog.languageCode; },
    get timeZone() { return line.catalog.timeZone; },
    get queues() { return line.catalog.queues; },
    get flows() { return line.catalog.flows; },
    flow: (ref) => line.catalog.flow(ref),
    queue: (ref) => line.catalog.queue(ref),
    agentQueue: (ref) => line.catalog.agentQueue(ref),
    hoursOfOperation: (ref) => line.catalog.hoursOfOperation(ref),
    prompt: (ref) => line.catalog.prompt(ref),
    queueMetric,
  };
}

/** Queue metrics a flow's CheckMetricData reads, from the router's queues now. */
function queueMetricOf(router: Router, clock: Clock): (queueId: string, metric: QueueMetricType) => number | undefined {
  return (queueId, metric) => {
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
}

/** Events go to subscribers; agents' status changes also to the status history (occupancy reports). */
function publishWithHistory(history: SqliteAgentStatusHistory, bus: EventBus): (event: CenterEvent) => void {
  return (event) => {
    if (event.type === 'agent.status') {
      history.close(event.agentId, event.at);
      history.append({ agentId: event.agentId, status: event.to, at: event.at, ...(event.customStatus ? { customStatus: event.customStatus } : {}) });
    }
    bus.publish(event);
  };
}

/** Saves a contact's record each time it ends (again after ACW) and counts it for Prometheus once. */
function keepRecords(
  line: Line, contacts: SqliteContactStore, inFlight: SqliteInFlightStore, metrics: MetricsRegistry, recordOf: (live: LiveContact) => ContactRecord,
): (live: LiveContact) => void {
  const counted = new Set<string>();
  // One transaction: a crash leaves the contact either in flight or recorded, never neither.
  const save = line.db.transaction((record: ContactRecord) => {
    contacts.save(record);
    inFlight.remove(record.contactId);
  });
  return (live) => {
    const record = recordOf(live);
    save(record);
    if (!counted.has(record.contactId)) {
      counted.add(record.contactId);
      metrics.countContact(record);
    }
    if (counted.size > 100_000) counted.clear();
  };
}

function realtimeSnapshot(def: InstanceDefinition, router: Router, center: ContactCenter, now: number): RealtimeSnapshot {
  const waiting = center.liveContacts()
    .filter((c) => (c.phase === 'queued' || c.phase === 'ringing') && c.queueId !== undefined && c.enqueuedAt !== undefined)
    .map((c) => ({ contactId: c.contactId, queueId: c.queueId as string, enqueuedAt: c.enqueuedAt as number }));
  return buildRealtimeSnapshot({
    now: new Date(now), queues: def.queues, waiting,
    agents: router.agents().map((a) => ({ agentId: a.agentId, status: a.status, ...(a.customStatus ? { customStatus: a.customStatus } : {}) })),
  });
}
