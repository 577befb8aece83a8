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

/** A prompt source shared by MessageParticipant and GetParticipantInput: exactly one of these. */
export interface PromptParameters {
  Text?: string;
  SSML?: string;
  PromptId?: string;
}

export interface GetParticipantInputParameters extends PromptParameters {
  InputTimeLimitSeconds?: string;
  StoreInput?: 'True' | 'False';
  InputValidation?: {
    PhoneNumberValidation?: { NumberFormat: 'Local' | 'E164'; CountryCode?: string };
    CustomValidation?: { MaximumLength: string };
  };
  InputEncryption?: { EncryptionKeyId: string; Key: string };
  DTMFConfiguration?: {
    DisableCancelKey?: 'True' | 'False';
    InputTerminationSequence?: string;
    InterdigitTimeLimitSeconds?: string;
  };
}

export interface InvokeLambdaFunctionParameters {
  LambdaFunctionARN: string;
  InvocationTimeLimitSeconds?: string;
  LambdaInvocationAttributes?: Record<string, string>;
  ResponseValidation?: { ResponseType: 'STRING_MAP' | 'JSON' };
}

interface Action<T extends string, P> {
  Identifier: string;
  Type: T;
  Parameters: P;
  Transitions: Transitions;
}

/** The action types this interpreter runs: a discriminated union on `Type`. */
export type SupportedAction =
  | Action<'MessageParticipant', PromptParameters>
  | Action<'GetParticipantInput', GetParticipantInputParameters>
  | Action<'CheckHoursOfOperation', { HoursOfOperationId?: string }>
  | Action<'InvokeLambdaFunction', InvokeLambdaFunctionParameters>
  | Action<'Compare', { ComparisonValue: string }>
  | Action<'UpdateContactAttributes', { Attributes: Record<string, string>; TargetContact?: string }>
  | Action<'UpdateContactTargetQueue', { QueueId: string }>
  | Action<'UpdateContactRecordingBehavior', {
      RecordingBehavior: { RecordedParticipants: string[]; IVRRecordingBehavior?: string };
      AnalyticsBehavior?: unknown;
    }>
  | Action<'UpdateContactTextToSpeechVoice', {
      TextToSpeechVoice: string; TextToSpeechEngine?: string; TextToSpeechStyle?: string;
    }>
  | Action<'UpdateFlowLoggingBehavior', { FlowLoggingBehavior: 'Enabled' | 'Disabled' }>
  | Action<'UpdateContactEventHooks', { EventHooks: Record<string, string> }>
  | Action<'UpdateContactMediaStreamingBehavior', {
      MediaStreamingState: 'Enabled' | 'Disabled';
      Participants?: { ParticipantType: string; MediaDirections: string[] }[];
      MediaStreamType?: string;
    }>
  | Action<'DistributeByPercentage', Record<string, never>>
  | Action<'Wait', { TimeLimitSeconds?: string; Events?: string[] }>
  | Action<'TransferContactToQueue', Record<string, never>>
  | Action<'DisconnectParticipant', Record<string, never>>
  | Action<'EndFlowExecution', Record<string, never>>
  | Action<'Loop', { LoopCount: string }>
  | Action<'TransferToFlow', { ContactFlowId: string }>
  | Action<'MessageParticipantIteratively', { Messages: PromptParameters[]; InterruptFrequencySeconds?: string }>
  | Action<'CheckMetricData', { MetricType: QueueMetricType; QueueId?: string; AgentId?: string }>
  | Action<'TransferContactToAgent', Record<string, never>>
  | Action<'UpdateContactRoutingBehavior', { QueuePriority?: string; QueueTimeAdjustmentSeconds?: string }>;

export type QueueMetricType =
  | 'NumberOfAgentsAvailable' | 'NumberOfAgentsStaffed' | 'NumberOfAgentsOnline'
  | 'OldestContactInQueueAgeSeconds' | 'NumberOfContactsInQueue';

export type SupportedActionType = SupportedAction['Type'];

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
}
