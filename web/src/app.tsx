// The app shell: log-in, navigation by role, the live-updates banner, the language switch, and the
// page for the address bar's path.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { logOut, session, type Session } from './api.ts';
import { Link } from './components/common.tsx';
import { connection } from './events.ts';
import { resumeAgentPhone } from './phone/agent-phone.ts';
import { unplugPhone } from './phone/phone.ts';
import { lang, useT, type MessageKey } from './i18n.ts';
import { navigate, usePath } from './route.ts';
import { useStore } from './store.ts';
import type { Role } from './types.ts';
import { AgentDesktop } from './pages/agent.tsx';
import { ContactDetail } from './pages/contact-detail.tsx';
import { ContactSearch } from './pages/contacts.tsx';
import { CostReport } from './pages/cost.tsx';
import { Login } from './pages/login.tsx';
import { TestPhone } from './pages/test-phone.tsx';
import { Wallboard } from './pages/wallboard.tsx';
import { AdminCustomers } from './pages/admin-customers.tsx';
import { AdminUsers } from './pages/admin-users.tsx';
import { AdminQueues } from './pages/admin-queues.tsx';
import { AdminHours } from './pages/admin-hours.tsx';
import { AdminHolidays } from './pages/admin-holidays.tsx';
import { AdminPrompts } from './pages/admin-prompts.tsx';
import { AdminFlows } from './pages/admin-flows.tsx';

interface Page {
  path: string;
  label: MessageKey;
  group: 'agent' | 'supervisor' | 'admin';
  roles: Role[];
  /** Shown only to users who work as an agent. */
  needsAgent?: boolean;
  render: (params: string[]) => JSX.Element;
}

const STAFF: Role[] = ['admin', 'supervisor'];

// The historical metrics page carries the chart library: it loads when first opened.
function LazyMetrics() {
  const [Page, setPage] = useState<(() => JSX.Element) | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    import('./pages/metrics.tsx').then((m) => setPage(() => m.HistoricalMetrics), setError);
  }, []);
  const { t } = useT();
  if (error) return <p class="error">{String(error)}</p>;
  return Page ? <Page /> : <p>{t('loading')}</p>;
}

const PAGES: Page[] = [
  { path: '/agent', label: 'navDesktop', group: 'agent', roles: ['admin', 'supervisor', 'agent'], needsAgent: true, render: () => <AgentDesktop /> },
  { path: '/wallboard', label: 'navWallboard', group: 'supervisor', roles: STAFF, render: () => <Wallboard /> },
  { path: '/contacts', label: 'navContacts', group: 'supervisor', roles: ['admin', 'supervisor', 'agent'], render: () => <ContactSearch /> },
  { path: '/reports/metrics', label: 'navMetrics', group: 'supervisor', roles: STAFF, render: () => <LazyMetrics /> },
  { path: '/reports/cost', label: 'navCost', group: 'supervisor', roles: STAFF, render: () => <CostReport /> },
  { path: '/phone', label: 'navPhone', group: 'supervisor', roles: STAFF, render: () => <TestPhone /> },
  { path: '/admin/customers', label: 'navCustomers', group: 'admin', roles: ['admin'], render: () => <AdminCustomers /> },
  { path: '/admin/users', label: 'navUsers', group: 'admin', roles: ['admin'], render: () => <AdminUsers /> },
  { path: '/admin/queues', label: 'navQueues', group: 'admin', roles: ['admin'], render: () => <AdminQueues /> },
  { path: '/admin/hours', label: 'navHours', group: 'admin', roles: ['admin'], render: () => <AdminHours /> },
  { path: '/admin/holidays', label: 'navHolidays', group: 'admin', roles: ['admin'], render: () => <AdminHolidays /> },
  { path: '/admin/prompts', label: 'navPrompts', group: 'admin', roles: ['admin'], render: () => <AdminPrompts /> },
  { path: '/admin/flows', label: 'navFlows', group: 'admin', roles: ['admin'], render: () => <AdminFlows /> },
];

function pagesFor(s: Session): Page[] {
  return PAGES.filter((p) => p.roles.includes(s.user.role) && (!p.needsAgent || s.user.agentId !== undefined));
}

function home(s: Session): string {
  return s.user.role === 'agent' || (s.user.agentId && s.user.role !== 'admin') ? '/agent' : '/wallboard';
}

export function App() {
  const s = useStore(session);
  const { pathname } = usePath();
  useEffect(() => {
    if (!s && pathname !== '/login') navigate(`/login`, true);
    if (s && (pathname === '/login' || pathname === '/')) navigate(home(s), true);
  }, [s, pathname]);
  // The agent's browser phone, if chosen, stays registered on every page while signed in.
  useEffect(() => resumeAgentPhone(s?.user.agentId !== undefined), [s?.token]);
  if (!s) return <Shell>{pathname === '/login' ? <Login /> : null}</Shell>;
  const pages = pagesFor(s);
  let content: JSX.Element | null = null;
  if (pathname.startsWith('/contacts/') && pages.some((p) => p.path === '/contacts')) {
    content = <ContactDetail contactId={decodeURIComponent(pathname.slice('/contacts/'.length))} />;
  } else {
    content = pages.find((p) => p.path === pathname)?.render([]) ?? null;
  }
  return (
    <Shell session={s} pages={pages} current={pathname}>
      {content ?? <NotFound />}
    </Shell>
  );
}

function NotFound() {
  const { t } = useT();
  return <p>{t('noRows')}</p>;
}

function Shell(props: { session?: Session; pages?: Page[]; current?: string; children: ComponentChildren }) {
  const { t, tv } = useT();
  const groups: { key: Page['group']; label?: MessageKey }[] = [{ key: 'agent' }, { key: 'supervisor', label: 'groupSupervisor' }, { key: 'admin', label: 'groupAdmin' }];
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">{t('appName')}</span>
        {props.session && <span class="company">{props.session.instance.name}</span>}
        <ConnectionBanner />
        <span class="spacer" />
        <LanguageSwitch />
        {props.session && (
          <>
            <span class="who">{props.session.user.username} ({tv("role", props.session.user.role)})</span>
            <button type="button" class="link" onClick={() => void unplugPhone().finally(() => logOut())}>{t('logOut')}</button>
          </>
        )}
      </header>
      <div class="body">
        {props.pages && (
          <nav class="side" aria-label="main">
            {groups.map((g) => {
              // An agent's pages are all theirs: no "Supervisor" heading over their own contacts.
              const groupOf = (p: Page) => (props.session?.user.role === 'agent' ? 'agent' : p.group);
              const items = props.pages?.filter((p) => groupOf(p) === g.key) ?? [];
              if (items.length === 0) return null;
              return (
                <div key={g.key}>
                  {g.label && <h3>{t(g.label)}</h3>}
                  <ul>
                    {items.map((p) => (
                      <li key={p.path}>
                        <Link href={p.path} aria-current={props.current === p.path || (p.path === '/contacts' && props.current?.startsWith('/contacts/')) ? 'page' : undefined}>{t(p.label)}</Link>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </nav>
        )}
        <main>{props.children}</main>
      </div>
    </div>
  );
}

function ConnectionBanner() {
  const { t } = useT();
  const c = useStore(connection);
  const s = useStore(session);
  if (!s) return null;
  switch (c.state) {
    case 'open': return <span class="conn ok" data-connection="open">● {t('connOpen')}</span>;
    case 'connecting': return <span class="conn wait" data-connection="connecting">{t('connConnecting')}</span>;
    case 'reconnecting': return <span class="conn bad" role="status" data-connection="reconnecting">{t('connReconnecting', { s: c.inSeconds, n: c.attempt })}</span>;
    case 'closed': return null;
  }
}

function LanguageSwitch() {
  const l = useStore(lang);
  const { t } = useT();
  return (
    <div class="lang" role="group" aria-label={t('language')}>
      <button type="button" aria-pressed={l === 'ja'} onClick={() => lang.set('ja')} lang="ja">日本語</button>
      <button type="button" aria-pressed={l === 'en'} onClick={() => lang.set('en')} lang="en">English</button>
    </div>
  );
}
