import type { Closure } from './types.ts';

/** A closure row: 'definition' rows mirror the instance file, 'admin' rows were added in the admin UI. */
export type StoredClosure = Closure & { id: number; source: string };

export type ClosureSource = 'definition' | 'admin';

const ONE_OFF = /^(\d{4})-(\d{2})-(\d{2})$/;
const ANNUAL = /^(\d{2})-(\d{2})$/;

type ClosureDate = { kind: 'one-off'; value: string } | { kind: 'annual'; value: string };

function parseClosureDate(text: string): ClosureDate | undefined {
  const oneOff = ONE_OFF.exec(text);
  if (oneOff !== null) {
    const [, y, m, d] = oneOff.map(Number) as [number, number, number, number];
    const probe = new Date(Date.UTC(y, m - 1, d));
    const real = probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
    return real ? { kind: 'one-off', value: text } : undefined;
  }
  const annual = ANNUAL.exec(text);
  if (annual !== null) {
    const [, m, d] = annual.map(Number) as [number, number, number];
    // 2000 is a leap year, so an annual 02-29 is accepted (it applies in leap years only).
    const probe = new Date(Date.UTC(2000, m - 1, d));
    const real = probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
    return real ? { kind: 'annual', value: text } : undefined;
  }
  return undefined;
}

/** Every problem with a closure: bad dates, mixed one-off/annual forms, a one-off range ending before it starts, no name. */
export function validateClosure(c: Closure): string[] {
  const problems: string[] = [];
  const from = parseClosureDate(c.from);
  const to = parseClosureDate(c.to);
  if (from === undefined) problems.push(`from "${c.from}" is not a date (YYYY-MM-DD, or MM-DD for every year)`);
  if (to === undefined) problems.push(`to "${c.to}" is not a date (YYYY-MM-DD, or MM-DD for every year)`);
  if (from !== undefined && to !== undefined) {
    if (from.kind !== to.kind) {
      problems.push(`from "${c.from}" and to "${c.to}" must both be YYYY-MM-DD or both be MM-DD`);
    } else if (from.kind === 'one-off' && from.value > to.value) {
      // Only annual ranges may wrap (12-29 → 01-03); a one-off range backwards is a typo.
      problems.push(`to "${c.to}" is before from "${c.from}"`);
    }
  }
  if (c.name.trim() === '') problems.push('name is empty');
  return problems;
}

function covers(c: Closure, date: string): boolean {
  const from = parseClosureDate(c.from);
  const to = parseClosureDate(c.to);
  if (from === undefined || to === undefined || from.kind !== to.kind) return false;
  if (from.kind === 'one-off') return from.value <= date && date <= to.value;
  const monthDay = date.slice(5);
  if (from.value <= to.value) return from.value <= monthDay && monthDay <= to.value;
  return monthDay >= from.value || monthDay <= to.value; // wraps the year end
}

/** The first closure covering a local date (YYYY-MM-DD); invalid closures never match. */
export function closureOn<C extends Closure>(closures: readonly C[], date: string): C | undefined {
  return closures.find((c) => covers(c, date));
}

/** A closure that failed validation; `problems` lists every reason. */
export class InvalidClosureError extends Error {
  constructor(readonly closure: Closure, readonly problems: string[]) {
    super(`invalid closure "${closure.name}" (${closure.from}..${closure.to}): ${problems.join('; ')}`);
    this.name = 'InvalidClosureError';
  }
}
