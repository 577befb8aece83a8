// The soak's verdict from its per-minute samples: least-squares slopes after the warm-up (does
// memory or the descriptor count keep climbing?) and the goals of issue 13. Pure: samples in, figures out.
// RSS is the goal, but a sample of it includes garbage not yet collected and memory outside
// V8; the heaps after GC (the line's thread and each media worker's) are what stays alive in
// JavaScript, so the verdict shows both and says which the RSS slope follows.

export interface SoakSample {
  /** Seconds since the first call was placed. */
  t: number;
  rssMb: number;
  heapUsedMb: number;
  /** Heap used at the last major GC (what stays alive); undefined before the first. */
  heapAfterGcMb: number | undefined;
  /** The media worker threads' heaps used, summed (each thread has its own V8 heap; 0 with no worker). */
  workersHeapUsedMb: number;
  /** The media workers' heaps at their last major GCs, summed; undefined until every worker has had one. */
  workersHeapAfterGcMb: number | undefined;
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
  slopes: {
    rssMb: number;
    /** The line's thread's heap. */
    heapUsedMb: number;
    heapAfterGcMb: number;
    workersHeapUsedMb: number;
    workersHeapAfterGcMb: number;
    /** The line's thread's and the workers' heaps after GC together: what stays alive in JavaScript. */
    heapsAfterGcMb: number;
    /** RSS less every heap used: native memory, buffers, pages the allocator keeps. With heapsUsedMb it sums to rssMb. */
    outsideHeapsMb: number;
    heapsUsedMb: number;
    fds: number;
  };
  /** What the memory slopes say, in a sentence or two: a leak in the heaps, or where RSS's slope comes from. */
  memory: string;
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
    workersHeapUsedMb: per10Min(warm, (s) => s.workersHeapUsedMb),
    workersHeapAfterGcMb: per10Min(warm, (s) => s.workersHeapAfterGcMb),
    heapsAfterGcMb: per10Min(warm, (s) => (s.heapAfterGcMb === undefined || s.workersHeapAfterGcMb === undefined ? undefined : s.heapAfterGcMb + s.workersHeapAfterGcMb)),
    heapsUsedMb: per10Min(warm, (s) => s.heapUsedMb + s.workersHeapUsedMb),
    outsideHeapsMb: per10Min(warm, (s) => s.rssMb - s.heapUsedMb - s.workersHeapUsedMb),
    fds: per10Min(warm, (s) => s.fds),
  };
  const under = (value: number, limit: number) => Number.isFinite(value) && value < limit;
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const checks = [
    { name: 'no failed calls', ok: totals.failed === 0 && totals.successful === totals.placed, detail: `${totals.successful} of ${totals.placed} succeeded, ${totals.failed} failed` },
    { name: 'a record for every call', ok: totals.records === totals.placed, detail: `${totals.records} records for ${totals.placed} calls placed` },
    { name: `RSS slope < ${MEMORY_SLOPE_LIMIT_MB} MB / 10 min`, ok: under(slopes.rssMb, MEMORY_SLOPE_LIMIT_MB), detail: `${f(slopes.rssMb)} MB / 10 min` },
    {
      name: `heaps after GC slope (line + media workers) < ${MEMORY_SLOPE_LIMIT_MB} MB / 10 min`, ok: under(slopes.heapsAfterGcMb, MEMORY_SLOPE_LIMIT_MB),
      detail: `${f(slopes.heapsAfterGcMb)} MB / 10 min (line's thread ${f(slopes.heapAfterGcMb)}, media workers ${f(slopes.workersHeapAfterGcMb)})`,
    },
    { name: `fd slope < ${FD_SLOPE_LIMIT} / 10 min`, ok: under(slopes.fds, FD_SLOPE_LIMIT), detail: `${f(slopes.fds)} fds / 10 min` },
    ...(idle ? [{
      name: 'fds back to idle after the last call', ok: idle.after - idle.before <= IDLE_FD_SLACK,
      detail: `${idle.before} before the first call, ${idle.after} after the last`,
    }] : []),
  ];
  return { slopes, memory: memoryReading(slopes), samplesUsed: warm.length, checks, ok: checks.every((c) => c.ok) };
}

function memoryReading(s: SoakVerdict['slopes']): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const heaps = `line's thread ${f(s.heapAfterGcMb)}, media workers ${f(s.workersHeapAfterGcMb)}`;
  if (!Number.isFinite(s.heapsAfterGcMb)) {
    return `The heaps after GC give no slope (${heaps}: a heap had too few major GCs after the warm-up), so this run cannot tell a leak in them from noise.`;
  }
  if (s.heapsAfterGcMb >= MEMORY_SLOPE_LIMIT_MB) {
    return `What stays alive in the V8 heaps grows ${f(s.heapsAfterGcMb)} MB / 10 min after GC (${heaps}): the heap that grows keeps objects it does not free, `
      + 'a leak or a heap still filling after the warm-up.';
  }
  const rss = Number.isFinite(s.rssMb) && s.rssMb >= MEMORY_SLOPE_LIMIT_MB
    ? `RSS's ${f(s.rssMb)} MB / 10 min is the heaps used, ${f(s.heapsUsedMb)} (garbage not yet collected: it depends on where a sample falls between GCs), `
      + `plus memory outside the V8 heaps, ${f(s.outsideHeapsMb)} (RSS less the heaps used: native allocations, buffers, pages the allocator keeps).`
    : `RSS is flat too (${f(s.rssMb)} MB / 10 min).`;
  return `What stays alive in the V8 heaps is flat, ${f(s.heapsAfterGcMb)} MB / 10 min after GC (${heaps}): no leak in the line's or the media workers' JavaScript shows. ${rss}`;
}
