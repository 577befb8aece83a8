// Limits per source address, with the time passed in. Authentication failures (scanners and
// toll-fraud bots guess passwords): after too many inside a window, the source is refused for a
// while. Request rate (floods from addresses that are neither a trunk nor a registered phone): a
// token bucket per source, so a flood costs the parse and a map lookup per packet, not a transaction.

export interface FailureLimiter {
  isBlocked(source: string, now: Date): boolean;
  /** Counts one failure; true when this one locks the source out. */
  recordFailure(source: string, now: Date): boolean;
}

export interface FailureLimiterOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** Sources remembered at once by a limiter; the oldest are forgotten first (spoofed sources cannot grow a map). */
const MAX_SOURCES = 10_000;

export class SlidingWindowLimiter implements FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(private readonly options: FailureLimiterOptions = { maxFailures: 5, windowMs: 60_000, blockMs: 15 * 60_000 }) {}

  isBlocked(source: string, now: Date): boolean {
    const until = this.blockedUntil.get(source);
    if (until === undefined) return false;
    if (until > now.getTime()) return true;
    this.blockedUntil.delete(source);
    return false;
  }

  recordFailure(source: string, now: Date): boolean {
    const t = now.getTime();
    const recent = (this.failures.get(source) ?? []).filter((at) => t - at < this.options.windowMs);
    recent.push(t);
    this.failures.delete(source);
    if (recent.length >= this.options.maxFailures) {
      this.blockedUntil.set(source, t + this.options.blockMs);
      forgetOldest(this.blockedUntil);
      return true;
    }
    this.failures.set(source, recent);
    forgetOldest(this.failures);
    return false;
  }
}

export interface RateLimiterOptions {
  /** Requests per second one source may send on average. */
  readonly perSecond: number;
  /** Requests it may send at once (a phone's REGISTER and its answer to the challenge, a few calls). */
  readonly burst: number;
}

/** A token bucket per source address. */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: RateLimiterOptions = { perSecond: 50, burst: 100 }) {}

  /** Takes one token for a request from `source`; false when the source is over its rate. */
  take(source: string, nowMs: number): boolean {
    const bucket = this.buckets.get(source);
    const { perSecond, burst } = this.options;
    if (!bucket) {
      this.buckets.set(source, { tokens: burst - 1, at: nowMs });
      forgetOldest(this.buckets);
      return true;
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) * perSecond) / 1000);
    bucket.at = nowMs;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function forgetOldest(map: Map<string, unknown>): void {
  for (const key of map.keys()) {
    if (map.size <= MAX_SOURCES) return;
    map.delete(key);
  }
}
