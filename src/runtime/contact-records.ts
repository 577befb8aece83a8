// A live contact becomes a contact record when the caller's side ends, and again when the
// agent's after-contact work ends.
import { classifyDisconnect, type ContactRecord } from '../contacts/record.ts';
import { finalizeContactRecord } from '../contacts/finalize.ts';
import type { InstanceCatalog } from '../instance/catalog.ts';
import type { InstanceDefinition } from '../instance/types.ts';
import { DEFAULT_RATES, type Rates } from '../contacts/cost.ts';
import type { LiveContact } from './contact-center.ts';
import type { ContactSummarizer } from './contact-summary.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The agent who took the contact; one no longer in the definition is named by its id. */
function agentOf(live: LiveContact, def: InstanceDefinition): ContactRecord['agent'] {
  if (!live.agentId) return undefined;
  const agent = def.agents.find((a) => a.id === live.agentId);
  return agent ? { id: agent.id, name: agent.name, username: agent.username } : { id: live.agentId, name: live.agentId, username: live.agentId };
}

/**
 * Recordings are made of the bridged audio, from the agent's answer on, as Connect's are. A contact
 * the flow asked to record that reached an agent but has none says why instead of promising a file.
 */
function recordingNoteOf(live: LiveContact): { recordingNote?: string } {
  const failure = live.recordingFailure;
  if (failure) {
    return { recordingNote: `recording failed at ${iso(failure.at)} (${failure.reason})${live.recordingLocation ? '; the file holds the audio until then' : ''}` };
  }
  if (live.recordingLocation || live.recordedParticipants.length === 0 || live.connectedAt === undefined) return {};
  return { recordingNote: `not recorded (${live.recordedParticipants.join(', ')} requested): ${live.noAudio ?? 'no audio was bridged (the agent answered without a phone)'}` };
}

/** The third-party transfer as Connect shows it (TransferredToEndpoint, TransferCompletedTimestamp), and the leg itself. */
function thirdPartyOf(live: LiveContact): Pick<ContactRecord, 'transferredToEndpoint' | 'transferCompletedTimestamp' | 'thirdParty'> {
  const leg = live.thirdParty;
  if (!leg) return {};
  const end = leg.endedAt ?? live.disconnectedAt;
  const duration = leg.answeredAt !== undefined && end !== undefined ? Math.round(Math.max(0, end - leg.answeredAt) / 1000) : 0;
  return {
    ...(leg.answeredAt !== undefined ? { transferredToEndpoint: leg.number, transferCompletedTimestamp: iso(leg.answeredAt) } : {}),
    thirdParty: {
      number: leg.number, dialTimestamp: iso(leg.dialedAt), duration, outcome: leg.outcome ?? 'Abandoned',
      ...(leg.callerId ? { callerId: leg.callerId } : {}),
      ...(leg.answeredAt !== undefined ? { connectedTimestamp: iso(leg.answeredAt) } : {}),
      ...(end !== undefined ? { disconnectTimestamp: iso(end) } : {}),
      ...(leg.failure ? { failure: leg.failure } : {}),
    },
  };
}

export function contactRecordOf(live: LiveContact, def: InstanceDefinition, catalog: InstanceCatalog, summarizer: ContactSummarizer): ContactRecord {
  const s = live.flowState;
  const caller = summarizer.summarize(s.attributes);
  const queue = live.queueId !== undefined ? catalog.queue(live.queueId) : s.queue;
  const agent = agentOf(live, def);
  const firstOffer = live.offers[0];
  return finalizeContactRecord({
    contactId: live.contactId,
    initialContactId: s.initialContactId,
    channel: 'VOICE',
    initiationMethod: live.callback ? 'CALLBACK' : 'INBOUND',
    ...(live.callback ? {
      previousContactId: live.callback.previousContactId,
      callbackAttempts: live.callback.attempts.map((a) => ({
        at: iso(a.at), ...(a.answeredAt !== undefined ? { answeredAt: iso(a.answeredAt) } : {}), ...(a.failure ? { failure: a.failure } : {}),
      })),
    } : {}),
    customerEndpoint: live.from,
    systemEndpoint: live.to,
    ...(caller.customerNumber ? { customerNumber: caller.customerNumber } : {}),
    ...(caller.customerName ? { customerName: caller.customerName } : {}),
    ...(queue ? { queue: { id: queue.id, name: queue.name, arn: queue.arn } } : {}),
    ...(agent ? { agent } : {}),
    initiationTimestamp: iso(live.initiatedAt),
    ...(live.enqueuedAt !== undefined ? { enqueueTimestamp: iso(live.enqueuedAt) } : {}),
    ...(firstOffer ? { offeredTimestamp: iso(firstOffer.at) } : {}),
    ...(live.connectedAt !== undefined ? { connectedToAgentTimestamp: iso(live.connectedAt) } : {}),
    disconnectTimestamp: iso(live.disconnectedAt ?? live.initiatedAt),
    ...(live.afterContactWork?.endedAt !== undefined ? { afterContactWorkEndTimestamp: iso(live.afterContactWork.endedAt) } : {}),
    disconnectReason: classifyDisconnect({
      flow: { ...(s.ending ? { ending: s.ending } : {}), path: s.path, external: s.external },
      enqueued: live.enqueuedAt !== undefined,
      connectedToAgent: live.connectedAt !== undefined,
      ...(live.disconnectedBy ? { disconnectedBy: live.disconnectedBy } : {}),
      ...(live.queueError ? { queueError: live.queueError } : {}),
      ...(s.ending?.reason === 'TRANSFERRED_TO_THIRD_PARTY' ? { transferredToThirdParty: true } : {}),
    }),
    ...thirdPartyOf(live),
    attributes: { ...s.attributes },
    ...(s.tags && Object.keys(s.tags).length > 0 ? { tags: { ...s.tags } } : {}),
    ...(s.contactData?.name !== undefined ? { name: s.contactData.name } : {}),
    ...(s.contactData?.description !== undefined ? { description: s.contactData.description } : {}),
    ...(s.contactData?.references ? { references: s.contactData.references } : {}),
    flowPath: s.path.map((p) => p.actionId),
    holdDuration: Math.round(live.holds.totalMs / 1000),
    numberOfHolds: live.holds.count,
    longestHoldDuration: Math.round(live.holds.longestMs / 1000),
    ...(live.recordingLocation ? { recording: { location: live.recordingLocation, participants: live.recordedParticipants } } : {}),
    ...recordingNoteOf(live),
    agentOffers: live.offers.map((o) => ({
      agentId: o.agentId, at: iso(o.at), outcome: o.outcome ?? 'Abandoned',
      ...(o.endedAt !== undefined ? { endedAt: iso(o.endedAt) } : {}),
      ...(o.failure !== undefined ? { failure: o.failure } : {}),
    })),
    ...(live.afterContactWork?.notes ? { notes: live.afterContactWork.notes } : {}),
  }, def.rates ?? DEFAULT_RATES);
}

/** What a heartbeat changes in the contacts in flight: each row kept is as of the beat that wrote it. */
export interface InFlightBeat {
  /** Contacts (re)written as of this beat, each as its record would be were the line to stop now. */
  write: readonly ContactRecord[];
  /** Contacts written before and no longer on the line: their rows go. */
  gone: readonly string[];
}

/** Where the heartbeat writes: the app wires it to the store (store/in-flight.ts). */
export interface InFlightPort {
  /** The line is alive at `at`; rows not in `beat` stay as the beat that wrote them left them. */
  beat(at: number, beat: InFlightBeat): void;
}

/** The record a contact would leave were the line to stop at `at`. */
export function crashRecordOf(live: LiveContact, at: number, recordOf: (live: LiveContact) => ContactRecord): ContactRecord {
  return { ...recordOf({ ...live, disconnectedAt: at, disconnectedBy: 'SYSTEM' }), disconnectReason: 'LINE_CRASH' };
}

/**
 * A crash record written at an earlier beat, ended at `at` instead: the durations and the cost follow
 * from the timestamps (contacts/finalize.ts). Equal to `crashRecordOf(live, at)` for a contact that
 * has not changed since, unless its record keeps time (`keepsTime`), which the heartbeat rewrites.
 */
export function crashRecordEndedAt(record: ContactRecord, at: number, rates: Rates): ContactRecord {
  return finalizeContactRecord({ ...record, disconnectTimestamp: iso(at) }, rates);
}

/**
 * Whether a contact's record changes with the time of the beat in more than its end (what
 * `crashRecordEndedAt` re-times): a third-party leg still up ends when the contact does.
 */
function keepsTime(live: LiveContact): boolean {
  return live.thirdParty !== undefined && live.thirdParty.endedAt === undefined;
}

/**
 * What a contact's record is built from (`contactRecordOf`), cheaply comparable. The flow state is a
 * value (the flow core returns a new state for each change and never mutates one), compared by
 * identity; the rest is mutated in place all over the contact center, so it is compared by its JSON.
 * The customer queue flow's state is left out: no record field comes from it, and it steps with
 * every prompt a waiting caller hears.
 */
interface Fingerprint {
  flowState: LiveContact['flowState'];
  rest: string;
}

function fingerprintOf(live: LiveContact): Fingerprint {
  const { flowState, queueFlowState: _notInTheRecord, ...rest } = live;
  return { flowState, rest: JSON.stringify(rest) };
}

const sameFingerprint = (a: Fingerprint, b: Fingerprint): boolean => a.flowState === b.flowState && a.rest === b.rest;

const HEARTBEAT = 'line:heartbeat';
/** A burst of changes (calls arriving, agents answering) is written once, this soon after the first. */
const SOON_MS = 250;

/**
 * Every few seconds, and soon after a contact starts or is connected, marks the line alive and
 * writes each contact still on the line that changed since its row was written, as the record it
 * would leave if the line stopped now (`LINE_CRASH`, ended at this beat). An unchanged contact's row
 * stays as an earlier beat wrote it: after a crash the next start ends it at the last heartbeat
 * (`crashRecordEndedAt`, app/recovery.ts). A contact in flight loses at most one interval of its
 * history, never its record; a beat costs the contacts that changed, not all of them.
 */
export class ContactHeartbeat {
  private nextAt: number | undefined;
  /** Each contact's fingerprint as of its row in the store. */
  private written = new Map<string, Fingerprint>();
  /** The definition the rows were built with. */
  private writtenWith: InstanceDefinition | undefined;

  constructor(private readonly o: {
    contacts: () => readonly LiveContact[];
    recordOf: (live: LiveContact) => ContactRecord;
    /** Records name agents and queues from it: a new definition (an edit, a reload) rewrites every row. */
    definition: () => InstanceDefinition;
    port: InFlightPort;
    clock: { now(): number };
    scheduler: { set(id: string, ms: number, fn: () => void): void; clear(id: string): void };
    intervalMs: number;
    log: (message: string) => void;
  }) {}

  /** Beats now and every interval from now on. */
  start(): void {
    this.beat();
  }

  /** Something worth keeping changed: beat within SOON_MS (bursts coalesce). */
  soon(): void {
    const now = this.o.clock.now();
    if (this.nextAt !== undefined && this.nextAt - now <= SOON_MS) return;
    this.schedule(SOON_MS);
  }

  stop(): void {
    this.o.scheduler.clear(HEARTBEAT);
    this.nextAt = undefined;
  }

  beat(): void {
    const at = this.o.clock.now();
    try {
      const definition = this.o.definition();
      const all = definition !== this.writtenWith;
      const written = new Map<string, Fingerprint>();
      const write: ContactRecord[] = [];
      for (const live of this.o.contacts()) {
        if (live.phase === 'ended') continue;
        const fingerprint = fingerprintOf(live);
        written.set(live.contactId, fingerprint);
        const last = this.written.get(live.contactId);
        if (all || !last || !sameFingerprint(last, fingerprint) || keepsTime(live)) write.push(crashRecordOf(live, at, this.o.recordOf));
      }
      const gone = [...this.written.keys()].filter((id) => !written.has(id));
      this.o.port.beat(at, { write, gone });
      // Only once written: a beat that failed leaves the rows as they were, and the next one retries.
      this.written = written;
      this.writtenWith = definition;
    } catch (err) {
      // A full disk or a locked database must not stop the calls; the next beat tries again.
      this.o.log(`heartbeat: ${(err as Error).message}`);
    }
    this.schedule(this.o.intervalMs);
  }

  private schedule(ms: number): void {
    this.nextAt = this.o.clock.now() + ms;
    this.o.scheduler.set(HEARTBEAT, ms, () => this.beat());
  }
}
