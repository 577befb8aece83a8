// A browser's media leg (RFC 8827/8834: ICE, DTLS-SRTP, RTP/RTCP multiplexed on one port,
// BUNDLE), the WebRTC twin of RtpSession. werift does ICE, DTLS and SRTP; what is sent and
// heard is decided by the same units as on a plain RTP leg — frame-source.ts (prompts and
// bridged audio), dtmf-sender.ts / dtmf-detector.ts (RFC 4733), receive-stats.ts — and frames
// leave on the shared pacer. Only G.711 (PCMU/PCMA) and telephone-event are negotiated, so the
// bridge and the recorder get 8 kHz PCM as from any other leg and nothing is transcoded to Opus.
//
// SIP carries complete SDP (no trickle ICE): an offer or answer is returned once gathering of
// host candidates is complete.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type RTCRtpTransceiver } from 'werift';
import type { CallLeg, LegStats, MediaSink, PlaybackEnd } from '../media/leg.ts';
import { g711LawOf, G711_SILENCE, type G711Law } from '../rtp/g711.ts';
import { LegSinks } from '../media/leg-sinks.ts';
import { DtmfDetector } from '../rtp/dtmf-detector.ts';
import { DtmfSender } from '../rtp/dtmf-sender.ts';
import { FrameSource } from '../rtp/frame-source.ts';
import { defaultPacer, type FrameClock } from '../rtp/pacer.ts';
import type { DtmfDigit } from '../rtp/packet.ts';
import { ReceiveStatistics } from '../rtp/receive-stats.ts';
import { parseSdp } from '../sdp/sdp.ts';

const SAMPLE_RATE = 8000;
const PTIME = 20;
const SAMPLES_PER_FRAME = (PTIME * SAMPLE_RATE) / 1000;
const GATHERING_TIMEOUT_MS = 3000;

export interface WebRtcLegOptions {
  /** The RTP host of the line: a specific address gathers candidates there only; loopback or a wildcard gathers on every interface. */
  host?: string;
  /** UDP ports ICE may bind (a firewall's range); any free port when absent. */
  portRange?: [number, number];
  pacer?: FrameClock;
  /** Live audio (bridged from another leg) buffered at most this long before the oldest is dropped. */
  feedBufferMs?: number;
  /** Monotonic clock in ms (performance.now()), for jitter. */
  monotonic?: () => number;
  log?: (line: string) => void;
}

export interface WebRtcLegEvents {
  dtmf: [digit: DtmfDigit];
  /** ICE/DTLS is up: media flows from now. */
  connected: [];
  /** ICE or DTLS failed or the peer went away (not a hang-up: that is SIP's BYE). */
  failed: [];
}

/** Whether an SDP offer is a WebRTC one (RFC 8829/8834): DTLS-SRTP profile with a fingerprint. */
export function isWebRtcSdp(sdp: string): boolean {
  return /^m=audio \d+ (UDP\/TLS\/RTP\/SAVPF|RTP\/SAVPF|UDP\/TLS\/RTP\/SAVP)\b/m.test(sdp) && /^a=fingerprint:/m.test(sdp);
}

// Static payload types for G.711; telephone-event's is whatever the offer says (Chrome: 126).
const CODECS = [
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, payloadType: 8 }),
  new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, payloadType: 101, parameters: '0-15' }),
];

export class WebRtcLeg extends EventEmitter<WebRtcLegEvents> implements CallLeg {
  private readonly outbound: FrameSource;
  private readonly dtmfOut = new DtmfSender();
  private readonly dtmfIn = new DtmfDetector();
  private readonly received = new ReceiveStatistics(SAMPLE_RATE);
  private transceiver: RTCRtpTransceiver | undefined;
  private codec: G711Law = 'PCMU';
  private payloadType = 0;
  private telephoneEventPt: number | undefined;
  private sequence: number;
  private timestamp: number;
  private firstPacket = true;
  private packetsSent = 0;
  private octetsSent = 0;
  private unpace: (() => void) | undefined;
  private closed = false;
  private isConnected = false;
  private readonly sinks = new LegSinks();

  private constructor(private readonly pc: RTCPeerConnection, private readonly options: WebRtcLegOptions) {
    super();
    this.outbound = new FrameSource(((options.feedBufferMs ?? 200) * SAMPLE_RATE) / 1000, this.codec);
    const random = randomBytes(6);
    // RFC 3550 §5.1: random initial sequence number and timestamp.
    this.sequence = random.readUInt16BE(0);
    this.timestamp = random.readUInt32BE(2);
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && !this.isConnected) {
        this.isConnected = true;
        // Frames are paced from the moment the DTLS handshake is done: a prompt queued before
        // (the flow starts as soon as the call is answered) is heard from its first word.
        this.unpace = (options.pacer ?? defaultPacer).add(PTIME, (frames) => this.onFrames(frames));
        this.emit('connected');
      }
      if (state === 'failed') this.emit('failed');
    });
  }

  /** Answers a browser's offer: the leg and the SDP answer (candidates included). */
  static async answer(remoteSdp: string, options: WebRtcLegOptions = {}): Promise<{ leg: WebRtcLeg; sdp: string }> {
    const leg = new WebRtcLeg(new RTCPeerConnection(peerConfig(options)), options);
    try {
      await leg.pc.setRemoteDescription({ type: 'offer', sdp: remoteSdp });
      const transceiver = leg.pc.getTransceivers().find((t) => t.kind === 'audio');
      if (!transceiver) throw new Error('the offer has no audio');
      // A transceiver made by the remote offer only receives until told otherwise.
      transceiver.setDirection('sendrecv');
      leg.attach(transceiver);
      await leg.pc.setLocalDescription(await leg.pc.createAnswer());
      const sdp = await leg.completeDescription();
      leg.readNegotiated(sdp);
      return { leg, sdp };
    } catch (err) {
      await leg.close();
      throw err;
    }
  }

  /** Offers to a browser (the line calling a registered WebRTC agent); then accept(answer). */
  static async offer(options: WebRtcLegOptions = {}): Promise<{ leg: WebRtcLeg; sdp: string }> {
    const leg = new WebRtcLeg(new RTCPeerConnection(peerConfig(options)), options);
    try {
      leg.attach(leg.pc.addTransceiver('audio', { direction: 'sendrecv' }));
      await leg.pc.setLocalDescription(await leg.pc.createOffer());
      return { leg, sdp: await leg.completeDescription() };
    } catch (err) {
      await leg.close();
      throw err;
    }
  }

  /** The browser's answer to our offer. */
  async accept(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    this.readNegotiated(answerSdp);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get canSendDtmf(): boolean {
    return this.telephoneEventPt !== undefined;
  }

  play(pcm: Int16Array, options: { loop?: boolean } = {}): Promise<PlaybackEnd> {
    if (this.closed) return Promise.resolve('stopped');
    return this.outbound.play(pcm, options);
  }

  stop(): void {
    this.outbound.stop();
  }

  feed(pcm: Int16Array): void {
    this.outbound.feed(pcm);
  }

  feedG711(law: G711Law, payload: Uint8Array): void {
    this.outbound.feedG711(law, payload);
  }

  listen(sink: MediaSink): () => void {
    return this.sinks.add(sink);
  }

  async sendDtmf(digits: string): Promise<void> {
    if (this.telephoneEventPt === undefined) throw new Error('telephone-event was not negotiated on this leg');
    await this.dtmfOut.send(digits, { samples: (100 * SAMPLE_RATE) / 1000, pauseFrames: 3 });
  }

  stats(): LegStats {
    return { packetsSent: this.packetsSent, octetsSent: this.octetsSent, ...this.received.totals() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unpace?.();
    this.unpace = undefined;
    this.stop();
    this.dtmfOut.clear();
    // Bounded: closing waits for DTLS close_notify and SCTP, which a vanished browser never answers.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.pc.close().catch((err: Error) => this.options.log?.(`webrtc: close: ${err.message}`)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
    ]);
    clearTimeout(timer);
  }

  // --- negotiation ---

  private attach(transceiver: RTCRtpTransceiver): void {
    this.transceiver = transceiver;
    // setRemoteDescription of an offer has made the remote track already; an offer's track comes later.
    const listen = (track: { onReceiveRtp: { subscribe(f: (p: RtpPacket) => void): unknown } }): void => {
      track.onReceiveRtp.subscribe((packet) => this.onRtp(packet));
    };
    transceiver.receiver.tracks.forEach(listen);
    transceiver.onTrack.subscribe(listen);
  }

  private async completeDescription(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, GATHERING_TIMEOUT_MS);
        const { unSubscribe } = this.pc.iceGatheringStateChange.subscribe((state) => {
          if (state !== 'complete') return;
          clearTimeout(timer);
          unSubscribe();
          resolve();
        });
      });
    }
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return sdp;
  }

  // The codec is the answer's first G.711 (what werift's sender uses); telephone-event's
  // payload type is the offerer's.
  private readNegotiated(answerSdp: string): void {
    const parsed = parseSdp(answerSdp);
    const audio = parsed.ok ? parsed.sdp.media.find((m) => m.media === 'audio') : undefined;
    if (!audio) return;
    const nameOf = (pt: number): string => (audio.rtpmap.get(pt)?.encoding ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : '')).toUpperCase();
    const g711 = audio.formats.find((pt) => nameOf(pt) === 'PCMU' || nameOf(pt) === 'PCMA');
    if (g711 !== undefined) {
      this.codec = nameOf(g711) as G711Law;
      this.outbound.law = this.codec;
      this.payloadType = g711;
    }
    // Chrome offers telephone-event at 48000 (for Opus) and 8000; only the 8 kHz one goes with G.711.
    this.telephoneEventPt = audio.formats.find((pt) => nameOf(pt) === 'TELEPHONE-EVENT' && audio.rtpmap.get(pt)?.clockRate === SAMPLE_RATE);
  }

  // --- sending: one frame per pacer tick, as RtpSession does ---

  // Every period owed gets its frame, late rather than skipped.
  private onFrames(frames: number): void {
    for (let due = frames; due > 0; due--) this.sendFrame();
  }

  private sendFrame(): void {
    const event = this.dtmfOut.next(this.timestamp, SAMPLES_PER_FRAME);
    if (event) {
      this.send(this.telephoneEventPt ?? 101, event.marker, event.timestamp, event.payload);
    } else {
      const payload = Buffer.allocUnsafe(SAMPLES_PER_FRAME);
      if (!this.outbound.next(payload, 0, SAMPLES_PER_FRAME)) payload.fill(G711_SILENCE[this.codec]);
      this.send(this.payloadType, this.firstPacket, this.timestamp, payload);
    }
    this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
  }

  private send(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    const sender = this.transceiver?.sender;
    if (!sender || this.closed) return;
    const packet = new RtpPacket(new RtpHeader({ payloadType, marker, sequenceNumber: this.sequence, timestamp, ssrc: sender.ssrc }), Buffer.from(payload));
    this.sequence = (this.sequence + 1) & 0xffff;
    this.firstPacket = false;
    this.packetsSent++;
    this.octetsSent += payload.length;
    // werift's sender stamps every packet with its negotiated codec's payload type (it knows one
    // codec per sender); a telephone-event packet is sent with that codec swapped for the call,
    // which sendRtp reads before its first await.
    const audioCodec = sender.codec;
    const eventCodec = payloadType === this.payloadType ? undefined : this.transceiver?.codecs.find((c) => c.payloadType === payloadType);
    if (eventCodec) sender.codec = eventCodec;
    sender.sendRtp(packet).catch((err: Error) => this.options.log?.(`webrtc: send: ${err.message}`));
    if (eventCodec) sender.codec = audioCodec;
  }

  // --- receiving ---

  private onRtp(packet: RtpPacket): void {
    if (this.closed) return;
    const h = packet.header;
    const verdict = this.received.sequence(h.ssrc, h.sequenceNumber);
    if (verdict === 'new-source') this.dtmfIn.sourceChanged();
    const payload = new Uint8Array(packet.payload);
    if (h.payloadType === this.telephoneEventPt) {
      for (const digit of this.dtmfIn.receive({ timestamp: h.timestamp, marker: h.marker, payload })) {
        this.sinks.digit(digit);
        this.emit('dtmf', digit);
      }
      return;
    }
    const law = g711LawOf(h.payloadType, this.payloadType, this.codec);
    if (!law) return;
    if (verdict !== 'held') this.received.transit(h.timestamp, this.options.monotonic ? this.options.monotonic() : performance.now());
    this.sinks.audio(law, payload, h.timestamp);
  }
}

function peerConfig(options: WebRtcLegOptions): ConstructorParameters<typeof RTCPeerConnection>[0] {
  const host = options.host;
  const specific = host !== undefined && host !== '0.0.0.0' && host !== '::' && !host.startsWith('127.') && host !== '::1';
  return {
    codecs: { audio: CODECS },
    iceUseIpv6: false,
    ...(specific ? { iceInterfaceAddresses: { udp4: host } } : {}),
    ...(options.portRange ? { icePortRange: options.portRange } : {}),
  };
}
