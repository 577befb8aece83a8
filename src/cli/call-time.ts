// `chokutsu call --at`: when the test call happens. ISO 8601, strictly: a date and a time of day,
// with an offset (Z, +09:00) or without one, in which case it is the line's local time.
import { DateTime } from 'luxon';

export type CallTime = { ok: true; epochMs: number } | { ok: false; message: string };

const EXAMPLE = 'e.g. 2026-11-24T10:00 (the line\'s time zone) or 2026-11-24T10:00:00+09:00';

/**
 * A date alone is refused rather than read as midnight: midnight is outside business hours, so
 * `--at 2026-11-23` would quietly test the after-hours message instead of the holiday.
 */
export function parseCallTime(text: string, timeZone: string): CallTime {
  const refuse = (why: string): CallTime => ({ ok: false, message: `--at ${JSON.stringify(text)}: ${why} (${EXAMPLE})` });
  // A four-digit year first: luxon alone would read "12" as noon today and "+275760-…" as a year.
  if (!/^\d{4}/.test(text)) return refuse('not an ISO 8601 date-time');
  if (!/T\d/.test(text)) return refuse('a date without a time of day; give the time too');
  const at = DateTime.fromISO(text, { zone: timeZone, setZone: true });
  if (!at.isValid) {
    return refuse(at.invalidReason === 'unit out of range' ? 'no such date or time of day' : 'not an ISO 8601 date-time');
  }
  return { ok: true, epochMs: at.toMillis() };
}
