// What the browser-phone tests share: Chromium with a fake microphone per browser, a hook on every
// RTCPeerConnection so a test can read what a page hears (getStats), and logging a user in.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** A tone as a WAV file: the browser's fake microphone plays it. */
function toneWav(hz: number, seconds: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chokutsu-phone-')), `tone-${hz}.wav`);
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', String(hz), 'vol', '0.5']);
  return file;
}

/** Chromium whose fake microphone says `hz` (one fake device per browser) for `seconds`. */
export function launchPhoneBrowser(hz: number, seconds: number): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${toneWav(hz, seconds)}`,
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
}

// Every RTCPeerConnection the page makes, so the test can read getStats.
export const CAPTURE_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) { const pc = new Native(...args); window.__pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();`;

/** A second voice in the same browser: a microphone made in the page (an oscillator). */
export const OWN_MICROPHONE = (hz: number): string => `(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    if (!c || !c.audio) return original(c);
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = ${hz};
    gain.gain.value = 0.5;
    const dest = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(dest);
    osc.start();
    return dest.stream;
  };
})();`;

export interface Inbound { energy: number; packets: number }

/** What the page's connected peer connections have heard so far. */
export async function inbound(page: Page): Promise<Inbound> {
  return page.evaluate(async () => {
    type Pc = { connectionState: string; getStats(): Promise<{ forEach(f: (s: Record<string, unknown>) => void): void }> };
    const pcs = (window as unknown as { __pcs: Pc[] }).__pcs.filter((pc) => pc.connectionState === 'connected');
    let energy = 0;
    let packets = 0;
    for (const pc of pcs) {
      (await pc.getStats()).forEach((s) => {
        if (s['type'] === 'inbound-rtp' && s['kind'] === 'audio') {
          energy += Number(s['totalAudioEnergy'] ?? 0);
          packets += Number(s['packetsReceived'] ?? 0);
        }
      });
    }
    return { energy, packets };
  });
}

/** Waits until the page hears more than `more` audio energy beyond `from` (bounded). */
export async function hears(page: Page, from: Inbound, more: number, what: string, timeoutMs = 15_000): Promise<Inbound> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await inbound(page);
    if (now.energy - from.energy > more) return now;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (energy ${from.energy} → ${now.energy}, packets ${now.packets})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A context of its own (with `init` scripts) logged in as `username` (password `<username>-password`). */
export async function logIn(browser: Browser, url: string, username: string, init: string[]): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  context.setDefaultTimeout(15_000);
  for (const script of init) await context.addInitScript(script);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(`${username}-password`);
  await page.locator('button[type=submit]').click();
  await page.locator('nav.side').waitFor();
  return { page, errors };
}
