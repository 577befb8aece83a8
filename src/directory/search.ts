// Customer lists in pages: what a caller may ask for, checked before the store runs it. Pages
// follow the directory's order (shorter customer numbers first, then by number, so 9 comes
// before 10) with a keyset on the last customer number shown, as contact search pages do.
import type { Customer } from './customers.ts';

export interface CustomerSearch {
  /** A customer number prefix or part of a name. */
  q?: string;
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

/** A validated search, ready to run. */
export interface CustomerQuery {
  text?: string;
  limit: number;
  /** Show customers after this customer number in the directory's order. */
  after?: string;
}

export interface CustomerPage {
  customers: Customer[];
  nextCursor?: string;
}

export const DEFAULT_CUSTOMER_PAGE = 100;
export const MAX_CUSTOMER_PAGE = 1000;

export function encodeCustomerCursor(lastCustomerNumber: string): string {
  return Buffer.from(JSON.stringify(['c', lastCustomerNumber])).toString('base64url');
}

function decodeCustomerCursor(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v[0] === 'c' && typeof v[1] === 'string' && /^\d{1,20}$/.test(v[1])) return v[1];
  } catch {
    // malformed base64 or JSON: a bad cursor
  }
  return undefined;
}

/** Every problem with the search, each naming its parameter. */
export function validateCustomerSearch(s: CustomerSearch): { ok: true; query: CustomerQuery } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const query: CustomerQuery = { limit: DEFAULT_CUSTOMER_PAGE };
  if (s.q !== undefined && s.q.trim() !== '') {
    if (s.q.length > 200) problems.push('q: at most 200 characters');
    else query.text = s.q.trim();
  }
  if (s.limit !== undefined) {
    if (!Number.isInteger(s.limit) || s.limit < 1 || s.limit > MAX_CUSTOMER_PAGE) problems.push(`limit: an integer from 1 to ${MAX_CUSTOMER_PAGE}`);
    else query.limit = s.limit;
  }
  if (s.cursor !== undefined && s.cursor !== '') {
    const after = decodeCustomerCursor(s.cursor);
    if (after === undefined) problems.push('cursor: not a cursor this list returned');
    else query.after = after;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query };
}
