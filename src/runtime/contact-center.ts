// The live line: contacts walking their flow, the router choosing agents, and the callers' and
// agents' channels. It performs the effects of the two pure cores (flow interpreter, router) and
// feeds their outcomes back as events. Every contact, whatever its ending, is handed to `onEnded`.
import { randomUUID } from 'node:crypto';
import {
  startContact, step, type ContactEffect, type ContactEvent, type ContactState, type PathStep, type StepResult,
} from '../flow/interpreter.ts';
import type { Flow } from '../flow/types.ts';
import type { OfferOutcome } from '../contacts/record.ts';
import type { ResolvedFunction } from '../functions/invoke.ts';
import { performInvocation } from './invoke-effect.ts';
import type { InstanceCatalog } from '../instance/catalog.ts';
import { type Router, type RouterConfig, type RouterInput, type RouterOutput } from '../routing/router.ts';
import type { Clock, Scheduler } from './scheduler.ts';
import type { ContactSummarizer, ContactSummary } from './contact-summary.ts';
import { mainFlow, queueFlow, timerKey, type FlowRun } from './flow-run.ts';

/** The caller's side of a contact: a SIP leg, a WebRTC leg, or a simulated caller. */
export interface CallerChannel {
  /** Play the prompt; call `center.promptFinished(contactId, actionId)` when it has been said. */
  playPrompt(effect: Extract<ContactEffect, { type: 'PlayPrompt' }>): void;
  stopPrompt(): void;
  /** The contact waits in a queue: hold audio. */
  queued?(queueId: string): void;
  /** Bridge the caller to the agent. */
  connected?(agentId: string): void;
  recordingChanged?(participants: string[]): void;
  /** The line hangs up on the caller. */
  hangUp(reason: string): void;
  /**
   * TransferParticipantToThirdParty: dial the number and bridge it with the caller; report back with
   * `center.thirdPartyAnswered`, `thirdPartyFailed`, `thirdPartyHungUp`. Absent: the channel cannot dial out.
   */
  dialThirdParty?(effect: Extract<ContactEffect, { type: 'DialThirdParty' }>): void;
  /** Stop ringing the third party (no answer within the flow's time limit). */
  cancelThirdParty?(): void;
  /** Why this caller's side has no audio to record (a simulated caller); the record says so. */
  readonly noAudio?: string;
}

export interface LiveContact {
  contactId: string;
  from: string;
  to: string;
  flowState: ContactState;
  /** The customer queue flow (UpdateContactEventHooks CustomerQueue) running while the contact waits. */
  queueFlowState?: ContactState;
  initiatedAt: number;
  /** transferred: the flow ended with the caller bridged to a third party (ContinueFlowExecution False). */
  phase: 'flow' | 'queued' | 'ringing' | 'connected' | 'transferred' | 'ended';
  queueId?: string;
  enqueuedAt?: number;
  /** failure: why the line could not connect the offer (outcome FailedConnectAgent). */
  offers: { agentId: string; at: number; outcome?: OfferOutcome; endedAt?: number; failure?: string }[];
  agentId?: string;
  connectedAt?: number;
  disconnectedAt?: number;
  /** Who ended it: the flow, the caller, the agent, the queue. */
  disconnectedBy?: 'FLOW' | 'CUSTOMER' | 'AGENT' | 'QUEUE' | 'SYSTEM' | 'THIRD_PARTY';
  /** The last TransferParticipantToThirdParty: the number dialled and how the outbound leg went. */
  thirdParty?: ThirdPartyLeg;
  /** A callback contact (CreateCallbackContact): whom it calls, from which contact, how the attempts went. */
  callback?: CallbackState;
  queueError?: 'QueueAtCapacity' | 'MaxWaitExceeded';
  recordedParticipants: string[];
  recordingLocation?: string;
  /** Why the recording could not be made or stopped early (disk full, permission denied). */
  recordingFailure?: { at: number; reason: string };
  /** Holds while connected to the agent (either leg held), as Connect's NumberOfHolds and CustomerHoldDuration. */
  holds: HoldTally;
  /** The caller's channel has no audio (CallerChannel.noAudio): nothing can be recorded. */
  noAudio?: string;
  afterContactWork?: { startedAt: number; endedAt?: number; notes?: string };
}

export interface ThirdPartyLeg {
  number: string;
  callerId?: string;
  continueFlow: boolean;
  dialedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** Undefined while it rings or talks. */
  outcome?: 'Completed' | 'CallFailed' | 'ConnectionTimeLimitExceeded' | 'Abandoned';
  failure?: string;
}

export interface CallbackState {
  number: string;
  /** The contact whose flow created it (Connect's PreviousContactId). */
  previousContactId: string;
  /** When the caller joined the queue: the callback waits as if from then (it keeps their place). */
  placeSince: number;
  maxAttempts: number;
  retryDelaySeconds: number;
  attempts: { at: number; answeredAt?: number; failure?: string }[];
}

/**
 * Places the customer's leg of a callback once an agent has taken it (the SIP line, through its
 * outbound trunk). The channel's `connected(agentId)` dials; the dialer reports back with
 * `center.callbackAnswered` / `callbackFailed`.
 */
export interface CallbackDialer {
  channel(contactId: string, call: { number: string; lineNumber: string; recordedParticipants: readonly string[] }): CallerChannel;
}

/** Which side put the call on hold: the caller's phone or PBX, or the agent's phone. */
export type HoldSide = 'customer' | 'agent';

export interface HoldTally {
  count: number;
  totalMs: number;
  longestMs: number;
  /** Sides holding now; the contact is on hold while any is. */
  sides: HoldSide[];
  /** When the open hold began (connected and some side holding). */
  since?: number;
}

export type CenterEvent =
  | { type: 'contact.started'; contactId: string; from: string; to: string; at: number }
  | { type: 'contact.step'; contactId: string; step: PathStep }
  | { type: 'contact.queued'; contactId: string; queueId: string; position: number; at: number }
  | ({ type: 'contact.offered'; contactId: string; agentId: string; queueId: string; ringUntil: number; at: number } & ContactSummary)
  | { type: 'contact.offerWithdrawn'; contactId: string; agentId: string; reason: string; at: number }
  | { type: 'contact.connected'; contactId: string; agentId: string; at: number }
  | { type: 'contact.disconnected'; contactId: string; agentId?: string; by: string; at: number }
  | { type: 'contact.acwFinished'; contactId: string; agentId: string; at: number }
  | { type: 'contact.hold'; contactId: string; agentId: string; on: boolean; at: number }
  | { type: 'agent.status'; agentId: string; from: string; to: string; customStatus?: string; at: number };

/** A request the caller of the API can act on: wrong state, unknown id … */
export class ContactCenterError extends Error {
  constructor(readonly code: 'NotFound' | 'Refused' | 'Forbidden', message: string) {
    super(message);
    this.name = 'ContactCenterError';
  }
}

export interface ContactCenterDeps {
  catalog: InstanceCatalog;
  entryFlow: (dialed: string) => Flow;
  functions: ReadonlyMap<string, ResolvedFunction>;
  router: Router;
  clock: Clock;
  scheduler: Scheduler;
  /** The line's flow contract: what an agent is told about the caller, from the contact's attributes. */
  summarizer: ContactSummarizer;
  publish: (event: CenterEvent) => void;
  /** The contact is over for the caller (its record can be written). Called again when ACW ends. */
  onEnded: (contact: LiveContact) => void;
}

const ROUTER_TICK = 'router:tick';

interface ContactEntry {
  live: LiveContact;
  channel: CallerChannel;
}

type Output<T extends RouterOutput['type']> = Extract<RouterOutput, { type: T }>;

export class ContactCenter {
  private readonly contacts = new Map<string, ContactEntry>();
  /** Contacts an agent is in ACW for, by agent. */
  private readonly acw = new Map<string, LiveContact>();

  private dialer: CallbackDialer | undefined;

  constructor(private readonly deps: ContactCenterDeps) {}

  /** The SIP line, once it runs: without a dialer a callback cannot be placed (its record says so). */
  setCallbackDialer(dialer: CallbackDialer | undefined): void {
    this.dialer = dialer;
  }

  // ---- callers ------------------------------------------------------------------------------

  startContact(channel: CallerChannel, call: { from: string; to: string; contactId?: string; attributes?: Record<string, string> }): string {
    const contactId = call.contactId ?? randomUUID();
    const at = this.deps.clock.now();
    const flow = this.deps.entryFlow(call.to);
    const result = startContact(this.deps.catalog, {
      contactId, flow, at, customerAddress: call.from, systemAddress: call.to,
      ...(call.attributes ? { attributes: call.attributes } : {}),
    });
    const live: LiveContact = {
      contactId, from: call.from, to: call.to, flowState: result.state, initiatedAt: at,
      phase: 'flow', offers: [], recordedParticipants: [], holds: { count: 0, totalMs: 0, longestMs: 0, sides: [] },
      ...(channel.noAudio !== undefined ? { noAudio: channel.noAudio } : {}),
    };
    this.contacts.set(contactId, { live, channel });
    this.deps.publish({ type: 'contact.started', contactId, from: call.from, to: call.to, at });
    this.perform(mainFlow, contactId, [], result);
    return contactId;
  }

  dtmf(contactId: string, digit: string): void {
    this.advance(this.listening(contactId), contactId, { type: 'Dtmf', digit, at: this.deps.clock.now() });
  }

  promptFinished(contactId: string, actionId?: string): void {
    const event: ContactEvent = { type: 'PromptPlayed', at: this.deps.clock.now(), ...(actionId !== undefined ? { actionId } : {}) };
    this.advance(this.listening(contactId), contactId, event);
  }

  /** The caller hung up, at any point of the contact. */
  customerHangUp(contactId: string): void {
    const entry = this.contacts.get(contactId);
    if (!entry || entry.live.phase === 'ended') return;
    this.end(entry, 'CUSTOMER');
  }

  /**
   * The line is going down: every contact still on it ends (disconnected by the system, the caller
   * hung up on) and every after-contact work closes, so each leaves its record. Waiting contacts
   * go first, so no agent freed by the others is offered one of them.
   */
  endAll(reason: string): void {
    const order: LiveContact['phase'][] = ['queued', 'ringing', 'flow', 'transferred', 'connected'];
    const live = [...this.contacts.values()].filter((e) => e.live.phase !== 'ended')
      .sort((a, b) => order.indexOf(a.live.phase) - order.indexOf(b.live.phase));
    for (const entry of live) {
      if (entry.live.phase === 'ended') continue;
      entry.channel.hangUp(reason);
      this.end(entry, 'SYSTEM');
    }
    const at = this.deps.clock.now();
    for (const agentId of [...this.acw.keys()]) this.closeAcw(agentId, at);
  }

  /** The contact ends from outside its flow (the caller or the line): router, flow, then its record. */
  private end(entry: ContactEntry, by: 'CUSTOMER' | 'SYSTEM'): void {
    const { live } = entry;
    const contactId = live.contactId;
    const at = this.deps.clock.now();
    this.stopQueueFlow(live);
    if (live.phase === 'queued' || live.phase === 'ringing') {
      this.route({ type: 'AbandonContact', contactId, at });
    } else if (live.phase === 'connected') {
      this.route({ type: 'EndContact', contactId, at });
    }
    if (live.flowState.status !== 'ended') {
      // The caller is gone: the flow's own Disconnect has nobody left to hang up on.
      const r = step(this.deps.catalog, live.flowState, { type: 'CustomerDisconnected', at });
      this.perform(mainFlow, contactId, live.flowState.path, { ...r, effects: r.effects.filter((e) => e.type !== 'Disconnect') });
    }
    this.finish(live, by, at);
  }

  // ---- the third party (TransferParticipantToThirdParty) ---------------------------------------

  thirdPartyAnswered(contactId: string): void {
    const live = this.contacts.get(contactId)?.live;
    if (!live?.thirdParty || live.thirdParty.answeredAt !== undefined || live.thirdParty.outcome !== undefined) return;
    live.thirdParty.answeredAt = this.deps.clock.now();
    this.advance(mainFlow, contactId, { type: 'ThirdPartyAnswered', at: live.thirdParty.answeredAt });
    if (live.flowState.ending?.reason === 'TRANSFERRED_TO_THIRD_PARTY') live.phase = 'transferred';
  }

  /** The outbound leg could not be made: busy, declined, unreachable, no trunk. */
  thirdPartyFailed(contactId: string, message: string): void {
    const live = this.contacts.get(contactId)?.live;
    if (!live?.thirdParty || live.thirdParty.outcome !== undefined || live.thirdParty.answeredAt !== undefined) return;
    const at = this.deps.clock.now();
    Object.assign(live.thirdParty, { outcome: 'CallFailed', failure: message, endedAt: at });
    this.advance(mainFlow, contactId, { type: 'ThirdPartyFailed', message, at });
  }

  /** The third party hung up after answering: the flow goes on, or (transferred) the contact ends. */
  thirdPartyHungUp(contactId: string): void {
    const entry = this.contacts.get(contactId);
    const leg = entry?.live.thirdParty;
    if (!entry || !leg || leg.answeredAt === undefined || leg.outcome !== undefined) return;
    const at = this.deps.clock.now();
    Object.assign(leg, { outcome: 'Completed', endedAt: at });
    if (entry.live.phase === 'transferred') {
      entry.channel.hangUp('the third party hung up');
      this.finish(entry.live, 'THIRD_PARTY', at);
      return;
    }
    this.advance(mainFlow, contactId, { type: 'ThirdPartyDisconnected', at });
  }

  /** The effect of TransferParticipantToThirdParty: only the contact's own flow dials out. */
  private dialThirdParty(run: FlowRun, entry: ContactEntry, effect: Extract<ContactEffect, { type: 'DialThirdParty' }>): void {
    const { live, channel } = entry;
    live.thirdParty = {
      number: effect.number, continueFlow: effect.continueFlow, dialedAt: this.deps.clock.now(),
      ...(effect.callerId?.number ? { callerId: effect.callerId.number } : {}),
    };
    const refusal = !run.mayRoute ? 'a customer queue flow does not dial out here (the contact would leave its queue)'
      : channel.dialThirdParty ? undefined : `this caller's channel cannot dial out${channel.noAudio ? ` (${channel.noAudio})` : ''}`;
    if (refusal === undefined) return channel.dialThirdParty?.(effect);
    // Reported after the step that asked for it has been performed, as a SIP failure would be.
    const contactId = live.contactId;
    queueMicrotask(() => {
      const leg = this.contacts.get(contactId)?.live.thirdParty;
      if (!leg || leg.outcome !== undefined) return;
      Object.assign(leg, { outcome: 'CallFailed', failure: refusal, endedAt: this.deps.clock.now() });
      this.advance(run, contactId, { type: 'ThirdPartyFailed', message: refusal, at: this.deps.clock.now() });
    });
  }

  // ---- callbacks (CreateCallbackContact) -------------------------------------------------------

  /** The customer answered the callback: the agent and the customer are bridged (by the dialer). */
  callbackAnswered(contactId: string): void {
    const attempt = this.contacts.get(contactId)?.live.callback?.attempts.at(-1);
    if (attempt && attempt.answeredAt === undefined) attempt.answeredAt = this.deps.clock.now();
  }

  /**
   * The customer did not answer (busy, no answer, unreachable). The agent's part ends; another attempt
   * is queued after RetryDelaySeconds while MaximumConnectionAttempts allows, else the contact ends.
   */
  callbackFailed(contactId: string, message: string): void {
    const entry = this.contacts.get(contactId);
    const cb = entry?.live.callback;
    const attempt = cb?.attempts.at(-1);
    if (!entry || !cb || !attempt || attempt.answeredAt !== undefined || attempt.failure !== undefined) return;
    attempt.failure = message;
    const { live } = entry;
    const at = this.deps.clock.now();
    if (cb.attempts.length >= cb.maxAttempts || live.phase !== 'connected' || !live.agentId) {
      entry.channel.hangUp(`callback not answered: ${message}`);
      return this.finish(live, 'CUSTOMER', at);
    }
    this.route({ type: 'EndContact', contactId, at });
    live.phase = 'flow';
    live.agentId = undefined;
    live.connectedAt = undefined;
    this.deps.scheduler.set(callbackTimer(contactId), cb.retryDelaySeconds * 1000, () => this.enqueueCallback(contactId));
  }

  /** CreateCallbackContact: a new contact, queued after InitialCallDelaySeconds with the caller's place. */
  private createCallback(from: LiveContact, effect: Extract<ContactEffect, { type: 'CreateCallback' }>): void {
    const at = this.deps.clock.now();
    const contactId = randomUUID();
    const noLine = 'no line dials out here (a SIP line with an outbound trunk places callbacks)';
    const channel: CallerChannel = this.dialer?.channel(contactId, { number: effect.number, lineNumber: from.to, recordedParticipants: from.recordedParticipants }) ?? {
      playPrompt: () => undefined, stopPrompt: () => undefined, hangUp: () => undefined, noAudio: noLine,
      // The agent took it but nobody can call the customer: the attempt fails at once.
      connected: () => queueMicrotask(() => this.callbackFailed(contactId, noLine)),
    };
    const { path: _path, ending: _ending, waiting: _waiting, ...state } = from.flowState;
    const live: LiveContact = {
      contactId, from: effect.number, to: from.to, initiatedAt: at, phase: 'flow', offers: [], recordedParticipants: from.recordedParticipants,
      holds: { count: 0, totalMs: 0, longestMs: 0, sides: [] },
      // The callback's record shows the queue and attributes it was created with; it runs no flow of its own.
      flowState: { ...state, contactId, initialContactId: contactId, customerAddress: effect.number, queue: effect.queue, status: 'queued', path: [] },
      callback: {
        number: effect.number, previousContactId: from.contactId, placeSince: from.enqueuedAt ?? at,
        maxAttempts: effect.maxAttempts, retryDelaySeconds: effect.retryDelaySeconds, attempts: [],
      },
      ...(channel.noAudio !== undefined ? { noAudio: channel.noAudio } : {}),
    };
    this.contacts.set(contactId, { live, channel });
    this.deps.publish({ type: 'contact.started', contactId, from: effect.number, to: from.to, at });
    this.deps.scheduler.set(callbackTimer(contactId), effect.initialDelaySeconds * 1000, () => this.enqueueCallback(contactId));
  }

  /** An attempt of a callback joins its queue, as old as the caller's wait was when they chose it. */
  private enqueueCallback(contactId: string): void {
    const live = this.contacts.get(contactId)?.live;
    const cb = live?.callback;
    const queue = live?.flowState.queue;
    if (!live || !cb || !queue || live.phase !== 'flow') return;
    const at = this.deps.clock.now();
    live.phase = 'queued';
    live.queueId = queue.id;
    live.enqueuedAt ??= at;
    const timeAdjustSeconds = Math.max(0, Math.round((at - cb.placeSince) / 1000));
    if (queue.agentId !== undefined) this.route({ type: 'OfferToAgent', contactId, agentId: queue.agentId, at });
    else this.route({ type: 'EnqueueContact', contactId, queueId: queue.id, at, timeAdjustSeconds });
  }

  // ---- agents -------------------------------------------------------------------------------

  setAgentStatus(agentId: string, status: string): void {
    this.route({ type: 'SetAgentStatus', agentId, status, at: this.deps.clock.now() }, true);
  }

  accept(agentId: string, contactId: string): void {
    this.requireOffer(agentId, contactId);
    this.route({ type: 'AcceptOffer', agentId, contactId, at: this.deps.clock.now() }, true);
  }

  decline(agentId: string, contactId: string): void {
    this.requireOffer(agentId, contactId);
    this.route({ type: 'DeclineOffer', agentId, contactId, at: this.deps.clock.now() }, true);
  }

  /**
   * The line could not connect a ringing offer to the agent (the media of their phone's leg failed):
   * the offer is withdrawn without counting against the agent, who is Available again, and the
   * contact goes back to its queue to be offered again; the record keeps `reason` on the offer.
   */
  offerFailed(agentId: string, contactId: string, reason: string): void {
    this.requireOffer(agentId, contactId);
    const offer = this.contacts.get(contactId)?.live.offers.find((o) => o.agentId === agentId && o.outcome === undefined);
    this.route({ type: 'FailOffer', agentId, contactId, at: this.deps.clock.now() }, true);
    if (offer?.outcome === 'FailedConnectAgent') offer.failure = reason;
  }

  /** The agent ends a connected contact. */
  agentHangUp(agentId: string, contactId: string): void {
    const entry = this.contacts.get(contactId);
    if (!entry || entry.live.agentId !== agentId || entry.live.phase !== 'connected') {
      throw new ContactCenterError('Refused', `contact ${contactId} is not connected to agent ${agentId}`);
    }
    const at = this.deps.clock.now();
    this.route({ type: 'EndContact', contactId, at }, true);
    entry.channel.hangUp('agent hung up');
    this.finish(entry.live, 'AGENT', at);
  }

  /**
   * The agent puts the caller on hold (or back): the media side plays hold audio to the caller and
   * stops the two hearing each other; the hold counts in the record (NumberOfHolds, hold duration).
   */
  agentHold(agentId: string, contactId: string, on: boolean): void {
    const entry = this.contacts.get(contactId);
    if (!entry || entry.live.agentId !== agentId || entry.live.phase !== 'connected') {
      throw new ContactCenterError('Refused', `contact ${contactId} is not connected to agent ${agentId}`);
    }
    if (on === entry.live.holds.sides.includes('agent')) return;
    if (on) this.holdStarted(contactId, 'agent');
    else this.holdEnded(contactId, 'agent');
    this.deps.publish({ type: 'contact.hold', contactId, agentId, on, at: this.deps.clock.now() });
  }

  finishAfterContactWork(agentId: string, notes?: string): void {
    const at = this.deps.clock.now();
    const c = this.acw.get(agentId);
    if (c?.afterContactWork && notes !== undefined) c.afterContactWork.notes = notes;
    this.route({ type: 'FinishAfterContactWork', agentId, at }, true);
    this.closeAcw(agentId, at);
  }

  /** The media side started recording the contact; the location goes into its record. */
  recordingStarted(contactId: string, location: string): void {
    const live = this.contacts.get(contactId)?.live;
    if (live) live.recordingLocation = location;
  }

  /** The media side could not write the recording; the call goes on and its record says so. */
  recordingFailed(contactId: string, reason: string): void {
    const live = this.contacts.get(contactId)?.live;
    if (live && !live.recordingFailure) live.recordingFailure = { at: this.deps.clock.now(), reason };
  }

  /**
   * One side of the call put it on hold (a re-INVITE with sendonly/inactive). Counted only while
   * connected to an agent; talk time excludes it (contacts/finalize.ts).
   */
  holdStarted(contactId: string, side: HoldSide = 'customer'): void {
    const live = this.contacts.get(contactId)?.live;
    if (!live || live.holds.sides.includes(side)) return;
    live.holds.sides.push(side);
    if (live.phase === 'connected' && live.holds.since === undefined) {
      live.holds.count++;
      live.holds.since = this.deps.clock.now();
    }
  }

  holdEnded(contactId: string, side: HoldSide = 'customer'): void {
    const live = this.contacts.get(contactId)?.live;
    if (!live) return;
    live.holds.sides = live.holds.sides.filter((s) => s !== side);
    if (live.holds.sides.length === 0) closeHold(live, this.deps.clock.now());
  }

  /** Queues, ranks or agents changed: the router keeps agent states and waiting contacts. */
  reconfigureRouter(config: RouterConfig): void {
    for (const out of this.deps.router.reconfigure(config, this.deps.clock.now())) this.onRouterOutput(out, false);
    this.scheduleTick();
  }

  // ---- views --------------------------------------------------------------------------------

  contact(contactId: string): LiveContact | undefined {
    return this.contacts.get(contactId)?.live;
  }

  /** What an agent is told about the caller, as the flow has found out so far. */
  summary(contactId: string): ContactSummary | undefined {
    const live = this.contacts.get(contactId)?.live;
    return live ? this.deps.summarizer.summarize(live.flowState.attributes) : undefined;
  }

  liveContacts(): LiveContact[] {
    return [...this.contacts.values()].map((e) => e.live);
  }

  /** Offers currently ringing for an agent. */
  offersFor(agentId: string): LiveContact[] {
    return this.liveContacts().filter((c) => c.phase === 'ringing' && c.offers.some((o) => o.agentId === agentId && o.outcome === undefined));
  }

  stop(): void {
    this.deps.scheduler.clearAll();
  }

  // ---- internals ----------------------------------------------------------------------------

  private requireOffer(agentId: string, contactId: string): void {
    const live = this.contacts.get(contactId)?.live;
    if (!live) throw new ContactCenterError('NotFound', `no contact ${contactId}`);
    if (!live.offers.some((o) => o.agentId === agentId && o.outcome === undefined)) {
      throw new ContactCenterError('Refused', `contact ${contactId} is not ringing for agent ${agentId}`);
    }
  }

  // ---- the flow runs' effects ----------------------------------------------------------------

  /** The run the caller's keys and prompts belong to: the customer queue flow while it plays. */
  private listening(contactId: string): FlowRun {
    const q = this.contacts.get(contactId)?.live.queueFlowState;
    return q !== undefined && q.status !== 'ended' ? queueFlow : mainFlow;
  }

  /** An event for one of the contact's flow runs: the interpreter steps it, the center performs. */
  private advance(run: FlowRun, contactId: string, event: ContactEvent): void {
    const live = this.contacts.get(contactId)?.live;
    const state = live && run.state(live);
    if (!state || state.status === 'ended') return;
    const r = step(this.deps.catalog, state, event);
    if (r.ignored) return;
    this.perform(run, contactId, state.path, r);
  }

  /** Makes a step's state the run's and performs its effects; `before` is the path before the step. */
  private perform(run: FlowRun, contactId: string, before: readonly PathStep[], result: StepResult): void {
    const entry = this.contacts.get(contactId);
    if (!entry) return;
    run.setState(entry.live, result.state);
    if (run.publishesSteps) {
      for (const s of result.state.path.slice(Math.max(0, before.length - 1))) {
        if (s.branch !== 'pending') this.deps.publish({ type: 'contact.step', contactId, step: s });
      }
    }
    for (const effect of result.effects) this.performEffect(run, entry, result.state, effect);
  }

  /** One effect of a run; `state` is the run's state that produced it. */
  private performEffect(run: FlowRun, entry: ContactEntry, state: ContactState, effect: ContactEffect): void {
    const { live, channel } = entry;
    switch (effect.type) {
      case 'PlayPrompt':
        return channel.playPrompt(effect);
      case 'StopPrompt':
        return channel.stopPrompt();
      case 'StartTimer':
        return this.deps.scheduler.set(timerKey(run, effect.timerId), effect.seconds * 1000, () =>
          this.advance(run, live.contactId, { type: 'TimerExpired', timerId: effect.timerId, at: this.deps.clock.now() }));
      case 'CancelTimer':
        return this.deps.scheduler.clear(timerKey(run, effect.timerId));
      case 'InvokeFunction':
        return void this.invoke(run, live.contactId, effect);
      case 'UpdateRecording':
        if (!run.mayRoute) return;
        live.recordedParticipants = effect.participants;
        return channel.recordingChanged?.(effect.participants);
      case 'TransferToQueue':
      case 'TransferToAgent':
        return run.mayRoute ? this.transfer(entry, state, effect) : undefined;
      case 'UpdateContactRecord':
        // The record is built from the main run's state; a queue flow's tags go there too.
        if (run.kind === 'queue') {
          live.flowState = {
            ...live.flowState,
            ...(effect.tags ? { tags: effect.tags } : {}),
            ...(effect.contactData ? { contactData: effect.contactData } : {}),
          };
        }
        return;
      case 'MoveToQueue':
        return this.moveToQueue(entry, effect);
      case 'Disconnect':
        return this.hangUp(run, entry, effect);
      case 'DialThirdParty':
        return this.dialThirdParty(run, entry, effect);
      case 'CreateCallback':
        return this.createCallback(live, effect);
      case 'CancelThirdParty':
        if (live.thirdParty && live.thirdParty.outcome === undefined) {
          Object.assign(live.thirdParty, { outcome: 'ConnectionTimeLimitExceeded', endedAt: this.deps.clock.now() });
        }
        return channel.cancelThirdParty?.();
      default:
        effect satisfies never; // a new effect type is a compile error here until handled
    }
  }

  private async invoke(run: FlowRun, contactId: string, effect: Extract<ContactEffect, { type: 'InvokeFunction' }>): Promise<void> {
    const { outcome } = await performInvocation(this.deps.functions, effect);
    this.advance(run, contactId, { ...outcome, at: this.deps.clock.now() });
  }

  /** The contact waits: offered to the one agent it is for, or queued; the CustomerQueue hook's flow plays meanwhile. */
  private transfer(entry: ContactEntry, state: ContactState, effect: Extract<ContactEffect, { type: 'TransferToQueue' | 'TransferToAgent' }>): void {
    const { live, channel } = entry;
    const { clock } = this.deps;
    live.phase = 'queued';
    live.queueId = effect.queue.id;
    live.enqueuedAt ??= clock.now();
    channel.queued?.(effect.queue.id);
    const agentId = effect.type === 'TransferToAgent' ? effect.agentId : effect.queue.agentId;
    if (agentId !== undefined) {
      this.route({ type: 'OfferToAgent', contactId: live.contactId, agentId, at: clock.now() });
    } else {
      const routing = effect.type === 'TransferToQueue' ? effect.routing : {};
      this.route({
        type: 'EnqueueContact', contactId: live.contactId, queueId: effect.queue.id, at: clock.now(),
        ...(routing.priority !== undefined ? { priority: routing.priority } : {}),
        ...(routing.timeAdjustSeconds !== undefined ? { timeAdjustSeconds: routing.timeAdjustSeconds } : {}),
        ...(effect.type === 'TransferToQueue' && effect.criteria ? { steps: effect.criteria.steps } : {}),
      });
    }
    const hook = state.eventHooks['CustomerQueue'];
    if (live.phase === 'queued' && hook) this.startQueueFlow(live, hook);
  }

  /**
   * DequeueContactAndTransferToQueue: the waiting contact leaves its queue for another. Connect opens
   * a new contact segment; here the contact keeps its id and its record shows the last queue.
   */
  private moveToQueue(entry: ContactEntry, effect: Extract<ContactEffect, { type: 'MoveToQueue' }>): void {
    const { live, channel } = entry;
    if (live.phase !== 'queued') return;
    const at = this.deps.clock.now();
    this.route({ type: 'AbandonContact', contactId: live.contactId, at });
    live.queueId = effect.queue.id;
    live.flowState = { ...live.flowState, queue: effect.queue };
    channel.queued?.(effect.queue.id);
    if (effect.queue.agentId !== undefined) this.route({ type: 'OfferToAgent', contactId: live.contactId, agentId: effect.queue.agentId, at });
    else this.route({ type: 'EnqueueContact', contactId: live.contactId, queueId: effect.queue.id, at });
  }

  private hangUp(run: FlowRun, entry: ContactEntry, effect: Extract<ContactEffect, { type: 'Disconnect' }>): void {
    const hangUp = run.hangUp(effect.reason);
    if (!hangUp || entry.live.phase === 'ended') return;
    if (hangUp.leavesQueue) this.route({ type: 'AbandonContact', contactId: entry.live.contactId, at: this.deps.clock.now() });
    entry.channel.hangUp(hangUp.reason);
    this.finish(entry.live, 'FLOW', this.deps.clock.now());
  }

  /** Runs the customer queue flow while the contact waits (Connect's event hook CustomerQueue). */
  private startQueueFlow(live: LiveContact, flowRef: string): void {
    const flow = this.deps.catalog.flow(flowRef);
    const queue = live.flowState.queue;
    if (!flow || !queue) return;
    const r = startContact(this.deps.catalog, {
      contactId: live.contactId, flow, at: this.deps.clock.now(), customerAddress: live.from, systemAddress: live.to,
      attributes: live.flowState.attributes, queue,
    });
    this.perform(queueFlow, live.contactId, [], r);
  }

  private stopQueueFlow(live: LiveContact): void {
    const q = live.queueFlowState;
    if (!q) return;
    this.clearTimers(queueFlow, q);
    if (q.status !== 'ended' && (q.waiting?.kind === 'prompt' || q.waiting?.kind === 'iterate')) this.contacts.get(live.contactId)?.channel.stopPrompt();
    live.queueFlowState = undefined;
  }

  /** Every timer a flow run may still have set (its ids are `<contactId>#<n>`, n up to timerSeq). */
  private clearTimers(run: FlowRun, state: ContactState): void {
    for (let n = 1; n <= state.timerSeq; n++) this.deps.scheduler.clear(timerKey(run, `${state.contactId}#${n}`));
  }

  // ---- the router's decisions ---------------------------------------------------------------

  /** Sends an input to the router and acts on what it decides. */
  private route(input: RouterInput, throwOnRefusal = false): void {
    const outputs = this.deps.router.handle(input);
    for (const out of outputs) this.onRouterOutput(out, throwOnRefusal);
    this.scheduleTick();
  }

  private scheduleTick(): void {
    const due = this.deps.router.nextDeadline();
    if (due === undefined) {
      this.deps.scheduler.clear(ROUTER_TICK);
      return;
    }
    this.deps.scheduler.set(ROUTER_TICK, due - this.deps.clock.now(), () => this.route({ type: 'Tick', at: this.deps.clock.now() }));
  }

  private onRouterOutput(out: RouterOutput, throwOnRefusal: boolean): void {
    const at = this.deps.clock.now();
    switch (out.type) {
      case 'ContactQueued':
        return this.deps.publish({ type: 'contact.queued', contactId: out.contactId, queueId: out.queueId, position: out.position, at });
      case 'ContactOffered':
        return this.offered(out, at);
      case 'OfferWithdrawn':
        return this.offerWithdrawn(out, at);
      case 'ContactConnected':
        return this.connected(out, at);
      case 'ContactRejected':
      case 'ContactTimedOut':
        return this.notQueued(out, at);
      case 'ContactOverflowed':
      case 'ContactRemoved':
        return;
      case 'AgentStatusChanged':
        return this.agentStatusChanged(out);
      case 'Refused':
        if (throwOnRefusal) throw new ContactCenterError('Refused', out.message);
        return;
      default:
        out satisfies never;
    }
  }

  private offered(out: Output<'ContactOffered'>, at: number): void {
    const live = this.contacts.get(out.contactId)?.live;
    if (live) {
      live.phase = 'ringing';
      live.offers.push({ agentId: out.agentId, at });
    }
    this.deps.publish({
      type: 'contact.offered', contactId: out.contactId, agentId: out.agentId, queueId: out.queueId, ringUntil: out.ringUntil, at,
      ...this.deps.summarizer.summarize(live?.flowState.attributes ?? {}),
    });
  }

  private offerWithdrawn(out: Output<'OfferWithdrawn'>, at: number): void {
    const live = this.contacts.get(out.contactId)?.live;
    const offer = live?.offers.find((o) => o.agentId === out.agentId && o.outcome === undefined);
    if (offer) {
      offer.outcome = out.reason;
      offer.endedAt = at;
    }
    if (live && live.phase === 'ringing' && out.reason !== 'Abandoned') live.phase = 'queued';
    this.deps.publish({ type: 'contact.offerWithdrawn', contactId: out.contactId, agentId: out.agentId, reason: out.reason, at });
  }

  private connected(out: Output<'ContactConnected'>, at: number): void {
    const live = this.contacts.get(out.contactId)?.live;
    if (!live) return;
    const offer = live.offers.find((o) => o.agentId === out.agentId && o.outcome === undefined);
    if (offer) {
      offer.outcome = 'Accepted';
      offer.endedAt = at;
    }
    this.stopQueueFlow(live);
    live.phase = 'connected';
    live.agentId = out.agentId;
    live.connectedAt = at;
    // A callback's agent has taken it: now the customer is called.
    if (live.callback) live.callback.attempts.push({ at });
    // The main flow ends (CONNECTED_TO_AGENT); its Disconnect is not performed: the caller is with the agent now.
    live.flowState = step(this.deps.catalog, live.flowState, { type: 'AgentConnected', agentId: out.agentId, at }).state;
    this.contacts.get(out.contactId)?.channel.connected?.(out.agentId);
    this.deps.publish({ type: 'contact.connected', contactId: out.contactId, agentId: out.agentId, at });
  }

  /** The queue refused the contact or nobody took it in time: back to the main flow's error branch. */
  private notQueued(out: Output<'ContactRejected' | 'ContactTimedOut'>, at: number): void {
    const live = this.contacts.get(out.contactId)?.live;
    if (!live) return;
    live.queueError = out.reason === 'MaxWaitExceeded' ? 'MaxWaitExceeded' : 'QueueAtCapacity';
    this.stopQueueFlow(live);
    live.phase = 'flow';
    // Connect's TransferContactToQueue has QueueAtCapacity and NoMatchingError; a contact nobody
    // could take within the queue's max wait takes the QueueAtCapacity branch too.
    this.advance(mainFlow, out.contactId, {
      type: 'QueueTransferFailed', at,
      error: out.reason === 'NoSuchQueue' ? 'NoMatchingError' : 'QueueAtCapacity',
      message: out.reason,
    });
  }

  private agentStatusChanged(out: Output<'AgentStatusChanged'>): void {
    this.deps.publish({ type: 'agent.status', agentId: out.agentId, from: out.from, to: out.to, at: out.at, ...(out.customStatus !== undefined ? { customStatus: out.customStatus } : {}) });
    // ACW starts in finish(), once the contact is over; it ends here when the router says so.
    if (out.from === 'AfterContactWork' && out.to !== 'AfterContactWork') this.closeAcw(out.agentId, out.at);
  }

  // ---- endings ------------------------------------------------------------------------------

  private closeAcw(agentId: string, at: number, notes?: string): void {
    const c = this.acw.get(agentId);
    if (!c || !c.afterContactWork || c.afterContactWork.endedAt !== undefined) return;
    c.afterContactWork.endedAt = at;
    if (notes !== undefined) c.afterContactWork.notes = notes;
    this.acw.delete(agentId);
    this.deps.publish({ type: 'contact.acwFinished', contactId: c.contactId, agentId, at });
    this.deps.onEnded(c);
    this.contacts.delete(c.contactId);
  }

  private finish(live: LiveContact, by: NonNullable<LiveContact['disconnectedBy']>, at: number): void {
    if (live.phase === 'ended') return;
    this.stopQueueFlow(live);
    closeHold(live, at);
    const wasConnected = live.phase === 'connected';
    live.phase = 'ended';
    live.disconnectedAt = at;
    if (live.thirdParty && live.thirdParty.outcome === undefined) {
      // The caller (or the line) ended the contact while the third party rang or talked.
      Object.assign(live.thirdParty, { outcome: live.thirdParty.answeredAt !== undefined ? 'Completed' : 'Abandoned', endedAt: at });
    }
    live.disconnectedBy = by;
    this.clearTimers(mainFlow, live.flowState);
    if (live.callback) this.deps.scheduler.clear(callbackTimer(live.contactId));
    this.deps.publish({ type: 'contact.disconnected', contactId: live.contactId, by, at, ...(live.agentId !== undefined ? { agentId: live.agentId } : {}) });
    this.deps.onEnded(live);
    // A contact with an agent stays until the agent's after-contact work is done.
    if (!wasConnected || !live.agentId) this.contacts.delete(live.contactId);
    else if (live.agentId && this.deps.router.agent(live.agentId)?.status === 'AfterContactWork' && !live.afterContactWork) {
      live.afterContactWork = { startedAt: at };
      this.acw.set(live.agentId, live);
    }
  }
}

const callbackTimer = (contactId: string): string => `callback:${contactId}`;

/** Ends the open hold, if any, adding it to the tally. */
function closeHold(live: LiveContact, at: number): void {
  const { holds } = live;
  if (holds.since === undefined) return;
  const ms = Math.max(0, at - holds.since);
  holds.totalMs += ms;
  holds.longestMs = Math.max(holds.longestMs, ms);
  holds.since = undefined;
}
