// TransferParticipantToThirdParty in the live line, with a caller channel that "dials" on command:
// the contact center keeps the leg, ends the flow or goes on, and the record shows the transfer.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createLineServices } from '../../src/app/services.ts';
import type { ContactEffect } from '../../src/flow/interpreter.ts';
import type { CallerChannel } from '../../src/runtime/contact-center.ts';
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
