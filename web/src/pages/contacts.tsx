// Contact search with every filter the API has, newest first, page by page. The search lives in the
// address bar, so a contact's detail page can go back to it.
import { useState } from 'preact/hooks';
import { api, query, session } from '../api.ts';
import { ErrorBox, Link, useLoad } from '../components/common.tsx';
import { dateTime, duration, zonedToEpoch } from '../format.ts';
import { useT } from '../i18n.ts';
import { navigate, usePath } from '../route.ts';
import { useStore } from '../store.ts';
import { DISCONNECT_REASONS, type ContactRecord } from '../types.ts';

const FIELDS = ['from', 'to', 'queue', 'agent', 'customer', 'caller', 'minDuration', 'maxDuration', 'reason', 'tag', 'limit'] as const;
type Field = (typeof FIELDS)[number];

/** The API's parameters from the form's: local date-times in the instance's zone become instants. */
function apiParams(form: URLSearchParams): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const f of FIELDS) {
    const v = form.get(f) ?? '';
    if (v === '') continue;
    out[f] = f === 'from' || f === 'to' ? new Date(zonedToEpoch(v)).toISOString() : v;
  }
  const cursor = form.get('cursor');
  if (cursor) out['cursor'] = cursor;
  return out;
}

export function ContactSearch() {
  const { t, tv } = useT();
  const s = useStore(session);
  const { search } = usePath();
  const key = search.toString();
  const [form, setForm] = useState<Record<Field, string>>(() => Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? ''])) as Record<Field, string>);
  const [cursors, setCursors] = useState<string[]>([]);
  const result = useLoad(() => api<{ records: ContactRecord[]; nextCursor?: string }>('GET', `/api/contacts${query(apiParams(search))}`), [key]);
  const isAgent = s?.user.role === 'agent';

  const submit = (e: Event) => {
    e.preventDefault();
    setCursors([]);
    navigate(`/contacts${query(form)}`);
  };
  const go = (cursor: string | undefined, stack: string[]) => {
    setCursors(stack);
    const params = new URLSearchParams(search);
    if (cursor) params.set('cursor', cursor);
    else params.delete('cursor');
    navigate(`/contacts?${params.toString()}`);
  };
  const input = (f: Field, type: 'text' | 'tel' | 'number' | 'datetime-local' = 'text') => {
    const common = { name: f, value: form[f], onInput: (e: Event) => setForm({ ...form, [f]: (e.currentTarget as HTMLInputElement).value }) };
    switch (type) {
      case 'datetime-local': return <input type="datetime-local" {...common} />;
      case 'number': return <input type="number" min="0" {...common} />;
      case 'tel': return <input type="tel" {...common} />;
      case 'text': return <input type="text" {...common} />;
    }
  };
  const records = result.data?.records ?? [];
  return (
    <div class="page contacts">
      <h1>{t('navContacts')}</h1>
      <form class="panel filters" onSubmit={submit} aria-label={t('search')}>
        <label>{t('from')}{input('from', 'datetime-local')}</label>
        <label>{t('to')}{input('to', 'datetime-local')}</label>
        <label>{t('queue')}
          <select name="queue" value={form.queue} onChange={(e) => setForm({ ...form, queue: e.currentTarget.value })}>
            <option value="">{t('all')}</option>
            {s?.instance.queues.map((q) => <option key={q.id} value={q.id}>{q.name}</option>)}
          </select>
        </label>
        {!isAgent && (
          <label>{t('agent')}
            <select name="agent" value={form.agent} onChange={(e) => setForm({ ...form, agent: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              {s?.instance.agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </label>
        )}
        <label>{t('customer')}{input('customer')}</label>
        <label>{t('caller')}{input('caller', 'tel')}</label>
        <label>{t('minDuration')}{input('minDuration', 'number')}</label>
        <label>{t('maxDuration')}{input('maxDuration', 'number')}</label>
        <label>{t('reason')}
          <select name="reason" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.currentTarget.value })}>
            <option value="">{t('all')}</option>
            {DISCONNECT_REASONS.map((r) => <option key={r} value={r}>{tv('reason', r)}</option>)}
          </select>
        </label>
        <label>{t('tagFilter')}{input('tag')}</label>
        <label>{t('pageSize')}
          <select name="limit" value={form.limit} onChange={(e) => setForm({ ...form, limit: e.currentTarget.value })}>
            <option value="">50</option><option value="20">20</option><option value="100">100</option><option value="500">500</option>
          </select>
        </label>
        <div class="row">
          <button type="submit" class="primary">{t('search')}</button>
          <button type="button" onClick={() => { setForm(Object.fromEntries(FIELDS.map((f) => [f, ''])) as Record<Field, string>); setCursors([]); navigate('/contacts'); }}>{t('clear')}</button>
        </div>
      </form>
      <ErrorBox error={result.error} />
      <table class="results">
        <thead><tr><th>{t('initiated')}</th><th>{t('customerNumber')}</th><th>{t('customerName')}</th><th>{t('caller')}</th><th>{t('queue')}</th><th>{t('agent')}</th><th>{t('totalDuration')}</th><th>{t('reason')}</th></tr></thead>
        <tbody>
          {!result.loading && records.length === 0 && <tr><td colSpan={8}>{t('noRows')}</td></tr>}
          {records.map((r) => (
            <tr key={r.contactId} data-contact-id={r.contactId}>
              <td><Link href={`/contacts/${encodeURIComponent(r.contactId)}`}>{dateTime(r.initiationTimestamp)}</Link></td>
              <td>{r.customerNumber ?? ''}</td>
              <td>{r.customerName ?? ''}</td>
              <td>{r.customerEndpoint}</td>
              <td>{r.queue?.name ?? ''}</td>
              <td>{r.agent?.name ?? ''}</td>
              <td>{duration(r.totalDuration)}</td>
              <td>{tv('reason', r.disconnectReason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => go(cursors[cursors.length - 2], cursors.slice(0, -1))}>{t('previous')}</button>
        <span>{t('pageN', { n: cursors.length + 1 })}</span>
        <button type="button" disabled={!result.data?.nextCursor} onClick={() => go(result.data?.nextCursor, [...cursors, result.data?.nextCursor ?? ''])}>{t('next')}</button>
      </div>
    </div>
  );
}
