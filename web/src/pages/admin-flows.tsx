// Flows: the instance's flows, each viewable as a graph of its actions; and a flow file checked as
// `chokutsu flow check` checks it, its problems listed by action.
import { useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';
import { FlowGraph, type FlowDoc } from '../components/flow-graph.tsx';

interface FlowRef { id: string; name: string; file: string; type?: string }
interface NumberFlow { number: string; flow: string }
interface Problem { code: string; severity: string; message: string; actionId?: string; path: string }

export function AdminFlows() {
  const { t } = useT();
  const [reload, setReload] = useState(0);
  const flows = useLoad(() => api<{ flows: FlowRef[]; phoneNumbers: NumberFlow[] }>('GET', '/api/admin/flows'), [reload]);
  const admin = session.get()?.user.role === 'admin';
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [newFlow, setNewFlow] = useState({ id: '', name: '' });
  const [added, setAdded] = useState(false);
  const [text, setText] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<{ name: string; doc: FlowDoc } | undefined>(undefined);
  const [check, setCheck] = useState<{ name: string; ok: boolean; problems: Problem[]; doc?: FlowDoc } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const view = async (f: FlowRef) => {
    try {
      setShown({ name: f.name, doc: await api<FlowDoc>('GET', `/api/admin/flows/${encodeURIComponent(f.id)}`) });
    } catch (err) {
      setError(err);
    }
  };
  const checkFile = async (file: File) => {
    setError(undefined);
    try {
      const text = await file.text();
      setText(text);
      setAdded(false);
      const base = file.name.replace(/\.json$/i, '').replace(/[^A-Za-z0-9_-]/g, '-');
      setNewFlow({ id: base, name: base });
      const r = await api<{ ok: boolean; problems: Problem[] }>('POST', '/api/admin/flows/check', text, { contentType: 'text/plain' });
      let doc: FlowDoc | undefined;
      try {
        doc = JSON.parse(text) as FlowDoc;
      } catch {
        doc = undefined;
      }
      setCheck({ name: file.name, ...r, ...(doc ? { doc } : {}) });
    } catch (err) {
      setError(err);
    }
  };
  const setNumberFlow = async (number: string, flow: string) => {
    setError(undefined);
    try {
      await api('PUT', `/api/admin/phone-numbers/${encodeURIComponent(number)}/flow`, { flow });
      setReload((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  };
  const addFlow = async () => {
    setError(undefined);
    try {
      await api('POST', '/api/admin/flows', { ...newFlow, flow: text });
      setAdded(true);
      setReload((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  };
  const byAction = new Map<string, Problem[]>();
  for (const p of check?.problems ?? []) byAction.set(p.actionId ?? '', [...(byAction.get(p.actionId ?? '') ?? []), p]);
  return (
    <div class="page admin-flows">
      <h1>{t('navFlows')}</h1>
      <ErrorBox error={flows.error ?? error} />
      <table>
        <thead><tr><th>{t('name')}</th><th>{t('type')}</th><th>{t('file')}</th><th /></tr></thead>
        <tbody>{flows.data?.flows.map((f) => <tr key={f.id}><td>{f.name}</td><td>{f.type ?? ''}</td><td><code>{f.file}</code></td><td><button type="button" onClick={() => void view(f)}>{t('view')}</button></td></tr>)}</tbody>
      </table>
      <Section title={t('lineFlows')} class="number-flows">
        <table>
          <thead><tr><th>{t('phoneNumber')}</th><th>{t('navFlows')}</th>{admin && <th />}</tr></thead>
          <tbody>{flows.data?.phoneNumbers.map((n) => {
            const flowName = (ref: string) => flows.data?.flows.find((f) => f.id === ref || f.name === ref)?.name ?? ref;
            const chosen = choice[n.number] ?? n.flow;
            return (
              <tr key={n.number} data-number={n.number}>
                <td>{n.number}</td>
                <td>{admin
                  ? <select aria-label={`${n.number} ${t('navFlows')}`} value={flows.data?.flows.find((f) => f.id === chosen || f.name === chosen)?.id ?? chosen}
                      onChange={(e) => setChoice({ ...choice, [n.number]: e.currentTarget.value })}>
                      {flows.data?.flows.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
                    </select>
                  : flowName(n.flow)}</td>
                {admin && <td><button type="button" disabled={chosen === n.flow} onClick={() => void setNumberFlow(n.number, chosen)}>{t('makeLineFlow')}</button></td>}
              </tr>
            );
          })}</tbody>
        </table>
      </Section>
      {shown && <Section title={shown.name}><FlowGraph doc={shown.doc} /></Section>}
      <Section title={t('checkFlow')}>
        <label class="button">{t('checkFlow')}<input type="file" accept=".json,application/json" class="visually-hidden" name="flow"
          onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void checkFile(f); e.currentTarget.value = ''; }} /></label>
        {check && (
          <div class="flow-check">
            <p class={check.ok ? 'ok' : 'error'} role="status">{check.name}: {check.ok ? t('flowOk') : t('flowErrors')}</p>
            {[...byAction.entries()].map(([action, problems]) => (
              <div key={action} class="problems">
                <h3>{t('action')}: <code>{action || '—'}</code></h3>
                <table>
                  <thead><tr><th>{t('severity')}</th><th>{t('problem')}</th><th>{t('message')}</th><th>{t('path')}</th></tr></thead>
                  <tbody>{problems.map((p, i) => <tr key={i} class={`sev-${p.severity}`}><td>{p.severity}</td><td>{p.code}</td><td>{p.message}</td><td><code>{p.path}</code></td></tr>)}</tbody>
                </table>
              </div>
            ))}
            {check.doc && <FlowGraph doc={check.doc} problems={new Set(byAction.keys())} />}
          </div>
        )}
        {admin && check?.ok && text !== undefined && !added && (
          <p class="add-flow filters">
            <label>{t('promptId')} <input name="flowId" value={newFlow.id} onInput={(e) => setNewFlow({ ...newFlow, id: e.currentTarget.value })} /></label>{' '}
            <label>{t('name')} <input name="flowName" value={newFlow.name} onInput={(e) => setNewFlow({ ...newFlow, name: e.currentTarget.value })} /></label>{' '}
            <button type="button" onClick={() => void addFlow()}>{t('addFlow')}</button>
          </p>
        )}
        {added && <p class="ok" role="status">{t('flowAdded')}</p>}
      </Section>
    </div>
  );
}
