import holidayJp from '@holiday-jp/holiday_jp';

// The package types its table with literal keys; a date string is looked up as any key.
const table: Readonly<Record<string, { name: string }>> = holidayJp.holidays;

/** The Japanese public holiday on a date (YYYY-MM-DD), substitute (振替休日) and citizens' (国民の休日) holidays included. */
export function japanesePublicHoliday(date: string): { name: string } | undefined {
  // hasOwn: a key like "constructor" must not find Object.prototype.
  const holiday = Object.hasOwn(table, date) ? table[date] : undefined;
  if (holiday === undefined) return undefined;
  // The data names the citizens' holiday just "休日", which says nothing when read out to a caller.
  return { name: holiday.name === '休日' ? '国民の休日' : holiday.name };
}
