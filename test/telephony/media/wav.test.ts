import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import { encodeWav, parseWav, readTelephonyWav, WavWriter } from '../../../src/telephony/media/wav.ts';

const dir = mkdtempSync(join(os.tmpdir(), 'chokutsu-'));

describe('WAV', () => {
  test('encodeWav output parses back, and sox agrees on the format', () => {
    const samples = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const buf = encodeWav(samples);
    const parsed = parseWav(buf);
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.wav.samples], [...samples]);
    const path = join(dir, 'five.wav');
    writeFileSync(path, buf);
    const info = execFileSync('sox', ['--i', path]).toString();
    assert.match(info, /Sample Rate\s*: 8000/);
    assert.match(info, /Channels\s*: 1/);
    assert.match(info, /5 samples/);
  });

  test('reads a WAV written by sox (other chunks, other rates) and insists on 8 kHz mono for telephony', async () => {
    const path = join(dir, 'sox-16k.wav');
    execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', path, 'synth', '0.1', 'sine', '440']);
    const parsed = parseWav(readFileSync(path));
    assert.ok(parsed.ok);
    assert.equal(parsed.wav.sampleRate, 16000);
    assert.equal(parsed.wav.samples.length, 1600);
    const telephony = await readTelephonyWav(path);
    assert.equal(telephony.ok, false);
    assert.match(!telephony.ok ? telephony.error.message : '', /expected 8000 Hz mono, got 16000 Hz/);
  });

  test('rejects what is not PCM16 WAV with a reason', () => {
    const notWav = parseWav(Buffer.from('hello world, not a wav'));
    assert.equal(!notWav.ok && notWav.error.reason, 'not a RIFF/WAVE file');
    const path = join(dir, 'ulaw.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', path, 'synth', '0.05', 'sine', '440']);
    const ulaw = parseWav(readFileSync(path));
    assert.match(!ulaw.ok ? ulaw.error.reason : '', /unsupported encoding/);
  });

  test('the streaming writer patches RIFF and data sizes on close', async () => {
    const path = join(dir, 'stream.wav');
    const writer = await WavWriter.create(path, { channels: 2 });
    await writer.write(new Int16Array(1600).fill(100));
    void writer.write(new Int16Array(1600).fill(-100));
    const closed = await writer.close();
    assert.equal(closed.durationSeconds, 0.2);
    const buf = readFileSync(path);
    assert.equal(buf.readUInt32LE(4), buf.length - 8);
    assert.equal(buf.readUInt32LE(40), 6400);
    assert.match(execFileSync('sox', ['--i', path]).toString(), /Channels\s*: 2[\s\S]*00:00:00.20 = 1600 samples/);
  });
});
