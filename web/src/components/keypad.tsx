// The twelve phone keys (and A–D hidden): a click sends one key.
import { useT } from '../i18n.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Keypad({ onKey, disabled }: { onKey: (key: string) => void; disabled?: boolean }) {
  const { t } = useT();
  return (
    <div class="keypad" role="group" aria-label={t('keypad')}>
      {KEYS.map((k) => (
        <button type="button" key={k} disabled={disabled} onClick={() => onKey(k)} aria-label={`key ${k}`}>{k}</button>
      ))}
    </div>
  );
}
