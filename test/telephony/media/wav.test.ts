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

  test('reads A-law and µ-law WAVs written by sox as the PCM they stand for', () => {
    for (const encoding of ['a-law', 'u-law']) {
      const path = join(dir, `${encoding}.wav`);
      execFileSync('sox', ['-n', '-r', '8000', '-c', '2', '-e', encoding, path, 'synth', '0.05', 'sine', '440', 'vol', '0.5']);
      const parsed = parseWav(readFileSync(path));
      assert.ok(parsed.ok, encoding);
      assert.equal(parsed.wav.channels, 2);
      assert.equal(parsed.wav.samples.length, 2 * 400);
      const peak = parsed.wav.samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
      assert.ok(Math.abs(peak - 16384) < 700, `${encoding} peak ${peak}`);
    }
  });

  test('rejects what is not PCM16 or G.711 WAV with a reason', () => {
    const notWav = parseWav(Buffer.from('hello world, not a wav'));
    assert.equal(!notWav.ok && notWav.error.reason, 'not a RIFF/WAVE file');
    const path = join(dir, 'float.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'floating-point', '-b', '32', path, 'synth', '0.05', 'sine', '440']);
    const float = parseWav(readFileSync(path));
    assert.match(!float.ok ? float.error.reason : '', /unsupported encoding \(format 3, 32-bit\)/);
  });

  test('the streaming writer writes G.711 as sox does (fact chunk), and takes its law before the first samples', async () => {
    const path = join(dir, 'stream-g711.wav');
    const writer = await WavWriter.create(path, { channels: 2, format: 'PCMU' });
    writer.setLaw('PCMA');
    await writer.write(new Uint8Array(1600).fill(0xd5));
    assert.throws(() => writer.setLaw('PCMU'), /before the first samples/);
    await assert.rejects(writer.write(new Int16Array(2)), /PCM16 samples for a PCMA file/);
    assert.equal((await writer.close()).durationSeconds, 0.1);
    const buf = readFileSync(path);
    assert.equal(buf.length, 58 + 1600);
    assert.equal(buf.readUInt32LE(4), buf.length - 8);
    assert.equal(buf.toString('ascii', 38, 42), 'fact');
    assert.equal(buf.readUInt32LE(46), 800, 'frames');
    assert.equal(buf.readUInt32LE(54), 1600);
    assert.match(execFileSync('sox', ['--i', path]).toString(), /Channels\s*: 2[\s\S]*00:00:00.10 = 800 samples[\s\S]*A-law/);
    const sox = join(dir, 'sox-alaw.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '2', '-e', 'a-law', sox, 'trim', '0', '0.1']);
    assert.deepEqual(buf.subarray(0, 58), readFileSync(sox).subarray(0, 58), 'the same header as sox writes');
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
