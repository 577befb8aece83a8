import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import { StereoRecorder } from '../../../src/telephony/media/recorder.ts';
import { parseWav } from '../../../src/telephony/media/wav.ts';
import { encodeG711 } from '../../../src/telephony/rtp/g711.ts';

const dir = mkdtempSync(join(os.tmpdir(), 'chokutsu-'));

function tone(samples: number, amplitude: number): Int16Array {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return pcm;
}

function channels(path: string): { left: Int16Array; right: Int16Array } {
  const parsed = parseWav(readFileSync(path));
  assert.ok(parsed.ok);
  assert.equal(parsed.wav.channels, 2);
  assert.equal(parsed.wav.sampleRate, 8000);
  const frames = parsed.wav.samples.length / 2;
  const left = new Int16Array(frames);
  const right = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = parsed.wav.samples[2 * i] ?? 0;
    right[i] = parsed.wav.samples[2 * i + 1] ?? 0;
  }
  return { left, right };
}

const peak = (pcm: Int16Array) => pcm.reduce((m, s) => Math.max(m, Math.abs(s)), 0);

describe('stereo recorder', () => {
  test('puts the customer on the left and the agent on the right, both audible', async () => {
    let clock = 0;
    const path = join(dir, 'both.wav');
    const recorder = await StereoRecorder.create(path, { now: () => clock });
    for (let i = 0; i < 50; i++) {
      clock += 20;
      recorder.write('customer', tone(160, 8000));
      recorder.write('agent', tone(160, 3000));
    }
    const result = await recorder.close();
    assert.deepEqual(result, { path, durationSeconds: 1 });
    const { left, right } = channels(path);
    // Within G.711's step at that level.
    assert.ok(Math.abs(peak(left) - 8000) < 260, `left peak ${peak(left)}`);
    assert.ok(Math.abs(peak(right) - 3000) < 70, `right peak ${peak(right)}`);
    // sox reads the file as 2-channel 8 kHz with non-silent channels.
    const info = execFileSync('sox', ['--i', path]).toString();
    assert.match(info, /Channels\s*: 2[\s\S]*Sample Rate\s*: 8000/);
    for (const channel of ['1', '2']) {
      // sox prints its statistics on stderr.
      const stat = spawnSync('sox', [path, '-n', 'remix', channel, 'stat']).stderr.toString();
      const rms = Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(stat)?.[1]);
      assert.ok(rms > 0.05, `channel ${channel} RMS ${rms}`);
    }
  });

  test('aligns the legs by wall clock: a party that joins later starts later in the file', async () => {
    let clock = 0;
    const path = join(dir, 'late.wav');
    const recorder = await StereoRecorder.create(path, { now: () => clock, jitterMs: 40 });
    for (let i = 0; i < 50; i++) {
      clock += 20;
      recorder.write('customer', tone(160, 8000));
      // The agent is connected half a second in.
      if (clock > 500) recorder.write('agent', tone(160, 8000));
    }
    await recorder.close();
    const { left, right } = channels(path);
    assert.equal(left.length, 8000);
    assert.equal(peak(right.subarray(0, 3900)), 0);
    assert.ok(peak(right.subarray(4100)) > 7000);
    assert.ok(peak(left.subarray(0, 4000)) > 7000);
  });

  test('fills a gap in one leg (hold, silence suppression) with silence instead of closing it up', async () => {
    let clock = 0;
    const path = join(dir, 'gap.wav');
    const recorder = await StereoRecorder.create(path, { now: () => clock });
    for (let i = 0; i < 100; i++) {
      clock += 20;
      recorder.write('agent', tone(160, 8000));
      if (i < 25 || i >= 75) recorder.write('customer', tone(160, 8000));
    }
    const result = await recorder.close();
    assert.equal(result.durationSeconds, 2);
    const { left } = channels(path);
    assert.equal(peak(left.subarray(4200, 11800)), 0);
    assert.ok(peak(left.subarray(12200)) > 7000);
  });

  test('records G.711 as it came: the file takes the first audio\'s law and keeps its bytes; the other law is converted', async () => {
    let clock = 0;
    const path = join(dir, 'alaw.wav');
    const recorder = await StereoRecorder.create(path, { now: () => clock });
    const customer = encodeG711('PCMA', tone(160, 8000));
    const agent = encodeG711('PCMU', tone(160, 3000));
    for (let i = 0; i < 50; i++) {
      clock += 20;
      recorder.writeG711('customer', 'PCMA', customer);
      recorder.writeG711('agent', 'PCMU', agent);
    }
    assert.equal((await recorder.close()).durationSeconds, 1);
    const bytes = readFileSync(path);
    assert.equal(bytes.readUInt16LE(20), 6, 'WAVE_FORMAT_ALAW');
    const data = bytes.subarray(58);
    assert.equal(data.length, 2 * 8000);
    for (let i = 0; i < 160; i++) assert.equal(data[2 * i], customer[i], `customer byte ${i} as it came`);
    const { left, right } = channels(path);
    assert.ok(Math.abs(peak(left) - 8000) < 260, `left peak ${peak(left)}`);
    assert.ok(Math.abs(peak(right) - 3000) < 70, `right peak ${peak(right)}`);
    assert.match(execFileSync('sox', ['--i', path]).toString(), /Channels\s*: 2[\s\S]*Sample Rate\s*: 8000[\s\S]*8-bit A-law/);
  });

  test('a call with no audio at all is its wall-clock length of silence', async () => {
    let clock = 0;
    const path = join(dir, 'silent.wav');
    const recorder = await StereoRecorder.create(path, { now: () => clock });
    clock = 750;
    assert.equal((await recorder.close()).durationSeconds, 0.75);
  });
});
