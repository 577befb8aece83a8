// Dialled numbers, as on Connect: each of the line's numbers has its flow; a call to any other
// number is refused (SIP 404, API 404), and the number is stored in E.164 however it was dialled.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { until } from '../support/until.ts';
import { audioSdp, request, sipPeer, toTagOf } from '../support/sip-peer.ts';
import { api, startTestLine, type TestLine } from './support.ts';

const TELEPHONY = {
  sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
  rtp: { host: '127.0.0.1', portMin: 42600, portMax: 42699 },
  trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'] }],
  tts: { engine: 'espeak-ng' as const, wordsPerMinute: 450 },
};

async function withPhoneLine(run: (line: TestLine, sipPort: number, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const line = await startTestLine(undefined, { telephony: TELEPHONY, log: (m) => logs.push(m) });
  try {
    const sipPort = line.server.sip?.port;
    assert.ok(sipPort);
    await run(line, sipPort, logs);
  } finally {
    await line.close();
  }
}

describe('dialled numbers', { timeout: 30_000 }, () => {
  test('a call to a number the line does not have gets 404 and a log line; nothing starts', async () => {
    await withPhoneLine(async (line, sipPort, logs) => {
      const peer = await sipPeer(sipPort);
      try {
        for (const [user, why] of [['999', /\+999 is not one of the line's numbers/], ['service', /"service" is not a phone number/]] as const) {
          peer.send(request({ method: 'INVITE', uri: `sip:${user}@127.0.0.1:${sipPort}`, peerPort: peer.port, callId: `wrong-${user}`, cseq: 1, fromTag: 'a', body: audioSdp(40000) }));
          const reply = await peer.next(/^SIP\/2\.0 [2-6]\d\d/);
          assert.match(reply, /^SIP\/2\.0 404 Not Found/);
          assert.ok(logs.some((l) => l.includes(`call wrong-${user}`) && why.test(l)), logs.join('\n'));
        }
        assert.equal(line.server.services.center.liveContacts().length, 0);
      } finally {
        peer.close();
      }
    });
  });

  test('an escaped + and a national number with phone-context reach the line\'s number, stored in E.164', async () => {
    await withPhoneLine(async (line, sipPort) => {
      const peer = await sipPeer(sipPort);
      try {
        const uris = [`sip:%2B81501234567@127.0.0.1:${sipPort}`, `sip:0501234567;phone-context=+81@127.0.0.1:${sipPort};user=phone`];
        for (const [i, uri] of uris.entries()) {
          const callId = `right-${i}`;
          peer.send(request({ method: 'INVITE', uri, peerPort: peer.port, callId, cseq: 1, fromTag: 'a', body: audioSdp(40000) }));
          const ok = await peer.next(/^SIP\/2\.0 200 OK/);
          const toTag = toTagOf(ok);
          peer.send(request({ method: 'ACK', uri, peerPort: peer.port, callId, cseq: 1, fromTag: 'a', toTag }));
          await until(() => line.server.services.center.liveContacts().length === 1, 'the contact to start');
          assert.equal(line.server.services.center.liveContacts()[0]?.to, '+81501234567');
          peer.send(request({ method: 'BYE', uri, peerPort: peer.port, callId, cseq: 2, fromTag: 'a', toTag }));
          await peer.next(/^SIP\/2\.0 200 OK[\s\S]*CSeq: 2 BYE/);
          await until(() => line.server.services.center.liveContacts().length === 0, 'the contact to end');
        }
        const records = ((await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records: { systemEndpoint: string }[] }).records;
        assert.deepEqual(records.map((r) => r.systemEndpoint), ['+81501234567', '+81501234567']);
      } finally {
        peer.close();
      }
    });
  });

  test('an offer with no codec the line takes is refused 488 with a Warning naming why (RFC 3261 §20.43)', async () => {
    await withPhoneLine(async (_line, sipPort, logs) => {
      const peer = await sipPeer(sipPort);
      try {
        peer.send(request({ method: 'INVITE', uri: `sip:0501234567@127.0.0.1:${sipPort}`, peerPort: peer.port, callId: 'g729', cseq: 1, fromTag: 'a', body: audioSdp(40000, { codecs: [18] }) }));
        const reply = await peer.next(/^SIP\/2\.0 [2-6]\d\d/);
        assert.match(reply, /^SIP\/2\.0 488 Not Acceptable Here/);
        assert.match(reply, /\r\nWarning: 305 chokutsu "Incompatible media format: no common codec \(offered G729\/8000 \(18\)[^"]*"\r\n/);
        assert.ok(logs.some((l) => l.startsWith('call g729: 488, Incompatible media format')), logs.join('\n'));
      } finally {
        peer.close();
      }
    });
  });

  test('POST /api/calls: `to` in national form is the line\'s number; an unknown number is 404, a word 400', async () => {
    const line = await startTestLine();
    try {
      const ok = await api(line.url, line.admin, 'POST', '/api/calls', { to: '050-123-4567' });
      assert.equal(ok.status, 201, ok.text);
      const contactId = ok.body['contactId'] as string;
      assert.equal(line.server.services.center.contact(contactId)?.to, '+81501234567');
      const unknown = await api(line.url, line.admin, 'POST', '/api/calls', { to: '+81399999999' });
      assert.equal(unknown.status, 404);
      assert.match(String(unknown.body['error']), /\+81399999999 is not one of the line's numbers/);
      const word = await api(line.url, line.admin, 'POST', '/api/calls', { to: 'service' });
      assert.equal(word.status, 400);
      assert.match(String(word.body['error']), /not a phone number/);
    } finally {
      await line.close();
    }
  });
});
