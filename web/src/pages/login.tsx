import { useState } from 'preact/hooks';
import { logIn } from '../api.ts';
import { useT } from '../i18n.ts';

export function Login() {
  const { t } = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await logIn(username.trim(), password);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel login" onSubmit={submit}>
      <h1>{t('logIn')}</h1>
      <label>{t('username')}<input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} /></label>
      <label>{t('password')}<input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
      {error && <p class="error" role="alert">{t('loginFailed', { error })}</p>}
      <button type="submit" class="primary" disabled={busy}>{t('logIn')}</button>
      <p class="note">{t('demoHint')}</p>
    </form>
  );
}
