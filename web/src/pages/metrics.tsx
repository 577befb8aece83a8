// Historical metrics over a period, as /api/metrics/historical gives them: per day (service level,
// abandonment rate, average speed of answer, average handle time) as charts, per queue and per agent
// as tables, contacts per agent as bars. Loaded on demand: the chart library stays off the agent desktop.
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { api, query, session } from '../api.ts';
import { barPaths, Chart } from '../components/chart.tsx';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { duration, localDate, percent, serverNow, zonedToEpoch } from '../format.ts';
import { useT } from '../i18n.ts';

interface QueueMetrics {
  contactsOffered: number;
  contactsHandled: number;
  contactsAbandoned: number;
  serviceLevel: number | null;
  averageSpeedOfAnswer: number | null;
  averageHandleTime: number | null;
  abandonmentRate: number | null;
}

interface Historical {
  period: { from: string; to: string };
  serviceLevelSeconds: number;
  total: QueueMetrics;
  byQueue: Record<string, QueueMetrics & { queueName: string }>;
  byAgent: Record<string, { agentId: string; agentName?: string; contactsHandled: number; contactsMissed: number; averageHandleTime: number | null; occupancy: number | null }>;
  byDay: Record<string, QueueMetrics>;
}

const agentName = (a: { agentId: string; agentName?: string } | undefined): string =>
  a ? a.agentName ?? session.get()?.instance.agents.find((x) => x.id === a.agentId)?.name ?? a.agentId : '';

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

export function HistoricalMetrics() {
  const { t } = useT();
  const [from, setFrom] = useState(localDate(serverNow(), -6));
  const [to, setTo] = useState(localDate(serverNow()));
  const [sl, setSl] = useState('20');
  const [asked, setAsked] = useState({ from, to, sl });
  const h = useLoad(() => api<Historical>('GET', `/api/metrics/historical${query({
    from: new Date(zonedToEpoch(asked.from)).toISOString(),
    to: new Date(zonedToEpoch(asked.to) + 86_400_000).toISOString(),
    serviceLevelSeconds: asked.sl,
  })}`), [asked]);
  const charts = useMemo(() => (h.data ? chartsOf(h.data, t, asked.from, asked.to) : undefined), [h.data, t]);
  const d = h.data;
  return (
    <div class="page metrics">
      <h1>{t('navMetrics')}</h1>
      <form class="panel filters" onSubmit={(e) => { e.preventDefault(); setAsked({ from, to, sl }); }}>
        <label>{t('from')}<input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
        <label>{t('to')}<input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
        <label>{t('serviceLevelSeconds')}<input type="number" min="1" name="sl" value={sl} onInput={(e) => setSl(e.currentTarget.value)} /></label>
        <div class="row"><button type="submit" class="primary">{t('show')}</button></div>
      </form>
      <ErrorBox error={h.error} />
      {d && charts && (
        <>
          <div class="tiles">
            <Tile label={`${t('serviceLevel')} (${d.serviceLevelSeconds}${t('seconds')})`} value={percent(d.total.serviceLevel)} />
            <Tile label={t('abandonmentRate')} value={percent(d.total.abandonmentRate)} />
            <Tile label={t('asa')} value={duration(d.total.averageSpeedOfAnswer)} />
            <Tile label={t('aht')} value={duration(d.total.averageHandleTime)} />
            <Tile label={t('offeredN')} value={String(d.total.contactsOffered)} />
          </div>
          <div class="grid2">
            <Section title={`${t('byDay')}: ${t('serviceLevel')} / ${t('abandonmentRate')} (%)`}><Chart {...charts.rates} /></Section>
            <Section title={`${t('byDay')}: ${t('asa')} / ${t('aht')} (${t('seconds')})`}><Chart {...charts.times} /></Section>
            <Section title={t('contactsPerAgent')}><Chart {...charts.perAgent} /></Section>
            <Section title={t('byQueue')}>
              <table>
                <thead><tr><th>{t('queue')}</th><th>{t('offeredN')}</th><th>{t('handled')}</th><th>{t('abandoned')}</th><th>{t('serviceLevel')}</th><th>{t('asa')}</th><th>{t('aht')}</th></tr></thead>
                <tbody>
                  {Object.entries(d.byQueue).map(([id, q]) => (
                    <tr key={id}><td>{q.queueName}</td><td>{q.contactsOffered}</td><td>{q.contactsHandled}</td><td>{q.contactsAbandoned}</td><td>{percent(q.serviceLevel)}</td><td>{duration(q.averageSpeedOfAnswer)}</td><td>{duration(q.averageHandleTime)}</td></tr>
                  ))}
                </tbody>
              </table>
            </Section>
          </div>
          <Section title={t('byAgent')}>
            <table>
              <thead><tr><th>{t('agent')}</th><th>{t('handled')}</th><th>{t('missed')}</th><th>{t('aht')}</th><th>{t('occupancy')}</th></tr></thead>
              <tbody>
                {Object.values(d.byAgent).map((a) => (
                  <tr key={a.agentId}><td>{agentName(a)}</td><td>{a.contactsHandled}</td><td>{a.contactsMissed}</td><td>{duration(a.averageHandleTime)}</td><td>{percent(a.occupancy)}</td></tr>
                ))}
              </tbody>
            </table>
          </Section>
        </>
      )}
    </div>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return <div class="tile"><div class="tile-number">{value}</div><div class="tile-label">{label}</div></div>;
}

type ChartProps = { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; label: string };

function chartsOf(d: Historical, t: ReturnType<typeof useT>['t'], fromDay: string, toDay: string): { rates: ChartProps; times: ChartProps; perAgent: ChartProps } {
  // Every day of the period, contacts or not, so the axis reads as a calendar.
  const days: string[] = [];
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); days.length < 366; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > toDay) break;
    days.push(day);
  }
  for (const day of Object.keys(d.byDay)) if (!days.includes(day)) days.push(day);
  days.sort();
  const x = days.map((_, i) => i);
  const by = (f: (q: QueueMetrics) => number | null) => days.map((day) => {
    const q = d.byDay[day];
    return q ? f(q) : null;
  });
  const dayAxis: uPlot.Axis = { incrs: [1, 7, 14, 28], values: (_u, ticks) => ticks.map((i) => days[i]?.slice(5) ?? '') };
  const xScale = { time: false, range: [-0.5, Math.max(0.5, days.length - 0.5)] as uPlot.Range.MinMax };
  const agents = Object.values(d.byAgent);
  return {
    rates: {
      label: `${t('serviceLevel')}, ${t('abandonmentRate')}`,
      options: {
        scales: { x: xScale, y: { range: [0, 100] } }, axes: [dayAxis, {}],
        series: [{}, { label: t('serviceLevel'), stroke: '#1f77b4', width: 2, spanGaps: true, points: { size: 7 } }, { label: t('abandonmentRate'), stroke: '#d62728', width: 2, spanGaps: true, points: { size: 7 } }],
      },
      data: [x, by((q) => pct(q.serviceLevel)), by((q) => pct(q.abandonmentRate))],
    },
    times: {
      label: `${t('asa')}, ${t('aht')}`,
      options: {
        scales: { x: xScale, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } }, axes: [dayAxis, {}],
        series: [{}, { label: t('asa'), stroke: '#2ca02c', width: 2, spanGaps: true, points: { size: 7 } }, { label: t('aht'), stroke: '#9467bd', width: 2, spanGaps: true, points: { size: 7 } }],
      },
      data: [x, by((q) => q.averageSpeedOfAnswer), by((q) => q.averageHandleTime)],
    },
    perAgent: {
      label: t('contactsPerAgent'),
      options: {
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, agents.length - 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ values: (_u, ticks) => ticks.map((i) => agentName(agents[i])), incrs: [1] }, {}],
        series: [{}, { label: t('handled'), fill: '#1f77b4aa', stroke: '#1f77b4', paths: barPaths(), points: { show: false } }],
      },
      data: [agents.map((_, i) => i), agents.map((a) => a.contactsHandled)],
    },
  };
}
