// Authentication failures per source address (scanners and toll-fraud bots guess passwords):
// after too many failures inside a window, the source is refused for a while.

export interface FailureLimiter {
  isBlocked(source: string, now: Date): boolean;
  recordFailure(source: string, now: Date): void;
}

export interface FailureLimiterOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

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

  recordFailure(source: string, now: Date): void {
    const t = now.getTime();
    const recent = (this.failures.get(source) ?? []).filter((at) => t - at < this.options.windowMs);
    recent.push(t);
    if (recent.length >= this.options.maxFailures) {
      this.blockedUntil.set(source, t + this.options.blockMs);
      this.failures.delete(source);
    } else this.failures.set(source, recent);
  }
}
