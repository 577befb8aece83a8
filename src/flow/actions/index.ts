// The supported action types, one module each. Shapes follow "Actions in the Amazon Connect Flow
// Language" (APIReference, flow-language-actions). Adding a type is a module in this folder (which
// declares its Parameters into ActionParameters) and one line below: the compiler names a type
// declared but not listed here, or listed but not declared.
import type { ActionDefinition } from '../action.ts';
import type { SupportedActionType } from '../types.ts';
import { checkHoursOfOperation } from './check-hours-of-operation.ts';
import { checkMetricData } from './check-metric-data.ts';
import { compare } from './compare.ts';
import { disconnectParticipant } from './disconnect-participant.ts';
import { distributeByPercentage } from './distribute-by-percentage.ts';
import { endFlowExecution } from './end-flow-execution.ts';
import { getParticipantInput } from './get-participant-input.ts';
import { invokeLambdaFunction } from './invoke-lambda-function.ts';
import { loop } from './loop.ts';
import { messageParticipant } from './message-participant.ts';
import { messageParticipantIteratively } from './message-participant-iteratively.ts';
import { transferContactToAgent } from './transfer-contact-to-agent.ts';
import { transferContactToQueue } from './transfer-contact-to-queue.ts';
import { transferToFlow } from './transfer-to-flow.ts';
import { updateContactAttributes } from './update-contact-attributes.ts';
import { updateContactEventHooks } from './update-contact-event-hooks.ts';
import { updateContactMediaStreamingBehavior } from './update-contact-media-streaming-behavior.ts';
import { updateContactRecordingBehavior } from './update-contact-recording-behavior.ts';
import { updateContactRoutingBehavior } from './update-contact-routing-behavior.ts';
import { updateContactTargetQueue } from './update-contact-target-queue.ts';
import { updateContactTextToSpeechVoice } from './update-contact-text-to-speech-voice.ts';
import { updateFlowLoggingBehavior } from './update-flow-logging-behavior.ts';
import { waitAction } from './wait.ts';
import { updateFlowAttributes } from './update-flow-attributes.ts';
import { tagContact } from './tag-contact.ts';
import { unTagContact } from './un-tag-contact.ts';
import { updateContactData } from './update-contact-data.ts';
import { getMetricData } from './get-metric-data.ts';
import { dequeueContactAndTransferToQueue } from './dequeue-contact-and-transfer-to-queue.ts';
import { invokeFlowModule } from './invoke-flow-module.ts';
import { endFlowModuleExecution } from './end-flow-module-execution.ts';
import { updateRoutingCriteria } from './update-routing-criteria.ts';
import { updateContactRoutingCriteria } from './update-contact-routing-criteria.ts';
import { transferParticipantToThirdParty } from './transfer-participant-to-third-party.ts';
import { updateContactCallbackNumber } from './update-contact-callback-number.ts';
import { createCallbackContact } from './create-callback-contact.ts';

export const actions: { readonly [T in SupportedActionType]: ActionDefinition<T> } = {
  MessageParticipant: messageParticipant,
  GetParticipantInput: getParticipantInput,
  CheckHoursOfOperation: checkHoursOfOperation,
  InvokeLambdaFunction: invokeLambdaFunction,
  Compare: compare,
  UpdateContactAttributes: updateContactAttributes,
  UpdateContactTargetQueue: updateContactTargetQueue,
  UpdateContactRecordingBehavior: updateContactRecordingBehavior,
  UpdateContactTextToSpeechVoice: updateContactTextToSpeechVoice,
  UpdateFlowLoggingBehavior: updateFlowLoggingBehavior,
  UpdateContactEventHooks: updateContactEventHooks,
  UpdateContactMediaStreamingBehavior: updateContactMediaStreamingBehavior,
  DistributeByPercentage: distributeByPercentage,
  Wait: waitAction,
  TransferContactToQueue: transferContactToQueue,
  DisconnectParticipant: disconnectParticipant,
  EndFlowExecution: endFlowExecution,
  Loop: loop,
  TransferToFlow: transferToFlow,
  MessageParticipantIteratively: messageParticipantIteratively,
  CheckMetricData: checkMetricData,
  TransferContactToAgent: transferContactToAgent,
  UpdateContactRoutingBehavior: updateContactRoutingBehavior,
  UpdateFlowAttributes: updateFlowAttributes,
  TagContact: tagContact,
  UnTagContact: unTagContact,
  UpdateContactData: updateContactData,
  GetMetricData: getMetricData,
  DequeueContactAndTransferToQueue: dequeueContactAndTransferToQueue,
  InvokeFlowModule: invokeFlowModule,
  EndFlowModuleExecution: endFlowModuleExecution,
  UpdateRoutingCriteria: updateRoutingCriteria,
  UpdateContactRoutingCriteria: updateContactRoutingCriteria,
  TransferParticipantToThirdParty: transferParticipantToThirdParty,
  UpdateContactCallbackNumber: updateContactCallbackNumber,
  CreateCallbackContact: createCallbackContact,
};
