import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from '../../../src/telephony/sdp/session.ts';
import { audioSdp } from '../../support/sip-peer.ts';

const session = () => new SdpSession({ localAddress: '127.0.0.1', localPort: 30000, codecs: ['PCMU', 'PCMA'], sessionId: '42' });

function answered(s: SdpSession, offer: string) {
  const r = s.answer(offer);
  assert.ok(r.ok, r.ok ? '' : r.warning.text);
  return r;
}

describe('offer/answer over a dialog (RFC 3264)', () => {
  test('hold: sendonly is answered recvonly, inactive inactive; resume sendrecv again', () => {
    const s = session();
    assert.equal(answered(s, audioSdp(40000)).negotiated.direction, 'sendrecv');
    const hold = answered(s, audioSdp(40000, { direction: 'sendonly', version: 2 }));
    assert.match(hold.sdp, /a=recvonly/);
    assert.equal(hold.negotiated.direction, 'recvonly');
    assert.equal(hold.held, true);
    const inactive = answered(s, audioSdp(40000, { direction: 'inactive', version: 3 }));
    assert.match(inactive.sdp, /a=inactive/);
    assert.equal(inactive.held, true);
    const resume = answered(s, audioSdp(40000, { version: 4 }));
    assert.match(resume.sdp, /a=sendrecv/);
    assert.equal(resume.held, false);
  });

  test('the RFC 2543 hold (c=0.0.0.0) is a hold: nothing is sent there', () => {
    const r = answered(session(), audioSdp(40000, { address: '0.0.0.0' }));
    assert.equal(r.held, true);
    assert.equal(r.negotiated.direction, 'recvonly');
  });

  test('a new port and a new codec are followed', () => {
    const s = session();
    answered(s, audioSdp(40000));
    const moved = answered(s, audioSdp(40100, { codecs: [8], version: 2 }));
    assert.equal(moved.negotiated.remotePort, 40100);
    assert.equal(moved.negotiated.codec, 'PCMA');
    assert.match(moved.sdp, /m=audio 30000 RTP\/AVP 8 101/);
  });

  test('our o= line stays; its version goes up only when what we say changes (§8)', () => {
    const s = session();
    const first = answered(s, audioSdp(40000)).sdp;
    const same = answered(s, audioSdp(40000, { version: 2 })).sdp;
    const hold = answered(s, audioSdp(40000, { direction: 'sendonly', version: 3 })).sdp;
    assert.match(first, /^o=chokutsu 42 0 IN IP4 127\.0\.0\.1$/m);
    assert.equal(same, first);
    assert.match(hold, /^o=chokutsu 42 1 IN IP4 127\.0\.0\.1$/m);
  });

  test('a refused offer says why, as a Warning code: 305 for codecs, 304 without audio, 399 for unreadable SDP', () => {
    const codec = session().answer(audioSdp(40000, { codecs: [18] }));
    assert.deepEqual(codec.ok ? undefined : codec.warning.code, 305);
    assert.match(codec.ok ? '' : codec.warning.text, /no common codec \(offered G729\/8000 \(18\)/);
    const video = session().answer('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 40000 RTP/AVP 96\r\n');
    assert.equal(video.ok ? undefined : video.warning.code, 304);
    const broken = session().answer('v=0\r\nnonsense\r\n');
    assert.equal(broken.ok ? undefined : broken.warning.code, 399);
  });

  test('delayed offer: our offer, then the answer (from the ACK) read against it', () => {
    const s = session();
    assert.match(s.offer(), /m=audio 30000 RTP\/AVP 0 8 101/);
    const answer = s.acceptAnswer(audioSdp(40000, { codecs: [8] }));
    assert.ok(answer.ok);
    assert.equal(answer.negotiated.codec, 'PCMA');
    assert.equal(answer.negotiated.remotePort, 40000);
    const none = s.acceptAnswer('');
    assert.equal(none.ok ? '' : none.warning.text, 'no SDP answer in the ACK');
  });
});
