// The browser phone end to end, through the built app in Chromium with fake microphones: a
// supervisor's test phone calls the line over WebRTC and keys 1001#; sato's desktop (browser phone
// on) rings with the customer's name, sato answers in the page, audio flows both ways (getStats in
// both pages, both channels of the recording), sato hangs up and finishes ACW with a note, and the
// supervisor finds the contact and plays its recording in the page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { endedRecord, recordingRms, webrtcLine } from '../webrtc/line-support.ts';
import type { TestLine } from '../e2e/support.ts';
import { ensureWebBuilt, screenshot } from './support.ts';

/** Two different voices: sato's microphone is the browser's fake device (a 440 Hz WAV), the supervisor's an 880 Hz one made in the page. */
function wav(hz: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chokutsu-phone-')), `tone-${hz}.wav`);
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', '60', 'sine', String(hz), 'vol', '0.5']);
  return file;
}

// Every RTCPeerConnection the page makes, so the test can read getStats; and, for the supervisor,
// a microphone of its own (one fake device per browser, so the second voice is an oscillator).
const CAPTURE_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) { const pc = new Native(...args); window.__pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();`;
const OWN_MICROPHONE = (hz: number) => `(() => {
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

interface Inbound { energy: number; packets: number }

async function inbound(page: Page): Promise<Inbound> {
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
async function hears(page: Page, from: Inbound, more: number, what: string, timeoutMs = 15_000): Promise<Inbound> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await inbound(page);
    if (now.energy - from.energy > more) return now;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (energy ${from.energy} → ${now.energy}, packets ${now.packets})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function logIn(browser: Browser, url: string, username: string, init: string[]): Promise<{ page: Page; errors: string[] }> {
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

async function bothLanguages(page: Page, name: string): Promise<void> {
  await screenshot(page, `ja-${name}`);
  await page.locator('.lang button[lang=en]').click();
  await screenshot(page, `en-${name}`);
  await page.locator('.lang button[lang=ja]').click();
}

describe('the browser phone in the web app', { timeout: 180_000 }, () => {
  let line: TestLine & { sipPort: number };
  let browser: Browser;
  before(async () => {
    ensureWebBuilt();
    line = await webrtcLine(44000);
    await line.server.services.users.create({ username: 'kimura', password: 'kimura-password', role: 'supervisor' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
        '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav(440)}`,
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await line?.close();
  });

  test('test phone → line → sato\'s browser desktop: ring, answer, talk both ways, hang up, ACW, recording plays', async () => {
    const agent = await logIn(browser, line.url, 'sato', [CAPTURE_PEER_CONNECTIONS, `localStorage.setItem('chokutsu.phoneMode', 'browser')`]);
    const a = agent.page;
    const registeredAt = Date.now();
    await a.locator('.softphone[data-phone-state=registered]').waitFor();
    const registerMs = Date.now() - registeredAt;
    await a.locator('[data-set-status=Available]').click();
    await a.locator('[data-status=Available]').waitFor();
    await bothLanguages(a, 'phone-agent-registered');

    const supervisor = await logIn(browser, line.url, 'kimura', [CAPTURE_PEER_CONNECTIONS, OWN_MICROPHONE(880)]);
    const s = supervisor.page;
    await s.locator('nav.side a[href="/phone"]').click();
    assert.equal(await s.locator('input[name=test-phone-mode][value=webrtc]').isChecked(), true, 'WebRTC is the default here');
    for (const k of ['1', '0', '0', '1', '#']) await s.getByRole('button', { name: `key ${k}` }).click();
    const dialled = Date.now();
    await s.getByRole('button', { name: '発信' }).click();
    await s.locator('.dialer[data-phone-state=in-call]').waitFor();
    const setupMs = Date.now() - dialled;
    await hears(s, { energy: 0, packets: 0 }, 0.01, 'the greeting');

    const offer = a.getByTestId('offer');
    await offer.waitFor({ timeout: 20_000 });
    assert.equal(await offer.locator('[data-field=customerName]').textContent(), 'さくら 太郎');
    await a.locator('[data-testid=offer][data-phone-ringing=yes]').waitFor();
    const rangAt = Date.now();
    await s.getByTestId('call-phase').filter({ hasText: 'エージェント呼出中' }).waitFor();
    await bothLanguages(a, 'phone-agent-ringing');

    await offer.getByRole('button', { name: '応答' }).click();
    await a.locator('.softphone[data-phone-state=in-call]').waitFor();
    const answerMs = Date.now() - rangAt;
    await a.getByTestId('active-contact').waitFor();
    await s.getByTestId('call-phase').filter({ hasText: '通話中' }).waitFor();
    // Both ways: each page hears the other's microphone through the line's bridge.
    const agentHeard = await hears(a, await inbound(a), 0.05, 'sato to hear the caller');
    const callerHeard = await hears(s, await inbound(s), 0.05, 'the caller to hear sato');
    // Mute, hold and the keypad act on the live call without ending it.
    await a.getByRole('button', { name: 'ミュート', exact: true }).click();
    await a.getByRole('button', { name: 'ミュート解除' }).click();
    await a.getByRole('button', { name: '保留', exact: true }).click();
    await a.getByRole('button', { name: '保留解除' }).click();
    await a.locator('.softphone').getByRole('button', { name: 'key 5' }).click();
    await a.locator('.softphone[data-phone-state=in-call]').waitFor();
    await bothLanguages(a, 'phone-agent-on-call');
    await bothLanguages(s, 'phone-test-phone-in-call');

    await a.getByTestId('active-contact').getByRole('button', { name: '切断' }).click();
    const acw = a.getByTestId('acw');
    await acw.waitFor();
    await s.locator('.dialer[data-phone-state=registered]').waitFor();
    await acw.locator('textarea[name=notes]').fill('ブラウザ電話で応対');
    await acw.getByRole('button', { name: '後処理を終了' }).click();
    await a.locator('[data-status=Available]').waitFor();

    const record = await endedRecord(line, ['AGENT_DISCONNECT']);
    assert.equal((record['agent'] as { id: string }).id, 'sato');
    assert.equal(record['customerNumber'], '1001');
    const [customerRms, agentRms] = await recordingRms(line, record);
    console.log(`browser phone: registered in ${registerMs} ms; test call set up in ${setupMs} ms; answered (click → in-call) in ${answerMs} ms; `
      + `energy heard: agent ${agentHeard.energy.toFixed(2)}, caller ${callerHeard.energy.toFixed(2)}; recording RMS customer ${customerRms.toFixed(0)}, agent ${agentRms.toFixed(0)}`);
    assert.ok(customerRms > 100, `customer channel RMS ${customerRms}`);
    assert.ok(agentRms > 100, `agent channel RMS ${agentRms}`);

    await s.locator('nav.side a[href="/contacts"]').click();
    await s.locator('input[name=customer]').fill('1001');
    await s.getByRole('button', { name: '検索', exact: true }).click();
    await s.locator(`table.results tbody tr[data-contact-id="${String(record['contactId'])}"] a`).click();
    await s.locator('[data-field=notes]', { hasText: 'ブラウザ電話で応対' }).waitFor();
    await s.getByRole('button', { name: '録音を読み込む' }).click();
    const audio = s.getByTestId('recording');
    await audio.waitFor();
    const duration = await audio.evaluate((el: { readyState: number; duration: number; addEventListener(type: string, f: () => void, o: { once: boolean }): void }) => new Promise<number>((resolve, reject) => {
      if (el.readyState >= 3) resolve(el.duration);
      el.addEventListener('canplay', () => resolve(el.duration), { once: true });
      el.addEventListener('error', () => reject(new Error('the recording does not play')), { once: true });
    }));
    assert.ok(duration > 1, `recording duration ${duration} s`);
    assert.deepEqual([...agent.errors, ...supervisor.errors], []);
  });
});
