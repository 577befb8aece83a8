import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawAction } from '../../src/flow/types.ts';
import { Call, catalogWith, disconnect, flowDoc, INSTANCE_ARN, load, TUESDAY_0900 } from './support.ts';

const mark = (Identifier: string, next = 'bye'): RawAction => ({
  Identifier, Type: 'UpdateContactAttributes', Parameters: { Attributes: { went: Identifier } }, Transitions: { NextAction: next },
});

const cond = (Operator: string, operand: string, NextAction: string) => ({ NextAction, Condition: { Operator, Operands: [operand] } });

describe('CheckHoursOfOperation', () => {
  const hoursFlow = (Parameters: Record<string, unknown>, before: RawAction[] = []) => load(flowDoc(before[0]?.Identifier ?? 'hours', [
    ...before,
    {
      Identifier: 'hours', Type: 'CheckHoursOfOperation', Parameters,
      Transitions: {
        Conditions: [cond('Equals', 'True', 'open'), cond('Equals', 'False', 'closed')],
        Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'error' }],
      },
    },
    mark('open'), mark('closed'), mark('error'), disconnect(),
  ]));
  const wentAt = (iso: string, Parameters: Record<string, unknown> = { HoursOfOperationId: 'business-hours' }) =>
    new Call(hoursFlow(Parameters), { at: Date.parse(iso) }).state.attributes.went;

  test('is open on Tuesday at 09:00 Tokyo time with Mon–Fri 09–18 hours', () => {
    assert.equal(wentAt('2026-11-24T09:00:00+09:00'), 'open');
  });

  test('is open at 17:59 and closed from 18:00', () => {
    assert.equal(wentAt('2026-11-24T17:59:00+09:00'), 'open');
    assert.equal(wentAt('2026-11-24T18:00:00+09:00'), 'closed');
  });

  test('is closed before 09:00 (00:30 UTC is 09:30 in Tokyo, 23:30 UTC is 08:30)', () => {
    assert.equal(wentAt('2026-11-24T00:30:00Z'), 'open');
    assert.equal(wentAt('2026-11-23T23:30:00Z'), 'closed');
  });

  test('is closed on Saturday', () => {
    assert.equal(wentAt('2026-11-28T10:00:00+09:00'), 'closed');
  });

  test('finds the hours by ARN and by name too', () => {
    assert.equal(wentAt('2026-11-24T10:00:00+09:00', { HoursOfOperationId: `${INSTANCE_ARN}/operating-hours/business-hours` }), 'open');
    assert.equal(wentAt('2026-11-24T10:00:00+09:00', { HoursOfOperationId: 'Business hours' }), 'open');
  });

  test('without HoursOfOperationId it checks the hours of the contact\'s queue', () => {
    const setQueue: RawAction = {
      Identifier: 'queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'support' },
      Transitions: { NextAction: 'hours', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'error' }] },
    };
    const flow = hoursFlow({}, [setQueue]);
    assert.equal(new Call(flow, { at: Date.parse('2026-11-24T10:00:00+09:00') }).state.attributes.went, 'open');
    assert.equal(new Call(flow, { at: Date.parse('2026-11-28T10:00:00+09:00') }).state.attributes.went, 'closed');
  });

  test('with no hours at all (no id, no queue) it takes NoMatchingError', () => {
    const call = new Call(hoursFlow({}));
    assert.equal(call.state.attributes.went, 'error');
    assert.equal(call.path()[0], 'hours error NoMatchingError');
  });

  test('an unknown hours id takes NoMatchingError', () => {
    assert.equal(wentAt('2026-11-24T10:00:00+09:00', { HoursOfOperationId: 'night-shift' }), 'error');
  });

  test('the path records the result as the condition taken', () => {
    const call = new Call(hoursFlow({ HoursOfOperationId: 'business-hours' }), { at: TUESDAY_0900 });
    assert.equal(call.path()[0], 'hours condition True');
    assert.deepEqual(call.state.path[0]?.detail, { hours: 'Business hours', result: 'True' });
  });
});

describe('Compare', () => {
  const compare = (value: string, conditions: ReturnType<typeof cond>[]) => new Call(load(flowDoc('set', [
    { Identifier: 'set', Type: 'UpdateContactAttributes', Parameters: { Attributes: { v: value } }, Transitions: { NextAction: 'compare' } },
    {
      Identifier: 'compare', Type: 'Compare', Parameters: { ComparisonValue: '$.Attributes.v' },
      Transitions: { Conditions: conditions, Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'none' }] },
    },
    mark('yes'), mark('second'), mark('none'), disconnect(),
  ]))).state.attributes.went;

  const cases: [string, string, string, boolean][] = [
    ['Equals', '200', '200', true],
    ['Equals', '200', '200.0', false],
    ['Equals', 'abc', 'ABC', false],
    ['NumberGreaterThan', '10', '9', true],
    ['NumberGreaterThan', '9', '9', false],
    ['NumberGreaterOrEqualTo', '9', '9', true],
    ['NumberGreaterOrEqualTo', '8.5', '9', false],
    ['NumberLessThan', '8', '9', true],
    ['NumberLessThan', '9', '9', false],
    ['NumberLessOrEqualTo', '9', '9', true],
    ['NumberLessOrEqualTo', '10', '9', false],
    ['NumberGreaterThan', '100', '20', true], // numbers, not text: "100" < "20" as text
    ['TextStartsWith', 'project-a', 'project', true],
    ['TextStartsWith', 'a-project', 'project', false],
    ['TextEndsWith', 'project-a', '-a', true],
    ['TextEndsWith', 'project-a', 'project', false],
    ['TextContains', '本日は祝日です', '祝日', true],
    ['TextContains', '本日は平日です', '祝日', false],
  ];
  for (const [operator, value, operand, matched] of cases) {
    test(`${JSON.stringify(value)} ${operator} ${JSON.stringify(operand)} ${matched ? 'matches' : 'does not match'}`, () => {
      assert.equal(compare(value, [cond(operator, operand, 'yes')]), matched ? 'yes' : 'none');
    });
  }

  for (const operator of ['NumberGreaterThan', 'NumberGreaterOrEqualTo', 'NumberLessThan', 'NumberLessOrEqualTo']) {
    test(`a non-numeric value never matches ${operator}`, () => {
      assert.equal(compare('abc', [cond(operator, '5', 'yes')]), 'none');
      assert.equal(compare('', [cond(operator, '0', 'yes')]), 'none');
    });
  }

  test('the first matching condition wins', () => {
    assert.equal(compare('404', [cond('NumberGreaterThan', '400', 'yes'), cond('Equals', '404', 'second')]), 'yes');
    assert.equal(compare('404', [cond('Equals', '500', 'yes'), cond('Equals', '404', 'second')]), 'second');
  });

  test('no matching condition takes NoMatchingCondition, recorded in the path', () => {
    const flow = load(flowDoc('compare', [
      {
        Identifier: 'compare', Type: 'Compare', Parameters: { ComparisonValue: '$.External.status' },
        Transitions: { Conditions: [cond('Equals', '200', 'yes')], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'none' }] },
      },
      mark('yes'), mark('none'), disconnect(),
    ]));
    const call = new Call(flow);
    assert.deepEqual(call.path(), ['compare error NoMatchingCondition', 'none next', 'bye end']);
  });

  test('the path records the condition with the compared value', () => {
    const flow = load(flowDoc('compare', [
      {
        Identifier: 'compare', Type: 'Compare', Parameters: { ComparisonValue: 'ok' },
        Transitions: { Conditions: [cond('Equals', 'ok', 'yes')], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'none' }] },
      },
      mark('yes'), mark('none'), disconnect(),
    ]));
    assert.deepEqual(new Call(flow).path(), ['compare condition ok', 'yes next', 'bye end']);
  });
});

describe('DistributeByPercentage', () => {
  // As the flow editor writes 30% A / 70% default: a chain of NumberLessThan on a number 1–100.
  const split = load(flowDoc('split', [
    {
      Identifier: 'split', Type: 'DistributeByPercentage', Parameters: {},
      Transitions: { Conditions: [cond('NumberLessThan', '31', 'a')], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'b' }] },
    },
    mark('a'), mark('b'), disconnect(),
  ]));
  const catalog = catalogWith({ flows: [split] });
  const branchOf = (contactId: string) => new Call(split, { catalog, contactId }).state.attributes.went;

  test('is deterministic per contact id', () => {
    for (const id of ['c-1', 'c-2', 'c-3', 'c-4']) assert.equal(branchOf(id), branchOf(id));
  });

  test('over 2000 contacts the split is 30/70 within ±5%', () => {
    let a = 0;
    for (let i = 0; i < 2000; i++) if (branchOf(`contact-${i}`) === 'a') a++;
    assert.ok(Math.abs(a / 2000 - 0.3) <= 0.05, `${a} of 2000 went to A`);
  });

  test('draws a number from 1 to 100', () => {
    for (let i = 0; i < 300; i++) {
      const n = Number(new Call(split, { catalog, contactId: `x-${i}` }).state.path[0]?.detail.random);
      assert.ok(Number.isInteger(n) && n >= 1 && n <= 100, `drew ${n}`);
    }
  });

  test('the remainder takes NoMatchingCondition', () => {
    const branches = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const call = new Call(split, { catalog, contactId: `y-${i}` });
      branches.add(call.path()[0] ?? '');
    }
    assert.ok(branches.has('split error NoMatchingCondition'));
    assert.ok([...branches].every((b) => b === 'split error NoMatchingCondition' || /^split condition \d+$/.test(b)));
  });
});

describe('Loop', () => {
  const loopFlow = (LoopCount: string) => load(flowDoc('loop', [
    {
      Identifier: 'loop', Type: 'Loop', Parameters: { LoopCount },
      Transitions: { Conditions: [cond('Equals', 'ContinueLooping', 'again'), cond('Equals', 'DoneLooping', 'done')] },
    },
    { Identifier: 'again', Type: 'MessageParticipant', Parameters: { Text: 'もう一度' }, Transitions: { NextAction: 'loop' } },
    { Identifier: 'done', Type: 'MessageParticipant', Parameters: { Text: 'おわり' }, Transitions: { NextAction: 'loop' } },
  ]));

  test('LoopCount 2 continues twice, is done once, then starts counting again', () => {
    const call = new Call(loopFlow('2'), { autoPlay: false });
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      results.push(call.state.actionId ?? '');
      call.send({ type: 'PromptPlayed' });
    }
    assert.deepEqual(results, ['again', 'again', 'done', 'again', 'again']);
    assert.deepEqual(call.path().filter((p) => p.startsWith('loop')), [
      'loop condition ContinueLooping', 'loop condition ContinueLooping', 'loop condition DoneLooping',
      'loop condition ContinueLooping', 'loop condition ContinueLooping', 'loop condition DoneLooping',
    ]);
  });

  test('LoopCount 0 is done at once', () => {
    const call = new Call(loopFlow('0'), { autoPlay: false });
    assert.deepEqual(call.path(), ['loop condition DoneLooping', 'done pending']);
  });

  test('LoopCount may come from an attribute', () => {
    const call = new Call(loopFlow('$.Attributes.tries'), { autoPlay: false, attributes: { tries: '1' } });
    assert.equal(call.state.actionId, 'again');
    call.send({ type: 'PromptPlayed' });
    assert.equal(call.state.actionId, 'done');
  });

  test('an invalid dynamic LoopCount ends the contact with a flow error', () => {
    const call = new Call(loopFlow('$.Attributes.tries'), { autoPlay: false, attributes: { tries: 'many' } });
    assert.equal(call.state.ending?.reason, 'FLOW_ERROR');
  });
});

describe('Wait', () => {
  const waitFlow = load(flowDoc('wait', [
    {
      Identifier: 'wait', Type: 'Wait', Parameters: { TimeLimitSeconds: '30' },
      Transitions: { Conditions: [cond('Equals', 'WaitCompleted', 'after')], Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
    },
    mark('after'), disconnect(),
  ]));

  test('starts a timer for TimeLimitSeconds, then takes WaitCompleted when it expires', () => {
    const call = new Call(waitFlow);
    assert.deepEqual(call.last, [{ type: 'StartTimer', timerId: 'contact-1#1', seconds: 30 }]);
    assert.equal(call.state.status, 'waiting');
    call.expireTimer();
    assert.deepEqual(call.path(), ['wait condition WaitCompleted', 'after next', 'bye end']);
    assert.equal(call.state.path[1]?.at, TUESDAY_0900 + 30_000);
  });

  test('TimeoutSeconds, the reference\'s name for it, waits the same way', () => {
    const byReference = load(flowDoc('wait', [
      { Identifier: 'wait', Type: 'Wait', Parameters: { TimeoutSeconds: '45' }, Transitions: { Conditions: [cond('Equals', 'WaitCompleted', 'bye')] } },
      disconnect(),
    ]));
    assert.deepEqual(new Call(byReference).last, [{ type: 'StartTimer', timerId: 'contact-1#1', seconds: 45 }]);
  });

  test('a TimerExpired for another timer is ignored', () => {
    const call = new Call(waitFlow);
    assert.ok(call.send({ type: 'TimerExpired', timerId: 'contact-1#9' }).ignored);
    assert.equal(call.state.actionId, 'wait');
  });

  test('keys pressed while waiting are ignored', () => {
    const call = new Call(waitFlow);
    assert.ok(call.send({ type: 'Dtmf', digit: '1' }).ignored);
  });
});
