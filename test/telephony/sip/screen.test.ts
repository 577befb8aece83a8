import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { InboundPolicy } from '../../../src/telephony/sip/inbound-policy.ts';
import { digestHa1, digestResponse } from '../../../src/telephony/sip/digest.ts';
import { SlidingWindowLimiter, SourceRateLimiter } from '../../../src/telephony/sip/limiter.ts';
import { parseMessage, type IncomingRequest } from '../../../src/telephony/sip/message.ts';
import { Registrar } from '../../../src/telephony/sip/registrar.ts';
import type { Endpoint } from '../../../src/telephony/sip/transport.ts';

const t0 = Date.parse('2026-11-30T09:00:00Z');
const at = (ms: number) => new Date(t0 + ms);
const from = (address: string, port = 5060): Endpoint => ({ protocol: 'udp', address, port });

function register(authorization?: string): IncomingRequest {
  const r = parseMessage([
    'REGISTER sip:192.0.2.1 SIP/2.0', 'Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKb', 'From: <sip:1001@192.0.2.1>;tag=f',
    'To: <sip:1001@192.0.2.1>', 'Call-ID: guess', 'CSeq: 1 REGISTER', ...(authorization ? [`Authorization: ${authorization}`] : []), '', '',
  ].join('\r\n'));
  if (!r.ok || r.message.kind !== 'request') throw new Error('fixture');
  return r.message;
}

/** A guess at 1001's password, answering the nonce of the 401 the guesser was given. */
function wrongAnswer(challenge: string): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? assert.fail('no nonce');
  const response = digestResponse({ ha1: digestHa1('1001', 'chokutsu', 'guess'), method: 'REGISTER', uri: 'sip:192.0.2.1', nonce, qop: 'auth', nc: '00000001', cnonce: 'c' });
  return `Digest username="1001", realm="chokutsu", nonce="${nonce}", uri="sip:192.0.2.1", response="${response}", qop=auth, nc=00000001, cnonce="c", algorithm=MD5`;
}

describe('the request-rate bucket per source', () => {
  test('lets a burst through, then the rate, and refills with the time passed in', () => {
    const bucket = new SourceRateLimiter({ perSecond: 10, burst: 5 });
    const takes = (n: number, ms: number, source = '203.0.113.1') => Array.from({ length: n }, () => bucket.take(source, t0 + ms)).filter(Boolean).length;
    assert.equal(takes(20, 0), 5, 'the burst');
    assert.equal(takes(20, 100), 1, 'a tenth of a second later: one more');
    assert.equal(takes(20, 100, '203.0.113.2'), 5, 'another source has its own bucket');
    assert.equal(takes(20, 10_000), 5, 'after a long pause: the burst again, not 100');
  });
});

describe('the inbound screen, before any transaction', () => {
  const trunk = '198.51.100.7';
  const policy = (registrar = new Registrar()) => new InboundPolicy({
    realm: 'chokutsu', lookupUser: (u) => (u === '1001' ? 'secret1001' : undefined), trunks: [{ name: 'carrier', addresses: [trunk] }],
    requestRate: { perSecond: 50, burst: 100 }, limiter: new SlidingWindowLimiter({ maxFailures: 5, windowMs: 60_000, blockMs: 15 * 60_000 }),
  }, registrar);

  test('a flood from an unlisted address: the burst and 50/s pass, the rest is dropped and counted; a listed trunk is never screened', () => {
    const p = policy();
    let passed = 0;
    // 5,000 requests/s for 2 s, one every 0.2 ms.
    for (let i = 0; i < 10_000; i++) if (p.screen(from('203.0.113.66'), at(i / 5)) === 'pass') passed++;
    assert.ok(passed >= 100 + 99 && passed <= 100 + 101, `passed ${passed}`);
    assert.equal(p.counts.dropped.rate, 10_000 - passed);
    for (let i = 0; i < 1000; i++) assert.equal(p.screen(from(trunk), at(2000)), 'pass');
  });

  test('a registered phone over the rate still passes (its address is known)', () => {
    const registrar = new Registrar();
    registrar.register({ aor: '1001', contacts: ['<sip:1001@192.0.2.50:5062>'], expiresHeader: '600', callId: 'r', source: from('192.0.2.50', 5062) }, at(0));
    const p = policy(registrar);
    for (let i = 0; i < 500; i++) assert.equal(p.screen(from('192.0.2.50', 5062), at(0)), 'pass');
    assert.equal(p.counts.dropped.rate, 0);
  });

  test('a password guesser: five wrong answers, a 403, then dropped without a challenge for 15 minutes', () => {
    const p = policy();
    const guesser = from('203.0.113.5');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const now = at(i * 1000);
      assert.equal(p.screen(guesser, now), 'pass');
      const challenge = p.register(register(), guesser, now);
      assert.ok(!challenge.ok && challenge.status === 401);
      const header = challenge.headers.find((h) => h.name === 'WWW-Authenticate')?.value ?? '';
      assert.equal(p.screen(guesser, now), 'pass');
      const answer = p.register(register(wrongAnswer(header)), guesser, now);
      assert.ok(!answer.ok);
      statuses.push(answer.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 403]);
    assert.equal(p.screen(guesser, at(5_000)), 'locked-out');
    assert.equal(p.screen(guesser, at(4_000 + 15 * 60_000 - 1)), 'locked-out');
    assert.equal(p.screen(guesser, at(4_000 + 15 * 60_000)), 'pass', 'the lockout ends (the fifth failure was at 4 s)');
    assert.deepEqual(p.counts, { dropped: { rate: 0, lockedOut: 2 }, authFailures: 5, lockouts: 1 });
  });
});
