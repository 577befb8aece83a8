// Users of the app and API: the list, and a new user with a role (and the agent they work as).
import { useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../components/common.tsx';
import { useT } from '../i18n.ts';
import { useStore } from '../store.ts';
import type { Role, User } from '../types.ts';

export function AdminUsers() {
  const { t, tv } = useT();
  const s = useStore(session);
  const users = useLoad(() => api<{ users: User[] }>('GET', '/api/admin/users'), []);
  const [form, setForm] = useState({ username: '', password: '', role: 'agent' as Role, agentId: '' });
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const agentName = (id?: string) => (id ? s?.instance.agents.find((a) => a.id === id)?.name ?? id : '');
  const add = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    try {
      const { user } = await api<{ user: User }>('POST', '/api/admin/users', {
        username: form.username.trim(), password: form.password, role: form.role, ...(form.agentId ? { agentId: form.agentId } : {}),
      });
      setDone(user.username);
      setForm({ username: '', password: '', role: 'agent', agentId: '' });
      await users.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="page admin-users">
      <h1>{t('navUsers')}</h1>
      <ErrorBox error={users.error} />
      <table>
        <thead><tr><th>{t('username')}</th><th>{t('role')}</th><th>{t('agentId')}</th></tr></thead>
        <tbody>{users.data?.users.map((u) => <tr key={u.id}><td>{u.username}</td><td>{tv('role', u.role)}</td><td>{agentName(u.agentId)}</td></tr>)}</tbody>
      </table>
      <Section title={t('addUser')}>
        <form class="filters" onSubmit={add}>
          <label>{t('username')}<input name="new-username" required pattern="[a-z0-9][a-z0-9._\-]{1,31}" value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} /></label>
          <label>{t('password')}<input name="new-password" type="password" required minLength={8} autocomplete="new-password" value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} /></label>
          <label>{t('role')}
            <select name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value as Role })}>
              {(['agent', 'supervisor', 'admin'] as const).map((r) => <option key={r} value={r}>{tv('role', r)}</option>)}
            </select>
          </label>
          <label>{t('agentId')}
            <select name="agentId" value={form.agentId} onChange={(e) => setForm({ ...form, agentId: e.currentTarget.value })}>
              <option value="">{t('none')}</option>
              {s?.instance.agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </label>
          <div class="row"><button type="submit" class="primary">{t('add')}</button></div>
        </form>
        <ErrorBox error={error} />
        {done && <p class="ok" role="status">{t('saved')}: {done}</p>}
      </Section>
    </div>
  );
}
