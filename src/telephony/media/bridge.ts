// B2BUA media: the customer leg and the agent leg are separate media legs (RTP sessions
// today), each with its own SSRC, sequence numbers and timestamps. Between two G.711 legs the
// payload is forwarded as it came, with its RTP timestamp (an RTP leg sends it at once, see
// rtp-session.ts; bytes converted when one leg speaks PCMU and the other PCMA), and recorded as
// the same bytes (recorder.ts); a leg that takes only PCM is fed decoded audio. The bridge knows
// legs only as MediaLeg (leg.ts), so an RTP leg and a WebRTC leg are interchangeable.
import { EventEmitter } from 'node:events';
import type { G711Law } from '../rtp/g711.ts';
import type { MediaLeg } from './leg.ts';
import type { StereoRecorder } from './recorder.ts';

export type Leg = 'customer' | 'agent';

export interface MediaBridgeOptions {
  customer: MediaLeg;
  agent: MediaLeg;
  recorder?: StereoRecorder;
  /** Forward DTMF to the other leg as RFC 4733 events; by default digits are only reported. */
  forwardDtmf?: boolean;
}

export interface MediaBridgeEvents {
  dtmf: [digit: string, leg: Leg];
}

export class MediaBridge extends EventEmitter<MediaBridgeEvents> {
  private recorder: StereoRecorder | undefined;
  private readonly detach: (() => void)[] = [];
  private readonly forwardDtmf: boolean;
  /** On hold the two parties do not hear each other (the caller hears hold audio, played on their leg). */
  private held = false;

  constructor(private readonly legs: MediaBridgeOptions) {
    super();
    this.recorder = legs.recorder;
    this.forwardDtmf = legs.forwardDtmf ?? false;
    this.connect('customer', legs.customer, legs.agent);
    this.connect('agent', legs.agent, legs.customer);
  }

  startRecording(recorder: StereoRecorder): void {
    this.recorder = recorder;
  }

  /** Stops feeding the recorder (pause); the caller closes it when the contact ends. */
  stopRecording(): StereoRecorder | undefined {
    const recorder = this.recorder;
    this.recorder = undefined;
    return recorder;
  }

  hold(on: boolean): void {
    this.held = on;
  }

  /** Unbridges; both legs stay open (the customer may go back to a queue). */
  close(): void {
    for (const off of this.detach.splice(0)) off();
  }

  private connect(leg: Leg, from: MediaLeg, to: MediaLeg): void {
    const forward = to.feedG711?.bind(to);
    // One literal with every property, never a spread: each spread object got a map of its own,
    // and the per-packet `sink.g711` load in LegSinks went megamorphic (--log-ic).
    const stop = from.listen({
      g711: forward ? (law: G711Law, payload: Uint8Array, timestamp?: number, datagram?: Buffer) => {
        // The header may be rewritten in place; the payload, recorded below, is not touched.
        if (!this.held) forward(law, payload, timestamp, datagram);
        this.recorder?.writeG711(leg, law, payload);
      } : undefined,
      audio: (pcm) => {
        if (!this.held) to.feed(pcm);
        this.recorder?.write(leg, pcm);
      },
      dtmf: (digit) => {
        this.emit('dtmf', digit, leg);
        // A leg without telephone-event gets nothing (SIP INFO relay is the SIP layer's job).
        if (this.forwardDtmf && to.canSendDtmf) void to.sendDtmf(digit);
      },
    });
    this.detach.push(stop);
  }
}
