import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { SipUserAgent } from '../../../src/telephony/sip/user-agent.ts';

async function exchange(port: number, text: (localPort: number) => string): Promise<string> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const reply = new Promise<string>((resolve) => {
      socket.on('message', (m) => {
        const s = m.toString('utf8');
        if (!s.startsWith('SIP/2.0 100')) resolve(s);
      });
    });
    socket.send(text(socket.address().port), port, '127.0.0.1');
    return await reply;
  } finally {
    socket.close();
  }
}

const invite = (port: number) => [
  'INVITE sip:800@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${port}`,
  'From: <sip:0120000000@127.0.0.1>;tag=1', 'To: <sip:800@127.0.0.1>', `Call-ID: scan-${port}`, 'CSeq: 1 INVITE',
  'Content-Length: 0', '', '',
].join('\r\n');

describe('inbound call security', () => {
  test('refuses an INVITE from a source that is neither a trunk nor a registered phone, with a log line', async () => {
    const logs: string[] = [];
    const server = await SipUserAgent.start({ host: '127.0.0.1', port: 0, udp: true, tcp: false, realm: 'chokutsu', lookupUser: () => undefined, log: (l) => logs.push(l) });
    let offered = 0;
    server.on('incomingCall', () => { offered++; });
    try {
      const reply = await exchange(server.port, invite);
      assert.match(reply, /^SIP\/2\.0 403 Forbidden/);
      assert.equal(offered, 0);
      assert.ok(logs.some((l) => l.includes('refused INVITE from 127.0.0.1')));
    } finally {
      await server.close();
    }
  });

  test('challenges a trunk that authenticates by credentials', async () => {
    const server = await SipUserAgent.start({
      host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined,
      trunks: [{ name: 'carrier', username: 'carrier', password: 'pw' }], log: () => undefined,
    });
    try {
      const reply = await exchange(server.port, invite);
      assert.match(reply, /^SIP\/2\.0 401 Unauthorized[\s\S]*WWW-Authenticate: Digest realm="chokutsu", nonce="[^"]+", algorithm=MD5, qop="auth"/);
    } finally {
      await server.close();
    }
  });

  test('answers OPTIONS with what it allows and accepts', async () => {
    const server = await SipUserAgent.start({ host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined, log: () => undefined });
    try {
      const reply = await exchange(server.port, (port) => invite(port).replace(/INVITE/g, 'OPTIONS'));
      assert.match(reply, /^SIP\/2\.0 200 OK/);
      assert.match(reply, /\r\nAllow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REGISTER\r\n/);
      assert.match(reply, /\r\nAccept: application\/sdp\r\n/);
    } finally {
      await server.close();
    }
  });
});

describe('dialling out through a trunk (sip.dial)', () => {
  const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

  /** A far end that lets in only calls with the trunk's digest credentials (401, qop=auth). */
  async function trunkPeer() {
    return SipUserAgent.start({
      host: '127.0.0.1', port: 0, tcp: false, realm: 'carrier', lookupUser: () => undefined,
      trunks: [{ name: 'line', username: 'chokutsu', password: 'trunk-secret' }], log: () => undefined,
    });
  }

  test('answers the challenge once with the digest; the Request-URI and From are the number and the caller ID', async () => {
    const peer = await trunkPeer();
    const line = await SipUserAgent.start({ host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined, log: () => undefined });
    try {
      const arrived = new Promise<{ requestUri: string; from: string }>((resolve) => {
        peer.on('incomingCall', (call) => {
          resolve({ requestUri: call.requestUri, from: call.from.uri });
          call.answer(SDP);
        });
      });
      const call = line.dial({
        uri: `sip:+81312345678@127.0.0.1:${peer.port}`, destination: { protocol: 'udp', address: '127.0.0.1', port: peer.port },
        sdp: SDP, from: { user: '+81501234567' }, credentials: { username: 'chokutsu', password: 'trunk-secret' },
      });
      const answered = new Promise<string>((resolve, reject) => {
        call.once('answered', resolve);
        call.once('failed', ({ status }) => reject(new Error(`failed ${status}`)));
      });
      const seen = await arrived;
      assert.equal(seen.requestUri, `sip:+81312345678@127.0.0.1:${peer.port}`);
      assert.match(seen.from, /^sip:\+81501234567@127\.0\.0\.1:\d+$/);
      assert.match(await answered, /m=audio 40000/);
      call.hangUp();
    } finally {
      await line.close();
      await peer.close();
    }
  });

  test('wrong credentials: the second challenge fails the call (no loop)', async () => {
    const peer = await trunkPeer();
    const line = await SipUserAgent.start({ host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined, log: () => undefined });
    try {
      const call = line.dial({
        uri: `sip:+81312345678@127.0.0.1:${peer.port}`, destination: { protocol: 'udp', address: '127.0.0.1', port: peer.port },
        sdp: SDP, from: { user: '+81501234567' }, credentials: { username: 'chokutsu', password: 'wrong' },
      });
      const failed = await new Promise<number>((resolve) => call.once('failed', ({ status }) => resolve(status)));
      assert.ok(failed === 401 || failed === 403, `failed with ${failed}`);
    } finally {
      await line.close();
      await peer.close();
    }
  });
});
