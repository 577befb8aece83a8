// The place where a browser phone (WebRTC over SIP, web/src/phone/sip-phone.ts) plugs into the app.
// Until one is plugged in, the agent desktop and the test phone work through the API alone (accept,
// decline, hang up; the simulated caller) and show the audio controls disabled with a note.
import { store } from '../store.ts';

export type PhoneState = 'unregistered' | 'registering' | 'registered' | 'ringing' | 'calling' | 'in-call' | 'error';

export interface PhoneStatus {
  state: PhoneState;
  muted: boolean;
  held: boolean;
  /** Why the phone cannot work, e.g. the microphone was refused (NotAllowedError). */
  error?: string;
}

/** What the app asks of a phone; a WebRTC SIP phone implements it. */
export interface Phone {
  register(): Promise<void>;
  answer(): Promise<void>;
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
}

/** The phone plugged in, if any: `plugPhone(createSipPhone(…))` from the phone module. */
export const phone = store<Phone | undefined>(undefined);

export function plugPhone(p: Phone | undefined): void {
  phone.set(p);
}
