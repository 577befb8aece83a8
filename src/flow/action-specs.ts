import type { SupportedActionType } from './types.ts';

/** What the validator needs to know about one supported action type. */
export interface ActionSpec {
  /** Parameters that must be present (dotted paths into Parameters). */
  required: string[];
  /** Error types the action can raise; those listed in `mustHandle` need a transition. */
  errors: string[];
  mustHandle: string[];
  /** Condition results the action produces; undefined = no conditions allowed. 'any' = free-form values. */
  conditions?: readonly string[] | 'any';
  /** Condition results that need a transition. */
  mustHandleConditions?: string[];
  /** The action needs a NextAction (its success path). */
  needsNext: boolean;
  /** The contact's flow run ends here. */
  terminal: boolean;
}

const spec = (s: Partial<ActionSpec>): ActionSpec => ({
  required: [], errors: [], mustHandle: [], needsNext: true, terminal: false, ...s,
});

// Shapes follow "Actions in the Amazon Connect Flow Language" (APIReference, flow-language-actions).
export const actionSpecs: Record<SupportedActionType, ActionSpec> = {
  MessageParticipant: spec({ errors: ['NoMatchingError'] }),
  GetParticipantInput: spec({
    errors: ['NoMatchingError', 'NoMatchingCondition', 'InputTimeLimitExceeded', 'InvalidPhoneNumber'],
    conditions: 'any',
  }),
  CheckHoursOfOperation: spec({
    errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'],
    conditions: ['True', 'False'], mustHandleConditions: ['True', 'False'], needsNext: false,
  }),
  InvokeLambdaFunction: spec({ required: ['LambdaFunctionARN'], errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'] }),
  Compare: spec({
    required: ['ComparisonValue'], errors: ['NoMatchingCondition'], mustHandle: ['NoMatchingCondition'],
    conditions: 'any', needsNext: false,
  }),
  UpdateContactAttributes: spec({ required: ['Attributes'], errors: ['NoMatchingError'] }),
  UpdateContactTargetQueue: spec({ required: ['QueueId'], errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'] }),
  UpdateContactRecordingBehavior: spec({ required: ['RecordingBehavior.RecordedParticipants'] }),
  UpdateContactTextToSpeechVoice: spec({ required: ['TextToSpeechVoice'] }),
  UpdateFlowLoggingBehavior: spec({ required: ['FlowLoggingBehavior'] }),
  UpdateContactEventHooks: spec({ required: ['EventHooks'], errors: ['NoMatchingError'] }),
  UpdateContactMediaStreamingBehavior: spec({ required: ['MediaStreamingState'], errors: ['NoMatchingError'] }),
  DistributeByPercentage: spec({
    errors: ['NoMatchingCondition'], mustHandle: ['NoMatchingCondition'], conditions: 'any', needsNext: false,
  }),
  Wait: spec({
    errors: ['NoMatchingError'], conditions: ['WaitCompleted', 'CustomerReturned', 'BotParticipantDisconnected', 'ParticipantDisconnected'],
    mustHandleConditions: ['WaitCompleted'], needsNext: false,
  }),
  TransferContactToQueue: spec({ errors: ['QueueAtCapacity', 'NoMatchingError'], mustHandle: ['NoMatchingError'], needsNext: false }),
  DisconnectParticipant: spec({ needsNext: false, terminal: true }),
  EndFlowExecution: spec({ needsNext: false, terminal: true }),
  Loop: spec({
    required: ['LoopCount'], conditions: ['ContinueLooping', 'DoneLooping'],
    mustHandleConditions: ['ContinueLooping', 'DoneLooping'], needsNext: false,
  }),
  TransferToFlow: spec({ required: ['ContactFlowId'], errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'], needsNext: false }),
  // Loops its messages until the contact leaves (customer queue and hold flows), or until
  // InterruptFrequencySeconds elapse: then MessagesInterrupted.
  MessageParticipantIteratively: spec({ required: ['Messages'], errors: ['NoMatchingError'], conditions: ['MessagesInterrupted'], needsNext: false }),
  CheckMetricData: spec({ required: ['MetricType'], errors: ['NoMatchingError', 'NoMatchingCondition'], conditions: 'any', needsNext: false }),
  // Ends the flow and rings the agent of the contact's agent queue.
  TransferContactToAgent: spec({ needsNext: false, terminal: true }),
  UpdateContactRoutingBehavior: spec({}),
};

export const supportedActionTypes = Object.keys(actionSpecs) as SupportedActionType[];

export function isSupportedType(type: string): type is SupportedActionType {
  return Object.hasOwn(actionSpecs, type);
}

/** Action types of the Connect Flow Language that chokutsu does not run yet (known, so not "unknown"). */
export const knownUnsupportedTypes: ReadonlySet<string> = new Set([
  'AssociateContactToCustomerProfile', 'CheckOutboundCallStatus', 'CheckVoiceId',
  'CompleteOutboundCall', 'ConnectParticipantWithLexBot', 'CreateCallbackContact', 'CreateCase',
  'CreateCustomerProfile', 'CreatePersistentContactAssociation', 'CreateTask', 'CreateWisdomSession',
  'DequeueContactAndTransferToQueue', 'GetCase', 'GetCustomerProfile', 'GetCustomerProfileObject',
  'GetMetricData', 'InvokeFlowModule', 'ResumeContact', 'ShowView',
  'StartVoiceIdStream', 'TagContact', 'TransferParticipantToThirdParty',
  'UnTagContact', 'UpdateCase', 'UpdateContactCallbackNumber', 'UpdateContactData',
  'UpdateContactMediaProcessing', 'UpdateContactRecordingAndAnalyticsBehavior', 
  'UpdateCustomerProfile', 'UpdateFlowAttributes', 'UpdatePreviousContactParticipantState', 'UpdateRoutingCriteria',
  'UpdateContactSchedule', 'StartOutboundChatContact',
]);
