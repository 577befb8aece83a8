import ICAL from 'ical.js';

/** A holiday feed event that lasts longer than this is a broken feed, not a holiday. */
const MAX_EVENT_DAYS = 366;

/**
 * Date (YYYY-MM-DD) → name for every all-day VEVENT: DTSTART..DTEND with DTEND exclusive (RFC 5545 §3.6.1;
 * no DTEND means one day), so multi-day events give each date. Timed events are skipped: a holiday is
 * a whole day. Throws when the text is not an iCalendar object.
 */
export function parseIcalHolidays(text: string): Map<string, string> {
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== 'vcalendar') throw new Error(`expected a VCALENDAR, found ${root.name.toUpperCase()}`);
  const holidays = new Map<string, string>();
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const start = event.startDate;
    if (!(start instanceof ICAL.Time) || !start.isDate) continue;
    const end = event.endDate;
    const day = start.clone();
    for (let n = 0; n < MAX_EVENT_DAYS && day.compare(end) < 0; n++) {
      holidays.set(day.toString(), event.summary ?? '');
      day.adjust(1, 0, 0, 0);
    }
  }
  return holidays;
}
