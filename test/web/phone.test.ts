// The browser phone end to end, through the built app in Chromium with fake microphones: a
// supervisor's test phone calls the line over WebRTC and keys 1001#; sato's desktop (browser phone
// on) rings with the customer's name, sato answers in the page, audio flows both ways (getStats in
// both pages, both channels of the recording), sato hangs up and finishes ACW with a note, and the
// supervisor finds the contact and plays its recording in the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { endedRecord, recordingRms } from '../webrtc/line-support.ts';
import { phoneLine, type TestLine } from '../e2e/support.ts';
import { ensureWebBuilt, screenshot } from './support.ts';
import { CAPTURE_PEER_CONNECTIONS, hears, inbound, launchPhoneBrowser, logIn, OWN_MICROPHONE } from './phone-support.ts';

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
    line = await phoneLine(44000);
    await line.server.services.users.create({ username: 'kimura', password: 'kimura-password', role: 'supervisor' });
    browser = await launchPhoneBrowser(440, 60);
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
