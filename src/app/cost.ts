// What a month of the line cost, from its contact records, on the instance's rates.
import { DEFAULT_RATES, monthBounds, monthlyCost, type MonthlyCost } from '../contacts/cost.ts';
import { SqliteContactStore } from '../store/contacts.ts';
import type { Line } from './line.ts';

/** Throws InvalidMonthError when month is not YYYY-MM. */
export function lineMonthlyCost(line: Line, month: string): MonthlyCost {
  const { start, end } = monthBounds(month);
  const records = new SqliteContactStore(line.db).searchAll({ from: start, to: end });
  return monthlyCost(records, line.definition.rates ?? DEFAULT_RATES, month, line.definition.phoneNumbers.length);
}
