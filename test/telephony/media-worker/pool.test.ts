// The media plane in worker threads (issue 12), with real RTP phones on loopback: a contact's legs
// open in one worker, are bridged and recorded there; a browser-like leg on the main thread is
// bridged with a worker's leg; a worker that dies ends its legs and is replaced. The same call on
// the line's own thread (mediaWorkers: 0) is the reference.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CallLeg, MediaSink, PlaybackEnd } from '../../../src/telephony/media/leg.ts';
import { LocalMediaPlane, type MediaPlane, type RtpLeg } from '../../../src/telephony/media/plane.ts';
import { parseWav } from '../../../src/telephony/media/wav.ts';
import { MediaWorkerPool } from '../../../src/telephony/media-worker/pool.ts';
import { PortAllocator } from '../../../src/telephony/rtp/ports.ts';
import { channelRms } from '../../webrtc/line-support.ts';
import { recordedSeconds } from '../../support/recording-file.ts';
import { RtpPhone, taggedFrame } from '../../support/rtp-phone.ts';
import { until } from '../../support/until.ts';

const FRAMES = 50; // 1 s of speech from each phone

/** Connects `leg` to `phone` as SDP offer/answer would, and starts it. */
function dial(phone: RtpPhone, leg: RtpLeg): void {
  leg.configure({ codec: 'PCMU', payloadType: 0, telephoneEventPt: 101, remoteAddress: '127.0.0.1', remotePort: phone.port, direction: 'sendrecv', ptime: 20 });
  leg.start();
}

/** A leg of the main thread that is not RTP (as a browser's WebRTC leg): it hears what is fed and says what it is told. */
class MemoryLeg implements CallLeg {
  readonly fed: Uint8Array[] = [];
  private sink: MediaSink | undefined;
  readonly canSendDtmf = false;
  listen(sink: MediaSink): () => void {
    this.sink = sink;
    return () => {
      this.sink = undefined;
    };
  }
  feed(): void {}
  feedG711(_law: 'PCMU' | 'PCMA', payload: Uint8Array): void {
    this.fed.push(payload);
  }
  say(index: number): void {
    this.sink?.g711?.('PCMU', taggedFrame(9, index));
  }
  async sendDtmf(): Promise<void> {}
  async play(): Promise<PlaybackEnd> {
    return 'finished';
  }
  stop(): void {}
  stats() {
    return { packetsSent: 0, octetsSent: 0, packetsReceived: 0, packetsLost: 0, jitter: 0 };
  }
  async close(): Promise<void> {}
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function recordingPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-media-worker-'));
  dirs.push(dir);
  return join(dir, 'call.wav');
}

function inOrder(heard: number[]): boolean {
  return heard.every((index, i) => index === i);
}

const planes: [string, (failed: CallLeg[], ports: PortAllocator) => MediaPlane][] = [
  ['two media workers', (failed, allocator) => new MediaWorkerPool({ workers: 2, allocator, bindAddress: '127.0.0.1', log: () => {}, legFailed: (leg) => failed.push(leg) })],
  ['the line\'s own thread (mediaWorkers: 0)', (_failed, allocator) => new LocalMediaPlane({ allocator, bindAddress: '127.0.0.1' })],
];

describe('the media plane', { timeout: 30_000 }, () => {
  let base = 46_200;
  for (const [name, makePlane] of planes) {
    test(`${name}: a bridged, recorded call between two RTP phones carries every frame, in order, and its WAV has both parties`, async () => {
      const ports = new PortAllocator({ min: base, max: base + 19 });
      base += 20;
      const plane = makePlane([], ports);
      const [caller, agent] = await Promise.all([RtpPhone.open(1), RtpPhone.open(2)]);
      try {
        const customerLeg = await plane.openRtp();
        const agentLeg = await plane.openRtp({ near: customerLeg });
        if (plane instanceof MediaWorkerPool) {
          assert.equal(plane.workerOf(agentLeg), plane.workerOf(customerLeg), 'the contact\'s legs share a worker');
          const otherContact = await plane.openRtp();
          assert.notEqual(plane.workerOf(otherContact), plane.workerOf(customerLeg), 'the next contact goes to the idle worker');
          await otherContact.close();
        }
        dial(caller, customerLeg);
        dial(agent, agentLeg);
        const bridge = plane.bridge(customerLeg, agentLeg);
        const path = recordingPath();
        bridge.startRecording(await plane.record(path, bridge, { onError: (err) => assert.fail(err) }));
        await Promise.all([caller.speak(customerLeg.localPort, FRAMES), agent.speak(agentLeg.localPort, FRAMES)]);
        await until(() => caller.framesFrom(2).length >= FRAMES && agent.framesFrom(1).length >= FRAMES, 'every frame to reach the other phone', 5000);
        assert.ok(inOrder(agent.framesFrom(1)), `the agent heard the caller in order: ${agent.framesFrom(1).join(',')}`);
        assert.ok(inOrder(caller.framesFrom(2)), `the caller heard the agent in order: ${caller.framesFrom(2).join(',')}`);
        bridge.close();
        const recorder = bridge.stopRecording();
        assert.ok(recorder);
        const result = await recorder.close();
        assert.equal(result.failed, undefined);
        const wav = parseWav(readFileSync(path));
        assert.ok(wav.ok);
        assert.ok(channelRms(wav.wav.samples, 0) > 0 && channelRms(wav.wav.samples, 1) > 0, 'both channels hold audio');
        await until(() => customerLeg.stats().packetsReceived >= FRAMES, 'the statistics to reach the main thread', 2000);
        await Promise.all([customerLeg.close(), agentLeg.close()]);
        assert.equal(customerLeg.stats().packetsReceived, FRAMES);
        assert.ok(customerLeg.stats().packetsSent >= FRAMES);
      } finally {
        caller.close();
        agent.close();
        await plane.close();
      }
    });
  }

  test('warm() starts every worker ahead of the first call, once; contacts open in the warmed workers and no thread is added', async () => {
    const pool = new MediaWorkerPool({ workers: 2, allocator: new PortAllocator({ min: 45940, max: 45949 }), bindAddress: '127.0.0.1', log: () => {}, legFailed: () => {} });
    try {
      assert.equal(pool.workers.length, 0, 'no thread before anything is asked');
      pool.warm();
      const warmed = pool.workers.map((w) => w.id);
      assert.equal(warmed.length, 2, 'every configured worker starts');
      pool.warm();
      assert.deepEqual(pool.workers.map((w) => w.id), warmed, 'a second warm() starts nothing');
      const first = await pool.openRtp();
      const second = await pool.openRtp();
      assert.deepEqual(new Set([pool.workerOf(first)?.id, pool.workerOf(second)?.id]), new Set(warmed), 'two contacts open in the two warmed workers');
      assert.deepEqual(pool.workers.map((w) => w.id), warmed, 'the calls start no thread');
      await Promise.all([first.close(), second.close()]);
    } finally {
      await pool.close();
    }
  });

  test('each worker reports its own heap and loop delay by its slot, after its major GCs too; a worker that replaces a dead one reports under the same slot', async () => {
    const pool = new MediaWorkerPool({
      workers: 2, allocator: new PortAllocator({ min: 45960, max: 45969 }), bindAddress: '127.0.0.1', log: () => {}, legFailed: () => {}, statsIntervalMs: 20,
    });
    const plausible = (bytes: number | undefined): boolean => bytes !== undefined && bytes > 1e6 && bytes < 1e9;
    try {
      pool.warm();
      await until(() => pool.figures().length === 2, 'both idle workers to report their heaps');
      assert.deepEqual(pool.figures().map((h) => h.worker), [0, 1]);
      assert.ok(pool.figures().every((h) => plausible(h.used)), JSON.stringify(pool.figures()));
      // An idle worker's loop is on time, give or take the machine: what exceeds the 10 ms sampling timer.
      assert.ok(pool.figures().every((h) => h.loopDelayMaxMs >= 0 && h.loopDelayMaxMs < 1000), JSON.stringify(pool.figures()));
      assert.ok(pool.figures().every((h) => h.utilization >= 0 && h.utilization < 0.5), JSON.stringify(pool.figures()));

      // An idle worker may go minutes without a mark-compact: big prompts (16 MB each, held outside
      // V8's heap) push its external memory past V8's limit, which makes it collect.
      const leg = await pool.openRtp();
      const slot = pool.workers.findIndex((w) => w.id === pool.workerOf(leg)?.id);
      for (let i = 0; i < 6; i++) {
        const played = leg.play(new Int16Array(8_000_000));
        leg.stop();
        await played;
      }
      await until(() => plausible(pool.figures()[slot]?.afterMajorGc), 'the worker\'s heap after its major GC', 5000);
      assert.ok((pool.figures()[slot]?.majorGcs ?? 0) >= 1);
      await leg.close();

      const dead = pool.workers[0];
      assert.ok(dead);
      await dead.kill();
      await until(() => pool.workers.length === 2 && !pool.workers.some((w) => w.id === dead.id), 'the dead worker\'s replacement');
      await until(() => pool.figures().length === 2, 'the replacement to report');
      assert.deepEqual(pool.figures().map((h) => h.worker), [0, 1], 'the replacement reports as worker 0: monitoring sees two workers, not three');
    } finally {
      await pool.close();
    }
  });

  test('without warm() a worker starts with the first leg, and the next only when every running one carries calls', async () => {
    const pool = new MediaWorkerPool({ workers: 2, allocator: new PortAllocator({ min: 45950, max: 45959 }), bindAddress: '127.0.0.1', log: () => {}, legFailed: () => {} });
    try {
      const first = await pool.openRtp();
      assert.equal(pool.workers.length, 1);
      await first.close();
      const again = await pool.openRtp();
      assert.equal(pool.workers.length, 1, 'an idle worker takes the next contact');
      const busy = await pool.openRtp();
      assert.equal(pool.workers.length, 2, 'a second worker starts when the first carries a call');
      await Promise.all([again.close(), busy.close()]);
    } finally {
      await pool.close();
    }
  });

  test('a worker\'s RTP leg bridged with a main-thread leg (a browser\'s): frames cross both ways; prompts and keys still work', async () => {
    const ports = new PortAllocator({ min: 46_300, max: 46_319 });
    const pool = new MediaWorkerPool({ workers: 1, allocator: ports, bindAddress: '127.0.0.1', log: () => {}, legFailed: () => {} });
    const caller = await RtpPhone.open(1);
    try {
      const customerLeg = await pool.openRtp();
      dial(caller, customerLeg);
      assert.equal(await customerLeg.play(new Int16Array(1600).fill(1000)), 'finished', 'a 200 ms prompt plays to its end');
      const browser = new MemoryLeg();
      const bridge = pool.bridge(customerLeg, browser);
      const path = recordingPath();
      bridge.startRecording(await pool.record(path, bridge, { onError: (err) => assert.fail(err) }));
      await Promise.all([
        caller.speak(customerLeg.localPort, FRAMES),
        (async () => {
          for (let i = 0; i < FRAMES; i++) {
            browser.say(i);
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
      ]);
      await until(() => browser.fed.length >= FRAMES && caller.framesFrom(9).length >= FRAMES, 'every frame to cross', 5000);
      assert.deepEqual(browser.fed.map((p) => (p[1] ?? 0) * 256 + (p[2] ?? 0)), Array.from({ length: FRAMES }, (_, i) => i));
      assert.ok(inOrder(caller.framesFrom(9)));
      bridge.close();
      const result = await bridge.stopRecording()?.close();
      assert.equal(result?.failed, undefined);
      await customerLeg.close();
    } finally {
      caller.close();
      await pool.close();
    }
  });

  test('a worker that dies mid-call: its legs are reported failed, the recording keeps what was written, the next leg opens in a new worker', async () => {
    const ports = new PortAllocator({ min: 46_400, max: 46_419 });
    const failed: CallLeg[] = [];
    const logs: string[] = [];
    const pool = new MediaWorkerPool({ workers: 1, allocator: ports, bindAddress: '127.0.0.1', log: (l) => logs.push(l), legFailed: (leg) => failed.push(leg) });
    const [caller, agent] = await Promise.all([RtpPhone.open(1), RtpPhone.open(2)]);
    try {
      const customerLeg = await pool.openRtp();
      const agentLeg = await pool.openRtp({ near: customerLeg });
      dial(caller, customerLeg);
      dial(agent, agentLeg);
      const bridge = pool.bridge(customerLeg, agentLeg);
      const path = recordingPath();
      const errors: string[] = [];
      const recorder = await pool.record(path, bridge, { onError: (err) => errors.push(err.code ?? '') });
      bridge.startRecording(recorder);
      const prompt = customerLeg.play(new Int16Array(80_000), { loop: true });
      await Promise.all([caller.speak(customerLeg.localPort, FRAMES), agent.speak(agentLeg.localPort, FRAMES)]);
      await until(() => recordedSeconds(path) > 0.5, 'a flush of the recorder', 5000);

      const dead = pool.workerOf(customerLeg);
      assert.ok(dead);
      await dead.kill();
      await until(() => failed.length === 2, 'both legs to be reported failed', 2000);
      assert.deepEqual(new Set(failed), new Set([customerLeg, agentLeg]));
      assert.equal(await prompt, 'stopped', 'the prompt ends');
      assert.deepEqual(errors, ['EMEDIAWORKER'], 'the recording is reported cut short, once');
      assert.equal(logs.filter((l) => l.startsWith(`media worker ${dead.id} stopped`)).length, 1, logs.join('\n'));
      const result = await recorder.close();
      assert.equal(result.failed?.code, 'EMEDIAWORKER');
      const bytes = readFileSync(path);
      assert.equal(bytes.readUInt32LE(54), bytes.length - 58, 'the header says what the file holds');
      assert.ok(result.durationSeconds > 0.5, `the audio before the crash is kept (${result.durationSeconds} s)`);
      await Promise.all([customerLeg.close(), agentLeg.close()]); // nothing left to do, and no error

      const next = await pool.openRtp();
      assert.notEqual(pool.workerOf(next)?.id, dead.id, 'a new worker took its place');
      dial(caller, next);
      assert.equal(await next.play(new Int16Array(800)), 'finished');
      await next.close();
    } finally {
      caller.close();
      agent.close();
      await pool.close();
    }
  });
});
