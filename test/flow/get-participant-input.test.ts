import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GetParticipantInputParameters } from '../../src/flow/actions/get-participant-input.ts';
import { Call, disconnect, flowDoc, load } from './support.ts';

/** Asks for the customer number and stores it; an invalid phone number goes to "invalid". */
function storing(extra: Partial<GetParticipantInputParameters> = {}) {
  return load(flowDoc('ask', [
    {
      Identifier: 'ask', Type: 'GetParticipantInput',
      Parameters: { Text: 'お客様番号を入力し、最後にシャープを押してください。', StoreInput: 'True', InputTimeLimitSeconds: '8', ...extra },
      Transitions: { NextAction: 'stored', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }, { ErrorType: 'InvalidPhoneNumber', NextAction: 'invalid' }] },
    },
    { Identifier: 'stored', Type: 'MessageParticipant', Parameters: { Text: '$.StoredCustomerInput' }, Transitions: { NextAction: 'bye' } },
    { Identifier: 'invalid', Type: 'MessageParticipant', Parameters: { Text: '番号が正しくありません。' }, Transitions: { NextAction: 'bye' } },
    disconnect(),
  ]));
}

/** Waits at the input, with the prompt already played. */
function asked(extra: Partial<GetParticipantInputParameters> = {}): Call {
  const call = new Call(storing(extra), { autoPlay: false });
  call.send({ type: 'PromptPlayed' });
  return call;
}

describe('GetParticipantInput storing the customer input', () => {
  test('digits followed by # are stored as $.StoredCustomerInput, and the flow takes NextAction', () => {
    const call = asked();
    call.keys('1234#');
    assert.equal(call.state.storedCustomerInput, '1234');
    assert.deepEqual(call.path(), ['ask next', 'stored pending']);
    assert.deepEqual(call.of('PlayPrompt')[1]?.content, { text: '1234' });
  });

  test('the prompt is interruptible and input starts when it has played, with InputTimeLimitSeconds', () => {
    const call = new Call(storing(), { autoPlay: false });
    assert.equal(call.of('PlayPrompt')[0]?.interruptible, true);
    assert.deepEqual(call.of('StartTimer'), []);
    call.send({ type: 'PromptPlayed' });
    assert.deepEqual(call.last, [{ type: 'StartTimer', timerId: 'contact-1#1', seconds: 8 }]);
  });

  test('input ends when MaximumLength digits have been entered', () => {
    const call = asked({ InputValidation: { CustomValidation: { MaximumLength: '4' } } });
    call.keys('1234');
    assert.equal(call.state.storedCustomerInput, '1234');
    assert.equal(call.state.actionId, 'stored');
    // A fifth key lands on the next, plain prompt and is ignored.
    assert.ok(call.send({ type: 'Dtmf', digit: '5' }).ignored);
    assert.equal(call.state.storedCustomerInput, '1234');
  });

  test('* is the cancel key: it clears what was entered and the customer starts again', () => {
    const call = asked();
    call.keys('99*1234#');
    assert.equal(call.state.storedCustomerInput, '1234');
  });

  test('the cancel key gives the customer the full input time again', () => {
    const call = asked();
    call.keys('12*');
    assert.deepEqual(call.lastTimer().seconds, 8);
  });

  test('with DisableCancelKey True, * is an ordinary digit', () => {
    const call = asked({ DTMFConfiguration: { DisableCancelKey: 'True' } });
    call.keys('12*34#');
    assert.equal(call.state.storedCustomerInput, '12*34');
  });

  test('*# stores an empty input', () => {
    const call = asked();
    call.keys('*#');
    assert.equal(call.state.storedCustomerInput, '');
    assert.equal(call.state.actionId, 'stored');
  });

  test('*****# stores an empty input', () => {
    const call = asked();
    call.keys('*****#');
    assert.equal(call.state.storedCustomerInput, '');
  });

  test('no input at all: after InputTimeLimitSeconds "Timeout" is stored and the flow takes NextAction', () => {
    const call = asked();
    const timer = call.lastTimer();
    assert.equal(timer.seconds, 8);
    call.expireTimer();
    assert.equal(call.state.storedCustomerInput, 'Timeout');
    assert.deepEqual(call.path(), ['ask next', 'stored pending']);
  });

  test('a pause longer than InterdigitTimeLimitSeconds ends input with the digits so far', () => {
    const call = asked({ DTMFConfiguration: { InterdigitTimeLimitSeconds: '3' } });
    call.keys('12');
    assert.equal(call.lastTimer().seconds, 3);
    call.expireTimer();
    assert.equal(call.state.storedCustomerInput, '12');
    assert.equal(call.state.actionId, 'stored');
  });

  test('each key restarts the interdigit timer and cancels the previous one', () => {
    const call = asked({ DTMFConfiguration: { InterdigitTimeLimitSeconds: '3' } });
    call.send({ type: 'Dtmf', digit: '1' });
    assert.deepEqual(call.last, [
      { type: 'CancelTimer', timerId: 'contact-1#1' },
      { type: 'StartTimer', timerId: 'contact-1#2', seconds: 3 },
    ]);
  });

  test('a custom termination sequence ends input', () => {
    const call = asked({ DTMFConfiguration: { InputTerminationSequence: '00' } });
    call.keys('12300');
    assert.equal(call.state.storedCustomerInput, '123');
  });

  test('a key pressed during the prompt stops the prompt and counts as input', () => {
    const call = new Call(storing(), { autoPlay: false });
    call.send({ type: 'Dtmf', digit: '7' });
    assert.deepEqual(call.last[0], { type: 'StopPrompt' });
    call.keys('7#');
    assert.equal(call.state.storedCustomerInput, '77');
  });

  test('a stale TimerExpired (an earlier timer id) is ignored', () => {
    const call = asked();
    const first = call.lastTimer().timerId;
    call.keys('12');
    const r = call.send({ type: 'TimerExpired', timerId: first });
    assert.ok(r.ignored);
    assert.deepEqual(r.effects, []);
    assert.equal(call.state.storedCustomerInput, undefined);
    call.keys('3#');
    assert.equal(call.state.storedCustomerInput, '123');
  });

  test('a stored prompt named by an attribute is played; an unknown one takes NoMatchingError', () => {
    const flow = storing({ Text: undefined, PromptId: '$.Attributes.greeting' });
    const known = new Call(flow, { autoPlay: false, attributes: { greeting: 'Welcome' } });
    assert.equal(known.of('PlayPrompt')[0]?.content.prompt?.id, 'welcome');
    const unknown = new Call(flow, { autoPlay: false, attributes: { greeting: 'nope' } });
    assert.deepEqual(unknown.path(), ['ask error NoMatchingError', 'bye end']);
  });

  test('E164 phone number validation stores the number with +', () => {
    const call = asked({ InputValidation: { PhoneNumberValidation: { NumberFormat: 'E164' } } });
    call.keys('819012345678#');
    assert.equal(call.state.storedCustomerInput, '+819012345678');
  });

  test('Local phone number validation adds the country calling code', () => {
    const call = asked({ InputValidation: { PhoneNumberValidation: { NumberFormat: 'Local', CountryCode: 'JP' } } });
    call.keys('09012345678#');
    assert.equal(call.state.storedCustomerInput, '+819012345678');
  });

  test('an input that is no phone number takes the InvalidPhoneNumber branch', () => {
    const call = asked({ InputValidation: { PhoneNumberValidation: { NumberFormat: 'E164' } } });
    call.keys('12#');
    assert.equal(call.state.storedCustomerInput, undefined);
    assert.deepEqual(call.path(), ['ask error InvalidPhoneNumber', 'invalid pending']);
  });
});

describe('GetParticipantInput as a menu (StoreInput False)', () => {
  const menu = load(flowDoc('menu', [
    {
      Identifier: 'menu', Type: 'GetParticipantInput',
      Parameters: { Text: '営業は1を、サポートは2を押してください。', StoreInput: 'False', InputTimeLimitSeconds: '5' },
      Transitions: {
        NextAction: 'bye',
        Conditions: [
          { NextAction: 'sales', Condition: { Operator: 'Equals', Operands: ['1'] } },
          { NextAction: 'support', Condition: { Operator: 'Equals', Operands: ['2'] } },
        ],
        Errors: [
          { ErrorType: 'NoMatchingCondition', NextAction: 'again' },
          { ErrorType: 'InputTimeLimitExceeded', NextAction: 'timeout' },
          { ErrorType: 'NoMatchingError', NextAction: 'bye' },
        ],
      },
    },
    ...['sales', 'support', 'again', 'timeout'].map((id) => ({
      Identifier: id, Type: 'UpdateContactAttributes', Parameters: { Attributes: { choice: id } }, Transitions: { NextAction: 'bye' },
    })),
    disconnect(),
  ]));

  test('a digit takes the condition it matches', () => {
    const call = new Call(menu);
    call.keys('2');
    assert.deepEqual(call.path(), ['menu condition 2', 'support next', 'bye end']);
    assert.equal(call.state.storedCustomerInput, undefined);
  });

  test('a digit no condition matches takes NoMatchingCondition', () => {
    const call = new Call(menu);
    call.keys('9');
    assert.deepEqual(call.path(), ['menu error NoMatchingCondition', 'again next', 'bye end']);
  });

  test('no key within InputTimeLimitSeconds takes InputTimeLimitExceeded', () => {
    const call = new Call(menu);
    assert.equal(call.lastTimer().seconds, 5);
    call.expireTimer();
    assert.deepEqual(call.path(), ['menu error InputTimeLimitExceeded', 'timeout next', 'bye end']);
  });

  test('the first key decides: the menu takes one digit', () => {
    const call = new Call(menu, { autoPlay: false });
    call.send({ type: 'Dtmf', digit: '1' });
    assert.deepEqual(call.last[0], { type: 'StopPrompt' });
    assert.equal(call.state.attributes.choice, 'sales');
  });
});
