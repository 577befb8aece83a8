// Flows: the instance's flows, each viewable as a graph of its actions; and a flow file checked as
// `chokutsu flow check` checks it, its problems listed by action.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';
import { FlowGraph, type FlowDoc } from '../components/flow-graph.tsx';

interface FlowRef { id: string; name: string; file: string; type?: string }
interface Problem { code: string; severity: string; message: string; actionId?: string; path: string }

export function AdminFlows() {
  const { t } = useT();
  const flows = useLoad(() => api<{ flows: FlowRef[] }>('GET', '/api/admin/flows'), []);
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
        <p class="note">{t('flowUploadLater')}</p>
      </Section>
    </div>
  );
}
