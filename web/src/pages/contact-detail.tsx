// One contact's record: who, when, how long, the flow path it took, the agents it rang (and how each
// offer ended), its attributes, notes and cost, and its recording. The recording is fetched with the
// session's Authorization header into a blob URL, so no token ever appears in an address.
import { useEffect, useState } from 'preact/hooks';
import { api, apiBlob, session } from '../api.ts';
import { ErrorBox, Link, Section, useLoad } from '../components/common.tsx';
import { dateTime, duration, money } from '../format.ts';
import { useT } from '../i18n.ts';
import type { ContactRecord } from '../types.ts';

export function ContactDetail({ contactId }: { contactId: string }) {
  const { t, tv } = useT();
  const rec = useLoad(() => api<ContactRecord>('GET', `/api/contacts/${encodeURIComponent(contactId)}`), [contactId]);
  const r = rec.data;
  const agentName = (id: string) => session.get()?.instance.agents.find((a) => a.id === id)?.name ?? id;
  return (
    <div class="page contact-detail">
      <p><Link href="/contacts">← {t('backToSearch')}</Link></p>
      <h1>{t('contactDetail')} <code class="id">{contactId}</code></h1>
      <ErrorBox error={rec.error} />
      {r && (
        <>
          <div class="grid2">
            <Section title={t('contact')}>
              <dl class="facts">
                <dt>{t('customerNumber')}</dt><dd data-field="customerNumber">{r.customerNumber ?? '—'}</dd>
                <dt>{t('customerName')}</dt><dd data-field="customerName">{r.customerName ?? '—'}</dd>
                <dt>{t('callerNumber')}</dt><dd>{r.customerEndpoint}</dd>
                <dt>{t('dialedNumber')}</dt><dd>{r.systemEndpoint}</dd>
                <dt>{t('queue')}</dt><dd>{r.queue?.name ?? '—'}</dd>
                <dt>{t('agent')}</dt><dd data-field="agent">{r.agent?.name ?? '—'}</dd>
                <dt>{t('reason')}</dt><dd data-field="reason">{tv('reason', r.disconnectReason)}</dd>
                <dt>{t('cost')}</dt><dd>{money(r.cost.amount, r.cost.currency)} ({r.cost.billedMinutes} min)</dd>
                <dt>{t('notes')}</dt><dd data-field="notes" class="notes">{r.notes ?? '—'}</dd>
              </dl>
            </Section>
            <Section title={t('timestamps')}>
              <dl class="facts">
                <dt>{t('initiated')}</dt><dd>{dateTime(r.initiationTimestamp)}</dd>
                <dt>{t('enqueued')}</dt><dd>{dateTime(r.enqueueTimestamp) || '—'}</dd>
                <dt>{t('offered')}</dt><dd>{dateTime(r.offeredTimestamp) || '—'}</dd>
                <dt>{t('connected')}</dt><dd>{dateTime(r.connectedToAgentTimestamp) || '—'}</dd>
                <dt>{t('disconnected')}</dt><dd>{dateTime(r.disconnectTimestamp)}</dd>
                <dt>{t('acwEnded')}</dt><dd>{dateTime(r.afterContactWorkEndTimestamp) || '—'}</dd>
              </dl>
              <h3>{t('durations')}</h3>
              <dl class="facts">
                <dt>{t('queueDuration')}</dt><dd>{duration(r.queueDuration)}</dd>
                <dt>{t('ringDuration')}</dt><dd>{duration(r.ringDuration)}</dd>
                <dt>{t('talkDuration')}</dt><dd>{duration(r.talkDuration)}</dd>
                <dt>{t('holdDuration')}</dt><dd>{duration(r.holdDuration)}</dd>
                <dt>{t('acwDuration')}</dt><dd>{duration(r.afterContactWorkDuration)}</dd>
                <dt>{t('totalDuration')}</dt><dd>{duration(r.totalDuration)}</dd>
              </dl>
            </Section>
          </div>
          <Section title={t('offers')}>
            <table class="offers">
              <thead><tr><th>{t('agent')}</th><th>{t('offered')}</th><th>{t('to')}</th><th>{t('outcome')}</th></tr></thead>
              <tbody>
                {r.agentOffers.length === 0 && <tr><td colSpan={4}>{t('noRows')}</td></tr>}
                {r.agentOffers.map((o, i) => (
                  <tr key={i} class={`outcome-${o.outcome}`}>
                    <td>{agentName(o.agentId)}</td><td>{dateTime(o.at)}</td><td>{dateTime(o.endedAt) || '—'}</td><td>{tv('outcome', o.outcome)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title={t('flowPath')}>
            <ol class="flow-path" data-testid="flow-path">
              {r.flowPath.map((id, i) => <li key={i}><code>{id}</code></li>)}
            </ol>
          </Section>
          <Section title={t('attributes')}>
            <table class="attributes">
              <tbody>
                {Object.entries(r.attributes).map(([k, v]) => <tr key={k}><th><code>{k}</code></th><td>{v}</td></tr>)}
                {Object.keys(r.attributes).length === 0 && <tr><td>{t('noRows')}</td></tr>}
              </tbody>
            </table>
          </Section>
          <Section title={t('recording')}>
            {r.recording ? <Recording contactId={r.contactId} /> : <p class="note">{t('noRecording')}</p>}
          </Section>
        </>
      )}
    </div>
  );
}

function Recording({ contactId }: { contactId: string }) {
  const { t } = useT();
  const [url, setUrl] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);
  const load = async () => {
    try {
      const blob = await apiBlob(`/api/contacts/${encodeURIComponent(contactId)}/recording`, 'audio/wav');
      setUrl(URL.createObjectURL(blob));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div>
      <ErrorBox error={error} />
      {url ? <audio controls src={url} data-testid="recording" /> : <button type="button" onClick={() => void load()}>{t('loadRecording')}</button>}
    </div>
  );
}
