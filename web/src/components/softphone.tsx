// The browser phone's place on the agent desktop: the choice "browser phone / desk phone"
// (remembered), the registration state, and on a call mute, hold, keypad and microphone. With the
// desk phone the controls are disabled: the API buttons (answer, decline, hang up) still work.
import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.ts';
import { useT } from '../i18n.ts';
import { choosePhoneMode } from '../phone/agent-phone.ts';
import { phone as phoneStore, phoneMode, webRtcAvailable, type PhoneStatus } from '../phone/phone.ts';
import { useStore } from '../store.ts';
import { Keypad } from './keypad.tsx';

export function usePhoneStatus(): PhoneStatus | undefined {
  const phone = useStore(phoneStore);
  const [status, setStatus] = useState<PhoneStatus | undefined>(phone?.status());
  useEffect(() => {
    setStatus(phone?.status());
    return phone?.onStatus(setStatus);
  }, [phone]);
  return status;
}

function useMicrophones(enabled: boolean): MediaDeviceInfo[] {
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    if (!enabled || !navigator.mediaDevices?.enumerateDevices) return;
    void navigator.mediaDevices.enumerateDevices().then((d) => setMics(d.filter((x) => x.kind === 'audioinput')), () => setMics([]));
  }, [enabled]);
  return mics;
}

/**
 * Hold for the contact the agent is on: the line plays its hold audio to the caller and the two stop
 * hearing each other (POST …/hold), with the browser phone or a desk phone alike.
 */
function useContactHold(contactId: string | undefined): { held: boolean; toggle: () => void } {
  const [held, setHeld] = useState(false);
  useEffect(() => setHeld(false), [contactId]);
  const toggle = () => {
    if (contactId === undefined) return;
    void api('POST', `/api/agent/contacts/${encodeURIComponent(contactId)}/hold`, { on: !held }).then(() => setHeld(!held), () => undefined);
  };
  return { held, toggle };
}

export function Softphone({ contactId }: { contactId?: string } = {}) {
  const { t, tv } = useT();
  const hold = useContactHold(contactId);
  const holdButton = (
    <button type="button" disabled={contactId === undefined} aria-pressed={hold.held} onClick={hold.toggle}>
      {hold.held ? t('unhold') : t('hold')}
    </button>
  );
  const phone = useStore(phoneStore);
  const mode = useStore(phoneMode);
  const status = usePhoneStatus();
  const registered = status?.state === 'registered' || status?.state === 'ringing' || status?.state === 'in-call';
  const mics = useMicrophones(registered);
  const inCall = status?.state === 'in-call';
  const off = !phone || !inCall;
  const canWebRtc = webRtcAvailable();
  return (
    <section class="panel softphone" aria-label={t('softphone')} data-plugged={phone ? 'yes' : 'no'} data-phone-state={status?.state ?? 'none'}>
      <h2>{t('softphone')}</h2>
      <div class="row phone-mode" role="radiogroup" aria-label={t('phoneMode')}>
        <span>{t('phoneMode')}:</span>
        <label><input type="radio" name="phone-mode" value="browser" checked={mode === 'browser'} disabled={!canWebRtc} onChange={() => void choosePhoneMode('browser')} /> {t('phoneModeBrowser')}</label>
        <label><input type="radio" name="phone-mode" value="desk" checked={mode === 'desk'} onChange={() => void choosePhoneMode('desk')} /> {t('phoneModeDesk')}</label>
      </div>
      {!canWebRtc && <p class="note">{t(session.get()?.instance.browserPhones ? 'noWebRtc' : 'noSipLine')}</p>}
      {mode === 'desk' && <p class="note">{t('phoneDeskNote')}</p>}
      {phone && status && (
        <p class={`phone-state phone-${status.state}`} data-testid="phone-state" role="status">
          <span class="dot" aria-hidden="true" /> {t('phoneState', { s: tv('phone', status.state) })}
        </p>
      )}
      {status?.errorKind === 'microphone' && <p class="error" role="alert">{t('micRefused')}</p>}
      {status?.error && status.errorKind !== 'microphone' && <p class="error" role="alert">{status.error}</p>}
      {!phone && <div class="row">{holdButton}</div>}
      {phone && (
        <>
          <div class="row">
            <button type="button" disabled={off} aria-pressed={status?.muted ?? false} onClick={() => phone.mute(!status?.muted)}>
              {status?.muted ? t('unmute') : t('mute')}
            </button>
            {holdButton}
            <label>
              {t('microphone')}{' '}
              <select name="microphone" disabled={!registered} onChange={(e) => void phone.selectMicrophone?.((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('micDefault')}</option>
                {mics.map((m) => <option key={m.deviceId} value={m.deviceId}>{m.label || m.deviceId}</option>)}
              </select>
            </label>
          </div>
          <Keypad disabled={off} onKey={(k) => phone.sendDtmf(k)} />
        </>
      )}
    </section>
  );
}
