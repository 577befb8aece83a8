// TransferParticipantToThirdParty in the pure interpreter: the dial effect, the answer time limit,
// ContinueFlowExecution True/False and Connect's error branches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkFlow } from '../../src/flow/validate.ts';
import type { RawAction } from '../../src/flow/types.ts';
import { Call, disconnect, flowDoc, load } from './support.ts';

const transfer = (Parameters: Record<string, unknown>, Transitions: RawAction['Transitions'] = {
  NextAction: 'after',
  Errors: [
    { ErrorType: 'CallFailed', NextAction: 'failed' },
    { ErrorType: 'ConnectionTimeLimitExceeded', NextAction: 'timeout' },
    { ErrorType: 'NoMatchingError', NextAction: 'other' },
  ],
}): RawAction => ({ Identifier: 'dial', Type: 'TransferParticipantToThirdParty', Parameters, Transitions });

const ends = ['after', 'failed', 'timeout', 'other'].map((id) => disconnect(id));
const problems = (doc: unknown) => checkFlow(doc, { id: 'f' }).problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.path}`);

describe('TransferParticipantToThirdParty', () => {
  test('dials the number with the caller ID; answered, the flow waits; the third party hangs up, NextAction', () => {
    const flow = load(flowDoc('dial', [transfer({
      ThirdPartyPhoneNumber: '$.Attributes.desk', ThirdPartyConnectionTimeLimitSeconds: '30', ContinueFlowExecution: 'True',
      CallerId: { Number: '+81501234567', Name: 'Chokutsu' }, ThirdPartyDTMFDigits: '1,2#',
    }), ...ends]));
    const call = new Call(flow, { attributes: { desk: '+81312345678' } });
    assert.deepEqual(call.of('DialThirdParty'), [{
      type: 'DialThirdParty', actionId: 'dial', number: '+81312345678', continueFlow: true,
      callerId: { number: '+81501234567', name: 'Chokutsu' }, dtmf: '1,2#',
    }]);
    assert.equal(call.lastTimer().seconds, 30);
    call.send({ type: 'ThirdPartyAnswered' });
    assert.ok(call.of('CancelTimer').length === 1, 'the answer stops the time limit');
    assert.equal(call.state.waiting?.kind, 'thirdParty');
    call.send({ type: 'Dtmf', digit: '5' });
    assert.equal(call.state.status, 'waiting', 'keys do not move the flow while the two talk');
    call.send({ type: 'ThirdPartyDisconnected' });
    assert.deepEqual(call.path(), ['dial next', 'after end']);
  });

  test('no answer within ThirdPartyConnectionTimeLimitSeconds: the leg is cancelled, ConnectionTimeLimitExceeded', () => {
    const flow = load(flowDoc('dial', [transfer({ ThirdPartyPhoneNumber: '+81312345678', ThirdPartyConnectionTimeLimitSeconds: '20' }), ...ends]));
    const call = new Call(flow);
    call.expireTimer();
    assert.deepEqual(call.of('CancelThirdParty'), [{ type: 'CancelThirdParty', actionId: 'dial' }]);
    assert.deepEqual(call.path(), ['dial error ConnectionTimeLimitExceeded', 'timeout end']);
    assert.equal(call.send({ type: 'ThirdPartyAnswered' }).ignored !== undefined, true, 'a late answer is ignored');
  });

  test('busy or unreachable: CallFailed; a number that is not E.164 fails without dialling', () => {
    const flow = load(flowDoc('dial', [transfer({ ThirdPartyPhoneNumber: '+81312345678' }), ...ends]));
    const busy = new Call(flow);
    busy.send({ type: 'ThirdPartyFailed', message: '486 Busy Here' });
    assert.deepEqual(busy.path(), ['dial error CallFailed', 'failed end']);

    const bad = load(flowDoc('dial', [transfer({ ThirdPartyPhoneNumber: '$.Attributes.desk' }), ...ends]));
    const call = new Call(bad, { attributes: { desk: '03-1234-5678' } });
    assert.deepEqual(call.of('DialThirdParty'), []);
    assert.deepEqual(call.path(), ['dial error CallFailed', 'failed end']);
  });

  test('ContinueFlowExecution False: answered, the flow ends with the caller bridged (no Disconnect); failed, NoMatchingError', () => {
    const flow = load(flowDoc('dial', [transfer({ ThirdPartyPhoneNumber: '+81312345678', ContinueFlowExecution: 'False', ThirdPartyConnectionTimeLimitSeconds: '30' },
      { Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'other' }] }), ...ends]));
    const call = new Call(flow);
    assert.deepEqual(call.of('StartTimer'), [], 'the time limit is only used when the flow continues');
    call.send({ type: 'ThirdPartyAnswered' });
    assert.equal(call.state.ending?.reason, 'TRANSFERRED_TO_THIRD_PARTY');
    assert.deepEqual(call.of('Disconnect'), []);

    const failed = new Call(flow);
    failed.send({ type: 'ThirdPartyFailed', message: '503' });
    assert.deepEqual(failed.path(), ['dial error NoMatchingError', 'other end']);
  });

  test('parameters: the time limit is 0-600, digits are 0-9 , * #, the caller ID is E.164, ContinueFlowExecution True/False', () => {
    const doc = (p: Record<string, unknown>) => flowDoc('dial', [transfer({ ThirdPartyPhoneNumber: '+81312345678', ...p }), ...ends]);
    assert.deepEqual(problems(doc({ ThirdPartyConnectionTimeLimitSeconds: '601' })).length, 1);
    assert.deepEqual(problems(doc({ ThirdPartyDTMFDigits: '12a' })).length, 1);
    assert.deepEqual(problems(doc({ CallerId: { Number: '0312345678' } })).length, 1);
    assert.deepEqual(problems(doc({ ContinueFlowExecution: 'Yes' })).length, 1);
    assert.deepEqual(problems(doc({})), []);
    assert.equal(problems(flowDoc('dial', [{ ...transfer({}), Parameters: {} }, ...ends])).length, 1, 'a number is needed');
  });
});

describe('UpdateContactCallbackNumber and CreateCallbackContact', () => {
  const callback = (Parameters: Record<string, unknown>): RawAction => ({
    Identifier: 'callback', Type: 'CreateCallbackContact', Parameters, Transitions: { NextAction: 'after', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'other' }] },
  });
  const setNumber: RawAction = {
    Identifier: 'number', Type: 'UpdateContactCallbackNumber', Parameters: { CallbackNumber: '$.Attributes.phone' },
    Transitions: { NextAction: 'callback', Errors: [{ ErrorType: 'InvalidCallbackNumber', NextAction: 'failed' }, { ErrorType: 'CallbackNumberNotDialable', NextAction: 'failed' }] },
  };
  const params = { QueueId: 'support', InitialCallDelaySeconds: '5', MaximumConnectionAttempts: '3', RetryDelaySeconds: '600' };

  test('the callback number set, the callback is created for the queue with its delays and attempts', () => {
    const flow = load(flowDoc('number', [setNumber, callback(params), ...ends]));
    const call = new Call(flow, { attributes: { phone: '+819011112222' }, customerAddress: '0312345678' });
    assert.equal(call.state.callbackNumber, '+819011112222');
    const [effect] = call.of('CreateCallback');
    assert.equal(effect?.number, '+819011112222');
    assert.equal(effect?.queue.id, 'support');
    assert.deepEqual([effect?.initialDelaySeconds, effect?.maxAttempts, effect?.retryDelaySeconds], [5, 3, 600]);
    assert.deepEqual(call.path(), ['number next', 'callback next', 'after end']);
  });

  test('a number that is not E.164 is InvalidCallbackNumber; without one set, the caller\'s own number is called', () => {
    const bad = new Call(load(flowDoc('number', [setNumber, callback(params), ...ends])), { attributes: { phone: '12' } });
    assert.deepEqual(bad.path(), ['number error InvalidCallbackNumber', 'failed end']);
    const own = new Call(load(flowDoc('callback', [callback(params), ...ends])), { customerAddress: '0312345678' });
    assert.equal(own.of('CreateCallback')[0]?.number, '0312345678');
  });

  test('no queue to call back from takes NoMatchingError; CallbackNumber must be a reference; the delays are whole seconds from 1', () => {
    const { QueueId: _q, ...noQueue } = params;
    assert.deepEqual(new Call(load(flowDoc('callback', [callback(noQueue), ...ends])), { customerAddress: '0312345678' }).path(), ['callback error NoMatchingError', 'other end']);
    assert.equal(problems(flowDoc('number', [{ ...setNumber, Parameters: { CallbackNumber: '+819011112222' } }, callback(params), ...ends])).length, 1);
    assert.equal(problems(flowDoc('callback', [callback({ ...params, InitialCallDelaySeconds: '0' }), ...ends])).length, 1);
  });
});
