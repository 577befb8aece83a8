// Amazon Connect Flow Language, as exported by Connect (Version "2019-10-30").
// https://docs.aws.amazon.com/connect/latest/APIReference/flow-language.html

export interface FlowCondition {
  NextAction: string;
  Condition: { Operator: string; Operands: string[] };
}

export interface FlowError {
  NextAction: string;
  ErrorType: string;
}

export interface Transitions {
  NextAction?: string;
  Errors?: FlowError[];
  Conditions?: FlowCondition[];
}

/** The error types the supported actions raise (Transitions.Errors[].ErrorType). */
export type FlowErrorType =
  | 'NoMatchingError' | 'NoMatchingCondition' | 'InputTimeLimitExceeded' | 'InvalidPhoneNumber' | 'QueueAtCapacity'
  | 'CallFailed' | 'ConnectionTimeLimitExceeded' | 'InvalidCallbackNumber' | 'CallbackNumberNotDialable';

/** A prompt source shared by MessageParticipant and GetParticipantInput: exactly one of these. */
export interface PromptParameters {
  Text?: string;
  SSML?: string;
  PromptId?: string;
}

export type QueueMetricType =
  | 'NumberOfAgentsAvailable' | 'NumberOfAgentsStaffed' | 'NumberOfAgentsOnline'
  | 'OldestContactInQueueAgeSeconds' | 'NumberOfContactsInQueue';

/**
 * The Parameters of each supported action type, by Type. Each module in ./actions/ adds its own
 * entry (`declare module '../types.ts'`); actions/index.ts must then register it, or the compiler
 * says which type is missing.
 */
export interface ActionParameters {}

export type SupportedActionType = keyof ActionParameters;

export interface Action<T extends string, P> {
  Identifier: string;
  Type: T;
  Parameters: P;
  Transitions: Transitions;
}

/** The action types this interpreter runs: a discriminated union on `Type`. */
export type SupportedAction = { [T in SupportedActionType]: Action<T, ActionParameters[T]> }[SupportedActionType];

/** The action of type T (for a union of types, the union of their actions). */
export type ActionOf<T extends SupportedActionType> = T extends SupportedActionType ? Action<T, ActionParameters[T]> : never;

/** An action as found in a file: any type, parameters not yet checked. */
export interface RawAction {
  Identifier: string;
  Type: string;
  Parameters?: Record<string, unknown>;
  Transitions?: Transitions;
}

export interface FlowDocument {
  Version: string;
  StartAction: string;
  Metadata?: Record<string, unknown>;
  Actions: RawAction[];
}

/** A flow that passed validation and is ready to run. */
export interface Flow {
  id: string;
  name: string;
  arn?: string;
  startAction: string;
  actions: ReadonlyMap<string, SupportedAction>;
  document: FlowDocument;
  /** Known when the instance definition says it (CONTACT_FLOW by default there); a lone export has none. */
  type?: FlowType;
}

/**
 * Connect's flow types (ContactFlow.Type, CreateContactFlow) and, beside them, flow modules (a
 * separate resource in Connect, ContactFlowModule: what InvokeFlowModule runs).
 */
export const CONTACT_FLOW_TYPES = [
  'CONTACT_FLOW', 'CUSTOMER_QUEUE', 'CUSTOMER_HOLD', 'CUSTOMER_WHISPER', 'AGENT_HOLD', 'AGENT_WHISPER',
  'OUTBOUND_WHISPER', 'AGENT_TRANSFER', 'QUEUE_TRANSFER',
] as const;
export type ContactFlowType = typeof CONTACT_FLOW_TYPES[number];
export type FlowType = ContactFlowType | 'module';
