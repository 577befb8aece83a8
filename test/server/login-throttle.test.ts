// Failed logins are throttled per user name and, with a higher threshold, per address: one
// person's typos behind an office NAT do not lock out their colleagues on the same address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS_FAILURE_LIMIT, USER_FAILURE_LIMIT } from '../../src/server/plugins/session.ts';
import { api, startTestLine, type TestLine } from '../e2e/support.ts';

describe('login throttling', () => {
  let line: TestLine;
  before(async () => {
    line = await startTestLine();
  });
  after(async () => line.close());

  const loginFrom = (address: string, username: string, password: string) =>
    line.server.app.inject({ method: 'POST', url: '/api/login', remoteAddress: address, payload: { username, password } });

  test('a user name locked by failed logins gets 429 with Retry-After; colleagues on the same address still log in', async () => {
    for (let i = 0; i < USER_FAILURE_LIMIT; i++) {
      assert.equal((await api(line.url, undefined, 'POST', '/api/login', { username: 'sato', password: 'wrong-password' })).status, 401);
    }
    const res = await fetch(`${line.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sato', password: 'sato-password' }) });
    assert.equal(res.status, 429, 'even the right password, while the name is locked');
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter > 14 * 60 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
    assert.match(((await res.json()) as { error: string }).error, /user sato/);
    assert.equal((await api(line.url, undefined, 'POST', '/api/login', { username: 'suzuki', password: 'suzuki-password' })).status, 200);
    assert.equal((await api(line.url, undefined, 'POST', '/api/login', { username: 'admin', password: 'admin-password' })).status, 200);
  });

  test('a flood of failures over many names from one address slows that address only', async () => {
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) {
      assert.equal((await loginFrom('198.51.100.7', `guess${i}`, 'password1')).statusCode, 401);
    }
    const refused = await loginFrom('198.51.100.7', 'takahashi', 'takahashi-password');
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.match(refused.json<{ error: string }>().error, /this address/);
    assert.equal((await loginFrom('198.51.100.8', 'takahashi', 'takahashi-password')).statusCode, 200);
  });
});
