// The action types chokutsu runs (from the registry, actions/index.ts) and those it knows but does not run.
import type { ActionSpec } from './action.ts';
import { actions } from './actions/index.ts';
import type { SupportedActionType } from './types.ts';

export type { ActionSpec } from './action.ts';

/** What the validator knows about each supported type, as each action module declares it. */
export const actionSpecs = Object.fromEntries(
  Object.entries(actions).map(([type, definition]) => [type, definition.spec]),
) as Record<SupportedActionType, ActionSpec>;

export const supportedActionTypes = Object.keys(actions) as SupportedActionType[];

export function isSupportedType(type: string): type is SupportedActionType {
  return Object.hasOwn(actions, type);
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
  'UpdateCustomerProfile', 'UpdateFlowAttributes', 'UpdatePreviousContactParticipantState',
  'UpdateContactSchedule', 'StartOutboundChatContact',
]);
