// Queues and their ranked agents: reorder by dragging (HTML5 drag and drop) or with the up/down
// buttons (keyboard), then save; the router routes by the new ranks at once.
import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';
import type { QueueDef } from '../types.ts';

export function AdminQueues() {
  const { t } = useT();
  const queues = useLoad(() => api<{ queues: QueueDef[] }>('GET', '/api/admin/queues'), []);
  return (
    <div class="page admin-queues">
      <h1>{t('navQueues')}</h1>
      <p class="note">{t('dragHint')}</p>
      <ErrorBox error={queues.error} />
      {queues.data?.queues.map((q) => <QueueRanks key={q.id} queue={q} />)}
    </div>
  );
}

function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

function QueueRanks({ queue }: { queue: QueueDef }) {
  const { t } = useT();
  const original = [...queue.agents].sort((a, b) => a.rank - b.rank).map((m) => m.agent);
  const [order, setOrder] = useState(original);
  const [saved, setSaved] = useState(original);
  const [dragging, setDragging] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [ok, setOk] = useState(false);
  useEffect(() => setOk(false), [order.join()]);
  const agentName = (id: string) => session.get()?.instance.agents.find((a) => a.id === id)?.name ?? id;
  const dirty = order.join() !== saved.join();
  const save = async () => {
    setError(undefined);
    try {
      const r = await api<{ queue: QueueDef }>('PUT', `/api/admin/queues/${encodeURIComponent(queue.id)}/agents`, {
        agents: order.map((agent, i) => ({ agent, rank: i + 1 })),
      });
      const now = [...r.queue.agents].sort((a, b) => a.rank - b.rank).map((m) => m.agent);
      setSaved(now);
      setOrder(now);
      setOk(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={queue.name} class="queue-ranks" id={`queue-${queue.id}`}>
      {queue.description && <p class="note">{queue.description}</p>}
      <ol class="ranks" data-queue={queue.id}>
        {order.map((agent, i) => (
          <li key={agent} data-agent={agent} draggable class={dragging === i ? 'dragging' : ''}
            onDragStart={(e) => { setDragging(i); e.dataTransfer?.setData('text/plain', String(i)); if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move'; }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => { e.preventDefault(); const from = Number(e.dataTransfer?.getData('text/plain') ?? dragging); setOrder(move(order, from, i)); setDragging(undefined); }}
            onDragEnd={() => setDragging(undefined)}>
            <span class="rank">{i + 1}</span>
            <span class="grip" aria-hidden="true">⋮⋮</span>
            <span class="agent-name">{agentName(agent)}</span>
            <span class="spacer" />
            <button type="button" aria-label={`${t('moveUp')}: ${agentName(agent)}`} disabled={i === 0} onClick={() => setOrder(move(order, i, i - 1))}>↑</button>
            <button type="button" aria-label={`${t('moveDown')}: ${agentName(agent)}`} disabled={i === order.length - 1} onClick={() => setOrder(move(order, i, i + 1))}>↓</button>
          </li>
        ))}
      </ol>
      <div class="row">
        <button type="button" class="primary" disabled={!dirty} onClick={() => void save()}>{t('save')}</button>
        {dirty && <span class="note">{t('unsaved')}</span>}
        {ok && <span class="ok" role="status">{t('saved')}</span>}
      </div>
      <ErrorBox error={error} />
    </Section>
  );
}
