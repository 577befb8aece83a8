// The Japanese public holidays the line closes on (computed, for any year) and the company's own
// closures (added and deleted here; those from the instance definition are shown, not deleted).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { localDate, serverNow } from '../format.ts';
import { useT } from '../i18n.ts';

interface Closure { id: number; from: string; to: string; name: string; source: string }

export function AdminHolidays() {
  const { t } = useT();
  const [year, setYear] = useState(Number(localDate(serverNow()).slice(0, 4)));
  const holidays = useLoad(() => api<{ holidays: { date: string; name: string }[] }>('GET', `/api/admin/holidays?year=${year}`), [year]);
  const closures = useLoad(() => api<{ closures: Closure[] }>('GET', '/api/admin/closures'), []);
  const [form, setForm] = useState({ from: '', to: '', name: '' });
  const [error, setError] = useState<unknown>(undefined);
  const add = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', '/api/admin/closures', { from: form.from.trim(), to: (form.to || form.from).trim(), name: form.name.trim() });
      setForm({ from: '', to: '', name: '' });
      await closures.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (c: Closure) => {
    if (!confirm(t('confirmDelete', { what: c.name }))) return;
    try {
      await api('DELETE', `/api/admin/closures/${c.id}`);
      await closures.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="page admin-holidays">
      <h1>{t('navHolidays')}</h1>
      <div class="grid2">
        <Section title={t('publicHolidays')}>
          <label>{t('year')}<input type="number" name="year" min="1955" max="2150" value={year} onInput={(e) => { const y = Number(e.currentTarget.value); if (y >= 1955 && y <= 2150) setYear(y); }} /></label>
          <ErrorBox error={holidays.error} />
          <table class="holidays">
            <thead><tr><th>{t('date')}</th><th>{t('name')}</th></tr></thead>
            <tbody>{holidays.data?.holidays.map((h) => <tr key={h.date}><td>{h.date}</td><td>{h.name}</td></tr>)}</tbody>
          </table>
        </Section>
        <Section title={t('closures')}>
          <ErrorBox error={closures.error ?? error} />
          <table class="closures">
            <thead><tr><th>{t('from')}</th><th>{t('to')}</th><th>{t('name')}</th><th>{t('source')}</th><th /></tr></thead>
            <tbody>
              {closures.data?.closures.map((c) => (
                <tr key={c.id}><td>{c.from}</td><td>{c.to}</td><td>{c.name}</td><td>{c.source}</td>
                  <td>{c.source === 'admin' && <button type="button" class="danger" onClick={() => void remove(c)}>{t('delete')}</button>}</td></tr>
              ))}
            </tbody>
          </table>
          <form class="filters" onSubmit={add}>
            <label>{t('from')}<input name="closure-from" required placeholder="2026-12-29 / 12-29" value={form.from} onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} /></label>
            <label>{t('to')}<input name="closure-to" placeholder="2027-01-03 / 01-03" value={form.to} onInput={(e) => setForm({ ...form, to: e.currentTarget.value })} /></label>
            <label>{t('name')}<input name="closure-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
            <div class="row"><button type="submit" class="primary">{t('add')}</button></div>
          </form>
          <p class="note">{t('closureFromTo')}</p>
        </Section>
      </div>
    </div>
  );
}
