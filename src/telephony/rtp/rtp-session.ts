// One RTP/RTCP session (RFC 3550) on a UDP port pair: G.711 audio in and out, RFC 4733
// DTMF in and out, symmetric RTP, paced or forwarded sending, receive statistics and periodic RTCP.
// Prompts, digits and keep-alive silence are paced (one frame per tick of the shared clock);
// live audio from a bridged leg is forwarded the moment it arrives while nothing else is sent
// ("cut-through"), as a relay would, so it never waits for a tick.
// The protocol work is done by units without I/O, each asked with a packet or a frame tick:
// frame-source.ts (what to say next), dtmf-sender.ts and dtmf-detector.ts (RFC 4733 out and
// in), receive-stats.ts (RFC 3550 statistics). This class owns the sockets and the clocks
// (the pacer and the RTCP timer, both injectable) and wires them to those units.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { copyG711, encodeG711Into, g711LawOf, G711_PAYLOAD_TYPE, G711_SILENCE, type G711Law } from './g711.ts';
import { buildRtp, parseRtp, type DtmfDigit } from './packet.ts';
import { DtmfDetector } from './dtmf-detector.ts';
import { DtmfSender } from './dtmf-sender.ts';
import { FrameSource, type PlaybackEnd } from './frame-source.ts';
import { realIntervalTimer, type IntervalTimer } from './interval.ts';
import { defaultPacer, type FrameClock } from './pacer.ts';
import { PortsExhaustedError, type PortAllocator } from './ports.ts';
import { ReceiveStatistics, type ReceiveTotals } from './receive-stats.ts';
import { buildRtcpBye, buildRtcpReport, parseRtcp, toNtp, type RtcpPacket, type SenderInfo } from './rtcp.ts';
import type { CallLeg, MediaSink } from '../media/leg.ts';
import { LegSinks } from '../media/leg-sinks.ts';
import type { MediaDirection, NegotiatedAudio } from '../sdp/sdp.ts';

export type { PlaybackEnd } from './frame-source.ts';
export type { IntervalTimer } from './interval.ts';

export const SAMPLE_RATE = 8000;

export interface RtpEndpoint {
  address: string;
  port: number;
}

export interface RtpSessionOptions {
  allocator: PortAllocator;
  /** Address the sockets bind to (e.g. 0.0.0.0, or 127.0.0.1 in tests). */
  bindAddress: string;
  codec: G711Law;
  /** Defaults to the static payload type of the codec. */
  payloadType?: number;
  /** Payload type of RFC 4733 telephone-event, if negotiated. */
  telephoneEventPt?: number;
  /** Where to send until the peer's packets arrive (symmetric RTP). */
  remote?: RtpEndpoint;
  /** Packetisation time in ms (a=ptime); 20 ms = 160 samples. */
  ptime?: number;
  direction?: MediaDirection;
  rtcpIntervalMs?: number;
  /** Live audio (bridged from another leg) buffered at most this long before the oldest is dropped. */
  feedBufferMs?: number;
  /** Wall clock, for RTCP NTP timestamps. */
  now?: () => Date;
  /** Monotonic clock in ms (performance.now()), for forwarded timestamps, jitter and RTCP delay since the last SR. */
  monotonic?: () => number;
  /** Send clock shared with other sessions; defaults to the process-wide pacer. */
  pacer?: FrameClock;
  /** Clock of the periodic RTCP reports; defaults to an unref'd setInterval. */
  rtcpTimer?: IntervalTimer;
  ssrc?: number;
  cname?: string;
}

export interface RtpStats extends ReceiveTotals {
  packetsSent: number;
  octetsSent: number;
}

export interface RtpSessionEvents {
  /** One RFC 4733 event, reported once however many packets carried it. */
  dtmf: [digit: DtmfDigit];
  rtcp: [packets: RtcpPacket[]];
  /** The peer's media source changed where it sends from (symmetric RTP latched). */
  latched: [endpoint: RtpEndpoint];
  socketError: [error: Error];
}

const RTP_HEADER = 12;

/** A forwarded source's timestamp may run this far (1 s of samples) ahead of the time since its last frame. */
const SOURCE_LEAD = 8000;

function bindSocket(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/**
 * One address written two ways (an IPv4-mapped IPv6 address, letter case) is the same address.
 * Asked several times per packet: the common case, the same string, is answered first.
 */
function sameAddress(a: string, b: string): boolean {
  return a === b || plainAddress(a) === plainAddress(b);
}

function plainAddress(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

export class RtpSession extends EventEmitter<RtpSessionEvents> implements CallLeg {
  readonly localPort: number;
  readonly ssrc: number;

  private codec: G711Law;
  private payloadType: number;
  private telephoneEventPt: number | undefined;
  private direction: MediaDirection;
  private ptime: number;
  private samplesPerFrame: number;
  private sdpRemote: RtpEndpoint | undefined;
  private latchedRtp: RtpEndpoint | undefined;
  /** Where the peer's SIP came from: RTP from that address is the peer's too (NAT). */
  private signallingAddress: string | undefined;
  private latchedRtcp: RtpEndpoint | undefined;
  /** Whether the latched source is exactly the SDP's address and port: only it is heard then. */
  private latchedExact = false;
  /**
   * The RTP socket connected to the latched peer (see connectToPeer()): 'connecting' holds
   * packets until it is, as Node's socket takes no address once connected.
   */
  private link: 'none' | 'connecting' | 'connected' = 'none';
  private heldForLink: Buffer[] = [];

  private sequence: number;
  private timestamp: number;
  private firstPacket = true;
  private packetsSent = 0;
  private octetsSent = 0;
  private sentSinceReport = false;

  /** Leave the pacer (set while paced) and the RTCP timer (set while started). */
  private unpace: (() => void) | undefined;
  private started = false;
  /** Live audio goes out as it arrives; the pacer is left meanwhile. */
  private forwarding = false;
  /** Whether the forwarded timeline has been placed after the paced one (the first forwarded frame). */
  private anchored = false;
  /** Monotonic ms of the last frame's turn (paced tick or forwarded frame): where a switch of mode resumes from; NaN before the first. */
  private lastFrameAt = NaN;
  /** The last forwarded source timestamp and what maps it to ours. */
  private sourceTimestamp: number | undefined;
  private sourceOffset = 0;
  private stopReports: (() => void) | undefined;
  private closed = false;

  private readonly outbound: FrameSource;
  private readonly dtmfOut = new DtmfSender();
  private readonly dtmfIn = new DtmfDetector();
  private readonly received = new ReceiveStatistics(SAMPLE_RATE);
  /** Who listen()s: a bridge (G.711 as it came), the line (keys only). */
  private readonly sinks = new LegSinks();
  private discardBuffer = new Uint8Array(0);
  /** The monotonic clock (ms), bound once: it is read for every packet. */
  private readonly monotonic: () => number;

  private constructor(
    private readonly rtp: dgram.Socket,
    private readonly rtcp: dgram.Socket,
    private readonly options: RtpSessionOptions,
    port: number,
  ) {
    super();
    this.localPort = port;
    this.codec = options.codec;
    this.payloadType = options.payloadType ?? G711_PAYLOAD_TYPE[options.codec];
    this.telephoneEventPt = options.telephoneEventPt;
    this.direction = options.direction ?? 'sendrecv';
    this.ptime = options.ptime ?? 20;
    this.samplesPerFrame = (this.ptime * SAMPLE_RATE) / 1000;
    this.outbound = new FrameSource(((options.feedBufferMs ?? 200) * SAMPLE_RATE) / 1000, options.codec);
    this.sdpRemote = options.remote;
    this.monotonic = options.monotonic ?? (() => performance.now());
    const random = randomBytes(10);
    this.ssrc = options.ssrc ?? random.readUInt32BE(0);
    // RFC 3550 §5.1: initial sequence number and timestamp are random.
    this.sequence = random.readUInt16BE(4);
    this.timestamp = random.readUInt32BE(6);
    rtp.on('message', (msg, rinfo) => this.onRtp(msg, rinfo));
    rtcp.on('message', (msg, rinfo) => this.onRtcp(msg, { address: rinfo.address, port: rinfo.port }));
    rtp.on('error', (error) => this.emit('socketError', error));
    rtcp.on('error', (error) => this.emit('socketError', error));
  }

  /** Binds an even port and the next odd one from the allocator; starts receiving. */
  static async open(options: RtpSessionOptions): Promise<RtpSession> {
    const family = options.bindAddress.includes(':') ? 'udp6' : 'udp4';
    for (let attempt = 0; attempt < options.allocator.capacity; attempt++) {
      const port = options.allocator.acquire();
      if (port === undefined) break;
      const rtp = dgram.createSocket(family);
      const rtcp = dgram.createSocket(family);
      try {
        await bindSocket(rtp, port, options.bindAddress);
        await bindSocket(rtcp, port + 1, options.bindAddress);
        return new RtpSession(rtp, rtcp, options, port);
      } catch {
        // Taken by another process: leave it marked in use and try the next pair.
        await Promise.all([closeSocket(rtp).catch(() => undefined), closeSocket(rtcp).catch(() => undefined)]);
      }
    }
    throw new PortsExhaustedError(options.allocator.min, options.allocator.max);
  }

  /** Applies a (re-)negotiation: codec, payload types, remote address, direction, ptime. */
  configure(negotiated: NegotiatedAudio): void {
    this.codec = negotiated.codec;
    this.outbound.law = negotiated.codec;
    this.payloadType = negotiated.payloadType;
    this.telephoneEventPt = negotiated.telephoneEventPt;
    this.direction = negotiated.direction;
    this.ptime = negotiated.ptime;
    this.samplesPerFrame = (negotiated.ptime * SAMPLE_RATE) / 1000;
    this.setRemote({ address: negotiated.remoteAddress, port: negotiated.remotePort });
    if (this.unpace) this.joinPacer();
  }

  /** The address the peer's signalling came from (a NAT's public address): its RTP is accepted too. */
  setSignallingAddress(address: string): void {
    this.signallingAddress = address;
  }

  /** Sets the SDP address; symmetric RTP latches again on the next packet from the peer. */
  setRemote(remote: RtpEndpoint): void {
    this.sdpRemote = remote;
    this.latchedRtp = undefined;
    this.latchedExact = false;
    this.latchedRtcp = undefined;
    // While 'connecting', the connection's end sees the latch gone and undoes it.
    if (this.link === 'connected') {
      if (!this.closed) this.rtp.disconnect();
      this.link = 'none';
    }
  }

  /** Where RTP goes now: the latched source if the peer has sent, else the SDP address. */
  get remote(): RtpEndpoint | undefined {
    return this.latchedRtp ?? this.usableSdpRemote();
  }

  /** The peer the RTP socket is connected to, if it is (latched on exactly the SDP's address and port). */
  get connectedTo(): RtpEndpoint | undefined {
    return this.link === 'connected' ? this.latchedRtp : undefined;
  }

  /** Whether RFC 4733 telephone-event was negotiated, so sendDtmf() can be used. */
  get canSendDtmf(): boolean {
    return this.telephoneEventPt !== undefined;
  }

  get playing(): boolean {
    return this.outbound.playing;
  }

  /** Starts sending every ptime (silence when idle keeps NAT bindings open) and RTCP. */
  start(): void {
    if (this.closed || this.started) return;
    this.started = true;
    this.joinPacer();
    const timer = this.options.rtcpTimer ?? realIntervalTimer;
    this.stopReports = timer.every(this.options.rtcpIntervalMs ?? 5000, () => this.sendRtcpReport());
  }

  /** Queues 8 kHz PCM (a prompt); resolves when its last frame is sent or it is stopped. */
  play(pcm: Int16Array, options: { loop?: boolean } = {}): Promise<PlaybackEnd> {
    if (this.closed) return Promise.resolve('stopped');
    this.pace();
    return this.outbound.play(pcm, options);
  }

  /** Stops the current prompt and everything queued after it. */
  stop(): void {
    this.outbound.stop();
  }

  /** Live audio from another leg (bridging): sent at once when no prompt or digit is being sent, else after them. */
  feed(pcm: Int16Array): void {
    if (!this.cutThrough(pcm.length)) {
      this.outbound.feed(pcm);
      return;
    }
    const packet = Buffer.allocUnsafe(RTP_HEADER + pcm.length);
    encodeG711Into(this.codec, pcm, packet, RTP_HEADER);
    this.forward(packet, undefined);
  }

  /**
   * Live G.711 from another leg, as feed(): sent as it came, converted only when this leg speaks
   * the other law. `timestamp`, the source's RTP timestamp, keeps its gaps in ours. Given the
   * `datagram` the payload is a view of, with a fixed header before it, in this leg's law, the
   * datagram itself goes out with our header written over the source's: no copy, no new buffer.
   */
  feedG711(law: G711Law, payload: Uint8Array, timestamp?: number, datagram?: Buffer): void {
    if (!this.cutThrough(payload.length)) {
      this.outbound.feedG711(law, payload);
      return;
    }
    let packet: Buffer;
    if (datagram && law === this.codec && payload.buffer === datagram.buffer && payload.byteOffset === datagram.byteOffset + RTP_HEADER) {
      // Padding, if the source sent any, is left off.
      packet = datagram.length === RTP_HEADER + payload.length ? datagram : datagram.subarray(0, RTP_HEADER + payload.length);
    } else {
      packet = Buffer.allocUnsafe(RTP_HEADER + payload.length);
      copyG711(law, payload, this.codec, packet, RTP_HEADER);
    }
    this.forward(packet, timestamp);
  }

  /** MediaLeg: audio (G.711 if the sink takes it, else decoded) and digits as they arrive, until the returned function is called. */
  listen(sink: MediaSink): () => void {
    return this.sinks.add(sink);
  }

  /** Sends digits as RFC 4733 events, each followed by a pause of audio; resolves after the last. */
  async sendDtmf(digits: string, options: { durationMs?: number; gapMs?: number } = {}): Promise<void> {
    if (this.telephoneEventPt === undefined) throw new Error('telephone-event was not negotiated on this session');
    const samples = ((options.durationMs ?? 100) * SAMPLE_RATE) / 1000;
    const pauseFrames = Math.ceil((options.gapMs ?? 60) / this.ptime);
    this.pace();
    await this.dtmfOut.send(digits, { samples, pauseFrames });
  }

  stats(): RtpStats {
    return { packetsSent: this.packetsSent, octetsSent: this.octetsSent, ...this.received.totals() };
  }

  /** Sends RTCP BYE, closes both sockets and returns the port pair to the allocator. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unpace?.();
    this.unpace = undefined;
    this.forwarding = false;
    this.stopReports?.();
    this.stop();
    this.dtmfOut.clear();
    const rtcpRemote = this.rtcpRemote();
    if (rtcpRemote && this.packetsSent > 0) {
      await new Promise<void>((resolve) => this.rtcp.send(buildRtcpBye(this.ssrc), rtcpRemote.port, rtcpRemote.address, () => resolve()));
    }
    await Promise.all([closeSocket(this.rtp), closeSocket(this.rtcp)]);
    this.options.allocator.release(this.localPort);
  }

  private usableSdpRemote(): RtpEndpoint | undefined {
    const remote = this.sdpRemote;
    // c=0.0.0.0 is the RFC 2543 way of putting a call on hold: nowhere to send.
    if (!remote || remote.port === 0 || remote.address === '0.0.0.0') return undefined;
    return remote;
  }

  private rtcpRemote(): RtpEndpoint | undefined {
    if (this.latchedRtcp) return this.latchedRtcp;
    const rtp = this.remote;
    return rtp ? { address: rtp.address, port: rtp.port + 1 } : undefined;
  }

  // --- Sending: one frame per pacer tick, or live audio as it comes ---

  // Joins (again, after a ptime change) the clock of this ptime.
  private joinPacer(): void {
    this.unpace?.();
    this.unpace = (this.options.pacer ?? defaultPacer).add(this.ptime, (frames) => this.onFrames(frames));
  }

  // Every period owed gets its frame, in order: after a stall the frames go out late, back to
  // back, with consecutive timestamps. Skipping them would cut audio and jump the timestamp.
  private onFrames(frames: number): void {
    this.lastFrameAt = this.monotonic();
    for (let due = frames; due > 0; due--) this.sendFrame();
  }

  // Live audio is forwarded at once when nothing else is to be said and it is a whole frame of
  // this leg (another size is repacketised by the paced ring). Buffered audio left from a prompt
  // or a digit is dropped when forwarding starts: sending it would delay every frame after it.
  private cutThrough(samples: number): boolean {
    const free = this.started && !this.closed && samples === this.samplesPerFrame && !this.outbound.playing
      && this.dtmfOut.idle && this.remote !== undefined && this.sends();
    if (!free) {
      this.pace();
      return false;
    }
    if (!this.forwarding) {
      this.unpace?.();
      this.unpace = undefined;
      this.forwarding = true;
      this.anchored = false;
      this.outbound.dropFeed();
    }
    return true;
  }

  // Back to one frame per tick (a prompt, a digit, audio that cannot be forwarded, a silent
  // source): the first tick's frame follows the last forwarded one by the whole frames since.
  private pace(): void {
    if (!this.forwarding) return;
    this.forwarding = false;
    // The first tick comes within a period, half of one on average: whole periods elapsed, plus one.
    this.timestamp = (this.timestamp + Math.floor(this.msSinceLastFrame() / this.ptime) * this.samplesPerFrame) >>> 0;
    this.joinPacer();
  }

  private forward(packet: Buffer, sourceTimestamp: number | undefined): void {
    const now = this.monotonic();
    const timestamp = this.forwardedTimestamp(sourceTimestamp, now);
    this.lastFrameAt = now;
    writeHeader(packet, this.payloadType, this.firstPacket, this.sequence, timestamp, this.ssrc);
    this.timestamp = (timestamp + packet.length - RTP_HEADER) >>> 0;
    this.sendForwarded(packet);
  }

  // The first forwarded frame follows the last frame sent by the whole frames since. After it a
  // frame is as far from the previous one as the source's timestamps say, so the source's own
  // gaps (silence suppression, a lost packet) stay gaps, as through a relay; a source timestamp
  // going back or leaping ahead of the time since (a new source, a restart) places the frame
  // anew. Without the source's timestamp (PCM fed) each frame follows the previous one.
  private forwardedTimestamp(source: number | undefined, now: number): number {
    let timestamp = this.timestamp;
    if (!this.anchored) timestamp = this.resumedTimestamp(now);
    else if (source !== undefined) {
      const delta = this.sourceTimestamp === undefined ? 0 : (source - this.sourceTimestamp) | 0;
      const since = (this.msSinceLastFrame(now) * SAMPLE_RATE) / 1000;
      timestamp = delta > 0 && delta <= since + SOURCE_LEAD ? (source + this.sourceOffset) >>> 0 : this.resumedTimestamp(now);
    }
    this.anchored = true;
    this.sourceTimestamp = source;
    if (source !== undefined) this.sourceOffset = (timestamp - source) >>> 0;
    return timestamp;
  }

  // The timestamp of a frame sent now after a pause in this leg's timeline: the next one, plus
  // the whole periods beyond the first that have passed since the last frame.
  private resumedTimestamp(now: number): number {
    const skipped = Math.max(0, Math.round(this.msSinceLastFrame(now) / this.ptime) - 1);
    return (this.timestamp + skipped * this.samplesPerFrame) >>> 0;
  }

  private msSinceLastFrame(now = this.monotonic()): number {
    return Number.isNaN(this.lastFrameAt) ? 0 : now - this.lastFrameAt;
  }

  // A digit being sent takes the frame; otherwise the prompt, the fed audio or silence.
  private sendFrame(): void {
    const event = this.dtmfOut.next(this.timestamp, this.samplesPerFrame);
    if (event) {
      this.sendRtp(buildRtp({
        payloadType: this.telephoneEventPt ?? 101, marker: event.marker, sequenceNumber: this.sequence, timestamp: event.timestamp,
        ssrc: this.ssrc, payload: event.payload,
      }));
    } else if (this.remote && this.sends()) {
      // The frame is written straight into the packet. One buffer per packet from Node's pool: the
      // send reads it after this returns (address lookup), so a reused buffer could be overwritten.
      const packet = Buffer.allocUnsafe(RTP_HEADER + this.samplesPerFrame);
      if (!this.outbound.next(packet, RTP_HEADER, this.samplesPerFrame)) packet.fill(G711_SILENCE[this.codec], RTP_HEADER);
      writeHeader(packet, this.payloadType, this.firstPacket, this.sequence, this.timestamp, this.ssrc);
      this.sendRtp(packet);
    } else {
      // Not sending (on hold, no address yet): the prompt still moves on with the clock.
      this.outbound.next(this.discard, 0, this.samplesPerFrame);
    }
    this.timestamp = (this.timestamp + this.samplesPerFrame) >>> 0;
  }

  private sends(): boolean {
    return this.direction === 'sendrecv' || this.direction === 'sendonly';
  }

  /** Scratch space for frames taken while nothing is sent. */
  private get discard(): Uint8Array {
    if (this.discardBuffer.length < this.samplesPerFrame) this.discardBuffer = new Uint8Array(this.samplesPerFrame);
    return this.discardBuffer;
  }

  private sendRtp(packet: Buffer): void {
    const remote = this.count(packet);
    if (!remote) return;
    // A forwarded packet still waiting goes first: sequence numbers leave in order.
    if (RtpSession.outbox.sessions.length > 0) RtpSession.flushOutbox();
    this.transmit(packet, remote);
  }

  private transmit(packet: Buffer, remote: RtpEndpoint): void {
    if (this.link === 'connected') this.rtp.send(packet);
    else if (this.link === 'connecting') this.heldForLink.push(packet);
    else this.rtp.send(packet, remote.port, remote.address);
  }

  // Latched to exactly the SDP's address and port, the session hears no one else (latch()), so
  // the socket is connected to that peer: the kernel then filters for us and a send skips the
  // address lookup (a tick per packet in Node) and the route lookup. A new SDP address
  // (setRemote()) disconnects it; the next packet latches and connects again.
  private connectToPeer(): void {
    const peer = this.latchedRtp;
    if (!peer || this.closed) return;
    this.link = 'connecting';
    this.rtp.connect(peer.port, peer.address, (error?: Error) => {
      if (this.closed) return;
      if (error) this.link = 'none';
      else if (this.latchedRtp !== peer) {
        this.rtp.disconnect();
        this.link = 'none';
      } else this.link = 'connected';
      const held = this.heldForLink;
      this.heldForLink = [];
      for (const packet of held) {
        const remote = this.remote;
        if (remote) this.transmit(packet, remote);
      }
    });
  }

  // Counts the packet (its sequence number written) as sent; where to, or undefined when nothing is sent.
  private count(packet: Buffer): RtpEndpoint | undefined {
    const remote = this.remote;
    if (!remote || !this.sends()) return undefined;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.firstPacket = false;
    this.packetsSent++;
    this.octetsSent += packet.length - RTP_HEADER;
    this.sentSinceReport = true;
    return remote;
  }

  // Forwarded packets leave together once the event loop has taken in what arrived with them
  // (setImmediate, one for every session): sent one by one as they came, sends took 22% of the
  // line's time instead of 14% (bench:media, 100 calls; docs/decisions.md, media plane).
  private static readonly outbox: { sessions: RtpSession[]; packets: Buffer[] } = { sessions: [], packets: [] };

  private sendForwarded(packet: Buffer): void {
    if (!this.count(packet)) return;
    const { sessions, packets } = RtpSession.outbox;
    if (sessions.length === 0) setImmediate(RtpSession.flushOutbox);
    sessions.push(this);
    packets.push(packet);
  }

  private static flushOutbox(this: void): void {
    const { sessions, packets } = RtpSession.outbox;
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[i];
      const packet = packets[i];
      const remote = session?.remote;
      // Closed meanwhile (a BYE in the same turn): its socket is gone.
      if (session && packet && remote && !session.closed) session.transmit(packet, remote);
    }
    sessions.length = 0;
    packets.length = 0;
  }

  // --- Receiving ---

  private onRtp(msg: Buffer, from: RtpEndpoint): void {
    const packet = parseRtp(msg);
    if (!packet || this.closed || !this.latch(from)) return;
    if (this.latchedExact && this.link === 'none') this.connectToPeer();
    // Not counted, a packet is still played: a restarting sender's first packet is audio too.
    const now = this.monotonic(); // one clock read per packet
    const verdict = this.received.sequence(packet.ssrc, packet.sequenceNumber, now);
    // Another SSRC interleaved with the one we hear is not the peer's stream (RFC 3550 §8.2).
    if (verdict === 'foreign') return;
    if (verdict === 'new-source') this.dtmfIn.sourceChanged();
    if (packet.payloadType === this.telephoneEventPt) {
      for (const digit of this.dtmfIn.receive(packet)) {
        this.sinks.digit(digit);
        this.emit('dtmf', digit);
      }
      return;
    }
    const law = g711LawOf(packet.payloadType, this.payloadType, this.codec);
    if (!law) return;
    if (verdict !== 'held') this.received.transit(packet.timestamp, now);
    // Decoded once, only if a sink wants PCM; a bridge takes the payload as it is, and the packet.
    this.sinks.audio(law, packet.payload, packet.timestamp, msg);
  }

  // Symmetric RTP, without a hijack: the peer is the SDP's address. Its packets latch the session
  // to where they come from (the SDP's port, or another port of that address when a NAT changed
  // it); a packet from exactly the SDP's address and port always wins back the latch. Packets from
  // any other address are never the peer's stream. Before any SDP (an offer not yet answered) the
  // first source heard is taken; the answer's setRemote() latches again. With c=0.0.0.0 (hold)
  // nothing is taken.
  // A phone behind a NAT gives its private address in the SDP and sends from the NAT's public one,
  // which is also where its SIP came from: that address is the peer too (setSignallingAddress).
  private latch(from: RtpEndpoint): boolean {
    // Connected, the kernel hands over only the peer's packets.
    if (this.link === 'connected') return true;
    const sdp = this.sdpRemote;
    if (sdp !== undefined) {
      if (sdp.address === '0.0.0.0') return false;
      const natted = this.signallingAddress !== undefined && sameAddress(from.address, this.signallingAddress);
      if (!sameAddress(from.address, sdp.address) && !natted) return false;
      const exact = sameAddress(from.address, sdp.address) && from.port === sdp.port;
      const latched = this.latchedRtp;
      const latchedExact = latched !== undefined && sameAddress(latched.address, sdp.address) && latched.port === sdp.port;
      if (latched && (!exact || latchedExact)) return sameAddress(from.address, latched.address) && from.port === latched.port;
    } else if (this.latchedRtp) {
      return sameAddress(from.address, this.latchedRtp.address) && from.port === this.latchedRtp.port;
    }
    // Kept: a copy, not Node's receive info of this packet.
    this.latchedRtp = { address: from.address, port: from.port };
    this.latchedExact = sdp !== undefined && sameAddress(from.address, sdp.address) && from.port === sdp.port;
    this.emit('latched', this.latchedRtp);
    return true;
  }

  // --- RTCP ---

  private onRtcp(msg: Buffer, from: RtpEndpoint): void {
    if (this.closed) return;
    const packets = parseRtcp(msg);
    if (packets.length === 0) return;
    this.latchedRtcp ??= from;
    for (const packet of packets) {
      if (packet.type === 'SR') this.received.senderReport(packet.sender, this.monotonic());
    }
    this.emit('rtcp', packets);
  }

  // RFC 3550 §6.4: an SR when we have sent since the last report, else an RR; then SDES.
  private sendRtcpReport(): void {
    // A forwarded source silent for a whole interval (on hold, silence suppression): silence is
    // paced again, so the peer's RTP timeout and NAT binding see a stream.
    if (this.forwarding && !this.sentSinceReport) this.pace();
    const remote = this.rtcpRemote();
    if (!remote || this.closed) return;
    const block = this.received.reportBlock(this.monotonic());
    const reports = block ? [block] : [];
    const cname = this.options.cname ?? `chokutsu-${this.ssrc.toString(16)}`;
    const report = this.sentSinceReport
      ? buildRtcpReport({ ssrc: this.ssrc, cname, sender: this.senderInfo(), reports })
      : buildRtcpReport({ ssrc: this.ssrc, cname, reports });
    this.sentSinceReport = false;
    this.rtcp.send(report, remote.port, remote.address);
  }

  private senderInfo(): SenderInfo {
    const now = (this.options.now ?? (() => new Date()))();
    const { ntpSeconds, ntpFraction } = toNtp(now);
    // Spelled out, not spread: spread objects took a map each and made buildRtcpReport's loads megamorphic.
    return { ntpSeconds, ntpFraction, rtpTimestamp: this.timestamp, packetCount: this.packetsSent, octetCount: this.octetsSent };
  }
}

/** RFC 3550 §5.1 fixed header, no CSRC, written in place, byte by byte (as parseRtp reads it). */
function writeHeader(packet: Buffer, payloadType: number, marker: boolean, sequence: number, timestamp: number, ssrc: number): void {
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  packet[2] = sequence >>> 8;
  packet[3] = sequence;
  packet[4] = timestamp >>> 24;
  packet[5] = timestamp >>> 16;
  packet[6] = timestamp >>> 8;
  packet[7] = timestamp;
  packet[8] = ssrc >>> 24;
  packet[9] = ssrc >>> 16;
  packet[10] = ssrc >>> 8;
  packet[11] = ssrc;
}
