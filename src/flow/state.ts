// A contact as the flow interpreter sees it, the events that reach it and the effects it asks for.
import type { PromptInfo, QueueInfo } from './catalog.ts';
import type { ConnectContactFlowEvent } from './connect-event.ts';
import type { Flow, QueueMetricType } from './types.ts';

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
  | { kind: 'iterate'; messages: PromptContent[]; index: number; timerId?: string }
  /** TransferParticipantToThirdParty: the outbound leg rings (timerId: ThirdPartyConnectionTimeLimitSeconds), then talks. */
  | { kind: 'thirdParty'; number: string; continueFlow: boolean; answered: boolean; timerId?: string };

export type WaitingFor<K extends Waiting['kind']> = Extract<Waiting, { kind: K }>;

export interface ContactData {
  name?: string;
  description?: string;
  references?: Record<string, { Type: string; Value: string }>;
}

/**
 * A routing step (UpdateRoutingCriteria): offered first to the preferred agents, or to agents whose
 * proficiencies meet every condition, until the step expires.
 */
export interface RoutingStep {
  agentIds?: string[];
  proficiencies?: { name: string; value: string; level: number }[];
  /** Seconds the step lasts; undefined: it does not expire. */
  expirySeconds?: number;
}

export interface RoutingCriteria {
  steps: RoutingStep[];
}

export interface QueueMetrics {
  queue: { id: string; arn: string; name: string };
  values: Partial<Record<QueueMetricType, number>>;
}

export interface ModuleFrame {
  /** The flow and the InvokeFlowModule action the module returns to. */
  flowId: string;
  actionId: string;
  flowAttributes: Record<string, string>;
}

export type EndReason =
  | 'DISCONNECTED_BY_FLOW' | 'FLOW_ENDED' | 'CUSTOMER_DISCONNECT' | 'FLOW_ERROR' | 'CONNECTED_TO_AGENT'
  /** TransferParticipantToThirdParty with ContinueFlowExecution False: the caller stays bridged to the third party. */
  | 'TRANSFERRED_TO_THIRD_PARTY';

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
  /** UpdateFlowAttributes: $.FlowAttributes.x, for the current flow only (cleared on a transfer, kept apart in a module). */
  flowAttributes?: Record<string, string>;
  /** TagContact / UnTagContact: user-defined tags on the contact record. */
  tags?: Record<string, string>;
  /** UpdateContactData: the contact's name, description and references, for the contact record. */
  contactData?: ContactData;
  /** UpdateRoutingCriteria: routing steps, activated when the contact is queued. */
  routingCriteria?: RoutingCriteria;
  /** UpdateContactCallbackNumber: the number CreateCallbackContact calls (default: the caller's). */
  callbackNumber?: string;
  /** GetMetricData: the last queue metrics read ($.Metrics.…). */
  metrics?: QueueMetrics;
  /** InvokeFlowModule: where each running module returns to (innermost last). */
  modules?: ModuleFrame[];
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
  | { type: 'CustomerDisconnected'; at: number }
  /** The third party (TransferParticipantToThirdParty) answered, could not be reached, or hung up after answering. */
  | { type: 'ThirdPartyAnswered'; at: number }
  | { type: 'ThirdPartyFailed'; message: string; at: number }
  | { type: 'ThirdPartyDisconnected'; at: number };

export type ContactEffect =
  | { type: 'PlayPrompt'; actionId: string; content: PromptContent; voice: Voice; interruptible: boolean }
  | { type: 'StopPrompt' }
  | { type: 'StartTimer'; timerId: string; seconds: number }
  | { type: 'CancelTimer'; timerId: string }
  | { type: 'InvokeFunction'; actionId: string; functionArn: string; timeLimitSeconds: number; responseType: 'STRING_MAP' | 'JSON'; event: ConnectContactFlowEvent }
  | { type: 'UpdateRecording'; participants: string[] }
  | { type: 'TransferToQueue'; actionId: string; queue: QueueInfo; routing: ContactState['routing']; criteria?: RoutingCriteria }
  /** DequeueContactAndTransferToQueue (customer queue flow): the waiting contact moves to another queue. */
  | { type: 'MoveToQueue'; actionId: string; queue: QueueInfo }
  /** TagContact, UnTagContact, UpdateContactData: what the contact record shows changed. */
  | { type: 'UpdateContactRecord'; tags?: Record<string, string>; contactData?: ContactData }
  | { type: 'TransferToAgent'; actionId: string; agentId: string; queue: QueueInfo }
  | { type: 'Disconnect'; reason: EndReason; actionId?: string }
  /** TransferParticipantToThirdParty: dial the number through the outbound trunk and bridge it with the caller. */
  | { type: 'DialThirdParty'; actionId: string; number: string; callerId?: { number?: string; name?: string }; dtmf?: string; continueFlow: boolean }
  /** CreateCallbackContact: a new contact that calls `number` back when an agent of `queue` takes it. */
  | { type: 'CreateCallback'; actionId: string; number: string; queue: QueueInfo; initialDelaySeconds: number; maxAttempts: number; retryDelaySeconds: number }
  /** The third party did not answer within ThirdPartyConnectionTimeLimitSeconds: cancel the outbound leg. */
  | { type: 'CancelThirdParty'; actionId: string };

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
