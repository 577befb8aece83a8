// The whole line by telephone: sipp calls in over SIP/RTP, keys in a customer number with RFC 4733
// DTMF, the router rings the agent's registered sipp phone, the legs are bridged and recorded.
import assert from 'node:assert/strict';
import { until } from '../support/until.ts';
import dgram from 'node:dgram';
import { describe, test } from 'node:test';
import { channelRms, closedRecording } from '../webrtc/line-support.ts';
import { agentAnswersScenario, agentBusyScenario, agentPhoneScenario, callerScenario, registered, sipp } from './sipp-support.ts';
import { api, eventually, phoneLine, type TestLine } from './support.ts';

async function recordOf(line: TestLine, contactId?: string): Promise<Record<string, unknown>> {
  const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records: Record<string, unknown>[] };
  const r = contactId ? all.records.find((x) => x['contactId'] === contactId) : all.records[0];
  assert.ok(r, 'a contact record');
  return r;
}

describe('the line by telephone (sipp caller and sipp agent phone)', { timeout: 120_000 }, () => {
  test('open day: 1001# rings the rank-1 agent, audio flows both ways, the recording has both channels', async () => {
    const line = await phoneLine(41000);
    try {
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 40_000), line.sipPort, [],
        agentAnswersScenario({ answerAfterMs: 300, talk: true }));
      await registered(line.server.sip?.sip, ['201'], [phone]);
      const sato = await line.agent('sato');
      await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' });

      const caller = await sipp(callerScenario({ steps: ['1001#', { waitMs: 9000 }], talk: true, hangUpAfterMs: 500 }), line.sipPort);
      const result = await caller.done;
      assert.equal(result.code, 0, result.errors);
      phone.kill();

      const record = await eventually('the record', async () => {
        const r = await recordOf(line);
        return r['disconnectReason'] === 'CUSTOMER_DISCONNECT' ? r : undefined;
      });
      assert.equal((record['agent'] as { id: string }).id, 'sato');
      assert.equal((record['queue'] as { id: string }).id, 'project-sakura');
      assert.equal(record['customerNumber'], '1001');
      assert.equal(record['customerEndpoint'], '0312345678');
      const wav = await closedRecording(line, record);
      const download = await fetch(`${line.url}/api/contacts/${String(record['contactId'])}/recording`, { headers: { authorization: `Bearer ${line.admin}` } });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'audio/wav');
      assert.ok((await download.arrayBuffer()).byteLength > 44);
      assert.ok(channelRms(wav.samples, 0) > 100, `customer channel RMS ${channelRms(wav.samples, 0)}`);
      assert.ok(channelRms(wav.samples, 1) > 100, `agent channel RMS ${channelRms(wav.samples, 1)}`);
    } finally {
      await line.close();
    }
  });

  for (const [what, at, reason] of [
    ['after hours', '2026-11-24T19:00:00+09:00', 'AFTER_HOURS'],
    ['on a public holiday', '2026-11-23T10:00:00+09:00', 'HOLIDAY'],
  ] as const) {
    test(`${what}: the caller hears the message and the line hangs up`, async () => {
      const line = await phoneLine(41200, { at });
      try {
        const caller = await sipp(callerScenario({ steps: [] }), line.sipPort);
        const result = await caller.done;
        assert.equal(result.code, 0, result.errors);
        const record = await eventually('the record', async () => {
          const r = await recordOf(line).catch(() => undefined);
          return r;
        });
        assert.equal(record['disconnectReason'], reason);
      } finally {
        await line.close();
      }
    });
  }

  test('a wrong number, then the right one; rank-1 busy, the rank-2 phone rings; the caller hangs up while it rings', async () => {
    const line = await phoneLine(41400);
    try {
      // tanaka (rank 1 for project-fuji) is on another call; takahashi (rank 2) has a phone that never answers.
      const tanaka = await line.agent('tanaka');
      await api(line.url, tanaka, 'PUT', '/api/agent/status', { status: 'Available' });
      const busy = (await api(line.url, line.admin, 'POST', '/api/calls', { keys: '1002#' })).body['contactId'] as string;
      await eventually('tanaka to ring', async () => ((await api(line.url, tanaka, 'GET', '/api/agent')).body['offers'] as unknown[]).length > 0 ? true : undefined);
      await api(line.url, tanaka, 'POST', `/api/agent/contacts/${busy}/accept`);

      const phone = await sipp(agentPhoneScenario('203', 'secret203', 40_000), line.sipPort, [],
        agentAnswersScenario({ answerAfterMs: 60_000, talk: false }));
      await registered(line.server.sip?.sip, ['203'], [phone]);
      const takahashi = await line.agent('takahashi');
      await api(line.url, takahashi, 'PUT', '/api/agent/status', { status: 'Available' });

      const caller = await sipp(callerScenario({ steps: ['9999#', { waitMs: 6000 }, '1002#', { waitMs: 8000 }], hangUpAfterMs: 0 }), line.sipPort);
      await eventually('takahashi to ring', async () => ((await api(line.url, takahashi, 'GET', '/api/agent')).body['offers'] as unknown[]).length > 0 ? true : undefined, 600);
      const result = await caller.done;
      assert.equal(result.code, 0, result.errors);
      phone.kill();
      const records = ((await api(line.url, line.admin, 'GET', '/api/contacts?caller=0312345678')).body as { records: Record<string, unknown>[] }).records;
      assert.equal(records.length, 1);
      const record = records[0] as Record<string, unknown>;
      assert.equal(record['customerNumber'], '1002');
      assert.ok((record['flowPath'] as string[]).includes('not-found-message'));
      assert.equal((record['queue'] as { id: string }).id, 'project-fuji');
      assert.equal(record['disconnectReason'], 'ABANDONED_IN_QUEUE');
      assert.deepEqual((record['agentOffers'] as { agentId: string }[]).map((o) => o.agentId), ['takahashi']);
      const status = ((await api(line.url, takahashi, 'GET', '/api/agent')).body['agent'] as { status: string }).status;
      assert.equal(status, 'Available', 'nobody is left ringing');
    } finally {
      await line.close();
    }
  });

  test('the rank-1 phone is busy (486): the rank-2 phone rings at once; the agent hangs up and the caller gets BYE', async () => {
    const line = await phoneLine(41800);
    try {
      const busyPhone = await sipp(agentPhoneScenario('201', 'secret201', 40_000), line.sipPort, [], agentBusyScenario());
      const goodPhone = await sipp(agentPhoneScenario('202', 'secret202', 40_000), line.sipPort, [],
        agentAnswersScenario({ answerAfterMs: 200, talk: false, hangUpAfterMs: 1500 }));
      await registered(line.server.sip?.sip, ['201', '202'], [busyPhone, goodPhone]);
      for (const name of ['sato', 'suzuki']) await api(line.url, await line.agent(name), 'PUT', '/api/agent/status', { status: 'Available' });

      const caller = await sipp(callerScenario({ steps: ['1001#'] }), line.sipPort); // waits for the line's BYE
      const result = await caller.done;
      assert.equal(result.code, 0, result.errors);
      busyPhone.kill();
      goodPhone.kill();
      const record = await eventually('the record', async () => {
        const r = await recordOf(line);
        return r['disconnectReason'] === 'AGENT_DISCONNECT' ? r : undefined;
      });
      assert.deepEqual((record['agentOffers'] as { agentId: string; outcome: string }[]).map((o) => [o.agentId, o.outcome]),
        [['sato', 'Declined'], ['suzuki', 'Accepted']]);
      assert.equal((record['agent'] as { id: string }).id, 'suzuki');
    } finally {
      await line.close();
    }
  });

  test('garbage datagrams and a malformed INVITE do not disturb a call in progress', async () => {
    const line = await phoneLine(41600, { at: '2026-11-24T19:00:00+09:00' });
    try {
      const caller = await sipp(callerScenario({ steps: [{ waitMs: 500 }] }), line.sipPort);
      const socket = dgram.createSocket('udp4');
      const send = (text: string | Buffer) => new Promise<void>((r) => socket.send(text, line.sipPort, '127.0.0.1', () => r()));
      await until(() => line.server.services.center.liveContacts().length > 0, 'the call to be in progress');
      await send(Buffer.from([0, 1, 2, 3, 255, 254, 13, 10]));
      await send('INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\nCSeq: banana\r\n\r\n');
      await send('NOT SIP AT ALL\r\n\r\n');
      socket.close();
      const result = await caller.done;
      assert.equal(result.code, 0, result.errors);
      const record = await recordOf(line);
      assert.equal(record['disconnectReason'], 'AFTER_HOURS');
    } finally {
      await line.close();
    }
  });
});
