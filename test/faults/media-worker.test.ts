// A media worker dies mid-call (issue 12): the calls whose media it carried end with a BYE to both
// phones, the record says the recording was cut short, the line stays up and the next call is
// bridged and recorded in the worker that replaced it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setPhonePassword } from '../../src/app/accounts.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { SqlitePhoneStore } from '../../src/store/phones.ts';
import { LocalMediaPlane } from '../../src/telephony/media/plane.ts';
import { MediaWorkerPool } from '../../src/telephony/media-worker/pool.ts';
import {
  agentAnswersScenario, agentPhoneScenario, agentRingsThenAnswersScenario, agentRingsUntilCancelledScenario, askForCallback, callerScenario, freePort, sipp, trunkPeerScenario, type SippRun,
} from '../e2e/sipp-support.ts';
import { api, phoneLine, startTestLine, type PhoneLineOptions, type TestLine } from '../e2e/support.ts';
import { closedRecording, recordingRms } from '../webrtc/line-support.ts';
import { recordedSeconds, recordingFiles } from '../support/recording-file.ts';
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

// The other legs a worker carries (sip-line.ts mediaLegFailed): an agent's phone leg, a third party
// dialled through the trunk, a callback's customer. Every phone here is a sipp run that ends only on
// the line's BYE (or, one still ringing, its CANCEL), so a run that exits 0 is a phone that was hung up on.

/** The outbound trunk: a sipp trunk peer on `port` that challenges for these credentials. */
const TRUNK = (port: number) => ({ host: '127.0.0.1', port, username: 'chokutsu', password: 'trunk-secret' });
const CUSTOMER = '0312345678'; // callerScenario's From: the number a callback dials
const LINE_NUMBER = '+81501234567';
const THIRD_PARTY = '+81312345678';

/** A far end on the trunk that answers `number`, talks, and stays on until the line's BYE (or hangs up after `hangUpAfterMs`). */
function trunkPeer(port: number, sipPort: number, number: string, callerId: string, hangUpAfterMs?: number): Promise<SippRun> {
  const scenario = trunkPeerScenario({ number, callerId, username: 'chokutsu', password: 'trunk-secret', ...(hangUpAfterMs !== undefined ? { hangUpAfterMs } : {}) });
  return sipp(scenario, sipPort, [], undefined, port);
}

interface DeskPhone {
  answer(o: { talk: boolean; hangUpAfterMs?: number }): Promise<SippRun>;
  /** Rings without answering until the line cancels the call; the run exits 0 only if it did. */
  ringUntilCancelled(): Promise<SippRun>;
  /** Two calls: the first rings until cancelled, the next is answered after 8 s of ringing and kept until the line's BYE. */
  ringCancelledThenAnswer(): Promise<SippRun>;
}

/**
 * An agent's desk phone (sato's 201 unless told): it registers from a port, then takes the line's
 * calls there one at a time as a sipp UAS, so each call's run ends (exit 0) when the call does.
 */
async function deskPhone(sipPort: number, extension = '201'): Promise<DeskPhone> {
  const port = await freePort();
  const registered = await (await sipp(agentPhoneScenario(extension, `secret${extension}`, 0), sipPort, [], undefined, port)).done;
  assert.equal(registered.code, 0, `the phone registered: ${registered.errors}`);
  return {
    answer: (o) => sipp(agentAnswersScenario({ answerAfterMs: 200, ...o }), sipPort, [], undefined, port),
    ringUntilCancelled: () => sipp(agentRingsUntilCancelledScenario(), sipPort, [], undefined, port),
    ringCancelledThenAnswer: () => sipp(agentRingsThenAnswersScenario({ answerAfterMs: 8000 }), sipPort, ['-m', '2'], undefined, port),
  };
}

async function records(line: TestLine): Promise<ContactRecord[]> {
  return (await api(line.url, line.admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
}

/** sato goes Available; `settled`: and stays so (no contact waiting for him). */
async function setAvailable(line: TestLine, token: string, settled = true): Promise<void> {
  assert.equal((await api(line.url, token, 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);
  if (settled) await waitFor('sato to be available', async () => {
    const agents = (await api(line.url, line.admin, 'GET', '/api/agents')).body['agents'] as { agentId: string; status: string }[];
    return agents.find((a) => a.agentId === 'sato')?.status === 'Available' ? true : undefined;
  }, 10_000, 250);
}

/** The one worker carrying calls: the legs of one contact share it. */
function busyWorker(pool: MediaWorkerPool, legs: number): { id: number; kill(): Promise<void> } {
  const busy = pool.workers.filter((w) => w.load > 0);
  assert.deepEqual(busy.map((w) => w.load), [legs], `one worker carries the call's ${legs} legs`);
  return busy[0] as (typeof busy)[number];
}

/** The dead worker is gone from the pool, its slot taken by a new thread, and it was reported once. */
function assertReplaced(pool: MediaWorkerPool, dead: { id: number }, before: number, logs: readonly string[]): void {
  assert.equal(logs.filter((l) => l.startsWith(`media worker ${dead.id} stopped`)).length, 1, logs.join('\n'));
  assert.ok(!pool.workers.some((w) => w.id === dead.id), 'the dead worker left the pool');
  assert.equal(pool.workers.length, before, 'a new worker took its slot');
}

/** A line with an outbound trunk (a sipp peer on `trunkPort` plays it) and two media workers, its log kept. */
async function workerLine(rtpBase: number, edit?: PhoneLineOptions['edit']): Promise<{ line: TestLine & { sipPort: number }; pool: MediaWorkerPool; logs: string[]; trunkPort: number }> {
  const logs: string[] = [];
  const trunkPort = await freePort();
  const line = await phoneLine(rtpBase, { outbound: TRUNK(trunkPort), mediaWorkers: 2, log: (m) => logs.push(m), ...(edit ? { edit } : {}) });
  const pool = line.server.sip?.media;
  if (pool instanceof MediaWorkerPool) return { line, pool, logs, trunkPort };
  await line.close();
  assert.fail('media runs in workers');
}

/** More than a second of the live call's recording is in its file (the recorder writes once a second). */
async function recordingFlushed(line: TestLine): Promise<void> {
  await waitFor('a second of the recording in its file', () =>
    (recordingFiles(join(line.dir, 'recordings')).some((f) => recordedSeconds(f) > 1) ? true : undefined));
}

/** A record cut short by the worker: the note says why, and the file's header was set from what was written. */
async function assertCutShort(line: TestLine, record: ContactRecord): Promise<void> {
  assert.match(record.recordingNote ?? '', /EMEDIAWORKER/, JSON.stringify(record));
  const wav = await closedRecording(line, record as unknown as Record<string, unknown>);
  assert.equal(wav.sampleRate, 8000);
}

/** The line is still up: sato (after-contact work finished) takes the next call, bridged and recorded. */
async function nextCallIsBridgedAndRecorded(line: TestLine & { sipPort: number }, phone: DeskPhone, sato: string, before: readonly string[]): Promise<void> {
  await api(line.url, sato, 'POST', '/api/agent/acw/finish', {});
  await setAvailable(line, sato);
  const answering = await phone.answer({ talk: true });
  const caller = await sipp(callerScenario({ steps: ['1001#'], talk: true, hangUpAfterMs: 1000 }), line.sipPort);
  const [called, answered] = await Promise.all([caller.done, answering.done]);
  assert.equal(called.code, 0, `the next call went through: ${called.errors}`);
  assert.equal(answered.code, 0, `the phone got the line's BYE after the caller hung up: ${answered.errors}`);
  const next = await waitFor('the next call\'s record', async () => {
    const found = (await records(line)).find((r) => !before.includes(r.contactId) && r.recording && r.disconnectReason);
    return found;
  });
  const [customer, agent] = await recordingRms(line, next as unknown as Record<string, unknown>);
  assert.ok(customer > 0 && agent > 0, `both parties recorded (${customer}, ${agent})`);
}

/** An agent's status as the HTTP API reports it. */
async function statusOf(line: TestLine, agentId: string): Promise<string | undefined> {
  const agents = (await api(line.url, line.admin, 'GET', '/api/agents')).body['agents'] as { agentId: string; status: string }[];
  return agents.find((a) => a.agentId === agentId)?.status;
}

/** The agent's phone is ringing: its media leg is open and its INVITE sent. */
async function phoneRinging(line: TestLine): Promise<void> {
  await waitFor('the agent\'s phone to ring', () => (line.server.sip?.mediaStats().agent.length === 1 ? true : undefined));
}

describe('a media worker dies under the other legs it carries', { timeout: 300_000 }, () => {
  test('a callback, agent and customer bridged: the agent\'s leg fails first; both phones get a BYE, the record says the recording was cut short', async () => {
    const { line, pool, logs, trunkPort } = await workerLine(45400);
    try {
      const phone = await deskPhone(line.sipPort);

      // 1001# reaches the sakura queue; nobody is Available, so the queue flow offers a callback: 1.
      await askForCallback(line.sipPort);
      const customer = await trunkPeer(trunkPort, line.sipPort, CUSTOMER, LINE_NUMBER);
      const agentPhone = await phone.answer({ talk: true });
      const sato = await line.agent('sato');
      await setAvailable(line, sato, false); // the callback waiting in the queue is offered at once
      // The agent's phone leg opened first (it rang before the customer was called): it fails first.
      await waitFor('the callback to be answered', () => (logs.some((l) => l.includes(`callback answered by ${CUSTOMER}`)) ? true : undefined));
      await recordingFlushed(line);
      const worker = busyWorker(pool, 2);
      const workers = pool.workers.length;
      await worker.kill();

      const [customerEnd, agentEnd] = await Promise.all([customer.done, agentPhone.done]);
      assert.equal(customerEnd.code, 0, `the customer got the line's BYE: ${customerEnd.errors}`);
      assert.equal(agentEnd.code, 0, `the agent's phone got the line's BYE: ${agentEnd.errors}`);
      assert.ok(logs.some((l) => l.includes('agent sato\'s media leg failed')), logs.join('\n'));
      const record = await waitFor('the callback\'s record', async () => (await records(line)).find((r) => r.initiationMethod === 'CALLBACK' && r.disconnectReason));
      assert.equal(record.agent?.id, 'sato');
      await assertCutShort(line, record);
      assertReplaced(pool, worker, workers, logs);

      await nextCallIsBridgedAndRecorded(line, phone, sato, (await records(line)).map((r) => r.contactId));
    } finally {
      await line.close();
    }
  });

  test('a callback the agent took in the app (no phone): the customer\'s leg is alone in the worker; the customer gets a BYE and the contact ends', async () => {
    const { line, pool, logs, trunkPort } = await workerLine(45600);
    try {
      await askForCallback(line.sipPort);
      const customer = await trunkPeer(trunkPort, line.sipPort, CUSTOMER, LINE_NUMBER);
      const sato = await line.agent('sato');
      await setAvailable(line, sato, false);
      const offered = await waitFor('the callback to be offered to sato', async () => {
        const offers = (await api(line.url, sato, 'GET', '/api/agent')).body['offers'] as { contactId: string }[];
        return offers[0]?.contactId;
      });
      assert.equal((await api(line.url, sato, 'POST', `/api/agent/contacts/${offered}/accept`)).status, 200);
      await waitFor('the callback to be answered', () => (logs.some((l) => l.includes(`callback answered by ${CUSTOMER}`)) ? true : undefined));
      const worker = busyWorker(pool, 1);
      const workers = pool.workers.length;
      await worker.kill();

      const customerEnd = await customer.done;
      assert.equal(customerEnd.code, 0, `the customer got the line's BYE: ${customerEnd.errors}`);
      assert.ok(logs.some((l) => l.includes('callback customer\'s media leg failed')), logs.join('\n'));
      const record = await waitFor('the callback\'s record', async () => (await records(line)).find((r) => r.contactId === offered && r.disconnectReason));
      assert.equal(record.agent?.id, 'sato');
      assert.equal(record.disconnectReason, 'CUSTOMER_DISCONNECT');
      assert.equal(record.recording, undefined, 'nothing was bridged, so nothing was recorded');
      assertReplaced(pool, worker, workers, logs);

      // sato's phone registers now; the next call rings it, in the worker that replaced the dead one.
      const phone = await deskPhone(line.sipPort);
      await nextCallIsBridgedAndRecorded(line, phone, sato, (await records(line)).map((r) => r.contactId));
    } finally {
      await line.close();
    }
  });

  test('a third party dialled through the trunk (TransferParticipantToThirdParty): caller and third party get a BYE, the record says the recording was cut short', async () => {
    // A second number of the line transfers every caller to the third party, recorded.
    const { line, pool, logs, trunkPort } = await workerLine(45800, (def, dir) => {
      writeFileSync(join(dir, 'third-party.json'), JSON.stringify(transferFlow));
      def.flows.push({ id: 'third-party', name: 'Third party', file: 'third-party.json' });
      def.phoneNumbers.push({ number: '+81501234568', flow: 'third-party' });
    });
    try {
      const thirdParty = await trunkPeer(trunkPort, line.sipPort, THIRD_PARTY, LINE_NUMBER);
      // The caller says nothing (a scenario that talks would take the BYE mid-pause for unexpected); the third party talks.
      const caller = await sipp(callerScenario({ steps: [], dialed: '81501234568' }), line.sipPort);
      const ended: string[] = [];
      void thirdParty.done.then((r) => ended.push(`third party ${r.code}: ${r.errors}`));
      void caller.done.then((r) => ended.push(`caller ${r.code}: ${r.errors}`));
      await waitFor('the third party to answer', () => {
        assert.deepEqual(ended, [], 'nobody hung up before the worker died');
        return line.server.services.center.liveContacts().some((c) => c.phase === 'transferred') ? true : undefined;
      });
      await recordingFlushed(line);
      const worker = busyWorker(pool, 2);
      const workers = pool.workers.length;
      await worker.kill();

      const [callerEnd, thirdPartyEnd] = await Promise.all([caller.done, thirdParty.done]);
      assert.equal(callerEnd.code, 0, `the caller got the line's BYE: ${callerEnd.errors}`);
      assert.equal(thirdPartyEnd.code, 0, `the third party got the line's BYE: ${thirdPartyEnd.errors}`);
      const record = await waitFor('the record', async () => (await records(line)).find((r) => r.disconnectReason));
      assert.equal(record.transferredToEndpoint, THIRD_PARTY);
      await assertCutShort(line, record);
      assertReplaced(pool, worker, workers, logs);

      const phone = await deskPhone(line.sipPort);
      await nextCallIsBridgedAndRecorded(line, phone, await line.agent('sato'), [record.contactId]);
    } finally {
      await line.close();
    }
  });

  // A worker that dies while an agent's phone rings (the offer of a contact to that agent). The
  // agent did nothing wrong: the phone is cancelled, the agent stays Available (not Missed) and the
  // contact goes back to its queue, to be offered again, unless the caller's own media went too.
  test('a callback ringing sato\'s phone, its leg alone in the worker: the phone gets a CANCEL, sato is Available, not Missed, and suzuki\'s phone takes the callback; the record says the first offer failed to connect', async () => {
    const { line, pool, logs, trunkPort } = await workerLine(46000);
    try {
      const satoPhone = await deskPhone(line.sipPort, '201');
      const suzukiPhone = await deskPhone(line.sipPort, '202');
      // 1001# reaches the sakura queue (sato rank 1, suzuki rank 2); nobody is Available: a callback, 1.
      await askForCallback(line.sipPort);
      const ringing = await satoPhone.ringUntilCancelled();
      await setAvailable(line, await line.agent('sato'), false); // the waiting callback rings sato's phone at once
      await phoneRinging(line);
      // The customer's leg is not dialled until an agent takes the callback: the agent's leg is alone.
      const worker = busyWorker(pool, 1);
      const workers = pool.workers.length;
      // suzuki is Available with nothing waiting; his phone answers, and the customer hangs up after a while.
      const customer = await trunkPeer(trunkPort, line.sipPort, CUSTOMER, LINE_NUMBER, 1500);
      const answering = await suzukiPhone.answer({ talk: true });
      assert.equal((await api(line.url, await line.agent('suzuki'), 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);
      assert.equal(await statusOf(line, 'suzuki'), 'Available');
      await worker.kill();

      const cancelled = await ringing.done;
      assert.equal(cancelled.code, 0, `sato's phone got the line's CANCEL: ${cancelled.errors}`);
      // Withdrawn as the phone was cancelled, not left to ring out into Missed.
      assert.equal(await statusOf(line, 'sato'), 'Available');
      const [customerEnd, answered] = await Promise.all([customer.done, answering.done]);
      assert.equal(customerEnd.code, 0, `the customer was called back and hung up: ${customerEnd.errors}`);
      assert.equal(answered.code, 0, `suzuki's phone took the callback and got the line's BYE: ${answered.errors}`);
      const record = await waitFor('the callback\'s record', async () => (await records(line)).find((r) => r.initiationMethod === 'CALLBACK' && r.disconnectReason));
      assert.equal(record.agent?.id, 'suzuki');
      assert.deepEqual(record.agentOffers.map((o) => [o.agentId, o.outcome]), [['sato', 'FailedConnectAgent'], ['suzuki', 'Accepted']], JSON.stringify(record.agentOffers));
      assert.match(record.agentOffers[0]?.failure ?? '', new RegExp(`media worker ${worker.id} stopped`));
      assert.equal(record.disconnectReason, 'CUSTOMER_DISCONNECT');
      assert.equal(await statusOf(line, 'sato'), 'Available');
      assert.ok(logs.some((l) => l.includes('cancelling the ringing phone')), logs.join('\n'));
      assertReplaced(pool, worker, workers, logs);
    } finally {
      await line.close();
    }
  });

  test('a callback ringing sato\'s phone with nobody else Available: the phone gets a CANCEL and rings again for the same callback, which sato takes; the record says the first offer failed to connect', async () => {
    const { line, pool, logs, trunkPort } = await workerLine(46400);
    try {
      const satoPhone = await deskPhone(line.sipPort, '201');
      await askForCallback(line.sipPort);
      const phone = await satoPhone.ringCancelledThenAnswer();
      const customer = await trunkPeer(trunkPort, line.sipPort, CUSTOMER, LINE_NUMBER, 1500);
      await setAvailable(line, await line.agent('sato'), false);
      await phoneRinging(line);
      const worker = busyWorker(pool, 1);
      await worker.kill();

      // The offer fails over to the only agent there is: sato's phone rings anew, on a leg in a live worker.
      const offers = await waitFor('the callback to be offered again', () => {
        const live = line.server.services.center.liveContacts().find((c) => c.callback);
        return live && live.offers.length === 2 ? live.offers : undefined;
      });
      assert.equal(offers[0]?.outcome, 'FailedConnectAgent');
      assert.equal(offers[1]?.agentId, 'sato');
      const [phoneEnd, customerEnd] = await Promise.all([phone.done, customer.done]);
      assert.equal(phoneEnd.code, 0, `sato's phone was cancelled, then took the callback until the line's BYE: ${phoneEnd.errors}`);
      assert.equal(customerEnd.code, 0, `the customer was called back and hung up: ${customerEnd.errors}`);
      const record = await waitFor('the callback\'s record', async () => (await records(line)).find((r) => r.initiationMethod === 'CALLBACK' && r.disconnectReason));
      assert.equal(record.agent?.id, 'sato');
      assert.deepEqual(record.agentOffers.map((o) => [o.agentId, o.outcome]), [['sato', 'FailedConnectAgent'], ['sato', 'Accepted']], JSON.stringify(record.agentOffers));
      assert.ok(!logs.some((l) => l.includes('no media leg for agent')), logs.join('\n'));
    } finally {
      await line.close();
    }
  });

  test('an ordinary call ringing sato\'s phone: the worker carries the caller\'s leg too, so the call ends: the phone gets a CANCEL, the caller a BYE, and sato is Available, not Missed', async () => {
    const { line, pool, logs } = await workerLine(46200);
    try {
      const satoPhone = await deskPhone(line.sipPort, '201');
      const ringing = await satoPhone.ringUntilCancelled();
      await setAvailable(line, await line.agent('sato'));
      const caller = await sipp(callerScenario({ steps: ['1001#'] }), line.sipPort); // waits for the line's BYE
      await phoneRinging(line);
      // The agent's leg opened in the caller's worker, to be bridged there.
      const worker = busyWorker(pool, 2);
      await worker.kill();

      const [callerEnd, cancelled] = await Promise.all([caller.done, ringing.done]);
      assert.equal(callerEnd.code, 0, `the caller got the line's BYE: ${callerEnd.errors}`);
      assert.equal(cancelled.code, 0, `sato's phone got the line's CANCEL: ${cancelled.errors}`);
      assert.equal(await statusOf(line, 'sato'), 'Available');
      const record = await waitFor('the record', async () => (await records(line)).find((r) => r.disconnectReason));
      assert.deepEqual(record.agentOffers.map((o) => [o.agentId, o.outcome]), [['sato', 'Abandoned']]);
      assert.ok(logs.some((l) => l.includes('the caller\'s media leg failed')), logs.join('\n'));
    } finally {
      await line.close();
    }
  });
});

/** Records the caller and transfers them to THIRD_PARTY (ContinueFlowExecution False: the line's part ends). */
const transferFlow = {
  Version: '2019-10-30',
  StartAction: 'record',
  Actions: [
    {
      Identifier: 'record', Type: 'UpdateContactRecordingBehavior',
      Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } }, Transitions: { NextAction: 'dial' },
    },
    {
      Identifier: 'dial', Type: 'TransferParticipantToThirdParty',
      Parameters: { ThirdPartyPhoneNumber: THIRD_PARTY, ThirdPartyConnectionTimeLimitSeconds: '60', ContinueFlowExecution: 'False', CallerId: { Number: LINE_NUMBER } },
      Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
    },
    { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};
