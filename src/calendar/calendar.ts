import type { Closure } from './types.ts';
import { closureOn } from './closures.ts';
import { japanesePublicHoliday } from './holidays.ts';
import { localDateTime } from './local-time.ts';

export { isWithinHours } from './hours.ts';

/** Holidays from a calendar feed (store/holiday-feed.ts): date → name, undefined when there is none to be had. */
export interface HolidayFeed {
  holidays(): Promise<Map<string, string> | undefined>;
}

export interface HolidayCheck {
  isHoliday: boolean;
  /** The closure's or holiday's name; empty when not a holiday. */
  name: string;
  kind: 'closure' | 'public-holiday' | 'feed' | 'none';
}

export interface HolidayCalendarOptions {
  timeZone: string;
  /** Read at every check, so closures edited in the database apply at once. */
  closures: () => readonly Closure[];
  feed?: HolidayFeed;
}

/** Whether the line is closed for the day: a company closure, else the iCal feed, else offline public-holiday data. */
export class HolidayCalendar {
  private readonly options: HolidayCalendarOptions;

  constructor(options: HolidayCalendarOptions) {
    this.options = options;
  }

  async check(at: Date): Promise<HolidayCheck> {
    const { date } = localDateTime(at, this.options.timeZone);
    const closure = closureOn(this.options.closures(), date);
    if (closure !== undefined) return { isHoliday: true, name: closure.name, kind: 'closure' };

    const feed = await this.options.feed?.holidays();
    if (feed !== undefined && covers(feed, date)) {
      const name = feed.get(date);
      return name === undefined ? notHoliday : { isHoliday: true, name, kind: 'feed' };
    }

    const holiday = japanesePublicHoliday(date);
    return holiday === undefined ? notHoliday : { isHoliday: true, name: holiday.name, kind: 'public-holiday' };
  }
}

const notHoliday: HolidayCheck = { isHoliday: false, name: '', kind: 'none' };

/**
 * Whether the feed speaks for a date's year. Feeds publish a few years around today; outside them an
 * absent date means "unknown", not "working day", so the offline data decides.
 */
function covers(feed: ReadonlyMap<string, string>, date: string): boolean {
  const year = date.slice(0, 4);
  for (const day of feed.keys()) if (day.startsWith(year)) return true;
  return false;
}
