// The contact record, shaped after Amazon Connect's contact record (ContactTraceRecord), in camelCase.
// Timestamps are ISO 8601 strings as in Connect's records; durations are whole seconds.
import type { ContactEnding, PathStep } from '../flow/interpreter.ts';

export interface ContactCost {
  currency: 'USD';
  amount: number;
  /** Telephony minutes billed (per second, one-minute minimum). */
  billedMinutes: number;
}

export const DISCONNECT_REASONS = [
  'CUSTOMER_DISCONNECT', 'AGENT_DISCONNECT', 'ABANDONED_IN_QUEUE', 'AFTER_HOURS', 'HOLIDAY',
  'CUSTOMER_NOT_FOUND', 'QUEUE_AT_CAPACITY', 'QUEUE_TIMEOUT', 'FLOW_ERROR', 'FLOW_DISCONNECT',
  'LINE_SHUTDOWN', 'LINE_CRASH', 'THIRD_PARTY_DISCONNECT',
] as const;

export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

export function isDisconnectReason(value: string): value is DisconnectReason {
  return (DISCONNECT_REASONS as readonly string[]).includes(value);
}

/** FailedConnectAgent: the line could not connect the offer to the agent (their phone's media failed); not a miss. */
export type OfferOutcome = 'Accepted' | 'Declined' | 'RingTimeout' | 'Abandoned' | 'Withdrawn' | 'FailedConnectAgent';

export interface AgentOffer {
  agentId: string;
  /** When the contact started ringing at the agent. */
  at: string;
  /** When the ringing stopped; the connection (Accepted) or the disconnect when absent. */
  endedAt?: string;
  outcome: OfferOutcome;
  /** Why the offer could not be connected (FailedConnectAgent), as the line saw it. */
  failure?: string;
}

export interface ThirdPartyTransfer {
  number: string;
  callerId?: string;
  dialTimestamp: string;
  connectedTimestamp?: string;
  disconnectTimestamp?: string;
  /** Seconds the caller and the third party were bridged. */
  duration: number;
  outcome: 'Completed' | 'CallFailed' | 'ConnectionTimeLimitExceeded' | 'Abandoned';
  /** Why the call failed (the trunk's SIP status, no trunk …). */
  failure?: string;
}

export interface ContactRecord {
  contactId: string;
  initialContactId: string;
  channel: 'VOICE';
  /** CALLBACK: a contact CreateCallbackContact created, which calls the customer back. */
  initiationMethod: 'INBOUND' | 'CALLBACK';
  /** Connect's PreviousContactId: for a callback, the contact whose flow created it. */
  previousContactId?: string;
  /** A callback's attempts to reach the customer (each after an agent took it). */
  callbackAttempts?: { at: string; answeredAt?: string; failure?: string }[];
  /** Connect's TransferredToEndpoint (its Address): the number TransferParticipantToThirdParty put the caller through to. */
  transferredToEndpoint?: string;
  /** Connect's TransferCompletedTimestamp: when the third party answered. */
  transferCompletedTimestamp?: string;
  /** The last third-party transfer's outbound leg, as the line saw it. */
  thirdParty?: ThirdPartyTransfer;
  /** The caller's number. */
  customerEndpoint: string;
  /** The number dialed. */
  systemEndpoint: string;
  customerNumber?: string;
  customerName?: string;
  queue?: { id: string; name: string; arn: string };
  agent?: { id: string; name: string; username: string };
  initiationTimestamp: string;
  enqueueTimestamp?: string;
  /** The first offer to an agent. */
  offeredTimestamp?: string;
  connectedToAgentTimestamp?: string;
  disconnectTimestamp: string;
  afterContactWorkEndTimestamp?: string;
  /** Enqueue → connected to an agent (or → disconnect when never connected); ringing included, as Connect's QueueInfo.Duration. */
  queueDuration: number;
  /** Time spent ringing at agents, over all offers. */
  ringDuration: number;
  /** Connected → disconnect, less time on hold: Connect's AgentInteractionDuration. */
  talkDuration: number;
  /** Time on hold while connected (either side): Connect's CustomerHoldDuration. */
  holdDuration: number;
  /** Times the contact was put on hold while connected: Connect's NumberOfHolds. */
  numberOfHolds: number;
  /** Connect's LongestHoldDuration. */
  longestHoldDuration: number;
  afterContactWorkDuration: number;
  /** Initiation → disconnect; after-contact work is the agent's time, not the caller's. */
  totalDuration: number;
  disconnectReason: DisconnectReason;
  attributes: Record<string, string>;
  /** User-defined tags the flow set (TagContact / UnTagContact), as Connect's record Tags. */
  tags?: Record<string, string>;
  /** UpdateContactData: the contact's name, description and references. */
  name?: string;
  description?: string;
  references?: Record<string, { Type: string; Value: string }>;
  /** Action identifiers in the order they ran. */
  flowPath: string[];
  recording?: { location: string; participants: string[] };
  /** Why a contact the flow asked to record (and an agent took) has no recording. */
  recordingNote?: string;
  agentOffers: AgentOffer[];
  cost: ContactCost;
  /** After-contact-work notes. */
  notes?: string;
}

type Derived = 'queueDuration' | 'ringDuration' | 'talkDuration' | 'afterContactWorkDuration' | 'totalDuration' | 'holdDuration'
  | 'numberOfHolds' | 'longestHoldDuration' | 'cost';

/** A record as the runtime knows it when the contact ends; durations and cost are derived from it. */
export type ContactRecordDraft = Omit<ContactRecord, Derived> & { holdDuration?: number; numberOfHolds?: number; longestHoldDuration?: number };


/** What the flow interpreter knows about how a contact's flow ended. */
export interface FlowOutcome {
  ending?: Pick<ContactEnding, 'reason'>;
  path: readonly Pick<PathStep, 'type' | 'branch'>[];
  /** `$.External`: the last function's result. */
  external: Record<string, unknown>;
}

/**
 * Why a contact that never reached an agent ended, judged from its flow. Rules, in order:
 * - the flow failed (FLOW_ERROR ending) → FLOW_ERROR;
 * - the last decision the flow took before it ended (the latest CheckHoursOfOperation or
 *   successfully returned InvokeLambdaFunction in the path) names the reason:
 *   hours check on its False branch → AFTER_HOURS; a function that returned isHoliday "true"
 *   (the holiday check) → HOLIDAY; a function that returned status "404" (the customer lookup,
 *   i.e. the last try failed) → CUSTOMER_NOT_FOUND. This holds also when the caller hangs up
 *   during the closing message, which is the common way such a call ends;
 * - otherwise CUSTOMER_DISCONNECT when the caller hung up, FLOW_DISCONNECT when the flow did.
 */
export function disconnectReasonFromFlow({ ending, path, external }: FlowOutcome): DisconnectReason {
  if (ending?.reason === 'FLOW_ERROR') return 'FLOW_ERROR';
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i];
    if (step?.type === 'CheckHoursOfOperation') {
      if (step.branch === 'condition False') return 'AFTER_HOURS';
      break;
    }
    // A failed invocation (error branch) leaves `$.External` from an earlier function: do not trust it.
    if (step?.type === 'InvokeLambdaFunction') {
      if (step.branch !== 'next') break;
      if (external.isHoliday === 'true') return 'HOLIDAY';
      if (external.status === '404') return 'CUSTOMER_NOT_FOUND';
      break;
    }
  }
  return ending?.reason === 'CUSTOMER_DISCONNECT' ? 'CUSTOMER_DISCONNECT' : 'FLOW_DISCONNECT';
}

export interface DisconnectFacts {
  flow: FlowOutcome;
  enqueued: boolean;
  connectedToAgent: boolean;
  /** Who ended the contact. */
  disconnectedBy?: 'FLOW' | 'CUSTOMER' | 'AGENT' | 'QUEUE' | 'SYSTEM' | 'THIRD_PARTY';
  queueError?: 'QueueAtCapacity' | 'MaxWaitExceeded';
  /** The flow ended with the caller bridged to a third party (ContinueFlowExecution False). */
  transferredToThirdParty?: boolean;
}

/** The disconnect reason of any contact: agent leg first, then the queue, then the flow. */
export function classifyDisconnect(facts: DisconnectFacts): DisconnectReason {
  if (facts.disconnectedBy === 'SYSTEM') return 'LINE_SHUTDOWN'; // the server stopped with the contact on the line
  if (facts.disconnectedBy === 'THIRD_PARTY') return 'THIRD_PARTY_DISCONNECT';
  if (facts.transferredToThirdParty) return 'CUSTOMER_DISCONNECT';
  if (facts.connectedToAgent) return facts.disconnectedBy === 'AGENT' ? 'AGENT_DISCONNECT' : 'CUSTOMER_DISCONNECT';
  // The queue's error branch usually plays a message and disconnects; the queue is still the cause.
  if (facts.queueError === 'QueueAtCapacity') return 'QUEUE_AT_CAPACITY';
  if (facts.queueError === 'MaxWaitExceeded') return 'QUEUE_TIMEOUT';
  if (facts.enqueued && facts.disconnectedBy === 'CUSTOMER') return 'ABANDONED_IN_QUEUE';
  return disconnectReasonFromFlow(facts.flow);
}
