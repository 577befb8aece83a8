// The interpreter's run loop: applies how an action left, then runs actions until one must wait.
// Each action type runs in its own module (actions/*); this is what they share.
import type { ActionDefinition } from './action.ts';
import { actions } from './actions/index.ts';
import type { ContactDataView } from './attributes.ts';
import type { FlowCatalog } from './catalog.ts';
import { conditionTarget } from './conditions.ts';
import { branchText, type Branch, type Outcome } from './outcome.ts';
import { lastBranch, record, setBranch } from './path.ts';
import type { ContactEvent, ContactState, EndReason, Run, StepResult } from './state.ts';
import { cancelTimers } from './timers.ts';
import type { SupportedAction, SupportedActionType, Transitions } from './types.ts';

/** Guards against flows that loop without ever waiting for the customer (Compare → Loop → Compare …). */
export const MAX_ACTIONS_PER_STEP = 1000;

/** Applies `outcome` to the current action (if given), then runs actions until one must wait. */
export function run(catalog: FlowCatalog, out: Run, outcome?: Outcome): StepResult {
  if (outcome) settle(catalog, out, outcome);
  let budget = MAX_ACTIONS_PER_STEP;
  while (out.state.status !== 'ended' && out.state.waiting === undefined) {
    if (budget-- === 0) {
      fail(out, `more than ${MAX_ACTIONS_PER_STEP} actions ran without waiting for the customer: the flow loops`);
      break;
    }
    execute(catalog, out);
  }
  return out;
}

/** Hands an event to the action the contact waits on: its outcome, or undefined if it does not apply. */
export function deliver(catalog: FlowCatalog, out: Run, event: ContactEvent): Outcome | undefined {
  const waiting = out.state.waiting;
  const action = currentAction(catalog, out.state);
  if (!waiting || !action) return undefined;
  return actions[action.Type].waits?.onEvent({ out, action, waiting }, event);
}

/** The customer hung up: whatever the flow was doing stops there. */
export function hangUp(out: Run): StepResult {
  if (lastBranch(out) === 'pending') setBranch(out, 'hangup');
  cancelTimers(out);
  end(out, 'CUSTOMER_DISCONNECT');
  return out;
}

export function ignore(state: ContactState, event: ContactEvent): StepResult {
  return { state, effects: [], ignored: `${event.type} does not apply while ${state.waiting ? `waiting for ${state.waiting.kind}` : state.status}` };
}

/** Runs the current action: either it leaves at once or it starts waiting. */
function execute(catalog: FlowCatalog, out: Run): void {
  const action = currentAction(catalog, out.state);
  if (!action) return fail(out, `no action "${out.state.actionId}" in flow "${out.state.flowId}"`);
  record(out, action);
  // The registry maps each type to its own definition; TypeScript cannot follow that through the union.
  const definition = actions[action.Type] as ActionDefinition<SupportedActionType> | undefined;
  if (!definition) return fail(out, `unsupported action ${JSON.stringify(action)}`);
  settle(catalog, out, definition.execute({ catalog, out, action, data: contactData(out.state) }));
}

function settle(catalog: FlowCatalog, out: Run, outcome: Outcome): void {
  switch (outcome.kind) {
    case 'next': case 'condition': case 'error':
      return follow(catalog, out, outcome);
    case 'wait':
      out.state = { ...out.state, waiting: outcome.waiting };
      return;
    case 'queued':
      setBranch(out, 'queued');
      out.state = { ...out.state, status: 'queued', waiting: { kind: 'queue', queue: outcome.queue } };
      return;
    case 'transfer': {
      setBranch(out, 'transfer', outcome.flow.startAction);
      // Flow attributes are not carried over to the next flow (UpdateFlowAttributes).
      const { flowAttributes: _left, ...rest } = out.state;
      out.state = { ...rest, flowId: outcome.flow.id, actionId: outcome.flow.startAction };
      return;
    }
    case 'module': {
      setBranch(out, 'module', outcome.flow.startAction);
      const frame = { flowId: out.state.flowId, actionId: out.state.actionId ?? '', flowAttributes: out.state.flowAttributes ?? {} };
      const { flowAttributes: _caller, ...rest } = out.state;
      out.state = { ...rest, modules: [...(out.state.modules ?? []), frame], flowId: outcome.flow.id, actionId: outcome.flow.startAction };
      return;
    }
    case 'return': {
      const frames = out.state.modules ?? [];
      const frame = frames[frames.length - 1];
      if (!frame) {
        setBranch(out, 'end');
        return end(out, 'FLOW_ENDED', 'EndFlowModuleExecution outside a module');
      }
      setBranch(out, 'return', frame.actionId);
      const { flowAttributes: _module, ...rest } = out.state;
      out.state = {
        ...rest, modules: frames.slice(0, -1), flowId: frame.flowId, actionId: frame.actionId,
        ...(Object.keys(frame.flowAttributes).length > 0 ? { flowAttributes: frame.flowAttributes } : {}),
      };
      // The invoking action leaves by its NextAction; the path shows the module returned.
      follow(catalog, out, { kind: 'next' });
      if (lastBranch(out) === 'next') setBranch(out, 'return');
      return;
    }
    case 'end':
      setBranch(out, 'end');
      return end(out, outcome.reason, outcome.message);
    case 'connected':
      return end(out, 'CONNECTED_TO_AGENT');
    case 'fail':
      return fail(out, outcome.message);
  }
}

/** Records the branch the current action leaves by and moves to its target. */
function follow(catalog: FlowCatalog, out: Run, outcome: Branch): void {
  const t = currentAction(catalog, out.state)?.Transitions ?? {};
  const { taken, next } = target(t, outcome);
  const branch = branchText(taken);
  setBranch(out, branch, next);
  if (next === undefined) {
    if (isDeadEnd(t)) {
      cancelTimers(out);
      end(out, 'FLOW_ENDED', `the flow ends after "${out.state.actionId}", which has no transitions`);
    } else {
      fail(out, `action "${out.state.actionId}" has no transition for ${branch}`);
    }
    return;
  }
  const { waiting: _done, ...rest } = out.state;
  out.state = { ...rest, actionId: next };
}

function target(t: Transitions, outcome: Branch): { taken: Branch; next: string | undefined } {
  switch (outcome.kind) {
    case 'next':
      return { taken: outcome, next: t.NextAction };
    case 'condition':
      return { taken: outcome, next: conditionTarget(t, outcome.value) };
    case 'error': {
      const next = t.Errors?.find((e) => e.ErrorType === outcome.errorType)?.NextAction;
      // Connect: NoMatchingError is taken "if no other Error matches" (e.g. QueueAtCapacity unhandled).
      const fallback = t.Errors?.find((e) => e.ErrorType === 'NoMatchingError')?.NextAction;
      if (next === undefined && fallback !== undefined) return { taken: { kind: 'error', errorType: 'NoMatchingError' }, next: fallback };
      return { taken: outcome, next };
    }
  }
}

function isDeadEnd(t: Transitions): boolean {
  return t.NextAction === undefined && (t.Errors ?? []).length === 0 && (t.Conditions ?? []).length === 0;
}

function fail(out: Run, message: string): void {
  cancelTimers(out);
  end(out, 'FLOW_ERROR', message);
}

function end(out: Run, reason: EndReason, message?: string): void {
  const { waiting: _waiting, ...rest } = out.state;
  out.state = {
    ...rest,
    status: 'ended',
    ending: { reason, at: out.state.now, ...(out.state.actionId !== undefined ? { actionId: out.state.actionId } : {}), ...(message ? { message } : {}) },
  };
  // The caller is gone, with an agent, or bridged to a third party: nobody to hang up on.
  if (reason !== 'CUSTOMER_DISCONNECT' && reason !== 'CONNECTED_TO_AGENT' && reason !== 'TRANSFERRED_TO_THIRD_PARTY') {
    out.effects.push({ type: 'Disconnect', reason, ...(out.state.actionId !== undefined ? { actionId: out.state.actionId } : {}) });
  }
}

function currentAction(catalog: FlowCatalog, state: ContactState): SupportedAction | undefined {
  return state.actionId === undefined ? undefined : catalog.flow(state.flowId)?.actions.get(state.actionId);
}

/** What references ($.Attributes.x …) read in this contact. */
export function contactData(state: ContactState): ContactDataView {
  return {
    contactId: state.contactId,
    initialContactId: state.initialContactId,
    channel: state.channel,
    instanceArn: state.instanceArn,
    ...(state.customerAddress !== undefined ? { customerAddress: state.customerAddress } : {}),
    ...(state.systemAddress !== undefined ? { systemAddress: state.systemAddress } : {}),
    languageCode: state.languageCode,
    attributes: state.attributes,
    external: state.external,
    ...(state.storedCustomerInput !== undefined ? { storedCustomerInput: state.storedCustomerInput } : {}),
    ...(state.queue ? { queue: state.queue } : {}),
    ...(state.flowAttributes ? { flowAttributes: state.flowAttributes } : {}),
    ...(state.metrics ? { metrics: state.metrics } : {}),
  };
}
