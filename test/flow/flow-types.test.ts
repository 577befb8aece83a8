// Flow types: an action is allowed only in the flow types its reference page's "Restrictions" name;
// InvokeFlowModule runs flow modules, TransferToFlow inbound and transfer flows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowedFlowTypes, allowedIn } from '../../src/flow/action-specs.ts';
import type { Flow, FlowType, RawAction } from '../../src/flow/types.ts';
import { checkFlow } from '../../src/flow/validate.ts';
import { Call, catalogWith, disconnect, flowDoc } from './support.ts';

const noMatch = (NextAction: string) => [{ ErrorType: 'NoMatchingError', NextAction }];
const say = (Identifier: string, NextAction: string): RawAction => ({ Identifier, Type: 'MessageParticipant', Parameters: { Text: 'hello' }, Transitions: { NextAction } });
const typed = (doc: unknown, id: string, type?: FlowType): Flow => {
  const check = checkFlow(doc, { id, name: id, ...(type !== undefined ? { type } : {}) });
  assert.deepEqual(check.problems.filter((p) => p.severity === 'error'), []);
  return check.flow as Flow;
};

describe('flow types', () => {
  const transfer = flowDoc('hello', [
    say('hello', 'to-queue'),
    { Identifier: 'to-queue', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'bye', Errors: noMatch('bye') } },
    disconnect(),
  ]);

  test('an action not allowed in the flow\'s type is an error naming the action, its type and the flow type', () => {
    const check = checkFlow(transfer, { id: 'hold', type: 'CUSTOMER_HOLD' });
    assert.deepEqual(check.problems.map((p) => [p.severity, p.code, p.actionId, p.path, p.message]), [
      ['error', 'not-in-flow-type', 'hello', '$.Actions[0].Type', 'MessageParticipant is not allowed in a CUSTOMER_HOLD flow (Connect\'s reference, "Restrictions")'],
      ['error', 'not-in-flow-type', 'to-queue', '$.Actions[1].Type', 'TransferContactToQueue is not allowed in a CUSTOMER_HOLD flow (Connect\'s reference, "Restrictions")'],
    ]);
    assert.equal(check.flow, undefined, 'it does not run');
  });

  test('the same flow is fine as an inbound or transfer flow, and a lone export (no type) is not checked', () => {
    for (const type of ['CONTACT_FLOW', 'QUEUE_TRANSFER', undefined] as const) {
      const check = checkFlow(transfer, { id: 'f', ...(type ? { type } : {}) });
      assert.deepEqual(check.problems, [], String(type));
      assert.equal(check.flow?.type, type);
    }
  });

  test('the reference\'s restrictions, as the table holds them', () => {
    assert.equal(allowedIn('DequeueContactAndTransferToQueue', 'CUSTOMER_QUEUE'), true);
    assert.equal(allowedIn('DequeueContactAndTransferToQueue', 'CONTACT_FLOW'), false);
    assert.equal(allowedIn('EndFlowExecution', 'CONTACT_FLOW'), false, 'whisper and customer queue flows only');
    assert.equal(allowedIn('EndFlowExecution', 'OUTBOUND_WHISPER'), true);
    assert.equal(allowedIn('TransferContactToAgent', 'CONTACT_FLOW'), false, 'transfer flows only');
    assert.equal(allowedIn('MessageParticipantIteratively', 'AGENT_HOLD'), true);
    assert.equal(allowedIn('GetParticipantInput', 'AGENT_WHISPER'), false);
    assert.equal(allowedIn('UpdateContactRoutingBehavior', 'CUSTOMER_QUEUE'), false, 'inbound flows only');
    assert.equal(allowedIn('EndFlowModuleExecution', 'CONTACT_FLOW'), false, 'modules only');
    assert.equal(allowedIn('EndFlowModuleExecution', 'module'), true);
    for (const everywhere of ['Compare', 'InvokeLambdaFunction', 'UpdateContactAttributes', 'DisconnectParticipant', 'Loop', 'TagContact'] as const) {
      assert.equal(allowedFlowTypes[everywhere], undefined, `${everywhere} runs in every flow type`);
    }
  });

  describe('modules', () => {
    const moduleDoc = flowDoc('m-say', [
      say('m-say', 'm-return'),
      { Identifier: 'm-return', Type: 'EndFlowModuleExecution', Parameters: {}, Transitions: {} },
    ]);
    const mainDoc = flowDoc('invoke', [
      { Identifier: 'invoke', Type: 'InvokeFlowModule', Parameters: { FlowModuleId: 'greeting' }, Transitions: { NextAction: 'bye', Errors: noMatch('failed') } },
      { Identifier: 'failed', Type: 'MessageParticipant', Parameters: { Text: 'no module' }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]);

    test('EndFlowModuleExecution belongs in a module; a module takes what an inbound flow takes', () => {
      assert.deepEqual(checkFlow(moduleDoc, { id: 'greeting', type: 'CONTACT_FLOW' }).problems.map((p) => `${p.code} ${p.actionId}`), ['not-in-flow-type m-return']);
      assert.deepEqual(checkFlow(moduleDoc, { id: 'greeting', type: 'module' }).problems, []);
    });

    test('InvokeFlowModule runs a flow of type module, and takes NoMatchingError for a flow of another type', () => {
      const main = typed(mainDoc, 'main', 'CONTACT_FLOW');
      const module = typed(moduleDoc, 'greeting', 'module');
      const ran = new Call(main, { catalog: catalogWith({ flows: [main, module] }) });
      assert.deepEqual(ran.path(), ['invoke module', 'm-say next', 'm-return return', 'bye end']);

      const notModule = { ...module, type: 'CONTACT_FLOW' as const };
      const refused = new Call(main, { catalog: catalogWith({ flows: [main, notModule] }) });
      assert.deepEqual(refused.path(), ['invoke error NoMatchingError', 'failed next', 'bye end']);
      assert.match(JSON.stringify(refused.state.path[0]), /is a CONTACT_FLOW flow, not a flow module/);
    });

    test('TransferToFlow takes NoMatchingError for a module (not an inbound or transfer flow), as Connect does', () => {
      const to = (target: Flow) => {
        const doc = flowDoc('go', [
          { Identifier: 'go', Type: 'TransferToFlow', Parameters: { ContactFlowId: target.id }, Transitions: { Errors: noMatch('bye') } },
          disconnect(),
        ]);
        const main = typed(doc, 'main', 'CONTACT_FLOW');
        return new Call(main, { catalog: catalogWith({ flows: [main, target] }) }).path();
      };
      assert.deepEqual(to(typed(moduleDoc, 'greeting', 'module')), ['go error NoMatchingError', 'bye end']);
      const transferFlow = typed(flowDoc('hi', [say('hi', 'bye'), disconnect()]), 'queue-transfer', 'QUEUE_TRANSFER');
      assert.deepEqual(to(transferFlow), ['go transfer', 'hi next', 'bye end']);
    });
  });
});
