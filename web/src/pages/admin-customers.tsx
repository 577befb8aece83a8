// Customers: search and page through them, edit, delete, import a CSV (in chunks, with a progress
// bar and every row's problem shown) and export. Works with the paged API (limit, cursor, q →
// {customers, nextCursor}) and, until the server pages, with the whole list paged here.
import { useState } from 'preact/hooks';
import { api, apiBlob, ApiError, query, session } from '../api.ts';
import { ErrorBox, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';
import { useStore } from '../store.ts';
import type { Customer } from '../types.ts';
import { splitCsv } from './csv-chunks.ts';

const PAGE = 50;
const CHUNK_ROWS = 1000;

interface Page {
  customers: Customer[];
  nextCursor?: string;
}

async function fetchPage(q: string, cursor: string | undefined): Promise<Page> {
  const r = await api<Page>('GET', `/api/admin/customers${query({ q, limit: PAGE, cursor })}`);
  if ('nextCursor' in r || r.customers.length <= PAGE) return r;
  // A server that does not page yet answers with everyone: search and page here.
  const needle = q.trim().toLowerCase();
  const all = r.customers.filter((c) => !needle || c.customerNumber.includes(needle) || c.name.toLowerCase().includes(needle));
  const start = Number(cursor ?? 0);
  const next = start + PAGE;
  return { customers: all.slice(start, next), ...(next < all.length ? { nextCursor: String(next) } : {}) };
}

interface RowProblem { line: number; column?: string; message: string }

export function AdminCustomers() {
  const { t } = useT();
  const s = useStore(session);
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => fetchPage(asked, cursor), [asked, cursor]);
  const [editing, setEditing] = useState<Customer | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>(undefined);
  const [problems, setProblems] = useState<RowProblem[]>([]);
  const [summary, setSummary] = useState<{ inserted: number; updated: number } | undefined>(undefined);
  const queues = s?.instance.queues ?? [];
  const queueName = (id: string) => queues.find((x) => x.id === id || x.name === id)?.name ?? id;

  const save = async (c: Customer) => {
    setError(undefined);
    try {
      await api('PUT', `/api/admin/customers/${encodeURIComponent(c.customerNumber)}`, { name: c.name, queue: c.queue });
      setEditing(undefined);
      await page.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (c: Customer) => {
    if (!confirm(t('confirmDelete', { what: `${c.customerNumber} ${c.name}` }))) return;
    try {
      await api('DELETE', `/api/admin/customers/${encodeURIComponent(c.customerNumber)}`);
      await page.reload();
    } catch (err) {
      setError(err);
    }
  };
  const importFile = async (file: File) => {
    setError(undefined);
    setProblems([]);
    setSummary(undefined);
    const chunks = splitCsv(await file.text(), CHUNK_ROWS);
    const total = chunks.reduce((n, c) => n + c.rows, 0);
    const sum = { inserted: 0, updated: 0 };
    const found: RowProblem[] = [];
    let done = 0;
    setProgress({ done, total });
    for (const chunk of chunks) {
      try {
        const r = await api<{ inserted: number; updated: number }>('POST', '/api/admin/customers/import', chunk.text, { contentType: 'text/csv' });
        sum.inserted += r.inserted;
        sum.updated += r.updated;
      } catch (err) {
        if (err instanceof ApiError && Array.isArray(err.body['problems'])) {
          for (const p of err.body['problems'] as RowProblem[]) found.push({ ...p, line: chunk.lineOf(p.line) });
        } else {
          setError(err);
          break;
        }
      }
      done += chunk.rows;
      setProgress({ done, total });
    }
    setProblems(found);
    setSummary(sum);
    await page.reload();
  };
  const exportCsv = async () => {
    try {
      const blob = await apiBlob('/api/admin/customers', 'text/csv');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'customers.csv';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="page admin-customers">
      <h1>{t('navCustomers')}</h1>
      <div class="panel row">
        <form class="row" onSubmit={(e) => { e.preventDefault(); setCursors([]); setAsked(q); }}>
          <input type="search" name="q" placeholder={t('searchCustomers')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
          <button type="submit">{t('search')}</button>
        </form>
        <span class="spacer" />
        <label class="button">{t('importCsv')}<input type="file" accept=".csv,text/csv" class="visually-hidden" name="csv"
          onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void importFile(f); e.currentTarget.value = ''; }} /></label>
        <button type="button" onClick={() => void exportCsv()}>{t('exportCsv')}</button>
      </div>
      <p class="note">{t('chunkNote', { n: CHUNK_ROWS })}</p>
      {progress && <div class="progress"><progress max={progress.total} value={progress.done} /> <span>{t('importing', progress)}</span></div>}
      {summary && <p class="ok" role="status">{t('imported', summary)}</p>}
      {problems.length > 0 && (
        <div class="panel problems" role="alert">
          <h3>{t('importProblems')}</h3>
          <table><thead><tr><th>{t('line')}</th><th>{t('column')}</th><th>{t('problem')}</th></tr></thead>
            <tbody>{problems.map((p, i) => <tr key={i}><td>{p.line}</td><td>{p.column ?? ''}</td><td>{p.message}</td></tr>)}</tbody></table>
        </div>
      )}
      <ErrorBox error={page.error ?? error} />
      <table class="customers">
        <thead><tr><th>{t('customerNumber')}</th><th>{t('name')}</th><th>{t('queue')}</th><th /></tr></thead>
        <tbody>
          {page.data?.customers.length === 0 && <tr><td colSpan={4}>{t('noRows')}</td></tr>}
          {page.data?.customers.map((c) => editing?.customerNumber === c.customerNumber ? (
            <tr key={c.customerNumber} class="editing">
              <td>{c.customerNumber}</td>
              <td><input name="name" value={editing.name} onInput={(e) => setEditing({ ...editing, name: e.currentTarget.value })} /></td>
              <td><select name="queue" value={editing.queue} onChange={(e) => setEditing({ ...editing, queue: e.currentTarget.value })}>
                {queues.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
              </select></td>
              <td class="row"><button type="button" class="primary" onClick={() => void save(editing)}>{t('save')}</button><button type="button" onClick={() => setEditing(undefined)}>{t('cancel')}</button></td>
            </tr>
          ) : (
            <tr key={c.customerNumber} data-customer={c.customerNumber}>
              <td>{c.customerNumber}</td>
              <td class="customer-name">{c.name}</td>
              <td>{queueName(c.queue)}</td>
              <td class="row"><button type="button" onClick={() => setEditing({ ...c })}>{t('edit')}</button><button type="button" class="danger" onClick={() => void remove(c)}>{t('delete')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>{t('previous')}</button>
        <span>{t('pageN', { n: cursors.length + 1 })}</span>
        <button type="button" disabled={!page.data?.nextCursor} onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}>{t('next')}</button>
      </div>
    </div>
  );
}
