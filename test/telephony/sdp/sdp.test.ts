import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptAnswer,
  answer,
  NoCommonCodecError,
  offer,
  parseSdp,
  type SessionDescription,
} from '../../../src/telephony/sdp/sdp.ts';

function sdpOf(mLine: string, extra: string[] = []): string {
  return ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', mLine, ...extra, ''].join('\r\n');
}

function parsed(text: string): SessionDescription {
  const result = parseSdp(text);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.sdp;
}

const local = { localAddress: '198.51.100.1', localPort: 40000, codecs: ['PCMU', 'PCMA'] as const };
const ours = { ...local, codecs: [...local.codecs] };

describe('SDP parsing', () => {
  test('reads connection, port, payload types, rtpmap, fmtp, direction and ptime', () => {
    const sdp = parsed(
      sdpOf('m=audio 5004 RTP/AVP 8 0 101', [
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-15',
        'a=ptime:30',
        'a=sendonly',
      ]),
    );
    const audio = sdp.media[0];
    assert.equal(sdp.connection, '192.0.2.10');
    assert.equal(audio?.port, 5004);
    assert.deepEqual(audio?.formats, [8, 0, 101]);
    assert.deepEqual(audio?.rtpmap.get(101), { encoding: 'telephone-event', clockRate: 8000 });
    assert.equal(audio?.fmtp.get(101), '0-15');
    assert.equal(audio?.ptime, 30);
    assert.equal(audio?.direction, 'sendonly');
  });

  test('lists every malformed line with its line number', () => {
    const result = parseSdp('v=0\r\no=broken\r\ns=-\r\nm=audio x RTP/AVP 0\r\ngarbage\r\n');
    assert.equal(result.ok, false);
    assert.deepEqual(
      !result.ok && result.problems.map((p) => p.line),
      [2, 4, 5],
    );
  });

  test('a media-level c= line overrides the session one', () => {
    const sdp = parsed(sdpOf('m=audio 5004 RTP/AVP 0', ['c=IN IP4 203.0.113.5']));
    assert.equal(sdp.media[0]?.connection, '203.0.113.5');
  });
});

describe('SDP answer (RFC 3264)', () => {
  test('accepts a PCMU-only offer without rtpmap (static payload type 0)', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 0')), ours);
    assert.ok(result.ok);
    assert.equal(result.negotiated.codec, 'PCMU');
    assert.equal(result.negotiated.payloadType, 0);
    assert.equal(result.negotiated.remoteAddress, '192.0.2.10');
    assert.equal(result.negotiated.remotePort, 5004);
    assert.equal(result.negotiated.telephoneEventPt, undefined);
    assert.match(result.sdp, /\r\nm=audio 40000 RTP\/AVP 0\r\n/);
    assert.match(result.sdp, /\r\nc=IN IP4 198\.51\.100\.1\r\n/);
  });

  test('accepts a PCMA-only offer', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 8', ['a=rtpmap:8 PCMA/8000'])), ours);
    assert.ok(result.ok);
    assert.equal(result.negotiated.codec, 'PCMA');
    assert.match(result.sdp, /m=audio 40000 RTP\/AVP 8\r\na=rtpmap:8 PCMA\/8000/);
  });

  test('picks the first codec in the offer when both are offered', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 8 0')), ours);
    assert.ok(result.ok);
    assert.equal(result.negotiated.codec, 'PCMA');
  });

  test('keeps telephone-event with the payload type of the offer', () => {
    const result = answer(
      parsed(sdpOf('m=audio 5004 RTP/AVP 18 0 96', ['a=rtpmap:18 G729/8000', 'a=rtpmap:96 telephone-event/8000', 'a=fmtp:96 0-16'])),
      ours,
    );
    assert.ok(result.ok);
    assert.equal(result.negotiated.codec, 'PCMU');
    assert.equal(result.negotiated.telephoneEventPt, 96);
    assert.match(result.sdp, /m=audio 40000 RTP\/AVP 0 96\r\n/);
    assert.match(result.sdp, /a=rtpmap:96 telephone-event\/8000/);
  });

  test('telephone-event payload type 101 as most phones offer it', () => {
    const result = answer(
      parsed(sdpOf('m=audio 5004 RTP/AVP 0 8 101', ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'])),
      ours,
    );
    assert.ok(result.ok);
    assert.equal(result.negotiated.telephoneEventPt, 101);
  });

  test('no common codec is a NoCommonCodecError naming what was offered', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 18 9', ['a=rtpmap:18 G729/8000', 'a=rtpmap:9 G722/8000'])), ours);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error instanceof NoCommonCodecError);
    assert.match(!result.ok ? result.error.message : '', /G729\/8000 \(18\)/);
  });

  test('a codec we did not enable is not chosen', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 8')), { ...ours, codecs: ['PCMU'] });
    assert.equal(result.ok, false);
  });

  test('an offer that puts us on hold (sendonly) is answered recvonly', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 0', ['a=sendonly'])), ours);
    assert.ok(result.ok);
    assert.equal(result.negotiated.direction, 'recvonly');
    assert.match(result.sdp, /a=recvonly/);
  });

  test('rejects a video stream with port 0 and keeps the m-line count', () => {
    const result = answer(
      parsed(sdpOf('m=audio 5004 RTP/AVP 0', ['m=video 5006 RTP/AVP 96', 'a=rtpmap:96 H264/90000'])),
      ours,
    );
    assert.ok(result.ok);
    assert.match(result.sdp, /m=video 0 RTP\/AVP 96/);
    assert.equal(result.sdp.match(/^m=/gm)?.length, 2);
  });

  test('our answer parses back as valid SDP', () => {
    const result = answer(parsed(sdpOf('m=audio 5004 RTP/AVP 0 101', ['a=rtpmap:101 telephone-event/8000'])), ours);
    assert.ok(result.ok);
    assert.ok(parseSdp(result.sdp).ok);
  });
});

describe('SDP offer for calls to agent phones', () => {
  test('lists our codecs then telephone-event, and reads the answer', () => {
    const text = offer({ ...ours, sessionId: '42', sessionVersion: 3 });
    const sdp = parsed(text);
    assert.deepEqual(sdp.media[0]?.formats, [0, 8, 101]);
    assert.equal(sdp.origin.sessionVersion, '3');
    const reply = parsed(sdpOf('m=audio 6000 RTP/AVP 8 101', ['a=rtpmap:101 telephone-event/8000']));
    const accepted = acceptAnswer(reply, ours);
    assert.ok(accepted.ok);
    assert.equal(accepted.negotiated.codec, 'PCMA');
    assert.equal(accepted.negotiated.remotePort, 6000);
    assert.equal(accepted.negotiated.telephoneEventPt, 101);
  });
});
