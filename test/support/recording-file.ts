// The recorder writes a call's audio to its WAV once a second: a test that needs some of a live
// call's recording in the file waits for the file to hold it, rather than for a fixed time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WAV_HEADER = 44;
const STEREO_PCM16_SECOND = 8000 * 2 * 2;

/** Seconds of 8 kHz stereo PCM16 a recording's file holds so far; 0 while it does not exist. */
export function recordedSeconds(path: string): number {
  return existsSync(path) ? Math.max(0, statSync(path).size - WAV_HEADER) / STEREO_PCM16_SECOND : 0;
}

/** The WAV files under `dir`, its day folders included. */
export function recordingFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wav')).map((f) => join(dir, f));
}
