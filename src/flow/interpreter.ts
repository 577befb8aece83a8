// The flow interpreter: a pure step function. `step(catalog, state, event)` returns the next contact
// state and the effects an adapter must perform (play a prompt, start a timer, invoke a function,
// enqueue, hang up). Their outcomes come back as events. No I/O and no clock here: every event
// carries its time. Each action type runs in its own module (actions/*, see actions/index.ts).
import type { FlowCatalog } from './catalog.ts';
import { seedFrom } from './random.ts';
import { deliver, hangUp, ignore, run } from './run.ts';
import type { ContactEvent, ContactState, NewContact, Run, StepResult } from './state.ts';

export type {
  Channel, ContactEffect, ContactEnding, ContactEvent, ContactState, EndReason, InputConfig, NewContact,
  PathStep, PromptContent, StepResult, Voice,
} from './state.ts';
export { actionSpecs } from './action-specs.ts';
export { matches } from './conditions.ts';
export { MAX_ACTIONS_PER_STEP } from './run.ts';

export function startContact(catalog: FlowCatalog, init: NewContact): StepResult {
  const state: ContactState = {
    contactId: init.contactId,
    initialContactId: init.contactId,
    channel: init.channel ?? 'VOICE',
    instanceArn: catalog.instanceArn,
    ...(init.customerAddress !== undefined ? { customerAddress: init.customerAddress } : {}),
    ...(init.systemAddress !== undefined ? { systemAddress: init.systemAddress } : {}),
    languageCode: catalog.languageCode,
    startedAt: init.at,
    now: init.at,
    flowId: init.flow.id,
    actionId: init.flow.startAction,
    status: 'waiting',
    attributes: { ...(init.attributes ?? {}) },
    ...(init.queue ? { queue: init.queue } : {}),
    external: {},
    recordedParticipants: [],
    voice: { name: catalog.languageCode === 'ja-JP' ? 'Kazuha' : 'Joanna' },
    logging: false,
    eventHooks: {},
    mediaStreaming: false,
    routing: {},
    loops: {},
    rng: seedFrom(init.contactId),
    timerSeq: 0,
    path: [],
  };
  return run(catalog, { state, effects: [] });
}

export function step(catalog: FlowCatalog, current: ContactState, event: ContactEvent): StepResult {
  if (current.status === 'ended') return { state: current, effects: [], ignored: 'the contact has ended' };
  const out: Run = { state: { ...current, now: Math.max(current.now, event.at) }, effects: [] };
  // A late PromptPlayed for a prompt that was interrupted names an action the contact has left.
  if (event.type === 'PromptPlayed' && event.actionId !== undefined && event.actionId !== out.state.actionId) {
    return ignore(current, event);
  }
  if (event.type === 'CustomerDisconnected') return hangUp(out);
  const outcome = deliver(catalog, out, event);
  return outcome ? run(catalog, out, outcome) : ignore(current, event);
}
