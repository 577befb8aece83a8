// Browser phones' credentials from the API (POST /api/phone/credentials): an agent gets their own
// extension, staff a test-phone identity; the random password registers over SIP over WebSocket
// (digest, checked by the registrar alongside desk phones'), and stops working at logout.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { digestHa1, digestResponse } from '../../src/telephony/sip/digest.ts';
import { api, startTestLine, type TestLine } from '../e2e/support.ts';

const TELEPHONY = {
  sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
  rtp: { host: '127.0.0.1', portMin: 43900, portMax: 43999 },
  trunks: [],
  tts: { engine: 'espeak-ng' as const, wordsPerMinute: 450 },
};

interface Credentials { username: string; password: string; domain: string; wsPath: string; expiresAt: string }

/** A REGISTER over ws://…/sip with digest; the final status code. The socket closes after (and the binding with it) unless `check` runs first. */
async function registerOverWs(wsUrl: string, c: { username: string; password: string }, check?: () => void | Promise<void>): Promise<number> {
  const ws = new WebSocket(wsUrl, 'sip');
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const responses: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else responses.push(text);
  });
  const next = (): Promise<string> => {
    const queued = responses.shift();
    return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
  };
  const callId = randomBytes(8).toString('hex');
  const uri = 'sip:127.0.0.1';
  const request = (cseq: number, auth?: string): string => [
    `REGISTER ${uri} SIP/2.0`,
    `Via: SIP/2.0/WS ${randomBytes(4).toString('hex')}.invalid;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:${c.username}@127.0.0.1>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${c.username}@127.0.0.1>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${c.username}@${randomBytes(4).toString('hex')}.invalid;transport=ws>`,
    'Expires: 300',
    ...(auth ? [`Authorization: ${auth}`] : []),
    'Content-Length: 0', '', '',
  ].join('\r\n');
  const statusOf = (m: string): number => Number(/^SIP\/2\.0 (\d{3})/.exec(m)?.[1]);
  try {
    ws.send(request(1));
    const challenge = await next();
    if (statusOf(challenge) !== 401) return statusOf(challenge);
    const header = /WWW-Authenticate: *Digest (.*)/i.exec(challenge)?.[1] ?? '';
    const param = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(header)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const response = digestResponse({ ha1: digestHa1(c.username, realm, c.password), method: 'REGISTER', uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'abc' });
    ws.send(request(2, `Digest username="${c.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"`));
    const status = statusOf(await next());
    if (status === 200) await check?.();
    return status;
  } finally {
    ws.close();
  }
}

describe('browser phone credentials from the API', { timeout: 30_000 }, () => {
  let line: TestLine;
  let wsUrl: string;
  before(async () => {
    line = await startTestLine(undefined, { telephony: TELEPHONY });
    await line.server.services.users.create({ username: 'kimura', password: 'kimura-password', role: 'supervisor' });
    wsUrl = `${line.url.replace(/^http/, 'ws')}/sip`;
  });
  after(async () => {
    await line?.close();
  });

  test('an agent gets their own extension; it registers over WebSocket; logout ends it', async () => {
    const token = await line.agent('sato');
    const r = await api(line.url, token, 'POST', '/api/phone/credentials', {});
    assert.equal(r.status, 200, r.text);
    const c = r.body as unknown as Credentials;
    assert.equal(c.username, '201');
    assert.equal(c.wsPath, '/sip');
    assert.equal(c.domain, '127.0.0.1');
    assert.ok(c.password.length >= 20);
    assert.ok(Date.parse(c.expiresAt) > line.server.services.clock.now());
    assert.equal(await registerOverWs(wsUrl, c, () => assert.ok(line.server.sip?.sip.registrations().some((b) => b.aor === '201'))), 200);
    // A second desktop (a new tab) gets new credentials; the old password no longer works.
    const again = (await api(line.url, token, 'POST', '/api/phone/credentials', {})).body as unknown as Credentials;
    assert.notEqual(again.password, c.password);
    assert.notEqual(await registerOverWs(wsUrl, c), 200);
    assert.equal(await registerOverWs(wsUrl, again), 200);

    // Logout while registered: the binding goes at once, and the password no longer registers.
    assert.equal(await registerOverWs(wsUrl, again, async () => {
      assert.equal((await api(line.url, token, 'POST', '/api/logout')).status, 200);
      assert.equal(line.server.sip?.sip.registrations().some((b) => b.aor === '201'), false, 'logout ends the registration');
    }), 200);
    assert.notEqual(await registerOverWs(wsUrl, again), 200);
    assert.equal((await api(line.url, token, 'POST', '/api/phone/credentials', {})).status, 401);
  });

  test('an agent cannot have another extension or the test phone', async () => {
    const token = await line.agent('sato');
    // Whatever else the request says (unknown fields are dropped), it is sato's own extension.
    for (const body of [{ extension: '202' }, { username: '202' }]) {
      const r = await api(line.url, token, 'POST', '/api/phone/credentials', body);
      assert.equal((r.body as unknown as Credentials).username, '201');
    }
    assert.equal((await api(line.url, token, 'POST', '/api/phone/credentials', { use: 'test-phone' })).status, 403);
    // Guessing suzuki's extension with sato's password is a digest failure.
    const mine = (await api(line.url, token, 'POST', '/api/phone/credentials', {})).body as unknown as Credentials;
    assert.notEqual(await registerOverWs(wsUrl, { username: '202', password: mine.password }), 200);
  });

  test('staff get a test-phone identity that registers but is never an agent', async () => {
    const token = await line.agent('kimura');
    const r = await api(line.url, token, 'POST', '/api/phone/credentials', {});
    assert.equal(r.status, 200, r.text);
    const c = r.body as unknown as Credentials;
    assert.equal(c.username, 'test-kimura');
    assert.equal(await registerOverWs(wsUrl, c), 200);
    assert.equal((await api(line.url, token, 'POST', '/api/phone/credentials', { use: 'agent' })).status, 403);
    const admin = await api(line.url, line.admin, 'POST', '/api/phone/credentials', {});
    assert.equal((admin.body as unknown as Credentials).username, 'test-admin');
    assert.equal((await api(line.url, undefined, 'POST', '/api/phone/credentials', {})).status, 401);
  });
});
