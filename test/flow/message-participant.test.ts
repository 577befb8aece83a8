import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Call, disconnect, flowDoc, INSTANCE_ARN, load, welcomePrompt } from './support.ts';

const say = (Parameters: Record<string, unknown>) => load(flowDoc('say', [
  { Identifier: 'say', Type: 'MessageParticipant', Parameters, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'sorry' }] } },
  { Identifier: 'sorry', Type: 'MessageParticipant', Parameters: { Text: 'エラーが発生しました。' }, Transitions: { NextAction: 'bye' } },
  disconnect(),
]));

describe('MessageParticipant', () => {
  test('plays text with contact attributes interpolated', () => {
    const call = new Call(say({ Text: '$.Attributes.name様、お電話ありがとうございます。' }), {
      attributes: { name: '山田' }, autoPlay: false,
    });
    assert.deepEqual(call.of('PlayPrompt')[0]?.content, { text: '山田様、お電話ありがとうございます。' });
  });

  test('interpolates $.External values returned by a function earlier in the flow', () => {
    const flow = load(flowDoc('lookup', [
      { Identifier: 'lookup', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: 'arn:aws:lambda:ap-northeast-1:000000000000:function:holiday-check' }, Transitions: { NextAction: 'say', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      { Identifier: 'say', Type: 'MessageParticipant', Parameters: { Text: '本日は$.External.holidayNameのため休業です。' }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    const call = new Call(flow, { autoPlay: false });
    call.send({ type: 'FunctionReturned', result: { isHoliday: 'true', holidayName: '勤労感謝の日' } });
    const play = call.of('PlayPrompt')[0];
    assert.deepEqual(play?.content, { text: '本日は勤労感謝の日のため休業です。' });
    assert.equal(play.interruptible, false);
    assert.equal(play.actionId, 'say');
  });

  test('a reference to a missing attribute reads as empty, as in Connect', () => {
    const call = new Call(say({ Text: '[$.Attributes.missing]' }), { autoPlay: false });
    assert.deepEqual(call.of('PlayPrompt')[0]?.content, { text: '[]' });
  });

  test('plays SSML as SSML, interpolated', () => {
    const call = new Call(say({ SSML: '<speak>$.Attributes.name様</speak>' }), { attributes: { name: '佐藤' }, autoPlay: false });
    assert.deepEqual(call.of('PlayPrompt')[0]?.content, { ssml: '<speak>佐藤様</speak>' });
  });

  for (const [how, ref] of [['id', 'welcome'], ['ARN', `${INSTANCE_ARN}/prompt/welcome`], ['name', 'Welcome']] as const) {
    test(`plays a stored prompt named by its ${how}`, () => {
      const call = new Call(say({ PromptId: ref }), { autoPlay: false });
      assert.deepEqual(call.of('PlayPrompt')[0]?.content, { prompt: welcomePrompt });
      assert.equal(call.state.waiting?.kind, 'prompt');
    });
  }

  test('an unknown prompt takes the NoMatchingError branch', () => {
    const call = new Call(say({ PromptId: 'no-such-prompt' }));
    assert.deepEqual(call.path(), ['say error NoMatchingError', 'sorry next', 'bye end']);
    assert.deepEqual(call.of('PlayPrompt').map((p) => p.content), [{ text: 'エラーが発生しました。' }]);
  });

  test('waits for the prompt to finish, then takes NextAction', () => {
    const call = new Call(say({ Text: 'こんにちは' }), { autoPlay: false });
    assert.equal(call.state.status, 'waiting');
    assert.deepEqual(call.path(), ['say pending']);
    call.send({ type: 'PromptPlayed' });
    assert.deepEqual(call.path(), ['say next', 'bye end']);
    assert.equal(call.state.ending?.reason, 'DISCONNECTED_BY_FLOW');
  });

  test('keys pressed during a plain prompt are ignored', () => {
    const call = new Call(say({ Text: 'こんにちは' }), { autoPlay: false });
    const r = call.send({ type: 'Dtmf', digit: '1' });
    assert.ok(r.ignored);
    assert.deepEqual(r.effects, []);
    assert.equal(call.state.waiting?.kind, 'prompt');
  });

  test('the prompt is spoken with the default Japanese voice', () => {
    const call = new Call(say({ Text: 'こんにちは' }), { autoPlay: false });
    assert.equal(call.of('PlayPrompt')[0]?.voice.name, 'Kazuha');
  });
});
