import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolverFor } from '../../src/flow/catalog.ts';
import type { RawAction } from '../../src/flow/types.ts';
import { checkFlow, checkFlowText, type FlowCheck, type FlowProblem } from '../../src/flow/validate.ts';
import { catalogWith, disconnect, flowDoc, INSTANCE_ARN } from './support.ts';

const LAMBDA = 'arn:aws:lambda:ap-northeast-1:000000000000:function:customer-lookup';
const check = (doc: unknown): FlowCheck => checkFlow(doc, { id: 'f' });
const brief = (p: FlowProblem) => ({ code: p.code, severity: p.severity, actionId: p.actionId, path: p.path });
const errors = (r: FlowCheck) => r.problems.filter((p) => p.severity === 'error').map(brief);
const warnings = (r: FlowCheck) => r.problems.filter((p) => p.severity === 'warning').map(brief);

const say = (Identifier: string, NextAction = 'bye'): RawAction => ({
  Identifier, Type: 'MessageParticipant', Parameters: { Text: 'こんにちは' }, Transitions: { NextAction },
});
const cond = (value: string, NextAction: string) => ({ NextAction, Condition: { Operator: 'Equals', Operands: [value] } });

describe('the flow validator', () => {
  test('a small valid flow has no problems and is ready to run', () => {
    const r = check(flowDoc('hello', [say('hello'), disconnect()]));
    assert.deepEqual(r.problems, []);
    assert.equal(r.flow?.startAction, 'hello');
    assert.deepEqual([...r.actionTypes], [['MessageParticipant', 1], ['DisconnectParticipant', 1]]);
  });

  test('text that is not JSON is a problem with its line, not an exception', () => {
    const r = checkFlowText('{\n  "Version": "2019-10-30",\n  "Actions": [1 2]\n}', { id: 'f' });
    assert.deepEqual(r.problems.map(brief), [{ code: 'invalid-json', severity: 'error', actionId: undefined, path: '$' }]);
    assert.match(r.problems[0]?.message ?? '', /line 3, column 17/);
    assert.equal(r.flow, undefined);
  });

  test('a document that is not an object is a problem', () => {
    assert.deepEqual(errors(check([])).map((p) => p.code), ['invalid-document']);
    assert.deepEqual(errors(check({ Version: '2019-10-30', StartAction: 'a' })).map((p) => p.path), ['$.Actions']);
  });

  test('a wrong Version is reported at $.Version', () => {
    const r = check({ ...flowDoc('hello', [say('hello'), disconnect()]), Version: '2020-01-01' });
    assert.deepEqual(errors(r), [{ code: 'unknown-version', severity: 'error', actionId: undefined, path: '$.Version' }]);
    assert.equal(r.flow, undefined);
  });

  test('a missing StartAction, or one that names no action, is reported at $.StartAction', () => {
    const { StartAction: _s, ...noStart } = flowDoc('hello', [say('hello'), disconnect()]);
    assert.deepEqual(errors(check(noStart)).map((p) => [p.code, p.path]), [['missing-start-action', '$.StartAction']]);
    assert.deepEqual(errors(check(flowDoc('nowhere', [say('hello'), disconnect()]))).map((p) => p.code), ['missing-start-action']);
  });

  test('a duplicate Identifier is reported on the second action', () => {
    const r = check(flowDoc('hello', [say('hello'), say('hello'), disconnect()]));
    assert.deepEqual(errors(r), [{ code: 'duplicate-identifier', severity: 'error', actionId: 'hello', path: '$.Actions[1].Identifier' }]);
  });

  test('an Identifier with a forbidden character is reported', () => {
    const r = check(flowDoc('a:b', [say('a:b'), disconnect()]));
    assert.deepEqual(errors(r), [{ code: 'invalid-identifier', severity: 'error', actionId: 'a:b', path: '$.Actions[0].Identifier' }]);
  });

  test('an Identifier Connect reserves (toString, __proto__, ...) is reported', () => {
    for (const id of ['toString', '__proto__', 'constructor']) {
      assert.deepEqual(errors(check(flowDoc(id, [say(id), disconnect()]))).map((p) => [p.code, p.path]), [['invalid-identifier', '$.Actions[0].Identifier']], id);
    }
  });

  test('paths count every entry of Actions, even one that is not an action', () => {
    const r = check(flowDoc('hello', [42 as unknown as RawAction, say('hello', 'gone'), disconnect()]));
    assert.deepEqual(errors(r).map((p) => [p.code, p.path]), [
      ['invalid-document', '$.Actions[0]'],
      ['dangling-transition', '$.Actions[1].Transitions.NextAction'],
    ]);
  });

  test('an Identifier longer than 50 characters is reported', () => {
    const long = 'x'.repeat(51);
    assert.deepEqual(errors(check(flowDoc(long, [say(long), disconnect()]))).map((p) => p.code), ['invalid-identifier']);
  });

  test('an unknown action type is reported, with a hint for TransferToQueue', () => {
    const r = check(flowDoc('queue', [{ Identifier: 'queue', Type: 'TransferToQueue', Parameters: {}, Transitions: { NextAction: 'bye' } }, disconnect()]));
    assert.deepEqual(errors(r), [{ code: 'unknown-type', severity: 'error', actionId: 'queue', path: '$.Actions[0].Type' }]);
    assert.match(r.problems[0]?.message ?? '', /TransferContactToQueue/);
  });

  test('a Connect action type chokutsu does not run yet is reported as unsupported, not unknown', () => {
    const r = check(flowDoc('metrics', [{ Identifier: 'metrics', Type: 'CreateTask', Parameters: {}, Transitions: { NextAction: 'bye' } }, disconnect()]));
    assert.deepEqual(errors(r), [{ code: 'unsupported-type', severity: 'error', actionId: 'metrics', path: '$.Actions[0].Type' }]);
    assert.deepEqual(r.unsupportedTypes, ['CreateTask']);
  });

  test('a NextAction that names no action is reported at its path', () => {
    const r = check(flowDoc('hello', [say('hello', 'gone'), disconnect()]));
    assert.deepEqual(errors(r), [{ code: 'dangling-transition', severity: 'error', actionId: 'hello', path: '$.Actions[0].Transitions.NextAction' }]);
  });

  test('error and condition targets that name no action are reported at their paths', () => {
    const r = check(flowDoc('compare', [
      {
        Identifier: 'compare', Type: 'Compare', Parameters: { ComparisonValue: '$.External.status' },
        Transitions: { Conditions: [cond('200', 'bye'), cond('404', 'missing')], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'lost' }] },
      },
      disconnect(),
    ]));
    assert.deepEqual(errors(r).map((p) => [p.code, p.actionId, p.path]), [
      ['dangling-transition', 'compare', '$.Actions[0].Transitions.Errors[0].NextAction'],
      ['dangling-transition', 'compare', '$.Actions[0].Transitions.Conditions[1].NextAction'],
    ]);
  });

  test('a missing required parameter is reported at its path', () => {
    const r = check(flowDoc('fn', [
      { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: {}, Transitions: { NextAction: 'rec', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      { Identifier: 'rec', Type: 'UpdateContactRecordingBehavior', Parameters: { RecordingBehavior: {} }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    assert.deepEqual(errors(r).map((p) => [p.code, p.actionId, p.path]), [
      ['missing-parameter', 'fn', '$.Actions[0].Parameters.LambdaFunctionARN'],
      ['missing-parameter', 'rec', '$.Actions[1].Parameters.RecordingBehavior.RecordedParticipants'],
    ]);
  });

  test('a MessageParticipant with nothing to say is reported', () => {
    const r = check(flowDoc('hello', [{ Identifier: 'hello', Type: 'MessageParticipant', Parameters: {}, Transitions: { NextAction: 'bye' } }, disconnect()]));
    assert.deepEqual(errors(r).map((p) => [p.code, p.path]), [['missing-parameter', '$.Actions[0].Parameters']]);
  });

  test('a Compare without NoMatchingCondition is missing a transition', () => {
    const r = check(flowDoc('compare', [
      { Identifier: 'compare', Type: 'Compare', Parameters: { ComparisonValue: 'x' }, Transitions: { Conditions: [cond('x', 'bye')] } },
      disconnect(),
    ]));
    assert.deepEqual(errors(r), [{ code: 'missing-transition', severity: 'error', actionId: 'compare', path: '$.Actions[0].Transitions.Errors' }]);
    assert.match(r.problems[0]?.message ?? '', /NoMatchingCondition/);
  });

  test('a Loop without DoneLooping is missing a transition', () => {
    const r = check(flowDoc('loop', [
      { Identifier: 'loop', Type: 'Loop', Parameters: { LoopCount: '2' }, Transitions: { Conditions: [cond('ContinueLooping', 'hello')] } },
      say('hello', 'loop'),
    ]));
    assert.deepEqual(errors(r), [{ code: 'missing-transition', severity: 'error', actionId: 'loop', path: '$.Actions[0].Transitions.Conditions' }]);
    assert.match(r.problems[0]?.message ?? '', /DoneLooping/);
  });

  test('a CheckHoursOfOperation without False is missing a transition', () => {
    const r = check(flowDoc('hours', [
      {
        Identifier: 'hours', Type: 'CheckHoursOfOperation', Parameters: { HoursOfOperationId: 'business-hours' },
        Transitions: { Conditions: [cond('True', 'bye')], Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
      },
      disconnect(),
    ]));
    assert.deepEqual(errors(r), [{ code: 'missing-transition', severity: 'error', actionId: 'hours', path: '$.Actions[0].Transitions.Conditions' }]);
    assert.match(r.problems[0]?.message ?? '', /False/);
  });

  test('a condition result the action never produces is reported', () => {
    const r = check(flowDoc('hours', [
      {
        Identifier: 'hours', Type: 'CheckHoursOfOperation', Parameters: {},
        Transitions: { Conditions: [cond('True', 'bye'), cond('False', 'bye'), cond('Maybe', 'bye')], Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
      },
      disconnect(),
    ]));
    assert.deepEqual(errors(r).map((p) => [p.code, p.path]), [['invalid-condition', '$.Actions[0].Transitions.Conditions[2].Condition.Operands[0]']]);
  });

  test('an invalid LoopCount is reported; a dynamic one is left to run time', () => {
    const loop = (LoopCount: string) => check(flowDoc('loop', [
      { Identifier: 'loop', Type: 'Loop', Parameters: { LoopCount }, Transitions: { Conditions: [cond('ContinueLooping', 'loop'), cond('DoneLooping', 'bye')] } },
      disconnect(),
    ]));
    for (const bad of ['101', '-1', 'three', '']) {
      assert.deepEqual(errors(loop(bad)), [{ code: 'invalid-parameter', severity: 'error', actionId: 'loop', path: '$.Actions[0].Parameters.LoopCount' }], bad);
    }
    assert.deepEqual(loop('0').problems, []);
    assert.deepEqual(loop('$.Attributes.tries').problems, []);
  });

  test('an InvocationTimeLimitSeconds outside 1–8 is reported', () => {
    const fn = (InvocationTimeLimitSeconds: string) => check(flowDoc('fn', [
      { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: LAMBDA, InvocationTimeLimitSeconds }, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      disconnect(),
    ]));
    assert.deepEqual(errors(fn('9')), [{ code: 'invalid-parameter', severity: 'error', actionId: 'fn', path: '$.Actions[0].Parameters.InvocationTimeLimitSeconds' }]);
    assert.deepEqual(errors(fn('0')).map((p) => p.code), ['invalid-parameter']);
    assert.deepEqual(fn('8').problems, []);
  });

  test('an action no path from StartAction reaches is a warning; the flow still loads', () => {
    const r = check(flowDoc('hello', [say('hello'), say('orphan'), disconnect()]));
    assert.deepEqual(r.problems.map(brief), [{ code: 'unreachable-action', severity: 'warning', actionId: 'orphan', path: '$.Actions[1]' }]);
    assert.ok(r.flow);
  });

  test('a Terraform ${...} placeholder left in a parameter is a warning', () => {
    const r = check(flowDoc('fn', [
      {
        Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: '${customer_lookup_arn}' },
        Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
      },
      disconnect(),
    ]));
    assert.deepEqual(warnings(r), [{ code: 'placeholder', severity: 'warning', actionId: 'fn', path: '$.Actions[0].Parameters.LambdaFunctionARN' }]);
    assert.deepEqual(errors(r), []);
  });

  test('with a ReferenceResolver, references the instance cannot satisfy are warnings', () => {
    const catalog = catalogWith();
    const resolver = resolverFor(catalog, (ref) => ref === 'other-flow', new Set([LAMBDA]));
    const doc = flowDoc('hours', [
      {
        Identifier: 'hours', Type: 'CheckHoursOfOperation', Parameters: { HoursOfOperationId: 'night-shift' },
        Transitions: { Conditions: [cond('True', 'queue'), cond('False', 'queue')], Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'queue' }] },
      },
      { Identifier: 'queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'Billing' }, Transitions: { NextAction: 'prompt', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'prompt' }] } },
      { Identifier: 'prompt', Type: 'MessageParticipant', Parameters: { PromptId: 'goodbye' }, Transitions: { NextAction: 'fn' } },
      { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: `${LAMBDA}-v2` }, Transitions: { NextAction: 'hooks', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'hooks' }] } },
      { Identifier: 'hooks', Type: 'UpdateContactEventHooks', Parameters: { EventHooks: { CustomerQueue: 'queue-flow' } }, Transitions: { NextAction: 'known' } },
      { Identifier: 'known', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: `${INSTANCE_ARN}/queue/support` }, Transitions: { NextAction: 'dynamic', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      { Identifier: 'dynamic', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: '$.External.queue_name' }, Transitions: { NextAction: 'go', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      { Identifier: 'go', Type: 'TransferToFlow', Parameters: { ContactFlowId: 'after-hours' }, Transitions: { Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      disconnect(),
    ]);
    const r = checkFlow(doc, { id: 'f', resolver });
    assert.deepEqual(errors(r), []);
    assert.deepEqual(warnings(r).map((p) => [p.code, p.actionId, p.path]), [
      ['unresolved-reference', 'hours', '$.Actions[0].Parameters.HoursOfOperationId'],
      ['unresolved-reference', 'queue', '$.Actions[1].Parameters.QueueId'],
      ['unresolved-reference', 'prompt', '$.Actions[2].Parameters.PromptId'],
      ['unresolved-reference', 'fn', '$.Actions[3].Parameters.LambdaFunctionARN'],
      ['unresolved-reference', 'hooks', '$.Actions[4].Parameters.EventHooks.CustomerQueue'],
      ['unresolved-reference', 'go', '$.Actions[7].Parameters.ContactFlowId'],
    ]);
    // Without a resolver nothing is looked up.
    assert.deepEqual(check(doc).problems, []);
  });

  test('every problem is reported together, each with its action and path', () => {
    const r = check({
      Version: '2019-10-30',
      StartAction: 'start',
      Actions: [
        { Identifier: 'start', Type: 'MessageParticipant', Parameters: { Text: 'hi' }, Transitions: { NextAction: 'nowhere' } },
        { Identifier: 'start', Type: 'Loop', Parameters: { LoopCount: '500' }, Transitions: { Conditions: [cond('ContinueLooping', 'start')] } },
        { Identifier: 'q', Type: 'TransferToQueue', Parameters: {}, Transitions: {} },
        { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: {}, Transitions: { NextAction: 'start' } },
      ],
    });
    const codes = r.problems.map((p) => `${p.code} ${p.actionId ?? ''} ${p.path}`);
    assert.deepEqual(codes.sort(), [
      'dangling-transition start $.Actions[0].Transitions.NextAction',
      'duplicate-identifier start $.Actions[1].Identifier',
      'invalid-parameter start $.Actions[1].Parameters.LoopCount',
      'missing-parameter fn $.Actions[3].Parameters.LambdaFunctionARN',
      'missing-transition fn $.Actions[3].Transitions.Errors',
      'missing-transition start $.Actions[1].Transitions.Conditions',
      'unknown-type q $.Actions[2].Type',
      'unreachable-action fn $.Actions[3]',
      'unreachable-action q $.Actions[2]',
    ]);
    assert.equal(r.flow, undefined);
  });

  test('the shipped flows/direct-line.json has no problems at all', () => {
    const path = join(import.meta.dirname, '..', '..', 'flows', 'direct-line.json');
    const r = checkFlowText(readFileSync(path, 'utf8'), { id: 'direct-line' });
    assert.deepEqual(r.problems, []);
    assert.ok(r.flow);
  });
});
