// The flow interpreter: a pure step function. `step(catalog, state, event)` returns the next contact
// state and the effects an adapter must perform (play a prompt, start a timer, invoke a function,
// enqueue, hang up). Their outcomes come back as events. No I/O and no clock here: every event
// carries its time.
import type { ConnectContactFlowEvent } from './connect-event.ts';
import { actionSpecs } from './action-specs.ts';
import { interpolate, resolveValue, type ContactDataView } from './attributes.ts';
import type { FlowCatalog, PromptInfo, QueueInfo } from './catalog.ts';
import type { Flow, GetParticipantInputParameters, PromptParameters, SupportedAction, Transitions } from './types.ts';

export type Channel = 'VOICE' | 'CHAT';

export interface PromptContent {
  text?: string;
  ssml?: string;
  prompt?: PromptInfo;
}

export interface Voice {
  name: string;
  engine?: string;
  style?: string;
}

/** One action run, for the contact record's flow path and for `chokutsu call`. */
export interface PathStep {
  at: number;
  flowId: string;
  actionId: string;
  type: string;
  /** How the action left: "next", "condition Equals 200", "error NoMatchingError", "end". */
  branch: string;
  next?: string;
  detail: Record<string, string>;
}

export interface InputConfig {
  store: boolean;
  timeLimitSeconds: number;
  interdigitSeconds: number;
  maxDigits: number;
  terminator: string;
  cancelKey: boolean;
  phoneValidation?: { format: 'Local' | 'E164'; countryCode?: string };
}

type Waiting =
  | { kind: 'prompt' }
  | { kind: 'input'; config: InputConfig; phase: 'prompt' | 'collecting'; digits: string; timerId?: string }
  | { kind: 'function'; functionArn: string }
  | { kind: 'wait'; timerId: string }
  | { kind: 'queue'; queue: QueueInfo }
  | { kind: 'iterate'; messages: PromptContent[]; index: number; timerId?: string };

export type EndReason =
  | 'DISCONNECTED_BY_FLOW' | 'FLOW_ENDED' | 'CUSTOMER_DISCONNECT' | 'FLOW_ERROR' | 'CONNECTED_TO_AGENT';

export interface ContactEnding {
  reason: EndReason;
  at: number;
  actionId?: string;
  message?: string;
}

export interface ContactState {
  contactId: string;
  initialContactId: string;
  channel: Channel;
  instanceArn: string;
  customerAddress?: string;
  systemAddress?: string;
  languageCode: string;
  startedAt: number;
  now: number;
  flowId: string;
  actionId?: string;
  status: 'waiting' | 'queued' | 'ended';
  waiting?: Waiting;
  attributes: Record<string, string>;
  external: Record<string, unknown>;
  storedCustomerInput?: string;
  queue?: QueueInfo;
  recordedParticipants: string[];
  voice: Voice;
  logging: boolean;
  eventHooks: Record<string, string>;
  mediaStreaming: boolean;
  /** UpdateContactRoutingBehavior: lower priority numbers are routed first; a time adjustment makes the contact look older. */
  routing: { priority?: number; timeAdjustSeconds?: number };
  /** Times each Loop action has returned ContinueLooping, keyed "flowId/actionId". */
  loops: Record<string, number>;
  rng: number;
  timerSeq: number;
  path: PathStep[];
  ending?: ContactEnding;
}

export type ContactEvent =
  /** actionId names the prompt's action, so a late PromptPlayed for an interrupted prompt is ignored. */
  | { type: 'PromptPlayed'; at: number; actionId?: string }
  | { type: 'Dtmf'; digit: string; at: number }
  | { type: 'TimerExpired'; timerId: string; at: number }
  | { type: 'FunctionReturned'; result: Record<string, unknown>; at: number }
  | { type: 'FunctionFailed'; error: string; message: string; at: number }
  | { type: 'QueueTransferFailed'; error: 'QueueAtCapacity' | 'NoMatchingError'; message?: string; at: number }
  | { type: 'AgentConnected'; agentId: string; at: number }
  | { type: 'CustomerDisconnected'; at: number };

export type ContactEffect =
  | { type: 'PlayPrompt'; actionId: string; content: PromptContent; voice: Voice; interruptible: boolean }
  | { type: 'StopPrompt' }
  | { type: 'StartTimer'; timerId: string; seconds: number }
  | { type: 'CancelTimer'; timerId: string }
  | { type: 'InvokeFunction'; actionId: string; functionArn: string; timeLimitSeconds: number; responseType: 'STRING_MAP' | 'JSON'; event: ConnectContactFlowEvent }
  | { type: 'UpdateRecording'; participants: string[] }
  | { type: 'TransferToQueue'; actionId: string; queue: QueueInfo; routing: ContactState['routing'] }
  | { type: 'TransferToAgent'; actionId: string; agentId: string; queue: QueueInfo }
  | { type: 'Disconnect'; reason: EndReason; actionId?: string };

export interface StepResult {
  state: ContactState;
  effects: ContactEffect[];
  /** Set when the event did not fit what the contact was waiting for; the state is unchanged. */
  ignored?: string;
}

export interface NewContact {
  contactId: string;
  flow: Flow;
  at: number;
  channel?: Channel;
  customerAddress?: string;
  systemAddress?: string;
  attributes?: Record<string, string>;
  /** A customer queue flow starts with the contact already in its queue. */
  queue?: QueueInfo;
}

/** Guards against flows that loop without ever waiting for the customer (Compare → Loop → Compare …). */
export const MAX_ACTIONS_PER_STEP = 1000;

const DEFAULT_INPUT_SECONDS = 5;
const DEFAULT_INTERDIGIT_SECONDS = 5;
const DEFAULT_MAX_DIGITS = 20;
const DEFAULT_FUNCTION_SECONDS = 3;

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
  const state: ContactState = { ...current, now: Math.max(current.now, event.at) };
  const out: Run = { state, effects: [] };

  if (event.type === 'PromptPlayed' && event.actionId !== undefined && event.actionId !== state.actionId) {
    return ignore(current, event);
  }
  if (event.type === 'CustomerDisconnected') {
    if (state.path[state.path.length - 1]?.branch === 'pending') setBranch(out, 'hangup');
    cancelTimers(out);
    end(out, 'CUSTOMER_DISCONNECT');
    return out;
  }
  const w = state.waiting;
  if (!w) return ignore(current, event);

  switch (w.kind) {
    case 'prompt':
      if (event.type === 'PromptPlayed') return run(catalog, leave(out, 'next'));
      if (event.type === 'Dtmf') return ignore(current, event); // Connect ignores keys during a plain prompt
      return ignore(current, event);
    case 'input':
      return onInput(catalog, out, w, event) ?? ignore(current, event);
    case 'function':
      if (event.type === 'FunctionReturned') {
        out.state = { ...out.state, external: event.result, waiting: undefined };
        lastDetail(out, { result: JSON.stringify(event.result) });
        return run(catalog, leave(out, 'next'));
      }
      if (event.type === 'FunctionFailed') {
        out.state = { ...out.state, waiting: undefined };
        lastDetail(out, { error: `${event.error}: ${event.message}` });
        return run(catalog, takeError(out, 'NoMatchingError'));
      }
      return ignore(current, event);
    case 'wait':
      if (event.type === 'TimerExpired' && event.timerId === w.timerId) {
        out.state = { ...out.state, waiting: undefined };
        return run(catalog, takeCondition(out, 'WaitCompleted'));
      }
      return ignore(current, event);
    case 'iterate':
      if (event.type === 'PromptPlayed') {
        const index = (w.index + 1) % w.messages.length;
        out.state = { ...out.state, waiting: { ...w, index } };
        out.effects.push({ type: 'PlayPrompt', actionId: out.state.actionId ?? '', content: w.messages[index] as PromptContent, voice: out.state.voice, interruptible: false });
        return out;
      }
      if (event.type === 'TimerExpired' && event.timerId === w.timerId) {
        out.effects.push({ type: 'StopPrompt' });
        return run(catalog, takeCondition(out, 'MessagesInterrupted'));
      }
      return ignore(current, event);
    case 'queue':
      if (event.type === 'QueueTransferFailed') {
        out.state = { ...out.state, waiting: undefined, status: 'waiting' };
        lastDetail(out, { error: event.error, ...(event.message ? { message: event.message } : {}) });
        return run(catalog, takeError(out, event.error));
      }
      if (event.type === 'AgentConnected') {
        end(out, 'CONNECTED_TO_AGENT');
        return out;
      }
      return ignore(current, event);
  }
}

// ---- internals -----------------------------------------------------------------------------

interface Run {
  state: ContactState;
  effects: ContactEffect[];
}

/** The branch the current action leaves by: "next", "error <type>" or "condition <value>". */
type Outcome = { branch: string };

function ignore(state: ContactState, event: ContactEvent): StepResult {
  return { state, effects: [], ignored: `${event.type} does not apply while ${state.waiting ? `waiting for ${state.waiting.kind}` : state.status}` };
}

function currentAction(catalog: FlowCatalog, state: ContactState): SupportedAction | undefined {
  return state.actionId === undefined ? undefined : catalog.flow(state.flowId)?.actions.get(state.actionId);
}

function transitions(catalog: FlowCatalog, state: ContactState): Transitions {
  return currentAction(catalog, state)?.Transitions ?? {};
}

function leave(out: Run, branch: 'next'): Outcome & Run {
  return { ...out, branch };
}

function takeError(out: Run, errorType: string): Outcome & Run {
  return { ...out, branch: `error ${errorType}` };
}

function takeCondition(out: Run, value: string): Outcome & Run {
  return { ...out, branch: `condition ${value}` };
}

/** Moves past the current action along `branch`, then runs actions until one must wait. */
function run(catalog: FlowCatalog, r: Run & Partial<Outcome>): StepResult {
  const out: Run = { state: r.state, effects: r.effects };
  if (r.branch !== undefined) follow(catalog, out, r.branch);
  let budget = MAX_ACTIONS_PER_STEP;
  while (out.state.status !== 'ended' && out.state.waiting === undefined) {
    if (budget-- === 0) {
      fail(out, `more than ${MAX_ACTIONS_PER_STEP} actions ran without waiting for the customer: the flow loops`);
      break;
    }
    execute(catalog, out);
  }
  return out;
}

/** Resolves the branch of the current action (recorded in the path) and moves to its target. */
function follow(catalog: FlowCatalog, out: Run, branch: string): void {
  const t = transitions(catalog, out.state);
  let next: string | undefined;
  if (branch === 'next') {
    next = t.NextAction;
  } else if (branch.startsWith('error ')) {
    next = t.Errors?.find((e) => e.ErrorType === branch.slice(6))?.NextAction;
    // Connect: NoMatchingError is taken "if no other Error matches" (e.g. QueueAtCapacity unhandled).
    const fallback = t.Errors?.find((e) => e.ErrorType === 'NoMatchingError')?.NextAction;
    if (next === undefined && fallback !== undefined) {
      branch = 'error NoMatchingError';
      next = fallback;
    }
  } else if (branch.startsWith('condition ')) {
    const value = branch.slice(10);
    next = t.Conditions?.find((c) => matches(c.Condition.Operator, value, c.Condition.Operands[0] ?? ''))?.NextAction;
  }
  setBranch(out, branch, next);
  if (next === undefined) {
    if (isDeadEnd(t)) {
      cancelTimers(out);
      end(out, 'FLOW_ENDED', `the flow ends after "${out.state.actionId}", which has no transitions`);
    } else {
      fail(out, `action "${out.state.actionId}" has no transition for ${branch}`);
    }
    return;
  }
  const { waiting: _done, ...rest } = out.state;
  out.state = { ...rest, actionId: next };
}

function isDeadEnd(t: Transitions): boolean {
  return t.NextAction === undefined && (t.Errors ?? []).length === 0 && (t.Conditions ?? []).length === 0;
}

function fail(out: Run, message: string): void {
  cancelTimers(out);
  end(out, 'FLOW_ERROR', message);
}

function end(out: Run, reason: EndReason, message?: string): void {
  const { waiting: _waiting, ...rest } = out.state;
  out.state = {
    ...rest,
    status: 'ended',
    ending: { reason, at: out.state.now, ...(out.state.actionId !== undefined ? { actionId: out.state.actionId } : {}), ...(message ? { message } : {}) },
  };
  if (reason !== 'CUSTOMER_DISCONNECT' && reason !== 'CONNECTED_TO_AGENT') {
    out.effects.push({ type: 'Disconnect', reason, ...(out.state.actionId !== undefined ? { actionId: out.state.actionId } : {}) });
  }
}

function cancelTimers(out: Run): void {
  const w = out.state.waiting;
  if (w?.kind === 'input' && w.timerId) out.effects.push({ type: 'CancelTimer', timerId: w.timerId });
  if (w?.kind === 'wait') out.effects.push({ type: 'CancelTimer', timerId: w.timerId });
  if (w?.kind === 'iterate' && w.timerId) out.effects.push({ type: 'CancelTimer', timerId: w.timerId });
}

function record(out: Run, action: SupportedAction, detail: Record<string, string> = {}): void {
  out.state = {
    ...out.state,
    path: [...out.state.path, { at: out.state.now, flowId: out.state.flowId, actionId: action.Identifier, type: action.Type, branch: 'pending', detail }],
  };
}

function lastDetail(out: Run, detail: Record<string, string>): void {
  const path = out.state.path.slice();
  const last = path[path.length - 1];
  if (last) path[path.length - 1] = { ...last, detail: { ...last.detail, ...detail } };
  out.state = { ...out.state, path };
}

function data(state: ContactState): ContactDataView {
  return {
    contactId: state.contactId,
    initialContactId: state.initialContactId,
    channel: state.channel,
    instanceArn: state.instanceArn,
    ...(state.customerAddress !== undefined ? { customerAddress: state.customerAddress } : {}),
    ...(state.systemAddress !== undefined ? { systemAddress: state.systemAddress } : {}),
    languageCode: state.languageCode,
    attributes: state.attributes,
    external: state.external,
    ...(state.storedCustomerInput !== undefined ? { storedCustomerInput: state.storedCustomerInput } : {}),
    ...(state.queue ? { queue: state.queue } : {}),
  };
}

function nextTimer(out: Run, seconds: number): string {
  const timerId = `${out.state.contactId}#${out.state.timerSeq + 1}`;
  out.state = { ...out.state, timerSeq: out.state.timerSeq + 1 };
  out.effects.push({ type: 'StartTimer', timerId, seconds });
  return timerId;
}

function promptOf(catalog: FlowCatalog, p: { Text?: string; SSML?: string; PromptId?: string }, state: ContactState): PromptContent | undefined {
  const d = data(state);
  if (p.Text !== undefined) return { text: interpolate(p.Text, d) };
  if (p.SSML !== undefined) return { ssml: interpolate(p.SSML, d) };
  if (p.PromptId !== undefined) {
    const prompt = catalog.prompt(resolveValue(p.PromptId, d));
    return prompt ? { prompt } : undefined;
  }
  return {};
}

function describePrompt(c: PromptContent): Record<string, string> {
  if (c.text !== undefined) return { text: c.text };
  if (c.ssml !== undefined) return { ssml: c.ssml };
  if (c.prompt) return { prompt: c.prompt.name };
  return {};
}

/** Runs the current action: either it completes at once (state moves on) or it starts waiting. */
function execute(catalog: FlowCatalog, out: Run): void {
  const action = currentAction(catalog, out.state);
  if (!action) {
    fail(out, `no action "${out.state.actionId}" in flow "${out.state.flowId}"`);
    return;
  }
  record(out, action);
  const d = data(out.state);

  switch (action.Type) {
    case 'MessageParticipant': {
      const content = promptOf(catalog, action.Parameters, out.state);
      if (!content) return follow(catalog, out, 'error NoMatchingError');
      lastDetail(out, describePrompt(content));
      out.effects.push({ type: 'PlayPrompt', actionId: action.Identifier, content, voice: out.state.voice, interruptible: false });
      out.state = { ...out.state, waiting: { kind: 'prompt' } };
      return;
    }
    case 'GetParticipantInput': {
      const content = promptOf(catalog, action.Parameters, out.state);
      if (!content) return follow(catalog, out, 'error NoMatchingError');
      const config = inputConfig(action.Parameters, d);
      lastDetail(out, describePrompt(content));
      out.effects.push({ type: 'PlayPrompt', actionId: action.Identifier, content, voice: out.state.voice, interruptible: true });
      out.state = { ...out.state, waiting: { kind: 'input', config, phase: 'prompt', digits: '' } };
      return;
    }
    case 'CheckHoursOfOperation': {
      const ref = action.Parameters.HoursOfOperationId !== undefined ? resolveValue(action.Parameters.HoursOfOperationId, d) : out.state.queue?.hoursOfOperationId;
      const hours = ref !== undefined ? catalog.hoursOfOperation(ref) : undefined;
      if (!hours) {
        lastDetail(out, { error: ref === undefined ? 'no hours of operation given and no queue set' : `unknown hours of operation ${ref}` });
        return follow(catalog, out, 'error NoMatchingError');
      }
      const open = hours.isOpen(out.state.now);
      lastDetail(out, { hours: hours.name, result: open ? 'True' : 'False' });
      return follow(catalog, out, `condition ${open ? 'True' : 'False'}`);
    }
    case 'InvokeLambdaFunction': {
      const functionArn = resolveValue(action.Parameters.LambdaFunctionARN, d);
      const parameters: Record<string, string> = {};
      for (const [k, v] of Object.entries(action.Parameters.LambdaInvocationAttributes ?? {})) parameters[k] = resolveValue(v, d);
      const limit = Number(resolveValue(action.Parameters.InvocationTimeLimitSeconds ?? String(DEFAULT_FUNCTION_SECONDS), d));
      const timeLimitSeconds = Number.isFinite(limit) && limit >= 1 && limit <= 8 ? limit : DEFAULT_FUNCTION_SECONDS;
      lastDetail(out, { function: functionArn, parameters: JSON.stringify(parameters) });
      out.effects.push({
        type: 'InvokeFunction', actionId: action.Identifier, functionArn, timeLimitSeconds,
        responseType: action.Parameters.ResponseValidation?.ResponseType ?? 'STRING_MAP',
        event: lambdaEvent(out.state, parameters),
      });
      out.state = { ...out.state, waiting: { kind: 'function', functionArn } };
      return;
    }
    case 'Compare': {
      const value = resolveValue(action.Parameters.ComparisonValue, d);
      lastDetail(out, { value });
      return follow(catalog, out, conditionBranch(action.Transitions, value));
    }
    case 'UpdateContactAttributes': {
      const attributes = { ...out.state.attributes };
      for (const [k, v] of Object.entries(action.Parameters.Attributes)) attributes[k] = resolveValue(v, d);
      out.state = { ...out.state, attributes };
      lastDetail(out, Object.fromEntries(Object.keys(action.Parameters.Attributes).map((k) => [k, attributes[k] ?? ''])));
      return follow(catalog, out, 'next');
    }
    case 'UpdateContactTargetQueue': {
      const ref = resolveValue(action.Parameters.QueueId, d);
      const queue = catalog.queue(ref);
      if (!queue) {
        lastDetail(out, { error: `unknown queue ${JSON.stringify(ref)}` });
        return follow(catalog, out, 'error NoMatchingError');
      }
      out.state = { ...out.state, queue };
      lastDetail(out, { queue: queue.name });
      return follow(catalog, out, 'next');
    }
    case 'UpdateContactRecordingBehavior': {
      const participants = [...action.Parameters.RecordingBehavior.RecordedParticipants];
      out.state = { ...out.state, recordedParticipants: participants };
      out.effects.push({ type: 'UpdateRecording', participants });
      lastDetail(out, { recorded: participants.join(', ') || 'none' });
      return follow(catalog, out, 'next');
    }
    case 'UpdateContactTextToSpeechVoice': {
      const voice: Voice = {
        name: action.Parameters.TextToSpeechVoice,
        ...(action.Parameters.TextToSpeechEngine !== undefined ? { engine: action.Parameters.TextToSpeechEngine } : {}),
        ...(action.Parameters.TextToSpeechStyle !== undefined ? { style: action.Parameters.TextToSpeechStyle } : {}),
      };
      out.state = { ...out.state, voice };
      lastDetail(out, { voice: voice.name });
      return follow(catalog, out, 'next');
    }
    case 'UpdateFlowLoggingBehavior':
      out.state = { ...out.state, logging: action.Parameters.FlowLoggingBehavior === 'Enabled' };
      return follow(catalog, out, 'next');
    case 'UpdateContactEventHooks': {
      const hooks = { ...out.state.eventHooks };
      for (const [hook, ref] of Object.entries(action.Parameters.EventHooks)) {
        const flow = catalog.flow(resolveValue(ref, d));
        if (!flow) {
          lastDetail(out, { error: `${hook}: unknown flow ${ref}` });
          return follow(catalog, out, 'error NoMatchingError');
        }
        hooks[hook] = flow.id;
      }
      out.state = { ...out.state, eventHooks: hooks };
      return follow(catalog, out, 'next');
    }
    case 'UpdateContactMediaStreamingBehavior':
      // Recorded on the contact; chokutsu has no media stream to start.
      out.state = { ...out.state, mediaStreaming: action.Parameters.MediaStreamingState === 'Enabled' };
      return follow(catalog, out, 'next');
    case 'DistributeByPercentage': {
      const [n, rng] = random1to100(out.state.rng);
      out.state = { ...out.state, rng };
      lastDetail(out, { random: String(n) });
      return follow(catalog, out, conditionBranch(action.Transitions, String(n)));
    }
    case 'Wait': {
      const seconds = Number(resolveValue(action.Parameters.TimeLimitSeconds ?? '0', d));
      if (!Number.isFinite(seconds) || seconds < 0) return follow(catalog, out, 'error NoMatchingError');
      const timerId = nextTimer(out, seconds);
      out.state = { ...out.state, waiting: { kind: 'wait', timerId } };
      return;
    }
    case 'TransferContactToQueue': {
      const queue = out.state.queue;
      if (!queue) {
        lastDetail(out, { error: 'no queue set (UpdateContactTargetQueue)' });
        return follow(catalog, out, 'error NoMatchingError');
      }
      lastDetail(out, { queue: queue.name });
      setBranch(out, 'queued');
      out.effects.push({ type: 'TransferToQueue', actionId: action.Identifier, queue, routing: out.state.routing });
      out.state = { ...out.state, status: 'queued', waiting: { kind: 'queue', queue } };
      return;
    }
    case 'DisconnectParticipant':
      lastDetail(out, {});
      setBranch(out, 'end');
      return end(out, 'DISCONNECTED_BY_FLOW');
    case 'EndFlowExecution':
      setBranch(out, 'end');
      return end(out, 'FLOW_ENDED');
    case 'Loop': {
      const key = `${out.state.flowId}/${action.Identifier}`;
      const count = Number(resolveValue(action.Parameters.LoopCount, d));
      if (!Number.isInteger(count) || count < 0 || count > 100) return fail(out, `LoopCount ${JSON.stringify(action.Parameters.LoopCount)} is not 0–100`);
      const done = out.state.loops[key] ?? 0;
      const loops = { ...out.state.loops, [key]: done < count ? done + 1 : 0 }; // resets after DoneLooping
      out.state = { ...out.state, loops };
      lastDetail(out, { iteration: `${Math.min(done + 1, count + 1)}/${count + 1}` });
      return follow(catalog, out, `condition ${done < count ? 'ContinueLooping' : 'DoneLooping'}`);
    }
    case 'TransferToFlow': {
      const ref = resolveValue(action.Parameters.ContactFlowId, d);
      const flow = catalog.flow(ref);
      if (!flow) {
        lastDetail(out, { error: `unknown flow ${ref}` });
        return follow(catalog, out, 'error NoMatchingError');
      }
      lastDetail(out, { flow: flow.name });
      setBranch(out, 'transfer', flow.startAction);
      out.state = { ...out.state, flowId: flow.id, actionId: flow.startAction };
      return;
    }
    case 'MessageParticipantIteratively': {
      const messages = action.Parameters.Messages.map((m: PromptParameters) => promptOf(catalog, m, out.state));
      if (messages.length === 0 || messages.some((m) => m === undefined)) return follow(catalog, out, 'error NoMatchingError');
      const contents = messages as PromptContent[];
      const every = Number(resolveValue(action.Parameters.InterruptFrequencySeconds ?? '', d));
      const timerId = Number.isFinite(every) && every > 0 ? nextTimer(out, every) : undefined;
      out.effects.push({ type: 'PlayPrompt', actionId: action.Identifier, content: contents[0] as PromptContent, voice: out.state.voice, interruptible: false });
      out.state = { ...out.state, waiting: { kind: 'iterate', messages: contents, index: 0, ...(timerId ? { timerId } : {}) } };
      lastDetail(out, { messages: String(contents.length), ...(timerId ? { interruptEverySeconds: String(every) } : {}) });
      return;
    }
    case 'CheckMetricData': {
      const p = action.Parameters;
      const queue = p.QueueId !== undefined ? catalog.queue(resolveValue(p.QueueId, d))
        : p.AgentId !== undefined ? catalog.agentQueue(resolveValue(p.AgentId, d)) : out.state.queue;
      const value = queue ? catalog.queueMetric?.(queue.id, p.MetricType) : undefined;
      if (!queue || value === undefined) {
        lastDetail(out, { error: !queue ? 'no queue to check' : 'no queue metrics here' });
        return follow(catalog, out, 'error NoMatchingError');
      }
      lastDetail(out, { queue: queue.name, [p.MetricType]: String(value) });
      return follow(catalog, out, conditionBranch(action.Transitions, String(value)));
    }
    case 'TransferContactToAgent': {
      const queue = out.state.queue;
      const agentId = queue?.agentId;
      if (!queue || agentId === undefined) {
        // Connect disconnects a contact it cannot put through to the agent.
        lastDetail(out, { error: 'no agent queue set' });
        setBranch(out, 'end');
        return end(out, 'DISCONNECTED_BY_FLOW', 'no agent to transfer to');
      }
      lastDetail(out, { agent: agentId });
      setBranch(out, 'queued');
      out.effects.push({ type: 'TransferToAgent', actionId: action.Identifier, agentId, queue });
      out.state = { ...out.state, status: 'queued', waiting: { kind: 'queue', queue } };
      return;
    }
    case 'UpdateContactRoutingBehavior': {
      const p = action.Parameters;
      const priority = p.QueuePriority !== undefined ? Number(p.QueuePriority) : undefined;
      const adjust = p.QueueTimeAdjustmentSeconds !== undefined ? Number(p.QueueTimeAdjustmentSeconds) : undefined;
      const routing = { ...out.state.routing };
      if (priority !== undefined && Number.isInteger(priority) && priority > 0) routing.priority = priority;
      if (adjust !== undefined && Number.isInteger(adjust)) routing.timeAdjustSeconds = adjust;
      out.state = { ...out.state, routing };
      lastDetail(out, Object.fromEntries(Object.entries(routing).map(([k, v]) => [k, String(v)])));
      return follow(catalog, out, 'next');
    }
    default: {
      const unreachable: never = action;
      return fail(out, `unsupported action ${JSON.stringify(unreachable)}`);
    }
  }
}

function setBranch(out: Run, branch: string, next?: string): void {
  const path = out.state.path.slice();
  const last = path[path.length - 1];
  if (last) path[path.length - 1] = { ...last, branch, ...(next !== undefined ? { next } : {}) };
  out.state = { ...out.state, path };
}

function onInput(
  catalog: FlowCatalog, out: Run, w: Extract<Waiting, { kind: 'input' }>, event: ContactEvent,
): StepResult | undefined {
  const c = w.config;
  if (event.type === 'PromptPlayed') {
    if (w.phase !== 'prompt') return undefined;
    const timerId = nextTimer(out, c.timeLimitSeconds);
    out.state = { ...out.state, waiting: { ...w, phase: 'collecting', timerId } };
    return out;
  }
  if (event.type === 'TimerExpired') {
    if (event.timerId !== w.timerId) return undefined;
    if (!c.store) return finishInput(catalog, out, w, { timeout: true });
    // Connect stores "Timeout" when nothing was entered and takes the success branch.
    return finishInput(catalog, out, w, { value: w.digits.length > 0 ? w.digits : 'Timeout' });
  }
  if (event.type !== 'Dtmf') return undefined;
  if (!/^[0-9*#A-D]$/.test(event.digit)) return undefined;

  if (w.phase === 'prompt') out.effects.push({ type: 'StopPrompt' }); // a key interrupts the prompt
  if (w.timerId) out.effects.push({ type: 'CancelTimer', timerId: w.timerId });
  const base = { ...w, phase: 'collecting' as const };
  delete base.timerId;

  if (!c.store) return finishInput(catalog, out, base, { value: event.digit });
  if (event.digit === '*' && c.cancelKey) {
    // The cancel key clears what was entered; the customer starts again.
    const timerId = nextTimer(out, c.timeLimitSeconds);
    out.state = { ...out.state, waiting: { ...base, digits: '', timerId } };
    return out;
  }
  const digits = w.digits + event.digit;
  if (c.terminator && digits.endsWith(c.terminator)) {
    return finishInput(catalog, out, base, { value: digits.slice(0, -c.terminator.length) });
  }
  if (digits.length >= c.maxDigits) return finishInput(catalog, out, base, { value: digits });
  const timerId = nextTimer(out, c.interdigitSeconds);
  out.state = { ...out.state, waiting: { ...base, digits, timerId } };
  return out;
}

function finishInput(
  catalog: FlowCatalog, out: Run, w: Extract<Waiting, { kind: 'input' }>,
  result: { value: string } | { timeout: true },
): StepResult {
  const { waiting: _w, ...rest } = out.state;
  out.state = rest;
  if ('timeout' in result) {
    lastDetail(out, { input: '(none: timed out)' });
    return run(catalog, takeError(out, 'InputTimeLimitExceeded'));
  }
  lastDetail(out, { input: result.value });
  if (!w.config.store) {
    const t = transitions(catalog, out.state);
    const matched = t.Conditions?.some((c) => matches(c.Condition.Operator, result.value, c.Condition.Operands[0] ?? ''));
    return run(catalog, matched ? takeCondition(out, result.value) : takeError(out, 'NoMatchingCondition'));
  }
  let value = result.value;
  const pv = w.config.phoneValidation;
  if (pv && value !== 'Timeout') {
    const e164 = toE164(value, pv);
    if (!e164) return run(catalog, takeError(out, 'InvalidPhoneNumber'));
    value = e164;
  }
  out.state = { ...out.state, storedCustomerInput: value };
  return run(catalog, leave(out, 'next'));
}

const CALLING_CODES: Record<string, string> = { JP: '81', US: '1', CA: '1', GB: '44', AU: '61', DE: '49', FR: '33', KR: '82', CN: '86' };

function toE164(digits: string, v: { format: 'Local' | 'E164'; countryCode?: string }): string | undefined {
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const full = v.format === 'E164' ? digits : `${CALLING_CODES[v.countryCode ?? 'US'] ?? ''}${digits.replace(/^0/, '')}`;
  return /^[1-9][0-9]{6,14}$/.test(full) ? `+${full}` : undefined;
}

function inputConfig(p: GetParticipantInputParameters, d: ContactDataView): InputConfig {
  const num = (v: string | undefined, fallback: number) => {
    const n = v === undefined ? NaN : Number(resolveValue(v, d));
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const dtmf = p.DTMFConfiguration ?? {};
  const phone = p.InputValidation?.PhoneNumberValidation;
  return {
    store: p.StoreInput === 'True',
    timeLimitSeconds: num(p.InputTimeLimitSeconds, DEFAULT_INPUT_SECONDS),
    interdigitSeconds: num(dtmf.InterdigitTimeLimitSeconds, DEFAULT_INTERDIGIT_SECONDS),
    maxDigits: num(p.InputValidation?.CustomValidation?.MaximumLength, DEFAULT_MAX_DIGITS),
    terminator: dtmf.InputTerminationSequence ?? (p.StoreInput === 'True' ? '#' : ''),
    cancelKey: dtmf.DisableCancelKey !== 'True',
    ...(phone ? { phoneValidation: { format: phone.NumberFormat, ...(phone.CountryCode ? { countryCode: phone.CountryCode } : {}) } } : {}),
  };
}

/** The first Condition that matches `value`, else NoMatchingCondition (Compare, DistributeByPercentage). */
function conditionBranch(t: Transitions, value: string): string {
  return t.Conditions?.some((c) => matches(c.Condition.Operator, value, c.Condition.Operands[0] ?? ''))
    ? `condition ${value}` : 'error NoMatchingCondition';
}

export function matches(operator: string, value: string, operand: string): boolean {
  const a = Number(value);
  const b = Number(operand);
  const numeric = value.trim() !== '' && operand.trim() !== '' && Number.isFinite(a) && Number.isFinite(b);
  switch (operator) {
    case 'Equals': return value === operand;
    case 'NumberGreaterThan': return numeric && a > b;
    case 'NumberGreaterOrEqualTo': return numeric && a >= b;
    case 'NumberLessThan': return numeric && a < b;
    case 'NumberLessOrEqualTo': return numeric && a <= b;
    case 'TextStartsWith': return value.startsWith(operand);
    case 'TextEndsWith': return value.endsWith(operand);
    case 'TextContains': return value.includes(operand);
    default: return false;
  }
}

function lambdaEvent(state: ContactState, parameters: Record<string, string>): ConnectContactFlowEvent {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { ...state.attributes },
        Channel: state.channel,
        ContactId: state.contactId,
        CustomerEndpoint: state.customerAddress !== undefined ? { Address: state.customerAddress, Type: 'TELEPHONE_NUMBER' } : null,
        SystemEndpoint: state.systemAddress !== undefined ? { Address: state.systemAddress, Type: 'TELEPHONE_NUMBER' } : null,
        InitialContactId: state.initialContactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: state.instanceArn,
        PreviousContactId: '',
        Queue: state.queue ? { ARN: state.queue.arn, Name: state.queue.name } : null,
        LanguageCode: state.languageCode,
        MediaStreams: { Customer: { Audio: null } },
      },
      Parameters: parameters,
    },
  };
}

// DistributeByPercentage draws from a PRNG kept in the contact state, so a run is reproducible.
function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function random1to100(seed: number): [number, number] {
  // mulberry32
  const next = (seed + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return [1 + Math.floor(r * 100), next];
}

export { actionSpecs };
