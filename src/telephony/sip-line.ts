// The telephone side of the line: callers arrive by SIP (trunks, phones), hear the flow's prompts
// over RTP and press keys; when the router offers the contact to an agent whose phone is
// registered, the phone rings, and on answer the two legs are bridged (B2BUA) and recorded.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ContactEffect } from '../flow/interpreter.ts';
import type { TelephonyConfig } from '../instance/types.ts';
import type { CallerChannel, CenterEvent, ContactCenter } from '../runtime/contact-center.ts';
import type { Clock } from '../runtime/scheduler.ts';
import { MediaBridge } from './media/bridge.ts';
import { PollyClient } from '@aws-sdk/client-polly';
import { EspeakEngine, PollyEngine, PromptRenderer } from './media/prompts.ts';
import { StereoRecorder } from './media/recorder.ts';
import { CallLegFactory, type OfferedLeg } from './call-legs.ts';
import type { CallLeg, LegStats } from './media/leg.ts';
import { PortAllocator } from './rtp/ports.ts';
import { SipUserAgent, type IncomingCall, type OutgoingCall } from './sip/user-agent.ts';

/** What the SIP side needs from the line; the composition root (src/app/) provides it. */
export interface SipLineDeps {
  center: Pick<ContactCenter, 'startContact' | 'dtmf' | 'promptFinished' | 'customerHangUp' | 'accept' | 'decline' | 'agentHangUp' | 'recordingStarted'>;
  /** Contact and agent events (offers ring the agent's phone). */
  subscribe(send: (event: CenterEvent) => void): () => void;
  /** The extension an agent's desk phone registers as, if the agent has one. */
  agentExtension(agentId: string): string | undefined;
  /** Digest HA1 of a phone's credential in this realm, if the phone is known. */
  phoneHa1(username: string, realm: string): string | undefined;
  newContactId(): string;
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
}

/** A caller on a SIP leg. */
class SipCaller implements CallerChannel {
  private playToken = 0;
  private ended = false;
  recordedParticipants: string[] = [];

  constructor(
    readonly contactId: string,
    readonly call: IncomingCall,
    /** The caller's media: RTP from a trunk or phone, WebRTC from a browser. */
    readonly rtp: CallLeg,
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

interface AgentLeg {
  agentId: string;
  contactId: string;
  call?: OutgoingCall;
  rtp: CallLeg;
  bridge?: MediaBridge;
  recorder?: StereoRecorder;
  answered: boolean;
  closed: boolean;
}

export class SipLine {
  readonly callers = new Map<string, SipCaller>();
  private readonly agentLegs = new Map<string, AgentLeg>(); // by contact id
  private readonly ports: PortAllocator;
  private readonly legs: CallLegFactory;
  private readonly prompts: PromptRenderer;
  private readonly host: string;
  private readonly rtpHost: string;
  private readonly usesPolly: boolean;
  private unsubscribe: () => void = () => {};

  private constructor(readonly deps: SipLineDeps, readonly sip: SipUserAgent, private readonly o: SipLineOptions) {
    const rtp = o.config.rtp ?? {};
    this.ports = new PortAllocator({ min: rtp.portMin ?? 10000, max: rtp.portMax ?? 20000 });
    this.host = o.config.sip?.host ?? '127.0.0.1';
    this.rtpHost = rtp.host ?? this.host;
    this.legs = new CallLegFactory({ ports: this.ports, rtpHost: this.rtpHost, log: o.log });
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
    line.unsubscribe = o.deps.subscribe((e) => line.onCenterEvent(e));
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
    this.unsubscribe();
    for (const c of this.callers.values()) c.hangUp();
    for (const leg of this.agentLegs.values()) await this.closeAgentLeg(leg);
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
    // An RTP leg for a trunk or phone, a WebRTC leg for a browser (call-legs.ts).
    const media = await this.legs.answer(call.remoteSdp);
    if (!media.ok) {
      this.o.log(`call ${call.callId}: ${media.reason}`);
      call.reject(media.status);
      return;
    }
    const rtp = media.leg;
    call.ringing();
    call.answer(media.sdp);
    const contactId = this.deps.newContactId();
    const caller = new SipCaller(contactId, call, rtp, this);
    this.callers.set(contactId, caller);
    rtp.listen({ audio: () => undefined, dtmf: (digit) => this.deps.center.dtmf(contactId, digit) });
    call.on('dtmf', (e) => this.deps.center.dtmf(contactId, e.digit));
    call.on('hungUp', () => {
      caller.left();
      this.deps.center.customerHangUp(contactId);
      this.endCustomerLeg(contactId);
    });
    const dialed = call.to.uri.replace(/^sips?:/, '').split('@')[0] ?? '';
    this.deps.center.startContact(caller, { contactId, from: call.callerNumber, to: dialed.startsWith('+') ? dialed : `+${dialed}` });
  }

  endCustomerLeg(contactId: string): void {
    const caller = this.callers.get(contactId);
    if (!caller) return;
    this.callers.delete(contactId);
    const leg = this.agentLegs.get(contactId);
    if (leg) void this.closeAgentLeg(leg, true);
    void caller.rtp.close();
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
      default:
        break;
    }
  }

  /** Rings the agent's registered phone for a SIP caller; agents without one answer in the app. */
  private async ringAgent(contactId: string, agentId: string): Promise<void> {
    const caller = this.callers.get(contactId);
    const extension = this.deps.agentExtension(agentId);
    if (!caller || !extension) return;
    // Agents without a registered phone answer in the app; no RTP port is opened for them.
    // The phone the call goes to is the newest binding (as sip.call picks it); a browser's came over WebSocket.
    const binding = this.sip.registrations().filter((b) => b.aor === extension).at(-1);
    if (!binding) return;
    let offered: OfferedLeg;
    try {
      offered = await this.legs.offer(binding.source.protocol === 'ws' || binding.source.protocol === 'wss' ? 'webrtc' : 'rtp');
    } catch (err) {
      this.o.log(`contact ${contactId}: no media leg for agent ${agentId}: ${(err as Error).message}`);
      return;
    }
    const leg: AgentLeg = { agentId, contactId, rtp: offered.leg, answered: false, closed: false };
    this.agentLegs.set(contactId, leg);
    const placed = this.sip.call(extension, { sdp: offered.sdp, from: { user: caller.call.callerNumber || 'anonymous', displayName: caller.call.callerNumber } });
    if (!placed.ok) {
      await this.closeAgentLeg(leg);
      return;
    }
    leg.call = placed.call;
    placed.call.on('answered', (remoteSdp) => void this.agentAnswered(leg, caller, remoteSdp, offered));
    placed.call.on('failed', ({ status }) => this.agentCallFailed(leg, status));
    placed.call.on('hungUp', () => this.agentHungUp(leg));
  }

  /** The agent's phone answered: accept the offer, bridge the two legs, record if the flow asked. */
  private async agentAnswered(leg: AgentLeg, caller: SipCaller, remoteSdp: string, offered: OfferedLeg): Promise<void> {
    const accepted = await offered.accept(remoteSdp);
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
    caller.stopPrompt();
    leg.bridge = new MediaBridge({ customer: caller.rtp, agent: leg.rtp });
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

  private async startRecording(leg: AgentLeg): Promise<void> {
    const day = new Date(this.deps.clock.now()).toISOString().slice(0, 10);
    const path = join(this.o.dataDir, 'recordings', day, `${leg.contactId}.wav`);
    mkdirSync(dirname(path), { recursive: true });
    const recorder = await StereoRecorder.create(path);
    leg.recorder = recorder;
    leg.bridge?.startRecording(recorder);
    this.deps.center.recordingStarted(leg.contactId, join('recordings', day, `${leg.contactId}.wav`));
  }

  private async closeAgentLeg(leg: AgentLeg, hangUp = false): Promise<void> {
    if (this.agentLegs.get(leg.contactId) === leg) this.agentLegs.delete(leg.contactId);
    const wasClosed = leg.closed;
    leg.closed = true;
    if (hangUp && !wasClosed) leg.call?.hangUp();
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
