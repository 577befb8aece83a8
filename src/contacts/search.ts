// Contact search: the filters and pages a caller may ask for, checked before any store runs them.
// Pages go newest first with a keyset on (initiation_ts, contact_id) (see store/contacts.ts).
import { isDisconnectReason, type ContactRecord, type DisconnectReason } from './record.ts';

export interface ContactSearchFilter {
  /** Initiation at or after (ISO 8601 or epoch ms). */
  from?: string | number;
  /** Initiation before (exclusive; ISO 8601 or epoch ms). */
  to?: string | number;
  queueId?: string;
  agentId?: string;
  customerNumber?: string;
  /** The caller's number (customerEndpoint), exact. */
  caller?: string;
  minDurationSeconds?: number;
  maxDurationSeconds?: number;
  disconnectReason?: DisconnectReason;
  /** A tag the contact carries (TagContact): "key", or "key=value" (split at the first "="). */
  tag?: string;
}

export interface ContactSearchPage {
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface ContactSearchResult {
  records: ContactRecord[];
  nextCursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface SearchProblem {
  field: string;
  message: string;
}

/** A search the caller asked for wrongly; every bad field is listed. */
export class InvalidContactSearchError extends Error {
  constructor(readonly problems: SearchProblem[]) {
    super(`invalid contact search: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidContactSearchError';
  }
}

interface Cursor {
  initiationTs: number;
  contactId: string;
}

/** A validated search, ready to run. */
export interface ContactQuery extends Omit<ContactSearchFilter, 'from' | 'to' | 'tag'> {
  from?: number;
  to?: number;
  tag?: { key: string; value?: string };
  limit: number;
  after?: Cursor;
}

const FILTER_FIELDS = new Set<string>([
  'from', 'to', 'queueId', 'agentId', 'customerNumber', 'caller', 'minDurationSeconds', 'maxDurationSeconds', 'disconnectReason', 'tag',
]);
const PAGE_FIELDS = new Set<string>(['limit', 'cursor']);

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.initiationTs, c.contactId])).toString('base64url');
}

function decodeCursor(text: string): Cursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') {
      return { initiationTs: v[0] as number, contactId: v[1] };
    }
  } catch {
    // malformed base64 or JSON: reported below as a bad cursor
  }
  return undefined;
}

function timestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  // Only full dates with a time zone or plain dates: "2025-01-01" would otherwise be read as local time by some parsers.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Checks a search (which may come straight from an HTTP query) and lists every problem. */
export function validateContactSearch(
  filter: ContactSearchFilter, page: ContactSearchPage = {},
): { ok: true; query: ContactQuery } | { ok: false; problems: SearchProblem[] } {
  const problems: SearchProblem[] = [];
  const query: ContactQuery = { limit: DEFAULT_PAGE_SIZE };
  for (const key of Object.keys(filter)) if (!FILTER_FIELDS.has(key)) problems.push({ field: key, message: 'unknown filter' });
  for (const key of Object.keys(page)) if (!PAGE_FIELDS.has(key)) problems.push({ field: key, message: 'unknown page option' });

  for (const field of ['from', 'to'] as const) {
    const raw = filter[field];
    if (raw === undefined) continue;
    const ms = timestamp(raw);
    if (ms === undefined) problems.push({ field, message: `not an ISO 8601 timestamp or epoch milliseconds: ${JSON.stringify(raw)}` });
    else query[field] = ms;
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    problems.push({ field: 'to', message: 'is before from' });
  }
  for (const field of ['queueId', 'agentId', 'customerNumber', 'caller'] as const) {
    const raw: unknown = filter[field];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || raw.trim() === '') problems.push({ field, message: 'must be a non-empty string' });
    else query[field] = raw;
  }
  for (const field of ['minDurationSeconds', 'maxDurationSeconds'] as const) {
    const raw: unknown = filter[field];
    if (raw === undefined) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) problems.push({ field, message: 'must be a number of seconds ≥ 0' });
    else query[field] = raw;
  }
  if (query.minDurationSeconds !== undefined && query.maxDurationSeconds !== undefined && query.minDurationSeconds > query.maxDurationSeconds) {
    problems.push({ field: 'maxDurationSeconds', message: 'is less than minDurationSeconds' });
  }
  const reason: unknown = filter.disconnectReason;
  if (reason !== undefined) {
    if (typeof reason !== 'string' || !isDisconnectReason(reason)) problems.push({ field: 'disconnectReason', message: `unknown disconnect reason ${JSON.stringify(reason)}` });
    else query.disconnectReason = reason;
  }

  const tag: unknown = filter.tag;
  if (tag !== undefined) {
    const eq = typeof tag === 'string' ? tag.indexOf('=') : -1;
    const key = typeof tag === 'string' ? (eq < 0 ? tag : tag.slice(0, eq)) : '';
    if (key.trim() === '') problems.push({ field: 'tag', message: 'a tag key, or key=value' });
    else query.tag = { key, ...(eq >= 0 ? { value: (tag as string).slice(eq + 1) } : {}) };
  }

  const limit: unknown = page.limit;
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      problems.push({ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    } else {
      query.limit = limit;
    }
  }
  if (page.cursor !== undefined) {
    const after = typeof page.cursor === 'string' ? decodeCursor(page.cursor) : undefined;
    if (after === undefined) problems.push({ field: 'cursor', message: 'not a cursor this search returned' });
    else query.after = after;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query };
}
