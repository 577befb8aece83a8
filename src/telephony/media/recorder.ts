// Stereo call recording: customer on the left channel, agent on the right, 8 kHz. The two legs
// arrive independently, so each is placed on a shared wall-clock timeline and gaps (silence
// suppression, lost packets, hold) become silence. The file is G.711 WAV (format 6/7) in the law
// the call's first audio came in: a frame is recorded by copying its bytes, not decoding them
// (decoding was a tenth of the media workers' time at 200 calls). Audio is gathered per channel in
// a growing buffer and written once per flush interval: no allocation per packet, one file write
// per second per call.
import { copyG711, encodeG711Into, G711_SILENCE, type G711Law } from '../rtp/g711.ts';
import { WavWriter, type WavLayout } from './wav.ts';

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

/** A second and a half of one channel: a flush every second empties it, so it rarely grows. */
const INITIAL_TRACK_SAMPLES = 12_000;

/** The law of a recording whose first audio is not G.711 (a browser's, decoded), or that has none. */
const DEFAULT_LAW: G711Law = 'PCMU';

/** How a recording starts out, before its first audio settles the law: what crash repair assumes of a file cut off inside its header. */
export const RECORDING_LAYOUT: WavLayout = { format: DEFAULT_LAW, channels: 2, sampleRate: RATE };

interface Track {
  /** Samples placed on the timeline so far (audio and inserted silence). */
  position: number;
  /** Samples not yet written (G.711 bytes in the recording's law), `buffered` of them from the start. */
  samples: Uint8Array;
  buffered: number;
}

function emptyTrack(): Track {
  return { position: 0, samples: new Uint8Array(INITIAL_TRACK_SAMPLES), buffered: 0 };
}

/** Room for `more` samples after what the track holds; returns where they go. */
function append(track: Track, more: number): number {
  const at = track.buffered;
  if (at + more > track.samples.length) {
    const grown = new Uint8Array(Math.max(2 * track.samples.length, at + more));
    grown.set(track.samples.subarray(0, at));
    track.samples = grown;
  }
  track.buffered += more;
  track.position += more;
  return at;
}

export class StereoRecorder {
  private readonly started: number;
  /** The clock, bound once: it is read for every packet. */
  private readonly now: () => number;
  private readonly tracks: Record<RecordedParty, Track> = {
    customer: emptyTrack(),
    agent: emptyTrack(),
  };
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<RecordingResult> | undefined;
  private failed: NodeJS.ErrnoException | undefined;
  /** The file's law, taken from the first audio (or the first flush); until then undefined. */
  private law: G711Law | undefined;

  private constructor(
    private readonly writer: WavWriter,
    private readonly options: StereoRecorderOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.timer = setInterval(() => void this.flush(false), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  static async create(path: string, options: StereoRecorderOptions = {}): Promise<StereoRecorder> {
    return new StereoRecorder(await WavWriter.create(path, RECORDING_LAYOUT), options);
  }

  get path(): string {
    return this.writer.path;
  }

  /** Audio heard from one party, just received (it ends now on the timeline). */
  write(party: RecordedParty, pcm: Int16Array): void {
    const law = this.law ?? this.lawFrom(DEFAULT_LAW);
    const track = this.placed(party, pcm.length);
    if (!track) return;
    const at = append(track, pcm.length); // may grow track.samples
    encodeG711Into(law, pcm, track.samples, at);
  }

  /** As write(), for a G.711 payload: copied into the channel (through a table when the law differs). */
  writeG711(party: RecordedParty, law: G711Law, payload: Uint8Array): void {
    const fileLaw = this.law ?? this.lawFrom(law);
    const track = this.placed(party, payload.length);
    if (!track) return;
    const at = append(track, payload.length);
    copyG711(law, payload, fileLaw, track.samples, at);
  }

  /** Settles the file's law (before any sample is written). */
  private lawFrom(law: G711Law): G711Law {
    this.law = law;
    this.writer.setLaw(law);
    return law;
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
    for (const party of ['customer', 'agent'] as const) this.tracks[party] = emptyTrack();
    this.options.onError?.(err);
  }

  private elapsedSamples(): number {
    return Math.round(((this.now() - this.started) * RATE) / 1000);
  }

  private slackSamples(): number {
    return ((this.options.jitterMs ?? 60) * RATE) / 1000;
  }

  // The track `samples` of new audio go on, after silence for a gap longer than the jitter allowed.
  private placed(party: RecordedParty, samples: number): Track | undefined {
    if (this.closing || this.failed) return undefined;
    // Not tracks[party]: a key of two names made this per-packet load polymorphic (perf).
    const track = party === 'customer' ? this.tracks.customer : this.tracks.agent;
    const start = this.elapsedSamples() - samples;
    if (start - track.position > this.slackSamples()) this.pad(track, start - track.position);
    return track;
  }

  private pad(track: Track, samples: number): void {
    const at = append(track, samples);
    track.samples.fill(G711_SILENCE[this.law ?? this.lawFrom(DEFAULT_LAW)], at, at + samples);
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
    const left = customer.samples;
    const right = agent.samples;
    const interleaved = new Uint8Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      interleaved[2 * i] = left[i] ?? 0;
      interleaved[2 * i + 1] = right[i] ?? 0;
    }
    for (const track of [customer, agent]) {
      track.samples.copyWithin(0, frames, track.buffered);
      track.buffered -= frames;
    }
    return this.writer.write(interleaved).catch((err: NodeJS.ErrnoException) => this.fail(err));
  }
}
