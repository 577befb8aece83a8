// What the next outgoing frame of 8 kHz PCM is: the prompt at the head of the queue (looped
// if asked), else live audio fed from another leg, else nothing (the caller sends silence).
// Asked once per frame; no sockets, no timers.

export type PlaybackEnd = 'finished' | 'stopped';

interface Playback {
  pcm: Int16Array;
  offset: number;
  loop: boolean;
  done: (end: PlaybackEnd) => void;
}

export class FrameSource {
  private readonly playbacks: Playback[] = [];
  private readonly feedChunks: Int16Array[] = [];
  private feedLength = 0;

  /** `feedLimit`: live audio buffered at most this many samples before the oldest is dropped. */
  constructor(private readonly feedLimit: number) {}

  get playing(): boolean {
    return this.playbacks.length > 0;
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

  /** Live audio (bridging): taken when no prompt is playing; a backlog beyond the limit is dropped oldest first. */
  feed(pcm: Int16Array): void {
    this.feedChunks.push(pcm);
    this.feedLength += pcm.length;
    while (this.feedLength > this.feedLimit && this.feedChunks.length > 1) {
      this.feedLength -= this.feedChunks.shift()?.length ?? 0;
    }
  }

  /** The next frame of `samples`, or undefined for silence. A prompt's last frame is padded with silence. */
  next(samples: number): Int16Array | undefined {
    return this.nextPlaybackFrame(samples) ?? this.takeFeed(samples);
  }

  private nextPlaybackFrame(samples: number): Int16Array | undefined {
    const playback = this.playbacks[0];
    if (!playback) return undefined;
    const frame = new Int16Array(samples);
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

  // Whole frames only: a partial frame waits for the rest rather than going out padded.
  private takeFeed(samples: number): Int16Array | undefined {
    if (this.feedLength < samples) return undefined;
    const frame = new Int16Array(samples);
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
}
