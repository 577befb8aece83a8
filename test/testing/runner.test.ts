// The Testing-language runner on small flows: DTMF, overrides (substitute hours, mocked and slow
// function responses, each used once), assertions, EndTest, and MessageReceived's MatchingCriteria.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowCatalog } from '../../src/flow/catalog.ts';
import type { ResolvedFunction } from '../../src/functions/invoke.ts';
import { VirtualClock } from '../../src/runtime/text-call.ts';
import { runTestCase, type TestLine } from '../../src/testing/runner.ts';
import { parseTestCase, type TestCase } from '../../src/testing/test-case.ts';
import { dice, similar, textMatches } from '../../src/testing/text-match.ts';
import { businessHours, catalogWith, disconnect, flowDoc, INSTANCE_ARN, load, TUESDAY_0900 } from '../flow/support.ts';

const FN = 'arn:aws:lambda:ap-northeast-1:000000000000:function:lookup';
const noMatch = (NextAction: string) => [{ ErrorType: 'NoMatchingError', NextAction }];
const say = (Identifier: string, Text: string, NextAction = 'bye') => ({ Identifier, Type: 'MessageParticipant', Parameters: { Text }, Transitions: { NextAction } });

const flow = load(flowDoc('hours', [
  { Identifier: 'hours', Type: 'CheckHoursOfOperation', Parameters: { HoursOfOperationId: 'business-hours' }, Transitions: { Conditions: [{ NextAction: 'ask', Condition: { Operator: 'Equals', Operands: ['True'] } }, { NextAction: 'closed', Condition: { Operator: 'Equals', Operands: ['False'] } }], Errors: noMatch('bye') } },
  { Identifier: 'ask', Type: 'GetParticipantInput', Parameters: { Text: 'Press 1 for sales', InputTimeLimitSeconds: '5' }, Transitions: { NextAction: 'bye', Conditions: [{ NextAction: 'fn', Condition: { Operator: 'Equals', Operands: ['1'] } }], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'bye' }, { ErrorType: 'InputTimeLimitExceeded', NextAction: 'bye' }] } },
  { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: FN, InvocationTimeLimitSeconds: '3' }, Transitions: { NextAction: 'result', Errors: noMatch('failed') } },
  say('result', 'Hello $.External.name'),
  say('failed', 'The lookup failed'),
  say('closed', 'We are closed'),
  disconnect(),
]), 'main');

const always = { ...businessHours, id: 'always', name: 'Always', config: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const).map((Day) => ({ Day, StartTime: { Hours: 0, Minutes: 0 }, EndTime: { Hours: 0, Minutes: 0 } })) };

function testLine(): TestLine {
  const catalog: FlowCatalog = catalogWith({ flows: [flow], hours: [businessHours, always] });
  const functions = new Map<string, ResolvedFunction>([[FN, { name: 'lookup', timeLimitMs: 3000, handler: async () => ({ name: 'real' }) }]]);
  return { catalog, functions, entryFlow: () => flow, clock: new VirtualClock(TUESDAY_0900) };
}

const ev = (Type: string, Properties: Record<string, unknown> = {}) => ({ Type, Actor: 'System', Properties });
const dtmf = (Value: string) => ({ Type: 'SendInstruction', Parameters: { ActionType: 'SendInstruction', Actor: 'Customer', Instruction: { Type: 'DtmfInput', Properties: { Value } } } });
const mock = (LoadedData: unknown, DelaySeconds = 0) => ({
  Type: 'OverrideSystemBehavior',
  Parameters: { ActionType: 'OverrideSystemBehavior', Behavior: { Type: 'FlowAction', Properties: { ActionType: 'InvokeLambdaFunction', ActionParameters: { LambdaFunctionARN: FN }, Strategy: { Type: 'MockResponse', Response: { Type: 'ExecutionResult', ExecutionResult: { DelaySeconds, LoadedData: JSON.stringify(LoadedData) } } } } } },
});

function testCase(at: string, observations: { id: string; event: unknown; actions?: unknown[] }[]): TestCase {
  const content = {
    Version: '2025-06-21', Metadata: { chokutsu: { at } },
    Observations: observations.map((o, i) => ({ Identifier: o.id, Event: o.event, Actions: o.actions ?? [], Transitions: { NextObservations: observations[i + 1] ? [observations[i + 1]?.id] : [] } })),
  };
  const parsed = parseTestCase(JSON.stringify(content), 't');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('; '));
  return parsed.testCase;
}

describe('the Testing-language runner', () => {
  test('sends DTMF when the prompt is heard, and the real function answers', async () => {
    const r = await runTestCase(testCase('2026-11-24T10:00:00+09:00', [
      { id: 'start', event: ev('TestInitiated') },
      { id: 'menu', event: ev('MessageReceived', { Text: 'Press 1', MatchingCriteria: 'Inclusion' }), actions: [dtmf('1')] },
      { id: 'hello', event: ev('MessageReceived', { Text: 'Hello real' }) },
      { id: 'done', event: ev('TestCompleted') },
    ]), testLine());
    assert.equal(r.failure, undefined);
    assert.deepEqual(r.observed, ['start', 'menu', 'hello', 'done']);
  });

  test('a mocked response replaces the function once; the next call runs it for real', async () => {
    const line = testLine();
    const r = await runTestCase(testCase('2026-11-24T10:00:00+09:00', [
      { id: 'start', event: ev('TestInitiated'), actions: [mock({ name: 'mocked' })] },
      { id: 'menu', event: ev('MessageReceived', { Text: 'Press 1 for sales' }), actions: [dtmf('1')] },
      { id: 'hello', event: ev('MessageReceived', { Text: 'Hello mocked', MatchingCriteria: { Type: 'Inclusion' } }), actions: [{ Type: 'Assert', Parameters: { Namespace: '$.External.name', Operator: 'Equals', Operand: 'mocked' } }] },
    ]), line);
    assert.equal(r.failure, undefined);
    const again = await runTestCase(testCase('2026-11-24T10:00:00+09:00', [
      { id: 'menu', event: ev('MessageReceived', { Text: 'Press 1 for sales' }), actions: [dtmf('1')] },
      { id: 'hello', event: ev('MessageReceived', { Text: 'Hello real', MatchingCriteria: 'Inclusion' }) },
    ]), line);
    assert.equal(again.failure, undefined);
  });

  test('a mocked response slower than the block\'s time limit takes the error branch', async () => {
    const r = await runTestCase(testCase('2026-11-24T10:00:00+09:00', [
      { id: 'start', event: ev('TestInitiated'), actions: [mock({ name: 'late' }, 5)] },
      { id: 'menu', event: ev('MessageReceived', { Text: 'Press 1 for sales' }), actions: [dtmf('1')] },
      { id: 'failed', event: ev('MessageReceived', { Text: 'The lookup failed', MatchingCriteria: 'Inclusion' }) },
    ]), testLine());
    assert.equal(r.failure, undefined);
  });

  test('substituting the hours resource once opens the line on a Sunday', async () => {
    const substitute = {
      Type: 'OverrideSystemBehavior',
      Parameters: { ActionType: 'OverrideSystemBehavior', Behavior: { Type: 'FlowAction', Properties: { ActionType: 'CheckHoursOfOperation', ActionParameters: { HoursOfOperationId: `${INSTANCE_ARN}/operating-hours/business-hours` }, Strategy: { Type: 'SubstituteResource', SubstituteArn: `${INSTANCE_ARN}/operating-hours/always` } } } },
    };
    const sunday = '2026-11-29T10:00:00+09:00';
    const closed = await runTestCase(testCase(sunday, [{ id: 'closed', event: ev('MessageReceived', { Text: 'We are closed', MatchingCriteria: 'Inclusion' }) }]), testLine());
    assert.equal(closed.failure, undefined);
    const open = await runTestCase(testCase(sunday, [
      { id: 'start', event: ev('TestInitiated'), actions: [substitute] },
      { id: 'hours', event: ev('FlowActionStarted', { ActionType: 'CheckHoursOfOperation', ActionParameters: { HoursOfOperationId: 'business-hours' } }) },
      { id: 'menu', event: ev('MessageReceived', { Text: 'Press 1 for sales', MatchingCriteria: 'Inclusion' }), actions: [{ Type: 'TestControl', Parameters: { ActionType: 'TestControl', Command: { Type: 'EndTest' } } }] },
      { id: 'never', event: ev('MessageReceived', { Text: 'not reached' }) },
    ]), testLine());
    assert.equal(open.failure, undefined, 'EndTest ends the test; later observations are not missing');
  });

  test('an observation that never happens fails the test at the end', async () => {
    const r = await runTestCase(testCase('2026-11-24T10:00:00+09:00', [
      { id: 'menu', event: ev('MessageReceived', { Text: 'Press 1 for sales' }) },
      { id: 'hello', event: ev('MessageReceived', { Text: 'Hello real' }) },
    ]), testLine());
    assert.match(r.failure ?? '', /^observation "hello" \(MessageReceived "Hello real"\) did not happen after "menu"; instead: .*the contact ended/);
  });
});

describe('MatchingCriteria', () => {
  test('Inclusion: the observed message contains the text, exactly', () => {
    assert.ok(textMatches('営業時間外', 'ただいま営業時間外です。', 'Inclusion'));
    assert.ok(!textMatches('営業時間外です', 'ただいま営業時間外でございます。', 'Inclusion'));
  });

  test('Similarity (local approximation): normalised inclusion or bigram Dice ≥ 0.8', () => {
    assert.ok(similar('Hello, world!', 'hello world'));
    assert.ok(similar('お電話ありがとうございます', 'お電話ありがとうございます。担当者におつなぎします。'));
    assert.ok(dice('thank you for calling', 'thank you for caling') >= 0.8);
    assert.ok(!similar('we are open', 'we are closed'));
    assert.ok(textMatches('Ｈｅｌｌｏ', 'hello'), 'Similarity is the default; NFKC folds full-width letters');
  });
});
