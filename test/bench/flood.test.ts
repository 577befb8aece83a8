// The flood bench's moving parts against a real SIP stack for a second each: the blaster's INVITEs
// from an unlisted address are dropped over the rate, its REGISTER brute force gets the source locked
// out, a trunk's call still comes through, and the line writes a handful of lines, not one per packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blast } from '../../bench/flood-blaster.ts';
import { SipUserAgent } from '../../src/telephony/sip/user-agent.ts';

test('a one-second flood and brute force: limited, locked out, logged a few times; a trunk call still arrives', { timeout: 20_000 }, async () => {
  const logs: string[] = [];
  const sip = await SipUserAgent.start({
    host: '127.0.0.1', port: 0, tcp: false, realm: 'chokutsu', lookupUser: (u) => (u === '3001' ? 'the-real-one' : undefined),
    trunks: [{ name: 'loopback carrier', addresses: ['127.0.0.1'] }], log: (l) => logs.push(l),
  });
  const callers: string[] = [];
  sip.on('incomingCall', (call) => {
    callers.push(call.source.address);
    call.reject(486);
  });
  try {
    const invites = await blast({ kind: 'invite', host: '127.0.0.1', port: sip.port, from: '127.0.0.2', rate: 1000, seconds: 1 });
    const counts = sip.protectionCounts();
    // 100 at once and 50 a second pass the screen (each gets its 403); the rest are dropped unanswered.
    assert.ok(invites.sent >= 990, `sent ${invites.sent}`);
    assert.ok(counts.dropped.rate >= invites.sent - 160 && counts.dropped.rate <= invites.sent - 100, `dropped ${counts.dropped.rate} of ${invites.sent}`);
    assert.equal(invites.answered, invites.sent - counts.dropped.rate, 'every request that passed was answered');
    assert.ok(Object.keys(invites.responses).every((s) => s === '100' || s === '403'), JSON.stringify(invites.responses)); // 403s retransmitted: no ACK comes
    const aboutFlood = logs.filter((l) => l.includes('127.0.0.2'));
    assert.ok(aboutFlood.length >= 2 && aboutFlood.length <= 6, aboutFlood.join('\n'));
    assert.equal(aboutFlood.filter((l) => l.includes('dropping messages from 127.0.0.2')).length, 1);

    const trunk = await blast({ kind: 'invite', host: '127.0.0.1', port: sip.port, from: '127.0.0.1', rate: 10, seconds: 0.3 });
    assert.deepEqual(callers, Array(trunk.sent).fill('127.0.0.1'), 'the trunk\'s calls arrive while 127.0.0.2 is over its rate');

    const guesser = await blast({ kind: 'register', host: '127.0.0.1', port: sip.port, from: '127.0.0.3', rate: 200, seconds: 1 });
    const after = sip.protectionCounts();
    assert.equal(after.lockouts, 1);
    assert.equal(after.authFailures, 5, 'five wrong answers, then no more challenges');
    assert.ok(after.dropped.lockedOut >= guesser.sent - 20, `locked-out drops ${after.dropped.lockedOut} of ${guesser.sent}`);
    assert.equal(guesser.responses['403'], 1, JSON.stringify(guesser.responses));
    const aboutGuesser = logs.filter((l) => l.includes('127.0.0.3'));
    assert.ok(aboutGuesser.length <= 7, aboutGuesser.join('\n'));
    assert.equal(aboutGuesser.filter((l) => l.includes('dropping messages from 127.0.0.3 unanswered (locked out')).length, 1);
  } finally {
    await sip.close();
  }
});
