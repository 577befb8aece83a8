import type { HoursOfOperation, HoursOfOperationConfig, Weekday } from './types.ts';
import { isValidTimeZone, localDateTime } from './local-time.ts';

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const WEEK: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/**
 * An entry as [start, end) minutes after its day's midnight. Connect: an EndTime of 00:00 is the end of
 * the day, and an EndTime not after StartTime runs past midnight, so `end` may exceed 1440.
 */
function span(entry: HoursOfOperationConfig): { start: number; end: number } {
  const start = entry.StartTime.Hours * 60 + entry.StartTime.Minutes;
  const end = entry.EndTime.Hours * 60 + entry.EndTime.Minutes;
  return { start, end: end <= start ? end + DAY_MINUTES : end };
}

/** Whether `at` falls in an open interval of `hours` (start inclusive, end exclusive). */
export function isWithinHours(hours: HoursOfOperation, at: Date, defaultTimeZone: string): boolean {
  const local = localDateTime(at, hours.timeZone ?? defaultTimeZone);
  const today = WEEK.indexOf(local.weekday);
  const yesterday = WEEK[(today + 6) % 7];
  return hours.config.some((entry) => {
    const { start, end } = span(entry);
    if (entry.Day === local.weekday && start <= local.minutes && local.minutes < end) return true;
    // The tail of yesterday's interval that ran past midnight.
    return entry.Day === yesterday && local.minutes + DAY_MINUTES < end;
  });
}

function describe(index: number, entry: HoursOfOperationConfig): string {
  const hhmm = (t: { Hours: number; Minutes: number }): string =>
    `${String(t.Hours).padStart(2, '0')}:${String(t.Minutes).padStart(2, '0')}`;
  return `config[${index}] (${entry.Day} ${hhmm(entry.StartTime)}-${hhmm(entry.EndTime)})`;
}

/** Every problem in `hours`: an unknown time zone, out-of-range times, unknown days, duplicate or overlapping intervals. */
export function validateHours(hours: HoursOfOperation): string[] {
  const problems: string[] = [];
  if (hours.timeZone !== undefined && !isValidTimeZone(hours.timeZone)) {
    problems.push(`timeZone "${hours.timeZone}" is not an IANA time zone`);
  }
  // Each valid entry as up to two segments of the week [0, WEEK_MINUTES), so Sunday night wraps into Monday.
  const segments: { index: number; from: number; to: number }[] = [];
  hours.config.forEach((entry, index) => {
    const where = describe(index, entry);
    let valid = true;
    if (!WEEK.includes(entry.Day)) {
      problems.push(`${where}: unknown Day "${String(entry.Day)}"`);
      valid = false;
    }
    for (const [label, t] of [['StartTime', entry.StartTime], ['EndTime', entry.EndTime]] as const) {
      if (!Number.isInteger(t.Hours) || t.Hours < 0 || t.Hours > 23) {
        problems.push(`${where}: ${label}.Hours must be an integer 0-23, got ${t.Hours}`);
        valid = false;
      }
      if (!Number.isInteger(t.Minutes) || t.Minutes < 0 || t.Minutes > 59) {
        problems.push(`${where}: ${label}.Minutes must be an integer 0-59, got ${t.Minutes}`);
        valid = false;
      }
    }
    if (!valid) return;
    const { start, end } = span(entry);
    const from = WEEK.indexOf(entry.Day) * DAY_MINUTES + start;
    const to = from + (end - start);
    if (to <= WEEK_MINUTES) {
      segments.push({ index, from, to });
    } else {
      segments.push({ index, from, to: WEEK_MINUTES }, { index, from: 0, to: to - WEEK_MINUTES });
    }
  });

  const reported = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j < segments.length; j++) {
      const a = segments[i];
      const b = segments[j];
      if (a === undefined || b === undefined || a.index === b.index) continue;
      if (a.from >= b.to || b.from >= a.to) continue;
      const [first, second] = a.index < b.index ? [a.index, b.index] : [b.index, a.index];
      const key = `${first}/${second}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const x = hours.config[first];
      const y = hours.config[second];
      if (x === undefined || y === undefined) continue;
      const same = x.Day === y.Day && span(x).start === span(y).start && span(x).end === span(y).end;
      problems.push(`${describe(second, y)} ${same ? 'duplicates' : 'overlaps'} ${describe(first, x)}`);
    }
  }
  return problems;
}
