// The text channel: one contact walks the flow with no audio. Prompts "play" instantly (their
// duration is estimated on a virtual clock), keys come from a script, functions run for real and
// timers fire on the virtual clock, so a test call at any `--at` time never sleeps.
import { randomUUID } from 'node:crypto';
import type { FlowCatalog, QueueInfo } from '../flow/catalog.ts';
import {
  startContact, step, type ContactEffect, type ContactEvent, type ContactState, type StepResult,
} from '../flow/interpreter.ts';
import type { Flow } from '../flow/types.ts';
import type { ResolvedFunction } from '../functions/invoke.ts';
import { performInvocation } from './invoke-effect.ts';

/** A settable clock: the test call's "now", shared with the functions it invokes. */
export class VirtualClock {
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  epochMs(): number {
    return this.ms;
  }
  /** Sets the time before the call starts (e.g. once `--at` has been read in the line's time zone). */
  setTo(ms: number): void {
    this.ms = ms;
  }
  advanceTo(ms: number): void {
    this.ms = Math.max(this.ms, ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Keys a caller may press; each `,` is one input timeout (the caller stays silent until the flow's input timer fires). */
export const KEY_SCRIPT = /^[0-9*#A-D,]*$/;

export class KeyScriptError extends Error {
  constructor(readonly keys: string, readonly position: number) {
    super(`keys ${JSON.stringify(keys)}: ${JSON.stringify(keys[position])} at position ${position + 1} is not a phone key (0-9 * # A-D, or , for one input timeout)`);
    this.name = 'KeyScriptError';
  }
}

export interface TextCallOptions {
  catalog: FlowCatalog;
  flow: Flow;
  clock: VirtualClock;
  functions: ReadonlyMap<string, ResolvedFunction>;
  keys: string;
  contactId?: string;
  customerAddress?: string;
  systemAddress?: string;
  /** What the queue says to a transfer; undefined leaves the contact queued (the router is elsewhere). */
  onTransfer?: (effect: Extract<ContactEffect, { type: 'TransferToQueue' | 'TransferToAgent' }>, at: number) => ContactEvent | undefined;
  /** The contact is already in this queue (transfer and customer queue flows). */
  queue?: QueueInfo;
  /** Seconds a silent caller waits before hanging up when the flow waits for ever. */
  patienceSeconds?: number;
}

export interface TimedEffect {
  at: number;
  effect: ContactEffect;
}

export interface TextCallResult {
  state: ContactState;
  effects: TimedEffect[];
  /** Keys the flow never asked for. */
  unusedKeys: string;
  outcome: 'queued' | 'ended';
}

const KEY_INTERVAL_MS = 300;
const MAX_EVENTS = 10_000;

/** Roughly how long a prompt takes to say: ~7 characters a second, at least one second. */
export function promptDurationMs(effect: Extract<ContactEffect, { type: 'PlayPrompt' }>): number {
  const text = effect.content.text ?? effect.content.ssml?.replace(/<[^>]*>/g, '') ?? effect.content.prompt?.text ?? '';
  return Math.max(1000, Math.round((text.length / 7) * 1000));
}

export async function runTextCall(o: TextCallOptions): Promise<TextCallResult> {
  const bad = [...o.keys].findIndex((k) => !KEY_SCRIPT.test(k));
  if (bad >= 0) throw new KeyScriptError(o.keys, bad);
  const { clock } = o;
  const line = new VirtualLine(o);
  const patienceMs = (o.patienceSeconds ?? 600) * 1000;
  const startedAt = clock.epochMs();

  let state = await line.apply(startContact(o.catalog, {
    contactId: o.contactId ?? randomUUID(),
    flow: o.flow,
    at: clock.epochMs(),
    ...(o.customerAddress !== undefined ? { customerAddress: o.customerAddress } : {}),
    ...(o.systemAddress !== undefined ? { systemAddress: o.systemAddress } : {}),
    ...(o.queue ? { queue: o.queue } : {}),
  }));
  for (let n = 0; n < MAX_EVENTS && state.status !== 'ended'; n++) {
    const event = line.nextEvent(state);
    if (!event) break;
    if (event.type !== 'CustomerDisconnected' && event.at - startedAt > patienceMs) {
      state = await line.apply(step(o.catalog, state, { type: 'CustomerDisconnected', at: event.at }));
      break;
    }
    clock.advanceTo(event.at);
    state = await line.apply(step(o.catalog, state, event));
  }
  if (state.status !== 'ended' && state.status !== 'queued') {
    // The caller gives up on a flow that waits for ever.
    state = await line.apply(step(o.catalog, state, { type: 'CustomerDisconnected', at: clock.epochMs() }));
  }
  return { state, effects: line.log, unusedKeys: line.keys, outcome: state.status === 'queued' ? 'queued' : 'ended' };
}

/**
 * With no telephone line, the third party of TransferParticipantToThirdParty answers at once and, when
 * the flow continues after it, hangs up at once (docs/flow-language.md).
 */
export function simulatedThirdParty(effect: Extract<ContactEffect, { type: 'DialThirdParty' }>, at: number): ContactEvent[] {
  const answered: ContactEvent = { type: 'ThirdPartyAnswered', at };
  return effect.continueFlow ? [answered, { type: 'ThirdPartyDisconnected', at }] : [answered];
}

/** Flow timers on a virtual clock: each timer's due time; the earliest fires first. */
export class VirtualTimers {
  private readonly due = new Map<string, number>(); // timerId → due (virtual ms)

  set(timerId: string, at: number): void {
    this.due.set(timerId, at);
  }

  delete(timerId: string): void {
    this.due.delete(timerId);
  }

  earliest(): [string, number] | undefined {
    let first: [string, number] | undefined;
    for (const entry of this.due) if (!first || entry[1] < first[1]) first = entry;
    return first;
  }

  /** The earliest timer's expiry, at its due time; the timer is gone after it. */
  fire(): ContactEvent | undefined {
    const first = this.earliest();
    if (!first) return undefined;
    this.due.delete(first[0]);
    return { type: 'TimerExpired', timerId: first[0], at: first[1] };
  }
}

type InvokeFunctionEffect = Extract<ContactEffect, { type: 'InvokeFunction' }>;

/** What a virtual line is told besides the flow: its clock and functions, the caller's keys, and its hooks. */
export interface VirtualLineOptions {
  clock: VirtualClock;
  functions: ReadonlyMap<string, ResolvedFunction>;
  keys?: string;
  /** What the queue says to a transfer; undefined leaves the contact queued (the router is elsewhere). */
  onTransfer?: TextCallOptions['onTransfer'];
  /** A prompt starts (it is "said" for promptDurationMs on the virtual clock). */
  onPrompt?: (effect: Extract<ContactEffect, { type: 'PlayPrompt' }>, at: number) => void | Promise<void>;
  /** How a function call is answered: run for real (this effect, or another), or by this event. */
  invocation?: (effect: InvokeFunctionEffect) => { run: InvokeFunctionEffect } | { event: ContactEvent };
}

/**
 * A line with no audio, as the text channel and `chokutsu test` run a contact on: what it has done,
 * the prompt being said, its timers, the keys still to press, and what happens next in time order.
 */
export class VirtualLine {
  readonly log: TimedEffect[] = [];
  keys: string;
  private readonly clock: VirtualClock;
  private readonly timers = new VirtualTimers();
  private promptEndsAt: number | undefined;
  /** Events the effects have produced (function outcomes, the queue's answer), before anything else. */
  private pending: ContactEvent[] = [];

  constructor(private readonly o: VirtualLineOptions) {
    this.keys = o.keys ?? '';
    this.clock = o.clock;
  }

  async apply(r: StepResult): Promise<ContactState> {
    for (const effect of r.effects) await this.perform(effect);
    return r.state;
  }

  async perform(effect: ContactEffect): Promise<void> {
    const now = this.clock.epochMs();
    this.log.push({ at: now, effect });
    switch (effect.type) {
      case 'PlayPrompt':
        this.promptEndsAt = now + promptDurationMs(effect);
        return this.o.onPrompt?.(effect, now);
      case 'StopPrompt':
        this.promptEndsAt = undefined;
        return;
      case 'StartTimer':
        this.timers.set(effect.timerId, now + effect.seconds * 1000);
        return;
      case 'CancelTimer':
        this.timers.delete(effect.timerId);
        return;
      case 'InvokeFunction':
        return this.invoke(effect);
      case 'TransferToAgent':
      case 'TransferToQueue': {
        const answer = this.o.onTransfer?.(effect, now);
        if (answer) this.pending.push(answer);
        return;
      }
      case 'DialThirdParty':
        this.pending.push(...simulatedThirdParty(effect, now));
        return;
      case 'UpdateRecording':
      case 'UpdateContactRecord':
      case 'MoveToQueue':
      case 'Disconnect':
      case 'CancelThirdParty':
      case 'CreateCallback':
        return;
      default:
        effect satisfies never; // a new effect type is a compile error here until handled
    }
  }

  /** The function runs for real (unless the invocation hook answers it); the virtual clock moves on by the time it took. */
  private async invoke(effect: InvokeFunctionEffect): Promise<void> {
    const plan = this.o.invocation?.(effect) ?? { run: effect };
    if ('event' in plan) {
      this.pending.push(plan.event);
      return;
    }
    const { outcome, durationMs } = await performInvocation(this.o.functions, plan.run);
    if (durationMs !== undefined) this.clock.advance(Math.max(1, Math.round(durationMs)));
    this.pending.push({ ...outcome, at: this.clock.epochMs() });
  }

  /** What happens next on the line, in time order. */
  nextEvent(state: ContactState): ContactEvent | undefined {
    const [first, ...rest] = this.pending;
    if (first) {
      this.pending = rest;
      return first;
    }
    const w = state.waiting;
    if (!w) return undefined;
    if (w.kind === 'iterate') {
      // Hold messages loop; a timer (InterruptFrequencySeconds) may come due before the next one ends.
      const timer = this.timers.earliest();
      if (timer && timer[1] <= (this.promptEndsAt ?? this.clock.epochMs())) return this.timers.fire();
      return this.promptPlayed(state);
    }
    if (w.kind === 'prompt' || (w.kind === 'input' && w.phase === 'prompt')) {
      // A key pressed during an input's prompt interrupts it (barge-in); a `,` lets it play out
      // and is kept for the silence after it. Keys wait through prompts that take no input.
      if (w.kind === 'input' && this.nextIsKey()) return this.press();
      return this.promptPlayed(state);
    }
    if (w.kind === 'input') {
      if (this.nextIsKey()) return this.press();
      // `,` is one whole timeout: silence until the input's running timer (its input time limit,
      // or the interdigit limit once a key is in) fires. Without keys left the caller is silent too.
      if (this.keys[0] === ',') this.keys = this.keys.slice(1);
    }
    return this.timers.fire();
  }

  private nextIsKey(): boolean {
    return this.keys.length > 0 && this.keys[0] !== ',';
  }

  /** The prompt being said ends (now, if none is). */
  private promptPlayed(state: ContactState): ContactEvent {
    const at = this.promptEndsAt ?? this.clock.epochMs();
    this.promptEndsAt = undefined;
    return { type: 'PromptPlayed', at, ...(state.actionId !== undefined ? { actionId: state.actionId } : {}) };
  }

  private press(): ContactEvent {
    const digit = this.keys[0] as string;
    this.keys = this.keys.slice(1);
    return { type: 'Dtmf', digit, at: this.clock.epochMs() + KEY_INTERVAL_MS };
  }
}
