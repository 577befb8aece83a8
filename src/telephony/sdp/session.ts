// One media leg's side of offer/answer over the life of a dialog (RFC 3264 §5-8): the first
// answer or offer (delayed offer, RFC 3261 §13.2.1), then every re-offer (hold, resume, a new
// address or codec). Keeps our o= line stable and bumps its version when our SDP changes (§8).
// No I/O: SDP text in, SDP text and what to configure on the RTP leg out.
import type { G711Law } from '../rtp/g711.ts';
import {
  acceptAnswer, answer, offer, parseSdp,
  type MediaDirection, type NegotiatedAudio, type SessionDescription,
} from './sdp.ts';

/** RFC 3261 §20.43 warn-codes for a 488. */
export interface SdpWarning {
  code: 304 | 305 | 399;
  text: string;
}

export type SdpOutcome =
  | { ok: true; sdp: string; negotiated: NegotiatedAudio; held: boolean }
  | { ok: false; warning: SdpWarning };

export type AnswerOutcome = { ok: true; negotiated: NegotiatedAudio; held: boolean } | { ok: false; warning: SdpWarning };

export interface SdpSessionOptions {
  localAddress: string;
  localPort: number;
  codecs: G711Law[];
  sessionId?: string;
}

/**
 * The peer holds us (RFC 3264 §8.4): it will not receive (sendonly, inactive), or it gives the
 * RFC 2543 address 0.0.0.0.
 */
export function peerHolds(remote: SessionDescription): boolean {
  const audio = remote.media.find((m) => m.media === 'audio' && m.port !== 0);
  const direction: MediaDirection = audio?.direction ?? remote.direction ?? 'sendrecv';
  const address = audio?.connection ?? remote.connection;
  return direction === 'sendonly' || direction === 'inactive' || address === '0.0.0.0';
}

export class SdpSession {
  private version = 0;
  private lastSdp: string | undefined;

  constructor(private readonly o: SdpSessionOptions) {}

  /** Answers an offer, first or re-offer. A 0.0.0.0 peer gets nothing sent (answered recvonly). */
  answer(offerText: string): SdpOutcome {
    const parsed = parseSdp(offerText);
    if (!parsed.ok) {
      const first = parsed.problems[0];
      return { ok: false, warning: { code: 399, text: `unreadable SDP${first ? ` (line ${first.line}: ${first.message})` : ''}` } };
    }
    const held = peerHolds(parsed.sdp);
    const noAddress = parsed.sdp.media.some((m) => (m.connection ?? parsed.sdp.connection) === '0.0.0.0');
    const result = answer(parsed.sdp, { ...this.local(), ...(noAddress ? { direction: 'recvonly' as const } : {}) });
    if (!result.ok) return { ok: false, warning: mediaWarning(parsed.sdp, result.error.offered) };
    return { ok: true, sdp: this.stamp(result.sdp), negotiated: result.negotiated, held };
  }

  /** Our offer, for a peer that sent none (the answer comes in the ACK). */
  offer(): string {
    return this.stamp(offer({ ...this.local() }));
  }

  /** Reads the answer to our last offer. */
  acceptAnswer(answerText: string): AnswerOutcome {
    if (answerText.trim() === '') return { ok: false, warning: { code: 399, text: 'no SDP answer in the ACK' } };
    const parsed = parseSdp(answerText);
    if (!parsed.ok) return { ok: false, warning: { code: 399, text: `unreadable SDP answer (line ${parsed.problems[0]?.line ?? 1})` } };
    const result = acceptAnswer(parsed.sdp, this.local());
    if (!result.ok) return { ok: false, warning: mediaWarning(parsed.sdp, result.error.offered) };
    return { ok: true, negotiated: result.negotiated, held: peerHolds(parsed.sdp) };
  }

  private local(): { localAddress: string; localPort: number; codecs: G711Law[]; sessionId: string; sessionVersion: number } {
    return { localAddress: this.o.localAddress, localPort: this.o.localPort, codecs: this.o.codecs, sessionId: this.o.sessionId ?? '0', sessionVersion: this.version };
  }

  // RFC 3264 §8: the same o= line; its version goes up by one whenever what we say changes.
  private stamp(sdp: string): string {
    if (this.lastSdp === undefined || this.lastSdp === sdp) {
      this.lastSdp = sdp;
      return sdp;
    }
    this.version++;
    const bumped = sdp.replace(/^(o=\S+ \S+ )\d+/m, `$1${this.version}`);
    this.lastSdp = bumped;
    return bumped;
  }
}

function mediaWarning(sdp: SessionDescription, offered: string[]): SdpWarning {
  const audio = sdp.media.some((m) => m.media === 'audio' && m.port !== 0 && m.protocol.toUpperCase() === 'RTP/AVP');
  return audio
    ? { code: 305, text: `Incompatible media format: no common codec (offered ${offered.join(', ') || 'none'}; we take PCMU, PCMA)` }
    : { code: 304, text: 'Media type not available: no RTP/AVP audio stream' };
}
