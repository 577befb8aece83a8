// The soak's verdict from its per-minute samples: least-squares slopes after the warm-up (does
// memory or the descriptor count keep climbing?) and the goals of issue 13. Pure: samples in, figures out.

export interface SoakSample {
  /** Seconds since the first call was placed. */
  t: number;
  rssMb: number;
  heapUsedMb: number;
  /** Heap used at the last major GC (what stays alive); undefined before the first. */
  heapAfterGcMb: number | undefined;
  fds: number;
  loopDelayP99Ms: number;
}

export interface SoakTotals {
  placed: number;
  successful: number;
  failed: number;
  records: number;
}

export interface SoakVerdict {
  /** Per 10 minutes, over the samples after the warm-up (NaN with fewer than 2). */
  slopes: { rssMb: number; heapUsedMb: number; heapAfterGcMb: number; fds: number };
  samplesUsed: number;
  checks: { name: string; ok: boolean; detail: string }[];
  ok: boolean;
}

/** Goal: memory grows by less than this per 10 minutes once warm. */
export const MEMORY_SLOPE_LIMIT_MB = 1;
/** File descriptors: flat, i.e. less than one more per 10 minutes. */
export const FD_SLOPE_LIMIT = 1;

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

const per10Min = (samples: readonly SoakSample[], value: (s: SoakSample) => number | undefined): number =>
  slope(samples.flatMap((s) => {
    const y = value(s);
    return y === undefined ? [] : [{ x: s.t, y }];
  })) * 600;

/** Open fds with the phones registered and no call up: before the first call and after the last ended. */
export interface IdleFds {
  before: number;
  after: number;
}

/** A few fds may come and go (an HTTP keep-alive socket, the log); a leak grows with the calls. */
const IDLE_FD_SLACK = 3;

export function soakVerdict(samples: readonly SoakSample[], totals: SoakTotals, warmupSeconds: number, idle?: IdleFds): SoakVerdict {
  const warm = samples.filter((s) => s.t >= warmupSeconds);
  const slopes = {
    rssMb: per10Min(warm, (s) => s.rssMb),
    heapUsedMb: per10Min(warm, (s) => s.heapUsedMb),
    heapAfterGcMb: per10Min(warm, (s) => s.heapAfterGcMb),
    fds: per10Min(warm, (s) => s.fds),
  };
  const under = (value: number, limit: number) => Number.isFinite(value) && value < limit;
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const checks = [
    { name: 'no failed calls', ok: totals.failed === 0 && totals.successful === totals.placed, detail: `${totals.successful} of ${totals.placed} succeeded, ${totals.failed} failed` },
    { name: 'a record for every call', ok: totals.records === totals.placed, detail: `${totals.records} records for ${totals.placed} calls placed` },
    { name: `RSS slope < ${MEMORY_SLOPE_LIMIT_MB} MB / 10 min`, ok: under(slopes.rssMb, MEMORY_SLOPE_LIMIT_MB), detail: `${f(slopes.rssMb)} MB / 10 min` },
    { name: `heap after GC slope < ${MEMORY_SLOPE_LIMIT_MB} MB / 10 min`, ok: under(slopes.heapAfterGcMb, MEMORY_SLOPE_LIMIT_MB), detail: `${f(slopes.heapAfterGcMb)} MB / 10 min` },
    { name: `fd slope < ${FD_SLOPE_LIMIT} / 10 min`, ok: under(slopes.fds, FD_SLOPE_LIMIT), detail: `${f(slopes.fds)} fds / 10 min` },
    ...(idle ? [{
      name: 'fds back to idle after the last call', ok: idle.after - idle.before <= IDLE_FD_SLACK,
      detail: `${idle.before} before the first call, ${idle.after} after the last`,
    }] : []),
  ];
  return { slopes, samplesUsed: warm.length, checks, ok: checks.every((c) => c.ok) };
}
