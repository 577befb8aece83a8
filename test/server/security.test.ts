// Security in the API itself: headers on every response, no session token in a URL (the event
// stream takes a single-use ticket), sessions that end on logout and by the definition's timeouts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { TicketBook } from '../../src/server/tickets.ts';
import { api, eventually, login, openEvents, startTestLine, type TestLine } from '../e2e/support.ts';
import { epochTimes } from './api-contract.test.ts';

/** The HTTP status a refused WebSocket handshake got. */
function handshakeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the handshake was accepted'));
    });
    ws.once('error', () => {});
  });
}

describe('security of the API', () => {
  let line: TestLine;
  let ws: string;
  before(async () => {
    line = await startTestLine((def) => {
      def.security = { sessionIdleMinutes: 20, sessionMaxHours: 9 };
    });
    ws = line.url.replace('http', 'ws');
  });
  after(async () => line.close());

  test('every response carries a Content-Security-Policy without inline scripts, and the usual headers', async () => {
    for (const path of ['/healthz', '/api/me', '/no/such/page']) {
      const res = await fetch(line.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      assert.deepEqual(directives.get('default-src'), ["'self'"], csp);
      assert.deepEqual(directives.get('script-src'), ["'self'"], 'no unsafe-inline, no unsafe-eval');
      assert.deepEqual(directives.get('object-src'), ["'none'"]);
      assert.deepEqual(directives.get('base-uri'), ["'none'"]);
      assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(directives.get('media-src'), ["'self'", 'blob:']);
      const host = new URL(line.url).host;
      assert.deepEqual(directives.get('connect-src'), ["'self'", `ws://${host}`, `wss://${host}`]);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.match(res.headers.get('strict-transport-security') ?? '', /^max-age=\d+$/);
      assert.match(res.headers.get('permissions-policy') ?? '', /microphone=\(self\)/);
    }
    const api = await fetch(`${line.url}/api/me`, { headers: { authorization: `Bearer ${line.admin}` } });
    assert.equal(api.headers.get('cache-control'), 'no-store');
  });

  test('a session token in a URL is refused, on the event stream and elsewhere', async () => {
    const r = await api(line.url, undefined, 'GET', `/api/contacts?token=${line.admin}`);
    assert.equal(r.status, 400);
    assert.match(String(r.body['error']), /token in a URL is refused/);
    assert.equal(await handshakeStatus(`${ws}/api/events?token=${line.admin}`), 400);
    assert.equal(await handshakeStatus(`${ws}/api/events`), 401);
  });

  test('the event stream opens with a ticket, once; events carry ISO times', async () => {
    const sato = await line.agent('sato');
    const issued = await api(line.url, sato, 'POST', '/api/events/ticket');
    assert.equal(issued.status, 200);
    const expiresIn = Date.parse(String(issued.body['expiresAt'])) - line.server.services.clock.now();
    assert.ok(expiresIn > 25_000 && expiresIn <= 30_000, `valid for ${expiresIn} ms`);
    assert.equal((await api(line.url, undefined, 'POST', '/api/events/ticket')).status, 401, 'a ticket needs a session');

    const url = `${ws}/api/events?ticket=${encodeURIComponent(String(issued.body['ticket']))}`;
    const socket = new WebSocket(url);
    const events: Record<string, unknown>[] = [];
    socket.on('message', (m) => events.push(JSON.parse(String(m)) as Record<string, unknown>));
    await new Promise((r) => socket.once('open', r));
    assert.equal(await handshakeStatus(url), 401, 'a ticket is good for one handshake');

    await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' });
    const event = await eventually('sato\'s status event', async () => events.find((e) => e['type'] === 'agent.status'));
    socket.close();
    assert.match(String(event['at']), /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(epochTimes(event), []);
  });

  test('a ticket whose session logged out before the handshake is refused', async () => {
    const token = await login(line.url, 'suzuki', 'suzuki-password');
    const issued = await api(line.url, token, 'POST', '/api/events/ticket');
    assert.equal((await api(line.url, token, 'POST', '/api/logout')).status, 200);
    assert.equal(await handshakeStatus(`${ws}/api/events?ticket=${encodeURIComponent(String(issued.body['ticket']))}`), 401);
  });

  test('logout revokes the session: the token is refused afterwards', async () => {
    const token = await login(line.url, 'takahashi', 'takahashi-password');
    assert.equal((await api(line.url, token, 'GET', '/api/me')).status, 200);
    assert.equal((await api(line.url, token, 'POST', '/api/logout')).status, 200);
    assert.equal((await api(line.url, token, 'GET', '/api/me')).status, 401);
    assert.equal((await api(line.url, token, 'GET', '/api/agent')).status, 401);
  });

  test('login answers with the session limits from the definition (security.sessionIdleMinutes, sessionMaxHours)', async () => {
    const r = await api(line.url, undefined, 'POST', '/api/login', { username: 'admin', password: 'admin-password' });
    assert.equal(r.status, 200);
    assert.equal(r.body['idleMinutes'], 20);
    const hours = (Date.parse(String(r.body['expiresAt'])) - line.server.services.clock.now()) / 3600_000;
    assert.ok(hours > 8.99 && hours <= 9, String(hours));
  });

  test('the shared helper opens the stream the same way', async () => {
    const socket = await openEvents(line.url, line.admin);
    socket.close();
  });
});

test('a ticket expires after 30 s and is good once', () => {
  const book = new TicketBook<string>();
  const { ticket } = book.issue('session-a', 0);
  assert.equal(book.redeem(ticket, 30_000), undefined);
  const second = book.issue('session-b', 0).ticket;
  assert.equal(book.redeem(second, 29_999), 'session-b');
  assert.equal(book.redeem(second, 29_999), undefined);
});
