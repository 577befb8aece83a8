import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { InboundPolicy, type InboundPolicyOptions, type Refusal } from '../../../src/telephony/sip/inbound-policy.ts';
import { digestHa1, digestResponse, NonceIssuer } from '../../../src/telephony/sip/digest.ts';
import { SlidingWindowLimiter } from '../../../src/telephony/sip/limiter.ts';
import { parseMessage, type IncomingRequest } from '../../../src/telephony/sip/message.ts';
import { Registrar } from '../../../src/telephony/sip/registrar.ts';
import type { Endpoint } from '../../../src/telephony/sip/transport.ts';

const t0 = new Date('2025-04-01T09:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const REALM = 'chokutsu';
const from = (address: string): Endpoint => ({ protocol: 'udp', address, port: 5060 });
const carrier = from('198.51.100.7');
const stranger = from('203.0.113.99');

function request(method: 'INVITE' | 'REGISTER', options: { to?: string; authorization?: string } = {}): IncomingRequest {
  const to = options.to ?? (method === 'REGISTER' ? '1001' : '800');
  const r = parseMessage([
    `${method} sip:${to}@192.0.2.1 SIP/2.0`, 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKp',
    'From: <sip:0312345678@192.0.2.10>;tag=f', `To: <sip:${to}@192.0.2.1>`, 'Call-ID: policy-1', `CSeq: 1 ${method}`,
    ...(options.authorization === undefined ? [] : [`Authorization: ${options.authorization}`]), '', '',
  ].join('\r\n'));
  if (!r.ok || r.message.kind !== 'request') throw new Error('fixture');
  return r.message;
}

/** What a phone or trunk answers to our 401: credentials for the nonce it was given. */
function credentials(refusal: Refusal, user: string, password: string, method: string): string {
  const challenge = refusal.headers.find((h) => h.name === 'WWW-Authenticate')?.value ?? assert.fail('no challenge');
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? assert.fail('no nonce');
  const uri = 'sip:192.0.2.1';
  const response = digestResponse({ ha1: digestHa1(user, REALM, password), method, uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
  return `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", qop=auth, nc=00000001, cnonce="c0ffee", algorithm=MD5`;
}

function refused(admission: { ok: boolean }): Refusal {
  if (admission.ok) assert.fail('expected a refusal');
  return admission as Refusal;
}

function policy(options: Partial<InboundPolicyOptions> = {}, registrar = new Registrar()): InboundPolicy {
  return new InboundPolicy({ realm: REALM, lookupUser: (u) => (u === '1001' ? 'secret1001' : undefined), ...options }, registrar);
}

describe('inbound policy: who may call in', () => {
  test('accepts calls from a trunk address, exact or inside a CIDR block, IPv4 or IPv6', () => {
    const p = policy({ trunks: [{ name: 'carrier', addresses: ['198.51.100.7', '192.0.2.0/24', '2001:db8::/32'] }] });
    for (const address of ['198.51.100.7', '192.0.2.200', '2001:db8::5']) {
      assert.deepEqual(p.invite(request('INVITE'), from(address), t0), { ok: true }, address);
    }
  });

  test('refuses a source that is neither a trunk nor a registered phone with 403 and a log line', () => {
    const p = policy({ trunks: [{ name: 'carrier', addresses: ['198.51.100.7'] }] });
    const refusal = refused(p.invite(request('INVITE'), stranger, t0));
    assert.equal(refusal.status, 403);
    assert.match(refusal.log ?? '', /refused INVITE from 203\.0\.113\.99:5060 From sip:0312345678@192\.0\.2\.10 call-id=policy-1: not an allowed trunk or phone/);
  });

  test('accepts calls from where a registered phone registered from, until the binding expires', () => {
    const registrar = new Registrar();
    registrar.register({ aor: '1001', contacts: ['<sip:1001@10.0.0.5>'], expiresHeader: '60', callId: 'r', source: stranger }, t0);
    const p = policy({}, registrar);
    assert.deepEqual(p.invite(request('INVITE'), stranger, at(30)), { ok: true });
    assert.equal(refused(p.invite(request('INVITE'), stranger, at(61))).status, 403);
  });

  test('challenges when a trunk authenticates by credentials, then accepts its answer or a phone’s', () => {
    const p = policy({ trunks: [{ name: 'carrier', username: 'carrier', password: 'pw' }] });
    const challenge = refused(p.invite(request('INVITE'), stranger, t0));
    assert.equal(challenge.status, 401);
    assert.equal(challenge.log, undefined);
    assert.match(challenge.headers[0]?.value ?? '', /^Digest realm="chokutsu", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
    const trunk = request('INVITE', { authorization: credentials(challenge, 'carrier', 'pw', 'INVITE') });
    assert.deepEqual(p.invite(trunk, stranger, at(1)), { ok: true });
    const phone = request('INVITE', { authorization: credentials(challenge, '1001', 'secret1001', 'INVITE') });
    assert.deepEqual(p.invite(phone, stranger, at(1)), { ok: true });
  });

  test('a replacement acceptCall decides instead of the trunk list and registrations', () => {
    const seen: string[] = [];
    const p = policy({
      trunks: [{ name: 'carrier', addresses: ['198.51.100.7'] }],
      acceptCall: (source, caller) => {
        seen.push(`${source.address} ${caller.uri}`);
        return 'reject';
      },
    });
    assert.equal(refused(p.invite(request('INVITE'), carrier, t0)).status, 403);
    assert.deepEqual(seen, ['198.51.100.7 sip:0312345678@192.0.2.10']);
  });
});

describe('inbound policy: failed digests', () => {
  test('a wrong password is logged and answered 401; the fifth blocks that source, and only it, for a while', () => {
    const limiter = new SlidingWindowLimiter({ maxFailures: 5, windowMs: 60_000, blockMs: 600_000 });
    const p = policy({ trunks: [{ name: 'carrier', addresses: ['198.51.100.7'], username: 'carrier', password: 'pw' }], limiter });
    const challenge = refused(p.invite(request('INVITE'), stranger, t0));
    const wrong = request('INVITE', { authorization: credentials(challenge, 'carrier', 'guess', 'INVITE') });
    const answers = [1, 2, 3, 4, 5].map((s) => refused(p.invite(wrong, stranger, at(s))));
    assert.deepEqual(answers.map((a) => a.status), [401, 401, 401, 401, 403]);
    assert.ok(answers.every((a) => /INVITE authentication failed \(wrong-password\) user=carrier from 203\.0\.113\.99 call-id=policy-1/.test(a.log ?? '')));
    const blocked = refused(p.invite(request('INVITE'), stranger, at(10)));
    assert.equal(blocked.status, 403);
    assert.match(blocked.log ?? '', /refused INVITE from 203\.0\.113\.99 \(blocked after failed authentication\)/);
    assert.deepEqual(p.invite(request('INVITE'), carrier, at(10)), { ok: true });
    assert.equal(refused(p.invite(request('INVITE'), stranger, at(606))).status, 401);
  });

  test('a stale nonce with the right password asks again (stale=true) and counts no failure', () => {
    const limiter = new SlidingWindowLimiter({ maxFailures: 1, windowMs: 60_000, blockMs: 600_000 });
    const p = policy({ limiter, nonces: new NonceIssuer(60_000) });
    const challenge = refused(p.register(request('REGISTER'), stranger, t0));
    const late = request('REGISTER', { authorization: credentials(challenge, '1001', 'secret1001', 'REGISTER') });
    const again = refused(p.register(late, stranger, at(120)));
    assert.equal(again.status, 401);
    assert.equal(again.log, undefined);
    assert.match(again.headers[0]?.value ?? '', /, stale=true$/);
    assert.equal(limiter.isBlocked(stranger.address, at(120)), false);
  });
});

describe('inbound policy: who may register', () => {
  test('challenges a REGISTER without credentials and accepts the phone’s own, naming its AoR', () => {
    const p = policy();
    const challenge = refused(p.register(request('REGISTER'), stranger, t0));
    assert.equal(challenge.status, 401);
    const answered = request('REGISTER', { authorization: credentials(challenge, '1001', 'secret1001', 'REGISTER') });
    assert.deepEqual(p.register(answered, stranger, at(1)), { ok: true, aor: '1001' });
  });

  test('takes HA1 from lookupHa1 before clear-text passwords', () => {
    const p = policy({ lookupHa1: (u) => (u === '1001' ? digestHa1('1001', REALM, 'fromHa1') : undefined) });
    const challenge = refused(p.register(request('REGISTER'), stranger, t0));
    const answered = request('REGISTER', { authorization: credentials(challenge, '1001', 'fromHa1', 'REGISTER') });
    assert.deepEqual(p.register(answered, stranger, at(1)), { ok: true, aor: '1001' });
  });

  test('refuses one phone’s credentials for another phone’s AoR with 403 and a log line', () => {
    const p = policy();
    const challenge = refused(p.register(request('REGISTER', { to: '1002' }), stranger, t0));
    const borrowed = request('REGISTER', { to: '1002', authorization: credentials(challenge, '1001', 'secret1001', 'REGISTER') });
    const refusal = refused(p.register(borrowed, stranger, at(1)));
    assert.equal(refusal.status, 403);
    assert.match(refusal.log ?? '', /REGISTER for 1002 with credentials of 1001 from 203\.0\.113\.99 refused/);
  });

  test('trunk credentials do not register a phone', () => {
    const p = policy({ trunks: [{ name: 'carrier', username: '1001', password: 'trunkpw' }] });
    const challenge = refused(p.register(request('REGISTER'), stranger, t0));
    const trunk = request('REGISTER', { authorization: credentials(challenge, '1001', 'trunkpw', 'REGISTER') });
    const refusal = refused(p.register(trunk, stranger, at(1)));
    assert.equal(refusal.status, 401);
    assert.match(refusal.log ?? '', /REGISTER authentication failed \(wrong-password\) user=1001/);
  });
});
