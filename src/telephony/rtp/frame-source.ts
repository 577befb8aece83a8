// What the next outgoing frame is: the prompt at the head of the queue (looped if asked), else
// live audio fed from another leg, else nothing (the caller sends silence). Asked once per frame
// with the packet being built, so a frame is written straight into it: no sockets, no timers,
// no allocation per frame.
//
// Live audio is kept as G.711 bytes in the leg's law: a bridge between two G.711 legs forwards
// payloads as they came (converting PCMU⇄PCMA byte by byte when the laws differ) instead of
// decoding and re-encoding every frame.
import { copyG711, encodeG711Into, G711_SILENCE, type G711Law } from './g711.ts';

export type PlaybackEnd = 'finished' | 'stopped';

interface Playback {
  pcm: Int16Array;
  offset: number;
  loop: boolean;
  done: (end: PlaybackEnd) => void;
}

export class FrameSource {
  private readonly playbacks: Playback[] = [];
  /** Live audio: a ring of G.711 bytes in `law`, `fed` of them from `head`. */
  private readonly ring: Uint8Array;
  private head = 0;
  private fed = 0;
  private currentLaw: G711Law;

  /** `feedLimit`: live audio buffered at most this many samples before the oldest is dropped. */
  constructor(feedLimit: number, law: G711Law) {
    this.ring = new Uint8Array(Math.max(1, feedLimit));
    this.currentLaw = law;
  }

  get playing(): boolean {
    return this.playbacks.length > 0;
  }

  get law(): G711Law {
    return this.currentLaw;
  }

  /** The leg's codec changed (a re-INVITE): live audio already buffered is converted, not lost. */
  set law(law: G711Law) {
    if (law === this.currentLaw) return;
    const ring = this.ring;
    for (let i = 0, at = this.head; i < this.fed; i++, at = at + 1 === ring.length ? 0 : at + 1) {
      copyG711(this.currentLaw, ring.subarray(at, at + 1), law, ring, at);
    }
    this.currentLaw = law;
  }

  /** Queues a prompt; resolves when its last sample has been taken, or it is stopped. */
  play(pcm: Int16Array, options: { loop?: boolean } = {}): Promise<PlaybackEnd> {
    return new Promise((resolve) => {
      this.playbacks.push({ pcm, offset: 0, loop: options.loop ?? false, done: resolve });
    });
  }

  /** Stops the current prompt and everything queued after it. */
  stop(): void {
    for (const playback of this.playbacks.splice(0)) playback.done('stopped');
  }

  /** Live 8 kHz PCM (bridging): taken when no prompt is playing; a backlog beyond the limit is dropped oldest first. */
  feed(pcm: Int16Array): void {
    const at = this.reserve(pcm.length);
    const skip = pcm.length - Math.min(pcm.length, this.ring.length);
    const first = Math.min(this.ring.length - at, pcm.length - skip);
    encodeG711Into(this.currentLaw, pcm.subarray(skip, skip + first), this.ring, at);
    if (skip + first < pcm.length) encodeG711Into(this.currentLaw, pcm.subarray(skip + first), this.ring, 0);
  }

  /** Live audio as the G.711 payload it arrived in; like feed(), without decoding. */
  feedG711(law: G711Law, payload: Uint8Array): void {
    const at = this.reserve(payload.length);
    const skip = payload.length - Math.min(payload.length, this.ring.length);
    const first = Math.min(this.ring.length - at, payload.length - skip);
    copyG711(law, payload.subarray(skip, skip + first), this.currentLaw, this.ring, at);
    if (skip + first < payload.length) copyG711(law, payload.subarray(skip + first), this.currentLaw, this.ring, 0);
  }

  /** Forgets the live audio buffered (it is forwarded as it comes again). */
  dropFeed(): void {
    this.head = 0;
    this.fed = 0;
  }

  /**
   * Writes the next frame of `samples` G.711 bytes (in `law`) into `out` at `offset`, a prompt's
   * last frame padded with silence; false when there is nothing to say (the caller sends silence).
   */
  next(out: Uint8Array, offset: number, samples: number): boolean {
    return this.nextPlaybackFrame(out, offset, samples) || this.takeFeed(out, offset, samples);
  }

  // Makes room for `length` bytes, dropping the oldest beyond the ring; returns where they go.
  private reserve(length: number): number {
    const size = this.ring.length;
    const kept = Math.min(length, size);
    const overflow = this.fed + kept - size;
    if (overflow > 0) {
      this.head = (this.head + overflow) % size;
      this.fed -= overflow;
    }
    const at = (this.head + this.fed) % size;
    this.fed += kept;
    return at;
  }

  private nextPlaybackFrame(out: Uint8Array, offset: number, samples: number): boolean {
    const playback = this.playbacks[0];
    if (!playback) return false;
    let filled = 0;
    while (filled < samples) {
      const chunk = playback.pcm.subarray(playback.offset, playback.offset + samples - filled);
      encodeG711Into(this.currentLaw, chunk, out, offset + filled);
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
    out.fill(G711_SILENCE[this.currentLaw], offset + filled, offset + samples);
    return true;
  }

  // Whole frames only: a partial frame waits for the rest rather than going out padded.
  private takeFeed(out: Uint8Array, offset: number, samples: number): boolean {
    if (this.fed < samples) return false;
    const ring = this.ring;
    const first = Math.min(samples, ring.length - this.head);
    out.set(ring.subarray(this.head, this.head + first), offset);
    if (first < samples) out.set(ring.subarray(0, samples - first), offset + first);
    this.head = (this.head + samples) % ring.length;
    this.fed -= samples;
    return true;
  }
}
