// The action types chokutsu runs (from the registry, actions/index.ts) and those it knows but does not run.
import type { ActionSpec } from './action.ts';
import { actions } from './actions/index.ts';
import type { FlowType, SupportedActionType } from './types.ts';

export type { ActionSpec } from './action.ts';

/** What the validator knows about each supported type, as each action module declares it. */
export const actionSpecs = Object.fromEntries(
  Object.entries(actions).map(([type, definition]) => [type, definition.spec]),
) as Record<SupportedActionType, ActionSpec>;

export const supportedActionTypes = Object.keys(actions) as SupportedActionType[];

export function isSupportedType(type: string): type is SupportedActionType {
  return Object.hasOwn(actions, type);
}

const LEX = 'needs an Amazon Lex bot (speech or text understanding); chokutsu takes DTMF only';
const PROFILES = 'needs Amazon Connect Customer Profiles; chokutsu keeps its own customer list';
const CASES = 'needs Amazon Connect Cases';
const VOICE_ID = 'needs Amazon Connect Voice ID (caller voice authentication)';
// These run in an outbound contact's whisper flow (an agent's or a campaign's dial-out, answering-machine
// detection); the line's outbound legs belong to inbound contacts (docs/flow-language.md).
const OUTBOUND = 'runs only in an outbound contact (an agent\'s or a campaign\'s dial-out, with answering-machine detection); chokutsu dials out only for inbound contacts (third-party transfers, callbacks)';
const TASKS = 'needs the task or chat channel; chokutsu has voice calls only';
const WISDOM = 'needs Amazon Q in Connect (Wisdom) or Connect AI agents';

/**
 * Action types of the Connect Flow Language that chokutsu knows but does not run, with why. Kept
 * against "Actions in the Amazon Connect Flow Language" (APIReference flow-language-actions), so a
 * real export never reads "not a Flow Language action type". docs/flow-language.md lists them too.
 */
export const knownUnsupportedTypes: ReadonlyMap<string, string> = new Map([
  ['ConnectParticipantWithLexBot', LEX],
  ['ConnectParticipantWithAgenticCX', WISDOM],
  ['CreateWisdomSession', WISDOM],
  ['AssociateContactToCustomerProfile', PROFILES],
  ['CreateCustomerProfile', PROFILES],
  ['GetCustomerProfile', PROFILES],
  ['GetCustomerProfileObject', PROFILES],
  ['UpdateCustomerProfile', PROFILES],
  ['GetCalculatedAttributesForCustomerProfile', PROFILES],
  ['CreateCase', CASES],
  ['GetCase', CASES],
  ['UpdateCase', CASES],
  ['CheckVoiceId', VOICE_ID],
  ['StartVoiceIdStream', VOICE_ID],
  ['CompleteOutboundCall', OUTBOUND],
  ['CheckOutboundCallStatus', OUTBOUND],
  ['CreateTask', TASKS],
  ['UpdateContactSchedule', TASKS],
  ['StartOutboundChatContact', TASKS],
  ['ResumeContact', TASKS],
  ['CreatePersistentContactAssociation', `${TASKS} (persistent chat)`],
  ['ShowView', 'needs the agent workspace step-by-step guides (views); the agent page here has none'],
  ['UpdatePreviousContactParticipantState', 'needs the agent leg of a previous contact to hold or resume (secure input with an agent on the line)'],
  ['UpdateContactMediaProcessing', 'needs chat message processing (Lambda on each chat message)'],
  ['UpdateContactRecordingAndAnalyticsBehavior', 'needs Contact Lens analytics; UpdateContactRecordingBehavior sets recording here'],
]);

const INBOUND_AND_TRANSFER: readonly FlowType[] = ['CONTACT_FLOW', 'AGENT_TRANSFER', 'QUEUE_TRANSFER', 'module'];
const AND_CUSTOMER_QUEUE: readonly FlowType[] = [...INBOUND_AND_TRANSFER, 'CUSTOMER_QUEUE'];
const WHISPERS: readonly FlowType[] = ['CUSTOMER_WHISPER', 'AGENT_WHISPER', 'OUTBOUND_WHISPER'];

/**
 * The flow types each action may be used in, from the "Restrictions" section of its Flow Language
 * reference page (APIReference flow-language-actions); a type not listed runs in every flow type.
 * A flow module is run from an inbound flow, so it takes what an inbound flow takes (chokutsu's
 * reading: the reference does not list modules). docs/flow-language.md cites each.
 */
export const allowedFlowTypes: Partial<Record<SupportedActionType, readonly FlowType[]>> = {
  MessageParticipant: [...AND_CUSTOMER_QUEUE, ...WHISPERS],
  GetParticipantInput: AND_CUSTOMER_QUEUE,
  MessageParticipantIteratively: ['CUSTOMER_QUEUE', 'CUSTOMER_HOLD', 'AGENT_HOLD'],
  CheckHoursOfOperation: AND_CUSTOMER_QUEUE,
  CheckMetricData: AND_CUSTOMER_QUEUE,
  DistributeByPercentage: AND_CUSTOMER_QUEUE,
  UpdateContactTargetQueue: INBOUND_AND_TRANSFER,
  TransferContactToQueue: INBOUND_AND_TRANSFER,
  TransferToFlow: INBOUND_AND_TRANSFER,
  UpdateContactRecordingBehavior: [...AND_CUSTOMER_QUEUE, 'OUTBOUND_WHISPER'],
  UpdateContactMediaStreamingBehavior: [...AND_CUSTOMER_QUEUE, ...WHISPERS],
  EndFlowExecution: ['CUSTOMER_QUEUE', ...WHISPERS],
  TransferContactToAgent: ['AGENT_TRANSFER', 'QUEUE_TRANSFER'],
  UpdateContactRoutingBehavior: ['CONTACT_FLOW', 'module'],
  DequeueContactAndTransferToQueue: ['CUSTOMER_QUEUE'],
  UpdateRoutingCriteria: AND_CUSTOMER_QUEUE,
  UpdateContactRoutingCriteria: AND_CUSTOMER_QUEUE,
  InvokeFlowModule: ['CONTACT_FLOW', 'module'],
  EndFlowModuleExecution: ['module'],
  TransferParticipantToThirdParty: AND_CUSTOMER_QUEUE,
  CreateCallbackContact: AND_CUSTOMER_QUEUE,
  UpdateContactCallbackNumber: AND_CUSTOMER_QUEUE,
};

/** Whether an action type may be used in a flow of this type. */
export function allowedIn(type: SupportedActionType, flowType: FlowType): boolean {
  return allowedFlowTypes[type]?.includes(flowType) ?? true;
}
