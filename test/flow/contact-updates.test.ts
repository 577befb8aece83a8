import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawAction } from '../../src/flow/types.ts';
import { Call, catalogWith, disconnect, flowDoc, INSTANCE_ARN, load, salesQueue, supportQueue } from './support.ts';

const noMatch = (NextAction: string) => [{ ErrorType: 'NoMatchingError', NextAction }];
const failed: RawAction = { Identifier: 'failed', Type: 'UpdateContactAttributes', Parameters: { Attributes: { failed: 'yes' } }, Transitions: { NextAction: 'bye' } };

describe('UpdateContactAttributes', () => {
  test('sets static values and values read from the contact', () => {
    const flow = load(flowDoc('set', [
      {
        Identifier: 'set', Type: 'UpdateContactAttributes',
        Parameters: { Attributes: { source: 'ivr', caller: '$.CustomerEndpoint.Address', greeting: 'Hello $.Attributes.name' } },
        Transitions: { NextAction: 'bye' },
      },
      disconnect(),
    ]));
    const call = new Call(flow, { customerAddress: '+81312345678', attributes: { name: 'Ito', kept: 'yes' } });
    // A value that is not a single reference is static, as in Connect.
    assert.deepEqual(call.state.attributes, { name: 'Ito', kept: 'yes', source: 'ivr', caller: '+81312345678', greeting: 'Hello $.Attributes.name' });
    assert.deepEqual(call.state.path[0]?.detail, { source: 'ivr', caller: '+81312345678', greeting: 'Hello $.Attributes.name' });
  });

  test('copies a function result into an attribute, and later actions read it', () => {
    const flow = load(flowDoc('fn', [
      { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: 'arn:aws:lambda:ap-northeast-1:000000000000:function:x' }, Transitions: { NextAction: 'set', Errors: noMatch('bye') } },
      { Identifier: 'set', Type: 'UpdateContactAttributes', Parameters: { Attributes: { project: '$.External.queue_name' } }, Transitions: { NextAction: 'say' } },
      { Identifier: 'say', Type: 'MessageParticipant', Parameters: { Text: '$.Attributes.projectの担当者におつなぎします。' }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    const call = new Call(flow, { autoPlay: false });
    call.send({ type: 'FunctionReturned', result: { queue_name: 'Sakura' } });
    assert.equal(call.state.attributes.project, 'Sakura');
    assert.deepEqual(call.of('PlayPrompt')[0]?.content, { text: 'Sakuraの担当者におつなぎします。' });
  });
});

describe('UpdateContactTargetQueue and TransferContactToQueue', () => {
  const toQueue = (QueueId: string) => load(flowDoc('target', [
    { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId }, Transitions: { NextAction: 'transfer', Errors: noMatch('failed') } },
    {
      Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {},
      Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'QueueAtCapacity', NextAction: 'full' }, { ErrorType: 'NoMatchingError', NextAction: 'failed' }] },
    },
    { Identifier: 'full', Type: 'MessageParticipant', Parameters: { Text: 'ただいま大変混み合っております。' }, Transitions: { NextAction: 'bye' } },
    failed, disconnect(),
  ]));

  for (const [how, ref] of [['ARN', `${INSTANCE_ARN}/queue/support`], ['id', 'support'], ['name', 'Support']] as const) {
    test(`sets the queue by its ${how} and transfers the contact to it`, () => {
      const call = new Call(toQueue(ref));
      assert.deepEqual(call.state.queue, supportQueue);
      assert.deepEqual(call.of('TransferToQueue'), [{ type: 'TransferToQueue', actionId: 'transfer', queue: supportQueue, routing: {} }]);
      assert.equal(call.state.status, 'queued');
      assert.deepEqual(call.path(), ['target next', 'transfer queued']);
    });
  }

  test('sets the queue from a function result ($.External.queue_arn)', () => {
    const flow = load(flowDoc('fn', [
      { Identifier: 'fn', Type: 'InvokeLambdaFunction', Parameters: { LambdaFunctionARN: 'arn:aws:lambda:ap-northeast-1:000000000000:function:x' }, Transitions: { NextAction: 'target', Errors: noMatch('bye') } },
      { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: '$.External.queue_arn' }, Transitions: { NextAction: 'bye', Errors: noMatch('bye') } },
      disconnect(),
    ]));
    const call = new Call(flow);
    call.send({ type: 'FunctionReturned', result: { queue_arn: salesQueue.arn } });
    assert.deepEqual(call.state.queue, salesQueue);
    assert.deepEqual(call.state.path[1]?.detail, { queue: 'Sales' });
  });

  test('an unknown queue takes NoMatchingError', () => {
    const call = new Call(toQueue('no-such-queue'));
    assert.equal(call.state.queue, undefined);
    assert.deepEqual(call.path(), ['target error NoMatchingError', 'failed next', 'bye end']);
  });

  test('$.Queue.Name reads the queue that was set', () => {
    const flow = load(flowDoc('target', [
      { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'sales' }, Transitions: { NextAction: 'set', Errors: noMatch('bye') } },
      { Identifier: 'set', Type: 'UpdateContactAttributes', Parameters: { Attributes: { q: '$.Queue.Name', arn: '$.Queue.ARN' } }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    assert.deepEqual(new Call(flow).state.attributes, { q: 'Sales', arn: salesQueue.arn });
  });

  test('a queue at capacity takes the QueueAtCapacity branch', () => {
    const call = new Call(toQueue('support'));
    call.send({ type: 'QueueTransferFailed', error: 'QueueAtCapacity', message: '10 contacts waiting' });
    assert.deepEqual(call.path(), ['target next', 'transfer error QueueAtCapacity', 'full next', 'bye end']);
    assert.equal(call.state.ending?.reason, 'DISCONNECTED_BY_FLOW');
  });

  test('a queue at capacity takes NoMatchingError when the flow has no QueueAtCapacity branch', () => {
    const flow = load(flowDoc('target', [
      { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'support' }, Transitions: { NextAction: 'transfer', Errors: noMatch('failed') } },
      { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'bye', Errors: noMatch('failed') } },
      failed, disconnect(),
    ]));
    const call = new Call(flow);
    call.send({ type: 'QueueTransferFailed', error: 'QueueAtCapacity' });
    assert.deepEqual(call.path(), ['target next', 'transfer error NoMatchingError', 'failed next', 'bye end']);
    assert.equal(call.state.path[1]?.detail.error, 'QueueAtCapacity');
  });

  test('a transfer with no queue set takes NoMatchingError', () => {
    const flow = load(flowDoc('transfer', [
      { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'bye', Errors: noMatch('failed') } },
      failed, disconnect(),
    ]));
    const call = new Call(flow);
    assert.deepEqual(call.of('TransferToQueue'), []);
    assert.deepEqual(call.path(), ['transfer error NoMatchingError', 'failed next', 'bye end']);
  });

  test('an agent answering ends the flow run with the contact connected', () => {
    const call = new Call(toQueue('support'));
    call.elapse(12);
    call.send({ type: 'AgentConnected', agentId: 'agent-1' });
    assert.equal(call.state.status, 'ended');
    assert.equal(call.state.ending?.reason, 'CONNECTED_TO_AGENT');
    assert.deepEqual(call.of('Disconnect'), []);
  });
});

describe('UpdateContactRecordingBehavior', () => {
  test('emits UpdateRecording with the recorded participants and keeps them on the contact', () => {
    const flow = load(flowDoc('rec', [
      {
        Identifier: 'rec', Type: 'UpdateContactRecordingBehavior',
        Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } }, Transitions: { NextAction: 'bye' },
      },
      disconnect(),
    ]));
    const call = new Call(flow);
    assert.deepEqual(call.of('UpdateRecording'), [{ type: 'UpdateRecording', participants: ['Agent', 'Customer'] }]);
    assert.deepEqual(call.state.recordedParticipants, ['Agent', 'Customer']);
  });

  test('an empty list turns recording off', () => {
    const flow = load(flowDoc('rec', [
      { Identifier: 'rec', Type: 'UpdateContactRecordingBehavior', Parameters: { RecordingBehavior: { RecordedParticipants: [] } }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    assert.deepEqual(new Call(flow).of('UpdateRecording'), [{ type: 'UpdateRecording', participants: [] }]);
  });
});

describe('UpdateContactTextToSpeechVoice', () => {
  test('later prompts are spoken with the chosen voice', () => {
    const flow = load(flowDoc('before', [
      { Identifier: 'before', Type: 'MessageParticipant', Parameters: { Text: 'はじめ' }, Transitions: { NextAction: 'voice' } },
      { Identifier: 'voice', Type: 'UpdateContactTextToSpeechVoice', Parameters: { TextToSpeechVoice: 'Takumi', TextToSpeechEngine: 'Neural' }, Transitions: { NextAction: 'after' } },
      { Identifier: 'after', Type: 'MessageParticipant', Parameters: { Text: 'あと' }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    const voices = new Call(flow).of('PlayPrompt').map((p) => p.voice);
    assert.deepEqual(voices, [{ name: 'Kazuha' }, { name: 'Takumi', engine: 'Neural' }]);
  });
});

describe('UpdateFlowLoggingBehavior and UpdateContactMediaStreamingBehavior', () => {
  test('flow logging and media streaming are recorded on the contact', () => {
    const flow = load(flowDoc('log', [
      { Identifier: 'log', Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: 'Enabled' }, Transitions: { NextAction: 'stream' } },
      {
        Identifier: 'stream', Type: 'UpdateContactMediaStreamingBehavior',
        Parameters: { MediaStreamingState: 'Enabled', Participants: [{ ParticipantType: 'Customer', MediaDirections: ['To', 'From'] }], MediaStreamType: 'Audio' },
        Transitions: { NextAction: 'bye', Errors: noMatch('bye') },
      },
      disconnect(),
    ]));
    const call = new Call(flow);
    assert.equal(call.state.logging, true);
    assert.equal(call.state.mediaStreaming, true);
    assert.deepEqual(call.path(), ['log next', 'stream next', 'bye end']);
  });

  test('Disabled turns them off again', () => {
    const flow = load(flowDoc('on', [
      { Identifier: 'on', Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: 'Enabled' }, Transitions: { NextAction: 'off' } },
      { Identifier: 'off', Type: 'UpdateFlowLoggingBehavior', Parameters: { FlowLoggingBehavior: 'Disabled' }, Transitions: { NextAction: 'stream' } },
      { Identifier: 'stream', Type: 'UpdateContactMediaStreamingBehavior', Parameters: { MediaStreamingState: 'Disabled' }, Transitions: { NextAction: 'bye' } },
      disconnect(),
    ]));
    const call = new Call(flow);
    assert.equal(call.state.logging, false);
    assert.equal(call.state.mediaStreaming, false);
  });
});

describe('UpdateContactEventHooks', () => {
  const queueFlow = load(flowDoc('hold', [
    { Identifier: 'hold', Type: 'MessageParticipant', Parameters: { Text: 'しばらくお待ちください' }, Transitions: {} },
  ]), 'queue-flow', { name: 'Customer queue', arn: `${INSTANCE_ARN}/contact-flow/queue-flow` });
  const hooks = (EventHooks: Record<string, string>) => load(flowDoc('hooks', [
    { Identifier: 'hooks', Type: 'UpdateContactEventHooks', Parameters: { EventHooks }, Transitions: { NextAction: 'bye', Errors: noMatch('failed') } },
    failed, disconnect(),
  ]));
  const run = (EventHooks: Record<string, string>) => {
    const flow = hooks(EventHooks);
    return new Call(flow, { catalog: catalogWith({ flows: [flow, queueFlow] }) });
  };

  test('resolves the hook flows by id, ARN or name to their ids', () => {
    assert.deepEqual(run({ CustomerQueue: 'queue-flow' }).state.eventHooks, { CustomerQueue: 'queue-flow' });
    assert.deepEqual(run({ CustomerQueue: queueFlow.arn ?? '' }).state.eventHooks, { CustomerQueue: 'queue-flow' });
    assert.deepEqual(run({ CustomerHold: 'Customer queue' }).state.eventHooks, { CustomerHold: 'queue-flow' });
  });

  test('an unknown flow takes NoMatchingError and sets no hook', () => {
    const call = run({ CustomerQueue: 'queue-flow', CustomerWhisper: 'no-such-flow' });
    assert.deepEqual(call.state.eventHooks, {});
    assert.deepEqual(call.path(), ['hooks error NoMatchingError', 'failed next', 'bye end']);
  });
});

describe('TransferToFlow', () => {
  const target = load(flowDoc('hello', [
    { Identifier: 'hello', Type: 'UpdateContactAttributes', Parameters: { Attributes: { reached: 'target' } }, Transitions: { NextAction: 'bye' } },
    disconnect(),
  ]), 'target-flow', { name: 'After hours', arn: `${INSTANCE_ARN}/contact-flow/target-flow` });
  const transfer = (ContactFlowId: string) => {
    const flow = load(flowDoc('go', [
      { Identifier: 'go', Type: 'TransferToFlow', Parameters: { ContactFlowId }, Transitions: { Errors: noMatch('failed') } },
      failed, disconnect(),
    ]));
    return new Call(flow, { catalog: catalogWith({ flows: [flow, target] }) });
  };

  for (const [how, ref] of [['id', 'target-flow'], ['ARN', `${INSTANCE_ARN}/contact-flow/target-flow`], ['name', 'After hours']] as const) {
    test(`continues at the start of the flow named by its ${how}`, () => {
      const call = transfer(ref);
      assert.equal(call.state.attributes.reached, 'target');
      assert.equal(call.state.flowId, 'target-flow');
      assert.deepEqual(call.state.path.map((p) => `${p.flowId}/${p.actionId} ${p.branch}`), ['f/go transfer', 'target-flow/hello next', 'target-flow/bye end']);
    });
  }

  test('an unknown flow takes NoMatchingError', () => {
    const call = transfer('no-such-flow');
    assert.deepEqual(call.path(), ['go error NoMatchingError', 'failed next', 'bye end']);
    assert.equal(call.state.flowId, 'f');
  });
});

describe('DisconnectParticipant and EndFlowExecution', () => {
  test('DisconnectParticipant hangs up: Disconnect effect, ending DISCONNECTED_BY_FLOW', () => {
    const call = new Call(load(flowDoc('bye', [disconnect()])));
    assert.deepEqual(call.effects, [{ type: 'Disconnect', reason: 'DISCONNECTED_BY_FLOW', actionId: 'bye' }]);
    assert.equal(call.state.status, 'ended');
    assert.deepEqual(call.state.ending, { reason: 'DISCONNECTED_BY_FLOW', at: call.now, actionId: 'bye' });
    assert.deepEqual(call.path(), ['bye end']);
  });

  test('EndFlowExecution ends the flow run: ending FLOW_ENDED', () => {
    const call = new Call(load(flowDoc('end', [{ Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} }])));
    assert.equal(call.state.ending?.reason, 'FLOW_ENDED');
    assert.deepEqual(call.path(), ['end end']);
  });
});
