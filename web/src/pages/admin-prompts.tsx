// Prompts of the instance: listed and played (the audio fetched with the session's token into a blob
// URL); admins add one from a text (previewed with the line's text-to-speech) or an uploaded WAV.
import { useEffect, useState } from 'preact/hooks';
import { api, apiBlob, session } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';

interface Prompt { id: string; name: string; file?: string; text?: string; language?: string }

/** A blob URL for audio, revoked when replaced or when the page goes. */
function useBlobUrl(): [string | undefined, (blob: Blob | undefined) => void] {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  return [url, (blob) => setUrl(blob ? URL.createObjectURL(blob) : undefined)];
}

export function AdminPrompts() {
  const { t } = useT();
  const [reload, setReload] = useState(0);
  const prompts = useLoad(() => api<{ prompts: Prompt[] }>('GET', '/api/admin/prompts'), [reload]);
  const list = prompts.data?.prompts ?? [];
  const [playing, setPlaying] = useState<string | undefined>(undefined);
  const [audioUrl, setAudio] = useBlobUrl();
  const [error, setError] = useState<unknown>(undefined);
  const play = async (p: Prompt) => {
    setError(undefined);
    try {
      setAudio(await apiBlob(`/api/admin/prompts/${encodeURIComponent(p.id)}/audio`, 'audio/wav'));
      setPlaying(p.id);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="page admin-prompts">
      <h1>{t('navPrompts')}</h1>
      <ErrorBox error={prompts.error ?? error} />
      {prompts.data && list.length === 0 && <p class="note">{t('noPrompts')}</p>}
      {list.length > 0 && (
        <table>
          <thead><tr><th>{t('name')}</th><th>{t('text')}</th><th>{t('file')}</th><th>{t('language')}</th><th /></tr></thead>
          <tbody>{list.map((p) => (
            <tr key={p.id} data-prompt={p.id}>
              <td>{p.name}</td><td>{p.text ?? ''}</td><td>{p.file ?? ''}</td><td>{p.language ?? ''}</td>
              <td><button type="button" class="small" onClick={() => void play(p)}>▶ {t('play')}</button></td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {audioUrl && <p class="player">{list.find((p) => p.id === playing)?.name}: <audio controls autoPlay src={audioUrl} data-prompt={playing} /></p>}
      {session.get()?.user.role === 'admin' && <NewPrompt onAdded={() => setReload((n) => n + 1)} />}
    </div>
  );
}

function NewPrompt({ onAdded }: { onAdded: () => void }) {
  const { t } = useT();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<string>(session.get()?.instance.language ?? 'ja-JP');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const [previewUrl, setPreview] = useBlobUrl();
  const run = async (f: () => Promise<void>) => {
    setError(undefined);
    setDone(false);
    try {
      await f();
    } catch (err) {
      setError(err);
    }
  };
  const preview = () => run(async () => {
    const res = await fetch('/api/admin/prompts/speak', {
      method: 'POST', headers: { authorization: `Bearer ${session.get()?.token ?? ''}`, 'content-type': 'application/json' }, body: JSON.stringify({ text, language }),
    });
    if (!res.ok) throw new Error(((await res.json()) as { error?: string }).error ?? res.statusText);
    setPreview(await res.blob());
  });
  const added = () => {
    setDone(true);
    setId('');
    setName('');
    setText('');
    setFile(undefined);
    onAdded();
  };
  const saveText = () => run(async () => {
    await api('POST', '/api/admin/prompts', { id, name, text, language });
    added();
  });
  const upload = () => run(async () => {
    if (!file) return;
    const q = new URLSearchParams({ id, name, language });
    await api('POST', `/api/admin/prompts/wav?${q.toString()}`, file, { contentType: 'audio/wav' });
    added();
  });
  return (
    <Section title={t('newPrompt')} class="new-prompt">
      <div class="filters">
        <label>{t('promptId')} <input name="id" value={id} pattern="[A-Za-z0-9_-]+" onInput={(e) => setId(e.currentTarget.value)} /></label>{' '}
        <label>{t('name')} <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>{' '}
        <label>{t('language')} <select name="language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
          <option value="ja-JP">ja-JP</option><option value="en-US">en-US</option>
        </select></label>
      </div>
      <fieldset>
        <legend>{t('promptFromText')}</legend>
        <textarea name="text" rows={3} cols={60} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <p>
          <button type="button" disabled={text.trim() === ''} onClick={() => void preview()}>▶ {t('preview')}</button>{' '}
          <button type="button" disabled={text.trim() === '' || id === '' || name === ''} onClick={() => void saveText()}>{t('add')}</button>
        </p>
        {previewUrl && <audio controls autoPlay src={previewUrl} class="preview" />}
      </fieldset>
      <fieldset>
        <legend>{t('promptFromWav')}</legend>
        <input type="file" name="wav" accept=".wav,audio/wav,audio/x-wav" onChange={(e) => setFile(e.currentTarget.files?.[0])} />{' '}
        <button type="button" disabled={!file || id === '' || name === ''} onClick={() => void upload()}>{t('uploadWav')}</button>
      </fieldset>
      {done && <p class="ok" role="status">{t('saved')}</p>}
      <ErrorBox error={error} />
    </Section>
  );
}
