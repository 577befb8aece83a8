// The browser's phone: an agent's softphone and the test phone for callers, framework-free, over
// SIP.js. Signalling is SIP over WebSocket (RFC 7118) to the line's own origin (/sip), media is
// WebRTC (DTLS-SRTP + ICE, RFC 8827/8834) with G.711 — the line answers PCMU/PCMA only — and
// keys go as RFC 4733 telephone-events (RTCDTMFSender). The UI owns pages and buttons; this
// module owns one registration and at most one call, and tells the UI what happens by events.
import {
  Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent,
  type Session, type SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { SessionDescriptionHandler } from 'sip.js/lib/platform/web/index.js';

export type PhoneEvent =
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'incoming'; from: string; displayName: string; /** The line's contact (X-Chokutsu-Contact), and whether this re-attaches a call in progress (X-Chokutsu-Reattach). */ contactId?: string; reattach?: boolean }
  | { type: 'ringing' }
  | { type: 'connected' }
  | { type: 'ended'; reason: 'hangup' | 'remote-hangup' | 'declined' | 'cancelled' | 'failed' | 'busy' | 'no-answer' }
  | { type: 'error'; kind: 'microphone' | 'registration' | 'transport' | 'call'; message: string };

export interface SipPhoneOptions {
  /** wss://host/sip (ws:// on 127.0.0.1); by default the page's own origin. */
  url?: string;
  /** The agent's extension and phone password; without them the phone can only call out. */
  extension?: string;
  password?: string;
  /** The SIP domain (realm host); the URL's host by default. */
  domain?: string;
  displayName?: string;
  /** Where the other party is heard; a hidden <audio> element is made when absent. */
  audio?: HTMLAudioElement;
  onEvent: (event: PhoneEvent) => void;
}

/** The page's origin as a SIP WebSocket URL: wss on https pages (the only way browsers allow it). */
export function defaultSipUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sip`;
}

export class SipPhone {
  private readonly ua: UserAgent;
  private readonly registerer: Registerer | undefined;
  private readonly audio: HTMLAudioElement;
  private readonly domain: string;
  private session: Session | undefined;
  private microphone: string | undefined;
  private muted = false;
  private held = false;
  private started: Promise<void> | undefined;
  private hangingUp = false;

  constructor(private readonly options: SipPhoneOptions) {
    const url = options.url ?? defaultSipUrl(window.location);
    this.domain = options.domain ?? new URL(url).hostname;
    const user = options.extension ?? `web-${Math.random().toString(36).slice(2, 10)}`;
    const uri = UserAgent.makeURI(`sip:${user}@${this.domain}`);
    if (!uri) throw new Error(`cannot make a SIP URI of ${user}@${this.domain}`);
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: url },
      ...(options.extension !== undefined ? { authorizationUsername: options.extension } : {}),
      ...(options.password !== undefined ? { authorizationPassword: options.password } : {}),
      ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
      logLevel: 'error',
      // No STUN/TURN: the line is on the office network and answers from its host candidates.
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 1000 },
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        onDisconnect: (error) => {
          if (error) this.emit({ type: 'error', kind: 'transport', message: error.message });
        },
      },
    });
    if (options.extension !== undefined) {
      this.registerer = new Registerer(this.ua, { expires: 300 });
      this.registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) this.emit({ type: 'registered' });
        if (state === RegistererState.Unregistered) this.emit({ type: 'unregistered' });
      });
    }
    const audio = options.audio ?? document.createElement('audio');
    audio.autoplay = true;
    this.audio = audio;
  }

  /** Connects and registers as the extension (digest with the phone password). */
  async register(): Promise<void> {
    await this.start();
    if (!this.registerer) throw new Error('register needs an extension and a password');
    await this.registerer.register({
      requestDelegate: {
        onReject: (response) => this.emit({ type: 'error', kind: 'registration', message: `${response.message.statusCode} ${response.message.reasonPhrase}` }),
      },
    });
  }

  async unregister(): Promise<void> {
    await this.registerer?.unregister();
  }

  /** Calls a number (the line's, or an extension) on the line's domain. */
  async call(number: string): Promise<void> {
    if (this.session) throw new Error('a call is already in progress');
    await this.start();
    const target = UserAgent.makeURI(`sip:${number}@${this.domain}`);
    if (!target) throw new Error(`cannot call ${number}`);
    const inviter = new Inviter(this.ua, target, { sessionDescriptionHandlerOptions: this.mediaOptions() });
    this.track(inviter);
    await inviter.invite({
      requestDelegate: {
        onProgress: (response) => {
          if (response.message.statusCode === 180 || response.message.statusCode === 183) this.emit({ type: 'ringing' });
        },
        onReject: (response) => {
          const code = response.message.statusCode;
          this.endReason = code === 486 || code === 600 ? 'busy' : code === 487 ? 'cancelled' : code === 408 || code === 480 ? 'no-answer' : 'declined';
        },
      },
    }).catch((error: Error) => this.failed(error));
  }

  /** Answers the incoming call. */
  async answer(): Promise<void> {
    const session = this.session;
    if (!(session instanceof Invitation) || session.state !== SessionState.Initial) return;
    await session.accept({ sessionDescriptionHandlerOptions: this.mediaOptions() }).catch((error: Error) => this.failed(error));
  }

  /** Declines the incoming call (486 Busy Here: the line offers the contact to the next agent). */
  async decline(): Promise<void> {
    const session = this.session;
    if (!(session instanceof Invitation) || session.state !== SessionState.Initial) return;
    this.endReason = 'declined';
    await session.reject({ statusCode: 486 });
  }

  /** Hangs up: BYE once established, CANCEL while ringing out, 480 for an unanswered incoming call. */
  async hangup(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.endReason = 'hangup';
    this.hangingUp = true;
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) await session.cancel();
        else await (session as Invitation).reject({ statusCode: 480 });
        return;
      case SessionState.Established:
        await session.bye();
        return;
      default:
        return;
    }
  }

  /** Mutes the microphone without signalling (the track sends silence). */
  mute(on: boolean): void {
    this.muted = on;
    for (const sender of this.peerConnection()?.getSenders() ?? []) {
      if (sender.track) sender.track.enabled = !on && !this.held;
    }
  }

  /**
   * Hold. By default locally: the microphone sends silence and the other party is not played
   * (the call and its media stay up). With `reInvite`, as RFC 3264 §8.4 says: a re-INVITE offering
   * sendonly, then sendrecv to resume — the line must then answer re-INVITEs from its WebRTC leg;
   * until it does, the browser refuses the line's answer ("Incompatible receive direction") and
   * SIP.js ends the call, so it is off by default.
   */
  async hold(on: boolean, options: { reInvite?: boolean } = {}): Promise<void> {
    const session = this.session;
    if (!session || session.state !== SessionState.Established) return;
    if (options.reInvite) {
      const sdhOptions: SessionDescriptionHandlerOptions & { hold: boolean } = { ...this.mediaOptions(), hold: on };
      session.sessionDescriptionHandlerOptionsReInvite = sdhOptions;
      await session.invite().catch((error: Error) => this.emit({ type: 'error', kind: 'call', message: error.message }));
    }
    this.held = on;
    for (const sender of this.peerConnection()?.getSenders() ?? []) {
      if (sender.track) sender.track.enabled = !on && !this.muted;
    }
    this.audio.muted = on;
  }

  /** One key as an RFC 4733 telephone-event (RTCDTMFSender). */
  sendDtmf(digit: string): boolean {
    if (!/^[0-9*#A-D]$/.test(digit)) throw new Error(`not a DTMF key: ${digit}`);
    const handler = this.session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
    return handler?.sendDtmf(digit, { duration: 120, interToneGap: 70 }) ?? false;
  }

  /** Uses this microphone from now on, and at once in a call in progress. */
  async selectMicrophone(deviceId: string): Promise<void> {
    this.microphone = deviceId;
    const pc = this.peerConnection();
    if (!pc) return;
    const stream = await this.getMicrophone();
    const track = stream?.getAudioTracks()[0];
    if (!track) return;
    track.enabled = !this.muted && !this.held;
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== 'audio') continue;
      const old = sender.track;
      await sender.replaceTrack(track);
      old.stop();
    }
  }

  /** Ends the call and the registration; closes the WebSocket. */
  async close(): Promise<void> {
    await this.hangup().catch(() => undefined);
    await this.unregister().catch(() => undefined);
    await this.ua.stop();
  }

  /** The call's RTCPeerConnection, for statistics (e.g. audio levels) and tests. */
  peerConnection(): RTCPeerConnection | undefined {
    return (this.session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined)?.peerConnection;
  }

  // --- internals ---

  private endReason: Extract<PhoneEvent, { type: 'ended' }>['reason'] | undefined;

  private start(): Promise<void> {
    this.started ??= this.ua.start().catch((error: Error) => {
      this.started = undefined;
      this.emit({ type: 'error', kind: 'transport', message: error.message });
      throw error;
    });
    return this.started;
  }

  private mediaOptions(): SessionDescriptionHandlerOptions {
    return { constraints: { audio: this.microphone ? { deviceId: { exact: this.microphone } } : true, video: false } };
  }

  private async getMicrophone(): Promise<MediaStream | undefined> {
    try {
      return await navigator.mediaDevices.getUserMedia(this.mediaOptions().constraints as MediaStreamConstraints);
    } catch (error) {
      this.emit({ type: 'error', kind: 'microphone', message: (error as Error).message });
      return undefined;
    }
  }

  private onInvite(invitation: Invitation): void {
    if (this.session) {
      // One call at a time: the line offers the contact to someone else.
      void invitation.reject({ statusCode: 486 });
      return;
    }
    this.track(invitation);
    const from = invitation.remoteIdentity;
    const contactId = invitation.request.getHeader('X-Chokutsu-Contact');
    const reattach = invitation.request.getHeader('X-Chokutsu-Reattach');
    this.emit({
      type: 'incoming', from: from.uri.user ?? '', displayName: from.displayName || from.uri.user || '',
      ...(contactId ? { contactId } : reattach ? { contactId: reattach } : {}),
      ...(reattach ? { reattach: true } : {}),
    });
  }

  private track(session: Session): void {
    this.session = session;
    this.endReason = undefined;
    this.hangingUp = false;
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.held = false;
        this.audio.muted = false;
        this.attachAudio(session);
        if (this.muted) this.mute(true);
        this.emit({ type: 'connected' });
      }
      if (state === SessionState.Terminated) {
        if (this.session === session) this.session = undefined;
        this.audio.srcObject = null;
        const reason = this.endReason ?? (this.hangingUp ? 'hangup' : session instanceof Invitation && !session.dialog ? 'cancelled' : 'remote-hangup');
        this.emit({ type: 'ended', reason });
      }
    });
  }

  private attachAudio(session: Session): void {
    const handler = session.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
    if (handler) this.audio.srcObject = handler.remoteMediaStream;
    void this.audio.play().catch(() => undefined);
  }

  private failed(error: Error): void {
    // getUserMedia refused or no device: SIP.js reports it as the SDH's error.
    const microphone = /Permission|NotAllowed|NotFound|getUserMedia|device/i.test(`${error.name} ${error.message}`);
    this.emit({ type: 'error', kind: microphone ? 'microphone' : 'call', message: error.message });
    this.endReason ??= 'failed';
  }

  private emit(event: PhoneEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // a listener's error is the UI's
    }
  }
}
