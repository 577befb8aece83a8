// A far end of bench/media.ts: owns the RTP sockets of the callers' and the agents' phones, sends
// each leg a paced 20 ms PCMA stream (continuous sequence numbers and timestamps) and timestamps
// what comes back. It runs in its own process so that what it measures is not the peer's own view.
import dgram from 'node:dgram';
import { encodeG711 } from '../../src/telephony/rtp/g711.ts';
import { serve } from './child.ts';
import { deviations, FRAME_MS, legStats, percentile, type LegStats } from './leg-stats.ts';

const PCMA = 8;
const FRAME_TS = 160;
const SLOTS = FRAME_MS; // legs spread over 1 ms slots: no burst of every leg at once

// One second of a 440 Hz tone (a whole number of cycles), so recordings are not silent.
const TONE = Array.from({ length: 1000 / FRAME_MS }, (_, f) => {
  const pcm = Int16Array.from({ length: FRAME_TS }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (f * FRAME_TS + i)) / 8000)));
  return encodeG711('PCMA', pcm);
});

class Leg {
  readonly ssrc = (Math.random() * 2 ** 32) >>> 0;
  seq = Math.floor(Math.random() * 65536);
  ts = (Math.random() * 2 ** 32) >>> 0;
  frame = 0;
  sending = false;
  at = new Float64Array(1024);
  rtpTs = new Uint32Array(1024);
  count = 0;
  /** Packets that were not PCMA RTP (RTCP on the RTP port, DTMF, anything else). */
  other = 0;
  /** Frames this leg sent in the window. */
  sent = 0;

  constructor(readonly socket: dgram.Socket, readonly port: number) {}

  record(atMs: number, ts: number): void {
    if (this.count === this.at.length) {
      const at = new Float64Array(this.at.length * 2);
      at.set(this.at);
      this.at = at;
      const rtpTs = new Uint32Array(this.rtpTs.length * 2);
      rtpTs.set(this.rtpTs);
      this.rtpTs = rtpTs;
    }
    this.at[this.count] = atMs;
    this.rtpTs[this.count] = ts;
    this.count++;
  }
}

const legs = new Map<number, Leg>();
const slots: Leg[][] = Array.from({ length: SLOTS }, () => []);
let recording = false;
let windowStart = 0;
let sentInWindow = 0;
let lateness = new Float64Array(1 << 16);
let latenessCount = 0;

function send(leg: Leg, lateMs: number): void {
  const packet = Buffer.allocUnsafe(12 + FRAME_TS);
  packet[0] = 0x80;
  packet[1] = PCMA;
  packet.writeUInt16BE(leg.seq, 2);
  packet.writeUInt32BE(leg.ts, 4);
  packet.writeUInt32BE(leg.ssrc, 8);
  packet.set(TONE[leg.frame % TONE.length] ?? TONE[0] ?? [], 12);
  leg.seq = (leg.seq + 1) & 0xffff;
  leg.ts = (leg.ts + FRAME_TS) >>> 0;
  leg.frame++;
  leg.socket.send(packet);
  if (!recording) return;
  sentInWindow++;
  leg.sent++;
  if (latenessCount === lateness.length) {
    const grown = new Float64Array(lateness.length * 2);
    grown.set(lateness);
    lateness = grown;
  }
  lateness[latenessCount++] = lateMs;
}

// The send clock: slot n is due at t0 + n ms; a late wake-up sends every frame that is due (the
// sender never drops its backlog, so its streams stay continuous) and the lateness is reported.
const t0 = performance.now();
let nextSlot = 0;
function pump(): void {
  const now = performance.now();
  for (; t0 + nextSlot <= now; nextSlot++) {
    const due = t0 + nextSlot;
    for (const leg of slots[nextSlot % SLOTS] ?? []) if (leg.sending) send(leg, now - due);
  }
  setTimeout(pump, Math.max(0, t0 + nextSlot - performance.now()));
}
pump();

async function open(p: { count: number }): Promise<{ ports: number[] }> {
  const ports: number[] = [];
  for (let i = 0; i < p.count; i++) {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    const leg = new Leg(socket, port);
    // ICMP port unreachable once a peer has closed its side (a connected socket hears of it): not ours to die of.
    socket.on('error', () => leg.other++);
    socket.on('message', (msg) => {
      if (msg.length < 12 || ((msg[1] ?? 0) & 0x7f) !== PCMA) {
        leg.other++;
        return;
      }
      if (recording) leg.record(performance.now(), msg.readUInt32BE(4));
    });
    legs.set(port, leg);
    ports.push(port);
  }
  return { ports };
}

/** Starts sending on each leg to the peer's port for it (and takes only that peer's packets). */
function start(p: { legs: { port: number; to: number }[] }): void {
  for (const { port, to } of p.legs) {
    const leg = legs.get(port);
    if (!leg) throw new Error(`no leg on port ${port}`);
    leg.socket.connect(to, '127.0.0.1', () => (leg.sending = true));
    const emptiest = slots.reduce((a, b) => (b.length < a.length ? b : a));
    emptiest.push(leg);
  }
}

function startWindow(): void {
  for (const leg of legs.values()) {
    leg.count = 0;
    leg.other = 0;
    leg.sent = 0;
  }
  sentInWindow = 0;
  latenessCount = 0;
  windowStart = performance.now();
  recording = true;
}

export interface WindowReport {
  /** Each leg's figures, with the packets it sent and the non-PCMA packets it got in the window. */
  legs: (LegStats & { port: number; sent: number; other: number })[];
  /** Every sending leg's inter-arrival deviations, pooled (ms). */
  deviations: Float64Array;
  sent: number;
  received: number;
  other: number;
  /** How late this process sent its frames against the 20 ms schedule (ms): what no receiver can beat. */
  sendLateness: { p50: number; p99: number; max: number };
}

// After a stall the IPC message can be handled before the packets queued behind it: go on reading
// for a moment, so a backlog at the window's end is counted rather than lost (the window grows by it).
const DRAIN_MS = 50;

async function endWindow(): Promise<WindowReport> {
  await new Promise((r) => setTimeout(r, DRAIN_MS));
  recording = false;
  const end = performance.now();
  const measured = [...legs.values()].filter((l) => l.sending);
  const report: WindowReport['legs'] = [];
  const pooled: Float64Array[] = [];
  let received = 0;
  let other = 0;
  for (const leg of measured) {
    const arrivals = { atMs: leg.at, rtpTs: leg.rtpTs, count: leg.count };
    report.push({ port: leg.port, sent: leg.sent, other: leg.other, ...legStats(arrivals, windowStart, end) });
    pooled.push(deviations(arrivals));
    received += leg.count;
    other += leg.other;
  }
  const all = new Float64Array(pooled.reduce((n, d) => n + d.length, 0));
  pooled.reduce((at, d) => (all.set(d, at), at + d.length), 0);
  const late = lateness.slice(0, latenessCount).sort();
  return {
    legs: report, deviations: all, sent: sentInWindow, received, other,
    sendLateness: { p50: percentile(late, 50), p99: percentile(late, 99), max: late.length > 0 ? (late[late.length - 1] ?? 0) : 0 },
  };
}

function close(p: { ports: number[] }): void {
  for (const port of p.ports) {
    const leg = legs.get(port);
    if (!leg) continue;
    leg.sending = false;
    for (const slot of slots) {
      const i = slot.indexOf(leg);
      if (i >= 0) slot.splice(i, 1);
    }
    leg.socket.close();
    legs.delete(port);
  }
}

serve({ open, start, startWindow, endWindow, close });
