// The browser test phone: dial one of the line's numbers, press keys, hang up, and read what the
// caller heard. It drives the API's simulated caller (POST /api/calls) so it works without audio; a
// browser phone module, once plugged in (phone/phone.ts), takes over the call with real audio.
import { useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { ErrorBox, Section } from '../components/common.tsx';
import { Keypad } from '../components/keypad.tsx';
import { useEvents } from '../events.ts';
import { time } from '../format.ts';
import { useT } from '../i18n.ts';
import { phone as phoneStore } from '../phone/phone.ts';
import { useStore } from '../store.ts';

interface CallView {
  contactId: string;
  hungUp: boolean;
  phase: string;
  queueId?: string;
  agentId?: string;
  flowPath: string[];
  heard: { at: string; kind: string; text: string }[];
}

export function TestPhone() {
  const { t, tv } = useT();
  const s = useStore(session);
  const phone = useStore(phoneStore);
  const numbers = s?.instance.phoneNumbers ?? [];
  const [to, setTo] = useState(numbers[0] ?? '');
  const [from, setFrom] = useState('+819012345678');
  const [keys, setKeys] = useState('');
  const [call, setCall] = useState<CallView | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const live = call !== undefined && !call.hungUp;

  const refresh = async (contactId: string) => {
    try {
      setCall(await api<CallView>('GET', `/api/calls/${encodeURIComponent(contactId)}`));
    } catch (err) {
      setError(err);
    }
  };
  // Staff receive every contact's events: each one about this call is a reason to look again.
  useEvents((e) => {
    if (call && 'contactId' in e && e.contactId === call.contactId) void refresh(call.contactId);
  }, () => call && void refresh(call.contactId));

  const run = async (f: () => Promise<CallView>) => {
    setError(undefined);
    try {
      setCall(await f());
    } catch (err) {
      setError(err);
    }
  };
  const dial = () => run(async () => {
    const body = { to, from, ...(keys ? { keys } : {}) };
    setKeys('');
    if (phone) await phone.call(to); // audio through the phone module; the API call below stays the record
    return api<CallView>('POST', '/api/calls', body);
  });
  const press = (k: string) => {
    if (!live) {
      setKeys((v) => v + k);
      return;
    }
    phone?.sendDtmf(k);
    void run(() => api<CallView>('POST', `/api/calls/${encodeURIComponent(call.contactId)}/keys`, { keys: k }));
  };
  const hangUp = () => call && run(async () => {
    if (phone) await phone.hangup();
    return api<CallView>('DELETE', `/api/calls/${encodeURIComponent(call.contactId)}`);
  });

  return (
    <div class="page test-phone">
      <h1>{t('navPhone')}</h1>
      <p class="note">{t('testPhoneIntro')}</p>
      <ErrorBox error={error} />
      <div class="phone-grid">
        <section class="panel dialer" aria-label={t('navPhone')}>
          <label>{t('lineNumber')}
            <select name="to" value={to} disabled={live} onChange={(e) => setTo(e.currentTarget.value)}>
              {numbers.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label>{t('fromNumber')}<input name="from" value={from} disabled={live} inputMode="tel" onInput={(e) => setFrom(e.currentTarget.value)} /></label>
          <label>{t('keysToSend')}<input name="keys" value={keys} disabled={live} pattern="[0-9*#A-D]*" onInput={(e) => setKeys(e.currentTarget.value)} /></label>
          <Keypad onKey={press} />
          <div class="row">
            <button type="button" class="primary" disabled={live || !to} onClick={() => void dial()}>{t('dial')}</button>
            <button type="button" class="danger" disabled={!live} onClick={() => void hangUp()}>{t('hangUp')}</button>
          </div>
          {!phone && <p class="note">{t('audioLater')}</p>}
        </section>
        <Section title={t('heard')} class="heard">
          <p class="call-status">{t('callStatus')}: <strong data-testid="call-phase">{tv('phase', call ? (call.hungUp ? 'ended' : call.phase) : 'idle')}</strong>
            {call?.queueId && <> · {t('queue')}: {call.queueId}</>}{call?.agentId && <> · {t('agent')}: {call.agentId}</>}</p>
          <ol class="heard-list" data-testid="heard">
            {call?.heard.map((h, i) => (
              <li key={i} class={`heard-${h.kind}`}><span class="when">{time(h.at)}</span> <span class="kind">{tv('heard', h.kind)}</span> {h.text}</li>
            ))}
          </ol>
          {call && <p class="note path">{t('flowPath')}: {call.flowPath.join(' → ')}</p>}
        </Section>
      </div>
    </div>
  );
}
