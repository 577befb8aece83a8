// Time for the live line: the one place that reads the wall clock and sets timers. The cores
// (flow, router) only ever see the times this passes them.

export interface Clock {
  now(): number;
}

export interface Scheduler {
  /** Runs `fn` after `ms`; setting an id again replaces the earlier timer. */
  set(id: string, ms: number, fn: () => void): void;
  clear(id: string): void;
  clearAll(): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export class TimerScheduler implements Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  set(id: string, ms: number, fn: () => void): void {
    this.clear(id);
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(id, t);
  }

  clear(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}
