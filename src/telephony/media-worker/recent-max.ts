// The largest of the last few values: a worker's longest event-loop delay over a window made of its
// report intervals. Pure, so the window is tested without a thread.

export class RecentMax {
  private readonly values: number[] = [];

  constructor(private readonly size: number) {}

  /** Adds one interval's value; the oldest drops out once `size` are held. */
  add(value: number): void {
    this.values.push(value);
    if (this.values.length > this.size) this.values.shift();
  }

  /** 0 before any value. */
  get max(): number {
    return this.values.reduce((a, b) => Math.max(a, b), 0);
  }
}
