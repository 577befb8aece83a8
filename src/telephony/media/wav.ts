// RIFF/WAVE reading and a streaming writer, for 16-bit PCM (prompts) and G.711 (recordings: the
// bytes as the call carried them, WAVE format 6/7). Written here (no WAV package is installed):
// telephony needs only these, which are a fixed header and raw samples.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { decodeG711, type G711Law } from '../rtp/g711.ts';

/** How a WAV's samples are stored: 16-bit linear PCM, or one G.711 byte per sample. */
export type WavSampleFormat = 'pcm16' | G711Law;

export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Interleaved when channels > 1. */
  samples: Int16Array;
}

export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
  constructor(readonly reason: string, readonly path?: string) {
    super(path ? `${path}: ${reason}` : reason);
  }
}

export type WavResult = { ok: true; wav: WavAudio } | { ok: false; error: WavFormatError };

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const FORMAT_TAG: Record<WavSampleFormat, number> = { pcm16: WAVE_FORMAT_PCM, PCMA: WAVE_FORMAT_ALAW, PCMU: WAVE_FORMAT_MULAW };

/** The sample format of a format tag and bit depth this module reads, if it is one. */
function sampleFormatOf(tag: number, bits: number): WavSampleFormat | undefined {
  if (tag === WAVE_FORMAT_PCM && bits === 16) return 'pcm16';
  if (tag === WAVE_FORMAT_ALAW && bits === 8) return 'PCMA';
  if (tag === WAVE_FORMAT_MULAW && bits === 8) return 'PCMU';
  return undefined;
}

const bytesPerSample = (format: WavSampleFormat): number => (format === 'pcm16' ? 2 : 1);

export function parseWav(buf: Buffer): WavResult {
  const fail = (reason: string): WavResult => ({ ok: false, error: new WavFormatError(reason) });
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return fail('not a RIFF/WAVE file');
  }
  let format: { tag: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let offset = 12; offset + 8 <= buf.length; ) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      let tag = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE names the real format in the first 2 bytes of its sub-format GUID.
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40) tag = buf.readUInt16LE(body + 24);
      format = { tag, channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format) return fail('data chunk before fmt chunk');
      const sampleFormat = sampleFormatOf(format.tag, format.bits);
      if (!sampleFormat) return fail(`unsupported encoding (format ${format.tag}, ${format.bits}-bit); PCM16, A-law or µ-law required`);
      // Streaming writers that never patched their sizes leave 0 or 0xFFFFFFFF: read to the end.
      const end = size === 0 || size === 0xffffffff ? buf.length : Math.min(buf.length, body + size);
      if (sampleFormat !== 'pcm16') {
        return { ok: true, wav: { sampleRate: format.sampleRate, channels: format.channels, samples: decodeG711(sampleFormat, buf.subarray(body, end)) } };
      }
      const data = buf.subarray(body, end - ((end - body) % 2));
      const samples = new Int16Array(data.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(2 * i);
      return { ok: true, wav: { sampleRate: format.sampleRate, channels: format.channels, samples } };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  return fail('no data chunk');
}

/** Reads a WAV that must already be telephony audio: 8 kHz mono PCM16 (prompts are converted with sox first). */
export async function readTelephonyWav(path: string): Promise<{ ok: true; pcm: Int16Array } | { ok: false; error: WavFormatError }> {
  const result = parseWav(await readFile(path));
  if (!result.ok) return { ok: false, error: new WavFormatError(result.error.reason, path) };
  const { sampleRate, channels, samples } = result.wav;
  if (sampleRate !== 8000 || channels !== 1) {
    return { ok: false, error: new WavFormatError(`expected 8000 Hz mono, got ${sampleRate} Hz ${channels} channels`, path) };
  }
  return { ok: true, pcm: samples };
}

/** What a WAV header says of its samples. */
export interface WavLayout {
  format: WavSampleFormat;
  channels: number;
  sampleRate: number;
}

/**
 * The header's length: PCM's 44 bytes; G.711's 58, as sox writes it (a format chunk of 18 bytes and
 * a `fact` chunk with the frame count, which the spec asks of every format but PCM).
 */
const headerBytes = (format: WavSampleFormat): number => (format === 'pcm16' ? 44 : 58);

function header({ format, channels, sampleRate }: WavLayout, dataBytes: number): Buffer {
  const size = headerBytes(format);
  const sample = bytesPerSample(format);
  const h = Buffer.alloc(size);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(size - 8 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(format === 'pcm16' ? 16 : 18, 16);
  h.writeUInt16LE(FORMAT_TAG[format], 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * sample, 28);
  h.writeUInt16LE(channels * sample, 32);
  h.writeUInt16LE(8 * sample, 34);
  let at = 36;
  if (format !== 'pcm16') {
    h.writeUInt16LE(0, 36); // no extra format bytes
    h.write('fact', 38, 'ascii');
    h.writeUInt32LE(4, 42);
    h.writeUInt32LE(dataBytes / (channels * sample), 46);
    at = 50;
  }
  h.write('data', at, 'ascii');
  h.writeUInt32LE(dataBytes, at + 4);
  return h;
}

/** The layout of a header exactly as header() writes it (any format), else undefined. */
function readOwnHeader(head: Buffer): WavLayout | undefined {
  if (head.length < 44 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 16) !== 'WAVEfmt ') return undefined;
  const format = sampleFormatOf(head.readUInt16LE(20), head.readUInt16LE(34));
  if (!format || head.length < headerBytes(format)) return undefined;
  const fmtSize = head.readUInt32LE(16);
  const own = format === 'pcm16'
    ? fmtSize === 16 && head.toString('ascii', 36, 40) === 'data'
    : fmtSize === 18 && head.toString('ascii', 38, 42) === 'fact' && head.toString('ascii', 50, 54) === 'data';
  return own ? { format, channels: head.readUInt16LE(22), sampleRate: head.readUInt32LE(24) } : undefined;
}

/**
 * PCM16 as WAV stores it (little-endian), copied in one go: a call's second of stereo is 32,000
 * bytes, and writing them a sample at a time cost the line milliseconds per recording per second.
 */
function littleEndian(samples: Int16Array): Buffer {
  const data = Buffer.from(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  return endianness() === 'LE' ? data : data.swap16();
}

export function encodeWav(samples: Int16Array, options: { channels?: number; sampleRate?: number } = {}): Buffer {
  const data = littleEndian(samples);
  return Buffer.concat([header({ format: 'pcm16', channels: options.channels ?? 1, sampleRate: options.sampleRate ?? 8000 }, data.length), data]);
}

/** Appends samples to a WAV file as they arrive; close() writes the real RIFF and data sizes. */
export class WavWriter {
  private dataBytes = 0;
  private pending: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private layout: WavLayout,
    private readonly file: FileHandle,
  ) {}

  static async create(path: string, options: { channels?: number; sampleRate?: number; format?: WavSampleFormat } = {}): Promise<WavWriter> {
    const layout: WavLayout = { format: options.format ?? 'pcm16', channels: options.channels ?? 1, sampleRate: options.sampleRate ?? 8000 };
    const file = await open(path, 'w');
    const h = header(layout, 0);
    await file.write(h, 0, h.length, 0);
    return new WavWriter(path, layout, file);
  }

  /**
   * Changes the G.711 law before any sample is written (a recording takes the law its first audio
   * came in). The header is rewritten at once, so a file cut off later still says its law.
   */
  setLaw(law: G711Law): void {
    if (this.layout.format === law) return;
    if (this.layout.format === 'pcm16' || this.dataBytes > 0) throw new Error(`WAV writer for ${this.path}: the law is set before the first samples, in a G.711 file`);
    this.layout = { ...this.layout, format: law };
    const h = header(this.layout, 0);
    const written = this.pending.then(async () => {
      await this.file.write(h, 0, h.length, 0);
    });
    this.pending = written.catch(() => {});
  }

  /** Interleaved samples (PCM16 as Int16Array, G.711 as bytes); writes are queued in order. */
  write(samples: Int16Array | Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`WAV writer for ${this.path} is closed`));
    if ((samples instanceof Int16Array) !== (this.layout.format === 'pcm16')) {
      return Promise.reject(new Error(`WAV writer for ${this.path}: ${samples instanceof Int16Array ? 'PCM16' : 'G.711'} samples for a ${this.layout.format} file`));
    }
    const data = samples instanceof Int16Array ? littleEndian(samples) : samples;
    const position = headerBytes(this.layout.format) + this.dataBytes;
    this.dataBytes += data.length;
    const written = this.pending.then(async () => {
      await this.file.write(data, 0, data.length, position);
    });
    // A failed write fails its caller; the queue goes on (close() still patches the header and closes).
    this.pending = written.catch(() => {});
    return written;
  }

  get frames(): number {
    return this.dataBytes / (bytesPerSample(this.layout.format) * this.layout.channels);
  }

  async close(): Promise<{ path: string; durationSeconds: number }> {
    if (!this.closed) {
      this.closed = true;
      await this.pending;
      try {
        // After a failed write (disk full) the file holds less than was queued: its header says what it holds.
        const frame = bytesPerSample(this.layout.format) * this.layout.channels;
        const start = headerBytes(this.layout.format);
        this.dataBytes = Math.min(this.dataBytes, Math.floor(Math.max(0, (await this.file.stat()).size - start) / frame) * frame);
        const h = header(this.layout, this.dataBytes);
        await this.file.write(h, 0, h.length, 0);
      } finally {
        await this.file.close();
      }
    }
    return { path: this.path, durationSeconds: this.frames / this.layout.sampleRate };
  }
}

export type WavRepair =
  | { ok: true; repaired: boolean; dataBytes: number; durationSeconds: number }
  | { ok: false; reason: string };

/**
 * Makes a WAV cut off mid-write (the process killed, the power lost) playable: the RIFF and data
 * sizes (and G.711's frame count) are set from the file's length and a partial last frame is cut.
 * The header WavWriter writes first carries the format; a file shorter than that header, or with
 * another layout, gets a fresh header in `fallback`'s format when one is given. Idempotent: a
 * complete file is left as it is.
 */
export async function repairWav(path: string, fallback?: WavLayout): Promise<WavRepair> {
  let file: FileHandle;
  try {
    file = await open(path, 'r+');
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  try {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(headerBytes('PCMA'));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const ours = readOwnHeader(head.subarray(0, bytesRead));
    const layout = ours ?? fallback;
    if (!layout || layout.channels < 1 || layout.sampleRate < 1) return { ok: false, reason: `${path}: not a WAV this line wrote (${bytesRead} bytes of header)` };
    const start = headerBytes(layout.format);
    const frame = layout.channels * bytesPerSample(layout.format);
    const dataBytes = ours ? Math.floor((size - start) / frame) * frame : 0;
    const fresh = header(layout, dataBytes);
    const repaired = !ours || !head.subarray(0, start).equals(fresh) || size !== start + dataBytes;
    if (repaired) {
      await file.truncate(start + dataBytes);
      await file.write(fresh, 0, fresh.length, 0);
      await file.sync();
    }
    return { ok: true, repaired, dataBytes, durationSeconds: dataBytes / frame / layout.sampleRate };
  } finally {
    await file.close();
  }
}
