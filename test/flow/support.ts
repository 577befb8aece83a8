// Shared fixtures for the flow specifications: a tiny instance (queues, hours, prompts, flows by
// id, ARN or name) and a Call that feeds events to the pure interpreter with an explicit clock.
import assert from 'node:assert/strict';
import { isWithinHours } from '../../src/calendar/hours.ts';
import type { HoursOfOperation } from '../../src/instance/types.ts';
import { ResourceIndex, type FlowCatalog, type HoursInfo, type PromptInfo, type QueueInfo } from '../../src/flow/catalog.ts';
import {
  startContact, step, type ContactEffect, type ContactEvent, type ContactState, type NewContact, type StepResult,
} from '../../src/flow/interpreter.ts';
import type { Flow, RawAction } from '../../src/flow/types.ts';
import { checkFlow } from '../../src/flow/validate.ts';

export const INSTANCE_ARN = 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu';

/** Tuesday 2026-11-24 09:00 in Tokyo: the line has just opened. */
export const TUESDAY_0900 = Date.parse('2026-11-24T09:00:00+09:00');

export const businessHours: HoursOfOperation = {
  id: 'business-hours',
  name: 'Business hours',
  config: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).map((Day) => ({
    Day, StartTime: { Hours: 9, Minutes: 0 }, EndTime: { Hours: 18, Minutes: 0 },
  })),
};

export const supportQueue: QueueInfo = {
  id: 'support', arn: `${INSTANCE_ARN}/queue/support`, name: 'Support', hoursOfOperationId: 'business-hours',
};
export const salesQueue: QueueInfo = { id: 'sales', arn: `${INSTANCE_ARN}/queue/sales`, name: 'Sales' };

export const welcomePrompt: PromptInfo = {
  id: 'welcome', arn: `${INSTANCE_ARN}/prompt/welcome`, name: 'Welcome', text: 'お電話ありがとうございます。',
};

/** A Flow Language document around `actions`. */
export function flowDoc(startAction: string, actions: RawAction[]): Record<string, unknown> {
  return { Version: '2019-10-30', StartAction: startAction, Actions: actions };
}

/** A flow that must load without any error problem. */
export function load(doc: unknown, id = 'f', extra: { name?: string; arn?: string } = {}): Flow {
  const check = checkFlow(doc, { id, ...extra });
  const errors = check.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors, [], `flow ${id} loads without errors`);
  assert.ok(check.flow);
  return check.flow;
}

export const disconnect = (Identifier = 'bye'): RawAction => ({
  Identifier, Type: 'DisconnectParticipant', Parameters: {}, Transitions: {},
});

export function catalogWith(options: {
  flows?: Flow[]; queues?: QueueInfo[]; hours?: HoursOfOperation[]; prompts?: PromptInfo[];
} = {}): FlowCatalog {
  const flows = new Map<string, Flow>();
  for (const f of options.flows ?? []) {
    for (const key of [f.id, f.arn, f.name]) if (key !== undefined && !flows.has(key)) flows.set(key, f);
  }
  const queues = new ResourceIndex(options.queues ?? [supportQueue, salesQueue]);
  // The instance's time zone is Tokyo, as in the instance catalog.
  const hours = new ResourceIndex((options.hours ?? [businessHours]).map((h): HoursInfo => ({
    id: h.id, arn: `${INSTANCE_ARN}/operating-hours/${h.id}`, name: h.name,
    isOpen: (at) => isWithinHours(h, new Date(at), 'Asia/Tokyo'),
  })));
  const prompts = new ResourceIndex(options.prompts ?? [welcomePrompt]);
  return {
    instanceArn: INSTANCE_ARN,
    languageCode: 'ja-JP',
    flow: (ref) => flows.get(ref.trim()),
    queue: (ref) => queues.get(ref),
    agentQueue: () => undefined,
    hoursOfOperation: (ref) => hours.get(ref),
    prompt: (ref) => prompts.get(ref),
  };
}

type Input<E> = E extends unknown ? Omit<E, 'at'> & { at?: number } : never;
export type CallEvent = Input<ContactEvent>;

/**
 * One contact driven through a flow. Time is `now` (epoch ms), moved only by the test. With
 * `autoPlay` every PlayPrompt is answered at once with PromptPlayed, as if the prompt took no time.
 */
export class Call {
  state: ContactState;
  /** Every effect so far, in order. */
  readonly effects: ContactEffect[] = [];
  /** The effects of the last start/step only. */
  last: ContactEffect[] = [];
  now: number;
  private readonly autoPlay: boolean;

  private readonly catalog: FlowCatalog;

  /** Starts a contact on `flow`; the default catalog holds just that flow. */
  constructor(
    flow: Flow,
    options: Partial<Omit<NewContact, 'flow'>> & { autoPlay?: boolean; catalog?: FlowCatalog } = {},
  ) {
    const { autoPlay, catalog, ...init } = options;
    this.catalog = catalog ?? catalogWith({ flows: [flow] });
    this.now = init.at ?? TUESDAY_0900;
    this.autoPlay = autoPlay ?? true;
    const r = startContact(this.catalog, { contactId: 'contact-1', ...init, flow, at: this.now });
    this.state = r.state;
    this.last = r.effects;
    this.effects.push(...r.effects);
    this.answerPrompts(r.effects);
  }

  send(event: CallEvent): StepResult {
    const r = step(this.catalog, this.state, { ...event, at: event.at ?? this.now } as ContactEvent);
    this.state = r.state;
    this.last = r.effects;
    this.effects.push(...r.effects);
    this.answerPrompts(r.effects);
    return r;
  }

  /** Presses keys one after another, `gapSeconds` apart (the first one at once). */
  keys(digits: string, gapSeconds = 1): void {
    [...digits].forEach((digit, i) => {
      if (i > 0) this.elapse(gapSeconds);
      this.send({ type: 'Dtmf', digit });
    });
  }

  elapse(seconds: number): void {
    this.now += seconds * 1000;
  }

  /** The most recently started timer. */
  lastTimer(): { timerId: string; seconds: number } {
    const timers = this.effects.filter((e) => e.type === 'StartTimer');
    const t = timers[timers.length - 1];
    assert.ok(t, 'a timer was started');
    return t;
  }

  /** Lets the most recent timer run out. */
  expireTimer(): StepResult {
    const { timerId, seconds } = this.lastTimer();
    this.elapse(seconds);
    return this.send({ type: 'TimerExpired', timerId });
  }

  /** "actionId branch" for every action run so far. */
  path(): string[] {
    return this.state.path.map((p) => `${p.actionId} ${p.branch}`);
  }

  of<T extends ContactEffect['type']>(type: T): Extract<ContactEffect, { type: T }>[] {
    return this.effects.filter((e): e is Extract<ContactEffect, { type: T }> => e.type === type);
  }

  private answerPrompts(effects: ContactEffect[]): void {
    if (!this.autoPlay) return;
    for (const e of effects) {
      if (e.type === 'PlayPrompt' && this.state.status !== 'ended') this.send({ type: 'PromptPlayed' });
    }
  }
}
