// Hours of operation per weekday (read here; edited in the instance definition).
import { api, session } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';

interface Hours {
  id: string;
  name: string;
  timeZone?: string;
  config: { Day: string; StartTime: { Hours: number; Minutes: number }; EndTime: { Hours: number; Minutes: number } }[];
}

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const hhmm = (t: { Hours: number; Minutes: number }) => `${String(t.Hours).padStart(2, '0')}:${String(t.Minutes).padStart(2, '0')}`;

export function AdminHours() {
  const { t, tv } = useT();
  const hours = useLoad(() => api<{ hoursOfOperation: Hours[] }>('GET', '/api/admin/hours'), []);
  return (
    <div class="page admin-hours">
      <h1>{t('navHours')}</h1>
      <p class="note">{t('hoursReadOnly')}</p>
      <ErrorBox error={hours.error} />
      {hours.data?.hoursOfOperation.map((h) => (
        <Section key={h.id} title={h.name}>
          <p class="note">{t('timeZone')}: {h.timeZone ?? session.get()?.instance.timeZone}</p>
          <table>
            <thead><tr><th>{t('weekday')}</th><th>{t('open')}</th></tr></thead>
            <tbody>
              {DAYS.map((d) => {
                const open = h.config.filter((c) => c.Day === d);
                return <tr key={d}><th>{tv('day', d)}</th><td>{open.length === 0 ? <span class="closed">{t('closed')}</span> : open.map((c) => `${hhmm(c.StartTime)}–${hhmm(c.EndTime)}`).join(', ')}</td></tr>;
              })}
            </tbody>
          </table>
        </Section>
      ))}
    </div>
  );
}
