import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { excerpt, LogLimiter } from '../../../src/telephony/sip/log-limiter.ts';
import { SipUserAgent } from '../../../src/telephony/sip/user-agent.ts';
import { request, sipPeer } from '../../support/sip-peer.ts';

describe('the malformed-message log', () => {
  test('at most N lines per source per window, the last saying so; the count comes when the next window opens', () => {
    const limiter = new LogLimiter({ perWindow: 2, windowMs: 10_000 });
    const lines = (n: number, at: number, source = '192.0.2.1') => Array.from({ length: n }, () => limiter.admit(source, 'bad', at)).flat();
    assert.deepEqual(lines(5, 0), ['bad', 'bad (more from 192.0.2.1 within 10 s are counted, not logged)']);
    assert.deepEqual(lines(1, 1000, '192.0.2.2'), ['bad'], 'another source has its own allowance');
    assert.deepEqual(lines(1, 10_000), ['sip: 3 more malformed messages from 192.0.2.1 were not logged', 'bad']);
  });

  test('an excerpt shows printable ASCII, escapes the rest and stops at 80 bytes', () => {
    assert.equal(excerpt(Buffer.from([0x49, 0x4e, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0d, 0x0a, 0xff, 0x5c])), 'IN\\x00\\x1b[2J\\r\\n\\xff\\\\');
    const long = excerpt('x'.repeat(500));
    assert.equal(long, `${'x'.repeat(80)}…`);
  });

  test('a flood of garbage from one source: five log lines, each short and printable, then a count', async () => {
    let now = Date.parse('2026-11-24T10:00:00+09:00');
    const logs: string[] = [];
    const server = await SipUserAgent.start({
      host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: () => undefined, now: () => new Date(now), log: (l) => logs.push(l),
    });
    const peer = await sipPeer(server.port);
    const options = (cseq: number) => request({ method: 'OPTIONS', uri: `sip:x@127.0.0.1:${server.port}`, peerPort: peer.port, callId: 'o', cseq, fromTag: 'a' });
    try {
      for (let i = 0; i < 30; i++) peer.send(`\u001b[31mEVIL ${i}\u0007 ${'A'.repeat(2000)}\r\n\r\n`);
      peer.send(options(1));
      await peer.next(/^SIP\/2\.0 200 OK/); // everything before it has been read
      const dropped = logs.filter((l) => l.includes('dropped unparseable message from 127.0.0.1'));
      assert.equal(dropped.length, 5);
      assert.match(dropped[4] ?? '', /\(more from 127\.0\.0\.1 within 10 s are counted, not logged\)$/);
      for (const l of dropped) {
        assert.doesNotMatch(l, /[^\x20-\x7e…]/, 'no control characters reach the log');
        assert.ok(l.length < 400, `short: ${l.length}`);
        assert.match(l, /: "\\x1b\[31mEVIL \d+\\x07 A+…"/);
      }
      now += 10_000;
      peer.send('garbage again\r\n\r\n');
      peer.send(options(2));
      await peer.next(/^SIP\/2\.0 200 OK/);
      assert.ok(logs.includes('sip: 25 more malformed messages from 127.0.0.1 were not logged'), logs.slice(5).join('\n'));
    } finally {
      peer.close();
      await server.close();
    }
  });
});
