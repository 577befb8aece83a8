import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_ACTIONS_PER_STEP } from '../../src/flow/interpreter.ts';
import { Call, disconnect, flowDoc, load, TUESDAY_0900 } from './support.ts';

const noMatch = (NextAction: string) => [{ ErrorType: 'NoMatchingError', NextAction }];

/** The shape of the shipped line, in small: greet, ask, look up, queue. */
const line = load(flowDoc('greet', [
  { Identifier: 'greet', Type: 'MessageParticipant', Parameters: { Text: 'お電話ありがとうございます。' }, Transitions: { NextAction: 'ask' } },
  {
    Identifier: 'ask', Type: 'GetParticipantInput', Parameters: { Text: 'お客様番号をどうぞ', StoreInput: 'True', InputTimeLimitSeconds: '10' },
    Transitions: { NextAction: 'lookup', Errors: noMatch('bye') },
  },
  {
    Identifier: 'lookup', Type: 'InvokeLambdaFunction',
    Parameters: { LambdaFunctionARN: 'arn:aws:lambda:ap-northeast-1:000000000000:function:customer-lookup', LambdaInvocationAttributes: { customerNumber: '$.StoredCustomerInput' } },
    Transitions: { NextAction: 'status', Errors: noMatch('bye') },
  },
  {
    Identifier: 'status', Type: 'Compare', Parameters: { ComparisonValue: '$.External.status' },
    Transitions: {
      Conditions: [{ NextAction: 'target', Condition: { Operator: 'Equals', Operands: ['200'] } }],
      Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'bye' }],
    },
  },
  { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: '$.External.queue_name' }, Transitions: { NextAction: 'hold', Errors: noMatch('bye') } },
  { Identifier: 'hold', Type: 'Wait', Parameters: { TimeLimitSeconds: '5' }, Transitions: { Conditions: [{ NextAction: 'transfer', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }] } },
  { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'bye', Errors: noMatch('bye') } },
  disconnect(),
]));

describe('a contact from start to end', () => {
  test('the path records every action run with the branch it left by', () => {
    const call = new Call(line);
    call.keys('1001#');
    call.send({ type: 'FunctionReturned', result: { status: '200', queue_name: 'Support' } });
    call.expireTimer();
    assert.deepEqual(call.path(), [
      'greet next', 'ask next', 'lookup next', 'status condition 200', 'target next', 'hold condition WaitCompleted', 'transfer queued',
    ]);
    const steps = call.state.path;
    assert.deepEqual(steps.map((s) => s.next), ['ask', 'lookup', 'status', 'target', 'hold', 'transfer', undefined]);
    assert.ok(steps.every((s) => s.flowId === 'f'));
    assert.equal(steps[0]?.type, 'MessageParticipant');
    assert.deepEqual(steps[1]?.detail, { text: 'お客様番号をどうぞ', input: '1001' });
  });

  test('each path step carries the time of the event that ran it', () => {
    const call = new Call(line);
    call.elapse(2);
    call.keys('1001#', 1);
    assert.equal(call.state.path[0]?.at, TUESDAY_0900);
    assert.equal(call.state.path[2]?.at, TUESDAY_0900 + 6000);
  });
});

describe('the customer hanging up', () => {
  test('while the input is collected: the contact ends CUSTOMER_DISCONNECT and the input timer is cancelled', () => {
    const call = new Call(line);
    call.keys('10');
    const timer = call.lastTimer().timerId;
    call.elapse(1);
    const r = call.send({ type: 'CustomerDisconnected' });
    assert.deepEqual(r.effects, [{ type: 'CancelTimer', timerId: timer }]);
    assert.equal(call.state.status, 'ended');
    assert.deepEqual(call.state.ending, { reason: 'CUSTOMER_DISCONNECT', at: TUESDAY_0900 + 2000, actionId: 'ask' });
    assert.equal(call.state.waiting, undefined);
  });

  test('during a Wait: the wait timer is cancelled', () => {
    const call = new Call(line);
    call.keys('1001#');
    call.send({ type: 'FunctionReturned', result: { status: '200', queue_name: 'Support' } });
    const r = call.send({ type: 'CustomerDisconnected' });
    assert.deepEqual(r.effects, [{ type: 'CancelTimer', timerId: call.lastTimer().timerId }]);
    assert.equal(call.state.ending?.reason, 'CUSTOMER_DISCONNECT');
  });

  for (const [where, drive] of [
    ['during the greeting', (c: Call) => c],
    ['while the function runs', (c: Call) => { c.send({ type: 'PromptPlayed' }); c.send({ type: 'PromptPlayed' }); c.keys('1#'); return c; }],
  ] as const) {
    test(`${where}: the contact ends with no Disconnect effect (the customer already left)`, () => {
      const call = drive(new Call(line, { autoPlay: false }));
      const r = call.send({ type: 'CustomerDisconnected' });
      assert.deepEqual(r.effects, []);
      assert.equal(call.state.ending?.reason, 'CUSTOMER_DISCONNECT');
    });
  }

  test('while queued', () => {
    const call = new Call(line);
    call.keys('1001#');
    call.send({ type: 'FunctionReturned', result: { status: '200', queue_name: 'Support' } });
    call.expireTimer();
    assert.equal(call.state.status, 'queued');
    call.send({ type: 'CustomerDisconnected' });
    assert.equal(call.state.ending?.reason, 'CUSTOMER_DISCONNECT');
    assert.equal(call.state.ending.actionId, 'transfer');
  });

  test('events after the end are ignored and change nothing', () => {
    const call = new Call(line);
    call.send({ type: 'CustomerDisconnected' });
    const ended = call.state;
    for (const event of [
      { type: 'Dtmf', digit: '1' }, { type: 'PromptPlayed' }, { type: 'TimerExpired', timerId: 'contact-1#1' },
      { type: 'FunctionReturned', result: {} }, { type: 'CustomerDisconnected' },
    ] as const) {
      const r = call.send(event);
      assert.ok(r.ignored, `${event.type} is ignored`);
      assert.deepEqual(r.effects, []);
      assert.equal(call.state, ended);
    }
  });

  test('an event the contact is not waiting for is ignored, and the state is unchanged', () => {
    const call = new Call(line);
    const before = call.state;
    const r = call.send({ type: 'FunctionReturned', result: { status: '200' } });
    assert.match(r.ignored ?? '', /FunctionReturned/);
    assert.equal(call.state, before);
  });
});

describe('flows that go wrong at run time', () => {
  test('a flow that loops forever without waiting ends with FLOW_ERROR instead of hanging', () => {
    const flow = load(flowDoc('a', [
      { Identifier: 'a', Type: 'UpdateContactAttributes', Parameters: { Attributes: { x: 'a' } }, Transitions: { NextAction: 'b' } },
      { Identifier: 'b', Type: 'UpdateContactAttributes', Parameters: { Attributes: { x: 'b' } }, Transitions: { NextAction: 'a' } },
    ]));
    const call = new Call(flow);
    assert.equal(call.state.status, 'ended');
    assert.equal(call.state.ending?.reason, 'FLOW_ERROR');
    assert.match(call.state.ending.message ?? '', /loops/);
    assert.deepEqual(call.of('Disconnect'), [{ type: 'Disconnect', reason: 'FLOW_ERROR', actionId: call.state.actionId }]);
    assert.ok(call.state.path.length <= MAX_ACTIONS_PER_STEP + 1);
  });

  test('a Loop that keeps being re-entered without waiting also ends with FLOW_ERROR', () => {
    const flow = load(flowDoc('loop', [
      {
        Identifier: 'loop', Type: 'Loop', Parameters: { LoopCount: '3' },
        Transitions: { Conditions: [
          { NextAction: 'loop', Condition: { Operator: 'Equals', Operands: ['ContinueLooping'] } },
          { NextAction: 'loop', Condition: { Operator: 'Equals', Operands: ['DoneLooping'] } },
        ] },
      },
    ]));
    assert.equal(new Call(flow).state.ending?.reason, 'FLOW_ERROR');
  });

  test('an action left by a branch the flow does not handle ends with FLOW_ERROR', () => {
    const flow = load(flowDoc('wait', [
      // Wait only needs WaitCompleted; a negative dynamic time raises NoMatchingError, unhandled here.
      { Identifier: 'wait', Type: 'Wait', Parameters: { TimeLimitSeconds: '$.Attributes.t' }, Transitions: { Conditions: [{ NextAction: 'bye', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }] } },
      disconnect(),
    ]));
    const call = new Call(flow, { attributes: { t: '-1' } });
    assert.equal(call.state.ending?.reason, 'FLOW_ERROR');
    assert.deepEqual(call.path(), ['wait error NoMatchingError']);
  });

  test('an action with no transitions at all ends the flow there (FLOW_ENDED)', () => {
    const flow = load(flowDoc('say', [
      { Identifier: 'say', Type: 'MessageParticipant', Parameters: { Text: 'ごきげんよう' }, Transitions: {} },
    ]));
    const call = new Call(flow);
    assert.equal(call.state.ending?.reason, 'FLOW_ENDED');
    assert.deepEqual(call.of('Disconnect'), [{ type: 'Disconnect', reason: 'FLOW_ENDED', actionId: 'say' }]);
  });
});
