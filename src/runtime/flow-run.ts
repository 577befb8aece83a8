// A contact runs up to two flows: its main flow (the inbound flow and whatever it transfers to) and,
// while it waits in a queue, the customer queue flow its CustomerQueue event hook names. The contact
// center performs the effects of both with one executor; how the two runs differ is written here.
import type { ContactState, EndReason } from '../flow/interpreter.ts';

/** Where a contact keeps the states of its flow runs. */
export interface FlowStates {
  flowState: ContactState;
  queueFlowState?: ContactState;
}

/** What a Disconnect effect does to the contact. */
export interface FlowHangUp {
  /** Told to the caller's channel. */
  reason: string;
  /** The contact is taken out of its queue first. */
  leavesQueue: boolean;
}

export interface FlowRun {
  readonly kind: 'main' | 'queue';
  /** The scheduler ids of the run's timers are `<timerPrefix>:<timerId>`. */
  readonly timerPrefix: string;
  /** The run's path is the contact's: each step is published as a `contact.step` event. */
  readonly publishesSteps: boolean;
  /** It may transfer the contact (to a queue or an agent) and change its recording. */
  readonly mayRoute: boolean;
  /** What a Disconnect with this reason does; undefined: nothing, the contact stays where it is. */
  hangUp(reason: EndReason): FlowHangUp | undefined;
  state(contact: FlowStates): ContactState | undefined;
  setState(contact: FlowStates, state: ContactState): void;
}

export const mainFlow: FlowRun = {
  kind: 'main',
  timerPrefix: 'flow',
  publishesSteps: true,
  mayRoute: true,
  hangUp: (reason) => ({ reason, leavesQueue: false }),
  state: (contact) => contact.flowState,
  setState: (contact, state) => {
    contact.flowState = state;
  },
};

/**
 * Connect's customer queue flows cannot transfer the contact or change its recording; a Disconnect
 * block in one (e.g. "please call back later") hangs up and abandons the queue, while the flow
 * merely running out leaves the contact waiting.
 */
export const queueFlow: FlowRun = {
  kind: 'queue',
  timerPrefix: 'qflow',
  publishesSteps: false,
  mayRoute: false,
  hangUp: (reason) => (reason === 'DISCONNECTED_BY_FLOW' ? { reason: 'queue flow disconnected', leavesQueue: true } : undefined),
  state: (contact) => contact.queueFlowState,
  setState: (contact, state) => {
    contact.queueFlowState = state;
  },
};

export const timerKey = (run: FlowRun, timerId: string): string => `${run.timerPrefix}:${timerId}`;
