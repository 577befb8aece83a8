import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Registrar } from '../../../src/telephony/sip/registrar.ts';
import { stampVia, responseDestination } from '../../../src/telephony/sip/transport.ts';
import { parseVia } from '../../../src/telephony/sip/message.ts';

const t0 = new Date('2025-04-01T09:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const source = { protocol: 'udp' as const, address: '203.0.113.20', port: 41000 };
const register = (contacts: string[], expiresHeader?: string) => ({ aor: '1001', contacts, expiresHeader, callId: 'reg-1', source });

describe('registrar', () => {
  test('a binding lives for its Expires and is gone afterwards', () => {
    const registrar = new Registrar();
    assert.ok(registrar.register(register(['<sip:1001@192.168.1.20:5060>'], '300'), t0).ok);
    assert.equal(registrar.lookup('1001', at(299)).length, 1);
    assert.equal(registrar.lookup('1001', at(300)).length, 0);
    assert.deepEqual(registrar.all(at(301)), []);
  });

  test('a contact expires parameter wins over the Expires header, capped at the maximum', () => {
    const registrar = new Registrar(3600);
    registrar.register(register(['<sip:1001@192.168.1.20>;expires=60', '<sip:1001@192.168.1.21>'], '86400'), t0);
    const bindings = registrar.lookup('1001', t0);
    assert.deepEqual(bindings.map((b) => (b.expiresAt.getTime() - t0.getTime()) / 1000), [60, 3600]);
  });

  test('a refresh replaces the binding, expires=0 removes it, and * with Expires 0 removes all', () => {
    const registrar = new Registrar();
    registrar.register(register(['<sip:1001@192.168.1.20>', '<sip:1001@192.168.1.21>'], '300'), t0);
    registrar.register(register(['<sip:1001@192.168.1.20>'], '600'), at(100));
    assert.equal(registrar.lookup('1001', at(500)).length, 1);
    registrar.register(register(['<sip:1001@192.168.1.20>;expires=0']), at(501));
    assert.equal(registrar.lookup('1001', at(501)).length, 0);
    registrar.register(register(['<sip:1001@192.168.1.20>'], '300'), at(502));
    assert.equal(registrar.register(register(['*'], '300'), at(503)).ok, false);
    registrar.register(register(['*'], '0'), at(503));
    assert.equal(registrar.lookup('1001', at(503)).length, 0);
  });

  test('knows which source addresses are registered phones', () => {
    const registrar = new Registrar();
    registrar.register(register(['<sip:1001@192.168.1.20>'], '60'), t0);
    assert.equal(registrar.hasSource('203.0.113.20', at(10)), true);
    assert.equal(registrar.hasSource('203.0.113.20', at(61)), false);
  });
});

describe('transport addressing', () => {
  test('stamps received and rport on a request from behind NAT and answers there (RFC 3581)', () => {
    const via = parseVia('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKn;rport');
    if (!via) assert.fail('fixture');
    const stamped = stampVia(via, source);
    assert.equal(stamped.received, '203.0.113.20');
    assert.equal(stamped.rport, 41000);
    assert.deepEqual(responseDestination(stamped, source), { protocol: 'udp', address: '203.0.113.20', port: 41000 });
    const plain = parseVia('SIP/2.0/UDP 192.168.1.20:5070;branch=z9hG4bKn');
    if (!plain) assert.fail('fixture');
    assert.deepEqual(responseDestination(stampVia(plain, source), source), { protocol: 'udp', address: '203.0.113.20', port: 5070 });
  });
});
