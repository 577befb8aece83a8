// TransferParticipantToThirdParty in the live line, with a caller channel that "dials" on command:
// the contact center keeps the leg, ends the flow or goes on, and the record shows the transfer.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createLineServices } from '../../src/app/services.ts';
import type { ContactEffect } from '../../src/flow/interpreter.ts';
import type { CallerChannel } from '../../src/runtime/contact-center.ts';
import { demoCustomers } from '../../src/instance/demo.ts';
import { runTextCall, VirtualClock } from '../../src/runtime/text-call.ts';
import { catalogWith, flowDoc, load, TUESDAY_0900 } from '../flow/support.ts';
import { demoDataDir } from './support.ts';

const AT = Date.parse('2026-11-24T10:00:00+09:00');

/** A caller whose line dials the third party only when the test says what happens. */
class DialingCaller implements CallerChannel {
  dialed: Extract<ContactEffect, { type: 'DialThirdParty' }>[] = [];
  cancelled = 0;
  hungUp: string[] = [];
  playPrompt(): void {}
  stopPrompt(): void {}
  hangUp(reason: string): void {
    this.hungUp.push(reason);
  }
  dialThirdParty(effect: Extract<ContactEffect, { type: 'DialThirdParty' }>): void {
    this.dialed.push(effect);
  }
  cancelThirdParty(): void {
    this.cancelled++;
  }
}

async function lineWith(continueFlow: 'True' | 'False') {
  let now = AT;
  const timers = new Map<string, { due: number; fn: () => void }>();
  const dir = demoDataDir((def, d) => {
    writeFileSync(join(d, 'flows', 'third-party.json'), JSON.stringify({
      Version: '2019-10-30', StartAction: 'dial',
      Actions: [
        {
          Identifier: 'dial', Type: 'TransferParticipantToThirdParty',
          Parameters: { ThirdPartyPhoneNumber: '+81312345678', ThirdPartyConnectionTimeLimitSeconds: '30', ContinueFlowExecution: continueFlow },
          Transitions: continueFlow === 'True'
            ? { NextAction: 'bye', Errors: [{ ErrorType: 'CallFailed', NextAction: 'bye' }, { ErrorType: 'ConnectionTimeLimitExceeded', NextAction: 'bye' }, { ErrorType: 'NoMatchingError', NextAction: 'bye' }] }
            : { Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
        },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    }));
    def.flows.push({ id: 'third-party', name: 'third-party', file: 'flows/third-party.json' });
    def.phoneNumbers.push({ number: '+81500000002', flow: 'third-party' });
  });
  const s = await createLineServices(dir, {
    clock: { now: () => now },
    scheduler: { set: (id, ms, fn) => void timers.set(id, { due: now + ms, fn }), clear: (id) => void timers.delete(id), clearAll: () => timers.clear() },
    log: () => {},
  });
  const caller = new DialingCaller();
  const contactId = s.newContactId();
  s.center.startContact(caller, { contactId, from: '+819011112222', to: '+81500000002' });
  const advance = (ms: number): void => {
    now += ms;
    for (const [id, t] of [...timers]) if (t.due <= now) {
      timers.delete(id);
      t.fn();
    }
  };
  return { s, caller, contactId, advance };
}

describe('TransferParticipantToThirdParty on the live line', () => {
  test('ContinueFlowExecution False: answered, the contact stays bridged; the third party hangs up → THIRD_PARTY_DISCONNECT', async () => {
    const { s, caller, contactId, advance } = await lineWith('False');
    assert.equal(caller.dialed[0]?.number, '+81312345678');
    advance(4000);
    s.center.thirdPartyAnswered(contactId);
    assert.equal(s.center.contact(contactId)?.phase, 'transferred');
    advance(65_000);
    s.center.thirdPartyHungUp(contactId);
    assert.deepEqual(caller.hungUp, ['the third party hung up']);
    const record = s.contacts.get(contactId);
    assert.equal(record?.disconnectReason, 'THIRD_PARTY_DISCONNECT');
    assert.equal(record?.transferredToEndpoint, '+81312345678');
    assert.equal(record?.thirdParty?.duration, 65);
    assert.equal(record?.thirdParty?.outcome, 'Completed');
    s.close();
  });

  test('ContinueFlowExecution True: no answer in 30 s cancels the leg and takes ConnectionTimeLimitExceeded', async () => {
    const { s, caller, contactId, advance } = await lineWith('True');
    advance(30_000);
    assert.equal(caller.cancelled, 1);
    const record = s.contacts.get(contactId);
    assert.equal(record?.thirdParty?.outcome, 'ConnectionTimeLimitExceeded');
    assert.equal(record?.transferredToEndpoint, undefined);
    assert.equal(record?.disconnectReason, 'FLOW_DISCONNECT');
    s.close();
  });

  test('the trunk refuses (486): CallFailed, the record keeps the reason', async () => {
    const { s, contactId } = await lineWith('True');
    s.center.thirdPartyFailed(contactId, '486 Busy Here from trunk t');
    const record = s.contacts.get(contactId);
    assert.equal(record?.thirdParty?.failure, '486 Busy Here from trunk t');
    assert.deepEqual(record?.flowPath, ['dial', 'bye']);
    s.close();
  });
});

/**
 * The demo line whose customer queue flow offers the caller from +819011110001 a callback with
 * `attempts` and leaves others waiting; `attempts` undefined: the demo's own customer queue flow.
 */
async function callbackLine(attempts?: string) {
  let now = AT;
  const timers = new Map<string, { due: number; fn: () => void }>();
  const dir = demoDataDir(attempts === undefined ? undefined : (_def, d) => {
    writeFileSync(join(d, 'flows', 'customer-queue.json'), JSON.stringify({
      Version: '2019-10-30', StartAction: 'who',
      Actions: [
        {
          Identifier: 'who', Type: 'Compare', Parameters: { ComparisonValue: '$.CustomerEndpoint.Address' },
          Transitions: { NextAction: 'stay', Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'stay' }], Conditions: [{ NextAction: 'callback', Condition: { Operator: 'Equals', Operands: ['+819011110001'] } }] },
        },
        {
          Identifier: 'callback', Type: 'CreateCallbackContact',
          Parameters: { InitialCallDelaySeconds: '5', MaximumConnectionAttempts: attempts, RetryDelaySeconds: '60' },
          Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'stay' }] },
        },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
        { Identifier: 'stay', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
      ],
    }));
  });
  const s = await createLineServices(dir, {
    clock: { now: () => now },
    scheduler: { set: (id, ms, fn) => void timers.set(id, { due: now + ms, fn }), clear: (id) => void timers.delete(id), clearAll: () => timers.clear() },
    log: () => {},
  });
  s.line.directory.importAll(demoCustomers(), new Date(now));
  const customers: DialingCaller[] = [];
  s.center.setCallbackDialer({
    channel: () => {
      const c = new DialingCaller();
      customers.push(c);
      return c;
    },
  });
  /** Runs every timer due within `ms` (prompts, the flow's timers, the callback's delay), in time order. */
  const advance = async (ms: number): Promise<void> => {
    const until = now + ms;
    for (let n = 0; n < 10_000; n++) {
      await new Promise((r) => setImmediate(r));
      const next = [...timers].filter(([, t]) => t.due <= until).sort((a, b) => a[1].due - b[1].due)[0];
      if (!next) break;
      timers.delete(next[0]);
      now = Math.max(now, next[1].due);
      next[1].fn();
    }
    now = until;
  };
  /** A caller who keys in 1001# (the sakura project's queue); prompts are said at once. */
  const call = (from: string): string => {
    const contactId = s.newContactId();
    const caller: CallerChannel = {
      playPrompt: (e) => void timers.set(`prompt:${contactId}`, { due: now, fn: () => s.center.promptFinished(contactId, e.actionId) }),
      stopPrompt: () => undefined, hangUp: () => undefined,
    };
    s.center.startContact(caller, { contactId, from, to: '+81501234567' });
    for (const [i, d] of [...'1001#'].entries()) timers.set(`key:${contactId}:${i}`, { due: now + 8000 + i * 300, fn: () => s.center.dtmf(contactId, d) });
    return contactId;
  };
  return { s, call, advance, customers, now: () => now };
}

describe('CreateCallbackContact on the live line', () => {
  test('the caller leaves the queue and keeps their place: the callback is offered before a later caller, then the customer is called', async () => {
    const { s, call, advance, customers } = await callbackLine('2');
    const first = call('+819011110001');
    await advance(15_000);
    assert.equal(s.center.contact(first), undefined, 'the caller chose a callback and the queue flow hung up');
    assert.deepEqual(s.contacts.get(first)?.flowPath.slice(-1), ['transfer-to-queue'], 'the caller\'s own record ends in its queue');
    const second = call('+819011110002');
    await advance(15_000);
    assert.equal(s.center.contact(second)?.phase, 'queued');
    const callback = s.center.liveContacts().find((c) => c.callback);
    assert.ok(callback, 'a callback contact');
    assert.equal(callback.phase, 'queued', 'queued after InitialCallDelaySeconds');
    s.center.setAgentStatus('sato', 'Available');
    assert.equal(s.center.offersFor('sato')[0]?.contactId, callback.contactId, 'the callback is older than the caller who came after');
    s.center.accept('sato', callback.contactId);
    assert.equal(customers.length, 1);
    s.center.callbackAnswered(callback.contactId);
    await advance(60_000);
    s.center.agentHangUp('sato', callback.contactId);
    const record = s.contacts.get(callback.contactId);
    assert.equal(record?.initiationMethod, 'CALLBACK');
    assert.equal(record?.previousContactId, first);
    assert.equal(record?.customerEndpoint, '+819011110001');
    assert.equal(record?.agent?.id, 'sato');
    assert.equal(record?.callbackAttempts?.length, 1);
    assert.ok(record?.callbackAttempts?.[0]?.answeredAt);
    s.close();
  });

  test('not answered: another attempt after RetryDelaySeconds, until MaximumConnectionAttempts', async () => {
    const { s, call, advance } = await callbackLine('2');
    call('+819011110001');
    await advance(30_000);
    const callback = s.center.liveContacts().find((c) => c.callback);
    assert.ok(callback);
    s.center.setAgentStatus('sato', 'Available');
    s.center.accept('sato', callback.contactId);
    s.center.callbackFailed(callback.contactId, '480 Temporarily Unavailable');
    assert.equal(s.center.contact(callback.contactId)?.phase, 'flow', 'waiting for the retry');
    await advance(61_000);
    s.center.setAgentStatus('suzuki', 'Available');
    const ringing = ['sato', 'suzuki'].find((a) => s.center.offersFor(a).some((c) => c.contactId === callback.contactId));
    assert.ok(ringing, 'the second attempt is offered to an agent again');
    s.center.accept(ringing, callback.contactId);
    s.center.callbackFailed(callback.contactId, '486 Busy Here');
    const record = s.contacts.get(callback.contactId);
    assert.equal(record?.callbackAttempts?.length, 2);
    assert.deepEqual(record?.callbackAttempts?.map((a) => a.failure), ['480 Temporarily Unavailable', '486 Busy Here']);
    s.close();
  });
});

describe('a callback with no line to dial it', () => {
  test('the agent takes it, the attempt fails at once with the reason, and the last attempt ends it', async () => {
    const { s, call, advance } = await callbackLine('1');
    s.center.setCallbackDialer(undefined);
    call('+819011110001');
    await advance(30_000);
    const callback = s.center.liveContacts().find((c) => c.callback);
    assert.ok(callback);
    s.center.setAgentStatus('sato', 'Available');
    s.center.accept('sato', callback.contactId);
    await advance(0);
    const record = s.contacts.get(callback.contactId);
    assert.match(record?.callbackAttempts?.[0]?.failure ?? '', /no line dials out/);
    assert.equal(s.center.contact(callback.contactId)?.phase, 'ended');
    s.close();
  });
});

describe('the demo customer queue flow (flows/customer-queue.json)', () => {
  test('a caller told all agents are busy presses 1: a callback is created for their queue and the caller is let go', async () => {
    const { s, call, advance } = await callbackLine();
    const first = call('+819011110001');
    await advance(10_000);
    assert.equal(s.center.contact(first)?.phase, 'queued');
    s.center.dtmf(first, '1');
    await advance(10_000);
    assert.equal(s.center.contact(first), undefined, 'the queue flow confirmed and hung up');
    const callback = s.center.liveContacts().find((c) => c.callback?.previousContactId === first);
    assert.equal(callback?.queueId, 'project-sakura');
    assert.equal(callback?.phase, 'queued');
    s.close();
  });
});

describe('without a telephone line (the text channel)', () => {
  test('the third party answers and, when the flow continues, hangs up at once', async () => {
    const flow = load(flowDoc('dial', [
      {
        Identifier: 'dial', Type: 'TransferParticipantToThirdParty', Parameters: { ThirdPartyPhoneNumber: '+81312345678', ThirdPartyConnectionTimeLimitSeconds: '30' },
        Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'CallFailed', NextAction: 'bye' }, { ErrorType: 'ConnectionTimeLimitExceeded', NextAction: 'bye' }, { ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
      },
      { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ]));
    const result = await runTextCall({ catalog: catalogWith({ flows: [flow] }), flow, keys: '', clock: new VirtualClock(TUESDAY_0900), functions: new Map() });
    assert.deepEqual(result.state.path.map((p) => `${p.actionId} ${p.branch}`), ['dial next', 'bye end']);
  });
});
