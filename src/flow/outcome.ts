// How an action run leaves: a typed outcome, where the path records it as text ("condition True").
import type { QueueInfo } from './catalog.ts';
import type { Waiting } from './state.ts';
import type { Flow, FlowErrorType } from './types.ts';

export type Outcome =
  /** Along Transitions.NextAction. */
  | { kind: 'next' }
  /** Along the first Condition whose operand matches `value`. */
  | { kind: 'condition'; value: string }
  /** Along the Errors entry for `errorType`, else the one for NoMatchingError. */
  | { kind: 'error'; errorType: FlowErrorType }
  /** The action stays current until an event it waits for. */
  | { kind: 'wait'; waiting: Waiting }
  /** The contact is handed to routing and waits in `queue`. */
  | { kind: 'queued'; queue: QueueInfo }
  /** The contact continues in another flow. */
  | { kind: 'transfer'; flow: Flow }
  /** The contact runs a flow module, then comes back to the action after this one. */
  | { kind: 'module'; flow: Flow }
  /** A module's run ends: back to the flow that invoked it. */
  | { kind: 'return' }
  /** The flow ends the contact's run here. */
  | { kind: 'end'; reason: 'DISCONNECTED_BY_FLOW' | 'FLOW_ENDED' | 'TRANSFERRED_TO_THIRD_PARTY'; message?: string }
  /** An agent took the queued contact. */
  | { kind: 'connected' }
  /** The flow cannot go on (FLOW_ERROR). */
  | { kind: 'fail'; message: string };

/** The outcomes that leave by one of the action's Transitions. */
export type Branch = Extract<Outcome, { kind: 'next' | 'condition' | 'error' }>;

export const NEXT: Outcome = { kind: 'next' };
export const condition = (value: string): Outcome => ({ kind: 'condition', value });
export const error = (errorType: FlowErrorType): Outcome => ({ kind: 'error', errorType });
export const wait = (waiting: Waiting): Outcome => ({ kind: 'wait', waiting });

/**
 * The branch a path step records (PathStep.branch), as contact records and `chokutsu call` show it.
 * Undefined keeps what the step holds: "pending" while the action waits or when the flow fails,
 * "queued" when an agent connects.
 */
export function branchText(o: Branch): string;
export function branchText(o: Outcome): string | undefined;
export function branchText(o: Outcome): string | undefined {
  switch (o.kind) {
    case 'next': return 'next';
    case 'condition': return `condition ${o.value}`;
    case 'error': return `error ${o.errorType}`;
    case 'queued': return 'queued';
    case 'transfer': return 'transfer';
    case 'module': return 'module';
    case 'return': return 'return';
    case 'end': return 'end';
    case 'wait': case 'connected': case 'fail': return undefined;
  }
}
