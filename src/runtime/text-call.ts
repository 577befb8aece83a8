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
  advanceTo(ms: number): void {
    this.ms = Math.max(this.ms, ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Keys a caller may press; `,` is a pause (stay silent until the line times out). */
export const KEY_SCRIPT = /^[0-9*#A-D,]*$/;

export class KeyScriptError extends Error {
  constructor(readonly keys: string, readonly position: number) {
    super(`keys ${JSON.stringify(keys)}: ${JSON.stringify(keys[position])} at position ${position + 1} is not a phone key (0-9 * # A-D, or , to pause)`);
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

  const clock = o.clock;
  const timers = new Map<string, number>(); // timerId → due (virtual ms)
  const log: TimedEffect[] = [];
  let keys = o.keys;
  let promptEndsAt: number | undefined;
  let pending: ContactEvent[] = [];
  const patienceMs = (o.patienceSeconds ?? 600) * 1000;
  const startedAt = clock.epochMs();

  const apply = async (r: StepResult): Promise<ContactState> => {
    for (const effect of r.effects) {
      log.push({ at: clock.epochMs(), effect });
      switch (effect.type) {
        case 'PlayPrompt':
          promptEndsAt = clock.epochMs() + promptDurationMs(effect);
          break;
        case 'StopPrompt':
          promptEndsAt = undefined;
          break;
        case 'StartTimer':
          timers.set(effect.timerId, clock.epochMs() + effect.seconds * 1000);
          break;
        case 'CancelTimer':
          timers.delete(effect.timerId);
          break;
        case 'InvokeFunction': {
          const { outcome, durationMs } = await performInvocation(o.functions, effect);
          if (durationMs !== undefined) clock.advance(Math.max(1, Math.round(durationMs)));
          pending.push({ ...outcome, at: clock.epochMs() });
          break;
        }
        case 'TransferToAgent':
        case 'TransferToQueue': {
          const answer = o.onTransfer?.(effect, clock.epochMs());
          if (answer) pending.push(answer);
          break;
        }
        case 'UpdateRecording':
        case 'Disconnect':
          break;
      }
    }
    return r.state;
  };

  let state = await apply(startContact(o.catalog, {
    contactId: o.contactId ?? randomUUID(),
    flow: o.flow,
    at: clock.epochMs(),
    ...(o.customerAddress !== undefined ? { customerAddress: o.customerAddress } : {}),
    ...(o.systemAddress !== undefined ? { systemAddress: o.systemAddress } : {}),
    ...(o.queue ? { queue: o.queue } : {}),
  }));

  for (let n = 0; n < MAX_EVENTS && state.status !== 'ended'; n++) {
    const event = nextEvent();
    if (!event) break;
    if (event.type !== 'CustomerDisconnected' && event.at - startedAt > patienceMs) {
      state = await apply(step(o.catalog, state, { type: 'CustomerDisconnected', at: event.at }));
      break;
    }
    clock.advanceTo(event.at);
    state = await apply(step(o.catalog, state, event));
  }
  if (state.status !== 'ended' && state.status !== 'queued') {
    // The caller gives up on a flow that waits for ever.
    state = await apply(step(o.catalog, state, { type: 'CustomerDisconnected', at: clock.epochMs() }));
  }
  return { state, effects: log, unusedKeys: keys, outcome: state.status === 'queued' ? 'queued' : 'ended' };

  /** What happens next on the line, in time order. */
  function nextEvent(): ContactEvent | undefined {
    if (pending.length > 0) {
      const [first, ...rest] = pending;
      pending = rest;
      return first;
    }
    const w = state.waiting;
    if (!w) return undefined;
    if (w.kind === 'iterate') {
      // Hold messages loop; a timer (InterruptFrequencySeconds) may come due before the next one ends.
      const due = promptEndsAt ?? clock.epochMs();
      const timer = earliestTimer();
      if (timer && timer[1] <= due) return fireTimer();
      promptEndsAt = undefined;
      return { type: 'PromptPlayed', at: due, ...(state.actionId !== undefined ? { actionId: state.actionId } : {}) };
    }
    if (w.kind === 'prompt' || (w.kind === 'input' && w.phase === 'prompt')) {
      // Keys pressed during a prompt only count for input prompts (barge-in); a pause lets it finish.
      if (w.kind === 'input' && keys.length > 0 && keys[0] !== ',') return press();
      if (w.kind === 'input' && keys[0] === ',') keys = keys.slice(1);
      const at = promptEndsAt ?? clock.epochMs();
      promptEndsAt = undefined;
      return { type: 'PromptPlayed', at, ...(state.actionId !== undefined ? { actionId: state.actionId } : {}) };
    }
    if (w.kind === 'input' && keys.length > 0 && keys[0] !== ',') return press();
    if (w.kind === 'input' && keys[0] === ',') keys = keys.slice(1);
    return fireTimer();
  }

  function press(): ContactEvent {
    const digit = keys[0] as string;
    keys = keys.slice(1);
    return { type: 'Dtmf', digit, at: clock.epochMs() + KEY_INTERVAL_MS };
  }

  function earliestTimer(): [string, number] | undefined {
    let first: [string, number] | undefined;
    for (const entry of timers) if (!first || entry[1] < first[1]) first = entry;
    return first;
  }

  function fireTimer(): ContactEvent | undefined {
    const first = earliestTimer();
    if (!first) return undefined;
    timers.delete(first[0]);
    return { type: 'TimerExpired', timerId: first[0], at: first[1] };
  }
}
