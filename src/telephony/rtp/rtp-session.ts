// One RTP/RTCP session (RFC 3550) on a UDP port pair: G.711 audio in and out, RFC 4733
// DTMF in and out, symmetric RTP, paced sending, receive statistics and periodic RTCP.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { decodeG711, encodeG711, G711_PAYLOAD_TYPE, G711_SILENCE, type G711Law } from './g711.ts';
import {
  buildRtp,
  buildTelephoneEvent,
  dtmfDigit,
  dtmfEventCode,
  parseRtp,
  parseTelephoneEvent,
  type DtmfDigit,
} from './packet.ts';
import { defaultPacer, type Pacer } from './pacer.ts';
import { PortsExhaustedError, type PortAllocator } from './ports.ts';
import { buildRtcpBye, buildRtcpReport, parseRtcp, toNtp, type ReportBlock, type RtcpPacket } from './rtcp.ts';
import type { MediaDirection, NegotiatedAudio } from '../sdp/sdp.ts';

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
  /** Monotonic clock in ns, for jitter and RTCP delay since the last SR. */
  monotonic?: () => bigint;
  /** Send clock shared with other sessions; defaults to the process-wide one. */
  pacer?: Pacer;
  ssrc?: number;
  cname?: string;
}

export interface RtpStats {
  packetsSent: number;
  octetsSent: number;
  packetsReceived: number;
  /** Expected minus received, from sequence-number gaps (RFC 3550 §A.3); duplicates never make it negative. */
  packetsLost: number;
  /** Interarrival jitter in timestamp units (RFC 3550 §A.8). */
  jitter: number;
  remoteSsrc?: number;
}

export type PlaybackEnd = 'finished' | 'stopped';

export interface RtpSessionEvents {
  /** Decoded inbound audio and its RTP timestamp. */
  audio: [pcm: Int16Array, timestamp: number];
  /** One RFC 4733 event, reported once however many packets carried it. */
  dtmf: [digit: DtmfDigit];
  rtcp: [packets: RtcpPacket[]];
  /** The peer's media source changed where it sends from (symmetric RTP latched). */
  latched: [endpoint: RtpEndpoint];
  socketError: [error: Error];
}

interface Playback {
  pcm: Int16Array;
  offset: number;
  loop: boolean;
  done: (end: PlaybackEnd) => void;
}

interface OutgoingDigit {
  event: number;
  samples: number;
  timestamp?: number;
  elapsed: number;
  endsSent: number;
  /** Audio frames sent after the end packets before the next digit. */
  pauseFrames: number;
  done: () => void;
}

interface ReceiveState {
  ssrc: number;
  baseSeq: number;
  maxSeq: number;
  /** The sequence number that confirms a large jump as a restart (RFC 3550 §A.1 bad_seq). */
  badSeq: number;
  cycles: number;
  received: number;
  jitter: number;
  lastTransit?: number;
  expectedPrior: number;
  receivedPrior: number;
}

const MAX_BURST_FRAMES = 5;
// RFC 3550 §A.1: gaps beyond these are not losses or reordering but a jump.
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;
const END_PACKET_REPEATS = 3;
const RECENT_DIGITS_KEPT = 16;

// RFC 3550 §A.1 init_seq, with this first packet counted.
function restartedSequence(seq: number): Omit<ReceiveState, 'ssrc' | 'jitter' | 'lastTransit'> {
  return { baseSeq: seq, maxSeq: seq, badSeq: RTP_SEQ_MOD + 1, cycles: 0, received: 1, expectedPrior: 0, receivedPrior: 0 };
}

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

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

export class RtpSession extends EventEmitter<RtpSessionEvents> {
  readonly localPort: number;
  readonly ssrc: number;

  private codec: G711Law;
  private payloadType: number;
  private telephoneEventPt: number | undefined;
  private direction: MediaDirection;
  private ptime: number;
  private samplesPerFrame: number;
  private readonly feedLimit: number;
  private sdpRemote: RtpEndpoint | undefined;
  private latchedRtp: RtpEndpoint | undefined;
  private latchedRtcp: RtpEndpoint | undefined;

  private sequence: number;
  private timestamp: number;
  private firstPacket = true;
  private packetsSent = 0;
  private octetsSent = 0;
  private sentSinceReport = false;

  /** Leaves the pacer; set while started. */
  private unpace: (() => void) | undefined;
  private rtcpTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private readonly playbacks: Playback[] = [];
  private readonly feedChunks: Int16Array[] = [];
  private feedLength = 0;
  private readonly digitsOut: OutgoingDigit[] = [];

  private receive: ReceiveState | undefined;
  private dtmfInTimestamp: number | undefined;
  private dtmfInReported = false;
  private dtmfInEvent = 0;
  private readonly recentDigitTimestamps: number[] = [];
  private lastSr: { middle: number; at: bigint } | undefined;

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
    this.feedLimit = ((options.feedBufferMs ?? 200) * SAMPLE_RATE) / 1000;
    this.sdpRemote = options.remote;
    const random = randomBytes(10);
    this.ssrc = options.ssrc ?? random.readUInt32BE(0);
    // RFC 3550 §5.1: initial sequence number and timestamp are random.
    this.sequence = random.readUInt16BE(4);
    this.timestamp = random.readUInt32BE(6);
    rtp.on('message', (msg, rinfo) => this.onRtp(msg, { address: rinfo.address, port: rinfo.port }));
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
    this.payloadType = negotiated.payloadType;
    this.telephoneEventPt = negotiated.telephoneEventPt;
    this.direction = negotiated.direction;
    this.ptime = negotiated.ptime;
    this.samplesPerFrame = (negotiated.ptime * SAMPLE_RATE) / 1000;
    this.setRemote({ address: negotiated.remoteAddress, port: negotiated.remotePort });
    if (this.unpace) this.joinPacer();
  }

  /** Sets the SDP address; symmetric RTP latches again on the next packet from the peer. */
  setRemote(remote: RtpEndpoint): void {
    this.sdpRemote = remote;
    this.latchedRtp = undefined;
    this.latchedRtcp = undefined;
  }

  /** Where RTP goes now: the latched source if the peer has sent, else the SDP address. */
  get remote(): RtpEndpoint | undefined {
    return this.latchedRtp ?? this.usableSdpRemote();
  }

  /** Whether RFC 4733 telephone-event was negotiated, so sendDtmf() can be used. */
  get canSendDtmf(): boolean {
    return this.telephoneEventPt !== undefined;
  }

  get playing(): boolean {
    return this.playbacks.length > 0;
  }

  /** Starts sending every ptime (silence when idle keeps NAT bindings open) and RTCP. */
  start(): void {
    if (this.closed || this.unpace) return;
    this.joinPacer();
    const interval = this.options.rtcpIntervalMs ?? 5000;
    this.rtcpTimer = setInterval(() => this.sendRtcpReport(), interval);
    this.rtcpTimer.unref();
  }

  /** Queues 8 kHz PCM (a prompt); resolves when its last frame is sent or it is stopped. */
  play(pcm: Int16Array, options: { loop?: boolean } = {}): Promise<PlaybackEnd> {
    if (this.closed) return Promise.resolve('stopped');
    return new Promise((resolve) => {
      this.playbacks.push({ pcm, offset: 0, loop: options.loop ?? false, done: resolve });
    });
  }

  /** Stops the current prompt and everything queued after it. */
  stop(): void {
    for (const playback of this.playbacks.splice(0)) playback.done('stopped');
  }

  /** Live audio from another leg (bridging): sent when no prompt is playing. */
  feed(pcm: Int16Array): void {
    this.feedChunks.push(pcm);
    this.feedLength += pcm.length;
    while (this.feedLength > this.feedLimit && this.feedChunks.length > 1) {
      this.feedLength -= this.feedChunks.shift()?.length ?? 0;
    }
  }

  /** Sends digits as RFC 4733 events, each followed by a pause of audio; resolves after the last. */
  async sendDtmf(digits: string, options: { durationMs?: number; gapMs?: number } = {}): Promise<void> {
    if (this.telephoneEventPt === undefined) throw new Error('telephone-event was not negotiated on this session');
    const events = [...digits].map((digit) => {
      const event = dtmfEventCode(digit);
      if (event === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
      return event;
    });
    const samples = ((options.durationMs ?? 100) * SAMPLE_RATE) / 1000;
    const pauseFrames = Math.ceil((options.gapMs ?? 60) / this.ptime);
    for (const event of events) {
      await new Promise<void>((done) => this.digitsOut.push({ event, samples, elapsed: 0, endsSent: 0, pauseFrames, done }));
    }
  }

  stats(): RtpStats {
    const r = this.receive;
    const stats: RtpStats = {
      packetsSent: this.packetsSent,
      octetsSent: this.octetsSent,
      packetsReceived: r?.received ?? 0,
      packetsLost: r ? Math.max(0, this.expected(r) - r.received) : 0,
      jitter: r?.jitter ?? 0,
    };
    if (r) stats.remoteSsrc = r.ssrc;
    return stats;
  }

  /** Sends RTCP BYE, closes both sockets and returns the port pair to the allocator. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unpace?.();
    this.unpace = undefined;
    clearInterval(this.rtcpTimer);
    this.stop();
    for (const digit of this.digitsOut.splice(0)) digit.done();
    const rtcpRemote = this.rtcpRemote();
    if (rtcpRemote && this.packetsSent > 0) {
      await new Promise<void>((resolve) => this.rtcp.send(buildRtcpBye(this.ssrc), rtcpRemote.port, rtcpRemote.address, () => resolve()));
    }
    await Promise.all([closeSocket(this.rtp), closeSocket(this.rtcp)]);
    this.options.allocator.release(this.localPort);
  }

  private monotonic(): bigint {
    return (this.options.monotonic ?? process.hrtime.bigint)();
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

  // Joins (again, after a ptime change) the clock of this ptime.
  private joinPacer(): void {
    this.unpace?.();
    this.unpace = (this.options.pacer ?? defaultPacer).add(this.ptime, (frames) => this.onFrames(frames));
  }

  private onFrames(frames: number): void {
    let due = frames;
    if (due > MAX_BURST_FRAMES) {
      // The event loop stalled: skip the lost time rather than burst it at the peer, keeping
      // the timestamp in step with the clock.
      this.timestamp = (this.timestamp + (due - 1) * this.samplesPerFrame) >>> 0;
      due = 1;
    }
    for (; due > 0; due--) this.sendFrame();
  }

  private sendFrame(): void {
    const digit = this.digitsOut[0];
    if (digit && digit.endsSent < END_PACKET_REPEATS) {
      this.sendDigitFrame(digit);
    } else {
      if (digit && --digit.pauseFrames <= 0) this.finishDigit(digit);
      const pcm = this.nextPlaybackFrame() ?? this.takeFeed();
      const payload = pcm ? encodeG711(this.codec, pcm) : new Uint8Array(this.samplesPerFrame).fill(G711_SILENCE[this.codec]);
      this.sendRtp(this.payloadType, this.firstPacket, this.timestamp, payload);
    }
    this.timestamp = (this.timestamp + this.samplesPerFrame) >>> 0;
  }

  // RFC 4733 §2.5: all packets of one event carry its start timestamp and a growing
  // duration; the end packet is sent three times.
  private sendDigitFrame(digit: OutgoingDigit): void {
    const first = digit.timestamp === undefined;
    const start = digit.timestamp ?? this.timestamp;
    digit.timestamp = start;
    digit.elapsed = Math.min(digit.samples, digit.elapsed + this.samplesPerFrame);
    const end = digit.elapsed >= digit.samples;
    const payload = buildTelephoneEvent({ event: digit.event, end, volume: 10, duration: digit.elapsed });
    this.sendRtp(this.telephoneEventPt ?? 101, first, start, payload);
    if (end && ++digit.endsSent >= END_PACKET_REPEATS && digit.pauseFrames <= 0) this.finishDigit(digit);
  }

  private finishDigit(digit: OutgoingDigit): void {
    this.digitsOut.shift();
    digit.done();
  }

  private nextPlaybackFrame(): Int16Array | undefined {
    const playback = this.playbacks[0];
    if (!playback) return undefined;
    const frame = new Int16Array(this.samplesPerFrame);
    let filled = 0;
    while (filled < frame.length) {
      const chunk = playback.pcm.subarray(playback.offset, playback.offset + frame.length - filled);
      frame.set(chunk, filled);
      filled += chunk.length;
      playback.offset += chunk.length;
      if (playback.offset < playback.pcm.length) continue;
      if (!playback.loop || playback.pcm.length === 0) {
        this.playbacks.shift();
        playback.done('finished');
        break;
      }
      playback.offset = 0;
    }
    return frame;
  }

  private takeFeed(): Int16Array | undefined {
    if (this.feedLength < this.samplesPerFrame) return undefined;
    const frame = new Int16Array(this.samplesPerFrame);
    let filled = 0;
    while (filled < frame.length) {
      const chunk = this.feedChunks[0];
      if (!chunk) break;
      const take = Math.min(chunk.length, frame.length - filled);
      frame.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.feedChunks.shift();
      else this.feedChunks[0] = chunk.subarray(take);
    }
    this.feedLength -= filled;
    return frame;
  }

  private sendRtp(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    const remote = this.remote;
    if (!remote || this.direction === 'recvonly' || this.direction === 'inactive') return;
    const packet = buildRtp({ payloadType, marker, sequenceNumber: this.sequence, timestamp, ssrc: this.ssrc, payload });
    this.sequence = (this.sequence + 1) & 0xffff;
    this.firstPacket = false;
    this.packetsSent++;
    this.octetsSent += payload.length;
    this.sentSinceReport = true;
    this.rtp.send(packet, remote.port, remote.address);
  }

  private onRtp(msg: Buffer, from: RtpEndpoint): void {
    const packet = parseRtp(msg);
    if (!packet || this.closed) return;
    if (!this.latchedRtp) {
      this.latchedRtp = from;
      this.emit('latched', from);
    } else if (from.address !== this.latchedRtp.address || from.port !== this.latchedRtp.port) {
      // Latched once per negotiation: packets from elsewhere are not the peer's stream.
      return;
    }
    // Not counted, a packet is still played: a restarting sender's first packet is audio too.
    const counted = this.updateReceiveStats(packet.ssrc, packet.sequenceNumber);
    if (packet.payloadType === this.telephoneEventPt) {
      this.onTelephoneEvent(packet.timestamp, packet.marker, packet.payload);
      return;
    }
    const law = packet.payloadType === this.payloadType ? this.codec : packet.payloadType === 0 ? 'PCMU' : packet.payloadType === 8 ? 'PCMA' : undefined;
    if (!law) return;
    if (counted) this.updateJitter(packet.timestamp);
    this.emit('audio', decodeG711(law, packet.payload), packet.timestamp);
  }

  // RFC 4733 §2.5.1.3: an event is identified by its timestamp; report it once, on the
  // first end packet, or when the next event starts if every end packet was lost.
  // The marker bit starts a new event (§2.5.1.3) even when a sender reuses a timestamp, as a
  // replayed capture (sipp's play_pcap_audio) does for every key.
  private onTelephoneEvent(timestamp: number, marker: boolean, payload: Uint8Array): void {
    const ev = parseTelephoneEvent(payload);
    if (!ev) return;
    if (marker && (this.recentDigitTimestamps.includes(timestamp) || this.dtmfInTimestamp === timestamp)) {
      if (this.dtmfInTimestamp === timestamp && !this.dtmfInReported) this.reportDigit(timestamp, this.dtmfInEvent);
      for (let i = this.recentDigitTimestamps.indexOf(timestamp); i >= 0; i = this.recentDigitTimestamps.indexOf(timestamp)) this.recentDigitTimestamps.splice(i, 1);
      this.dtmfInTimestamp = undefined;
    }
    if (this.recentDigitTimestamps.includes(timestamp)) return;
    if (timestamp !== this.dtmfInTimestamp) {
      if (this.dtmfInTimestamp !== undefined && !this.dtmfInReported) this.reportDigit(this.dtmfInTimestamp, this.dtmfInEvent);
      this.dtmfInTimestamp = timestamp;
      this.dtmfInReported = false;
      this.dtmfInEvent = ev.event;
    }
    if (ev.end && !this.dtmfInReported) {
      this.dtmfInReported = true;
      this.reportDigit(timestamp, ev.event);
    }
  }

  private reportDigit(timestamp: number, event: number): void {
    this.recentDigitTimestamps.push(timestamp);
    if (this.recentDigitTimestamps.length > RECENT_DIGITS_KEPT) this.recentDigitTimestamps.shift();
    const digit = dtmfDigit(event);
    if (digit !== undefined) this.emit('dtmf', digit);
  }

  private expected(r: ReceiveState): number {
    return r.cycles + r.maxSeq - r.baseSeq + 1;
  }

  // RFC 3550 §A.1 update_seq. A new SSRC restarts the statistics at once, without the
  // appendix's probation: latching has already validated the source. A jump is taken as the
  // sender restarting its sequence (sipp's play_pcap_audio does on every replay) when the next
  // packet follows it; until then the jumped packet is not counted. Returns whether it counted.
  private updateReceiveStats(ssrc: number, seq: number): boolean {
    const r = this.receive;
    if (!r || r.ssrc !== ssrc) {
      this.receive = { ssrc, ...restartedSequence(seq), jitter: 0 };
      this.dtmfInTimestamp = undefined;
      return true;
    }
    const delta = (seq - r.maxSeq) & 0xffff;
    if (delta < MAX_DROPOUT) {
      if (seq < r.maxSeq) r.cycles += RTP_SEQ_MOD;
      r.maxSeq = seq;
    } else if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq !== r.badSeq) {
        r.badSeq = (seq + 1) & 0xffff;
        return false;
      }
      // Timestamps restarted with the sequence, so the last transit time is dropped too.
      this.receive = { ssrc, ...restartedSequence(seq), jitter: r.jitter };
      return true;
    }
    // Duplicates and late packets count as received too, so expected minus received can go
    // negative (RFC 3550 §6.4.1).
    r.received++;
    return true;
  }

  private updateJitter(rtpTimestamp: number): void {
    const r = this.receive;
    if (!r) return;
    const arrival = Number((this.monotonic() * BigInt(SAMPLE_RATE)) / 1_000_000_000n);
    const transit = arrival - rtpTimestamp;
    if (r.lastTransit !== undefined) {
      const d = Math.abs(transit - r.lastTransit);
      r.jitter += (d - r.jitter) / 16;
    }
    r.lastTransit = transit;
  }

  private onRtcp(msg: Buffer, from: RtpEndpoint): void {
    if (this.closed) return;
    const packets = parseRtcp(msg);
    if (packets.length === 0) return;
    this.latchedRtcp ??= from;
    for (const packet of packets) {
      if (packet.type === 'SR') {
        const middle = (((packet.sender.ntpSeconds & 0xffff) << 16) | (packet.sender.ntpFraction >>> 16)) >>> 0;
        this.lastSr = { middle, at: this.monotonic() };
      }
    }
    this.emit('rtcp', packets);
  }

  private sendRtcpReport(): void {
    const remote = this.rtcpRemote();
    if (!remote || this.closed) return;
    const reports: ReportBlock[] = [];
    const r = this.receive;
    if (r) {
      const expected = this.expected(r);
      const expectedInterval = expected - r.expectedPrior;
      const lostInterval = expectedInterval - (r.received - r.receivedPrior);
      r.expectedPrior = expected;
      r.receivedPrior = r.received;
      reports.push({
        ssrc: r.ssrc,
        fractionLost: expectedInterval > 0 && lostInterval > 0 ? Math.floor((lostInterval * 256) / expectedInterval) : 0,
        cumulativeLost: expected - r.received,
        extendedHighestSeq: r.cycles + r.maxSeq,
        jitter: r.jitter,
        lastSr: this.lastSr?.middle ?? 0,
        delaySinceLastSr: this.lastSr ? Math.floor((Number(this.monotonic() - this.lastSr.at) / 1e9) * 65536) : 0,
      });
    }
    const cname = this.options.cname ?? `chokutsu-${this.ssrc.toString(16)}`;
    const report = this.sentSinceReport
      ? buildRtcpReport({
          ssrc: this.ssrc,
          cname,
          sender: { ...toNtp((this.options.now ?? (() => new Date()))()), rtpTimestamp: this.timestamp, packetCount: this.packetsSent, octetCount: this.octetsSent },
          reports,
        })
      : buildRtcpReport({ ssrc: this.ssrc, cname, reports });
    this.sentSinceReport = false;
    this.rtcp.send(report, remote.port, remote.address);
  }
}
