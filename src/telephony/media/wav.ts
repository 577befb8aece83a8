// RIFF/WAVE PCM16 reading and a streaming writer. Written here (no WAV package is installed):
// telephony only needs 16-bit PCM, which is a 44-byte header and raw samples.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';

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
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

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
      if (format.tag !== WAVE_FORMAT_PCM || format.bits !== 16) return fail(`unsupported encoding (format ${format.tag}, ${format.bits}-bit); PCM16 required`);
      // Streaming writers that never patched their sizes leave 0 or 0xFFFFFFFF: read to the end.
      const end = size === 0 || size === 0xffffffff ? buf.length : Math.min(buf.length, body + size);
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

function header(channels: number, sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
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
  return Buffer.concat([header(options.channels ?? 1, options.sampleRate ?? 8000, data.length), data]);
}

/** Appends PCM16 to a WAV file as it arrives; close() writes the real RIFF and data sizes. */
export class WavWriter {
  private dataBytes = 0;
  private pending: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    readonly channels: number,
    readonly sampleRate: number,
    private readonly file: FileHandle,
  ) {}

  static async create(path: string, options: { channels?: number; sampleRate?: number } = {}): Promise<WavWriter> {
    const channels = options.channels ?? 1;
    const sampleRate = options.sampleRate ?? 8000;
    const file = await open(path, 'w');
    await file.write(header(channels, sampleRate, 0), 0, 44, 0);
    return new WavWriter(path, channels, sampleRate, file);
  }

  /** Interleaved samples; writes are queued in order. */
  write(samples: Int16Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`WAV writer for ${this.path} is closed`));
    const data = littleEndian(samples);
    const position = 44 + this.dataBytes;
    this.dataBytes += data.length;
    const written = this.pending.then(async () => {
      await this.file.write(data, 0, data.length, position);
    });
    // A failed write fails its caller; the queue goes on (close() still patches the header and closes).
    this.pending = written.catch(() => {});
    return written;
  }

  get frames(): number {
    return this.dataBytes / (2 * this.channels);
  }

  async close(): Promise<{ path: string; durationSeconds: number }> {
    if (!this.closed) {
      this.closed = true;
      await this.pending;
      try {
        // After a failed write (disk full) the file holds less than was queued: its header says what it holds.
        const frame = 2 * this.channels;
        this.dataBytes = Math.min(this.dataBytes, Math.floor(Math.max(0, (await this.file.stat()).size - 44) / frame) * frame);
        await this.file.write(header(this.channels, this.sampleRate, this.dataBytes), 0, 44, 0);
      } finally {
        await this.file.close();
      }
    }
    return { path: this.path, durationSeconds: this.frames / this.sampleRate };
  }
}

export type WavRepair =
  | { ok: true; repaired: boolean; dataBytes: number; durationSeconds: number }
  | { ok: false; reason: string };

/**
 * Makes a WAV cut off mid-write (the process killed, the power lost) playable: the RIFF and data
 * sizes are set from the file's length and a partial last frame is cut. The header WavWriter writes
 * first carries the format; a file shorter than that header, or with another layout, gets a fresh
 * header in `fallback`'s format when one is given. Idempotent: a complete file is left as it is.
 */
export async function repairWav(path: string, fallback?: { channels: number; sampleRate: number }): Promise<WavRepair> {
  let file: FileHandle;
  try {
    file = await open(path, 'r+');
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  try {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(44);
    const { bytesRead } = await file.read(head, 0, 44, 0);
    const ours = bytesRead === 44 && head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 16) === 'WAVEfmt '
      && head.readUInt32LE(16) === 16 && head.readUInt16LE(20) === WAVE_FORMAT_PCM && head.readUInt16LE(34) === 16
      && head.toString('ascii', 36, 40) === 'data';
    const format = ours ? { channels: head.readUInt16LE(22), sampleRate: head.readUInt32LE(24) } : fallback;
    if (!format || format.channels < 1 || format.sampleRate < 1) return { ok: false, reason: `${path}: not a PCM16 WAV this line wrote (${bytesRead} bytes of header)` };
    const frame = format.channels * 2;
    const dataBytes = ours ? Math.floor((size - 44) / frame) * frame : 0;
    const repaired = !ours || head.readUInt32LE(40) !== dataBytes || head.readUInt32LE(4) !== 36 + dataBytes || size !== 44 + dataBytes;
    if (repaired) {
      await file.truncate(44 + dataBytes);
      await file.write(header(format.channels, format.sampleRate, dataBytes), 0, 44, 0);
      await file.sync();
    }
    return { ok: true, repaired, dataBytes, durationSeconds: dataBytes / frame / format.sampleRate };
  } finally {
    await file.close();
  }
}
