// The live wallboard: contacts waiting per queue with the oldest wait, agents by state with the time
// in state. The snapshot comes from /api/metrics/realtime; every event fetches it again (at most
// every 200 ms), and the waits tick on between snapshots.
import { useRef } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox, Section, useLoad, useNow } from '../components/common.tsx';
import { useEvents } from '../events.ts';
import { duration, epoch, time } from '../format.ts';
import { useT } from '../i18n.ts';
import type { AgentState } from '../types.ts';

interface Realtime {
  at: string;
  queues: { queueId: string; queueName: string; contactsWaiting: number; oldestWaitSeconds: number }[];
  agentsByState: Record<string, number>;
  agents: AgentState[];
}

export function Wallboard() {
  const { t, tv } = useT();
  const rt = useLoad(() => api<Realtime>('GET', '/api/metrics/realtime'), []);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const soon = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void rt.reload();
    }, 200);
  };
  useEvents((e) => {
    if (e.type !== 'contact.step') soon();
  }, soon);
  const now = useNow();
  const data = rt.data;
  const elapsed = data ? Math.max(0, (now - Date.parse(data.at)) / 1000) : 0;
  return (
    <div class="page wallboard">
      <h1>{t('navWallboard')}</h1>
      <ErrorBox error={rt.error} />
      {data && <p class="note">{t('updatedAt', { t: time(data.at) })}</p>}
      <Section title={t('queues')}>
        <div class="tiles">
          {data?.queues.map((q) => (
            <div class={`tile ${q.contactsWaiting > 0 ? 'busy' : ''}`} key={q.queueId} data-queue={q.queueId}>
              <div class="tile-title">{q.queueName}</div>
              <div class="tile-number" data-field="waiting">{q.contactsWaiting}</div>
              <div class="tile-label">{t('contactsWaiting')}</div>
              <div class="tile-sub">{t('oldestWait')}: {duration(q.contactsWaiting > 0 ? q.oldestWaitSeconds + elapsed : 0)}</div>
            </div>
          ))}
        </div>
      </Section>
      <Section title={t('agentsByState')}>
        <div class="tiles small">
          {Object.entries(data?.agentsByState ?? {}).map(([state, n]) => (
            <div class={`tile state-${state}`} key={state}><div class="tile-number">{n}</div><div class="tile-label">{tv('status', state)}</div></div>
          ))}
        </div>
      </Section>
      <Section title={t('agents')}>
        <table>
          <thead><tr><th>{t('agent')}</th><th>{t('state')}</th><th>{t('timeInState')}</th><th>{t('queues')}</th></tr></thead>
          <tbody>
            {data?.agents.map((a) => (
              <tr key={a.agentId} data-agent={a.agentId}>
                <td>{a.name ?? a.agentId}</td>
                <td><span class={`status-badge status-${a.status}`}>{tv('status', a.customStatus ?? a.status)}</span></td>
                <td>{duration((now - epoch(a.since)) / 1000)}</td>
                <td>{a.queues.map((id) => data.queues.find((q) => q.queueId === id)?.queueName ?? id).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
