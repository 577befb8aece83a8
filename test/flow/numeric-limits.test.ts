// Numeric parameters follow the Flow Language reference: outside its bounds is an error; where it
// gives no maximum, a value above chokutsu's usual one (as real exports may hold) is a warning.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawAction } from '../../src/flow/types.ts';
import { checkFlow, checkPasses } from '../../src/flow/validate.ts';
import { disconnect, flowDoc } from './support.ts';

const LAMBDA = 'arn:aws:lambda:ap-northeast-1:000000000000:function:customer-lookup';
const noMatch = [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }];
const cond = (value: string) => ({ NextAction: 'bye', Condition: { Operator: 'Equals', Operands: [value] } });

/** The problems of a one-action flow, as "severity code path". */
function problems(action: RawAction): string[] {
  return checkFlow(flowDoc(action.Identifier, [action, disconnect()]), { id: 'f' }).problems.map((p) => `${p.severity} ${p.code} ${p.path.replace('$.Actions[0].Parameters.', '')}`);
}
const menu = (Parameters: Record<string, unknown>): RawAction => ({
  Identifier: 'ask', Type: 'GetParticipantInput', Parameters: { Text: 'press', StoreInput: 'False', ...Parameters },
  Transitions: { NextAction: 'bye', Conditions: [cond('1')], Errors: [...noMatch, { ErrorType: 'NoMatchingCondition', NextAction: 'bye' }, { ErrorType: 'InputTimeLimitExceeded', NextAction: 'bye' }] },
});
const stored = (Parameters: Record<string, unknown>): RawAction => ({
  Identifier: 'ask', Type: 'GetParticipantInput', Parameters: { Text: 'number', StoreInput: 'True', ...Parameters }, Transitions: { NextAction: 'bye', Errors: noMatch },
});
const lambda = (InvocationTimeLimitSeconds: string): RawAction => ({
  Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: LAMBDA, InvocationTimeLimitSeconds }, Transitions: { NextAction: 'bye', Errors: noMatch },
});
const loop = (LoopCount: string): RawAction => ({
  Identifier: 'loop', Type: 'Loop', Parameters: { LoopCount }, Transitions: { Conditions: [{ ...cond('ContinueLooping') }, { ...cond('DoneLooping') }] },
});
const wait = (Parameters: Record<string, string>): RawAction => ({
  Identifier: 'wait', Type: 'Wait', Parameters, Transitions: { Conditions: [cond('WaitCompleted')], Errors: noMatch },
});
const priority = (Parameters: Record<string, string>): RawAction => ({ Identifier: 'prio', Type: 'UpdateContactRoutingBehavior', Parameters, Transitions: { NextAction: 'bye' } });

describe('numeric limits', () => {
  test('InvocationTimeLimitSeconds: an integer from 1 to 8 ("greater than 0, no larger than 8, and an integer")', () => {
    assert.deepEqual(problems(lambda('8')), []);
    for (const bad of ['0', '9', '2.5', 'soon']) assert.deepEqual(problems(lambda(bad)), ['error invalid-parameter InvocationTimeLimitSeconds'], bad);
  });

  test('InputTimeLimitSeconds: an integer above zero; above 180 (no maximum in the reference) is accepted with a warning', () => {
    assert.deepEqual(problems(menu({ InputTimeLimitSeconds: '8' })), []);
    assert.deepEqual(problems(menu({ InputTimeLimitSeconds: '600' })), ['warning unverified-value InputTimeLimitSeconds']);
    for (const bad of ['0', '-5', '7.5']) assert.deepEqual(problems(menu({ InputTimeLimitSeconds: bad })), ['error invalid-parameter InputTimeLimitSeconds'], bad);
    const warning = checkFlow(flowDoc('ask', [menu({ InputTimeLimitSeconds: '600' }), disconnect()]), { id: 'f' });
    assert.ok(warning.flow, 'still runs');
    assert.equal(checkPasses(warning), true, 'flow check passes');
    assert.equal(checkPasses(warning, true), false, 'unless --strict');
    assert.match(warning.problems[0]?.message ?? '', /"600" is above 180, the most chokutsu has seen \(the reference gives no maximum\): accepted/);
  });

  test('MaximumLength and InterdigitTimeLimitSeconds: above 20 is a warning, below 1 an error', () => {
    assert.deepEqual(problems(stored({ InputValidation: { CustomValidation: { MaximumLength: '20' } } })), []);
    assert.deepEqual(problems(stored({ InputValidation: { CustomValidation: { MaximumLength: '32' } } })), ['warning unverified-value InputValidation.CustomValidation.MaximumLength']);
    assert.deepEqual(problems(stored({ InputValidation: { CustomValidation: { MaximumLength: '0' } } })), ['error invalid-parameter InputValidation.CustomValidation.MaximumLength']);
    assert.deepEqual(problems(stored({ DTMFConfiguration: { InterdigitTimeLimitSeconds: '30' } })), ['warning unverified-value DTMFConfiguration.InterdigitTimeLimitSeconds']);
  });

  test('LoopCount: an integer from 0 to 100 ("between 0 and 100 (inclusive)")', () => {
    assert.deepEqual(problems(loop('0')), []);
    assert.deepEqual(problems(loop('100')), []);
    for (const bad of ['101', '-1', '1.5']) assert.deepEqual(problems(loop(bad)), ['error invalid-parameter LoopCount'], bad);
  });

  test('Wait: TimeoutSeconds (the reference\'s name) or TimeLimitSeconds (real exports\') is an integer from 1 to 604800', () => {
    assert.deepEqual(problems(wait({ TimeLimitSeconds: '900' })), []);
    assert.deepEqual(problems(wait({ TimeoutSeconds: '604800' })), []);
    assert.deepEqual(problems(wait({ TimeoutSeconds: '604801' })), ['error invalid-parameter TimeoutSeconds']);
    assert.deepEqual(problems(wait({ TimeLimitSeconds: '0' })), ['error invalid-parameter TimeLimitSeconds']);
    assert.deepEqual(problems(wait({ TimeLimitSeconds: '$.Attributes.wait' })), [], 'a dynamic value is checked when it runs');
  });

  test('UpdateContactRoutingBehavior: QueuePriority an integer above zero, QueueTimeAdjustmentSeconds an integer, not both', () => {
    assert.deepEqual(problems(priority({ QueuePriority: '1' })), []);
    assert.deepEqual(problems(priority({ QueueTimeAdjustmentSeconds: '-600' })), []);
    assert.deepEqual(problems(priority({ QueuePriority: '0' })), ['error invalid-parameter QueuePriority']);
    assert.deepEqual(problems(priority({ QueueTimeAdjustmentSeconds: '1.5' })), ['error invalid-parameter QueueTimeAdjustmentSeconds']);
    assert.deepEqual(problems(priority({ QueuePriority: '1', QueueTimeAdjustmentSeconds: '60' })), ['error invalid-parameter QueueTimeAdjustmentSeconds']);
  });
});
