// Which media leg a call gets, from its SDP: a WebRTC offer (DTLS-SRTP, ICE) gets a WebRtcLeg,
// anything else a plain RtpSession. The SIP line asks for a leg and gets a CallLeg and the SDP
// to send; it does not need to know which kind it holds (media/leg.ts).
import type { CallLeg } from './media/leg.ts';
import { PortsExhaustedError, type PortAllocator } from './rtp/ports.ts';
import { RtpSession } from './rtp/rtp-session.ts';
import { acceptAnswer, answer, offer, parseSdp } from './sdp/sdp.ts';
import { isWebRtcSdp, WebRtcLeg } from './webrtc/webrtc-leg.ts';

const CODECS = ['PCMU', 'PCMA'] as const;

export type AnsweredLeg =
  | { ok: true; leg: CallLeg; sdp: string }
  | { ok: false; status: 488 | 503; reason: string };

export interface OfferedLeg {
  leg: CallLeg;
  sdp: string;
  /** Applies the far end's answer and starts sending; false when the answer is unusable. */
  accept(answerSdp: string): Promise<boolean>;
}

export interface CallLegFactoryOptions {
  ports: PortAllocator;
  /** Where RTP sockets bind and WebRTC gathers candidates. */
  rtpHost: string;
  log: (line: string) => void;
}

export class CallLegFactory {
  constructor(private readonly o: CallLegFactoryOptions) {}

  /** Answers an INVITE's offer with a leg of the offer's kind. */
  async answer(remoteSdp: string): Promise<AnsweredLeg> {
    if (isWebRtcSdp(remoteSdp)) {
      try {
        return { ok: true, ...(await WebRtcLeg.answer(remoteSdp, { host: this.o.rtpHost, log: this.o.log })) };
      } catch (err) {
        return { ok: false, status: 488, reason: `WebRTC offer not answerable: ${(err as Error).message}` };
      }
    }
    const parsed = parseSdp(remoteSdp);
    if (!parsed.ok) return { ok: false, status: 488, reason: `unreadable SDP (${parsed.problems.map((p) => p.message).join('; ')})` };
    let rtp: RtpSession;
    try {
      rtp = await RtpSession.open({ allocator: this.o.ports, bindAddress: this.o.rtpHost, codec: 'PCMU' });
    } catch (err) {
      return { ok: false, status: 503, reason: err instanceof PortsExhaustedError ? 'no RTP port free' : (err as Error).message };
    }
    const ans = answer(parsed.sdp, { localAddress: this.o.rtpHost, localPort: rtp.localPort, codecs: [...CODECS] });
    if (!ans.ok) {
      await rtp.close();
      return { ok: false, status: 488, reason: ans.error.message };
    }
    rtp.configure(ans.negotiated);
    rtp.start();
    return { ok: true, leg: rtp, sdp: ans.sdp };
  }

  /** An offer for a phone: WebRTC for a browser (registered over WebSocket), plain RTP otherwise. */
  async offer(kind: 'rtp' | 'webrtc'): Promise<OfferedLeg> {
    if (kind === 'webrtc') {
      const { leg, sdp } = await WebRtcLeg.offer({ host: this.o.rtpHost, log: this.o.log });
      return {
        leg, sdp,
        accept: async (answerSdp) => {
          try {
            await leg.accept(answerSdp);
            return true;
          } catch (err) {
            this.o.log(`webrtc: unusable answer: ${(err as Error).message}`);
            return false;
          }
        },
      };
    }
    const rtp = await RtpSession.open({ allocator: this.o.ports, bindAddress: this.o.rtpHost, codec: 'PCMU' });
    const offerOptions = { localAddress: this.o.rtpHost, localPort: rtp.localPort, codecs: [...CODECS] };
    return {
      leg: rtp,
      sdp: offer(offerOptions),
      accept: async (answerSdp) => {
        const parsed = parseSdp(answerSdp);
        const accepted = parsed.ok ? acceptAnswer(parsed.sdp, offerOptions) : undefined;
        if (!accepted?.ok) return false;
        rtp.configure(accepted.negotiated);
        rtp.start();
        return true;
      },
    };
  }
}
