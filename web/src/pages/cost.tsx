// The month's cost on Amazon Connect rates, per queue, next to what the self-hosted line costs.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { localMonth, money, serverNow } from '../format.ts';
import { useT } from '../i18n.ts';

interface MonthlyCost {
  month: string;
  currency: string;
  contacts: number;
  billedMinutes: number;
  connectCost: number;
  selfHostedMonthly?: number;
  byQueue: Record<string, { queueName: string; contacts: number; billedMinutes: number; connectCost: number }>;
}

export function CostReport() {
  const { t } = useT();
  const [month, setMonth] = useState(localMonth(serverNow()));
  const r = useLoad(() => api<MonthlyCost>('GET', `/api/reports/cost${query({ month })}`), [month]);
  const c = r.data;
  return (
    <div class="page cost">
      <h1>{t('navCost')}</h1>
      <div class="panel filters">
        <label>{t('month')}<input type="month" name="month" value={month} onInput={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} /></label>
      </div>
      <ErrorBox error={r.error} />
      {c && (
        <>
          <div class="tiles">
            <div class="tile"><div class="tile-number">{c.contacts}</div><div class="tile-label">{t('contacts')}</div></div>
            <div class="tile"><div class="tile-number">{c.billedMinutes}</div><div class="tile-label">{t('billedMinutes')}</div></div>
            <div class="tile"><div class="tile-number" data-field="connectCost">{money(c.connectCost, c.currency)}</div><div class="tile-label">{t('connectCost')}</div></div>
            {c.selfHostedMonthly !== undefined && <div class="tile"><div class="tile-number">{money(c.selfHostedMonthly, c.currency)}</div><div class="tile-label">{t('selfHosted')}</div></div>}
          </div>
          <Section title={t('byQueue')}>
            <table>
              <thead><tr><th>{t('queue')}</th><th>{t('contacts')}</th><th>{t('billedMinutes')}</th><th>{t('connectCost')}</th></tr></thead>
              <tbody>
                {Object.entries(c.byQueue).map(([id, q]) => <tr key={id}><td>{q.queueName}</td><td>{q.contacts}</td><td>{q.billedMinutes}</td><td>{money(q.connectCost, c.currency)}</td></tr>)}
                <tr class="total"><th>{t('total')}</th><td>{c.contacts}</td><td>{c.billedMinutes}</td><td>{money(c.connectCost, c.currency)}</td></tr>
              </tbody>
            </table>
          </Section>
        </>
      )}
    </div>
  );
}
