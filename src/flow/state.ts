// A contact as the flow interpreter sees it, the events that reach it and the effects it asks for.
import type { PromptInfo, QueueInfo } from './catalog.ts';
import type { ConnectContactFlowEvent } from './connect-event.ts';
import type { Flow } from './types.ts';

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
  /**
   * How the action left: "next", "condition 200" (the value a Condition matched), "error NoMatchingError",
   * "queued", "transfer", "end", "hangup"; "pending" while it waits (see outcome.ts branchText).
   */
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

/** What the contact waits for on its current action; each waiting action reads its own kind. */
export type Waiting =
  | { kind: 'prompt' }
  | { kind: 'input'; config: InputConfig; phase: 'prompt' | 'collecting'; digits: string; timerId?: string }
  | { kind: 'function'; functionArn: string }
  | { kind: 'wait'; timerId: string }
  | { kind: 'queue'; queue: QueueInfo }
  | { kind: 'iterate'; messages: PromptContent[]; index: number; timerId?: string };

export type WaitingFor<K extends Waiting['kind']> = Extract<Waiting, { kind: K }>;

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

/** One step in progress: the state so far and the effects asked for so far. */
export interface Run {
  state: ContactState;
  effects: ContactEffect[];
}
