import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtp, buildTelephoneEvent, parseRtp, parseTelephoneEvent } from '../../../src/telephony/rtp/packet.ts';
import { buildRtcpBye, buildRtcpReport, parseRtcp, toNtp } from '../../../src/telephony/rtp/rtcp.ts';
import { PortAllocator } from '../../../src/telephony/rtp/ports.ts';

describe('RTP header (RFC 3550 §5.1)', () => {
  test('round-trips sequence number, timestamp, SSRC, marker and payload type', () => {
    const payload = Uint8Array.from([1, 2, 3, 4, 5]);
    const buf = buildRtp({ payloadType: 8, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload });
    assert.equal(buf.length, 17);
    assert.equal(buf[0], 0x80);
    assert.equal(buf[1], 0x88);
    const packet = parseRtp(buf);
    assert.deepEqual(packet && { ...packet, payload: [...packet.payload] }, {
      payloadType: 8,
      marker: true,
      sequenceNumber: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      csrc: [],
      payload: [1, 2, 3, 4, 5],
    });
  });

  test('skips CSRCs, a header extension and padding', () => {
    const buf = Buffer.from([
      0xb1, 0x00, 0x00, 0x01, 0, 0, 0, 9, 0, 0, 0, 7, // V=2 P=1 X=1 CC=1
      0, 0, 0, 42, // CSRC
      0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4, // extension, one word
      0xaa, 0xbb, // payload
      0, 0, 3, // padding of 3
    ]);
    const packet = parseRtp(buf);
    assert.deepEqual(packet?.csrc, [42]);
    assert.deepEqual([...(packet?.payload ?? [])], [0xaa, 0xbb]);
  });

  test('drops what is not RTP version 2 or is truncated', () => {
    assert.equal(parseRtp(Buffer.alloc(8)), undefined);
    assert.equal(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined);
    assert.equal(parseRtp(Buffer.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined);
  });
});

test('telephone-event payload (RFC 4733 §2.3) round-trips event, end bit, volume and duration', () => {
  const ev = { event: 11, end: true, volume: 10, duration: 800 };
  assert.deepEqual(parseTelephoneEvent(buildTelephoneEvent(ev)), ev);
});

describe('RTCP', () => {
  test('a sender report with a report block and CNAME parses back', () => {
    const ntp = toNtp(new Date('2025-01-01T00:00:00.500Z'));
    const buf = buildRtcpReport({
      ssrc: 1,
      cname: 'chokutsu@test',
      sender: { ...ntp, rtpTimestamp: 1600, packetCount: 10, octetCount: 1600 },
      reports: [{ ssrc: 2, fractionLost: 25, cumulativeLost: -3, extendedHighestSeq: 70000, jitter: 12, lastSr: 5, delaySinceLastSr: 6 }],
    });
    assert.equal(buf.length % 4, 0);
    const [sr, sdes] = parseRtcp(buf);
    assert.equal(sr?.type, 'SR');
    assert.ok(sr?.type === 'SR');
    assert.equal(sr.sender.ntpSeconds, 3944678400);
    assert.equal(sr.sender.ntpFraction, 2 ** 31);
    assert.deepEqual(sr.reports[0], { ssrc: 2, fractionLost: 25, cumulativeLost: -3, extendedHighestSeq: 70000, jitter: 12, lastSr: 5, delaySinceLastSr: 6 });
    assert.deepEqual(sdes, { type: 'SDES', ssrc: 1, cname: 'chokutsu@test' });
  });

  test('a receiver report and BYE parse; garbage yields nothing rather than throwing', () => {
    assert.equal(parseRtcp(buildRtcpReport({ ssrc: 3, cname: 'x', reports: [] }))[0]?.type, 'RR');
    assert.deepEqual(parseRtcp(buildRtcpBye(9)), [{ type: 'BYE', ssrcs: [9] }]);
    assert.deepEqual(parseRtcp(Buffer.from([0x81, 200, 0xff, 0xff, 1, 2])), []);
    assert.deepEqual(parseRtcp(Buffer.alloc(0)), []);
  });
});

describe('RTP port allocator', () => {
  test('hands out even ports in range, never twice, and reuses released ones', () => {
    const ports = new PortAllocator({ min: 10001, max: 10007 });
    assert.deepEqual([ports.acquire(), ports.acquire(), ports.acquire()], [10002, 10004, 10006]);
    assert.equal(ports.acquire(), undefined);
    ports.release(10004);
    assert.equal(ports.acquire(), 10004);
  });
});
