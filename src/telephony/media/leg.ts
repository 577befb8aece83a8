// One party's media as the bridge sees it: what the party says comes out as decoded 8 kHz
// PCM and key presses, what the other party says goes in as PCM. RtpSession is one; a WebRTC
// leg can be another, and the bridge and the recorder need not know which.
import type { G711Law } from '../rtp/g711.ts';
import type { ReceiveTotals } from '../rtp/receive-stats.ts';

/** Where a leg delivers what its party sends. A sink without audio handlers costs no decoding. */
export interface MediaSink {
  /** One decoded frame of 8 kHz mono PCM16, as it arrives. */
  audio?(pcm: Int16Array): void;
  /**
   * One frame as the G.711 payload it arrived in, given instead of audio() when the sink takes it:
   * a bridge forwards it without transcoding. The bytes are the sink's to keep. `timestamp` is its
   * RTP timestamp, when the leg has one. `datagram`, when given, is the received RTP packet the
   * payload is a view of, given to one sink alone: it may rewrite the header and send the packet
   * on (feedG711), so forwarding copies nothing.
   */
  g711?(law: G711Law, payload: Uint8Array, timestamp?: number, datagram?: Buffer): void;
  /** One key press, reported once however it was signalled. */
  dtmf(digit: string): void;
}

export interface MediaLeg {
  /** Starts delivering the party's audio and keys to `sink`; returns the function that stops it. */
  listen(sink: MediaSink): () => void;
  /** Live 8 kHz PCM for the party to hear (a prompt playing on the leg goes first). */
  feed(pcm: Int16Array): void;
  /**
   * Live G.711 for the party to hear, as feed() without decoding: a G.711 leg sends it as it is (in
   * its law). `timestamp`, the source's RTP timestamp, lets a leg that forwards keep the source's gaps.
   * `datagram` (see MediaSink.g711) is the packet the payload came in, the leg's to reuse.
   */
  feedG711?(law: G711Law, payload: Uint8Array, timestamp?: number, datagram?: Buffer): void;
  /** Whether the leg can signal digits to its party (RFC 4733 on RTP). */
  readonly canSendDtmf: boolean;
  /** Signals digits to the party; resolves once they are sent. */
  sendDtmf(digits: string): Promise<void>;
}

/** What a leg's statistics say (RTP counters and RFC 3550 receive statistics), for monitoring. */
export interface LegStats extends ReceiveTotals {
  packetsSent: number;
  octetsSent: number;
}

/** How a prompt's playback ended: played to its end, or cut short (barge-in, bridging, hang-up). */
export type PlaybackEnd = 'finished' | 'stopped';

/**
 * One party's leg of a call as the SIP line uses it: the bridge's MediaLeg, plus prompts, the
 * party's keys (through listen) and the end of the leg. RtpSession (plain RTP, rtp/) and
 * WebRtcLeg (ICE + DTLS-SRTP, webrtc/) are the two kinds; the line does not ask which.
 */
export interface CallLeg extends MediaLeg {
  /** Queues 8 kHz PCM (a prompt); resolves when its last frame is sent or it is stopped. */
  play(pcm: Int16Array, options?: { loop?: boolean }): Promise<PlaybackEnd>;
  /** Stops the current prompt and everything queued after it. */
  stop(): void;
  stats(): LegStats;
  /** Releases the leg's sockets (and ports); idempotent. */
  close(): Promise<void>;
}
