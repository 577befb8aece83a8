// A Testing-language case generated from a flow's own graph, so that any runnable flow (the shared
// real exports, test/conformance) is also a Testing-language test. Each action reachable from the
// start is a FlowActionStarted observation (its ActionType and Parameters) whose next observations
// are the actions its Transitions lead to; the case passes when the contact's path follows the
// flow's transitions from TestInitiated to TestCompleted. Where the case decides what happens — a
// menu key (SendInstruction DtmfInput), a function's response (OverrideSystemBehavior
// MockResponse), the channel (a voice call) — or the action cannot fail, only the branch that must
// follow is expected. The model is the reference's, not the interpreter's, so the two check each other.
import { matches } from '../flow/conditions.ts';
import { isObject } from '../flow/parameters.ts';
import type { Flow, RawAction } from '../flow/types.ts';
import { TESTING_LANGUAGE_VERSION, type Observation, type TestAction, type TestCase } from './test-case.ts';

const INITIATED = 'test-initiated';
const COMPLETED = 'test-completed';

/** Actions that take their NextAction whatever the instance holds (their reference pages list no error they could raise here). */
const CANNOT_FAIL: ReadonlySet<string> = new Set([
  'UpdateContactAttributes', 'UpdateFlowLoggingBehavior', 'UpdateContactRecordingBehavior', 'UpdateFlowAttributes',
  'UpdateContactRoutingBehavior', 'TagContact',
]);

/** After these the contact may end: they end the flow, put the contact in a queue, or wait until the caller hangs up. */
const MAY_END: ReadonlySet<string> = new Set([
  'DisconnectParticipant', 'EndFlowExecution', 'EndFlowModuleExecution', 'TransferContactToQueue', 'TransferContactToAgent',
  'DequeueContactAndTransferToQueue', 'MessageParticipantIteratively', 'Wait',
]);

/** Every NextAction an action's Transitions name, in the order they are written. */
function allTargets(a: RawAction): string[] {
  const t = a.Transitions ?? {};
  return [t.NextAction, ...(t.Conditions ?? []).map((c) => c.NextAction), ...(t.Errors ?? []).map((e) => e.NextAction)]
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

/** The first Condition the value meets, else the NoMatchingCondition branch (Compare, menus). */
function branchFor(a: RawAction, value: string): string | undefined {
  const t = a.Transitions ?? {};
  return t.Conditions?.find((c) => matches(c.Condition.Operator, value, c.Condition.Operands[0] ?? ''))?.NextAction
    ?? t.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition')?.NextAction;
}

const dtmf = (a: RawAction, keys: string): TestAction => ({
  Identifier: `press-${a.Identifier}`, Type: 'SendInstruction', Parameters: { Instruction: { Type: 'DtmfInput', Properties: { Value: keys } } },
});

interface Plan {
  next: string[];
  actions: TestAction[];
}

/** What the case does at an action and which branch it then expects. */
function plan(a: RawAction): Plan {
  const p = a.Parameters ?? {};
  const t = a.Transitions ?? {};
  const all = { next: allTargets(a), actions: [] };
  switch (a.Type) {
    case 'InvokeLambdaFunction': {
      if (typeof p['LambdaFunctionARN'] !== 'string' || !t.NextAction) return all;
      const mock: TestAction = {
        Identifier: `mock-${a.Identifier}`, Type: 'OverrideSystemBehavior',
        Parameters: { Behavior: { Type: 'FlowAction', Properties: {
          ActionType: 'InvokeLambdaFunction', ActionParameters: { LambdaFunctionARN: p['LambdaFunctionARN'] },
          Strategy: { Type: 'MockResponse', Response: { Type: 'ExecutionResult', ExecutionResult: { LoadedData: '{}' } } },
        } } },
      };
      return { next: [t.NextAction], actions: [mock] };
    }
    case 'GetParticipantInput': {
      if (p['StoreInput'] === 'True') {
        // Stored input: digits and the # that ends them. Without phone number validation any digits are
        // stored and the flow takes NextAction; a phone number may be refused (InvalidPhoneNumber).
        const phone = isObject(p['InputValidation']) && p['InputValidation']['PhoneNumberValidation'] !== undefined;
        const press = dtmf(a, phone ? '2025550123#' : '4111111111111111#');
        return { next: !phone && t.NextAction ? [t.NextAction] : all.next, actions: [press] };
      }
      // A menu: press the first key it offers, and expect that key's branch.
      const key = t.Conditions?.[0]?.Condition.Operands[0];
      if (key === undefined || !/^[0-9*#]$/.test(key)) return all;
      const target = branchFor(a, key);
      return { next: target ? [target] : [], actions: [dtmf(a, key)] };
    }
    case 'Compare': {
      // The case places a voice call: $.Channel is VOICE.
      const target = p['ComparisonValue'] === '$.Channel' ? branchFor(a, 'VOICE') : undefined;
      return target ? { next: [target], actions: [] } : all;
    }
    case 'MessageParticipant':
      // A prompt from another instance's library may be missing; text and SSML are always said.
      return p['PromptId'] === undefined && t.NextAction ? { next: [t.NextAction], actions: [] } : all;
    default:
      return CANNOT_FAIL.has(a.Type) && t.NextAction ? { next: [t.NextAction], actions: [] } : all;
  }
}

/** The test case for a flow, entered directly by its id (EntryPoint.VoiceCallEntryPointParameters.FlowId). */
export function generateTestCase(flow: Flow): TestCase {
  const byId = new Map(flow.document.Actions.map((a) => [a.Identifier, a]));
  const observations: Observation[] = [];
  const seen = new Set<string>();
  const queue = [flow.startAction];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const a = byId.get(id);
    if (seen.has(id) || !a) continue;
    seen.add(id);
    const { next, actions } = plan(a);
    const known = next.filter((n) => byId.has(n));
    // No transitions at all is a dead end: the flow ends after it.
    const ends = MAY_END.has(a.Type) || allTargets(a).length === 0;
    observations.push({
      Identifier: id,
      Event: { Type: 'FlowActionStarted', Properties: { ActionType: a.Type, ActionParameters: a.Parameters ?? {} } },
      ...(actions.length > 0 ? { Actions: actions } : {}),
      Transitions: { NextObservations: [...new Set(known), ...(ends ? [COMPLETED] : [])] },
    });
    queue.push(...known);
  }
  return {
    name: `${flow.name} (generated)`,
    description: `Follows ${flow.name} from its start action along its transitions to an ending`,
    entry: { flowId: flow.id },
    content: {
      Version: TESTING_LANGUAGE_VERSION,
      Observations: [
        { Identifier: INITIATED, Event: { Type: 'TestInitiated' }, Transitions: { NextObservations: [flow.startAction] } },
        ...observations,
        { Identifier: COMPLETED, Event: { Type: 'TestCompleted' } },
      ],
    },
  };
}
