// The disk fails under the recorder: the file cannot be opened (read-only directory), or writes
// fail mid-call (disk full). The call goes on, the record says why it has no (whole) recording,
// /metrics counts it, one log line explains it. A WAV cut off mid-write is repaired.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setPhonePassword } from '../../src/app/accounts.ts';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { SqlitePhoneStore } from '../../src/store/phones.ts';
import { RECORDING_LAYOUT, StereoRecorder } from '../../src/telephony/media/recorder.ts';
import { encodeWav, parseWav, repairWav, WavWriter } from '../../src/telephony/media/wav.ts';
import { agentAnswersScenario, agentPhoneScenario, callerScenario, sipp } from '../e2e/sipp-support.ts';
import { api, startTestLine } from '../e2e/support.ts';
import { waitFor } from './line-process.ts';

/** Makes `dir` unwritable: read-only permissions, or (as root, whom permissions do not stop) a file where the directory should be. */
function unwritable(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  if (process.getuid?.() === 0) {
    writeFileSync(dir, 'not a directory');
  } else {
    mkdirSync(dir);
    chmodSync(dir, 0o555);
  }
}

describe('disk failures under the recorder', { timeout: 90_000 }, () => {
  test('recordings directory not writable: the call is bridged and ends normally, the record says the recording failed, /metrics counts it, one log line', async () => {
    const logs: string[] = [];
    const line = await startTestLine(undefined, {
      log: (m) => logs.push(m),
      telephony: {
        sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
        rtp: { host: '127.0.0.1', portMin: 44600, portMax: 44699 },
        trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'] }],
        tts: { engine: 'espeak-ng', wordsPerMinute: 450 },
      },
    });
    try {
      unwritable(join(line.dir, 'recordings'));
      const phones = new SqlitePhoneStore(line.server.services.line.db);
      setPhonePassword(phones, { username: '201', agentId: 'sato', realm: 'chokutsu', password: 'secret201' }, new Date());
      const sipPort = line.server.sip?.port;
      assert.ok(sipPort);
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 40_000), sipPort, [], agentAnswersScenario({ answerAfterMs: 200, talk: true }));
      await waitFor('the phone to register', () => (line.server.sip?.sip.registrations().some((b) => b.aor.includes('201')) ? true : undefined), 10_000);
      assert.equal((await api(line.url, await line.agent('sato'), 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);

      const caller = await sipp(callerScenario({ steps: ['1001#', { waitMs: 6000 }], hangUpAfterMs: 2000 }), sipPort);
      const result = await caller.done;
      phone.kill();
      assert.equal(result.code, 0, `the call went through to its end: ${result.errors}`);
      const record = await waitFor('the record', async () => {
        const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[];
        return all[0];
      });
      assert.equal(record.disconnectReason, 'CUSTOMER_DISCONNECT');
      assert.equal(record.agent?.id, 'sato');
      assert.ok(record.connectedToAgentTimestamp && record.talkDuration >= 1, `talked ${record.talkDuration} s`);
      assert.equal(record.recording, undefined);
      assert.match(record.recordingNote ?? '', /^recording failed at .* \((EACCES|ENOTDIR|EEXIST)/);
      const metrics = (await api(line.url, line.admin, 'GET', '/metrics')).text;
      assert.match(metrics, /^chokutsu_recording_failures_total 1$/m);
      const explained = logs.filter((l) => /recording .*failed/.test(l));
      assert.equal(explained.length, 1, logs.join('\n'));
      assert.match(explained[0] ?? '', new RegExp(`recording ${record.contactId}: opening the file failed \\(\\w+: .*\\); the call goes on unrecorded`));
    } finally {
      await line.close();
    }
  });

  test('writes fail mid-call (disk full): the recorder stops once, keeps what it wrote with a true header, and never throws', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'chokutsu-disk-')), 'call.wav');
    let now = 0;
    const errors: string[] = [];
    const recorder = await StereoRecorder.create(path, { now: () => now, flushIntervalMs: 60_000, onError: (e) => errors.push(e.code ?? '') });
    const second = new Int16Array(8000).fill(1000);
    now = 1000;
    recorder.write('customer', second);
    recorder.write('agent', second);
    // The disk fills up: every write from now on fails as the kernel says ENOSPC.
    const writer = (recorder as unknown as { writer: { write(s: Int16Array): Promise<void> } }).writer;
    const real = writer.write.bind(writer);
    let full = false;
    writer.write = (s) => (full ? Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) : real(s));
    await (recorder as unknown as { flush(final: boolean): Promise<void> }).flush(false);
    full = true;
    now = 2000;
    recorder.write('customer', second);
    recorder.write('agent', second);
    await (recorder as unknown as { flush(final: boolean): Promise<void> }).flush(false);
    now = 3000;
    recorder.write('customer', second); // ignored: the recorder has stopped
    const result = await recorder.close();
    assert.deepEqual(errors, ['ENOSPC'], 'reported once');
    assert.equal(result.failed?.code, 'ENOSPC');
    const wav = parseWav(readFileSync(path));
    assert.ok(wav.ok);
    const bytes = readFileSync(path);
    assert.equal(bytes.readUInt32LE(54), bytes.length - 58, 'the header says what the file holds');
    assert.ok(wav.wav.samples.length >= 2 * 7000, `the audio before the failure is kept (${wav.wav.samples.length / 2} frames)`);
  });

  test('a WAV cut off mid-write (kill -9) is made playable: sizes from its length, a partial frame cut; twice is the same as once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-wav-'));
    const whole = encodeWav(new Int16Array(8002).fill(7), { channels: 2 });
    const cut = Buffer.from(whole);
    cut.writeUInt32LE(0, 4); // as WavWriter leaves them until close()
    cut.writeUInt32LE(0, 40);
    const path = join(dir, 'cut.wav');
    writeFileSync(path, Buffer.concat([cut, Buffer.from([1, 2, 3])])); // and half a frame
    const first = await repairWav(path);
    assert.deepEqual(first, { ok: true, repaired: true, dataBytes: 8002 * 2, durationSeconds: 4001 / 8000 });
    assert.deepEqual(readFileSync(path), whole);
    assert.deepEqual(await repairWav(path), { ok: true, repaired: false, dataBytes: 8002 * 2, durationSeconds: 4001 / 8000 });

    // A recording (G.711, its frame count in a fact chunk) cut off the same way.
    const complete = join(dir, 'complete.wav');
    const recording = join(dir, 'recording.wav');
    const writer = await WavWriter.create(complete, RECORDING_LAYOUT);
    writer.setLaw('PCMA');
    await writer.write(new Uint8Array(8000).fill(0x55));
    copyFileSync(complete, recording); // as a kill leaves it: sizes and frame count still 0
    await writer.close();
    appendFileSync(recording, Buffer.from([0x55])); // half a frame
    assert.deepEqual(await repairWav(recording), { ok: true, repaired: true, dataBytes: 8000, durationSeconds: 0.5 });
    assert.deepEqual(readFileSync(recording), readFileSync(complete));
    assert.deepEqual(await repairWav(recording), { ok: true, repaired: false, dataBytes: 8000, durationSeconds: 0.5 });
    assert.match(execFileSync('sox', ['--i', recording]).toString(), /Channels\s*: 2[\s\S]*00:00:00.50 = 4000 samples[\s\S]*A-law/);

    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, Buffer.alloc(10)); // killed before the header was written
    assert.equal((await repairWav(empty)).ok, false, 'without a known format it says so');
    assert.equal((await repairWav(empty, RECORDING_LAYOUT)).ok, true);
    assert.equal(statSync(empty).size, 58);
    assert.ok(parseWav(readFileSync(empty)).ok);
    assert.equal((await repairWav(join(dir, 'missing.wav'))).ok, false);
  });
});
