// A browser agent: the phone module in Chromium registers as sato's extension over WebSocket; a
// sipp caller keys 1001#, the line INVITEs the browser with a WebRTC offer (werift), the page
// answers, audio flows both ways and both recording channels carry it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { api, phoneLine } from '../e2e/support.ts';
import { callerScenario, sipp } from '../e2e/sipp-support.ts';
import { endedRecord, recordingRms } from './line-support.ts';
import { fixturePage, inboundUntil, launchChromium, phoneEvent } from './support.ts';

describe('a sipp caller to a browser agent (WebRTC)', { timeout: 90_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('the browser rings and answers; audio both ways; the recording has both channels', async () => {
    const line = await phoneLine(43600);
    try {
      const page = await fixturePage(browser, line.url);
      await page.evaluate((url) => window.fixture.create({ url, extension: '201', password: 'secret201', domain: '127.0.0.1', autoAnswer: true }), line.wsUrl);
      await page.evaluate(() => window.fixture.register());
      await phoneEvent(page, 'registered');
      await api(line.url, await line.agent('sato'), 'PUT', '/api/agent/status', { status: 'Available' });

      const caller = await sipp(callerScenario({ steps: ['1001#', { waitMs: 7000 }], talk: true, hangUpAfterMs: 0 }), line.sipPort);
      const incoming = await phoneEvent(page, 'incoming', 20_000);
      const offeredAt = Date.now();
      assert.equal(incoming['from'], '0312345678');
      await phoneEvent(page, 'connected');
      const answerMs = Date.now() - offeredAt;
      // The caller speaks (sipp's g711a capture) through the bridge to the browser.
      const heard = await inboundUntil(page, (s) => s.totalAudioEnergy > 0.05, 'the caller to be heard');
      assert.match(heard.codec, /PCM[UA]/);
      const result = await caller.done;
      assert.equal(result.code, 0, result.errors);
      await phoneEvent(page, 'ended');

      const record = await endedRecord(line, ['CUSTOMER_DISCONNECT']);
      assert.equal((record['agent'] as { id: string }).id, 'sato');
      const [customer, agent] = await recordingRms(line, record);
      console.log(`browser agent: answered (SIP + ICE + DTLS) in ${answerMs} ms; recording RMS customer ${customer.toFixed(0)}, agent ${agent.toFixed(0)}`);
      assert.ok(customer > 100, `customer channel RMS ${customer}`);
      assert.ok(agent > 100, `agent channel RMS ${agent}`);
      await page.close();
    } finally {
      await line.close();
    }
  });
});
