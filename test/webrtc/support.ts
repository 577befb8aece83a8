// Chromium (playwright-core, headless) with the phone module on a fixture page served at the
// line's own origin, so SIP goes over ws://127.0.0.1:PORT/sip exactly as the web app's would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

let bundle: Promise<string> | undefined;

/** The fixture script (phone module + sip.js), bundled once per test process. */
export function fixtureBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(import.meta.dirname, 'fixture', 'page.ts')],
    bundle: true, write: false, format: 'iife', target: 'es2022', platform: 'browser', logLevel: 'silent',
  }).then((r) => r.outputFiles[0]?.text ?? '');
  return bundle;
}

/** A 440 Hz tone, the fake microphone: loud enough to tell from silence in the recording. */
export function toneWav(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-webrtc-'));
  const file = join(dir, 'tone.wav');
  if (!existsSync(file)) execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', '30', 'sine', '440', 'vol', '0.5']);
  return file;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${toneWav()}`,
      '--autoplay-policy=no-user-gesture-required',
      // Host candidates as addresses, not mDNS names the line would have to resolve; the fixture page
      // is fulfilled by playwright (no address space of its own), so local network checks are off.
      '--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks',
      '--no-sandbox',
    ],
  });
}

/** A page at the line's origin running the fixture script. */
export async function fixturePage(browser: Browser | BrowserContext, lineUrl: string): Promise<Page> {
  const page = await browser.newPage();
  const script = await fixtureBundle();
  await page.route(`${lineUrl}/__phone-fixture`, (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>phone</title><script>${script.replace(/<\/script/g, '<\\/script')}</script>`,
  }));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${lineUrl}/__phone-fixture`);
  return page;
}

/** Waits until the page's phone has emitted an event of this type (bounded). */
export async function phoneEvent(page: Page, type: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const handle = await page.waitForFunction((t) => (window as unknown as { fixture: { events: { type: string }[] } }).fixture.events.find((e) => e.type === t), type, { timeout: timeoutMs, polling: 50 });
  return (await handle.jsonValue()) as Record<string, unknown>;
}

export type InboundAudio = { bytesReceived: number; packetsReceived: number; totalAudioEnergy: number; codec: string };

/** Polls the page's inbound audio statistics until `ok` holds (bounded). */
export async function inboundUntil(page: Page, ok: (s: InboundAudio) => boolean, what: string, timeoutMs = 15_000): Promise<InboundAudio> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await page.evaluate(() => window.fixture.inbound());
    if (s && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(s)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
