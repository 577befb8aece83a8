// The router: which agent gets which contact. A deterministic state machine with no I/O and no
// clock of its own — every input carries `at`, and timers (ring, ACW, max wait, overflow) fire
// when an input's `at` passes them. Whatever the router decides comes back from `handle` as
// outputs; the adapter performs them (ring a phone, play hold audio, resume a flow).
//
// Routing follows Amazon Connect with ranked queue members standing in for proficiencies:
// a contact goes to the best-ranked Available member (ties: Available longest); an agent who
// becomes Available takes the waiting contact for which they hold the best rank (ties: priority,
// then longest waiting). Decisions are O(log n) through per-queue ordered sets.

import { DeadlineHeap } from './deadlines.ts';
import { OrderedSet } from './ordered-set.ts';

export type AgentStatus = 'Offline' | 'Available' | 'Ringing' | 'OnContact' | 'AfterContactWork' | 'Missed' | 'Custom';

export interface AgentView {
  agentId: string;
  status: AgentStatus;
  customStatus?: string;
  since: number;
  contactId?: string;
  queues: string[];
}

export interface QueueConfig {
  id: string;
  name: string;
  members: { agentId: string; rank: number }[];
  ringTimeoutSeconds?: number; // default 20
  maxContacts?: number;
  maxWaitSeconds?: number;
  overflow?: { queueId: string; afterSeconds: number };
}

export interface AgentConfig {
  id: string;
  /** Predefined-attribute proficiencies (name:value at level 1–5), for routing criteria steps. */
  proficiencies?: { name: string; value: string; level: number }[];
  /** 0 or absent: after-contact work lasts until the agent finishes it. */
  afterContactWorkSeconds?: number;
  customStatuses?: string[]; // default ['Break', 'Lunch']
}

/**
 * A routing criteria step (Connect's UpdateRoutingCriteria): the contact is offered only to agents
 * who match it (preferred agents by id, or every proficiency at least at its level) until it expires;
 * after the last step has expired, to any agent of the queue.
 */
export interface RoutingStepInput {
  agentIds?: string[];
  proficiencies?: { name: string; value: string; level: number }[];
  /** Undefined: the step does not expire. */
  expirySeconds?: number;
}

export interface RouterConfig {
  queues: QueueConfig[];
  agents: AgentConfig[];
}

export type RouterInput =
  | { type: 'SetAgentStatus'; agentId: string; status: 'Available' | 'Offline' | string; at: number }
  | { type: 'EnqueueContact'; contactId: string; queueId: string; at: number; priority?: number; timeAdjustSeconds?: number; steps?: RoutingStepInput[] }
  | { type: 'OfferToAgent'; contactId: string; agentId: string; at: number }
  | { type: 'AcceptOffer'; contactId: string; agentId: string; at: number }
  | { type: 'DeclineOffer'; contactId: string; agentId: string; at: number }
  /** The line could not connect the ringing offer to the agent (its phone's media failed): not the agent's doing. */
  | { type: 'FailOffer'; contactId: string; agentId: string; at: number }
  | { type: 'AbandonContact'; contactId: string; at: number }
  | { type: 'EndContact'; contactId: string; at: number }
  | { type: 'FinishAfterContactWork'; agentId: string; at: number }
  | { type: 'Tick'; at: number };

/**
 * ContactOffered.queueId is the queue whose ranking chose the agent (the fallback queue after an
 * overflow, `agent:<id>` for a direct offer, rank 0); every other output names the contact's own
 * queue. OfferWithdrawn 'Withdrawn' covers the router taking an offer back: max wait reached,
 * agent went Offline while ringing, queue or agent removed by reconfigure. 'FailedConnectAgent'
 * (Connect's name for the agent state after a contact could not be connected to them) answers
 * FailOffer: the agent is Available again, not Missed, and the contact goes back to its place.
 */
export type RouterOutput =
  | { type: 'ContactOffered'; contactId: string; agentId: string; queueId: string; rank: number; ringUntil: number }
  | { type: 'OfferWithdrawn'; contactId: string; agentId: string; reason: 'RingTimeout' | 'Declined' | 'Abandoned' | 'Withdrawn' | 'FailedConnectAgent' }
  | { type: 'ContactConnected'; contactId: string; agentId: string; queueId: string }
  | { type: 'ContactQueued'; contactId: string; queueId: string; position: number }
  | { type: 'ContactRejected'; contactId: string; queueId: string; reason: 'QueueAtCapacity' | 'NoSuchQueue' }
  | { type: 'ContactTimedOut'; contactId: string; queueId: string; reason: 'MaxWaitExceeded' }
  | { type: 'ContactRemoved'; contactId: string; queueId: string; reason: 'Abandoned' }
  | { type: 'ContactOverflowed'; contactId: string; fromQueueId: string; toQueueId: string }
  | { type: 'AgentStatusChanged'; agentId: string; from: AgentStatus; to: AgentStatus; customStatus?: string; at: number }
  | { type: 'Refused'; input: RouterInput['type']; message: string; agentId?: string; contactId?: string };

export interface QueueSnapshot {
  waiting: number;
  oldestEnqueuedAt?: number;
  agentsAvailable: number;
  agentsOnline: number; // not Offline
  agentsStaffed: number; // Available, Ringing, OnContact, AfterContactWork, Missed
}

export interface ContactView {
  contactId: string;
  queueId: string;
  enqueuedAt: number;
  state: 'Waiting' | 'Ringing' | 'Connected';
  agentId?: string;
}

/** A configuration the router cannot run with (a bug upstream: the instance loader validates). */
export class RouterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterConfigError';
  }
}

export const DEFAULT_RING_TIMEOUT_SECONDS = 20;
export const DEFAULT_PRIORITY = 5;
const DEFAULT_CUSTOM_STATUSES = ['Break', 'Lunch'];
const BUILT_IN_STATUSES: readonly string[] = ['Offline', 'Available', 'Ringing', 'OnContact', 'AfterContactWork', 'Missed', 'Custom'];
const DIRECT_PREFIX = 'agent:';

export const agentQueueId = (agentId: string): string => `${DIRECT_PREFIX}${agentId}`;

interface AgentState {
  id: string;
  config: AgentConfig;
  customStatuses: Set<string>;
  status: AgentStatus;
  customStatus: string | undefined;
  since: number; // also "Available since" while Available: keys the available sets
  contact: ContactState | undefined;
  memberships: Membership[]; // ranked queues
  direct: Membership; // the agent's own queue, offered before ranked ones
  acwGen: number;
  retired: boolean; // removed by reconfigure while busy: leaves once the contact's work is done
}

interface Membership {
  agent: AgentState;
  queue: QueueState;
  rank: number;
}

interface QueueState {
  id: string;
  config: QueueConfig;
  direct: boolean;
  members: Map<string, Membership>;
  available: OrderedSet<Membership>; // (rank, Available since, agentId)
  waiting: OrderedSet<ContactState>; // own and overflowed-in: (priority, effective enqueue time, seq)
  arrivals: OrderedSet<ContactState>; // own only: (enqueuedAt, seq), for capacity and oldest wait
}

interface ContactState {
  id: string;
  queue: QueueState;
  enqueuedAt: number;
  priority: number;
  effectiveAt: number; // enqueuedAt minus timeAdjustSeconds
  seq: number;
  state: 'Waiting' | 'Ringing' | 'Connected';
  agent: AgentState | undefined;
  ringGen: number;
  declinedBy: Set<string> | undefined;
  overflowTo: QueueState | undefined;
  /** Routing criteria: the steps and the one in force (steps.length once all have expired). */
  steps: RoutingStepInput[] | undefined;
  step: number;
}

type Timer =
  | { kind: 'ring'; contact: ContactState; gen: number }
  | { kind: 'acw'; agent: AgentState; gen: number }
  | { kind: 'maxWait'; contact: ContactState }
  | { kind: 'overflow'; contact: ContactState }
  | { kind: 'step'; contact: ContactState; step: number };

const byRankThenAvailableLongest = (a: Membership, b: Membership): number =>
  a.rank - b.rank || a.agent.since - b.agent.since || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0);

const byPriorityThenLongestWaiting = (a: ContactState, b: ContactState): number =>
  a.priority - b.priority || a.effectiveAt - b.effectiveAt || a.seq - b.seq;

const byArrival = (a: ContactState, b: ContactState): number => a.enqueuedAt - b.enqueuedAt || a.seq - b.seq;

const STAFFED: ReadonlySet<AgentStatus> = new Set(['Available', 'Ringing', 'OnContact', 'AfterContactWork', 'Missed']);

export class Router {
  readonly #agents = new Map<string, AgentState>();
  readonly #queues = new Map<string, QueueState>();
  readonly #contacts = new Map<string, ContactState>();
  readonly #timers = new DeadlineHeap<Timer>();
  #now: number;
  #seq = 0;

  /** All agents start Offline. Throws RouterConfigError on an inconsistent configuration. */
  constructor(config: RouterConfig, at: number) {
    this.#now = at;
    validate(config);
    for (const a of config.agents) this.#addAgent(a, at);
    for (const q of config.queues) this.#queues.set(q.id, this.#newQueue(q, false));
    this.#buildMemberships();
  }

  /**
   * Applies one input and returns what the router decided, in order. Timers due by `input.at`
   * fire first; an `at` earlier than the last one seen is taken as the last one (time never
   * runs backwards inside the router).
   */
  handle(input: RouterInput): RouterOutput[] {
    const out: RouterOutput[] = [];
    // A late Tick must not let an expired offer be accepted: timers due by `at` fire first.
    const at = Math.max(input.at, this.#now);
    this.#advance(at, out);
    switch (input.type) {
      case 'Tick':
        break;
      case 'SetAgentStatus':
        this.#setAgentStatus(input.agentId, input.status, at, out);
        break;
      case 'EnqueueContact':
        this.#enqueue(input, at, out);
        break;
      case 'OfferToAgent':
        this.#offerToAgent(input.contactId, input.agentId, at, out);
        break;
      case 'AcceptOffer':
        this.#accept(input.contactId, input.agentId, at, out);
        break;
      case 'DeclineOffer':
        this.#decline(input.contactId, input.agentId, at, out);
        break;
      case 'FailOffer':
        this.#failOffer(input.contactId, input.agentId, at, out);
        break;
      case 'AbandonContact':
        this.#abandon(input.contactId, at, out);
        break;
      case 'EndContact':
        this.#endContact(input.contactId, at, out);
        break;
      case 'FinishAfterContactWork':
        this.#finishAcw(input.agentId, at, out);
        break;
      default: {
        const never: never = input;
        throw new Error(`unhandled router input ${JSON.stringify(never)}`);
      }
    }
    return out;
  }

  /** When the adapter should send the next Tick. */
  nextDeadline(): number | undefined {
    for (let top = this.#timers.peek(); top !== undefined; top = this.#timers.peek()) {
      if (this.#timerLive(top.item)) return top.at;
      this.#timers.pop();
    }
    return undefined;
  }

  agent(id: string): AgentView | undefined {
    const a = this.#agents.get(id);
    return a === undefined ? undefined : viewOf(a);
  }

  agents(): AgentView[] {
    return [...this.#agents.values()].map(viewOf);
  }

  /** The statuses an agent may set (SetAgentStatus): Available, Offline and their custom ones; undefined for no such agent. */
  settableStatuses(id: string): string[] | undefined {
    const a = this.#agents.get(id);
    return a === undefined ? undefined : ['Available', 'Offline', ...a.customStatuses];
  }

  queueSnapshot(queueId: string): QueueSnapshot | undefined {
    const q = this.#queues.get(queueId);
    if (q === undefined) return undefined;
    let online = 0;
    let staffed = 0;
    for (const m of q.members.values()) {
      if (m.agent.status !== 'Offline') online++;
      if (STAFFED.has(m.agent.status)) staffed++;
    }
    const oldest = q.arrivals.first();
    return {
      waiting: q.arrivals.size,
      ...(oldest !== undefined ? { oldestEnqueuedAt: oldest.enqueuedAt } : {}),
      agentsAvailable: q.available.size,
      agentsOnline: online,
      agentsStaffed: staffed,
    };
  }

  contact(id: string): ContactView | undefined {
    const c = this.#contacts.get(id);
    if (c === undefined) return undefined;
    return {
      contactId: c.id,
      queueId: c.queue.id,
      enqueuedAt: c.enqueuedAt,
      state: c.state,
      ...(c.agent !== undefined ? { agentId: c.agent.id } : {}),
    };
  }

  /**
   * An admin edited queues, ranks or agents. Agent states and waiting contacts are kept. Contacts
   * of a removed queue (or a removed agent's own queue) that are not yet connected are rejected
   * with NoSuchQueue so their flows take the error branch; a removed agent leaves at once unless
   * on a contact, then once its after-contact work is done. Throws RouterConfigError, changing
   * nothing, on an inconsistent configuration.
   */
  reconfigure(config: RouterConfig, at: number): RouterOutput[] {
    validate(config);
    const out: RouterOutput[] = [];
    at = Math.max(at, this.#now);
    this.#advance(at, out);

    const agentConfigs = new Map(config.agents.map((a) => [a.id, a]));
    const queueConfigs = new Map(config.queues.map((q) => [q.id, q]));

    // Queues: drop removed ones (and their not-yet-connected contacts), update or add the rest.
    for (const q of [...this.#queues.values()]) {
      const gone = q.direct ? !agentConfigs.has(q.id.slice(DIRECT_PREFIX.length)) : !queueConfigs.has(q.id);
      if (gone) this.#dropQueue(q, at, out);
    }
    const retimed = new Set<QueueState>();
    for (const qc of config.queues) {
      const q = this.#queues.get(qc.id);
      if (q === undefined) {
        this.#queues.set(qc.id, this.#newQueue(qc, false));
        continue;
      }
      const { maxWaitSeconds, overflow } = q.config;
      if (maxWaitSeconds !== qc.maxWaitSeconds || overflow?.queueId !== qc.overflow?.queueId || overflow?.afterSeconds !== qc.overflow?.afterSeconds) {
        retimed.add(q);
      }
      q.config = qc;
    }
    for (const c of this.#contacts.values()) {
      if (c.state === 'Connected') continue;
      // An overflow target that changed or disappeared no longer lends its agents.
      const target = c.overflowTo;
      if (target !== undefined && (c.queue.config.overflow?.queueId !== target.id || this.#queues.get(target.id) !== target)) {
        target.waiting.delete(c);
        c.overflowTo = undefined;
      }
      // Max wait and overflow may now be due earlier; the timer handlers re-check the config.
      if (retimed.has(c.queue)) this.#scheduleQueueTimers(c);
    }

    // Agents: remove, update, add; then rebuild every membership with the new ranks.
    for (const agent of [...this.#agents.values()]) {
      const ac = agentConfigs.get(agent.id);
      if (ac === undefined) this.#removeAgent(agent, at, out);
      else {
        agent.config = ac;
        agent.customStatuses = new Set(ac.customStatuses ?? DEFAULT_CUSTOM_STATUSES);
        if (agent.retired) {
          agent.retired = false;
          this.#queues.set(agent.direct.queue.id, agent.direct.queue);
        }
      }
    }
    for (const ac of config.agents) if (!this.#agents.has(ac.id)) this.#addAgent(ac, at);
    const available = [...this.#agents.values()].filter((a) => a.status === 'Available');
    for (const agent of available) this.#leaveAvailableSets(agent);
    this.#buildMemberships();
    for (const agent of available) this.#enterAvailableSets(agent);

    // New ranks may match waiting contacts with Available agents.
    for (const agent of this.#agents.values()) if (agent.status === 'Available') this.#findWorkFor(agent, at, out);
    return out;
  }

  // ---- inputs ----

  #setAgentStatus(agentId: string, requested: string, at: number, out: RouterOutput[]): void {
    const refuse = (message: string): void => {
      out.push({ type: 'Refused', input: 'SetAgentStatus', message, agentId });
    };
    const agent = this.#agents.get(agentId);
    if (agent === undefined) return refuse(`no agent with id ${JSON.stringify(agentId)}`);
    const custom = requested !== 'Available' && requested !== 'Offline';
    if (custom && !agent.customStatuses.has(requested)) {
      return refuse(
        `agent ${agentId} has no status ${JSON.stringify(requested)}; known: Available, Offline, ${[...agent.customStatuses].join(', ')}`,
      );
    }
    switch (agent.status) {
      case 'OnContact':
      case 'AfterContactWork':
        return refuse(`agent ${agentId} is ${agent.status} on contact ${agent.contact?.id ?? '?'}; the status can change once the contact's work is finished`);
      case 'Ringing':
        if (requested !== 'Offline') {
          return refuse(`agent ${agentId} is Ringing for contact ${agent.contact?.id ?? '?'}; accept or decline it first (going Offline is allowed)`);
        }
        this.#withdrawOffer(agent, 'Withdrawn', 'Offline', at, out);
        return;
      default:
        break;
    }
    const to: AgentStatus = custom ? 'Custom' : (requested as 'Available' | 'Offline');
    if (agent.status === to && (!custom || agent.customStatus === requested)) return;
    this.#setStatus(agent, to, at, out, custom ? requested : undefined);
    if (to === 'Available') this.#findWorkFor(agent, at, out);
  }

  #enqueue(input: Extract<RouterInput, { type: 'EnqueueContact' }>, at: number, out: RouterOutput[]): void {
    const { contactId, queueId } = input;
    if (this.#contacts.has(contactId)) {
      out.push({ type: 'Refused', input: 'EnqueueContact', message: `contact ${contactId} is already ${this.#describe(contactId)}`, contactId });
      return;
    }
    const q = this.#queues.get(queueId);
    if (q === undefined) {
      out.push({ type: 'ContactRejected', contactId, queueId, reason: 'NoSuchQueue' });
      return;
    }
    const max = q.config.maxContacts;
    if (max !== undefined && q.arrivals.size >= max) {
      out.push({ type: 'ContactRejected', contactId, queueId, reason: 'QueueAtCapacity' });
      return;
    }
    const steps = input.steps !== undefined && input.steps.length > 0 ? input.steps : undefined;
    this.#admit(contactId, q, at, input.priority ?? DEFAULT_PRIORITY, at - (input.timeAdjustSeconds ?? 0) * 1000, out, steps);
  }

  #offerToAgent(contactId: string, agentId: string, at: number, out: RouterOutput[]): void {
    const agent = this.#agents.get(agentId);
    if (agent === undefined || agent.retired) {
      out.push({ type: 'Refused', input: 'OfferToAgent', message: `no agent with id ${JSON.stringify(agentId)}`, agentId, contactId });
      return;
    }
    if (this.#contacts.has(contactId)) {
      out.push({ type: 'Refused', input: 'OfferToAgent', message: `contact ${contactId} is already ${this.#describe(contactId)}`, agentId, contactId });
      return;
    }
    this.#admit(contactId, agent.direct.queue, at, DEFAULT_PRIORITY, at, out);
  }

  #admit(id: string, queue: QueueState, at: number, priority: number, effectiveAt: number, out: RouterOutput[], steps?: RoutingStepInput[]): void {
    const c: ContactState = {
      id, queue, enqueuedAt: at, priority, effectiveAt, seq: this.#seq++,
      state: 'Waiting', agent: undefined, ringGen: 0, declinedBy: undefined, overflowTo: undefined, steps, step: 0,
    };
    this.#contacts.set(id, c);
    this.#enterWaiting(c);
    this.#scheduleQueueTimers(c);
    this.#scheduleStep(c, at);
    this.#routeContact(c, at, out);
    if (c.state === 'Waiting') out.push({ type: 'ContactQueued', contactId: id, queueId: queue.id, position: queue.waiting.countBefore(c) + 1 });
  }

  #accept(contactId: string, agentId: string, at: number, out: RouterOutput[]): void {
    const c = this.#ringingFor('AcceptOffer', contactId, agentId, out);
    if (c === undefined || c.agent === undefined) return;
    const agent = c.agent;
    c.state = 'Connected';
    c.ringGen++;
    out.push({ type: 'ContactConnected', contactId, agentId, queueId: c.queue.id });
    this.#setStatus(agent, 'OnContact', at, out);
  }

  #decline(contactId: string, agentId: string, at: number, out: RouterOutput[]): void {
    const c = this.#ringingFor('DeclineOffer', contactId, agentId, out);
    if (c === undefined || c.agent === undefined) return;
    (c.declinedBy ??= new Set()).add(agentId);
    this.#withdrawOffer(c.agent, 'Declined', 'Available', at, out);
  }

  /**
   * The offer could not be connected (the agent's phone lost its media): the contact goes back to
   * its place in the queue, offered first to another Available agent, since this one's phone just
   * failed; with none, this agent is offered it again once Available. Nothing counts against them.
   */
  #failOffer(contactId: string, agentId: string, at: number, out: RouterOutput[]): void {
    const c = this.#ringingFor('FailOffer', contactId, agentId, out);
    if (c === undefined || c.agent === undefined) return;
    this.#withdrawOffer(c.agent, 'FailedConnectAgent', 'Available', at, out, true);
  }

  #abandon(contactId: string, at: number, out: RouterOutput[]): void {
    const c = this.#contacts.get(contactId);
    if (c === undefined) {
      out.push({ type: 'Refused', input: 'AbandonContact', message: `no waiting or ringing contact ${contactId}`, contactId });
      return;
    }
    if (c.state === 'Connected') {
      out.push({ type: 'Refused', input: 'AbandonContact', message: `contact ${contactId} is connected to ${c.agent?.id ?? '?'}; end it with EndContact`, contactId });
      return;
    }
    const agent = c.agent;
    if (agent !== undefined) {
      out.push({ type: 'OfferWithdrawn', contactId, agentId: agent.id, reason: 'Abandoned' });
      this.#release(c);
      this.#setStatus(agent, 'Available', at, out);
    }
    this.#forget(c);
    out.push({ type: 'ContactRemoved', contactId, queueId: c.queue.id, reason: 'Abandoned' });
    if (agent !== undefined) this.#findWorkFor(agent, at, out);
  }

  #endContact(contactId: string, at: number, out: RouterOutput[]): void {
    const c = this.#contacts.get(contactId);
    if (c === undefined || c.state !== 'Connected' || c.agent === undefined) {
      const message = c === undefined ? `no contact ${contactId}` : `contact ${contactId} is ${c.state}, not connected; a caller who hangs up before that is AbandonContact`;
      out.push({ type: 'Refused', input: 'EndContact', message, contactId });
      return;
    }
    const agent = c.agent;
    this.#contacts.delete(contactId);
    agent.contact = undefined;
    this.#setStatus(agent, 'AfterContactWork', at, out);
    const seconds = agent.config.afterContactWorkSeconds ?? 0;
    if (seconds > 0) this.#timers.push(at + seconds * 1000, { kind: 'acw', agent, gen: agent.acwGen });
  }

  #finishAcw(agentId: string, at: number, out: RouterOutput[]): void {
    const agent = this.#agents.get(agentId);
    if (agent === undefined || agent.status !== 'AfterContactWork') {
      const message = agent === undefined ? `no agent with id ${JSON.stringify(agentId)}` : `agent ${agentId} is ${agent.status}, not in after-contact work`;
      out.push({ type: 'Refused', input: 'FinishAfterContactWork', message, agentId });
      return;
    }
    this.#afterAcw(agent, at, out);
  }

  // ---- timers ----

  #advance(to: number, out: RouterOutput[]): void {
    for (let top = this.#timers.peek(); top !== undefined && top.at <= to; top = this.#timers.peek()) {
      this.#timers.pop();
      // State changes caused by a timer happen at its own time, however late the Tick.
      this.#now = Math.max(this.#now, top.at);
      this.#fire(top.item, this.#now, out);
    }
    this.#now = to;
  }

  #timerLive(t: Timer): boolean {
    switch (t.kind) {
      case 'ring':
        return t.contact.state === 'Ringing' && t.contact.ringGen === t.gen && this.#contacts.get(t.contact.id) === t.contact;
      case 'acw':
        return t.agent.status === 'AfterContactWork' && t.agent.acwGen === t.gen && this.#agents.get(t.agent.id) === t.agent;
      case 'maxWait':
        return this.#pending(t.contact) && t.contact.queue.config.maxWaitSeconds !== undefined;
      case 'overflow':
        return this.#pending(t.contact) && t.contact.overflowTo === undefined && t.contact.queue.config.overflow !== undefined;
      case 'step':
        return this.#pending(t.contact) && t.contact.step === t.step;
    }
  }

  #fire(t: Timer, at: number, out: RouterOutput[]): void {
    if (!this.#timerLive(t)) return;
    switch (t.kind) {
      case 'ring':
        // Connect puts an agent who lets a contact ring out into Missed until they act.
        if (t.contact.agent !== undefined) this.#withdrawOffer(t.contact.agent, 'RingTimeout', 'Missed', at, out);
        return;
      case 'acw':
        this.#afterAcw(t.agent, at, out);
        return;
      case 'step': {
        // The step expired: the next one (or, after the last, any agent of the queue) is in force.
        const c = t.contact;
        c.step++;
        this.#scheduleStep(c, at);
        if (c.state === 'Waiting') this.#routeContact(c, at, out);
        return;
      }
      case 'maxWait': {
        const c = t.contact;
        const due = c.enqueuedAt + (c.queue.config.maxWaitSeconds ?? 0) * 1000;
        if (due > at) return this.#timers.push(due, t);
        const agent = c.agent;
        if (agent !== undefined) {
          out.push({ type: 'OfferWithdrawn', contactId: c.id, agentId: agent.id, reason: 'Withdrawn' });
          this.#release(c);
          this.#setStatus(agent, 'Available', at, out);
        }
        this.#forget(c);
        out.push({ type: 'ContactTimedOut', contactId: c.id, queueId: c.queue.id, reason: 'MaxWaitExceeded' });
        if (agent !== undefined) this.#findWorkFor(agent, at, out);
        return;
      }
      case 'overflow': {
        const c = t.contact;
        const overflow = c.queue.config.overflow;
        if (overflow === undefined) return;
        const due = c.enqueuedAt + overflow.afterSeconds * 1000;
        if (due > at) return this.#timers.push(due, t);
        const target = this.#queues.get(overflow.queueId);
        if (target === undefined || target === c.queue) return;
        c.overflowTo = target;
        out.push({ type: 'ContactOverflowed', contactId: c.id, fromQueueId: c.queue.id, toQueueId: target.id });
        if (c.state === 'Waiting') {
          target.waiting.add(c);
          this.#routeContact(c, at, out);
        }
        return;
      }
    }
  }

  #scheduleQueueTimers(c: ContactState): void {
    const { maxWaitSeconds, overflow } = c.queue.config;
    if (maxWaitSeconds !== undefined) this.#timers.push(c.enqueuedAt + maxWaitSeconds * 1000, { kind: 'maxWait', contact: c });
    if (overflow !== undefined && c.overflowTo === undefined) {
      this.#timers.push(c.enqueuedAt + overflow.afterSeconds * 1000, { kind: 'overflow', contact: c });
    }
  }

  #scheduleStep(c: ContactState, at: number): void {
    const expiry = c.steps?.[c.step]?.expirySeconds;
    if (expiry !== undefined) this.#timers.push(at + expiry * 1000, { kind: 'step', contact: c, step: c.step });
  }

  // ---- matching ----

  /** Whether the contact's routing step in force lets `agent` take it (no criteria: any agent). */
  #inStep(c: ContactState, agent: AgentState): boolean {
    const step = c.steps?.[c.step];
    if (step === undefined) return true;
    if (step.agentIds !== undefined && !step.agentIds.includes(agent.id)) return false;
    const held = agent.config.proficiencies ?? [];
    return (step.proficiencies ?? []).every((p) => held.some((h) => h.name === p.name && h.value === p.value && h.level >= p.level));
  }

  /** Offers a waiting contact to the best Available agent of its queue, then of its overflow queue. */
  #routeContact(c: ContactState, at: number, out: RouterOutput[]): void {
    const eligible = (m: Membership): boolean => (c.declinedBy === undefined || !c.declinedBy.has(m.agent.id)) && this.#inStep(c, m.agent);
    const m = c.queue.available.find(eligible) ?? c.overflowTo?.available.find(eligible);
    if (m !== undefined) this.#ring(c, m, at, out);
  }

  /** Gives an agent who just became Available the contact they are best ranked for, if any waits. */
  #findWorkFor(agent: AgentState, at: number, out: RouterOutput[]): void {
    if (agent.status !== 'Available') return;
    const eligible = (c: ContactState): boolean => (c.declinedBy === undefined || !c.declinedBy.has(agent.id)) && this.#inStep(c, agent);
    const direct = agent.direct.queue.waiting.find(eligible);
    if (direct !== undefined) return this.#ring(direct, agent.direct, at, out);
    let best: { m: Membership; c: ContactState } | undefined;
    for (const m of agent.memberships) {
      const c = m.queue.waiting.find(eligible);
      if (c === undefined) continue;
      if (best === undefined || m.rank < best.m.rank || (m.rank === best.m.rank && byPriorityThenLongestWaiting(c, best.c) < 0)) {
        best = { m, c };
      }
    }
    if (best !== undefined) this.#ring(best.c, best.m, at, out);
  }

  #ring(c: ContactState, m: Membership, at: number, out: RouterOutput[]): void {
    const ringUntil = at + (m.queue.config.ringTimeoutSeconds ?? DEFAULT_RING_TIMEOUT_SECONDS) * 1000;
    this.#leaveWaiting(c);
    c.state = 'Ringing';
    c.agent = m.agent;
    c.ringGen++;
    m.agent.contact = c;
    out.push({ type: 'ContactOffered', contactId: c.id, agentId: m.agent.id, queueId: m.queue.id, rank: m.rank, ringUntil });
    this.#setStatus(m.agent, 'Ringing', at, out);
    this.#timers.push(ringUntil, { kind: 'ring', contact: c, gen: c.ringGen });
  }

  /**
   * Takes back the offer ringing at `agent`; the contact goes to the next agent or waits.
   * `contactFirst`: the contact is routed before the agent takes `agentTo`, so an agent going
   * Available again is offered it only if no other agent is Available (FailOffer).
   */
  #withdrawOffer(
    agent: AgentState,
    reason: 'RingTimeout' | 'Declined' | 'Withdrawn' | 'FailedConnectAgent',
    agentTo: 'Available' | 'Missed' | 'Offline',
    at: number,
    out: RouterOutput[],
    contactFirst = false,
  ): void {
    const c = agent.contact;
    if (c === undefined) return;
    out.push({ type: 'OfferWithdrawn', contactId: c.id, agentId: agent.id, reason });
    this.#release(c);
    if (!contactFirst) this.#setStatus(agent, agentTo, at, out);
    this.#enterWaiting(c);
    this.#routeContact(c, at, out);
    if (contactFirst) this.#setStatus(agent, agentTo, at, out);
    this.#findWorkFor(agent, at, out);
  }

  /** Unlinks a ringing contact from its agent and makes it Waiting (not yet in any set). */
  #release(c: ContactState): void {
    if (c.agent !== undefined) c.agent.contact = undefined;
    c.agent = undefined;
    c.state = 'Waiting';
    c.ringGen++;
  }

  #afterAcw(agent: AgentState, at: number, out: RouterOutput[]): void {
    agent.acwGen++;
    if (agent.retired) {
      this.#setStatus(agent, 'Offline', at, out);
      this.#agents.delete(agent.id);
      return;
    }
    this.#setStatus(agent, 'Available', at, out);
    this.#findWorkFor(agent, at, out);
  }

  // ---- state bookkeeping ----

  #setStatus(agent: AgentState, to: AgentStatus, at: number, out: RouterOutput[], customStatus?: string): void {
    const from = agent.status;
    if (from === 'Available') this.#leaveAvailableSets(agent);
    agent.status = to;
    agent.customStatus = customStatus;
    agent.since = at;
    if (to === 'Available') this.#enterAvailableSets(agent);
    out.push({ type: 'AgentStatusChanged', agentId: agent.id, from, to, ...(customStatus !== undefined ? { customStatus } : {}), at });
  }

  #enterAvailableSets(agent: AgentState): void {
    agent.direct.queue.available.add(agent.direct);
    for (const m of agent.memberships) m.queue.available.add(m);
  }

  #leaveAvailableSets(agent: AgentState): void {
    agent.direct.queue.available.delete(agent.direct);
    for (const m of agent.memberships) m.queue.available.delete(m);
  }

  #enterWaiting(c: ContactState): void {
    c.queue.waiting.add(c);
    c.queue.arrivals.add(c);
    c.overflowTo?.waiting.add(c);
  }

  #leaveWaiting(c: ContactState): void {
    c.queue.waiting.delete(c);
    c.queue.arrivals.delete(c);
    c.overflowTo?.waiting.delete(c);
  }

  /** Removes a contact that is Waiting (released if it was ringing) from everywhere. */
  #forget(c: ContactState): void {
    this.#leaveWaiting(c);
    this.#contacts.delete(c.id);
  }

  /** A contact that may still be routed: known, same object, not connected. */
  #pending(c: ContactState): boolean {
    return c.state !== 'Connected' && this.#contacts.get(c.id) === c;
  }

  #ringingFor(input: 'AcceptOffer' | 'DeclineOffer' | 'FailOffer', contactId: string, agentId: string, out: RouterOutput[]): ContactState | undefined {
    const c = this.#contacts.get(contactId);
    if (c !== undefined && c.state === 'Ringing' && c.agent?.id === agentId) return c;
    out.push({ type: 'Refused', input, message: `contact ${contactId} is not ringing at agent ${agentId}; it is ${this.#describe(contactId)}`, agentId, contactId });
    return undefined;
  }

  #describe(contactId: string): string {
    const c = this.#contacts.get(contactId);
    if (c === undefined) return 'unknown';
    const where = c.agent !== undefined ? ` with agent ${c.agent.id}` : '';
    return `${c.state} in queue ${c.queue.id}${where}`;
  }

  #addAgent(config: AgentConfig, at: number): void {
    const queue = this.#newQueue({ id: agentQueueId(config.id), name: config.id, members: [] }, true);
    // The agent and its own-queue membership point at each other; the getter closes the loop.
    const direct: Membership = { get agent() { return agent; }, queue, rank: 0 };
    const agent: AgentState = {
      id: config.id, config, customStatuses: new Set(config.customStatuses ?? DEFAULT_CUSTOM_STATUSES),
      status: 'Offline', customStatus: undefined, since: at, contact: undefined, memberships: [],
      direct, acwGen: 0, retired: false,
    };
    queue.members.set(agent.id, direct);
    this.#queues.set(queue.id, queue);
    this.#agents.set(agent.id, agent);
  }

  #newQueue(config: QueueConfig, direct: boolean): QueueState {
    return {
      id: config.id, config, direct, members: new Map(),
      available: new OrderedSet(byRankThenAvailableLongest),
      waiting: new OrderedSet(byPriorityThenLongestWaiting),
      arrivals: new OrderedSet(byArrival),
    };
  }

  /** Ranked memberships from the queue configs; agents must be out of the available sets. */
  #buildMemberships(): void {
    for (const agent of this.#agents.values()) agent.memberships = [];
    for (const q of this.#queues.values()) {
      if (q.direct) continue;
      q.members.clear();
      for (const { agentId, rank } of q.config.members) {
        const agent = this.#agents.get(agentId);
        if (agent === undefined || agent.retired) continue;
        const m: Membership = { agent, queue: q, rank };
        q.members.set(agentId, m);
        agent.memberships.push(m);
      }
    }
  }

  #removeAgent(agent: AgentState, at: number, out: RouterOutput[]): void {
    if (agent.status === 'Ringing') this.#withdrawOffer(agent, 'Withdrawn', 'Offline', at, out);
    if (agent.status === 'OnContact' || agent.status === 'AfterContactWork') {
      agent.retired = true;
      return;
    }
    if (agent.status !== 'Offline') this.#setStatus(agent, 'Offline', at, out);
    this.#agents.delete(agent.id);
  }

  #dropQueue(q: QueueState, at: number, out: RouterOutput[]): void {
    this.#queues.delete(q.id);
    const reject = (c: ContactState): void => {
      this.#forget(c);
      out.push({ type: 'ContactRejected', contactId: c.id, queueId: q.id, reason: 'NoSuchQueue' });
    };
    for (const c of [...this.#contacts.values()]) {
      if (c.queue !== q || c.state !== 'Ringing' || c.agent === undefined) continue;
      const agent = c.agent;
      out.push({ type: 'OfferWithdrawn', contactId: c.id, agentId: agent.id, reason: 'Withdrawn' });
      this.#release(c);
      this.#setStatus(agent, 'Available', at, out);
      reject(c);
    }
    for (const c of [...q.arrivals]) reject(c);
  }
}

function viewOf(a: AgentState): AgentView {
  return {
    agentId: a.id,
    status: a.status,
    ...(a.customStatus !== undefined ? { customStatus: a.customStatus } : {}),
    since: a.since,
    ...(a.contact !== undefined ? { contactId: a.contact.id } : {}),
    queues: a.memberships.map((m) => m.queue.id),
  };
}

function validate(config: RouterConfig): void {
  const agentIds = new Set<string>();
  for (const a of config.agents) {
    if (agentIds.has(a.id)) throw new RouterConfigError(`agent ${a.id} is defined twice`);
    agentIds.add(a.id);
    for (const s of a.customStatuses ?? []) {
      if (BUILT_IN_STATUSES.includes(s)) throw new RouterConfigError(`agent ${a.id}: custom status ${s} is a built-in status`);
    }
  }
  const queueIds = new Set<string>();
  for (const q of config.queues) {
    if (queueIds.has(q.id)) throw new RouterConfigError(`queue ${q.id} is defined twice`);
    if (q.id.startsWith(DIRECT_PREFIX)) throw new RouterConfigError(`queue ${q.id}: ids starting with "${DIRECT_PREFIX}" are agents' own queues`);
    queueIds.add(q.id);
    const members = new Set<string>();
    for (const m of q.members) {
      if (!agentIds.has(m.agentId)) throw new RouterConfigError(`queue ${q.id}: member ${m.agentId} is not an agent`);
      if (members.has(m.agentId)) throw new RouterConfigError(`queue ${q.id}: member ${m.agentId} is listed twice`);
      members.add(m.agentId);
    }
  }
  for (const q of config.queues) {
    if (q.overflow !== undefined && (!queueIds.has(q.overflow.queueId) || q.overflow.queueId === q.id)) {
      throw new RouterConfigError(`queue ${q.id}: overflow queue ${q.overflow.queueId} is not another queue`);
    }
  }
}
