// The telephone side of the line: callers arrive by SIP (trunks, phones), hear the flow's prompts
// over RTP and press keys; when the router offers the contact to an agent whose phone is
// registered, the phone rings, and on answer the two legs are bridged (B2BUA) and recorded.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ContactEffect } from '../flow/interpreter.ts';
import type { OutboundTrunk, TelephonyConfig } from '../instance/types.ts';
import type { CallbackDialer, CallerChannel, CenterEvent, ContactCenter } from '../runtime/contact-center.ts';
import { TimerScheduler, type Clock, type Scheduler } from '../runtime/scheduler.ts';
import { PollyClient } from '@aws-sdk/client-polly';
import { EspeakEngine, PollyEngine, PromptRenderer } from './media/prompts.ts';
import { LocalMediaPlane, type LineBridge, type LineRecorder, type MediaPlane, type RtpLeg } from './media/plane.ts';
import { defaultMediaWorkers, MediaWorkerPool } from './media-worker/pool.ts';
import { holdAudio } from './media/hold-audio.ts';
import { PortAllocator, PortsExhaustedError } from './rtp/ports.ts';
import { SdpSession, type AnswerOutcome } from './sdp/session.ts';
import { parseUri } from './sip/message.ts';
import { SipUserAgent, type Endpoint, type IncomingCall, type OutgoingCall, type Reoffer } from './sip/user-agent.ts';
import type { CallLeg, LegStats } from './media/leg.ts';
import { isWebRtcSdp, WebRtcLeg } from './webrtc/webrtc-leg.ts';

/** The line's number a caller dialled (E.164), or why the dialled string is none of them. */
export type DialedNumber = { ok: true; number: string } | { ok: false; message: string };

/** What the SIP side needs from the line; the composition root (src/app/) provides it. */
export interface SipLineDeps {
  center: Pick<ContactCenter, 'startContact' | 'dtmf' | 'promptFinished' | 'customerHangUp' | 'accept' | 'decline' | 'offerFailed' | 'agentHangUp'
    | 'recordingStarted' | 'recordingFailed' | 'holdStarted' | 'holdEnded' | 'thirdPartyAnswered' | 'thirdPartyFailed' | 'thirdPartyHungUp'
    | 'callbackAnswered' | 'callbackFailed'>;
  /** Which of the line's phone numbers a dialled string (URI user part, with any phone-context) is. */
  lineNumber(dialed: string): DialedNumber;
  /** Contact and agent events (offers ring the agent's phone). */
  subscribe(send: (event: CenterEvent) => void): () => void;
  /** The extension an agent's desk phone registers as, if the agent has one. */
  agentExtension(agentId: string): string | undefined;
  /** Digest HA1 of a phone's credentials in this realm, if the phone is known: a desk phone's and a signed-in browser's may both hold. */
  phoneHa1(username: string, realm: string): string | readonly string[] | undefined;
  newContactId(): string;
  /** The line places callbacks (CreateCallbackContact) through its outbound trunk. */
  setCallbackDialer?(dialer: CallbackDialer | undefined): void;
  clock: Clock;
  /** The instance's language (espeak-ng voice) and AWS region (Polly). */
  language: string;
  awsRegion?: string;
}

export interface SipLineOptions {
  deps: SipLineDeps;
  dataDir: string;
  config: TelephonyConfig;
  log: (line: string) => void;
  /** Overrides for tests: listen on port 0 and a small RTP range. */
  sipPort?: number;
  /** How long a browser agent whose connection dropped (a page reload) may take to come back; 30 s by default. */
  reattachGraceMs?: number;
  /** Timers (the re-attach grace); a real one by default. */
  scheduler?: Scheduler;
}

/** A browser agent whose page reloaded has this long to register again before the call ends. */
export const DEFAULT_REATTACH_GRACE_MS = 30_000;

const CODECS = ['PCMU', 'PCMA'] as const;

/** Plain RTP and its RFC 3264 offer/answer state (re-offers, hold); a WebRTC leg negotiates itself. */
interface RtpNegotiation {
  readonly rtp: RtpLeg;
  readonly sdp: SdpSession;
}

/** One media leg of a contact: the caller's or the agent phone's, RTP (trunks, phones) or WebRTC (browsers). */
interface NegotiatedLeg {
  readonly contactId: string;
  readonly side: 'customer' | 'agent';
  readonly rtp: CallLeg;
  /** Absent on a WebRTC leg: its peer connection answers for it. */
  readonly negotiation: RtpNegotiation | undefined;
  /** The peer holds us (RFC 3264 §8.4). */
  held: boolean;
}

/** The dialled string of a SIP or tel URI: its user part, with a tel URI's phone-context. */
function dialString(uri: string): string | undefined {
  const parsed = parseUri(uri);
  if (!parsed?.user) return undefined;
  const context = parsed.scheme === 'tel' ? parsed.params['phone-context'] : undefined;
  return context === undefined ? parsed.user : `${parsed.user};phone-context=${context}`;
}

/** A caller on a SIP leg. */
class SipCaller implements CallerChannel, NegotiatedLeg {
  private playToken = 0;
  private ended = false;
  recordedParticipants: string[] = [];
  readonly side = 'customer';
  held = false;

  constructor(
    readonly contactId: string,
    readonly call: IncomingCall,
    /** The caller's media: RTP from a trunk or phone, WebRTC from a browser. */
    readonly rtp: CallLeg,
    readonly negotiation: RtpNegotiation | undefined,
    private readonly line: SipLine,
  ) {}

  playPrompt(effect: Extract<ContactEffect, { type: 'PlayPrompt' }>): void {
    const token = ++this.playToken;
    void this.line.audioFor(effect).then(async (pcm) => {
      if (token !== this.playToken || this.ended) return;
      const end = pcm ? await this.rtp.play(pcm) : 'finished';
      if (end === 'finished' && token === this.playToken && !this.ended) {
        this.line.deps.center.promptFinished(this.contactId, effect.actionId);
      }
    });
  }

  stopPrompt(): void {
    this.playToken++;
    this.rtp.stop();
  }

  recordingChanged(participants: string[]): void {
    this.recordedParticipants = participants;
  }

  dialThirdParty(effect: Extract<ContactEffect, { type: 'DialThirdParty' }>): void {
    void this.line.dialThirdParty(this, effect);
  }

  cancelThirdParty(): void {
    this.line.hangUpThirdParty(this.contactId);
  }

  hangUp(): void {
    if (this.ended) return;
    this.ended = true;
    this.playToken++;
    this.call.hangUp();
    this.line.endCustomerLeg(this.contactId);
  }

  /** The caller left (BYE or CANCEL): no BYE back. */
  left(): void {
    this.ended = true;
    this.playToken++;
  }
}

/**
 * The customer of a callback contact: nobody is on the line until an agent takes the contact, then
 * the line calls the customer through the trunk and bridges them with the agent's phone.
 */
class CallbackCustomer implements CallerChannel {
  constructor(
    readonly contactId: string, readonly number: string, readonly lineNumber: string,
    /** The caller's flow asked for recording (UpdateContactRecordingBehavior): the callback call is recorded too. */
    readonly recordedParticipants: readonly string[], private readonly line: SipLine,
  ) {}

  // A callback runs no flow of its own: nothing is played to it.
  playPrompt(): void {}
  stopPrompt(): void {}

  connected(agentId: string): void {
    void this.line.dialCallback(this, agentId);
  }

  hangUp(): void {
    this.line.endCallback(this.contactId);
  }
}

interface AgentLeg extends NegotiatedLeg {
  agentId: string;
  /** A browser agent's leg, which takes the phone's answer itself. */
  webrtc?: WebRtcLeg;
  call?: OutgoingCall;
  bridge?: LineBridge;
  recorder?: LineRecorder;
  answered: boolean;
  closed: boolean;
  /** The browser's connection dropped mid-call (a reload): unbridged, the recorder kept, waiting for it to come back. */
  detached?: boolean;
  /** The fresh INVITE to the browser's new binding, while it rings. */
  reattaching?: AgentLeg;
}

/** The outbound leg of TransferParticipantToThirdParty: a number dialled through the trunk, bridged with the caller. */
interface ThirdPartyLeg extends NegotiatedLeg {
  readonly number: string;
  readonly negotiation: RtpNegotiation;
  call?: OutgoingCall;
  bridge?: LineBridge;
  recorder?: LineRecorder;
  answered: boolean;
  closed: boolean;
}

/** Connect's ThirdPartyConnectionTimeLimitSeconds tops out at 600 s; with no limit the trunk's ringing stops there too. */
const THIRD_PARTY_RING_MS = 600_000;
/** A comma in ThirdPartyDTMFDigits is a pause. */
const DTMF_PAUSE_MS = 500;

export class SipLine {
  readonly callers = new Map<string, SipCaller>();
  private readonly thirdParties = new Map<string, ThirdPartyLeg>(); // by contact id
  /** Callback contacts (CreateCallbackContact): the customer to call, and their leg once dialled. */
  private readonly callbackCustomers = new Map<string, CallbackCustomer>();
  private readonly callbackLegs = new Map<string, ThirdPartyLeg>();
  private readonly agentLegs = new Map<string, AgentLeg>(); // by contact id
  private readonly ports: PortAllocator;
  private readonly prompts: PromptRenderer;
  private readonly host: string;
  private readonly rtpHost: string;
  private readonly usesPolly: boolean;
  private unsubscribe: () => void = () => {};
  /** Set by close(): new INVITEs get 503 while the line goes down. */
  private closing = false;
  /** Agent legs being closed (their recordings finishing); close() waits for them. */
  private readonly legsClosing = new Set<Promise<void>>();
  private readonly scheduler: Scheduler;
  /** Where RTP legs, bridges and recordings run: media worker threads, or this thread. */
  readonly media: MediaPlane;

  private constructor(readonly deps: SipLineDeps, readonly sip: SipUserAgent, private readonly o: SipLineOptions) {
    const rtp = o.config.rtp ?? {};
    this.ports = new PortAllocator({ min: rtp.portMin ?? 10000, max: rtp.portMax ?? 20000 });
    this.host = o.config.sip?.host ?? '127.0.0.1';
    this.scheduler = o.scheduler ?? new TimerScheduler();
    this.rtpHost = rtp.host ?? this.host;
    const workers = rtp.mediaWorkers ?? defaultMediaWorkers();
    this.media = workers === 0
      ? new LocalMediaPlane({ allocator: this.ports, bindAddress: this.rtpHost })
      : new MediaWorkerPool({ workers, allocator: this.ports, bindAddress: this.rtpHost, log: o.log, legFailed: (leg, err) => this.mediaLegFailed(leg, err) });
    const wpm = o.config.tts?.wordsPerMinute;
    this.usesPolly = o.config.tts?.engine === 'polly';
    // Polly takes its credentials from the AWS SDK's default chain (environment, profile, role).
    const engine = this.usesPolly
      ? new PollyEngine({ client: new PollyClient({ region: deps.awsRegion ?? 'ap-northeast-1' }) })
      : new EspeakEngine(wpm ? { wordsPerMinute: wpm } : {});
    this.prompts = new PromptRenderer({ cacheDir: join(o.dataDir, 'cache', 'prompts'), engine });
  }

  static async start(o: SipLineOptions): Promise<SipLine> {
    const sipConfig = o.config.sip ?? {};
    const realm = sipConfig.realm ?? 'chokutsu';
    const sip = await SipUserAgent.start({
      host: sipConfig.host ?? '127.0.0.1',
      port: o.sipPort ?? sipConfig.port ?? 5060,
      udp: sipConfig.udp ?? true,
      tcp: sipConfig.tcp ?? true,
      realm,
      lookupHa1: (username) => o.deps.phoneHa1(username, realm),
      trunks: o.config.trunks ?? [],
      log: o.log,
    });
    const line = new SipLine(o.deps, sip, o);
    sip.on('incomingCall', (call) => void line.onIncomingCall(call));
    sip.on('connectionClosed', (peer) => line.onConnectionClosed(peer));
    sip.on('registered', ({ aor }) => line.onRegistered(aor));
    line.unsubscribe = o.deps.subscribe((e) => line.onCenterEvent(e));
    o.deps.setCallbackDialer?.({ channel: (contactId, call) => line.callbackChannel(contactId, call) });
    return line;
  }

  get port(): number {
    return this.sip.port;
  }

  /** RTP statistics of the open media legs (callers and agent phones), for monitoring and benchmarks. */
  mediaStats(): { customer: LegStats[]; agent: LegStats[] } {
    return {
      customer: [...this.callers.values()].map((c) => c.rtp.stats()),
      agent: [...this.agentLegs.values()].map((leg) => leg.rtp.stats()),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.unsubscribe();
    for (const c of this.callers.values()) c.hangUp();
    for (const leg of this.agentLegs.values()) await this.closeAgentLeg(leg);
    this.deps.setCallbackDialer?.(undefined);
    for (const leg of [...this.thirdParties.values(), ...this.callbackLegs.values()]) await this.closeThirdParty(leg, true);
    await Promise.all(this.legsClosing);
    // Callers' legs close without being awaited (hangUp); their workers go now all the same.
    await this.media.close();
    this.scheduler.clearAll();
    await this.sip.close();
  }

  /** The prompt as 8 kHz PCM: a prompt's WAV file, or text rendered by TTS (cached). */
  async audioFor(effect: Extract<ContactEffect, { type: 'PlayPrompt' }>): Promise<Int16Array | undefined> {
    const c = effect.content;
    const language = this.deps.language;
    const result = c.prompt?.file
      ? await this.prompts.fromFile(resolve(this.o.dataDir, c.prompt.file))
      // The flow's voice (e.g. Kazuha) is a Polly voice; espeak-ng speaks by language, without SSML.
      : await this.prompts.render(this.usesPolly
        ? { text: c.text ?? c.ssml ?? c.prompt?.text ?? '', language, voice: effect.voice.name }
        : { text: c.text ?? c.ssml?.replace(/<[^>]*>/g, '') ?? c.prompt?.text ?? '', language });
    if (!result.ok) {
      this.o.log(`prompt ${effect.actionId}: ${result.error.message}`);
      return undefined;
    }
    return result.pcm;
  }

  private async onIncomingCall(call: IncomingCall): Promise<void> {
    if (this.closing) {
      call.reject(503); // RFC 3261 §21.5.4: the line is going down
      return;
    }
    const dialed = this.dialedNumber(call);
    if (dialed === undefined) return;
    if (isWebRtcSdp(call.remoteSdp)) {
      await this.answerBrowserCaller(call, dialed);
      return;
    }
    const rtp = await this.openCallerRtp(call);
    if (!rtp) return;
    if (this.closing) {
      call.reject(503);
      await rtp.close();
      return;
    }
    const negotiation = { rtp, sdp: this.sdpSession(rtp) };
    const caller = new SipCaller(this.deps.newContactId(), call, rtp, negotiation, this);
    if (call.remoteSdp === '') this.offerToCaller(caller, negotiation, dialed);
    else this.answerCaller(caller, negotiation, dialed);
  }

  private sdpSession(rtp: RtpLeg): SdpSession {
    return new SdpSession({ localAddress: this.rtpHost, localPort: rtp.localPort, codecs: [...CODECS], sessionId: String(rtp.ssrc) });
  }

  /** A browser's offer (ICE, DTLS-SRTP): a WebRTC leg answers it (webrtc/webrtc-leg.ts). */
  private async answerBrowserCaller(call: IncomingCall, dialed: string): Promise<void> {
    let answered: { leg: WebRtcLeg; sdp: string };
    try {
      answered = await WebRtcLeg.answer(call.remoteSdp, { host: this.rtpHost, log: this.o.log });
    } catch (err) {
      this.o.log(`call ${call.callId}: 488, WebRTC offer not answerable: ${(err as Error).message}`);
      call.reject(488, { code: 399, text: 'WebRTC offer not answerable' });
      return;
    }
    if (this.closing) {
      call.reject(503);
      await answered.leg.close();
      return;
    }
    const caller = new SipCaller(this.deps.newContactId(), call, answered.leg, undefined, this);
    call.ringing();
    call.answer(answered.sdp);
    this.startCallerContact(caller, dialed);
  }

  /** The line's number the caller dialled (Request-URI, else To); any other gets 404 and a log line. */
  private dialedNumber(call: IncomingCall): string | undefined {
    let refusal = 'no number in the Request-URI or To';
    for (const uri of [call.requestUri, call.to.uri]) {
      const dialed = dialString(uri);
      if (dialed === undefined) continue;
      const found = this.deps.lineNumber(dialed);
      if (found.ok) return found.number;
      if (uri === call.requestUri) refusal = found.message;
    }
    this.o.log(`call ${call.callId} from ${call.callerNumber || 'anonymous'}: 404, ${refusal}`);
    call.reject(404);
    return undefined;
  }

  private async openCallerRtp(call: IncomingCall): Promise<RtpLeg | undefined> {
    try {
      const rtp = await this.media.openRtp();
      rtp.setSignallingAddress(call.source.address);
      return rtp;
    } catch (err) {
      this.o.log(`call ${call.callId}: ${err instanceof PortsExhaustedError ? 'no RTP port free' : (err as Error).message}`);
      call.reject(503);
      return undefined;
    }
  }

  /** The INVITE's offer answered in the 200 (RFC 3264 §6); the flow starts at once. */
  private answerCaller(caller: SipCaller, { rtp, sdp }: RtpNegotiation, dialed: string): void {
    const { call } = caller;
    const ans = sdp.answer(call.remoteSdp);
    if (!ans.ok) {
      this.o.log(`call ${call.callId}: 488, ${ans.warning.text}`);
      call.reject(488, ans.warning);
      void rtp.close();
      return;
    }
    rtp.configure(ans.negotiated);
    rtp.start();
    call.ringing();
    call.answer(ans.sdp);
    this.startCallerContact(caller, dialed);
  }

  /** Delayed offer (RFC 3261 §13.2.1): our offer in the 200, the answer in the ACK; the flow starts then. */
  private offerToCaller(caller: SipCaller, { rtp, sdp }: RtpNegotiation, dialed: string): void {
    const { call } = caller;
    call.ringing();
    call.answer(sdp.offer());
    this.wireCaller(caller);
    call.once('confirmed', (answerSdp) => {
      const ans = sdp.acceptAnswer(answerSdp);
      if (!ans.ok) {
        // §13.3.1.4: an unacceptable answer in the ACK ends the session with BYE.
        this.o.log(`call ${call.callId}: ${ans.warning.text}; hanging up`);
        caller.hangUp();
        return;
      }
      rtp.configure(ans.negotiated);
      rtp.start();
      this.deps.center.startContact(caller, { contactId: caller.contactId, from: call.callerNumber, to: dialed });
    });
  }

  private startCallerContact(caller: SipCaller, dialed: string): void {
    this.wireCaller(caller);
    this.deps.center.startContact(caller, { contactId: caller.contactId, from: caller.call.callerNumber, to: dialed });
  }

  /** The caller's keys, hang-up and session changes go to the contact center. */
  private wireCaller(caller: SipCaller): void {
    const { contactId, call, rtp } = caller;
    this.callers.set(contactId, caller);
    rtp.listen({ dtmf: (digit) => this.deps.center.dtmf(contactId, digit) });
    call.on('dtmf', (e) => this.deps.center.dtmf(contactId, e.digit));
    call.on('reoffer', (reoffer) => this.renegotiate(caller, reoffer));
    call.on('hungUp', () => {
      caller.left();
      this.deps.center.customerHangUp(contactId);
      this.endCustomerLeg(contactId);
    });
  }

  /**
   * A re-INVITE or UPDATE on either leg (RFC 3264 §8): answered for real — hold (recvonly or
   * inactive back, nothing sent), resume, a new address or codec; hold is counted on the contact.
   */
  private renegotiate(leg: NegotiatedLeg, reoffer: Reoffer): void {
    const negotiation = leg.negotiation;
    if (!negotiation) {
      // A browser's peer connection would have to answer a re-offer itself (werift renegotiation);
      // the phone module holds and mutes locally instead.
      this.o.log(`contact ${leg.contactId}: ${leg.side} ${reoffer.method} on a WebRTC leg refused (488)`);
      reoffer.reject(488, { code: 399, text: 'WebRTC legs do not renegotiate' });
      return;
    }
    if (reoffer.sdp === '') {
      reoffer.accept(negotiation.sdp.offer());
      reoffer.once('acked', (answerSdp) => {
        const ans = negotiation.sdp.acceptAnswer(answerSdp);
        if (ans.ok) this.applyMedia(leg, negotiation, ans);
        else this.o.log(`contact ${leg.contactId}: ${leg.side} re-INVITE: ${ans.warning.text}; media unchanged`);
      });
      return;
    }
    const ans = negotiation.sdp.answer(reoffer.sdp);
    if (!ans.ok) {
      this.o.log(`contact ${leg.contactId}: ${leg.side} ${reoffer.method} refused (488): ${ans.warning.text}`);
      reoffer.reject(488, ans.warning);
      return;
    }
    reoffer.accept(ans.sdp);
    this.applyMedia(leg, negotiation, ans);
  }

  private applyMedia(leg: NegotiatedLeg, negotiation: RtpNegotiation, ans: Extract<AnswerOutcome, { ok: true }>): void {
    negotiation.rtp.configure(ans.negotiated);
    if (ans.held === leg.held) return;
    leg.held = ans.held;
    if (ans.held) this.deps.center.holdStarted(leg.contactId, leg.side);
    else this.deps.center.holdEnded(leg.contactId, leg.side);
  }

  /**
   * A media leg was lost under its call (its media worker died): the call ends as if its party had
   * hung up, with a BYE to whoever is still on it, so the contact and its recording are closed. An
   * agent's phone still ringing is cancelled instead and the offer withdrawn as not the agent's
   * doing: the contact goes back to its queue (agentRingFailed).
   */
  private mediaLegFailed(leg: CallLeg, err: Error): void {
    for (const caller of this.callers.values()) {
      if (caller.rtp !== leg) continue;
      this.o.log(`contact ${caller.contactId}: the caller's media leg failed; ending the call`);
      this.deps.center.customerHangUp(caller.contactId);
      caller.hangUp();
      return;
    }
    for (const agentLeg of this.agentLegs.values()) {
      if (agentLeg.rtp !== leg) continue;
      if (!agentLeg.answered) return this.agentRingFailed(agentLeg, `the media of agent ${agentLeg.agentId}'s phone failed (${err.message})`);
      this.o.log(`contact ${agentLeg.contactId}: agent ${agentLeg.agentId}'s media leg failed; ending the agent's call`);
      agentLeg.call?.hangUp();
      this.agentHungUp(agentLeg);
      return;
    }
    const third = [...this.thirdParties.values()].find((t) => t.rtp === leg);
    if (third && !third.closed) {
      this.o.log(`contact ${third.contactId}: third party ${third.number}'s media leg failed; hanging up`);
      void this.closeThirdParty(third, true);
      if (third.answered) this.deps.center.thirdPartyHungUp(third.contactId);
      else this.deps.center.thirdPartyFailed(third.contactId, 'media leg failed');
      return;
    }
    const callback = [...this.callbackLegs.values()].find((t) => t.rtp === leg);
    if (callback && !callback.closed) {
      this.o.log(`contact ${callback.contactId}: callback customer's media leg failed; ending the call`);
      void this.closeThirdParty(callback, true);
      this.deps.center.customerHangUp(callback.contactId);
      this.endCallback(callback.contactId);
    }
  }

  endCustomerLeg(contactId: string): void {
    const caller = this.callers.get(contactId);
    if (!caller) return;
    this.callers.delete(contactId);
    const leg = this.agentLegs.get(contactId);
    if (leg) void this.closeAgentLeg(leg, true);
    const third = this.thirdParties.get(contactId);
    if (third) void this.closeThirdParty(third, true);
    void caller.rtp.close();
  }

  // --- The third party (TransferParticipantToThirdParty) ---

  /**
   * INVITE sip:<number>@trunk with the caller ID as From user; digest if the trunk challenges. On
   * answer the caller is bridged to it (and recorded if the flow asked), like an agent's phone.
   */
  async dialThirdParty(caller: SipCaller, effect: Extract<ContactEffect, { type: 'DialThirdParty' }>): Promise<void> {
    const { contactId } = caller;
    const placed = await this.trunkCall(this.thirdParties, contactId, effect.number,
      (outbound) => ({ user: effect.callerId?.number ?? outbound.callerId ?? (caller.call.callerNumber || 'anonymous'), displayName: effect.callerId?.name }),
      () => this.callers.has(contactId), caller.rtp);
    if (typeof placed === 'string') return this.deps.center.thirdPartyFailed(contactId, placed);
    if (!placed) return;
    const { leg, call, trunk } = placed;
    call.on('answered', (remoteSdp) => void this.thirdPartyAnswered(leg, caller, remoteSdp, effect.dtmf));
    call.on('failed', ({ status, reason }) => {
      if (leg.closed) return;
      void this.closeThirdParty(leg);
      this.deps.center.thirdPartyFailed(contactId, `${status} ${reason} from trunk ${trunk} (call ${call.callId})`);
    });
    call.on('hungUp', () => {
      if (leg.closed) return;
      void this.closeThirdParty(leg);
      this.deps.center.thirdPartyHungUp(contactId);
    });
  }

  /**
   * An INVITE sip:<number>@trunk with its own RTP leg (kept in `legs`), digest if the trunk challenges:
   * the call, or why none was made (undefined: no longer wanted).
   */
  private async trunkCall(
    legs: Map<string, ThirdPartyLeg>, contactId: string, number: string,
    from: (outbound: OutboundTrunk) => { user: string; displayName: string | undefined }, wanted: () => boolean,
    /** The contact's leg this one is bridged with: the two share a media worker. */
    near: CallLeg | undefined,
  ): Promise<{ leg: ThirdPartyLeg; call: OutgoingCall; trunk: string } | string | undefined> {
    const trunk = (this.o.config.trunks ?? []).find((t) => t.outbound);
    const outbound = trunk?.outbound;
    if (!trunk || !outbound) return 'no trunk dials out (telephony.trunks[].outbound)';
    let rtp: RtpLeg;
    try {
      rtp = await this.media.openRtp({ near });
    } catch (err) {
      return err instanceof PortsExhaustedError ? 'no RTP port free' : (err as Error).message;
    }
    if (this.closing || !wanted()) return void rtp.close();
    rtp.setSignallingAddress(outbound.host);
    const negotiation = { rtp, sdp: this.sdpSession(rtp) };
    const leg: ThirdPartyLeg = { contactId, side: 'agent', number, rtp, negotiation, held: false, answered: false, closed: false };
    legs.set(contactId, leg);
    const transport = outbound.transport ?? 'udp';
    const port = outbound.port ?? 5060;
    const host = outbound.host.includes(':') ? `[${outbound.host}]` : outbound.host;
    const { user, displayName } = from(outbound);
    const call = this.sip.dial({
      uri: `sip:${number}@${host}:${port}${transport === 'tcp' ? ';transport=tcp' : ''}`,
      destination: { protocol: transport, address: outbound.host, port },
      sdp: negotiation.sdp.offer(),
      from: { user, ...(displayName ? { displayName } : {}) },
      ...(outbound.username !== undefined && outbound.password !== undefined ? { credentials: { username: outbound.username, password: outbound.password } } : {}),
      ringTimeoutMs: THIRD_PARTY_RING_MS,
    });
    leg.call = call;
    this.o.log(`contact ${contactId}: dialling ${number} through trunk ${trunk.name} (call ${call.callId})`);
    call.on('reoffer', (reoffer) => this.renegotiate(leg, reoffer));
    return { leg, call, trunk: trunk.name };
  }

  // --- Callbacks (CreateCallbackContact) ---

  callbackChannel(contactId: string, call: { number: string; lineNumber: string; recordedParticipants: readonly string[] }): CallerChannel {
    const customer = new CallbackCustomer(contactId, call.number, call.lineNumber, call.recordedParticipants, this);
    this.callbackCustomers.set(contactId, customer);
    return customer;
  }

  /** An agent took the callback: the customer is called through the trunk, from the number they had dialled. */
  async dialCallback(customer: CallbackCustomer, agentId: string): Promise<void> {
    const { contactId } = customer;
    const placed = await this.trunkCall(this.callbackLegs, contactId, customer.number,
      (outbound) => ({ user: outbound.callerId ?? customer.lineNumber, displayName: undefined }),
      () => this.callbackCustomers.has(contactId), this.agentLegs.get(contactId)?.rtp);
    const failed = (message: string): void => {
      // The agent's phone leg of this attempt ends with it; a retry rings an agent again.
      const agentLeg = this.agentLegs.get(contactId);
      if (agentLeg) void this.closeAgentLeg(agentLeg, true);
      this.deps.center.callbackFailed(contactId, message);
    };
    if (typeof placed === 'string') return failed(placed);
    if (!placed) return;
    const { leg, call, trunk } = placed;
    call.on('answered', (remoteSdp) => {
      const accepted = leg.negotiation.sdp.acceptAnswer(remoteSdp);
      if (leg.closed) return;
      if (!accepted.ok) {
        void this.closeThirdParty(leg, true);
        return failed(`unusable SDP answer: ${accepted.warning.text}`);
      }
      leg.negotiation.rtp.configure(accepted.negotiated);
      leg.negotiation.rtp.start();
      leg.answered = true;
      const agentLeg = this.agentLegs.get(contactId);
      if (agentLeg) leg.bridge = this.media.bridge(leg.rtp, agentLeg.rtp);
      if (agentLeg && customer.recordedParticipants.length > 0) void this.startRecording(leg);
      this.o.log(`contact ${contactId}: callback answered by ${customer.number}, bridged with agent ${agentId}`);
      this.deps.center.callbackAnswered(contactId);
    });
    call.on('failed', ({ status, reason }) => {
      if (leg.closed) return;
      void this.closeThirdParty(leg);
      failed(`${status} ${reason} from trunk ${trunk} (call ${call.callId})`);
    });
    call.on('hungUp', () => {
      if (leg.closed) return;
      void this.closeThirdParty(leg);
      this.deps.center.customerHangUp(contactId);
      this.endCallback(contactId);
    });
  }

  /** The callback contact ended: its customer leg and the agent's phone hang up. */
  endCallback(contactId: string): void {
    this.callbackCustomers.delete(contactId);
    const leg = this.callbackLegs.get(contactId);
    if (leg) void this.closeThirdParty(leg, true);
    const agentLeg = this.agentLegs.get(contactId);
    if (agentLeg) void this.closeAgentLeg(agentLeg, true);
  }

  /** The flow gave up waiting for the answer (or the contact ended): CANCEL, or BYE once answered. */
  hangUpThirdParty(contactId: string): void {
    const leg = this.thirdParties.get(contactId);
    if (leg) void this.closeThirdParty(leg, true);
  }

  private async thirdPartyAnswered(leg: ThirdPartyLeg, caller: SipCaller, remoteSdp: string, dtmf: string | undefined): Promise<void> {
    const accepted = leg.negotiation.sdp.acceptAnswer(remoteSdp);
    if (leg.closed) return;
    if (!accepted.ok) {
      this.o.log(`contact ${leg.contactId}: third party ${leg.number}: ${accepted.warning.text}; hanging up (call ${leg.call?.callId ?? ''})`);
      await this.closeThirdParty(leg, true);
      return this.deps.center.thirdPartyFailed(leg.contactId, `unusable SDP answer: ${accepted.warning.text}`);
    }
    leg.negotiation.rtp.configure(accepted.negotiated);
    leg.negotiation.rtp.start();
    leg.answered = true;
    caller.stopPrompt();
    leg.bridge = this.media.bridge(caller.rtp, leg.rtp);
    if (caller.recordedParticipants.length > 0) void this.startRecording(leg);
    this.deps.center.thirdPartyAnswered(leg.contactId);
    if (dtmf) void this.sendThirdPartyDigits(leg, dtmf);
  }

  /** ThirdPartyDTMFDigits once the call is up: RFC 4733 events, a comma a pause. */
  private async sendThirdPartyDigits(leg: ThirdPartyLeg, digits: string): Promise<void> {
    for (const part of digits.split(',')) {
      if (leg.closed) return;
      try {
        if (part !== '') await leg.negotiation.rtp.sendDtmf(part);
      } catch (err) {
        this.o.log(`contact ${leg.contactId}: third party ${leg.number}: DTMF not sent: ${(err as Error).message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, DTMF_PAUSE_MS));
    }
  }

  private closeThirdParty(leg: ThirdPartyLeg, hangUp = false): Promise<void> {
    const closed = this.doCloseThirdParty(leg, hangUp);
    this.legsClosing.add(closed);
    return closed.finally(() => this.legsClosing.delete(closed));
  }

  private async doCloseThirdParty(leg: ThirdPartyLeg, hangUp: boolean): Promise<void> {
    for (const legs of [this.thirdParties, this.callbackLegs]) if (legs.get(leg.contactId) === leg) legs.delete(leg.contactId);
    if (leg.closed) return;
    leg.closed = true;
    if (hangUp) leg.call?.hangUp();
    await this.unbridgeAndClose(leg);
  }

  private onCenterEvent(e: CenterEvent): void {
    switch (e.type) {
      case 'contact.offered':
        void this.ringAgent(e.contactId, e.agentId);
        break;
      case 'contact.offerWithdrawn': {
        const leg = this.agentLegs.get(e.contactId);
        if (leg && leg.agentId === e.agentId && !leg.answered) void this.closeAgentLeg(leg, true);
        break;
      }
      case 'contact.disconnected': {
        const leg = this.agentLegs.get(e.contactId);
        if (leg) void this.closeAgentLeg(leg, true);
        break;
      }
      case 'contact.hold':
        this.agentHold(e.contactId, e.on);
        break;
      default:
        break;
    }
  }

  /** The agent holds: the two stop hearing each other and the caller hears the hold phrase, looped. */
  private agentHold(contactId: string, on: boolean): void {
    const caller = this.callers.get(contactId);
    this.agentLegs.get(contactId)?.bridge?.hold(on);
    if (!caller) return;
    if (on) void caller.rtp.play(holdAudio(), { loop: true });
    else caller.rtp.stop();
  }

  /** Rings the agent's registered phone for a SIP caller; agents without one answer in the app. */
  private async ringAgent(contactId: string, agentId: string): Promise<void> {
    const caller = this.callers.get(contactId);
    const callback = caller ? undefined : this.callbackCustomers.get(contactId);
    const extension = this.deps.agentExtension(agentId);
    if ((!caller && !callback) || !extension) return;
    // Agents without a registered phone answer in the app; no media is opened for them. The phone
    // rung is the newest binding (as sip.call picks it); a browser's came over WebSocket.
    const binding = this.sip.registrations().filter((b) => b.aor === extension).at(-1);
    if (!binding) return;
    const browser = binding.source.protocol === 'ws' || binding.source.protocol === 'wss';
    let media: { rtp: CallLeg; negotiation: RtpNegotiation | undefined; webrtc?: WebRtcLeg; offer: string };
    try {
      media = await this.agentMedia(browser, caller?.rtp ?? this.callbackLegs.get(contactId)?.rtp);
    } catch (err) {
      this.o.log(`contact ${contactId}: no media leg for agent ${agentId}: ${(err as Error).message}`);
      return;
    }
    media.negotiation?.rtp.setSignallingAddress(binding.source.address);
    const leg: AgentLeg = { agentId, contactId, side: 'agent', rtp: media.rtp, negotiation: media.negotiation, ...(media.webrtc ? { webrtc: media.webrtc } : {}), held: false, answered: false, closed: false };
    this.agentLegs.set(contactId, leg);
    // The contact's id rides along, so a browser desktop answers the offer it shows (a desk phone ignores it).
    const shown = caller ? caller.call.callerNumber : callback?.number ?? '';
    const placed = this.sip.call(extension, {
      sdp: media.offer, from: { user: shown || 'anonymous', displayName: caller ? shown : `callback ${shown}` },
      headers: [{ name: 'X-Chokutsu-Contact', value: contactId }],
    });
    if (!placed.ok) {
      await this.closeAgentLeg(leg);
      return;
    }
    leg.call = placed.call;
    placed.call.on('answered', (remoteSdp) => void this.agentAnswered(leg, caller, remoteSdp));
    placed.call.on('failed', ({ status }) => this.agentCallFailed(leg, status));
    placed.call.on('reoffer', (reoffer) => this.renegotiate(leg, reoffer));
    placed.call.on('hungUp', () => this.agentHungUp(leg));
  }

  /** An offer for the agent's phone: WebRTC for a browser, RTP with RFC 3264 offer/answer otherwise. */
  private async agentMedia(browser: boolean, near: CallLeg | undefined): Promise<{ rtp: CallLeg; negotiation: RtpNegotiation | undefined; webrtc?: WebRtcLeg; offer: string }> {
    if (browser) {
      const { leg, sdp } = await WebRtcLeg.offer({ host: this.rtpHost, log: this.o.log });
      return { rtp: leg, negotiation: undefined, webrtc: leg, offer: sdp };
    }
    const rtp = await this.media.openRtp({ near });
    const sdp = this.sdpSession(rtp);
    return { rtp, negotiation: { rtp, sdp }, offer: sdp.offer() };
  }

  /** Applies the phone's answer and starts sending; false when the answer is unusable. */
  private async acceptAgentAnswer(leg: AgentLeg, remoteSdp: string): Promise<boolean> {
    if (leg.webrtc) {
      try {
        await leg.webrtc.accept(remoteSdp);
        return true;
      } catch (err) {
        this.o.log(`contact ${leg.contactId}: agent ${leg.agentId}: unusable WebRTC answer: ${(err as Error).message}`);
        return false;
      }
    }
    const negotiation = leg.negotiation;
    const accepted = negotiation?.sdp.acceptAnswer(remoteSdp);
    if (!negotiation || !accepted?.ok) return false;
    negotiation.rtp.configure(accepted.negotiated);
    negotiation.rtp.start();
    return true;
  }

  /** The agent's phone answered: accept the offer, bridge the two legs, record if the flow asked. */
  /** No caller: a callback, whose customer is called once the agent has accepted (dialCallback bridges them). */
  private async agentAnswered(leg: AgentLeg, caller: SipCaller | undefined, remoteSdp: string): Promise<void> {
    const accepted = await this.acceptAgentAnswer(leg, remoteSdp);
    if (!accepted || leg.closed) {
      leg.call?.hangUp();
      return;
    }
    leg.answered = true;
    try {
      this.deps.center.accept(leg.agentId, leg.contactId);
    } catch (err) {
      this.o.log(`contact ${leg.contactId}: agent ${leg.agentId} answered too late: ${(err as Error).message}`);
      void this.closeAgentLeg(leg, true);
      return;
    }
    if (!caller) return;
    caller.stopPrompt();
    leg.bridge = this.media.bridge(caller.rtp, leg.rtp);
    if (caller.recordedParticipants.length > 0) void this.startRecording(leg);
  }

  private agentCallFailed(leg: AgentLeg, status: number): void {
    if (leg.closed) return;
    // Busy or declined on the phone: the router offers the contact to the next rank at once.
    if (status === 486 || status === 600 || status === 603) {
      try {
        this.deps.center.decline(leg.agentId, leg.contactId);
      } catch {
        // the offer was already withdrawn (ring timeout)
      }
    }
    void this.closeAgentLeg(leg);
  }

  /**
   * The phone's call could not be carried (its media leg failed) while it rang: CANCEL, so the phone
   * stops ringing, and the offer is withdrawn without counting against the agent (FailedConnectAgent).
   */
  private agentRingFailed(leg: AgentLeg, reason: string): void {
    this.o.log(`contact ${leg.contactId}: ${reason}; cancelling the ringing phone and offering the contact again`);
    // Closed first, so the offer's withdrawal finds no leg and a re-offer to the same phone opens a new one.
    void this.closeAgentLeg(leg, true);
    try {
      this.deps.center.offerFailed(leg.agentId, leg.contactId, reason);
    } catch (err) {
      this.o.log(`contact ${leg.contactId}: the offer to agent ${leg.agentId} had ended already: ${(err as Error).message}`);
    }
  }

  private agentHungUp(leg: AgentLeg): void {
    if (leg.closed) return;
    leg.closed = true;
    try {
      this.deps.center.agentHangUp(leg.agentId, leg.contactId);
    } catch {
      // the customer left first
    }
    void this.closeAgentLeg(leg);
  }

  // --- A browser agent's page reloads mid-call (issue 8) ---

  /**
   * A connection closed: a browser agent in a call over it is detached, not hung up. The bridge
   * stops (the caller hears silence), the recorder stays open, and the agent has the grace period
   * to register again; if nobody comes back, the call ends as the agent hanging up.
   */
  private onConnectionClosed(peer: Endpoint): void {
    for (const leg of this.agentLegs.values()) {
      if (!leg.webrtc || !leg.answered || leg.closed || leg.detached || !leg.call || !sameEndpoint(leg.call.destination, peer)) continue;
      leg.detached = true;
      leg.bridge?.close();
      const recorder = leg.bridge?.stopRecording() ?? leg.recorder;
      leg.bridge = undefined;
      if (recorder) leg.recorder = recorder;
      leg.call.removeAllListeners();
      const grace = this.o.reattachGraceMs ?? DEFAULT_REATTACH_GRACE_MS;
      this.o.log(`contact ${leg.contactId}: agent ${leg.agentId}'s browser dropped its connection; waiting ${grace} ms for it to come back`);
      this.scheduler.set(reattachTimer(leg.contactId), grace, () => {
        if (this.agentLegs.get(leg.contactId) !== leg || !leg.detached) return;
        this.o.log(`contact ${leg.contactId}: agent ${leg.agentId} did not come back; ending the call`);
        this.agentHungUp(leg);
      });
    }
  }

  /** An extension registered: a detached agent's browser is back, so its call is offered to it again. */
  private onRegistered(aor: string): void {
    // A phone registering means calls are coming: none should wait for a media thread to start.
    this.media.warm();
    for (const leg of this.agentLegs.values()) {
      if (!leg.detached || leg.closed || leg.reattaching || this.deps.agentExtension(leg.agentId) !== aor) continue;
      void this.reattach(leg, aor);
    }
  }

  /** A fresh WebRTC offer to the new binding, marked X-Chokutsu-Reattach so the desktop answers it at once. */
  private async reattach(leg: AgentLeg, extension: string): Promise<void> {
    const caller = this.callers.get(leg.contactId);
    const binding = this.sip.registrations().filter((b) => b.aor === extension).at(-1);
    if (!caller || !binding || (binding.source.protocol !== 'ws' && binding.source.protocol !== 'wss')) return;
    let offered: { leg: WebRtcLeg; sdp: string };
    try {
      offered = await WebRtcLeg.offer({ host: this.rtpHost, log: this.o.log });
    } catch (err) {
      this.o.log(`contact ${leg.contactId}: no media leg to re-attach agent ${leg.agentId}: ${(err as Error).message}`);
      return this.reattachFailed(leg);
    }
    if (leg.closed || !leg.detached || leg.reattaching) {
      await offered.leg.close();
      return;
    }
    const next: AgentLeg = {
      agentId: leg.agentId, contactId: leg.contactId, side: 'agent', rtp: offered.leg, negotiation: undefined, webrtc: offered.leg,
      held: false, answered: false, closed: false,
    };
    leg.reattaching = next;
    const placed = this.sip.call(extension, {
      sdp: offered.sdp, from: { user: caller.call.callerNumber || 'anonymous', displayName: caller.call.callerNumber },
      headers: [{ name: 'X-Chokutsu-Contact', value: leg.contactId }, { name: 'X-Chokutsu-Reattach', value: leg.contactId }],
    });
    if (!placed.ok) {
      leg.reattaching = undefined;
      await this.closeAgentLeg(next);
      return this.reattachFailed(leg);
    }
    next.call = placed.call;
    this.o.log(`contact ${leg.contactId}: re-attaching agent ${leg.agentId} (call ${placed.call.callId})`);
    placed.call.on('answered', (remoteSdp) => void this.reattached(leg, next, caller, remoteSdp));
    placed.call.on('failed', ({ status }) => {
      if (leg.reattaching !== next) return;
      leg.reattaching = undefined;
      this.o.log(`contact ${leg.contactId}: re-attach to agent ${leg.agentId} failed (${status})`);
      void this.closeAgentLeg(next);
      this.reattachFailed(leg);
    });
    placed.call.on('reoffer', (reoffer) => this.renegotiate(next, reoffer));
    placed.call.on('hungUp', () => this.agentHungUp(next));
  }

  /** The browser took the call back: a new bridge with the same recorder; the old leg goes without a word to the center. */
  private async reattached(old: AgentLeg, next: AgentLeg, caller: SipCaller, remoteSdp: string): Promise<void> {
    const accepted = await this.acceptAgentAnswer(next, remoteSdp);
    if (old.reattaching !== next) return; // the contact ended meanwhile; closing `old` closed `next`
    old.reattaching = undefined;
    if (!accepted || old.closed || !this.callers.has(old.contactId)) {
      void this.closeAgentLeg(next, true);
      if (!old.closed) this.reattachFailed(old);
      return;
    }
    this.scheduler.clear(reattachTimer(old.contactId));
    next.answered = true;
    const recorder = old.recorder;
    old.recorder = undefined;
    this.agentLegs.set(next.contactId, next);
    next.bridge = this.media.bridge(caller.rtp, next.rtp);
    if (recorder) {
      next.recorder = recorder;
      next.bridge.startRecording(recorder);
    } else if (caller.recordedParticipants.length > 0) {
      void this.startRecording(next);
    }
    void this.closeAgentLeg(old);
    this.o.log(`contact ${next.contactId}: agent ${next.agentId} re-attached`);
  }

  /** A re-attach that cannot be made or is declined ends the call as the agent hanging up. */
  private reattachFailed(leg: AgentLeg): void {
    if (this.agentLegs.get(leg.contactId) !== leg || leg.closed) return;
    this.agentHungUp(leg);
  }

  private async startRecording(leg: AgentLeg | ThirdPartyLeg): Promise<void> {
    const day = new Date(this.deps.clock.now()).toISOString().slice(0, 10);
    const path = join(this.o.dataDir, 'recordings', day, `${leg.contactId}.wav`);
    // A recording that cannot be written (disk full, no permission) never drops the call: the record says why.
    const failed = (err: NodeJS.ErrnoException, when: string): void => {
      this.o.log(`recording ${leg.contactId}: ${when} failed (${err.code ?? 'error'}: ${err.message}); the call goes on unrecorded`);
      this.deps.center.recordingFailed(leg.contactId, `${err.code ?? 'error'}: ${err.message}`);
    };
    const bridge = leg.bridge;
    if (!bridge) return;
    let recorder: LineRecorder;
    try {
      mkdirSync(dirname(path), { recursive: true });
      // Made where the bridge runs (a media worker for two RTP legs), so the audio need not cross threads.
      recorder = await this.media.record(path, bridge, { onError: (err) => failed(err, 'writing') });
    } catch (err) {
      return failed(err as NodeJS.ErrnoException, 'opening the file');
    }
    if (leg.closed) return void recorder.close();
    leg.recorder = recorder;
    // A browser agent that dropped meanwhile keeps it in leg.recorder for the bridge that re-attaches.
    if (leg.bridge === bridge) bridge.startRecording(recorder);
    this.deps.center.recordingStarted(leg.contactId, join('recordings', day, `${leg.contactId}.wav`));
  }

  private closeAgentLeg(leg: AgentLeg, hangUp = false): Promise<void> {
    const closed = this.doCloseAgentLeg(leg, hangUp);
    this.legsClosing.add(closed);
    return closed.finally(() => this.legsClosing.delete(closed));
  }

  private async doCloseAgentLeg(leg: AgentLeg, hangUp: boolean): Promise<void> {
    if (this.agentLegs.get(leg.contactId) === leg) this.agentLegs.delete(leg.contactId);
    const wasClosed = leg.closed;
    leg.closed = true;
    if (leg.detached) {
      this.scheduler.clear(reattachTimer(leg.contactId));
      // The dropped connection cannot carry a BYE; a re-attach still ringing is cancelled.
      hangUp = false;
      const pending = leg.reattaching;
      leg.reattaching = undefined;
      if (pending) void this.closeAgentLeg(pending, true);
    }
    if (hangUp && !wasClosed) leg.call?.hangUp();
    await this.unbridgeAndClose(leg);
  }
  // The end of a bridged leg: unbridge, close its recording (the file's last words), release its media.
  private async unbridgeAndClose(leg: { contactId: string; bridge?: LineBridge | undefined; recorder?: LineRecorder | undefined; rtp: CallLeg }): Promise<void> {
    leg.bridge?.close();
    const recorder = leg.bridge?.stopRecording() ?? leg.recorder;
    leg.bridge = undefined;
    if (recorder) {
      leg.recorder = undefined;
      await recorder.close().catch((err: Error) => this.o.log(`recording ${leg.contactId}: ${err.message}`));
    }
    await leg.rtp.close();
  }
}

function reattachTimer(contactId: string): string {
  return `reattach:${contactId}`;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.protocol === b.protocol && a.address === b.address && a.port === b.port;
}
