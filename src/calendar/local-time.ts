import type { Weekday } from './types.ts';

export interface LocalDateTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
}

export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

const WEEKDAYS: Record<string, Weekday> = {
  Mon: 'MONDAY', Tue: 'TUESDAY', Wed: 'WEDNESDAY', Thu: 'THURSDAY', Fri: 'FRIDAY', Sat: 'SATURDAY', Sun: 'SUNDAY',
};

// Building a DateTimeFormat is costly relative to formatting; one per zone is enough.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // Throws RangeError for an unknown zone, which is a configuration bug the loader should catch first.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric', month: '2-digit', day: '2-digit',
      weekday: 'short',
      hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23', // 'hour12: false' can print midnight as "24"
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date, weekday and minute of `at` in `timeZone`. */
export function localDateTime(at: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalDateTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const weekday = WEEKDAYS[parts.weekday ?? ''];
  if (weekday === undefined) throw new Error(`unexpected weekday "${parts.weekday}" formatting ${at.toISOString()} in ${timeZone}`);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
