// The action types added for issue 11: flow attributes, tags, contact data, queue metrics, moving a
// waiting contact, flow modules and routing criteria, each with its branches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowCatalog, QueueInfo } from '../../src/flow/catalog.ts';
import { checkFlow } from '../../src/flow/validate.ts';
import type { RawAction } from '../../src/flow/types.ts';
import { Call, catalogWith, disconnect, flowDoc, INSTANCE_ARN, load, salesQueue, supportQueue } from './support.ts';

const noMatch = (NextAction: string) => [{ ErrorType: 'NoMatchingError', NextAction }];
const attrs = (Identifier: string, Attributes: Record<string, string>, NextAction = 'bye'): RawAction => ({
  Identifier, Type: 'UpdateContactAttributes', Parameters: { Attributes }, Transitions: { NextAction },
});
const problems = (doc: unknown) => checkFlow(doc, { id: 'f' }).problems.map((p) => `${p.severity} ${p.code} ${p.path}`);

describe('UpdateFlowAttributes', () => {
  test('sets $.FlowAttributes.x for this flow, never on the contact, and not in the next flow', () => {
    const next = load(flowDoc('copy', [attrs('copy', { seen: '$.FlowAttributes.greeting' }), disconnect()]), 'next');
    const flow = load(flowDoc('set', [
      { Identifier: 'set', Type: 'UpdateFlowAttributes', Parameters: { FlowAttributes: { greeting: { Value: 'hello' }, caller: { Value: '$.CustomerEndpoint.Address' } } }, Transitions: { NextAction: 'use' } },
      attrs('use', { here: '$.FlowAttributes.greeting', who: '$.FlowAttributes.caller' }, 'go'),
      { Identifier: 'go', Type: 'TransferToFlow', Parameters: { ContactFlowId: 'next' }, Transitions: { Errors: noMatch('bye') } },
      disconnect(),
    ]));
    const call = new Call(flow, { customerAddress: '+81312345678', catalog: catalogWith({ flows: [flow, next] }) });
    assert.deepEqual(call.state.attributes, { here: 'hello', who: '+81312345678', seen: '' });
    assert.equal(call.state.flowAttributes, undefined, 'gone once the contact left the flow');
  });

  test('a FlowAttributes entry that is not { "Value": … } is a parameter error', () => {
    const doc = flowDoc('set', [{ Identifier: 'set', Type: 'UpdateFlowAttributes', Parameters: { FlowAttributes: { x: 'plain' } }, Transitions: { NextAction: 'bye' } }, disconnect()]);
    assert.deepEqual(problems(doc), ['error invalid-parameter $.Actions[0].Parameters.FlowAttributes.x']);
  });
});

describe('TagContact and UnTagContact', () => {
  test('tags go on the contact (static or read from it) and are removed by key', () => {
    const flow = load(flowDoc('tag', [
      { Identifier: 'tag', Type: 'TagContact', Parameters: { Tags: { Department: 'Sales', Caller: '$.CustomerEndpoint.Address' } }, Transitions: { NextAction: 'untag' } },
      { Identifier: 'untag', Type: 'UnTagContact', Parameters: { TagKeys: ['Department'] }, Transitions: { NextAction: 'bye', Errors: noMatch('bye') } },
      disconnect(),
    ]));
    const call = new Call(flow, { customerAddress: '+81312345678' });
    assert.deepEqual(call.state.tags, { Caller: '+81312345678' });
    assert.deepEqual(call.of('UpdateContactRecord').map((e) => e.tags), [{ Department: 'Sales', Caller: '+81312345678' }, { Caller: '+81312345678' }]);
  });

  test('more than 6 tags, or an aws: key, are parameter errors (TagContact API limits)', () => {
    const seven = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((n) => [`k${n}`, 'v']));
    assert.deepEqual(problems(flowDoc('t', [{ Identifier: 't', Type: 'TagContact', Parameters: { Tags: seven }, Transitions: { NextAction: 'bye' } }, disconnect()])),
      ['error invalid-parameter $.Actions[0].Parameters.Tags']);
    assert.deepEqual(problems(flowDoc('t', [{ Identifier: 't', Type: 'UnTagContact', Parameters: { TagKeys: ['aws:x'] }, Transitions: { NextAction: 'bye' } }, disconnect()])),
      ['error invalid-parameter $.Actions[0].Parameters.TagKeys[0]']);
  });
});

describe('UpdateContactData', () => {
  test('name, description and references go on the contact; LanguageCode changes $.LanguageCode', () => {
    const flow = load(flowDoc('data', [
      {
        Identifier: 'data', Type: 'UpdateContactData',
        Parameters: { Name: 'Call from $.CustomerEndpoint.Address', Description: '$.CustomerEndpoint.Address', References: { ticket: { Type: 'URL', Value: 'https://example.com/1' } }, LanguageCode: 'en-US' },
        Transitions: { NextAction: 'lang', Errors: noMatch('bye') },
      },
      attrs('lang', { lang: '$.LanguageCode' }),
      disconnect(),
    ]));
    const call = new Call(flow, { customerAddress: '+81312345678' });
    assert.deepEqual(call.state.contactData, {
      name: 'Call from $.CustomerEndpoint.Address', description: '+81312345678', references: { ticket: { Type: 'URL', Value: 'https://example.com/1' } },
    });
    assert.equal(call.state.attributes.lang, 'en-US');
  });
});

describe('GetMetricData', () => {
  const metricCatalog = (flows: ReturnType<typeof load>[]): FlowCatalog => ({
    ...catalogWith({ flows }),
    queueMetric: (queueId, metric) => (queueId === 'support' ? { NumberOfAgentsAvailable: 2, NumberOfContactsInQueue: 4, OldestContactInQueueAgeSeconds: 30, NumberOfAgentsOnline: 3, NumberOfAgentsStaffed: 3 }[metric] : undefined),
  });
  const doc = (params: Record<string, string>) => flowDoc('get', [
    { Identifier: 'get', Type: 'GetMetricData', Parameters: params, Transitions: { NextAction: 'read', Errors: noMatch('failed') } },
    attrs('read', { available: '$.Metrics.Agents.Available.Count', size: '$.Metrics.Queue.Size', queue: '$.Metrics.Queue.Name' }),
    attrs('failed', { failed: 'yes' }),
    disconnect(),
  ]);

  test('reads the router\'s metrics of the named queue into $.Metrics.*', () => {
    const flow = load(doc({ QueueId: supportQueue.arn, QueueChannel: 'Voice' }));
    const call = new Call(flow, { catalog: metricCatalog([flow]) });
    assert.deepEqual(call.state.attributes, { available: '2', size: '4', queue: 'Support' });
  });

  test('uses the contact\'s queue when none is named; no queue or no router is NoMatchingError', () => {
    const flow = load(doc({}));
    assert.equal(new Call(flow, { catalog: metricCatalog([flow]), queue: supportQueue }).state.attributes.size, '4');
    assert.equal(new Call(flow, { catalog: metricCatalog([flow]) }).state.attributes.failed, 'yes');
    assert.equal(new Call(flow, { queue: supportQueue }).state.attributes.failed, 'yes', 'the text channel has no router');
  });
});

describe('DequeueContactAndTransferToQueue', () => {
  const doc = (params: Record<string, string>) => flowDoc('move', [
    { Identifier: 'move', Type: 'DequeueContactAndTransferToQueue', Parameters: params, Transitions: { Errors: [...noMatch('failed'), { ErrorType: 'QueueAtCapacity', NextAction: 'failed' }] } },
    attrs('failed', { failed: 'yes' }),
    disconnect(),
  ]);

  test('moves the waiting contact to another queue and ends the customer queue flow', () => {
    const call = new Call(load(doc({ QueueId: 'sales' })), { queue: supportQueue });
    assert.deepEqual(call.of('MoveToQueue').map((e) => e.queue.id), ['sales']);
    assert.equal(call.state.ending?.reason, 'FLOW_ENDED');
    assert.equal(call.state.queue?.id, 'sales');
  });

  test('a contact not in a queue, or an unknown queue, takes NoMatchingError', () => {
    assert.equal(new Call(load(doc({ QueueId: 'sales' }))).state.attributes.failed, 'yes');
    assert.equal(new Call(load(doc({ QueueId: 'nowhere' })), { queue: supportQueue }).state.attributes.failed, 'yes');
  });

  test('needs QueueId or AgentId, not both', () => {
    assert.deepEqual(problems(doc({})), ['error missing-parameter $.Actions[0].Parameters']);
    assert.deepEqual(problems(doc({ QueueId: 'a', AgentId: 'b' })), ['error invalid-parameter $.Actions[0].Parameters.AgentId']);
  });
});

describe('InvokeFlowModule and EndFlowModuleExecution', () => {
  const module = load(flowDoc('m-set', [
    { Identifier: 'm-set', Type: 'UpdateFlowAttributes', Parameters: { FlowAttributes: { inner: { Value: 'module' } } }, Transitions: { NextAction: 'm-attrs' } },
    attrs('m-attrs', { fromModule: '$.FlowAttributes.inner', callerSeen: '$.FlowAttributes.outer' }, 'm-return'),
    { Identifier: 'm-return', Type: 'EndFlowModuleExecution', Parameters: {}, Transitions: {} },
  ]), 'lookup-module', { name: 'Lookup module' });
  const main = load(flowDoc('set', [
    { Identifier: 'set', Type: 'UpdateFlowAttributes', Parameters: { FlowAttributes: { outer: { Value: 'main' } } }, Transitions: { NextAction: 'invoke' } },
    { Identifier: 'invoke', Type: 'InvokeFlowModule', Parameters: { FlowModuleId: 'lookup-module' }, Transitions: { NextAction: 'after', Errors: noMatch('failed') } },
    attrs('after', { back: '$.FlowAttributes.outer', leaked: '$.FlowAttributes.inner' }),
    attrs('failed', { failed: 'yes' }),
    disconnect(),
  ]), 'main');

  test('runs the module with its own flow attributes, then goes on after the invoking action', () => {
    const call = new Call(main, { catalog: catalogWith({ flows: [main, module] }) });
    assert.deepEqual(call.state.attributes, { fromModule: 'module', callerSeen: '', back: 'main', leaked: '' });
    assert.deepEqual(call.path(), ['set next', 'invoke module', 'm-set next', 'm-attrs next', 'm-return return', 'after next', 'bye end']);
    assert.deepEqual(call.state.modules, []);
  });

  test('an unknown module takes NoMatchingError', () => {
    assert.equal(new Call(main).state.attributes.failed, 'yes');
  });

  test('EndFlowModuleExecution outside a module ends the flow', () => {
    const call = new Call(module);
    assert.equal(call.state.ending?.reason, 'FLOW_ENDED');
  });
});

describe('UpdateRoutingCriteria and UpdateContactRoutingCriteria', () => {
  const criteria = {
    Steps: [
      { Expression: { AttributeCondition: { ComparisonOperator: 'NumberGreaterOrEqualTo', MatchCriteria: { AgentsCriteria: { AgentIds: ['sato', 'ito'] } } } }, Expiry: { DurationInSeconds: 20 } },
      { Expression: { AndExpression: [{ AttributeCondition: { Name: 'Language', Value: 'Japanese', ProficiencyLevel: 4.0, ComparisonOperator: 'NumberGreaterOrEqualTo' } }, { AttributeCondition: { Name: 'Product', Value: 'Sakura', ProficiencyLevel: 2, ComparisonOperator: 'NumberGreaterOrEqualTo' } }] } },
    ],
  };
  for (const Type of ['UpdateRoutingCriteria', 'UpdateContactRoutingCriteria']) {
    test(`${Type}: steps of preferred agents and proficiencies go with the contact to the queue`, () => {
      const flow = load(flowDoc('criteria', [
        { Identifier: 'criteria', Type, Parameters: { RoutingCriteria: criteria }, Transitions: { NextAction: 'target', Errors: noMatch('bye') } },
        { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'support' }, Transitions: { NextAction: 'queue', Errors: noMatch('bye') } },
        { Identifier: 'queue', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { Errors: noMatch('bye') } },
        disconnect(),
      ]));
      const call = new Call(flow);
      assert.deepEqual(call.of('TransferToQueue')[0]?.criteria, {
        steps: [
          { agentIds: ['sato', 'ito'], expirySeconds: 20 },
          { proficiencies: [{ name: 'Language', value: 'Japanese', level: 4 }, { name: 'Product', value: 'Sakura', level: 2 }] },
        ],
      });
    });
  }

  test('a ProficiencyLevel outside 1–5 is a parameter error', () => {
    const bad = { Steps: [{ Expression: { AttributeCondition: { Name: 'Language', Value: 'Japanese', ProficiencyLevel: 7, ComparisonOperator: 'NumberGreaterOrEqualTo' } } }] };
    assert.deepEqual(problems(flowDoc('c', [{ Identifier: 'c', Type: 'UpdateRoutingCriteria', Parameters: { RoutingCriteria: bad }, Transitions: { NextAction: 'bye' } }, disconnect()])),
      ['error invalid-parameter $.Actions[0].Parameters.RoutingCriteria.Steps[0]']);
  });

  test('criteria do not apply in an agent queue', () => {
    const agentQueue: QueueInfo = { id: 'agent:sato', arn: `${INSTANCE_ARN}/queue/agent/sato`, name: 'sato', agentId: 'sato' };
    const flow = load(flowDoc('criteria', [
      { Identifier: 'criteria', Type: 'UpdateRoutingCriteria', Parameters: { RoutingCriteria: criteria }, Transitions: { NextAction: 'queue' } },
      { Identifier: 'queue', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { Errors: noMatch('bye') } },
      disconnect(),
    ]));
    assert.equal(new Call(flow, { queue: agentQueue }).of('TransferToQueue')[0]?.criteria, undefined);
  });
});

describe('UpdateContactTargetQueue by AgentId', () => {
  test('an AgentId targets the agent\'s queue (no false alarm for a missing QueueId)', () => {
    const doc = flowDoc('target', [
      { Identifier: 'target', Type: 'UpdateContactTargetQueue', Parameters: { AgentId: `${INSTANCE_ARN}/agent/sato` }, Transitions: { NextAction: 'bye', Errors: noMatch('bye') } },
      disconnect(),
    ]);
    assert.deepEqual(problems(doc), []);
    const flow = load(doc);
    const catalog: FlowCatalog = { ...catalogWith({ flows: [flow] }), agentQueue: (ref) => ({ id: 'agent:sato', arn: ref, name: 'sato', agentId: ref.split('/').pop() ?? ref }) };
    assert.equal(new Call(flow, { catalog }).state.queue?.agentId, 'sato');
  });
});

describe('fewer false alarms', () => {
  test('a NoMatchingError branch is never "never raised": it is Connect\'s catch-all', () => {
    const doc = flowDoc('tag', [
      { Identifier: 'tag', Type: 'TagContact', Parameters: { Tags: { a: 'b' } }, Transitions: { NextAction: 'voice', Errors: noMatch('bye') } },
      { Identifier: 'voice', Type: 'UpdateContactTextToSpeechVoice', Parameters: { TextToSpeechVoice: 'Kazuha' }, Transitions: { NextAction: 'bye', Errors: noMatch('bye') } },
      disconnect(),
    ]);
    assert.deepEqual(problems(doc), []);
  });

  test('an error the action never raises is still a warning', () => {
    const doc = flowDoc('tag', [
      { Identifier: 'tag', Type: 'TagContact', Parameters: { Tags: { a: 'b' } }, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'QueueAtCapacity', NextAction: 'bye' }] } },
      disconnect(),
    ]);
    assert.deepEqual(problems(doc), ['warning invalid-condition $.Actions[0].Transitions.Errors']);
  });
});

void salesQueue;
