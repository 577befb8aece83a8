// Ten bridged, recorded calls on loopback, the media plane only (issue 12): Node phones at both
// ends send 20 ms PCMU frames, each tagged with its number, through the line's two RTP legs, the
// bridge and the recorder. Every frame one phone says reaches the other, in order, and every
// stream the line sends keeps consecutive sequence numbers and timestamps, through a stall of the
// event loop; a frame is forwarded as it arrives, not held for the leg's next 20 ms tick.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MediaBridge } from '../../src/telephony/media/bridge.ts';
import { StereoRecorder } from '../../src/telephony/media/recorder.ts';
import { PortAllocator } from '../../src/telephony/rtp/ports.ts';
import { RtpSession } from '../../src/telephony/rtp/rtp-session.ts';
import { RtpPhone } from '../support/rtp-phone.ts';
import { until } from '../support/until.ts';

const CALLS = 10;
const FRAMES = 100; // 2 s of speech from every phone
describe('bridged calls on loopback, media plane', { timeout: 30_000 }, () => {
  test(`${CALLS} bridged, recorded calls: every frame reaches the far end, in order, with continuous RTP timestamps, without waiting for a tick`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-bridged-'));
    const allocator = new PortAllocator({ min: 47600, max: 47699 });
    const sessions: RtpSession[] = [];
    const phones: RtpPhone[] = [];
    const recorders: StereoRecorder[] = [];
    try {
      for (let call = 0; call < CALLS; call++) {
        const caller = await RtpPhone.open(2 * call + 1);
        const agentPhone = await RtpPhone.open(2 * call + 2);
        const customer = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', codec: 'PCMU' });
        const agent = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', codec: 'PCMU' });
        sessions.push(customer, agent);
        phones.push(caller, agentPhone);
        customer.setRemote({ address: '127.0.0.1', port: caller.port });
        agent.setRemote({ address: '127.0.0.1', port: agentPhone.port });
        const recorder = await StereoRecorder.create(join(dir, `call-${call}.wav`));
        recorders.push(recorder);
        new MediaBridge({ customer, agent, recorder });
      }
      for (const s of sessions) s.start();
      const speaking = Promise.all(phones.map((phone, i) => phone.speak(sessions[i]?.localPort ?? 0, FRAMES)));
      // Midway the event loop is held up for 150 ms (7 frame periods): what is owed meanwhile
      // goes out late, none of it is dropped to catch up.
      await until(() => phones.every((phone) => phone.heard.length >= FRAMES / 2), 'half the call', 10_000);
      for (const until = performance.now() + 150; performance.now() < until;);
      await speaking;
      const peer = (i: number) => (i % 2 === 0 ? i + 1 : i - 1);
      const all = Array.from({ length: FRAMES }, (_, i) => i);
      await until(() => phones.every((phone, i) => phone.framesFrom(phones[peer(i)]?.id ?? 0).length >= FRAMES), 'every frame at every far end', 10_000);

      // Forwarded as it arrives: half the frames cross the line in well under a 20 ms tick (a
      // frame held for the leg's next tick waits 10 ms on average, more as the backlog creeps).
      const delays = phones.flatMap((phone, i) => phone.delaysFrom(phones[peer(i)] ?? assert.fail())).sort((a, b) => a - b);
      const median = delays[Math.floor(delays.length / 2)] ?? Infinity;
      assert.ok(median < 5, `median delay through the line ${median.toFixed(1)} ms`);
      for (const [i, phone] of phones.entries()) {
        assert.deepEqual(phone.framesFrom(phones[peer(i)]?.id ?? 0), all, `phone ${phone.id} heard every frame of its peer once, in order`);
        const ssrcs = new Set(phone.heard.map((p) => p.ssrc));
        assert.equal(ssrcs.size, 1, `phone ${phone.id} heard one stream`);
        for (let n = 1; n < phone.heard.length; n++) {
          const prev = phone.heard[n - 1] ?? assert.fail();
          const cur = phone.heard[n] ?? assert.fail();
          assert.equal(cur.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff, `phone ${phone.id}: sequence after ${prev.sequenceNumber}`);
          assert.equal(cur.timestamp, (prev.timestamp + 160) >>> 0, `phone ${phone.id}: timestamp after ${prev.timestamp}`);
        }
      }
      await Promise.all(sessions.map((s) => s.close()));
      const results = await Promise.all(recorders.map((r) => r.close()));
      for (const { path, durationSeconds, failed } of results) {
        assert.equal(failed, undefined);
        assert.ok(durationSeconds >= 2, `${path}: ${durationSeconds} s`);
        // Every player reads it: sox sees 8 kHz stereo µ-law, the law the phones spoke.
        assert.match(execFileSync('sox', ['--i', path]).toString(), /Channels\s*: 2[\s\S]*Sample Rate\s*: 8000[\s\S]*8-bit u-law/);
      }
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
      for (const phone of phones) phone.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
