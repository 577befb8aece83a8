// Offer/answer inside a dialog at the user-agent core: delayed offer (SDP in the ACK), re-INVITE
// and UPDATE handed to the line as a Reoffer, one exchange at a time, Warning on refusals.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SipUserAgent, type IncomingCall, type Reoffer } from '../../../src/telephony/sip/user-agent.ts';
import { audioSdp, bodyOf, request, sipPeer, toTagOf, type SipPeer } from '../../support/sip-peer.ts';
import { until } from '../../support/until.ts';

const OUR_SDP = audioSdp(30000).replace('o=peer', 'o=chokutsu');

async function withCall(run: (o: { server: SipUserAgent; peer: SipPeer; call: IncomingCall; send: (method: string, cseq: number, body?: string) => void }) => Promise<void>,
  inviteBody = audioSdp(40000)): Promise<void> {
  const server = await SipUserAgent.start({
    host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined,
    trunks: [{ name: 'loopback', addresses: ['127.0.0.1'] }], timers: { t1: 50, t2: 400, t4: 500 }, log: () => undefined,
  });
  const peer = await sipPeer(server.port);
  try {
    const calls: IncomingCall[] = [];
    server.on('incomingCall', (call) => {
      calls.push(call);
      call.answer(OUR_SDP);
    });
    const uri = `sip:81501234567@127.0.0.1:${server.port}`;
    peer.send(request({ method: 'INVITE', uri, peerPort: peer.port, callId: 'c1', cseq: 1, fromTag: 'p', body: inviteBody }));
    const toTag = toTagOf(await peer.next(/^SIP\/2\.0 200/));
    const send = (method: string, cseq: number, body?: string) =>
      peer.send(request({ method, uri, peerPort: peer.port, callId: 'c1', cseq, fromTag: 'p', toTag, ...(body !== undefined ? { body } : {}) }));
    const call = calls[0];
    assert.ok(call);
    await run({ server, peer, call, send });
  } finally {
    peer.close();
    await server.close();
  }
}

describe('offer/answer in a dialog (user-agent core)', () => {
  test('an INVITE without SDP: our offer goes in the 200, and the ACK\'s SDP reaches the line as the answer', async () => {
    await withCall(async ({ call, peer, send }) => {
      assert.equal(call.remoteSdp, '');
      send('UPDATE', 2, audioSdp(40000, { version: 2 }));
      assert.match(await peer.next(/CSeq: 2 UPDATE/), /^SIP\/2\.0 491/, 'a new offer while ours awaits its answer (RFC 3311 §5.2)');
      const answer = new Promise<string>((resolve) => call.once('confirmed', resolve));
      send('ACK', 1, audioSdp(40000, { codecs: [8] }));
      assert.match(await answer, /m=audio 40000 RTP\/AVP 8 101/);
      assert.equal(call.state, 'confirmed');
    }, '');
  });

  test('a re-INVITE is handed to the line, whose answer goes back in the 200 and is retransmitted until the ACK', async () => {
    await withCall(async ({ call, peer, send }) => {
      send('ACK', 1);
      const reoffers: Reoffer[] = [];
      call.on('reoffer', (r) => reoffers.push(r));
      send('INVITE', 2, audioSdp(40000, { direction: 'sendonly', version: 2 }));
      await until(() => reoffers.length === 1, 'the re-offer');
      assert.match(reoffers[0]?.sdp ?? '', /a=sendonly/);
      reoffers[0]?.accept(OUR_SDP.replace('a=sendrecv', 'a=recvonly'));
      const ok = await peer.next(/^SIP\/2\.0 200 OK[\s\S]*CSeq: 2 INVITE/);
      assert.match(bodyOf(ok), /a=recvonly/);
      await peer.next(/^SIP\/2\.0 200 OK[\s\S]*CSeq: 2 INVITE/); // retransmitted (§13.3.1.4)
      const acked = new Promise<void>((resolve) => reoffers[0]?.once('acked', () => resolve()));
      send('ACK', 2);
      await acked;
    });
  });

  test('a re-INVITE without SDP gets our offer; the answer comes with the ACK', async () => {
    await withCall(async ({ call, peer, send }) => {
      send('ACK', 1);
      call.on('reoffer', (r) => {
        assert.equal(r.sdp, '');
        r.accept(OUR_SDP);
        r.once('acked', (sdp) => answers.push(sdp));
      });
      const answers: string[] = [];
      send('INVITE', 2);
      await peer.next(/^SIP\/2\.0 200 OK[\s\S]*CSeq: 2 INVITE/);
      send('ACK', 2, audioSdp(40200));
      await until(() => answers.length === 1, 'the answer in the ACK');
      assert.match(answers[0] ?? '', /m=audio 40200/);
    });
  });

  test('a refused re-offer is 488 with a Warning saying why; a second re-INVITE while one is open is 500 with Retry-After', async () => {
    await withCall(async ({ call, peer, send }) => {
      send('ACK', 1);
      const reoffers: Reoffer[] = [];
      call.on('reoffer', (r) => reoffers.push(r));
      send('INVITE', 2, audioSdp(40000, { version: 2 }));
      await until(() => reoffers.length === 1, 'the re-offer');
      send('INVITE', 3, audioSdp(40000, { version: 3 }));
      assert.match(await peer.next(/^SIP\/2\.0 [3-6]\d\d[\s\S]*CSeq: 3 INVITE/), /^SIP\/2\.0 500 [\s\S]*\r\nRetry-After: \d+\r\n/);
      reoffers[0]?.reject(488, { code: 305, text: 'Incompatible media format: no common codec' });
      const refused = await peer.next(/^SIP\/2\.0 488[\s\S]*CSeq: 2 INVITE/);
      assert.match(refused, /\r\nWarning: 305 chokutsu "Incompatible media format: no common codec"\r\n/);
    });
  });

  test('UPDATE (RFC 3311): an offer is answered in its 200; without a body it only refreshes the target', async () => {
    await withCall(async ({ call, peer, send }) => {
      send('ACK', 1);
      call.on('reoffer', (r) => {
        assert.equal(r.method, 'UPDATE');
        r.accept(OUR_SDP.replace('a=sendrecv', 'a=inactive'));
      });
      send('UPDATE', 2, audioSdp(40000, { direction: 'inactive', version: 2 }));
      assert.match(bodyOf(await peer.next(/^SIP\/2\.0 200 OK[\s\S]*CSeq: 2 UPDATE/)), /a=inactive/);
      send('UPDATE', 3);
      const refresh = await peer.next(/^SIP\/2\.0 \d+[\s\S]*CSeq: 3 UPDATE/);
      assert.match(refresh, /^SIP\/2\.0 200 OK[\s\S]*\r\nContent-Length: 0\r\n/);
      send('UPDATE', 3, audioSdp(40000, { version: 3 }));
      assert.match(await peer.next(/^SIP\/2\.0 \d+[\s\S]*CSeq: 3 UPDATE/), /^SIP\/2\.0 500/, 'an old CSeq is refused (§12.2.2)');
    });
  });

  test('an INVITE refused for its media carries a Warning (RFC 3261 §20.43)', async () => {
    const server = await SipUserAgent.start({ host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined, trunks: [{ name: 'lo', addresses: ['127.0.0.1'] }], log: () => undefined });
    const peer = await sipPeer(server.port);
    try {
      server.on('incomingCall', (call) => call.reject(488, { code: 304, text: 'Media type not available: "video" only' }));
      peer.send(request({ method: 'INVITE', uri: `sip:1@127.0.0.1:${server.port}`, peerPort: peer.port, callId: 'w', cseq: 1, fromTag: 'p', body: audioSdp(40000) }));
      const reply = await peer.next(/^SIP\/2\.0 488/);
      assert.match(reply, /\r\nWarning: 304 chokutsu "Media type not available: \\"video\\" only"\r\n/);
    } finally {
      peer.close();
      await server.close();
    }
  });
});
