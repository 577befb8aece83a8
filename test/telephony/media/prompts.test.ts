import { test, describe } from 'node:test';
import type { SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import {
  EspeakEngine,
  PollyEngine,
  PromptRenderer,
  PromptRenderError,
  type SpeechEngine,
  type SpeechRequest,
} from '../../../src/telephony/media/prompts.ts';

function tempDir(): string {
  return mkdtempSync(join(os.tmpdir(), 'chokutsu-'));
}

/** Wraps espeak-ng to count how often synthesis really runs. */
class CountingEngine implements SpeechEngine {
  readonly name = 'espeak-ng';
  calls = 0;
  private readonly inner = new EspeakEngine();
  async synthesize(request: SpeechRequest, outPath: string, timeoutMs: number): Promise<void> {
    this.calls++;
    await this.inner.synthesize(request, outPath, timeoutMs);
  }
}

describe('prompt rendering', () => {
  test('renders Japanese text with espeak-ng to an 8 kHz mono WAV of plausible length; the second render hits the cache', async () => {
    const cacheDir = tempDir();
    const engine = new CountingEngine();
    const renderer = new PromptRenderer({ cacheDir, engine });
    const request = { text: 'お電話ありがとうございます。担当者におつなぎします。', language: 'ja-JP' };
    const first = await renderer.render(request);
    assert.ok(first.ok, !first.ok ? first.error.message : '');
    assert.equal(first.cached, false);
    const seconds = first.pcm.length / 8000;
    assert.ok(seconds > 1.5 && seconds < 15, `${seconds} s`);
    assert.match(execFileSync('sox', ['--i', first.path]).toString(), /Channels\s*: 1[\s\S]*Sample Rate\s*: 8000[\s\S]*Precision\s*: 16-bit/);

    const second = await renderer.render(request);
    assert.ok(second.ok);
    assert.equal(second.cached, true);
    assert.equal(second.path, first.path);
    // A fresh renderer (a restart) finds the file on disk.
    const restarted = new PromptRenderer({ cacheDir, engine });
    const third = await restarted.render(request);
    assert.ok(third.ok && third.cached);
    assert.equal(engine.calls, 1);
    assert.deepEqual(readdirSync(cacheDir), [first.path.split('/').at(-1)]);
  });

  test('concurrent renders of the same prompt synthesise once; different voices are cached apart', async () => {
    const engine = new CountingEngine();
    const renderer = new PromptRenderer({ cacheDir: tempDir(), engine, concurrency: 1 });
    const [a, b, c] = await Promise.all([
      renderer.render({ text: 'Hello', language: 'en-US' }),
      renderer.render({ text: 'Hello', language: 'en-US' }),
      renderer.render({ text: 'Hello', language: 'en-US', voice: 'en-gb' }),
    ]);
    assert.ok(a?.ok && b?.ok && c?.ok);
    assert.equal(a.path, b.path);
    assert.notEqual(a.path, c.path);
    assert.equal(engine.calls, 2);
  });

  test('a failing engine is a typed error, and nothing is cached', async () => {
    const cacheDir = tempDir();
    const renderer = new PromptRenderer({ cacheDir, engine: new EspeakEngine({ command: '/nonexistent/espeak-ng' }) });
    const result = await renderer.render({ text: 'こんにちは', language: 'ja-JP' });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error instanceof PromptRenderError);
    assert.equal(!result.ok && result.error.kind, 'synthesis-failed');
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  test('an uploaded 44.1 kHz stereo WAV is converted once to 8 kHz mono', async () => {
    const dir = tempDir();
    const upload = join(dir, 'hold-music.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', upload, 'synth', '0.5', 'sine', '440']);
    const renderer = new PromptRenderer({ cacheDir: join(dir, 'cache'), engine: new EspeakEngine() });
    const first = await renderer.fromFile(upload);
    assert.ok(first.ok);
    assert.equal(first.pcm.length, 4000);
    const again = await renderer.fromFile(upload);
    assert.ok(again.ok && again.cached);
  });

  test('an upload that is not audio is a conversion error', async () => {
    const dir = tempDir();
    const upload = join(dir, 'notes.wav');
    execFileSync('sh', ['-c', `echo not audio > ${upload}`]);
    const result = await new PromptRenderer({ cacheDir: join(dir, 'cache'), engine: new EspeakEngine() }).fromFile(upload);
    assert.equal(!result.ok && result.error.kind, 'conversion-failed');
  });
});

describe('Amazon Polly', () => {
  // Polly cannot run here (no AWS account, no network): the client is a stand-in that records the
  // request and answers with 8 kHz PCM the way SynthesizeSpeech does.
  test('asks for 8 kHz PCM in the flow\'s voice and caches it as a telephony WAV', async () => {
    const requests: Record<string, unknown>[] = [];
    const tone = new Int16Array(8000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const client = {
      send: async (command: SynthesizeSpeechCommand) => {
        requests.push({ ...command.input });
        return { AudioStream: { transformToByteArray: async () => new Uint8Array(tone.buffer.slice(0)) } };
      },
    };
    const renderer = new PromptRenderer({ cacheDir: tempDir(), engine: new PollyEngine({ client }) });
    const first = await renderer.render({ text: 'お電話ありがとうございます。', language: 'ja-JP', voice: 'Kazuha' });
    assert.ok(first.ok, first.ok ? '' : first.error.message);
    assert.equal(first.pcm.length, 8000);
    assert.equal(first.pcm[2], tone[2]);
    assert.deepEqual({ ...requests[0] }, {
      Text: 'お電話ありがとうございます。', TextType: 'text', OutputFormat: 'pcm', SampleRate: '8000',
      VoiceId: 'Kazuha', Engine: 'neural', LanguageCode: 'ja-JP',
    });
    const again = await renderer.render({ text: 'お電話ありがとうございます。', language: 'ja-JP', voice: 'Kazuha' });
    assert.ok(again.ok && again.cached);
    assert.equal(requests.length, 1);
    const ssml = await renderer.render({ text: '<speak>少々お待ちください</speak>', language: 'ja-JP' });
    assert.ok(ssml.ok);
    assert.equal(requests[1]?.['TextType'], 'ssml');
  });

  test('a Polly failure is a typed error: the call goes on without the prompt', async () => {
    const client = { send: async () => { throw new Error('UnrecognizedClientException: The security token included in the request is invalid'); } };
    const renderer = new PromptRenderer({ cacheDir: tempDir(), engine: new PollyEngine({ client }) });
    const r = await renderer.render({ text: 'x', language: 'en-US' });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error instanceof PromptRenderError && /security token/.test(r.error.message));
  });
});
