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
