// What one far end hears on one leg over a measuring window, from the arrivals alone (no I/O):
// the figures bench/media.ts reports for chokutsu, rtpengine and the Node relay alike.

export const FRAME_MS = 20;
const CLOCK_RATE = 8000; // PCMA
const FRAME_TS = (CLOCK_RATE * FRAME_MS) / 1000;

/** RTP packets that reached a far end's socket, in arrival order. */
export interface Arrivals {
  /** Arrival times in ms (process.hrtime), one per packet. */
  atMs: ArrayLike<number>;
  /** The packets' RTP timestamps (unsigned 32 bit). */
  rtpTs: ArrayLike<number>;
  count: number;
}

export interface LegStats {
  /** Frames the peer owes this leg over the window: whole 20 ms periods in it (a perfect stream gets these or one more). */
  expected: number;
  received: number;
  /**
   * Frames the leg did not get: those its RTP timestamps skip, or those the count falls short of
   * `expected` by, beyond the one frame a window's end can cut while it is in flight (late but sent).
   */
  missing: number;
  /** Frames the RTP timestamps skip: a jump of k frames between two packets skips k − 1. */
  framesSkipped: number;
  /** The largest of those jumps, in frames (1 = continuous). */
  largestTsJump: number;
  /** |inter-arrival − 20 ms| of consecutive packets, in ms. */
  deviationP50Ms: number;
  deviationP99Ms: number;
  deviationMaxMs: number;
  /** RFC 3550 §6.4.1 interarrival jitter at the end of the window, in ms. */
  jitterMs: number;
  /** The longest time without a packet, window edges included, in ms. */
  longestHoleMs: number;
}

/** Signed difference of two RTP timestamps (they wrap at 2^32). */
const tsDiff = (later: number, earlier: number): number => ((later - earlier) | 0);

/** The nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

/** The inter-arrival deviations of one leg, unsorted, in ms. */
export function deviations(a: Arrivals): Float64Array {
  const out = new Float64Array(Math.max(0, a.count - 1));
  for (let i = 1; i < a.count; i++) out[i - 1] = Math.abs((a.atMs[i] ?? 0) - (a.atMs[i - 1] ?? 0) - FRAME_MS);
  return out;
}

/** Figures of one leg whose arrivals all fall in [startMs, endMs]. */
export function legStats(a: Arrivals, startMs: number, endMs: number): LegStats {
  const dev = deviations(a).sort();
  let framesSkipped = 0;
  let largestTsJump = a.count > 1 ? 0 : 1;
  let jitterTs = 0;
  let longestHoleMs = a.count === 0 ? endMs - startMs : Math.max((a.atMs[0] ?? startMs) - startMs, endMs - (a.atMs[a.count - 1] ?? endMs));
  for (let i = 1; i < a.count; i++) {
    const ts = tsDiff(a.rtpTs[i] ?? 0, a.rtpTs[i - 1] ?? 0);
    const jump = Math.round(ts / FRAME_TS);
    framesSkipped += Math.max(0, jump - 1);
    largestTsJump = Math.max(largestTsJump, jump);
    const gapMs = (a.atMs[i] ?? 0) - (a.atMs[i - 1] ?? 0);
    longestHoleMs = Math.max(longestHoleMs, gapMs);
    // D(i−1, i) = (R_i − R_i−1) − (S_i − S_i−1), both in timestamp units; J += (|D| − J) / 16.
    const d = (gapMs * CLOCK_RATE) / 1000 - ts;
    jitterTs += (Math.abs(d) - jitterTs) / 16;
  }
  const expected = Math.floor((endMs - startMs) / FRAME_MS + 1e-9);
  return {
    expected,
    received: a.count,
    missing: Math.max(framesSkipped, expected - 1 - a.count, 0),
    framesSkipped,
    largestTsJump,
    deviationP50Ms: percentile(dev, 50),
    deviationP99Ms: percentile(dev, 99),
    deviationMaxMs: dev.length > 0 ? (dev[dev.length - 1] ?? 0) : 0,
    jitterMs: (jitterTs * 1000) / CLOCK_RATE,
    longestHoleMs,
  };
}

/** Every leg of one run at one call count, summed and at its worst. */
export interface RunStats {
  legs: number;
  expected: number;
  received: number;
  /** The smallest share of its frames any leg got: 1 − missing / expected. */
  worstDeliveredRatio: number;
  framesSkipped: number;
  largestTsJump: number;
  /** Over all legs' inter-arrivals pooled. */
  deviationP50Ms: number;
  deviationP99Ms: number;
  deviationMaxMs: number;
  /** The worst leg's own p99: the capacity criterion is per leg. */
  worstLegDeviationP99Ms: number;
  jitterMeanMs: number;
  jitterMaxMs: number;
  longestHoleMs: number;
}

export function runStats(legs: readonly LegStats[], pooledDeviations: Float64Array): RunStats {
  const sorted = pooledDeviations.slice().sort();
  const max = (f: (l: LegStats) => number) => legs.reduce((m, l) => Math.max(m, f(l)), 0);
  const sum = (f: (l: LegStats) => number) => legs.reduce((s, l) => s + f(l), 0);
  return {
    legs: legs.length,
    expected: sum((l) => l.expected),
    received: sum((l) => l.received),
    worstDeliveredRatio: legs.reduce((m, l) => Math.min(m, 1 - l.missing / Math.max(1, l.expected)), legs.length > 0 ? 1 : 0),
    framesSkipped: sum((l) => l.framesSkipped),
    largestTsJump: max((l) => l.largestTsJump),
    deviationP50Ms: percentile(sorted, 50),
    deviationP99Ms: percentile(sorted, 99),
    deviationMaxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? 0) : 0,
    worstLegDeviationP99Ms: max((l) => l.deviationP99Ms),
    jitterMeanMs: sum((l) => l.jitterMs) / Math.max(1, legs.length),
    jitterMaxMs: max((l) => l.jitterMs),
    longestHoleMs: max((l) => l.longestHoleMs),
  };
}

/** The capacity criterion of issue 12: every leg ≥ 99.9% of its frames, deviation p99 < 10 ms, no hole > 60 ms. */
export interface Criterion { minDelivered: number; maxDeviationP99Ms: number; maxHoleMs: number }
export const CAPACITY: Criterion = { minDelivered: 0.999, maxDeviationP99Ms: 10, maxHoleMs: 60 };
export const GOAL: Criterion = { minDelivered: 0.999, maxDeviationP99Ms: 5, maxHoleMs: 40 };

/** Why a run misses the criterion, or [] when it meets it. */
export function misses(run: RunStats, c: Criterion): string[] {
  const out: string[] = [];
  if (run.worstDeliveredRatio < c.minDelivered) out.push(`a leg got ${(100 * run.worstDeliveredRatio).toFixed(1)}% of its frames`);
  if (run.worstLegDeviationP99Ms >= c.maxDeviationP99Ms) out.push(`a leg's deviation p99 is ${run.worstLegDeviationP99Ms.toFixed(1)} ms`);
  if (run.longestHoleMs > c.maxHoleMs) out.push(`a ${run.longestHoleMs.toFixed(0)} ms hole`);
  return out;
}
