import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { challengeHeader, digestHa1, digestResponse, NonceIssuer, verifyAuthorization } from '../../../src/telephony/sip/digest.ts';
import { parseAuthHeader } from '../../../src/telephony/sip/message.ts';
import { SlidingWindowLimiter } from '../../../src/telephony/sip/limiter.ts';

describe('digest authentication', () => {
  test('computes the RFC 2617 §3.5 example response', () => {
    const ha1 = digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const response = digestResponse({
      ha1, method: 'GET', uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
    });
    assert.equal(response, '6629fae49393a05397450978507c4ef1');
  });

  const t0 = new Date('2025-04-01T09:00:00Z');
  const nonces = new NonceIssuer(60_000);
  const ha1 = digestHa1('1001', 'chokutsu', 'secret1001');
  const authorization = (nonce: string, password = 'secret1001') => {
    const response = digestResponse({ ha1: digestHa1('1001', 'chokutsu', password), method: 'REGISTER', uri: 'sip:chokutsu', nonce, qop: 'auth', nc: '00000001', cnonce: 'abc' });
    return parseAuthHeader(`Digest username="1001", realm="chokutsu", nonce="${nonce}", uri="sip:chokutsu", response="${response}", qop=auth, nc=00000001, cnonce="abc", algorithm=MD5`)
      ?? assert.fail('Authorization did not parse');
  };
  const verify = (header: ReturnType<typeof authorization>, now: Date) =>
    verifyAuthorization(header, { method: 'REGISTER', realm: 'chokutsu', nonces, lookupHa1: (u) => (u === '1001' ? ha1 : undefined), now });

  test('accepts the right password with a fresh nonce of ours', () => {
    assert.deepEqual(verify(authorization(nonces.issue(t0)), new Date(t0.getTime() + 1000)), { ok: true, username: '1001' });
  });

  test('refuses a wrong password, a forged nonce, and calls an expired nonce stale', () => {
    assert.equal(verify(authorization(nonces.issue(t0), 'guess'), t0).ok ? '' : 'wrong-password', 'wrong-password');
    const forged = verify(authorization('lzz.AAAAAAAAAAAAAAAAAAAAAA'), t0);
    assert.equal(forged.ok ? 'ok' : forged.reason, 'bad-nonce');
    const stale = verify(authorization(nonces.issue(t0)), new Date(t0.getTime() + 61_000));
    assert.equal(stale.ok ? 'ok' : stale.reason, 'stale-nonce');
  });

  test('the challenge asks for MD5 with qop=auth', () => {
    assert.equal(challengeHeader('chokutsu', 'n1', true), 'Digest realm="chokutsu", nonce="n1", algorithm=MD5, qop="auth", stale=true');
  });

  test('a source that keeps failing is blocked for a while, then let back in', () => {
    const limiter = new SlidingWindowLimiter({ maxFailures: 3, windowMs: 60_000, blockMs: 300_000 });
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    limiter.recordFailure('203.0.113.9', at(0));
    limiter.recordFailure('203.0.113.9', at(70)); // the first one has left the window
    limiter.recordFailure('203.0.113.9', at(80));
    assert.equal(limiter.isBlocked('203.0.113.9', at(81)), false);
    limiter.recordFailure('203.0.113.9', at(90));
    assert.equal(limiter.isBlocked('203.0.113.9', at(91)), true);
    assert.equal(limiter.isBlocked('198.51.100.1', at(91)), false);
    assert.equal(limiter.isBlocked('203.0.113.9', at(391)), false);
  });
});
