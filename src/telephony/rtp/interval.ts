// A repeating timer, injected into the RTP session the way the pacer is, so tests fire RTCP
// reports when they choose instead of sleeping through the interval.

export interface IntervalTimer {
  /** Calls `fire` every `ms` until the returned function is called. */
  every(ms: number, fire: () => void): () => void;
}

/** setInterval, unref'd: a report timer never keeps the process alive. */
export const realIntervalTimer: IntervalTimer = {
  every(ms, fire) {
    const timer = setInterval(fire, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};
