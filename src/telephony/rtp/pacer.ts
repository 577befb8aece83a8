// One send clock shared by every RTP session of a packetisation time: hundreds of sessions
// cost one timer wake-up per frame instead of one each.
//
// Sessions with another ptime (30 ms, ...) get their own shared clock, keyed by ptime, rather
// than a 10 ms base clock ticking everyone: no extra wake-ups for the common 20 ms case, and
// any ptime works without a common divisor.

/**
 * Called with the number of frame periods since the last call: 1, more if the loop stalled. Every
 * period is owed a frame: a late frame goes out late, none is skipped to catch up.
 */
export type FrameHandler = (frames: number) => void;

/** What a leg needs of a send clock (the pacer, or a test's hand-driven one). */
export interface FrameClock {
  /** Calls `handler` every `ptimeMs`; returns the function that removes it. */
  add(ptimeMs: number, handler: FrameHandler): () => void;
}

export interface PacerOptions {
  /** Monotonic clock in ns. */
  monotonic?: () => bigint;
}

class Clock {
  private readonly start: bigint;
  private ticked = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Each handler and the tick count it has been called up to. */
  readonly handlers = new Map<FrameHandler, number>();

  constructor(
    private readonly periodNs: bigint,
    private readonly monotonic: () => bigint,
  ) {
    this.start = monotonic();
    this.schedule();
  }

  add(handler: FrameHandler): void {
    this.handlers.set(handler, this.ticked);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  // Drift-free: tick n is due at start + n·period and each timeout is computed from that
  // schedule, so timer lateness never accumulates.
  private tick(): void {
    const due = Number((this.monotonic() - this.start) / this.periodNs);
    if (due > this.ticked) {
      this.ticked = due;
      for (const [handler, seen] of this.handlers) {
        // A handler added during this loop has seen this tick already.
        if (seen >= due) continue;
        this.handlers.set(handler, due);
        handler(due - seen);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    // The last handler may have been removed from inside tick().
    if (this.stopped) return;
    const next = this.start + BigInt(this.ticked + 1) * this.periodNs;
    const delayMs = Math.max(0, Number(next - this.monotonic()) / 1e6);
    this.timer = setTimeout(() => this.tick(), delayMs);
  }
}

export class Pacer implements FrameClock {
  private readonly clocks = new Map<number, Clock>();
  private readonly monotonic: () => bigint;

  constructor(options: PacerOptions = {}) {
    this.monotonic = options.monotonic ?? process.hrtime.bigint;
  }

  /**
   * Calls `handler` every `ptimeMs` from the next tick of the clock shared by that ptime;
   * returns the function that removes it. A clock runs only while it has handlers, so an
   * idle pacer keeps no timer (nor the process) alive.
   */
  add(ptimeMs: number, handler: FrameHandler): () => void {
    let clock = this.clocks.get(ptimeMs);
    if (!clock) {
      clock = new Clock(BigInt(Math.round(ptimeMs * 1_000_000)), this.monotonic);
      this.clocks.set(ptimeMs, clock);
    }
    clock.add(handler);
    const owner = clock;
    return () => {
      if (!owner.handlers.delete(handler) || owner.handlers.size > 0) return;
      owner.stop();
      if (this.clocks.get(ptimeMs) === owner) this.clocks.delete(ptimeMs);
    };
  }

  /** Number of running clocks (one per ptime in use). */
  get clockCount(): number {
    return this.clocks.size;
  }
}

/** The process-wide pacer sessions use unless one is injected. */
export const defaultPacer = new Pacer();
