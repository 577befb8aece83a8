// The action registry (src/flow/actions/index.ts): one module per supported Connect action type,
// and the one place validation and the interpreter look a type up.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { actionSpecs, isSupportedType, knownUnsupportedTypes, supportedActionTypes } from '../../src/flow/action-specs.ts';
import { actions } from '../../src/flow/actions/index.ts';
import { branchText, condition, error, NEXT, wait } from '../../src/flow/outcome.ts';
import type { RawAction } from '../../src/flow/types.ts';
import { checkFlow } from '../../src/flow/validate.ts';
import { Call, disconnect, flowDoc, load, supportQueue } from './support.ts';

const ACTIONS_DIR = join(import.meta.dirname, '../../src/flow/actions');
const kebab = (type: string) => type.replace(/[A-Z]/g, (c, i: number) => `${i > 0 ? '-' : ''}${c.toLowerCase()}`);

describe('the action registry', () => {
  test('has one module in src/flow/actions for each supported action type, and no other', () => {
    const modules = readdirSync(ACTIONS_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -'.ts'.length));
    assert.deepEqual(modules.sort(), supportedActionTypes.map(kebab).sort());
    assert.equal(supportedActionTypes.length, 36);
  });

  test('supportedActionTypes, isSupportedType and actionSpecs cover exactly the registered types', () => {
    assert.deepEqual(supportedActionTypes, Object.keys(actions));
    assert.deepEqual(Object.keys(actionSpecs), Object.keys(actions));
    for (const type of supportedActionTypes) {
      assert.ok(isSupportedType(type), type);
      assert.equal(actionSpecs[type], actions[type].spec, type);
    }
    assert.equal(isSupportedType('TransferToQueue'), false);
    assert.equal(isSupportedType('toString'), false, 'not a property of every object');
  });

  test('no type is both supported and known as not supported yet', () => {
    assert.deepEqual(supportedActionTypes.filter((t) => knownUnsupportedTypes.has(t)), []);
  });

  test('validation reports the required parameters each module declares, for every type', () => {
    for (const type of supportedActionTypes) {
      const action: RawAction = { Identifier: 'a', Type: type, Parameters: {}, Transitions: { NextAction: 'bye' } };
      const missing = checkFlow(flowDoc('a', [action, disconnect()]), { id: 'f' }).problems
        .filter((p) => p.code === 'missing-parameter' && p.path !== '$.Actions[0].Parameters').map((p) => p.path);
      assert.deepEqual(missing, actionSpecs[type].required.map((r) => `$.Actions[0].Parameters.${r}`), type);
    }
  });

  test('an event goes to the module of the action the contact waits on, and only fits what it waits for', () => {
    const flow = load(flowDoc('queue', [
      { Identifier: 'queue', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
      disconnect(),
    ]));
    const call = new Call(flow, { queue: supportQueue });
    assert.equal(call.state.waiting?.kind, 'queue');
    assert.match(call.send({ type: 'FunctionReturned', result: {} }).ignored ?? '', /FunctionReturned does not apply while waiting for queue/);
    call.send({ type: 'QueueTransferFailed', error: 'QueueAtCapacity' });
    assert.deepEqual(call.path(), ['queue error NoMatchingError', 'bye end'], 'QueueAtCapacity unhandled: NoMatchingError');
  });
});

describe('the branch a path step records for an outcome', () => {
  test('reads as contact records and `chokutsu call` show it', () => {
    assert.equal(branchText(NEXT), 'next');
    assert.equal(branchText(condition('200')), 'condition 200', 'the value that matched a Condition');
    assert.equal(branchText(condition('True')), 'condition True');
    assert.equal(branchText(error('NoMatchingError')), 'error NoMatchingError');
    assert.equal(branchText({ kind: 'queued', queue: supportQueue }), 'queued');
    assert.equal(branchText({ kind: 'end', reason: 'DISCONNECTED_BY_FLOW' }), 'end');
  });

  test('leaves the step as it is while the action waits, when an agent connects and when the flow fails', () => {
    assert.equal(branchText(wait({ kind: 'prompt' })), undefined);
    assert.equal(branchText({ kind: 'connected' }), undefined);
    assert.equal(branchText({ kind: 'fail', message: 'x' }), undefined);
  });
});
