// What the phone tests check after a call: the contact record and its recording per channel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav, type WavAudio } from '../../src/telephony/media/wav.ts';
import { api, eventually, type TestLine } from '../e2e/support.ts';

/** The newest contact record once it has ended the way expected. */
export async function endedRecord(line: TestLine, reasons: readonly string[]): Promise<Record<string, unknown>> {
  return eventually('the contact record', async () => {
    const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records?: Record<string, unknown>[] };
    const r = all.records?.[0];
    return r && reasons.includes(String(r['disconnectReason'])) ? r : undefined;
  }, 200);
}

/** The contact's recording once its file is closed (more than half a second of stereo audio). */
export async function closedRecording(line: TestLine, record: Record<string, unknown>): Promise<WavAudio> {
  const recording = record['recording'] as { location: string } | undefined;
  assert.ok(recording, 'the contact was recorded');
  const wav = await eventually('the recording to be closed', async () => {
    const parsed = parseWav(readFileSync(join(line.dir, recording.location)));
    return parsed.ok && parsed.wav.samples.length > 8000 ? parsed.wav : undefined;
  });
  assert.equal(wav.channels, 2);
  return wav;
}

/** RMS of each channel of the contact's stereo recording: [customer, agent]. */
export async function recordingRms(line: TestLine, record: Record<string, unknown>): Promise<[number, number]> {
  const wav = await closedRecording(line, record);
  return [channelRms(wav.samples, 0), channelRms(wav.samples, 1)];
}

/** RMS of one channel of stereo PCM16 samples. */
export function channelRms(samples: Int16Array, channel: 0 | 1): number {
  let sum = 0;
  let n = 0;
  for (let i = channel; i < samples.length; i += 2) {
    sum += (samples[i] as number) ** 2;
    n++;
  }
  return Math.sqrt(sum / Math.max(1, n));
}
