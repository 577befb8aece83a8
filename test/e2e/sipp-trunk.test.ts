// The line dials out: sipp calls in, the flow's TransferParticipantToThirdParty dials the number
// through the outbound trunk (a sipp peer that challenges with digest, answers and talks), the two
// are bridged and recorded, and when the third party hangs up the flow goes on.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { recordingRms } from '../webrtc/line-support.ts';
import { agentAnswersScenario, agentPhoneScenario, askForCallback, callerScenario, freePort, registered, sipp, trunkPeerScenario } from './sipp-support.ts';
import { api, eventually, phoneLine } from './support.ts';

const THIRD_PARTY = '+81312345678';
const CALLER_ID = '+81501234567';

const thirdPartyFlow = {
  Version: '2019-10-30',
  StartAction: 'record',
  Actions: [
    {
      Identifier: 'record', Type: 'UpdateContactRecordingBehavior',
      Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } }, Transitions: { NextAction: 'dial' },
    },
    {
      Identifier: 'dial', Type: 'TransferParticipantToThirdParty',
      Parameters: {
        ThirdPartyPhoneNumber: THIRD_PARTY, ThirdPartyConnectionTimeLimitSeconds: '20', ContinueFlowExecution: 'True',
        CallerId: { Number: CALLER_ID, Name: 'Chokutsu' },
      },
      Transitions: {
        NextAction: 'after',
        Errors: [
          { ErrorType: 'CallFailed', NextAction: 'bye' },
          { ErrorType: 'ConnectionTimeLimitExceeded', NextAction: 'bye' },
          { ErrorType: 'NoMatchingError', NextAction: 'bye' },
        ],
      },
    },
    { Identifier: 'after', Type: 'MessageParticipant', Parameters: { Text: 'Thank you.' }, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
    { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

/** The outbound trunk: the sipp trunk peer on `port`, which challenges for these credentials. */
const TRUNK = (port: number) => ({ host: '127.0.0.1', port, username: 'chokutsu', password: 'trunk-secret' });

describe('the line dials out through a SIP trunk (sipp caller and sipp trunk peer)', { timeout: 120_000 }, () => {
  test('TransferParticipantToThirdParty: digest to the trunk, caller ID as From, audio both ways, recorded; the flow goes on after', async () => {
    const trunkPort = await freePort();
    const rtpBase = 45000;
    const line = await phoneLine(rtpBase, {
      outbound: TRUNK(trunkPort),
      edit: (def, dir) => {
        writeFileSync(join(dir, 'third-party.json'), JSON.stringify(thirdPartyFlow));
        def.flows.push({ id: 'third-party', name: 'Third party', file: 'third-party.json' });
        for (const n of def.phoneNumbers) n.flow = 'third-party';
      },
    });
    try {
      const sipPort = line.sipPort;
      const peer = await sipp(trunkPeerScenario({ number: THIRD_PARTY, callerId: CALLER_ID, username: 'chokutsu', password: 'trunk-secret', hangUpAfterMs: 8000 }),
        sipPort, [], undefined, trunkPort);
      const caller = await sipp(callerScenario({ steps: [], talk: true }), sipPort);
      const [peerResult, callerResult] = await Promise.all([peer.done, caller.done]);
      assert.equal(peerResult.code, 0, `trunk peer: ${peerResult.errors}`);
      assert.equal(callerResult.code, 0, `caller: ${callerResult.errors}`);

      const record = await eventually('the record', async () => {
        const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records: Record<string, unknown>[] };
        return all.records[0];
      });
      const third = record['thirdParty'] as { number: string; callerId: string; outcome: string; duration: number };
      assert.equal(record['transferredToEndpoint'], THIRD_PARTY);
      assert.equal(third.callerId, CALLER_ID);
      assert.equal(third.outcome, 'Completed');
      assert.ok(third.duration >= 6, `bridged ${third.duration} s`);
      assert.deepEqual(record['flowPath'], ['record', 'dial', 'after', 'bye']);
      assert.equal(record['disconnectReason'], 'FLOW_DISCONNECT');
      const [callerRms, thirdPartyRms] = await recordingRms(line, record);
      assert.ok(callerRms > 100, `caller channel RMS ${callerRms}`);
      assert.ok(thirdPartyRms > 100, `third party channel RMS ${thirdPartyRms}`);
    } finally {
      await line.close();
    }
  });
});

describe('callbacks through the SIP trunk (sipp caller, sipp agent phone, sipp trunk peer)', { timeout: 180_000 }, () => {
  test('the caller presses 1 and hangs up; the ranked agent answers; the line calls the caller back and bridges them', async () => {
    const trunkPort = await freePort();
    const rtpBase = 45200;
    const line = await phoneLine(rtpBase, { outbound: TRUNK(trunkPort) });
    try {
      const sipPort = line.sipPort;
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 60_000), sipPort, [], agentAnswersScenario({ answerAfterMs: 300, talk: true }));
      await registered(line.server.sip?.sip, ['201'], [phone]);

      // 1001# reaches the sakura queue; nobody is Available, so the customer queue flow offers the callback.
      await askForCallback(sipPort);

      const peer = await sipp(trunkPeerScenario({ number: '0312345678', callerId: '+81501234567', username: 'chokutsu', password: 'trunk-secret', hangUpAfterMs: 8000 }),
        sipPort, [], undefined, trunkPort);
      const sato = await line.agent('sato');
      await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' });
      const peerResult = await peer.done;
      assert.equal(peerResult.code, 0, `trunk peer: ${peerResult.errors}`);
      phone.kill();

      const record = await eventually('the callback\'s record', async () => {
        const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records: Record<string, unknown>[] };
        return all.records.find((r) => r['initiationMethod'] === 'CALLBACK');
      }, 200);
      assert.equal((record['agent'] as { id: string }).id, 'sato');
      assert.equal(record['customerEndpoint'], '0312345678');
      const attempts = record['callbackAttempts'] as { answeredAt?: string }[];
      assert.equal(attempts.length, 1);
      assert.ok(attempts[0]?.answeredAt, 'the customer answered the callback');
      assert.equal(record['disconnectReason'], 'CUSTOMER_DISCONNECT');
      assert.ok(Number(record['talkDuration']) >= 6, `talked ${String(record['talkDuration'])} s`);
      // The demo flow records agent and customer: the bridged callback carries audio both ways.
      const [customerRms, agentRms] = await recordingRms(line, record);
      assert.ok(customerRms > 100, `customer channel RMS ${customerRms}`);
      assert.ok(agentRms > 100, `agent channel RMS ${agentRms}`);
    } finally {
      await line.close();
    }
  });
});
