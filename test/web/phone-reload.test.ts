// A reload of the agent's page during a call keeps the call (issue 8): the supervisor's test phone
// calls the line over WebRTC and keys 1001#, sato answers in the desktop, both hear each other;
// sato's page reloads (its WebSocket, its SIP binding and its peer connection go), the line keeps
// the caller and the recorder, and when the reloaded page registers again it INVITEs it with
// X-Chokutsu-Reattach; the desktop answers that by itself and audio flows both ways again. The
// caller never gets a BYE; after hang-up the contact has one record and one two-channel recording.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api } from '../e2e/support.ts';
import { endedRecord, recordingRms, webrtcLine } from '../webrtc/line-support.ts';
import type { TestLine } from '../e2e/support.ts';
import { ensureWebBuilt } from './support.ts';

function wav(hz: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chokutsu-reload-')), `tone-${hz}.wav`);
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', '90', 'sine', String(hz), 'vol', '0.5']);
  return file;
}

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

describe('a reload of the agent\'s page during a browser-phone call', { timeout: 180_000 }, () => {
  let line: TestLine & { sipPort: number };
  let browser: Browser;
  before(async () => {
    ensureWebBuilt();
    line = await webrtcLine(44200);
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

  test('the call stays up, the desktop re-attaches, audio returns both ways, one record, one recording', async () => {
    const agent = await logIn(browser, line.url, 'sato', [CAPTURE_PEER_CONNECTIONS, `localStorage.setItem('chokutsu.phoneMode', 'browser')`]);
    const a = agent.page;
    await a.locator('.softphone[data-phone-state=registered]').waitFor();
    await a.locator('[data-set-status=Available]').click();
    await a.locator('[data-status=Available]').waitFor();

    const supervisor = await logIn(browser, line.url, 'kimura', [CAPTURE_PEER_CONNECTIONS, OWN_MICROPHONE(880)]);
    const s = supervisor.page;
    await s.locator('nav.side a[href="/phone"]').click();
    for (const k of ['1', '0', '0', '1', '#']) await s.getByRole('button', { name: `key ${k}` }).click();
    await s.getByRole('button', { name: '発信' }).click();
    await s.locator('.dialer[data-phone-state=in-call]').waitFor();

    const offer = a.getByTestId('offer');
    await offer.waitFor({ timeout: 20_000 });
    await a.locator('[data-testid=offer][data-phone-ringing=yes]').waitFor();
    await offer.getByRole('button', { name: '応答' }).click();
    await a.locator('.softphone[data-phone-state=in-call]').waitFor();
    await a.getByTestId('active-contact').waitFor();
    await hears(a, await inbound(a), 0.05, 'sato to hear the caller');
    await hears(s, await inbound(s), 0.05, 'the caller to hear sato');

    // The caller's phone must stay in the call from here on: no BYE reaches it.
    await s.evaluate(`(() => {
      window.__leftCall = false;
      new MutationObserver(() => {
        if (document.querySelector('.dialer')?.getAttribute('data-phone-state') !== 'in-call') window.__leftCall = true;
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-phone-state'], childList: true });
    })()`);

    const reloadedAt = Date.now();
    await a.reload();
    await a.getByTestId('active-contact').waitFor({ timeout: 20_000 });
    await a.locator('.softphone[data-phone-state=in-call]').waitFor({ timeout: 20_000 });
    const reattachMs = Date.now() - reloadedAt;
    assert.equal(await a.getByTestId('reattaching').count(), 0, 'the re-attaching note goes once the call is back');
    const agentHeard = await hears(a, { energy: 0, packets: 0 }, 0.05, 'sato to hear the caller again after the reload');
    const callerHeard = await hears(s, await inbound(s), 0.05, 'the caller to hear sato again after the reload');
    assert.equal(await s.evaluate(() => (window as unknown as { __leftCall?: boolean }).__leftCall), false, 'the caller never left the call');
    await s.locator('.dialer[data-phone-state=in-call]').waitFor();

    await a.getByTestId('active-contact').getByRole('button', { name: '切断' }).click();
    const acw = a.getByTestId('acw');
    await acw.waitFor();
    await s.locator('.dialer[data-phone-state=registered]').waitFor();
    await acw.getByRole('button', { name: '後処理を終了' }).click();
    await a.locator('[data-status=Available]').waitFor();

    const record = await endedRecord(line, ['AGENT_DISCONNECT']);
    const all = ((await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records: Record<string, unknown>[] }).records;
    assert.equal(all.filter((r) => r['contactId'] === record['contactId']).length, 1, 'one record for the call');
    assert.equal(all.length, 1, 'no second contact was made');
    assert.equal((record['agent'] as { id: string }).id, 'sato');
    const [customerRms, agentRms] = await recordingRms(line, record);
    console.log(`reload: back in the call ${reattachMs} ms after the reload; energy heard after: agent ${agentHeard.energy.toFixed(2)}, `
      + `caller ${callerHeard.energy.toFixed(2)}; recording RMS customer ${customerRms.toFixed(0)}, agent ${agentRms.toFixed(0)}`);
    assert.ok(customerRms > 100, `customer channel RMS ${customerRms}`);
    assert.ok(agentRms > 100, `agent channel RMS ${agentRms}`);
    const wavs = readdirSync(join(line.dir, 'recordings'), { recursive: true }).map(String).filter((f) => f.endsWith('.wav'));
    assert.equal(wavs.length, 1, `one recording file: ${wavs.join(', ')}`);
    assert.deepEqual([...agent.errors, ...supervisor.errors], []);
  });
});
