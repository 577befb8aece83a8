import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InvokeLambdaFunctionParameters } from '../../src/flow/actions/invoke-lambda-function.ts';
import { Call, disconnect, flowDoc, INSTANCE_ARN, load } from './support.ts';

const LOOKUP = 'arn:aws:lambda:ap-northeast-1:000000000000:function:customer-lookup';

/** Stores the customer number, then looks the customer up. */
const lookupFlow = (extra: Partial<InvokeLambdaFunctionParameters> = {}) => load(flowDoc('ask', [
  {
    Identifier: 'ask', Type: 'GetParticipantInput', Parameters: { Text: 'お客様番号をどうぞ', StoreInput: 'True' },
    Transitions: { NextAction: 'lookup', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
  },
  {
    Identifier: 'lookup', Type: 'InvokeLambdaFunction',
    Parameters: { LambdaFunctionARN: LOOKUP, InvocationTimeLimitSeconds: '5', LambdaInvocationAttributes: { customerNumber: '$.StoredCustomerInput', source: 'ivr' }, ...extra },
    Transitions: { NextAction: 'found', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'failed' }] },
  },
  { Identifier: 'found', Type: 'UpdateContactAttributes', Parameters: { Attributes: { queue: '$.External.queue_name' } }, Transitions: { NextAction: 'bye' } },
  { Identifier: 'failed', Type: 'UpdateContactAttributes', Parameters: { Attributes: { failed: 'yes' } }, Transitions: { NextAction: 'bye' } },
  disconnect(),
]));

function invoked(extra: Partial<InvokeLambdaFunctionParameters> = {}): Call {
  const call = new Call(lookupFlow(extra), { contactId: 'c-42', customerAddress: '+81312345678', attributes: { lang: 'ja' } });
  call.keys('1001#');
  return call;
}

describe('InvokeLambdaFunction', () => {
  test('invokes the function with the Connect event: contact data and resolved parameters', () => {
    const call = invoked();
    const [invoke] = call.of('InvokeFunction');
    assert.ok(invoke);
    assert.equal(invoke.functionArn, LOOKUP);
    assert.equal(invoke.actionId, 'lookup');
    assert.equal(invoke.timeLimitSeconds, 5);
    assert.equal(invoke.responseType, 'STRING_MAP');
    assert.equal(invoke.event.Name, 'ContactFlowEvent');
    const data = invoke.event.Details.ContactData;
    assert.equal(data.ContactId, 'c-42');
    assert.equal(data.InitialContactId, 'c-42');
    assert.deepEqual(data.Attributes, { lang: 'ja' });
    assert.deepEqual(data.CustomerEndpoint, { Address: '+81312345678', Type: 'TELEPHONE_NUMBER' });
    assert.equal(data.InstanceARN, INSTANCE_ARN);
    assert.equal(data.Channel, 'VOICE');
    assert.deepEqual(invoke.event.Details.Parameters, { customerNumber: '1001', source: 'ivr' });
    assert.equal(call.state.waiting?.kind, 'function');
  });

  test('without InvocationTimeLimitSeconds the time limit is 3 seconds', () => {
    const flow = load(flowDoc('f1', [
      { Identifier: 'f1', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: LOOKUP }, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      disconnect(),
    ]));
    assert.equal(new Call(flow).of('InvokeFunction')[0]?.timeLimitSeconds, 3);
  });

  test('the function result becomes $.External.* and the flow takes NextAction', () => {
    const call = invoked();
    call.send({ type: 'FunctionReturned', result: { status: '200', queue_name: 'Project Sakura' } });
    assert.deepEqual(call.state.external, { status: '200', queue_name: 'Project Sakura' });
    assert.equal(call.state.attributes.queue, 'Project Sakura');
    assert.deepEqual(call.path(), ['ask next', 'lookup next', 'found next', 'bye end']);
  });

  test('a result without a key leaves that $.External value empty', () => {
    const call = invoked();
    call.send({ type: 'FunctionReturned', result: { status: '404' } });
    assert.deepEqual(call.state.external, { status: '404' });
    assert.equal(call.state.attributes.queue, '');
  });

  test('a failed function (error, timeout) takes NoMatchingError', () => {
    const call = invoked();
    call.send({ type: 'FunctionFailed', error: 'TimeLimitExceeded', message: 'no response within 5 s' });
    assert.deepEqual(call.path(), ['ask next', 'lookup error NoMatchingError', 'failed next', 'bye end']);
    assert.equal(call.state.path[1]?.detail.error, 'TimeLimitExceeded: no response within 5 s');
  });

  test('keys pressed while the function runs are ignored', () => {
    const call = invoked();
    assert.ok(call.send({ type: 'Dtmf', digit: '1' }).ignored);
    assert.equal(call.state.waiting?.kind, 'function');
  });

  test('ResponseValidation JSON is passed on to the adapter, and nested results are readable', () => {
    const flow = load(flowDoc('f1', [
      {
        Identifier: 'f1', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: LOOKUP, ResponseValidation: { ResponseType: 'JSON' } },
        Transitions: { NextAction: 'say', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
      },
      { Identifier: 'say', Type: 'MessageParticipant', Parameters: { Text: '$.External.customer.name様' }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    const call = new Call(flow, { autoPlay: false });
    assert.equal(call.of('InvokeFunction')[0]?.responseType, 'JSON');
    call.send({ type: 'FunctionReturned', result: { customer: { name: '田中' } } });
    assert.deepEqual(call.of('PlayPrompt')[0]?.content, { text: '田中様' });
  });
});
