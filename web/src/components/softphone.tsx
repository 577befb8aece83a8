// The browser phone's controls (mute, hold, keypad, microphone), driven by whatever phone module is
// plugged in (phone/phone.ts). Without one they are shown disabled with a note: the API buttons
// (answer, decline, hang up) still work and audio goes to the agent's desk phone.
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n.ts';
import { phone as phoneStore, type PhoneStatus } from '../phone/phone.ts';
import { useStore } from '../store.ts';
import { Keypad } from './keypad.tsx';

function usePhoneStatus(): PhoneStatus | undefined {
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

export function Softphone({ inCall }: { inCall: boolean }) {
  const { t } = useT();
  const phone = useStore(phoneStore);
  const status = usePhoneStatus();
  const mics = useMicrophones(phone !== undefined);
  const off = !phone;
  const micRefused = status?.error !== undefined && /NotAllowed|Permission|denied/i.test(status.error);
  return (
    <section class="panel softphone" aria-label={t('softphone')} data-plugged={phone ? 'yes' : 'no'}>
      <h2>{t('softphone')}</h2>
      {off && <p class="note">{t('phoneNotPlugged')}</p>}
      {status && <p class="phone-state">{t('phoneState', { s: status.state })}</p>}
      {micRefused && <p class="error" role="alert">{t('micRefused')}</p>}
      {status?.error && !micRefused && <p class="error" role="alert">{status.error}</p>}
      <div class="row">
        <button type="button" disabled={off || !inCall} aria-pressed={status?.muted ?? false} onClick={() => phone?.mute(!status?.muted)}>
          {status?.muted ? t('unmute') : t('mute')}
        </button>
        <button type="button" disabled={off || !inCall} aria-pressed={status?.held ?? false} onClick={() => void phone?.hold(!status?.held)}>
          {status?.held ? t('unhold') : t('hold')}
        </button>
        <label>
          {t('microphone')}{' '}
          <select disabled={off} onChange={(e) => void phone?.selectMicrophone?.((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('micDefault')}</option>
            {mics.map((m) => <option key={m.deviceId} value={m.deviceId}>{m.label || m.deviceId}</option>)}
          </select>
        </label>
      </div>
      <Keypad disabled={off || !inCall} onKey={(k) => phone?.sendDtmf(k)} />
    </section>
  );
}
