// Prompts of the instance: listed (uploading a WAV and previewing text-to-speech are not here yet).
import { api } from '../api.ts';
import { ErrorBox, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';

interface Prompt { id: string; name: string; file?: string; text?: string; language?: string }

export function AdminPrompts() {
  const { t } = useT();
  const prompts = useLoad(() => api<{ prompts: Prompt[] }>('GET', '/api/admin/prompts'), []);
  const list = prompts.data?.prompts ?? [];
  return (
    <div class="page admin-prompts">
      <h1>{t('navPrompts')}</h1>
      <ErrorBox error={prompts.error} />
      {prompts.data && list.length === 0 && <p class="note">{t('noPrompts')}</p>}
      {list.length > 0 && (
        <table>
          <thead><tr><th>{t('name')}</th><th>{t('text')}</th><th>{t('file')}</th><th>{t('language')}</th></tr></thead>
          <tbody>{list.map((p) => <tr key={p.id}><td>{p.name}</td><td>{p.text ?? ''}</td><td>{p.file ?? ''}</td><td>{p.language ?? ''}</td></tr>)}</tbody>
        </table>
      )}
      <p class="note">{t('promptsLater')}</p>
    </div>
  );
}
