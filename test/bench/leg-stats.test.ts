import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPACITY, legStats, misses, percentile, runStats, deviations, type Arrivals } from '../../bench/media/leg-stats.ts';

/** Packets at the given arrival times (ms) carrying the given frame numbers (timestamp = frame · 160). */
function arrivals(at: number[], frames: number[], firstTs = 0): Arrivals {
  return { atMs: at, rtpTs: frames.map((f) => (firstTs + f * 160) >>> 0), count: at.length };
}

test('a perfectly paced leg: every frame, no deviation, no jitter, holes of one frame interval', () => {
  const at = Array.from({ length: 50 }, (_, i) => 10 + i * 20);
  const s = legStats(arrivals(at, at.map((_, i) => i)), 0, 1000);
  assert.equal(s.expected, 50);
  assert.equal(s.received, 50);
  assert.equal(s.framesSkipped, 0);
  assert.equal(s.largestTsJump, 1);
  assert.equal(s.deviationP50Ms, 0);
  assert.equal(s.deviationMaxMs, 0);
  assert.equal(s.jitterMs, 0);
  assert.equal(s.longestHoleMs, 20);
  // A window that is not a whole number of frames: the stream owes only the whole periods.
  assert.equal(legStats(arrivals(at, at.map((_, i) => i)), 0, 1019).expected, 50);
});

test('a sender that stalls and drops its backlog: skipped frames, the jump, the hole and the deviation', () => {
  // Frames 0–4 on time, then nothing for 140 ms, then frame 12 (7 skipped) and on time again.
  const at = [0, 20, 40, 60, 80, 220, 240, 260];
  const s = legStats(arrivals(at, [0, 1, 2, 3, 4, 11, 12, 13]), 0, 280);
  assert.equal(s.framesSkipped, 6);
  assert.equal(s.largestTsJump, 7);
  assert.equal(s.longestHoleMs, 140);
  assert.equal(s.deviationMaxMs, 120);
  assert.equal(s.deviationP50Ms, 0);
  // RFC 3550: the one late packet's transit grew by |140 − 7·20| = 0 ms, so no jitter from it.
  assert.equal(s.jitterMs, 0);
});

test('RFC 3550 jitter: J += (|D| − J)/16 in timestamp units, reported in ms', () => {
  // Frame 1 arrives 8 ms late (D = +64 ts), frame 2 on schedule again (D = −64).
  const s = legStats(arrivals([0, 28, 40], [0, 1, 2]), 0, 60);
  const j1 = 64 / 16;
  const j2 = j1 + (64 - j1) / 16;
  assert.ok(Math.abs(s.jitterMs - j2 / 8) < 1e-9);
  assert.deepEqual([...deviations(arrivals([0, 28, 40], [0, 1, 2]))], [8, 8]);
});

test('timestamps that wrap at 2^32 are continuous', () => {
  const s = legStats(arrivals([0, 20, 40], [0, 1, 2], 0xffffff00), 0, 60);
  assert.equal(s.framesSkipped, 0);
  assert.equal(s.largestTsJump, 1);
});

test('window edges count as holes: a leg silent for the first 100 ms', () => {
  const s = legStats(arrivals([100, 120], [0, 1]), 0, 140);
  assert.equal(s.longestHoleMs, 100);
  assert.equal(legStats(arrivals([], []), 0, 500).longestHoleMs, 500);
});

test('nearest-rank percentiles', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile(new Float64Array(), 99), 0);
});

test('a frame the window\'s end cuts in flight is not missing; a frame the timestamps skip is, whatever the count', () => {
  // 49 of 50 periods: the last frame is late past the end of the window, the stream is whole.
  const cut = legStats(arrivals(Array.from({ length: 49 }, (_, i) => 5 + i * 20), Array.from({ length: 49 }, (_, i) => i)), 0, 1000);
  assert.equal(cut.expected, 50);
  assert.equal(cut.missing, 0);
  // 50 packets, but frame 20 never came (the timestamps jump over it) and one more came at the end.
  const frames = Array.from({ length: 50 }, (_, i) => (i < 20 ? i : i + 1));
  const skipped = legStats(arrivals(Array.from({ length: 50 }, (_, i) => i * 20), frames), 0, 1000);
  assert.equal(skipped.missing, 1);
  assert.equal(runStats([skipped], new Float64Array()).worstDeliveredRatio, 0.98);
});

test('the run is judged by its worst leg: one short leg misses the capacity criterion', () => {
  const good = legStats(arrivals(Array.from({ length: 50 }, (_, i) => i * 20), Array.from({ length: 50 }, (_, i) => i)), 0, 1000);
  const short = legStats(arrivals(Array.from({ length: 48 }, (_, i) => i * 20), Array.from({ length: 48 }, (_, i) => i)), 0, 1000);
  const run = runStats([good, short], new Float64Array([0, 0, 0]));
  assert.equal(run.expected, 100);
  assert.equal(run.received, 98);
  assert.equal(run.worstDeliveredRatio, 0.98);
  assert.deepEqual(misses(runStats([good], new Float64Array()), CAPACITY), []);
  assert.match(misses(run, CAPACITY).join(), /98\.0% of its frames/);
});
