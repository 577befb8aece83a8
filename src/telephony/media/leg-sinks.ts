// Who listens to one leg, and what each is given: the party's G.711 as it came to a sink that
// takes it, else audio decoded once for all; every key press to each. RtpSession and WebRtcLeg
// both deliver through this.
import { decodeG711, type G711Law } from '../rtp/g711.ts';
import type { MediaSink } from './leg.ts';

export class LegSinks {
  // Replaced, not mutated, so a sink removed while a packet is delivered does not shift the loop.
  private sinks: readonly MediaSink[] = [];

  /** Adds a sink; returns the function that removes it. */
  add(sink: MediaSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  digit(digit: string): void {
    for (const sink of this.sinks) sink.dtmf(digit);
  }

  /**
   * Delivers one received frame and its RTP timestamp, decoded once if a sink needs PCM. The
   * datagram it came in (a packet of its own from Node, with nothing else in its memory) goes to
   * the first sink that takes G.711 only: two rewriting one header would send each other's.
   */
  audio(law: G711Law, payload: Uint8Array, timestamp: number, datagram?: Buffer): void {
    let pcm: Int16Array | undefined;
    let reusable = datagram;
    for (const sink of this.sinks) {
      // The received datagram is not reused by Node, so the bytes are the sink's to keep.
      if (sink.g711) {
        sink.g711(law, payload, timestamp, reusable);
        reusable = undefined;
      } else if (sink.audio) sink.audio(pcm ??= decodeG711(law, payload));
    }
  }
}
