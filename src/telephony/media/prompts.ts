// Prompt rendering: text → 8 kHz mono PCM16 WAV, cached on disk by a hash of what was
// rendered, so a prompt is synthesised once per (engine, voice, language, text).
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { SynthesizeSpeechCommand, type LanguageCode, type VoiceId } from '@aws-sdk/client-polly';
import { join } from 'node:path';
import { encodeWav, readTelephonyWav } from './wav.ts';

export interface SpeechRequest {
  text: string;
  /** BCP 47 language as Connect writes it: ja-JP, en-US. */
  language: string;
  voice?: string;
}

/** A text-to-speech engine writes a WAV (any rate, any channels) of the request to outPath. */
export interface SpeechEngine {
  /** Part of the cache key: change it when the engine's output changes. */
  readonly name: string;
  synthesize(request: SpeechRequest, outPath: string, timeoutMs: number): Promise<void>;
}

/** The one call PollyEngine makes; `PollyClient` from @aws-sdk/client-polly fits it. */
export interface PollySynthesizer {
  send(command: SynthesizeSpeechCommand, options?: { abortSignal?: AbortSignal }): Promise<{ AudioStream?: { transformToByteArray(): Promise<Uint8Array> } }>;
}

export interface PollyEngineOptions {
  client: PollySynthesizer;
  engine?: 'standard' | 'neural';
  /** The voice when the flow names none (UpdateContactTextToSpeechVoice), by language. */
  defaultVoice?: Record<string, string>;
}

const POLLY_VOICES: Record<string, string> = { 'ja-JP': 'Kazuha', 'en-US': 'Joanna', 'en-GB': 'Amy' };

/**
 * Amazon Polly, for users with AWS credentials (as the original line used through Connect):
 * SynthesizeSpeech with OutputFormat "pcm" at 8000 Hz is already telephony audio (signed 16-bit
 * little-endian mono), so it only needs a WAV header.
 */
export class PollyEngine implements SpeechEngine {
  readonly name: string;
  constructor(private readonly options: PollyEngineOptions) {
    this.name = `polly-${options.engine ?? 'neural'}`;
  }

  async synthesize(request: SpeechRequest, outPath: string, timeoutMs: number): Promise<void> {
    const voice = request.voice ?? this.options.defaultVoice?.[request.language] ?? POLLY_VOICES[request.language] ?? 'Joanna';
    const ssml = request.text.trimStart().startsWith('<speak');
    const response = await this.options.client.send(new SynthesizeSpeechCommand({
      Text: request.text, TextType: ssml ? 'ssml' : 'text', OutputFormat: 'pcm', SampleRate: '8000',
      VoiceId: voice as VoiceId, Engine: this.options.engine ?? 'neural', LanguageCode: request.language as LanguageCode,
    }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    if (!response.AudioStream) throw new Error(`Polly returned no audio for voice ${voice}`);
    const bytes = await response.AudioStream.transformToByteArray();
    const samples = new Int16Array(bytes.byteLength >> 1);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
    await writeFile(outPath, encodeWav(samples, { sampleRate: 8000 }));
  }
}

export type PromptRenderErrorKind = 'synthesis-failed' | 'conversion-failed' | 'invalid-audio';

/** A prompt that could not be rendered; the call plays silence and the error is logged. */
export class PromptRenderError extends Error {
  override readonly name = 'PromptRenderError';
  constructor(
    readonly kind: PromptRenderErrorKind,
    readonly source: string,
    readonly detail: string,
  ) {
    super(`${kind} for ${source}: ${detail}`);
  }
}

export type RenderResult =
  | { ok: true; path: string; pcm: Int16Array; cached: boolean }
  | { ok: false; error: PromptRenderError };

function run(file: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${file} ${error.killed ? 'timed out' : `failed (${error.code ?? error.signal})`}: ${String(stderr).trim()}`));
      else resolve();
    });
  });
}

const ESPEAK_VOICES: Record<string, string> = { 'ja-JP': 'ja', 'en-US': 'en-us', 'en-GB': 'en' };

export class EspeakEngine implements SpeechEngine {
  /** Part of the cache key, so a change of speed renders anew. */
  readonly name: string;
  constructor(private readonly options: { command?: string; wordsPerMinute?: number } = {}) {
    this.name = options.wordsPerMinute ? `espeak-ng-s${options.wordsPerMinute}` : 'espeak-ng';
  }

  async synthesize(request: SpeechRequest, outPath: string, timeoutMs: number): Promise<void> {
    const voice = request.voice ?? ESPEAK_VOICES[request.language] ?? request.language.split('-')[0] ?? 'en';
    const speed = this.options.wordsPerMinute ? ['-s', String(this.options.wordsPerMinute)] : [];
    // "--" so that text starting with "-" is spoken, not parsed as an option.
    await run(this.options.command ?? 'espeak-ng', ['-v', voice, ...speed, '-w', outPath, '--', request.text], timeoutMs);
  }
}

export interface PromptRendererOptions {
  cacheDir: string;
  engine: SpeechEngine;
  /** At most this many synthesis/conversion processes at once. */
  concurrency?: number;
  timeoutMs?: number;
  soxCommand?: string;
}

export class PromptRenderer {
  private readonly memory = new Map<string, Int16Array>();
  private readonly inFlight = new Map<string, Promise<RenderResult>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(private readonly options: PromptRendererOptions) {}

  /** The cached WAV for text in a voice, synthesised and converted on first use. */
  render(request: SpeechRequest): Promise<RenderResult> {
    const key = createHash('sha256')
      .update(JSON.stringify([this.options.engine.name, request.voice ?? '', request.language, request.text]))
      .digest('hex');
    return this.once(key, JSON.stringify(request.text.slice(0, 40)), async (tmp) => {
      await this.options.engine.synthesize(request, tmp, this.timeoutMs());
    });
  }

  /** An uploaded audio file, converted once to 8 kHz mono PCM16 and cached by its content. */
  async fromFile(path: string): Promise<RenderResult> {
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      return { ok: false, error: new PromptRenderError('invalid-audio', path, (error as Error).message) };
    }
    const key = createHash('sha256').update('upload\0').update(content).digest('hex');
    return this.once(key, path, undefined, path);
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? 15000;
  }

  private once(
    key: string,
    source: string,
    synthesize: ((tmpPath: string) => Promise<void>) | undefined,
    input?: string,
  ): Promise<RenderResult> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const job = this.produce(key, source, synthesize, input).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private async produce(
    key: string,
    source: string,
    synthesize: ((tmpPath: string) => Promise<void>) | undefined,
    input?: string,
  ): Promise<RenderResult> {
    const path = join(this.options.cacheDir, `${key}.wav`);
    const remembered = this.memory.get(key);
    if (remembered) return { ok: true, path, pcm: remembered, cached: true };
    if (await exists(path)) return this.load(key, path, source, true);

    await mkdir(this.options.cacheDir, { recursive: true });
    const tag = randomBytes(6).toString('hex');
    const raw = join(this.options.cacheDir, `${key}.${tag}.raw.wav`);
    const converted = join(this.options.cacheDir, `${key}.${tag}.tmp.wav`);
    await this.acquire();
    try {
      if (synthesize) {
        try {
          await synthesize(raw);
        } catch (error) {
          return { ok: false, error: new PromptRenderError('synthesis-failed', source, (error as Error).message) };
        }
      }
      try {
        const args = [input ?? raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', converted];
        await run(this.options.soxCommand ?? 'sox', args, this.timeoutMs());
      } catch (error) {
        return { ok: false, error: new PromptRenderError('conversion-failed', source, (error as Error).message) };
      }
      // Rename is atomic: a concurrent reader sees no file or a whole one.
      await rename(converted, path);
    } finally {
      this.release();
      await Promise.all([rm(raw, { force: true }), rm(converted, { force: true })]);
    }
    return this.load(key, path, source, false);
  }

  private async load(key: string, path: string, source: string, cached: boolean): Promise<RenderResult> {
    const wav = await readTelephonyWav(path);
    if (!wav.ok) return { ok: false, error: new PromptRenderError('invalid-audio', source, wav.error.message) };
    this.memory.set(key, wav.pcm);
    return { ok: true, path, pcm: wav.pcm, cached };
  }

  private async acquire(): Promise<void> {
    if (this.running < (this.options.concurrency ?? 2)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
