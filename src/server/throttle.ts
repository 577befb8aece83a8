// Failed-login throttling: after `limit` failures for one key (a user name, a source address)
// within `windowMs`, that key is refused until enough of those failures are older than the window.
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit = 10, private readonly windowMs = 60_000) {}

  allow(key: string, now: number): boolean {
    return this.retryAfterMs(key, now) === 0;
  }

  /** 0 when the key may try now; otherwise how long until it may (for Retry-After). */
  retryAfterMs(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return 0;
    const oldestThatMustExpire = recent[recent.length - this.limit] ?? now;
    return Math.max(1, oldestThatMustExpire + this.windowMs - now);
  }

  fail(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
    if (this.failures.size > 10_000) this.prune(now); // bounded under a scan from many addresses or names
  }

  /** A success: the key's failures are forgotten. */
  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  private prune(now: number): void {
    for (const [k, v] of this.failures) if (v.every((t) => now - t >= this.windowMs)) this.failures.delete(k);
  }
}
