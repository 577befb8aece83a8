// Request values read into the line's own terms: a contact search, a reporting period, an agent
// status. Each bad value is a 400 naming the parameter and what it should be.
import { isDisconnectReason } from '../contacts/record.ts';
import type { ContactSearchFilter, ContactSearchPage } from '../contacts/search.ts';
import type { AgentStates, HistoricalPeriod } from './deps.ts';
import { HttpError } from './errors.ts';

export type Query = Record<string, string>;

/** An ISO 8601 date-time or epoch milliseconds; undefined when absent or empty. */
export function parseTime(v: string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new HttpError(400, `${field}: an ISO 8601 date-time or epoch milliseconds`);
  return t;
}

export function parseNumber(v: string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new HttpError(400, `${field}: a number`);
  return n;
}

const SEARCH_PARAMETERS = ['from', 'to', 'queue', 'agent', 'customer', 'caller', 'minDuration', 'maxDuration', 'reason', 'tag', 'limit', 'cursor'];

/** GET /api/contacts?… as a search filter and page (the store checks the rest, e.g. the cursor and limit bounds). */
export function contactSearch(q: Query): { filter: ContactSearchFilter; page: ContactSearchPage } {
  const unknown = Object.keys(q).filter((k) => !SEARCH_PARAMETERS.includes(k));
  if (unknown.length > 0) throw new HttpError(400, `unknown search parameter ${unknown.join(', ')} (use ${SEARCH_PARAMETERS.join(', ')})`);
  const reason = q['reason'];
  if (reason !== undefined && !isDisconnectReason(reason)) throw new HttpError(400, `reason: not a disconnect reason: ${reason}`);
  const from = parseTime(q['from'], 'from');
  const to = parseTime(q['to'], 'to');
  const min = parseNumber(q['minDuration'], 'minDuration');
  const max = parseNumber(q['maxDuration'], 'maxDuration');
  const limit = parseNumber(q['limit'], 'limit');
  const filter: ContactSearchFilter = {
    ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
    ...(q['queue'] ? { queueId: q['queue'] } : {}), ...(q['agent'] ? { agentId: q['agent'] } : {}),
    ...(q['customer'] ? { customerNumber: q['customer'] } : {}), ...(q['caller'] ? { caller: q['caller'] } : {}),
    ...(min !== undefined ? { minDurationSeconds: min } : {}), ...(max !== undefined ? { maxDurationSeconds: max } : {}),
    ...(reason && isDisconnectReason(reason) ? { disconnectReason: reason } : {}),
    ...(q['tag'] !== undefined ? { tag: q['tag'] } : {}),
  };
  return { filter, page: { ...(limit !== undefined ? { limit } : {}), ...(q['cursor'] ? { cursor: q['cursor'] } : {}) } };
}

/** GET /api/metrics/historical?from=…&to=…[&serviceLevelSeconds=…]; other parameters are ignored. */
export function historicalPeriod(q: Query): HistoricalPeriod {
  const from = parseTime(q['from'], 'from');
  const to = parseTime(q['to'], 'to');
  if (from === undefined || to === undefined || to <= from) throw new HttpError(400, 'from and to: the period, ISO 8601, from before to');
  const sl = parseNumber(q['serviceLevelSeconds'], 'serviceLevelSeconds');
  return { from, to, ...(sl !== undefined ? { serviceLevelSeconds: sl } : {}) };
}

/** A billing month, YYYY-MM. */
export function billingMonth(month: string | undefined): string {
  if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new HttpError(400, 'month: YYYY-MM, e.g. 2026-11');
  return month;
}

/**
 * A status the agent has (Available, Offline, their custom ones): anything else is a malformed
 * request, a 400 naming the allowed ones. Whether the agent may change status now (not while on a
 * contact) is the router's to say: a 409.
 */
export function settableStatus(agents: Pick<AgentStates, 'settableStatuses'>, agentId: string, status: string): string {
  const allowed = agents.settableStatuses(agentId);
  if (!allowed) throw new HttpError(404, `no agent ${agentId}`);
  if (!allowed.includes(status)) throw new HttpError(400, `status: one of ${allowed.join(', ')}; not ${JSON.stringify(status)}`);
  return status;
}
