// Real third-party peer: sipp answers a minimal INVITE (sent by hand here; SIP itself is
// tested in test/telephony/sip) and plays RFC 4733 captures to our RtpSession.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { RtpSession } from '../../../src/telephony/rtp/rtp-session.ts';
import { PortAllocator } from '../../../src/telephony/rtp/ports.ts';
import { acceptAnswer, offer, parseSdp } from '../../../src/telephony/sdp/sdp.ts';

const SIPP_SIP_PORT = 47490;
const SIPP_MEDIA_PORT = 47492;

test('receives digits 1, 2, # once each from sipp playing RFC 4733 captures', { timeout: 15000 }, async () => {
  const session = await RtpSession.open({ allocator: new PortAllocator({ min: 47400, max: 47409 }), bindAddress: '127.0.0.1', codec: 'PCMU' });
  const sip = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sip.bind(0, '127.0.0.1', resolve));
  const sipp = spawn(
    'sipp',
    ['-sf', 'test/telephony/rtp/sipp/rtp-source-uas.xml', '-i', '127.0.0.1', '-p', String(SIPP_SIP_PORT), '-mp', String(SIPP_MEDIA_PORT), '-m', '1', '-nostdin', '-timeout', '10s'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => sipp.on('exit', resolve));
  const digits: string[] = [];
  session.on('dtmf', (digit) => digits.push(digit));

  const ourOffer = { localAddress: '127.0.0.1', localPort: session.localPort, codecs: ['PCMU' as const, 'PCMA' as const] };
  const body = offer(ourOffer);
  const local = `127.0.0.1:${sip.address().port}`;
  const headers = (method: string, to: string) =>
    [`Via: SIP/2.0/UDP ${local};branch=z9hG4bK-${method.toLowerCase()}-1`, 'From: <sip:caller@127.0.0.1>;tag=t1', to, 'Call-ID: rtp-source@chokutsu', `CSeq: 1 ${method}`, 'Max-Forwards: 70'];
  const answered = new Promise<string>((resolve) =>
    sip.on('message', (msg) => {
      const text = msg.toString();
      if (!text.startsWith('SIP/2.0 200')) return;
      const to = /^To:.*$/im.exec(text)?.[0] ?? '';
      const ack = [`ACK sip:sipp@127.0.0.1:${SIPP_SIP_PORT} SIP/2.0`, ...headers('ACK', to), 'Content-Length: 0', '', ''].join('\r\n');
      sip.send(ack, SIPP_SIP_PORT, '127.0.0.1');
      resolve(text.slice(text.indexOf('\r\n\r\n') + 4));
    }),
  );
  const invite = [
    `INVITE sip:sipp@127.0.0.1:${SIPP_SIP_PORT} SIP/2.0`,
    ...headers('INVITE', 'To: <sip:sipp@127.0.0.1>'),
    `Contact: <sip:caller@${local}>`,
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  // sipp opens its SIP socket a moment after it starts: resend the INVITE, as RFC 3261's Timer A
  // does over UDP, until sipp says anything.
  const send = () => sip.send(invite, SIPP_SIP_PORT, '127.0.0.1');
  const resend = setInterval(send, 100);
  sip.once('message', () => clearInterval(resend));
  send();

  const parsed = parseSdp(await answered);
  assert.ok(parsed.ok);
  const accepted = acceptAnswer(parsed.sdp, ourOffer);
  assert.ok(accepted.ok);
  assert.deepEqual(
    { codec: accepted.negotiated.codec, te: accepted.negotiated.telephoneEventPt, port: accepted.negotiated.remotePort },
    { codec: 'PCMU', te: 101, port: SIPP_MEDIA_PORT },
  );
  session.configure(accepted.negotiated);
  session.start();

  assert.equal(await exited, 0);
  sip.close();
  await session.close();
  assert.deepEqual(digits, ['1', '2', '#']);
});
