// SIP over WebSocket (RFC 7118) on the API's port: SIP.js in Chromium registers with digest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { setPhonePassword } from '../../src/app/accounts.ts';
import { SqlitePhoneStore } from '../../src/store/phones.ts';
import { startTestLine, type TestLine } from '../e2e/support.ts';
import https from 'node:https';
import { selfSignedCertificate } from '../../src/app/tls.ts';
import { startServer } from '../../src/app/start.ts';
import { demoDataDir } from '../runtime/support.ts';
import { fixturePage, launchChromium, phoneEvent } from './support.ts';

const TELEPHONY = {
  sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
  rtp: { host: '127.0.0.1', portMin: 43000, portMax: 43199 },
  trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'] }],
  tts: { engine: 'espeak-ng' as const, wordsPerMinute: 450 },
};

describe('SIP over WebSocket from the browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let line: TestLine;
  before(async () => {
    [browser, line] = await Promise.all([launchChromium(), startTestLine(undefined, { telephony: TELEPHONY })]);
    setPhonePassword(new SqlitePhoneStore(line.server.services.line.db), { username: '201', agentId: 'sato', realm: 'chokutsu', password: 'secret201' }, new Date());
  });
  after(async () => {
    await browser?.close();
    await line?.close();
  });

  test('registers as the extension with digest; the binding goes when the socket closes', async () => {
    const page = await fixturePage(browser, line.url);
    const wsUrl = line.url.replace(/^http/, 'ws') + '/sip';
    await page.evaluate((url) => window.fixture.create({ url, extension: '201', password: 'secret201', domain: '127.0.0.1' }), wsUrl);
    await page.evaluate(() => window.fixture.register());
    await phoneEvent(page, 'registered');
    const bindings = line.server.sip?.sip.registrations() ?? [];
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0]?.aor, '201');
    assert.equal(bindings[0]?.source.protocol, 'ws');
    await page.close();
    await waitFor(() => (line.server.sip?.sip.registrations().length ?? 1) === 0, 'the binding to go with the socket');
  });

  test('a wrong password is refused', async () => {
    const page = await fixturePage(browser, line.url);
    const wsUrl = line.url.replace(/^http/, 'ws') + '/sip';
    await page.evaluate((url) => window.fixture.create({ url, extension: '201', password: 'wrong-password', domain: '127.0.0.1' }), wsUrl);
    await page.evaluate(() => window.fixture.register());
    const error = await phoneEvent(page, 'error');
    assert.equal(error['kind'], 'registration');
    assert.match(String(error['message']), /^(401|403)/);
    assert.equal(line.server.sip?.sip.registrations().length, 0);
    await page.close();
  });
});

describe('HTTPS with a self-signed certificate', { timeout: 60_000 }, () => {
  test('/healthz over https with the certificate as CA; the browser registers over wss://', async () => {
    const dir = demoDataDir(() => undefined);
    const tls = await selfSignedCertificate(dir, ['chokutsu.office.test', '127.0.0.1']);
    assert.equal(tls.created, true);
    assert.equal((await selfSignedCertificate(dir, ['chokutsu.office.test'])).created, false, 'kept and reused');
    const server = await startServer(dir, { port: 0, tls, log: () => undefined, telephony: TELEPHONY_TLS });
    const browser = await launchChromium();
    try {
      assert.match(server.url, /^https:/);
      const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        https.get(`${server.url}/healthz`, { ca: tls.cert }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }).on('error', reject);
      });
      assert.deepEqual([health.status, JSON.parse(health.body)], [200, { ok: true }]);

      setPhonePassword(new SqlitePhoneStore(server.services.line.db), { username: '202', agentId: 'suzuki', realm: 'chokutsu', password: 'secret202' }, new Date());
      // The browser is told to trust the certificate as an office machine would after importing it.
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await fixturePage(context, server.url);
      assert.equal(await page.evaluate(() => window.isSecureContext), true);
      await page.evaluate(() => window.fixture.create({ extension: '202', password: 'secret202', domain: '127.0.0.1' }));
      await page.evaluate(() => window.fixture.register());
      await phoneEvent(page, 'registered');
      const binding = server.sip?.sip.registrations()[0];
      assert.equal(binding?.aor, '202');
      assert.equal(binding?.source.protocol, 'wss');
      await context.close();
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

const TELEPHONY_TLS = { ...TELEPHONY, rtp: { host: '127.0.0.1', portMin: 43800, portMax: 43899 } };

async function waitFor(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
