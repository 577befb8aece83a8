// Stereo call recording as Connect stores it: customer on the left channel, agent on the
// right, 8 kHz PCM16. The two legs arrive independently, so each is placed on a shared
// wall-clock timeline and gaps (silence suppression, lost packets, hold) become silence.
import { WavWriter } from './wav.ts';

export type RecordedParty = 'customer' | 'agent';

export interface StereoRecorderOptions {
  /** Monotonic milliseconds; injected so tests control the timeline. */
  now?: () => number;
  /** Audio may arrive this late (network jitter) before its gap is filled with silence. */
  jitterMs?: number;
  /** How often buffered audio is written to the file. */
  flushIntervalMs?: number;
  /**
   * Writing failed (disk full, permission denied, I/O error): the recorder stops, the call goes on.
   * Called once; the file keeps what was written before.
   */
  onError?: (err: NodeJS.ErrnoException) => void;
}

/** How a recording ended: its file and length, and the error that stopped it early, if any. */
export interface RecordingResult {
  path: string;
  durationSeconds: number;
  failed?: NodeJS.ErrnoException;
}

const RATE = 8000;

interface Track {
  /** Samples placed on the timeline so far (audio and inserted silence). */
  position: number;
  chunks: Int16Array[];
  buffered: number;
}

export class StereoRecorder {
  private readonly started: number;
  private readonly tracks: Record<RecordedParty, Track> = {
    customer: { position: 0, chunks: [], buffered: 0 },
    agent: { position: 0, chunks: [], buffered: 0 },
  };
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<RecordingResult> | undefined;
  private failed: NodeJS.ErrnoException | undefined;

  private constructor(
    private readonly writer: WavWriter,
    private readonly options: StereoRecorderOptions,
  ) {
    this.started = this.now();
    this.timer = setInterval(() => void this.flush(false), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  static async create(path: string, options: StereoRecorderOptions = {}): Promise<StereoRecorder> {
    return new StereoRecorder(await WavWriter.create(path, { channels: 2, sampleRate: RATE }), options);
  }

  get path(): string {
    return this.writer.path;
  }

  /** Audio heard from one party, just received (it ends now on the timeline). */
  write(party: RecordedParty, pcm: Int16Array): void {
    if (this.closing || this.failed) return;
    const track = this.tracks[party];
    const start = this.elapsedSamples() - pcm.length;
    if (start - track.position > this.slackSamples()) this.pad(track, start - track.position);
    track.chunks.push(pcm);
    track.buffered += pcm.length;
    track.position += pcm.length;
  }

  /** Pads both channels to the end of the call and finalises the WAV header. */
  close(): Promise<RecordingResult> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.flush(true);
      try {
        return { ...await this.writer.close(), ...(this.failed ? { failed: this.failed } : {}) };
      } catch (err) {
        this.fail(err as NodeJS.ErrnoException);
        return { path: this.writer.path, durationSeconds: this.writer.frames / RATE, failed: err as NodeJS.ErrnoException };
      }
    })();
    return this.closing;
  }

  /** The first write error stops the recording; the audio after it is dropped, the call is not. */
  private fail(err: NodeJS.ErrnoException): void {
    if (this.failed) return;
    this.failed = err;
    clearInterval(this.timer);
    for (const track of Object.values(this.tracks)) {
      track.chunks = [];
      track.buffered = 0;
    }
    this.options.onError?.(err);
  }

  private now(): number {
    return (this.options.now ?? performance.now.bind(performance))();
  }

  private elapsedSamples(): number {
    return Math.round(((this.now() - this.started) * RATE) / 1000);
  }

  private slackSamples(): number {
    return ((this.options.jitterMs ?? 60) * RATE) / 1000;
  }

  private pad(track: Track, samples: number): void {
    track.chunks.push(new Int16Array(samples));
    track.buffered += samples;
    track.position += samples;
  }

  // A silent party sends nothing (or is on hold): fill its channel up to the timeline
  // so the other channel can be written out.
  private flush(final: boolean): Promise<void> {
    if (this.failed) return Promise.resolve();
    const { customer, agent } = this.tracks;
    const target = final
      ? Math.max(customer.position, agent.position, this.elapsedSamples())
      : this.elapsedSamples() - this.slackSamples();
    for (const track of [customer, agent]) if (track.position < target) this.pad(track, target - track.position);
    const frames = Math.min(customer.buffered, agent.buffered);
    if (frames <= 0) return Promise.resolve();
    const left = take(customer, frames);
    const right = take(agent, frames);
    const interleaved = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      interleaved[2 * i] = left[i] ?? 0;
      interleaved[2 * i + 1] = right[i] ?? 0;
    }
    return this.writer.write(interleaved).catch((err: NodeJS.ErrnoException) => this.fail(err));
  }
}

function take(track: Track, count: number): Int16Array {
  const out = new Int16Array(count);
  let filled = 0;
  while (filled < count) {
    const chunk = track.chunks[0];
    if (!chunk) break;
    const n = Math.min(chunk.length, count - filled);
    out.set(chunk.subarray(0, n), filled);
    filled += n;
    if (n === chunk.length) track.chunks.shift();
    else track.chunks[0] = chunk.subarray(n);
  }
  track.buffered -= filled;
  return out;
}
