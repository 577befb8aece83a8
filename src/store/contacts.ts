// Contact records in SQLite: saved when the caller's side ends and again after ACW; searched with keyset paging.
import type Database from 'better-sqlite3';
import type { ContactRecord, DisconnectReason } from '../contacts/record.ts';
import { encodeCursor, InvalidContactSearchError, MAX_PAGE_SIZE, validateContactSearch, type ContactSearchFilter, type ContactSearchPage, type ContactSearchResult, type ContactQuery } from '../contacts/search.ts';

interface Row {
  record: string;
  initiation_ts: number;
  contact_id: string;
}

export class SqliteContactStore {
  private readonly upsert: Database.Statement;
  private readonly byId: Database.Statement;

  constructor(private readonly db: Database.Database) {
    // The record is saved when the caller's side ends and again when after-contact work ends.
    this.upsert = db.prepare(`
      INSERT INTO contact_records (contact_id, initiation_ts, disconnect_ts, queue_id, agent_id, customer_number, caller,
                                   total_duration, disconnect_reason, record)
      VALUES (@contactId, @initiationTs, @disconnectTs, @queueId, @agentId, @customerNumber, @caller, @totalDuration, @disconnectReason, @record)
      ON CONFLICT (contact_id) DO UPDATE SET
        initiation_ts = excluded.initiation_ts, disconnect_ts = excluded.disconnect_ts, queue_id = excluded.queue_id,
        agent_id = excluded.agent_id, customer_number = excluded.customer_number, caller = excluded.caller,
        total_duration = excluded.total_duration, disconnect_reason = excluded.disconnect_reason, record = excluded.record`);
    this.byId = db.prepare('SELECT record FROM contact_records WHERE contact_id = ?');
  }

  /** One statement (atomic under WAL): a crash right after leaves the finished contact on disk. */
  save(record: ContactRecord): void {
    const initiationTs = Date.parse(record.initiationTimestamp);
    const disconnectTs = Date.parse(record.disconnectTimestamp);
    if (Number.isNaN(initiationTs) || Number.isNaN(disconnectTs)) {
      throw new Error(`contact ${record.contactId} has an unparsable timestamp (${record.initiationTimestamp}, ${record.disconnectTimestamp})`);
    }
    this.upsert.run({
      contactId: record.contactId,
      initiationTs,
      disconnectTs,
      queueId: record.queue?.id ?? null,
      agentId: record.agent?.id ?? null,
      customerNumber: record.customerNumber ?? null,
      caller: record.customerEndpoint,
      totalDuration: record.totalDuration,
      disconnectReason: record.disconnectReason,
      record: JSON.stringify(record),
    });
  }

  get(contactId: string): ContactRecord | undefined {
    const row = this.byId.get(contactId) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ContactRecord) : undefined;
  }

  /** Every record the filter matches, page by page (reports over a period). */
  searchAll(filter: ContactSearchFilter): ContactRecord[] {
    const out: ContactRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = this.search(filter, { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      out.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /** Newest first. Throws InvalidContactSearchError listing every bad field. */
  search(filter: ContactSearchFilter = {}, page: ContactSearchPage = {}): ContactSearchResult {
    const checked = validateContactSearch(filter, page);
    if (!checked.ok) throw new InvalidContactSearchError(checked.problems);
    return this.run(checked.query);
  }

  private run(q: ContactQuery): ContactSearchResult {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (sql: string, ...values: (string | number)[]): void => {
      where.push(sql);
      params.push(...values);
    };
    if (q.from !== undefined) add('initiation_ts >= ?', q.from);
    if (q.to !== undefined) add('initiation_ts < ?', q.to);
    if (q.queueId !== undefined) add('queue_id = ?', q.queueId);
    if (q.agentId !== undefined) add('agent_id = ?', q.agentId);
    if (q.customerNumber !== undefined) add('customer_number = ?', q.customerNumber);
    if (q.caller !== undefined) add('caller = ?', q.caller);
    if (q.minDurationSeconds !== undefined) add('total_duration >= ?', q.minDurationSeconds);
    if (q.maxDurationSeconds !== undefined) add('total_duration <= ?', q.maxDurationSeconds);
    if (q.disconnectReason !== undefined) add('disconnect_reason = ?', q.disconnectReason);
    // Tags live in the record's JSON (TagContact/UnTagContact): matched by key, and value when given.
    if (q.tag !== undefined) {
      if (q.tag.value === undefined) add("EXISTS (SELECT 1 FROM json_each(record, '$.tags') WHERE key = ?)", q.tag.key);
      else add("EXISTS (SELECT 1 FROM json_each(record, '$.tags') WHERE key = ? AND value = ?)", q.tag.key, q.tag.value);
    }
    if (q.after !== undefined) add('(initiation_ts, contact_id) < (?, ?)', q.after.initiationTs, q.after.contactId);
    // One row more than the page tells whether another page follows.
    const rows = this.db.prepare(`
      SELECT record, initiation_ts, contact_id FROM contact_records
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY initiation_ts DESC, contact_id DESC
      LIMIT ?`).all(...params, q.limit + 1) as Row[];
    const pageRows = rows.slice(0, q.limit);
    const last = pageRows[pageRows.length - 1];
    return {
      records: pageRows.map((r) => JSON.parse(r.record) as ContactRecord),
      ...(rows.length > q.limit && last ? { nextCursor: encodeCursor({ initiationTs: last.initiation_ts, contactId: last.contact_id }) } : {}),
    };
  }
}
