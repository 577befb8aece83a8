// The live line: contacts walking their flow, the router choosing agents, and the callers' and
// agents' channels. It performs the effects of the two pure cores (flow interpreter, router) and
// feeds their outcomes back as events. Every contact, whatever its ending, is handed to `onEnded`.
import { randomUUID } from 'node:crypto';
import {
  startContact, step, type ContactEffect, type ContactEvent, type ContactState, type PathStep,
} from '../flow/interpreter.ts';
import type { Flow } from '../flow/types.ts';
import type { OfferOutcome } from '../contacts/record.ts';
import type { ResolvedFunction } from '../functions/invoke.ts';
import { performInvocation } from './invoke-effect.ts';
import type { InstanceCatalog } from '../instance/catalog.ts';
import { agentOfQueue, type Router, type RouterConfig, type RouterInput, type RouterOutput } from '../routing/router.ts';
import type { Clock, Scheduler } from './scheduler.ts';
import type { ContactSummarizer, ContactSummary } from './contact-summary.ts';

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
}

export interface LiveContact {
  contactId: string;
  from: string;
  to: string;
  flowState: ContactState;
  /** The customer queue flow (UpdateContactEventHooks CustomerQueue) running while the contact waits. */
  queueFlowState?: ContactState;
  initiatedAt: number;
  phase: 'flow' | 'queued' | 'ringing' | 'connected' | 'ended';
  queueId?: string;
  enqueuedAt?: number;
  offers: { agentId: string; at: number; outcome?: OfferOutcome; endedAt?: number }[];
  agentId?: string;
  connectedAt?: number;
  disconnectedAt?: number;
  /** Who ended it: the flow, the caller, the agent, the queue. */
  disconnectedBy?: 'FLOW' | 'CUSTOMER' | 'AGENT' | 'QUEUE' | 'SYSTEM';
  queueError?: 'QueueAtCapacity' | 'MaxWaitExceeded';
  recordedParticipants: string[];
  recordingLocation?: string;
  afterContactWork?: { startedAt: number; endedAt?: number; notes?: string };
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

export class ContactCenter {
  private readonly contacts = new Map<string, { live: LiveContact; channel: CallerChannel }>();
  /** Contacts an agent is in ACW for, by agent. */
  private readonly acw = new Map<string, LiveContact>();

  constructor(private readonly deps: ContactCenterDeps) {}

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
      phase: 'flow', offers: [], recordedParticipants: [],
    };
    this.contacts.set(contactId, { live, channel });
    this.deps.publish({ type: 'contact.started', contactId, from: call.from, to: call.to, at });
    this.perform(contactId, [], result.effects, result.state);
    return contactId;
  }

  dtmf(contactId: string, digit: string): void {
    const event: ContactEvent = { type: 'Dtmf', digit, at: this.deps.clock.now() };
    if (this.inQueueFlow(contactId)) this.queueFlowEvent(contactId, event);
    else this.flowEvent(contactId, event);
  }

  promptFinished(contactId: string, actionId?: string): void {
    const event: ContactEvent = { type: 'PromptPlayed', at: this.deps.clock.now(), ...(actionId !== undefined ? { actionId } : {}) };
    if (this.inQueueFlow(contactId)) this.queueFlowEvent(contactId, event);
    else this.flowEvent(contactId, event);
  }

  /** The caller hung up, at any point of the contact. */
  customerHangUp(contactId: string): void {
    const entry = this.contacts.get(contactId);
    if (!entry || entry.live.phase === 'ended') return;
    const { live } = entry;
    const at = this.deps.clock.now();
    this.stopQueueFlow(live);
    if (live.phase === 'queued' || live.phase === 'ringing') {
      this.route({ type: 'AbandonContact', contactId, at });
    } else if (live.phase === 'connected') {
      this.route({ type: 'EndContact', contactId, at });
    }
    if (live.flowState.status !== 'ended') {
      const r = step(this.deps.catalog, live.flowState, { type: 'CustomerDisconnected', at });
      this.perform(contactId, live.flowState.path, r.effects.filter((e) => e.type !== 'Disconnect'), r.state);
    }
    this.finish(live, 'CUSTOMER', at);
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

  private flowEvent(contactId: string, event: ContactEvent): void {
    const entry = this.contacts.get(contactId);
    if (!entry || entry.live.flowState.status === 'ended') return;
    const before = entry.live.flowState.path;
    const r = step(this.deps.catalog, entry.live.flowState, event);
    if (r.ignored) return;
    this.perform(contactId, before, r.effects, r.state);
  }

  /** Applies a new flow state and performs its effects. */
  private perform(contactId: string, before: readonly PathStep[], effects: ContactEffect[], state: ContactState): void {
    const entry = this.contacts.get(contactId);
    if (!entry) return;
    const { live, channel } = entry;
    live.flowState = state;
    for (const s of state.path.slice(Math.max(0, before.length - 1))) {
      if (s.branch !== 'pending') this.deps.publish({ type: 'contact.step', contactId, step: s });
    }
    const { scheduler, clock } = this.deps;
    for (const effect of effects) {
      switch (effect.type) {
        case 'PlayPrompt':
          channel.playPrompt(effect);
          break;
        case 'StopPrompt':
          channel.stopPrompt();
          break;
        case 'StartTimer':
          scheduler.set(`flow:${effect.timerId}`, effect.seconds * 1000, () =>
            this.flowEvent(contactId, { type: 'TimerExpired', timerId: effect.timerId, at: clock.now() }));
          break;
        case 'CancelTimer':
          scheduler.clear(`flow:${effect.timerId}`);
          break;
        case 'InvokeFunction':
          void this.invoke(contactId, effect);
          break;
        case 'UpdateRecording':
          live.recordedParticipants = effect.participants;
          channel.recordingChanged?.(effect.participants);
          break;
        case 'TransferToQueue':
        case 'TransferToAgent': {
          live.phase = 'queued';
          live.queueId = effect.queue.id;
          live.enqueuedAt ??= clock.now();
          channel.queued?.(effect.queue.id);
          const agentId = effect.type === 'TransferToAgent' ? effect.agentId : agentOfQueue(effect.queue.id);
          if (agentId !== undefined) {
            this.route({ type: 'OfferToAgent', contactId, agentId, at: clock.now() });
          } else {
            const routing = effect.type === 'TransferToQueue' ? effect.routing : {};
            this.route({
              type: 'EnqueueContact', contactId, queueId: effect.queue.id, at: clock.now(),
              ...(routing.priority !== undefined ? { priority: routing.priority } : {}),
              ...(routing.timeAdjustSeconds !== undefined ? { timeAdjustSeconds: routing.timeAdjustSeconds } : {}),
            });
          }
          if (live.phase === 'queued' && state.eventHooks['CustomerQueue']) this.startQueueFlow(live, state.eventHooks['CustomerQueue']);
          break;
        }
        case 'Disconnect':
          if (live.phase !== 'ended') {
            channel.hangUp(effect.reason);
            this.finish(live, 'FLOW', clock.now());
          }
          break;
      }
    }
  }

  private inQueueFlow(contactId: string): boolean {
    const live = this.contacts.get(contactId)?.live;
    return live !== undefined && live.queueFlowState !== undefined && live.queueFlowState.status !== 'ended';
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
    live.queueFlowState = r.state;
    this.performQueueFlow(live, r.effects);
  }

  private queueFlowEvent(contactId: string, event: ContactEvent): void {
    const live = this.contacts.get(contactId)?.live;
    if (!live?.queueFlowState || live.queueFlowState.status === 'ended') return;
    const r = step(this.deps.catalog, live.queueFlowState, event);
    if (r.ignored) return;
    live.queueFlowState = r.state;
    this.performQueueFlow(live, r.effects);
  }

  private performQueueFlow(live: LiveContact, effects: ContactEffect[]): void {
    const entry = this.contacts.get(live.contactId);
    if (!entry) return;
    const { scheduler, clock } = this.deps;
    for (const effect of effects) {
      switch (effect.type) {
        case 'PlayPrompt':
          entry.channel.playPrompt(effect);
          break;
        case 'StopPrompt':
          entry.channel.stopPrompt();
          break;
        case 'StartTimer':
          scheduler.set(`qflow:${effect.timerId}`, effect.seconds * 1000, () =>
            this.queueFlowEvent(live.contactId, { type: 'TimerExpired', timerId: effect.timerId, at: clock.now() }));
          break;
        case 'CancelTimer':
          scheduler.clear(`qflow:${effect.timerId}`);
          break;
        case 'InvokeFunction':
          void this.invokeFor(effect, (event) => this.queueFlowEvent(live.contactId, event));
          break;
        case 'Disconnect':
          // The queue flow hung up on the caller (e.g. "please call back later"): the contact leaves the queue.
          if (effect.reason === 'DISCONNECTED_BY_FLOW' && live.phase !== 'ended') {
            this.route({ type: 'AbandonContact', contactId: live.contactId, at: clock.now() });
            entry.channel.hangUp('queue flow disconnected');
            this.finish(live, 'FLOW', clock.now());
          }
          break;
        case 'UpdateRecording':
        case 'TransferToQueue':
        case 'TransferToAgent':
          break; // not available in customer queue flows (Connect's restriction)
      }
    }
  }

  /** Every timer a flow run may still have set (its ids are `<contactId>#<n>`, n up to timerSeq). */
  private clearTimers(kind: 'flow' | 'qflow', state: ContactState): void {
    for (let n = 1; n <= state.timerSeq; n++) this.deps.scheduler.clear(`${kind}:${state.contactId}#${n}`);
  }

  private stopQueueFlow(live: LiveContact): void {
    const q = live.queueFlowState;
    if (!q) return;
    this.clearTimers('qflow', q);
    if (q.status !== 'ended' && (q.waiting?.kind === 'prompt' || q.waiting?.kind === 'iterate')) this.contacts.get(live.contactId)?.channel.stopPrompt();
    live.queueFlowState = undefined;
  }

  private async invoke(contactId: string, effect: Extract<ContactEffect, { type: 'InvokeFunction' }>): Promise<void> {
    return this.invokeFor(effect, (event) => this.flowEvent(contactId, event));
  }

  private async invokeFor(effect: Extract<ContactEffect, { type: 'InvokeFunction' }>, deliver: (e: ContactEvent) => void): Promise<void> {
    const { outcome } = await performInvocation(this.deps.functions, effect);
    deliver({ ...outcome, at: this.deps.clock.now() });
  }

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
    const live = 'contactId' in out && out.contactId !== undefined ? this.contacts.get(out.contactId)?.live : undefined;
    switch (out.type) {
      case 'ContactQueued':
        this.deps.publish({ type: 'contact.queued', contactId: out.contactId, queueId: out.queueId, position: out.position, at });
        break;
      case 'ContactOffered': {
        if (live) {
          live.phase = 'ringing';
          live.offers.push({ agentId: out.agentId, at });
        }
        this.deps.publish({
          type: 'contact.offered', contactId: out.contactId, agentId: out.agentId, queueId: out.queueId, ringUntil: out.ringUntil, at,
          ...this.deps.summarizer.summarize(live?.flowState.attributes ?? {}),
        });
        break;
      }
      case 'OfferWithdrawn': {
        const offer = live?.offers.find((o) => o.agentId === out.agentId && o.outcome === undefined);
        if (offer) {
          offer.outcome = out.reason;
          offer.endedAt = at;
        }
        if (live && live.phase === 'ringing' && out.reason !== 'Abandoned') live.phase = 'queued';
        this.deps.publish({ type: 'contact.offerWithdrawn', contactId: out.contactId, agentId: out.agentId, reason: out.reason, at });
        break;
      }
      case 'ContactConnected': {
        if (!live) break;
        const offer = live.offers.find((o) => o.agentId === out.agentId && o.outcome === undefined);
        if (offer) {
          offer.outcome = 'Accepted';
          offer.endedAt = at;
        }
        this.stopQueueFlow(live);
        live.phase = 'connected';
        live.agentId = out.agentId;
        live.connectedAt = at;
        const r = step(this.deps.catalog, live.flowState, { type: 'AgentConnected', agentId: out.agentId, at });
        live.flowState = r.state;
        this.contacts.get(out.contactId)?.channel.connected?.(out.agentId);
        this.deps.publish({ type: 'contact.connected', contactId: out.contactId, agentId: out.agentId, at });
        break;
      }
      case 'ContactRejected':
      case 'ContactTimedOut': {
        if (!live) break;
        live.queueError = out.reason === 'MaxWaitExceeded' ? 'MaxWaitExceeded' : 'QueueAtCapacity';
        this.stopQueueFlow(live);
        live.phase = 'flow';
        // Connect's TransferContactToQueue has QueueAtCapacity and NoMatchingError; a contact nobody
        // could take within the queue's max wait takes the QueueAtCapacity branch too.
        this.flowEvent(out.contactId, {
          type: 'QueueTransferFailed', at,
          error: out.reason === 'NoSuchQueue' ? 'NoMatchingError' : 'QueueAtCapacity',
          message: out.reason,
        });
        break;
      }
      case 'ContactOverflowed':
      case 'ContactRemoved':
        break;
      case 'AgentStatusChanged':
        this.deps.publish({ type: 'agent.status', agentId: out.agentId, from: out.from, to: out.to, at: out.at, ...(out.customStatus !== undefined ? { customStatus: out.customStatus } : {}) });
        // ACW starts in finish(), once the contact is over; it ends here when the router says so.
        if (out.from === 'AfterContactWork' && out.to !== 'AfterContactWork') this.closeAcw(out.agentId, out.at);
        break;
      case 'Refused':
        if (throwOnRefusal) throw new ContactCenterError('Refused', out.message);
        break;
    }
  }

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
    const wasConnected = live.phase === 'connected';
    live.phase = 'ended';
    live.disconnectedAt = at;
    live.disconnectedBy = by;
    this.clearTimers('flow', live.flowState);
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
