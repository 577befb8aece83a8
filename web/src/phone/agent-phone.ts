// The agent's browser phone over the app's life: registered while the agent has chosen it and is
// signed in (whatever page is open), unregistered when they choose the desk phone or log out.
import { loadBrowserPhone, phone, phoneMode, plugPhone, rememberPhoneMode, unplugPhone, webRtcAvailable, type PhoneMode } from './phone.ts';

/** Registers the agent's browser phone, unless one is plugged in already; errors are in its status. */
export async function startAgentPhone(): Promise<void> {
  if (phone.get() || !webRtcAvailable()) return;
  const { BrowserPhone } = await loadBrowserPhone();
  if (phone.get()) return;
  const p = new BrowserPhone('agent');
  plugPhone(p);
  await p.register().catch(() => undefined);
}

export async function choosePhoneMode(mode: PhoneMode): Promise<void> {
  rememberPhoneMode(mode);
  if (mode === 'browser') await startAgentPhone();
  else await unplugPhone();
}

/** At sign-in or page load: the browser phone again if the agent chose it. */
export function resumeAgentPhone(isAgent: boolean): void {
  if (isAgent && phoneMode.get() === 'browser') void startAgentPhone();
  if (!isAgent) void unplugPhone();
}
