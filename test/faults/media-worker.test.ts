// A media worker dies mid-call (issue 12): the calls whose media it carried end with a BYE to both
// phones, the record says the recording was cut short, the line stays up and the next call is
// bridged and recorded in the worker that replaced it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setPhonePassword } from '../../src/app/accounts.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { SqlitePhoneStore } from '../../src/store/phones.ts';
import { LocalMediaPlane } from '../../src/telephony/media/plane.ts';
import { MediaWorkerPool } from '../../src/telephony/media-worker/pool.ts';
import { agentAnswersScenario, agentPhoneScenario, callerScenario, sipp } from '../e2e/sipp-support.ts';
import { api, startTestLine } from '../e2e/support.ts';
import { recordingRms } from '../webrtc/line-support.ts';
import { waitFor } from './line-process.ts';

describe('a media worker dies', { timeout: 120_000 }, () => {
  test('mid-call: both phones get a BYE, the record says the recording was cut short; the next call is bridged and recorded', async () => {
    const logs: string[] = [];
    const line = await startTestLine(undefined, {
      log: (m) => logs.push(m),
      telephony: {
        sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
        rtp: { host: '127.0.0.1', portMin: 44700, portMax: 44799, mediaWorkers: 2 },
        trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'] }],
        tts: { engine: 'espeak-ng', wordsPerMinute: 450 },
      },
    });
    try {
      const sip = line.server.sip;
      assert.ok(sip);
      const pool = sip.media;
      assert.ok(pool instanceof MediaWorkerPool, 'media runs in workers');
      const phones = new SqlitePhoneStore(line.server.services.line.db);
      setPhonePassword(phones, { username: '201', agentId: 'sato', realm: 'chokutsu', password: 'secret201' }, new Date());
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 90_000), sip.port, [], agentAnswersScenario({ answerAfterMs: 200, talk: true }));
      await waitFor('the phone to register', () => (sip.sip.registrations().some((b) => b.aor.includes('201')) ? true : undefined), 10_000);
      assert.equal(pool.workers.length, 2, 'a phone registering starts every media worker (mediaWorkers: 2) before the first call');
      const sato = await line.agent('sato');
      assert.equal((await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);

      // The caller waits for the line's BYE: it comes when the worker carrying the call dies.
      const first = await sipp(callerScenario({ steps: ['1001#'] }), sip.port);
      await waitFor('the agent to talk', () => ((sip.mediaStats().agent[0]?.packetsReceived ?? 0) > 100 ? true : undefined), 20_000);
      const callerLeg = [...sip.callers.values()][0]?.rtp;
      assert.ok(callerLeg);
      const worker = pool.workerOf(callerLeg);
      assert.ok(worker);
      await worker.kill();
      const ended = await first.done;
      assert.equal(ended.code, 0, `the caller got the line's BYE: ${ended.errors}`);
      const record = await waitFor('the record', async () => {
        const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
        return all[0]?.disconnectReason ? all[0] : undefined;
      });
      assert.equal(record.agent?.id, 'sato');
      assert.match(record.recordingNote ?? '', /EMEDIAWORKER/, JSON.stringify(record));
      assert.equal(logs.filter((l) => l.startsWith(`media worker ${worker.id} stopped`)).length, 1, logs.join('\n'));

      // After-contact work ends; the same agent takes the next call, in the worker that replaced the dead one.
      assert.equal((await api(line.url, sato, 'POST', '/api/agent/acw/finish', {})).status, 200);
      await waitFor('sato to be available', async () => {
        const agents = (await api(line.url, line.admin, 'GET', '/api/agents')).body['agents'] as { agentId: string; status: string }[];
        return agents.find((a) => a.agentId === 'sato')?.status === 'Available' ? true : undefined;
      }, 10_000, 250);
      const second = await sipp(callerScenario({ steps: ['1001#'], talk: true, hangUpAfterMs: 1000 }), sip.port);
      const done = await second.done;
      phone.kill();
      assert.equal(done.code, 0, `the next call went through: ${done.errors}`);
      const next = await waitFor('the second record', async () => {
        const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
        return all[0] && all[0].contactId !== record.contactId && all[0].recording ? all[0] : undefined;
      });
      const [customer, agent] = await recordingRms(line, next as unknown as Record<string, unknown>);
      assert.ok(customer > 0 && agent > 0, `both parties recorded (${customer}, ${agent})`);
    } finally {
      await line.close();
    }
  });

  test('none with mediaWorkers: 0: the call is bridged and recorded on the signalling thread, as before the workers', async () => {
    const line = await startTestLine(undefined, {
      telephony: {
        sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
        rtp: { host: '127.0.0.1', portMin: 44900, portMax: 44999, mediaWorkers: 0 },
        trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'] }],
        tts: { engine: 'espeak-ng', wordsPerMinute: 450 },
      },
    });
    try {
      const sip = line.server.sip;
      assert.ok(sip);
      assert.ok(sip.media instanceof LocalMediaPlane, 'media runs on the line\'s thread');
      const phones = new SqlitePhoneStore(line.server.services.line.db);
      setPhonePassword(phones, { username: '201', agentId: 'sato', realm: 'chokutsu', password: 'secret201' }, new Date());
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 60_000), sip.port, [], agentAnswersScenario({ answerAfterMs: 200, talk: true }));
      await waitFor('the phone to register', () => (sip.sip.registrations().some((b) => b.aor.includes('201')) ? true : undefined), 10_000);
      assert.equal((await api(line.url, await line.agent('sato'), 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);
      const caller = await sipp(callerScenario({ steps: ['1001#'], talk: true, hangUpAfterMs: 1000 }), sip.port);
      const done = await caller.done;
      phone.kill();
      assert.equal(done.code, 0, `the call went through: ${done.errors}`);
      const record = await waitFor('the record', async () => {
        const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
        return all[0]?.recording ? all[0] : undefined;
      });
      const [customer, agent] = await recordingRms(line, record as unknown as Record<string, unknown>);
      assert.ok(customer > 0 && agent > 0, `both parties recorded (${customer}, ${agent})`);
    } finally {
      await line.close();
    }
  });
});
