// A reload of the agent's page during a call keeps the call (issue 8): the supervisor's test phone
// calls the line over WebRTC and keys 1001#, sato answers in the desktop, both hear each other;
// sato's page reloads (its WebSocket, its SIP binding and its peer connection go), the line keeps
// the caller and the recorder, and when the reloaded page registers again it INVITEs it with
// X-Chokutsu-Reattach; the desktop answers that by itself and audio flows both ways again. The
// caller never gets a BYE; after hang-up the contact has one record and one two-channel recording.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { api, phoneLine, type TestLine } from '../e2e/support.ts';
import { endedRecord, recordingRms } from '../webrtc/line-support.ts';

import { ensureWebBuilt } from './support.ts';
import { CAPTURE_PEER_CONNECTIONS, hears, inbound, launchPhoneBrowser, logIn, OWN_MICROPHONE } from './phone-support.ts';

describe('a reload of the agent\'s page during a browser-phone call', { timeout: 180_000 }, () => {
  let line: TestLine & { sipPort: number };
  let browser: Browser;
  before(async () => {
    ensureWebBuilt();
    line = await phoneLine(44200);
    await line.server.services.users.create({ username: 'kimura', password: 'kimura-password', role: 'supervisor' });
    browser = await launchPhoneBrowser(440, 90);
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
