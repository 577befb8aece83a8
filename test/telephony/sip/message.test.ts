import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  createResponse, parseAuthHeader, parseMessage, parseNameAddr, parseUri, parseVia, serialize, StreamFramer,
  getHeaders, type IncomingMessage,
} from '../../../src/telephony/sip/message.ts';

const INVITE = [
  'INVITE sip:800@192.0.2.1 SIP/2.0',
  'Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: <sip:800@192.0.2.1>',
  'From: "Yamada Taro" <sip:0312345678@198.51.100.7>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33',
  'CSeq: 314159 INVITE',
  'Contact: <sip:0312345678@198.51.100.7:5062>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\nextra bytes past Content-Length',
].join('\r\n');

function parsed(text: string | Buffer): IncomingMessage {
  const result = parseMessage(text);
  if (!result.ok) assert.fail(`${result.error.header ?? ''}: ${result.error.reason}`);
  return result.message;
}

describe('SIP message parser', () => {
  test('reads a request line, the mandatory headers and a body framed by Content-Length', () => {
    const m = parsed(INVITE);
    assert.equal(m.kind, 'request');
    if (m.kind !== 'request') return;
    assert.equal(m.method, 'INVITE');
    assert.equal(m.uri, 'sip:800@192.0.2.1');
    assert.equal(m.callId, 'a84b4c76e66710@pc33');
    assert.deepEqual(m.cseq, { seq: 314159, method: 'INVITE' });
    assert.equal(m.from.displayName, 'Yamada Taro');
    assert.equal(m.from.tag, '1928301774');
    assert.equal(parseUri(m.from.uri)?.user, '0312345678');
    assert.equal(m.to.tag, undefined);
    assert.equal(m.via[0]?.branch, 'z9hG4bK776asdhds');
    assert.equal(m.via[0]?.rport, true);
    assert.equal(m.body, 'v=0\r');
  });

  test('expands compact header names and splits comma-separated Via and Contact values', () => {
    const m = parsed([
      'SIP/2.0 180 Ringing',
      'v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1, SIP/2.0/TCP 10.0.0.5:5070;branch=z9hG4bKu1;received=192.0.2.9',
      'f: <sip:a@example.com>;tag=x', 't: <sip:b@example.com>;tag=y', 'i: cid-1', 'CSeq: 1 INVITE',
      'm: <sip:b@10.0.0.5>, "B, second" <sip:b@10.0.0.6>', 'l: 0', '', '',
    ].join('\r\n'));
    assert.equal(m.kind, 'response');
    assert.equal(m.via.length, 2);
    assert.equal(m.via[1]?.transport, 'TCP');
    assert.equal(m.via[1]?.port, 5070);
    assert.equal(m.via[1]?.received, '192.0.2.9');
    assert.deepEqual(getHeaders(m, 'contact'), ['<sip:b@10.0.0.5>', '"B, second" <sip:b@10.0.0.6>']);
    assert.equal(m.callId, 'cid-1');
  });

  test('joins folded header lines and keeps repeated headers in order', () => {
    const m = parsed([
      'OPTIONS sip:x@example.com SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Route: <sip:p1;lr>', 'Route: <sip:p2;lr>',
      'From: <sip:a@example.com>;tag=1', 'To: <sip:x@example.com>', 'Call-ID: c', 'CSeq: 7 OPTIONS',
      'Subject: I know you\'re there,', ' pick up the phone', '', '',
    ].join('\r\n'));
    assert.deepEqual(getHeaders(m, 'route'), ['<sip:p1;lr>', '<sip:p2;lr>']);
    assert.deepEqual(getHeaders(m, 's'), ['I know you\'re there, pick up the phone']);
  });

  test('never splits Authorization on its commas', () => {
    const m = parsed([
      'REGISTER sip:example.com SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:1001@example.com>;tag=1',
      'To: <sip:1001@example.com>', 'Call-ID: c', 'CSeq: 2 REGISTER',
      'Authorization: Digest username="1001", realm="chokutsu", nonce="n", uri="sip:example.com", response="r", qop=auth, nc=00000001, cnonce="c"',
      '', '',
    ].join('\r\n'));
    const auth = parseAuthHeader(getHeaders(m, 'authorization')[0] ?? '');
    assert.equal(auth?.scheme, 'Digest');
    assert.equal(auth?.params['username'], '1001');
    assert.equal(auth?.params['qop'], 'auth');
    assert.equal(auth?.params['nc'], '00000001');
  });

  test('garbage is a typed error, not an exception', () => {
    const result = parseMessage(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.kind, 'sip-parse-error');
  });

  test('a bad header is named in the error, with the Call-ID and what could be read', () => {
    const result = parseMessage(INVITE.replace('CSeq: 314159 INVITE', 'CSeq: many INVITE'));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.header, 'CSeq');
    assert.equal(result.error.callId, 'a84b4c76e66710@pc33');
    assert.equal(result.error.partial?.startLine, 'INVITE sip:800@192.0.2.1 SIP/2.0');
    for (const [from, to, header] of [
      ['Via: SIP/2.0/UDP 198.51.100.7:5062', 'Via: nonsense', 'Via'],
      ['From: "Yamada Taro" <sip:0312345678@198.51.100.7>;tag=1928301774', 'From: <sip:broken', 'From'],
      ['Content-Length: 4', 'Content-Length: 4000', 'Content-Length'],
      ['CSeq: 314159 INVITE', 'CSeq: 314159 BYE', 'CSeq'],
    ] as const) {
      const r = parseMessage(INVITE.replace(from, to));
      assert.equal(r.ok ? undefined : r.error.header, header, to);
    }
  });

  test('serializes with a byte-accurate Content-Length and round-trips', () => {
    const m = parsed(INVITE);
    const response = createResponse(m, 200, { toTag: 'abc', body: 'こんにちは' });
    const text = serialize(response).toString('utf8');
    assert.match(text, /^SIP\/2\.0 200 OK\r\n/);
    assert.match(text, /\r\nTo: <sip:800@192\.0\.2\.1>;tag=abc\r\n/);
    assert.match(text, /\r\nContent-Length: 15\r\n/);
    const back = parsed(text);
    assert.equal(back.body, 'こんにちは');
    assert.equal(back.to.tag, 'abc');
  });

  test('frames a TCP stream split anywhere, skipping CRLF keep-alives', () => {
    const one = serialize(createResponse(parsed(INVITE), 180, { toTag: 't' }));
    const two = serialize(createResponse(parsed(INVITE), 200, { toTag: 't', body: 'v=0\r\n' }));
    const stream = Buffer.concat([Buffer.from('\r\n\r\n'), one, two]);
    const framer = new StreamFramer();
    const frames = [...framer.push(stream.subarray(0, 50)), ...framer.push(stream.subarray(50, one.length + 30)), ...framer.push(stream.subarray(one.length + 30))];
    assert.equal(frames.length, 2);
    assert.deepEqual(frames.map((f) => (f.ok ? parsed(f.message).body : 'error')), ['', 'v=0\r\n']);
  });

  test('parses Via, name-addr and URI details', () => {
    assert.deepEqual(parseVia('SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKx;rport=5070')?.rport, 5070);
    assert.equal(parseVia('SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKx')?.host, '2001:db8::1');
    const addr = parseNameAddr('sip:alice@example.com;tag=88');
    assert.equal(addr?.uri, 'sip:alice@example.com');
    assert.equal(addr?.tag, '88');
    assert.deepEqual(parseUri('sip:1001@10.0.0.2:5080;transport=tcp'), { scheme: 'sip', user: '1001', host: '10.0.0.2', port: 5080, params: { transport: 'tcp' } });
  });

  test('a telephone-subscriber user part keeps its phone-context; escapes are decoded', () => {
    assert.deepEqual(parseUri('sip:0501234567;phone-context=+81@gw.example.jp;user=phone'),
      { scheme: 'sip', user: '0501234567;phone-context=+81', host: 'gw.example.jp', port: undefined, params: { user: 'phone' } });
    assert.equal(parseUri('sip:%2B81501234567@192.0.2.1')?.user, '+81501234567');
    assert.deepEqual(parseUri('tel:0501234567;phone-context=+81'), { scheme: 'tel', user: '0501234567', host: '', port: undefined, params: { 'phone-context': '+81' } });
  });

  test('a broken %-escape in the Request-URI is a parse error naming it, not an exception', () => {
    const result = parseMessage(INVITE.replace('INVITE sip:800@', 'INVITE sip:%ZZ@'));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error.reason, /malformed Request-URI sip:%ZZ@/);
  });
});
