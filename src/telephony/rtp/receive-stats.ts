// What a receiver knows about the source it hears (RFC 3550): sequence tracking with restarts
// (§A.1), expected and lost packets (§A.3), interarrival jitter (§A.8) and the last sender
// report, i.e. everything an RTCP report block carries (§6.4.1). No sockets, no clock: packets
// and arrival times (monotonic ms, performance.now()) come in as arguments.
import type { ReportBlock } from './rtcp.ts';

// RFC 3550 §A.1: gaps beyond these are not losses or reordering but a jump.
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;

/**
 * counted: an ordinary packet (also a duplicate or a late one);
 * new-source: a new SSRC, whose first packet started the statistics over;
 * held: a jump in the sequence, not counted until the next packet confirms it as a restart;
 * foreign: another SSRC while the one we hear is still sending (interleaved within
 * SSRC_SWITCH_GAP_MS), neither counted nor to be played.
 */
export type SequenceVerdict = 'counted' | 'new-source' | 'held' | 'foreign';

/** A new SSRC takes over only after the current one has been silent this long (ms). */
export const SSRC_SWITCH_GAP_MS = 100;

export interface ReceiveTotals {
  packetsReceived: number;
  /** Expected minus received, from sequence-number gaps (§A.3); duplicates never make it negative. */
  packetsLost: number;
  /** Interarrival jitter in timestamp units (§A.8). */
  jitter: number;
  remoteSsrc?: number;
}

/**
 * One source's state. A class with every field set in its constructor, so all sources share one
 * shape: these fields are read and written for every packet, and objects of many shapes (spreads,
 * properties added later) made those accesses megamorphic (`--trace-generalization`, perf).
 */
class SourceState {
  baseSeq: number;
  maxSeq: number;
  /** The sequence number that confirms a large jump as a restart (§A.1 bad_seq). */
  badSeq = RTP_SEQ_MOD + 1;
  cycles = 0;
  /** §A.1 init_seq, with this first packet counted. */
  received = 1;
  /** The last packet's transit time (§A.8); NaN before the first. */
  lastTransit = NaN;
  expectedPrior = 0;
  receivedPrior = 0;

  constructor(
    readonly ssrc: number,
    seq: number,
    public jitter: number,
    /** When the last packet of this SSRC arrived (monotonic ms); NaN when not told. */
    public lastHeardMs: number,
  ) {
    this.baseSeq = seq;
    this.maxSeq = seq;
  }
}

const expected = (s: SourceState): number => s.cycles + s.maxSeq - s.baseSeq + 1;

export class ReceiveStatistics {
  private source: SourceState | undefined;
  private lastSr: { middle: number; at: number } | undefined;

  /** `clockRate`: RTP timestamp units per second (8000 for G.711). */
  constructor(private readonly clockRate = 8000) {}

  /**
   * §A.1 update_seq. A new SSRC restarts the statistics at once, without the appendix's
   * probation: latching has already validated the source. A jump is taken as the sender
   * restarting its sequence (sipp's play_pcap_audio does on every replay) when the next packet
   * follows it; until then the jumped packet is held, not counted. Given the arrival time, a new
   * SSRC restarts the statistics only after a gap in the current one (§8.2: a sender that
   * changed its SSRC stops the old one); interleaved with it, it is `foreign`.
   */
  sequence(ssrc: number, seq: number, arrivalMs = NaN): SequenceVerdict {
    const s = this.source;
    if (!s || s.ssrc !== ssrc) {
      // NaN (an arrival not told) compares false: not foreign.
      if (s && arrivalMs - s.lastHeardMs < SSRC_SWITCH_GAP_MS) return 'foreign';
      this.source = new SourceState(ssrc, seq, 0, arrivalMs);
      return 'new-source';
    }
    if (!Number.isNaN(arrivalMs)) s.lastHeardMs = arrivalMs;
    const delta = (seq - s.maxSeq) & 0xffff;
    if (delta < MAX_DROPOUT) {
      if (seq < s.maxSeq) s.cycles += RTP_SEQ_MOD;
      s.maxSeq = seq;
    } else if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq !== s.badSeq) {
        s.badSeq = (seq + 1) & 0xffff;
        return 'held';
      }
      // Timestamps restarted with the sequence, so the last transit time is dropped too.
      this.source = new SourceState(ssrc, seq, s.jitter, s.lastHeardMs);
      return 'counted';
    }
    // Duplicates and late packets count as received too, so expected minus received can go
    // negative (§6.4.1).
    s.received++;
    return 'counted';
  }

  /** §A.8: one audio packet's RTP timestamp and its arrival on the monotonic clock (ms). */
  transit(rtpTimestamp: number, arrivalMs: number): void {
    const s = this.source;
    if (!s) return;
    const arrival = Math.floor((arrivalMs * this.clockRate) / 1000);
    const transit = arrival - rtpTimestamp;
    if (!Number.isNaN(s.lastTransit)) {
      const d = Math.abs(transit - s.lastTransit);
      s.jitter += (d - s.jitter) / 16;
    }
    s.lastTransit = transit;
  }

  /** A sender report arrived (§6.4.1 LSR: the middle 32 bits of its NTP timestamp). */
  senderReport(sender: { ntpSeconds: number; ntpFraction: number }, arrivalMs: number): void {
    const middle = (((sender.ntpSeconds & 0xffff) << 16) | (sender.ntpFraction >>> 16)) >>> 0;
    this.lastSr = { middle, at: arrivalMs };
  }

  totals(): ReceiveTotals {
    const s = this.source;
    if (!s) return { packetsReceived: 0, packetsLost: 0, jitter: 0 };
    return { packetsReceived: s.received, packetsLost: Math.max(0, expected(s) - s.received), jitter: s.jitter, remoteSsrc: s.ssrc };
  }

  /**
   * The report block for the RTCP report sent now (§6.4.1, fraction lost per §A.3), which
   * starts the next reporting interval; undefined before the first packet.
   */
  reportBlock(nowMs: number): ReportBlock | undefined {
    const s = this.source;
    if (!s) return undefined;
    const expectedNow = expected(s);
    const expectedInterval = expectedNow - s.expectedPrior;
    const lostInterval = expectedInterval - (s.received - s.receivedPrior);
    s.expectedPrior = expectedNow;
    s.receivedPrior = s.received;
    return {
      ssrc: s.ssrc,
      fractionLost: expectedInterval > 0 && lostInterval > 0 ? Math.floor((lostInterval * 256) / expectedInterval) : 0,
      cumulativeLost: expectedNow - s.received,
      extendedHighestSeq: s.cycles + s.maxSeq,
      jitter: s.jitter,
      lastSr: this.lastSr?.middle ?? 0,
      delaySinceLastSr: this.lastSr ? Math.floor(((nowMs - this.lastSr.at) / 1000) * 65536) : 0,
    };
  }
}
