// The browser phone as the app uses it (the `Phone` of phone.ts) over SipPhone: it asks the API for
// short-lived SIP credentials (POST /api/phone/credentials: an agent's extension, or staff's
// test-phone identity), asks for the microphone first so a refusal is said plainly, registers over
// the page's own origin (/sip), and turns SIP events into one status the pages render.
import { api } from '../api.ts';
import type { Phone, PhoneStatus } from './phone.ts';
import { defaultSipUrl, SipPhone, type PhoneEvent } from './sip-phone.ts';

export type PhoneUse = 'agent' | 'test-phone';

interface Credentials { username: string; password: string; domain: string; wsPath: string; expiresAt: string }

export class BrowserPhone implements Phone {
  private sip: SipPhone | undefined;
  private st: PhoneStatus = { state: 'unregistered', muted: false, held: false };
  private readonly listeners = new Set<(s: PhoneStatus) => void>();
  private registered = false;
  /** The identity the API gave (the extension, or test-<username>). */
  username: string | undefined;

  constructor(private readonly use: PhoneUse) {}

  async register(): Promise<void> {
    if (this.sip) return;
    this.set({ state: 'registering', error: undefined, errorKind: undefined });
    // The microphone first: a refusal is a clear message now, not a failed call later.
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      this.set({ state: 'error', error: `${(error as Error).name}: ${(error as Error).message}`, errorKind: 'microphone' });
      throw error;
    }
    let c: Credentials;
    try {
      c = await api<Credentials>('POST', '/api/phone/credentials', { use: this.use });
    } catch (error) {
      this.set({ state: 'error', error: (error as Error).message, errorKind: 'registration' });
      throw error;
    }
    this.username = c.username;
    const url = `${defaultSipUrl(location).replace(/\/sip$/, '')}${c.wsPath}`;
    this.sip = new SipPhone({ url, extension: c.username, password: c.password, domain: c.domain, onEvent: (e) => this.onEvent(e) });
    await this.sip.register();
  }

  async answer(): Promise<void> {
    await this.sip?.answer();
  }

  async decline(): Promise<void> {
    await this.sip?.decline();
  }

  async hangup(): Promise<void> {
    await this.sip?.hangup();
  }

  mute(on: boolean): void {
    this.sip?.mute(on);
    this.set({ muted: on });
  }

  async hold(on: boolean): Promise<void> {
    await this.sip?.hold(on);
    this.set({ held: on });
  }

  sendDtmf(digit: string): void {
    this.sip?.sendDtmf(digit);
  }

  async call(number: string): Promise<void> {
    if (!this.sip) await this.register();
    this.set({ state: 'calling', error: undefined, errorKind: undefined, muted: false, held: false });
    await this.sip?.call(number);
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    await this.sip?.selectMicrophone(deviceId);
  }

  status(): PhoneStatus {
    return this.st;
  }

  onStatus(listener: (s: PhoneStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends any call and the registration, and closes the socket (turning the browser phone off, logging out). */
  async close(): Promise<void> {
    const sip = this.sip;
    this.sip = undefined;
    this.registered = false;
    await sip?.close().catch(() => undefined);
    this.set({ state: 'unregistered', incoming: undefined, muted: false, held: false });
  }

  /** The call's inbound audio statistics (level, packets), for the page and tests. */
  async inbound(): Promise<{ totalAudioEnergy: number; packetsReceived: number } | undefined> {
    const stats = await this.sip?.peerConnection()?.getStats();
    let found: { totalAudioEnergy: number; packetsReceived: number } | undefined;
    stats?.forEach((s: { type: string; kind?: string; totalAudioEnergy?: number; packetsReceived?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') found = { totalAudioEnergy: s.totalAudioEnergy ?? 0, packetsReceived: s.packetsReceived ?? 0 };
    });
    return found;
  }

  private onEvent(e: PhoneEvent): void {
    switch (e.type) {
      case 'registered':
        this.registered = true;
        if (this.st.state === 'registering' || this.st.state === 'unregistered' || this.st.state === 'error') this.set({ state: 'registered', error: undefined, errorKind: undefined });
        return;
      case 'unregistered':
        this.registered = false;
        if (this.st.state === 'registered') this.set({ state: 'unregistered' });
        return;
      case 'incoming':
        this.set({
          state: 'ringing',
          incoming: { from: e.from, displayName: e.displayName, ...(e.contactId ? { contactId: e.contactId } : {}), ...(e.reattach ? { reattach: true } : {}) },
        });
        return;
      case 'ringing':
        return;
      case 'connected':
        this.set({ state: 'in-call', muted: this.st.muted, held: false });
        return;
      case 'ended':
        this.set({ state: this.registered ? 'registered' : 'unregistered', incoming: undefined, held: false, muted: false, lastEnd: e.reason });
        return;
      case 'error':
        this.set({ error: e.message, errorKind: e.kind, ...(e.kind === 'registration' || e.kind === 'transport' ? { state: 'error' } : {}) });
        return;
    }
  }

  private set(patch: Partial<PhoneStatus>): void {
    const next = { ...this.st, ...patch } as PhoneStatus;
    for (const k of Object.keys(next) as (keyof PhoneStatus)[]) if (next[k] === undefined) delete next[k];
    this.st = next;
    for (const l of this.listeners) l(next);
  }
}
