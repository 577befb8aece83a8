// B2BUA media: the customer leg and the agent leg are separate RTP sessions. Audio is
// decoded on one leg and re-encoded on the other, so each leg keeps its own codec
// (PCMU on one, PCMA on the other), SSRC, sequence numbers and timestamps.
import { EventEmitter } from 'node:events';
import type { RtpSession } from '../rtp/rtp-session.ts';
import type { StereoRecorder } from './recorder.ts';

export type Leg = 'customer' | 'agent';

export interface MediaBridgeOptions {
  customer: RtpSession;
  agent: RtpSession;
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

  /** Unbridges; both sessions stay open (the customer may go back to a queue). */
  close(): void {
    for (const off of this.detach.splice(0)) off();
  }

  private connect(leg: Leg, from: RtpSession, to: RtpSession): void {
    const onAudio = (pcm: Int16Array) => {
      to.feed(pcm);
      this.recorder?.write(leg, pcm);
    };
    const onDtmf = (digit: string) => {
      this.emit('dtmf', digit, leg);
      // A leg without telephone-event gets nothing (SIP INFO relay is the SIP layer's job).
      if (this.forwardDtmf && to.canSendDtmf) void to.sendDtmf(digit);
    };
    from.on('audio', onAudio);
    from.on('dtmf', onDtmf);
    this.detach.push(() => {
      from.off('audio', onAudio);
      from.off('dtmf', onDtmf);
    });
  }
}
