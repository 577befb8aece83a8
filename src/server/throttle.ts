// Failed-login throttling per source address: after `limit` failures within `windowMs`, refuse
// until the window has passed. Used for API logins (and SIP REGISTER digest failures).
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit = 10, private readonly windowMs = 60_000) {}

  allow(source: string, now: number): boolean {
    return this.recent(source, now).length < this.limit;
  }

  fail(source: string, now: number): void {
    const list = this.recent(source, now);
    list.push(now);
    this.failures.set(source, list);
    if (this.failures.size > 10_000) this.prune(now); // bounded under a scan from many addresses
  }

  private recent(source: string, now: number): number[] {
    return (this.failures.get(source) ?? []).filter((t) => now - t < this.windowMs);
  }

  private prune(now: number): void {
    for (const [k, v] of this.failures) if (v.every((t) => now - t >= this.windowMs)) this.failures.delete(k);
  }
}
