// Timers are effects: the adapter starts them and sends TimerExpired back with their id.
import type { Run } from './state.ts';

export function nextTimer(out: Run, seconds: number): string {
  const timerId = `${out.state.contactId}#${out.state.timerSeq + 1}`;
  out.state = { ...out.state, timerSeq: out.state.timerSeq + 1 };
  out.effects.push({ type: 'StartTimer', timerId, seconds });
  return timerId;
}

/** Cancels the timer the contact waits on, if any (input time limits, Wait, message intervals). */
export function cancelTimers(out: Run): void {
  const w = out.state.waiting;
  const timerId = w !== undefined && 'timerId' in w ? w.timerId : undefined;
  if (timerId) out.effects.push({ type: 'CancelTimer', timerId });
}
