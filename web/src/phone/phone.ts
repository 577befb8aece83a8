// The place where a browser phone (WebRTC over SIP, web/src/phone/sip-phone.ts) plugs into the app.
// Until one is plugged in (the agent chose the desk phone, or the browser cannot), the agent desktop
// works through the API alone (accept, decline, hang up) and shows the audio controls disabled.
import { session } from '../api.ts';
import { store } from '../store.ts';

export type PhoneState = 'unregistered' | 'registering' | 'registered' | 'ringing' | 'calling' | 'in-call' | 'error';

export interface PhoneStatus {
  state: PhoneState;
  muted: boolean;
  held: boolean;
  /** Why the phone cannot work, e.g. the microphone was refused (NotAllowedError). */
  error?: string;
  errorKind?: 'microphone' | 'registration' | 'transport' | 'call';
  /** The call ringing in: who, and the line's contact it carries (a re-attach after a reload says so). */
  incoming?: { from: string; displayName: string; contactId?: string; reattach?: boolean };
  /** How the last call ended. */
  lastEnd?: string;
}

/** What the app asks of a phone; a WebRTC SIP phone implements it. */
export interface Phone {
  register(): Promise<void>;
  answer(): Promise<void>;
  /** Declines the call ringing in (the line offers the contact to the next agent at once). */
  decline?(): Promise<void>;
  hangup(): Promise<void>;
  mute(on: boolean): void;
  hold(on: boolean): Promise<void>;
  sendDtmf(digit: string): void;
  /** Dials a number of the line (the test phone) or an extension. */
  call(number: string): Promise<void>;
  /** Chooses the microphone (a deviceId from enumerateDevices). */
  selectMicrophone?(deviceId: string): Promise<void>;
  status(): PhoneStatus;
  onStatus(listener: (s: PhoneStatus) => void): () => void;
  /** Ends the registration (turned off, logged out). */
  close?(): Promise<void>;
}

/** The phone plugged in, if any: `plugPhone(createSipPhone(…))` from the phone module. */
export const phone = store<Phone | undefined>(undefined);

export function plugPhone(p: Phone | undefined): void {
  phone.set(p);
}

/** The agent's choice: answer in the browser (WebRTC) or on the desk phone; remembered per browser. */
export type PhoneMode = 'browser' | 'desk';
const MODE_KEY = 'chokutsu.phoneMode';

function savedMode(): PhoneMode {
  try {
    return localStorage.getItem(MODE_KEY) === 'browser' ? 'browser' : 'desk';
  } catch {
    return 'desk';
  }
}

export const phoneMode = store<PhoneMode>(savedMode());

export function rememberPhoneMode(mode: PhoneMode): void {
  try {
    localStorage.setItem(MODE_KEY, mode);
  } catch {
    // private mode: remembered for this page only
  }
  phoneMode.set(mode);
}

/** Unplugs and closes the phone plugged in, if any. */
export async function unplugPhone(): Promise<void> {
  const p = phone.get();
  plugPhone(undefined);
  await p?.close?.();
}

/** Whether this browser can be a phone here: the line has SIP, and WebRTC, a microphone API and a secure context (https or localhost). */
export function webRtcAvailable(): boolean {
  return session.get()?.instance.browserPhones === true && typeof RTCPeerConnection !== 'undefined' && window.isSecureContext
    && navigator.mediaDevices?.getUserMedia !== undefined;
}

/** The browser phone's module (SIP.js inside) loads only when a browser phone is wanted. */
export function loadBrowserPhone(): Promise<typeof import('./browser-phone.ts')> {
  return import('./browser-phone.ts');
}
