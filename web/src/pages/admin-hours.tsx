// Hours of operation per weekday: admins edit them (written to the instance definition and applied
// to the line at once); supervisors read them.
import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';

interface Time { Hours: number; Minutes: number }
interface Entry { Day: string; StartTime: Time; EndTime: Time }
interface Hours { id: string; name: string; timeZone?: string; config: Entry[] }

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const hhmm = (t: Time) => `${String(t.Hours).padStart(2, '0')}:${String(t.Minutes).padStart(2, '0')}`;
const parse = (s: string): Time => ({ Hours: Number(s.slice(0, 2)) || 0, Minutes: Number(s.slice(3, 5)) || 0 });

export function AdminHours() {
  const { t } = useT();
  const hours = useLoad(() => api<{ hoursOfOperation: Hours[] }>('GET', '/api/admin/hours'), []);
  const admin = session.get()?.user.role === 'admin';
  return (
    <div class="page admin-hours">
      <h1>{t('navHours')}</h1>
      {admin && <p class="note">{t('hoursEditNote')}</p>}
      <ErrorBox error={hours.error} />
      {hours.data?.hoursOfOperation.map((h) => <HoursEditor key={h.id} hours={h} editable={admin} />)}
    </div>
  );
}

function HoursEditor({ hours, editable }: { hours: Hours; editable: boolean }) {
  const { t, tv } = useT();
  const [config, setConfig] = useState<Entry[]>(hours.config);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  useEffect(() => setConfig(hours.config), [hours]);
  const change = (next: Entry[]) => {
    setConfig(next);
    setDirty(true);
    setSaved(false);
  };
  const save = async () => {
    setError(undefined);
    try {
      const r = await api<{ hours: Hours }>('PUT', `/api/admin/hours/${encodeURIComponent(hours.id)}`, { config });
      setConfig(r.hours.config);
      setDirty(false);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={hours.name} class="hours-editor">
      <p class="note">{t('timeZone')}: {hours.timeZone ?? session.get()?.instance.timeZone}</p>
      <table>
        <thead><tr><th>{t('weekday')}</th><th>{t('open')}</th></tr></thead>
        <tbody>
          {DAYS.map((d) => {
            const entries = config.map((c, i) => ({ c, i })).filter((x) => x.c.Day === d);
            return (
              <tr key={d} data-day={d}>
                <th>{tv('day', d)}</th>
                <td>
                  {entries.length === 0 && <span class="closed">{t('closed')}</span>}
                  {!editable && entries.map(({ c }) => `${hhmm(c.StartTime)}–${hhmm(c.EndTime)}`).join(', ')}
                  {editable && entries.map(({ c, i }) => (
                    <span key={i} class="interval">
                      <input type="time" aria-label={`${tv('day', d)} ${t('from')}`} value={hhmm(c.StartTime)} required
                        onChange={(e) => change(config.map((x, j) => (j === i ? { ...x, StartTime: parse(e.currentTarget.value) } : x)))} />
                      –
                      <input type="time" aria-label={`${tv('day', d)} ${t('to')}`} value={hhmm(c.EndTime)} required
                        onChange={(e) => change(config.map((x, j) => (j === i ? { ...x, EndTime: parse(e.currentTarget.value) } : x)))} />
                      <button type="button" class="small" title={t('removeInterval')} aria-label={`${tv('day', d)} ${t('removeInterval')}`}
                        onClick={() => change(config.filter((_, j) => j !== i))}>×</button>
                    </span>
                  ))}
                  {editable && (
                    <button type="button" class="small" aria-label={`${tv('day', d)} ${t('addInterval')}`}
                      onClick={() => change([...config, { Day: d, StartTime: { Hours: 9, Minutes: 0 }, EndTime: { Hours: 18, Minutes: 0 } }])}>+ {t('addInterval')}</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {editable && (
        <p>
          <button type="button" disabled={!dirty} onClick={() => void save()}>{t('save')}</button>{' '}
          {dirty && <span class="note">{t('unsaved')}</span>}
          {saved && <span class="ok" role="status">{t('saved')}</span>}
        </p>
      )}
      <ErrorBox error={error} />
    </Section>
  );
}
