// The browser test phone: dial one of the line's numbers, press keys, hang up. Where the browser can
// (WebRTC, a secure context), it is a real phone: it registers with a test identity the API gives
// (test-<username>, never offered contacts), calls over WebRTC, plays what it hears and keys RFC 4733
// events. Otherwise, or when chosen, a simulated caller through the API (POST /api/calls) whose
// prompts are shown as text.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { ErrorBox, Section } from '../components/common.tsx';
import { Keypad } from '../components/keypad.tsx';
import { useEvents } from '../events.ts';
import { time } from '../format.ts';
import { useT } from '../i18n.ts';
import type { BrowserPhone } from '../phone/browser-phone.ts';
import { loadBrowserPhone, webRtcAvailable, type PhoneStatus } from '../phone/phone.ts';
import { useStore } from '../store.ts';
import type { CenterEvent } from '../types.ts';

interface CallView {
  contactId: string;
  hungUp: boolean;
  phase: string;
  queueId?: string;
  agentId?: string;
  flowPath: string[];
  heard: { at: string; kind: string; text: string }[];
}

type Mode = 'webrtc' | 'simulated';

export function TestPhone() {
  const { t } = useT();
  const canWebRtc = webRtcAvailable();
  const [mode, setMode] = useState<Mode>(canWebRtc ? 'webrtc' : 'simulated');
  return (
    <div class="page test-phone">
      <h1>{t('navPhone')}</h1>
      <p class="note">{t('testPhoneIntro')}</p>
      <div class="row test-phone-mode" role="radiogroup" aria-label={t('testPhoneMode')}>
        <span>{t('testPhoneMode')}:</span>
        <label><input type="radio" name="test-phone-mode" value="webrtc" checked={mode === 'webrtc'} disabled={!canWebRtc} onChange={() => setMode('webrtc')} /> {t('testPhoneWebRtc')}</label>
        <label><input type="radio" name="test-phone-mode" value="simulated" checked={mode === 'simulated'} onChange={() => setMode('simulated')} /> {t('testPhoneSimulated')}</label>
      </div>
      {!canWebRtc && <p class="note">{t(session.get()?.instance.browserPhones ? 'noWebRtc' : 'noSipLine')}</p>}
      {mode === 'webrtc' ? <WebRtcTestPhone /> : <SimulatedTestPhone />}
    </div>
  );
}

/** A real call over WebRTC with the staff test identity. */
function WebRtcTestPhone() {
  const { t, tv } = useT();
  const s = useStore(session);
  const numbers = s?.instance.phoneNumbers ?? [];
  const [to, setTo] = useState(numbers[0] ?? '');
  const [keys, setKeys] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const phoneRef = useRef<BrowserPhone | undefined>(undefined);
  const [status, setStatus] = useState<PhoneStatus | undefined>(undefined);
  const [contact, setContact] = useState<{ contactId: string; phase: string; queueId?: string; agentId?: string } | undefined>(undefined);
  const pending = useRef('');
  const live = status?.state === 'calling' || status?.state === 'in-call';

  useEffect(() => () => void phoneRef.current?.close(), []);
  // Keys typed before dialling go once the line answers (it asks for the customer number then).
  useEffect(() => {
    if (status?.state !== 'in-call' || !pending.current) return;
    const digits = pending.current;
    pending.current = '';
    void sendKeys(phoneRef.current, digits);
  }, [status?.state]);
  // The contact this phone started: staff receive every contact's events.
  useEvents((e: CenterEvent) => {
    const me = phoneRef.current?.username;
    if (e.type === 'contact.started' && me !== undefined && e.from === me && live) {
      setContact({ contactId: e.contactId, phase: 'flow' });
      return;
    }
    if (!contact || !('contactId' in e) || e.contactId !== contact.contactId) return;
    const phase = e.type === 'contact.queued' ? 'queued' : e.type === 'contact.offered' ? 'ringing' : e.type === 'contact.connected' ? 'connected'
      : e.type === 'contact.disconnected' ? 'ended' : e.type === 'contact.offerWithdrawn' ? 'queued' : undefined;
    if (phase) setContact({ ...contact, phase, ...('queueId' in e ? { queueId: e.queueId } : {}), ...('agentId' in e && e.agentId ? { agentId: e.agentId } : {}) });
  });

  const dial = async () => {
    setError(undefined);
    setContact(undefined);
    try {
      let p = phoneRef.current;
      if (!p) {
        const { BrowserPhone } = await loadBrowserPhone();
        p = new BrowserPhone('test-phone');
        phoneRef.current = p;
        p.onStatus(setStatus);
      }
      pending.current = keys;
      setKeys('');
      await p.call(to.replace(/[^0-9+]/g, ''));
    } catch (err) {
      setError(err);
    }
  };
  const press = (k: string) => {
    if (status?.state === 'in-call') phoneRef.current?.sendDtmf(k);
    else if (!live) setKeys((v) => v + k);
  };
  const hangUp = () => void phoneRef.current?.hangup();
  const phase = contact?.phase ?? (status?.state === 'calling' ? 'flow' : 'idle');

  return (
    <div class="phone-grid">
      <section class="panel dialer" aria-label={t('navPhone')} data-phone-state={status?.state ?? 'none'}>
        <label>{t('lineNumber')}
          <select name="to" value={to} disabled={live} onChange={(e) => setTo(e.currentTarget.value)}>
            {numbers.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <label>{t('keysToSend')}<input name="keys" value={keys} disabled={live} pattern="[0-9*#A-D]*" onInput={(e) => setKeys(e.currentTarget.value)} /></label>
        <Keypad onKey={press} />
        <div class="row">
          <button type="button" class="primary" disabled={live || !to} onClick={() => void dial()}>{t('dial')}</button>
          <button type="button" class="danger" disabled={!live} onClick={hangUp}>{t('hangUp')}</button>
        </div>
        {phoneRef.current?.username && <p class="note">{t('testPhoneIdentity', { u: phoneRef.current.username })}</p>}
        {status && <p class={`phone-state phone-${status.state}`} data-testid="phone-state"><span class="dot" aria-hidden="true" /> {t('phoneState', { s: tv('phone', status.state) })}</p>}
        {status?.errorKind === 'microphone' && <p class="error" role="alert">{t('micRefused')}</p>}
        {status?.error && status.errorKind !== 'microphone' && <p class="error" role="alert">{status.error}</p>}
        <ErrorBox error={error} />
      </section>
      <Section title={t('callStatus')} class="heard">
        <p class="call-status">{t('callStatus')}: <strong data-testid="call-phase">{tv('phase', phase)}</strong>
          {contact?.queueId && <> · {t('queue')}: {contact.queueId}</>}{contact?.agentId && <> · {t('agent')}: {contact.agentId}</>}</p>
      </Section>
    </div>
  );
}

/** Keys typed before dialling, once media flows both ways (a key sent before that is lost on the way). */
async function sendKeys(phone: BrowserPhone | undefined, digits: string): Promise<void> {
  for (let i = 0; i < 50 && ((await phone?.inbound())?.packetsReceived ?? 0) < 25; i++) await new Promise((r) => setTimeout(r, 100));
  for (const d of digits) {
    phone?.sendDtmf(d);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The simulated caller: no audio, the prompts it hears as text (the fallback). */
function SimulatedTestPhone() {
  const { t, tv } = useT();
  const s = useStore(session);
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
    return api<CallView>('POST', '/api/calls', body);
  });
  const press = (k: string) => {
    if (!live) {
      setKeys((v) => v + k);
      return;
    }
    void run(() => api<CallView>('POST', `/api/calls/${encodeURIComponent(call.contactId)}/keys`, { keys: k }));
  };
  const hangUp = () => call && run(() => api<CallView>('DELETE', `/api/calls/${encodeURIComponent(call.contactId)}`));

  return (
    <>
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
    </>
  );
}
