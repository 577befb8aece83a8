// Re-attaching a browser agent in the SIP line, without a browser: a caller arrives over UDP (a
// trunk), the agent's "browser" registers over a WebSocket (a fake socket handed to the user agent,
// werift answering the line's WebRTC offer), answers, and then its socket closes — a page reload.
// The line keeps the call for the grace period; if nobody comes back it ends as the agent hanging
// up; a new registration gets a re-attach INVITE (declined: agent hang-up; answered: the call goes
// on as the same contact). A short grace keeps the test quick.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CenterEvent } from '../../../src/runtime/contact-center.ts';
import { SipLine, type SipLineDeps } from '../../../src/telephony/sip-line.ts';
import { digestHa1, digestResponse } from '../../../src/telephony/sip/digest.ts';
import { getHeader, getHeaders, parseMessage, type IncomingMessage } from '../../../src/telephony/sip/message.ts';
import type { SipWebSocket } from '../../../src/telephony/sip/ws-transport.ts';
import { WebRtcLeg } from '../../../src/telephony/webrtc/webrtc-leg.ts';

const GRACE_MS = 400;
const REALM = 'chokutsu';

/** A browser's WebSocket as the transport sees it: what the line sends is kept, what the test delivers arrives. */
class FakeSocket implements SipWebSocket {
  readonly protocol = 'sip';
  readonly sent: string[] = [];
  private readonly listeners: Record<string, ((...args: never[]) => void)[]> = {};
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    for (const f of this.listeners['close'] ?? []) (f as () => void)();
  }
  on(event: string, listener: (...args: never[]) => void): this {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }
  deliver(text: string): void {
    for (const f of this.listeners['message'] ?? []) (f as (d: Buffer, b: boolean) => void)(Buffer.from(text), false);
  }
}

function sip(startLine: string, headers: string[], body = ''): string {
  return [startLine, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The browser's final response to the line's INVITE: 200 with its SDP, or a refusal. */
function answer(invite: IncomingMessage, status: number, sdp = ''): string {
  return sip(`SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Decline'}`, [
    ...getHeaders(invite, 'via').map((v) => `Via: ${v}`), `From: ${getHeader(invite, 'from') ?? ''}`, `To: ${getHeader(invite, 'to') ?? ''};tag=b${status}`,
    `Call-ID: ${invite.callId}`, `CSeq: ${getHeader(invite, 'cseq') ?? ''}`, 'Contact: <sip:201@abc.invalid;transport=ws>',
    ...(sdp ? ['Content-Type: application/sdp'] : []),
  ], sdp);
}

function parsed(text: string): IncomingMessage {
  const p = parseMessage(text);
  assert.ok(p.ok, text);
  return p.message;
}

describe('SIP line: a browser agent whose connection dropped mid-call (a page reload)', { timeout: 30_000 }, () => {
  let line: SipLine;
  let udp: Socket;
  const udpIn: string[] = [];
  const calls: { method: string; args: unknown[] }[] = [];
  let publish: (e: CenterEvent) => void = () => {};
  const logs: string[] = [];
  let contacts = 0;

  before(async () => {
    const record = (method: string) => (...args: unknown[]) => void calls.push({ method, args });
    const center = {
      startContact: record('startContact'), dtmf: record('dtmf'), promptFinished: record('promptFinished'),
      customerHangUp: record('customerHangUp'), accept: record('accept'), decline: record('decline'), agentHangUp: record('agentHangUp'),
      recordingStarted: record('recordingStarted'), recordingFailed: record('recordingFailed'), holdStarted: record('holdStarted'), holdEnded: record('holdEnded'),
    } as unknown as SipLineDeps['center'];
    line = await SipLine.start({
      deps: {
        center,
        lineNumber: (dialed) => ({ ok: true, number: `+81${dialed.slice(1)}` }),
        subscribe: (send) => {
          publish = send;
          return () => undefined;
        },
        agentExtension: (agentId) => (agentId === 'sato' ? '201' : undefined),
        phoneHa1: (username, realm) => (username === '201' ? digestHa1('201', realm, 'secret201') : undefined),
        newContactId: () => `contact-${++contacts}`,
        clock: { now: () => Date.now() },
        language: 'ja',
      },
      dataDir: mkdtempSync(join(tmpdir(), 'chokutsu-reattach-')),
      config: {
        sip: { host: '127.0.0.1', realm: REALM, udp: true, tcp: false },
        rtp: { host: '127.0.0.1', portMin: 44400, portMax: 44499 },
        trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'] }],
        tts: { engine: 'espeak-ng' },
      },
      log: (l) => logs.push(l),
      sipPort: 0,
      reattachGraceMs: GRACE_MS,
    });
    udp = createSocket('udp4');
    udp.on('message', (m) => udpIn.push(m.toString('utf8')));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    udp?.close();
    await line?.close();
  });

  /** A browser registering as 201 over its own WebSocket (digest, RFC 7118). */
  async function registered(port: number): Promise<FakeSocket> {
    const browser = new FakeSocket();
    assert.ok(line.sip.acceptWebSocket(browser, { address: '127.0.0.1', port, secure: false }));
    const register = (cseq: number, auth: string[]): void => browser.deliver(sip('REGISTER sip:127.0.0.1 SIP/2.0', [
      `Via: SIP/2.0/WS abc.invalid;branch=z9hG4bK-reg${cseq}`, 'Max-Forwards: 70', 'From: <sip:201@127.0.0.1>;tag=r1', 'To: <sip:201@127.0.0.1>',
      `Call-ID: reg-${port}`, `CSeq: ${cseq} REGISTER`, 'Contact: <sip:201@abc.invalid;transport=ws>', 'Expires: 600', ...auth,
    ]));
    register(1, []);
    const challenge = await until('the 401', () => browser.sent.find((m) => m.startsWith('SIP/2.0 401')));
    const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
    const response = digestResponse({ ha1: digestHa1('201', REALM, 'secret201'), method: 'REGISTER', uri: 'sip:127.0.0.1', nonce, qop: 'auth', nc: '00000001', cnonce: 'c1' });
    register(2, [`Authorization: Digest username="201", realm="${REALM}", nonce="${nonce}", uri="sip:127.0.0.1", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`]);
    await until('the registration', () => (line.sip.registrations().some((b) => b.aor === '201' && b.source.port === port) ? true : undefined));
    return browser;
  }

  /** Call n: a trunk caller, offered to sato, answered in the browser; the browser and its werift peer. */
  async function connectedCall(n: number): Promise<{ browser: FakeSocket; agent: { leg: WebRtcLeg }; contactId: string }> {
    const contactId = `contact-${n}`;
    // sato's browser registers over its WebSocket (digest, RFC 7118).
    const browser = await registered(50001 + n * 10);
    // A caller from the trunk (plain RTP), answered by the line.
    const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
    const local = udp.address();
    const callerHeaders = (branch: string, cseq: string, toTag = ''): string[] => [
      `Via: SIP/2.0/UDP 127.0.0.1:${local.port};branch=${branch}`, 'Max-Forwards: 70', 'From: <sip:0901234567@127.0.0.1>;tag=c1',
      `To: <sip:0312345678@127.0.0.1>${toTag}`, `Call-ID: caller-${n}`, `CSeq: ${cseq}`, `Contact: <sip:caller@127.0.0.1:${local.port}>`,
    ];
    udp.send(sip('INVITE sip:0312345678@127.0.0.1 SIP/2.0', [...callerHeaders(`z9hG4bK-inv${n}`, '1 INVITE'), 'Content-Type: application/sdp'], sdp), line.port, '127.0.0.1');
    const ok = parsed(await until('the caller\'s 200', () => udpIn.find((m) => m.startsWith('SIP/2.0 200') && m.includes(`caller-${n}`))));
    const toTag = ok.to.tag ?? '';
    udp.send(sip('ACK sip:0312345678@127.0.0.1 SIP/2.0', callerHeaders(`z9hG4bK-ack${n}`, '1 ACK', `;tag=${toTag}`)), line.port, '127.0.0.1');
    await until('the contact', () => calls.filter((c) => c.method === 'startContact').length === n ? true : undefined);

    // The router offers the contact to sato: the line INVITEs the browser, which answers.
    publish({ type: 'contact.offered', contactId, agentId: 'sato', queueId: 'q', ringUntil: Date.now() + 30_000, at: Date.now() } as unknown as CenterEvent);
    const invite = parsed(await until('the INVITE to the browser', () => browser.sent.find((m) => m.startsWith('INVITE '))));
    assert.equal(getHeader(invite, 'x-chokutsu-contact'), contactId);
    const agent = await WebRtcLeg.answer(invite.body, { host: '127.0.0.1' });
    browser.deliver(answer(invite, 200, agent.sdp));
    await until('the agent to be connected', () => calls.find((c) => c.method === 'accept' && c.args[1] === contactId));

    return { browser, agent, contactId };
  }

  test('the call is kept for the grace period, then ends as the agent hanging up', async () => {
    const { browser, agent } = await connectedCall(1);
    try {
      // The page reloads: its socket closes. The call stays for the grace period…
      const closedAt = Date.now();
      browser.close();
      assert.equal(line.sip.registrations().some((b) => b.aor === '201'), false, 'the browser\'s binding went with its socket');
      await new Promise((r) => setTimeout(r, GRACE_MS / 2));
      assert.equal(calls.some((c) => c.method === 'agentHangUp'), false, 'not ended within the grace');
      assert.equal(udpIn.some((m) => m.startsWith('BYE ')), false, 'no BYE to the caller within the grace');
      assert.ok(logs.some((l) => l.includes('dropped its connection')), logs.join('\n'));

      // …and nobody comes back: the agent hung up, as far as the contact center knows.
      const hangUp = await until('the agent hang-up', () => calls.find((c) => c.method === 'agentHangUp'), 5000);
      const elapsed = Date.now() - closedAt;
      assert.deepEqual(hangUp.args, ['sato', 'contact-1']);
      assert.ok(elapsed >= GRACE_MS - 20, `ended after ${elapsed} ms, the grace is ${GRACE_MS} ms`);
      assert.equal(calls.filter((c) => c.method === 'agentHangUp').length, 1);
      assert.equal(calls.some((c) => c.method === 'customerHangUp'), false);
    } finally {
      await agent.leg.close();
    }
  });

  test('the reloaded browser registers again: a re-attach INVITE; declined, the call ends as the agent hanging up', async () => {
    const { browser, agent } = await connectedCall(2);
    try {
      browser.close();
      const reloaded = await registered(50099);
      const invite = parsed(await until('the re-attach INVITE', () => reloaded.sent.find((m) => m.startsWith('INVITE '))));
      assert.equal(getHeader(invite, 'x-chokutsu-reattach'), 'contact-2');
      assert.equal(getHeader(invite, 'x-chokutsu-contact'), 'contact-2');
      assert.equal(calls.some((c) => c.method === 'agentHangUp' && c.args[1] === 'contact-2'), false);
      reloaded.deliver(answer(invite, 603));
      const hangUp = await until('the agent hang-up', () => calls.find((c) => c.method === 'agentHangUp' && c.args[1] === 'contact-2'), 2000);
      assert.deepEqual(hangUp.args, ['sato', 'contact-2']);
      reloaded.close();
    } finally {
      await agent.leg.close();
    }
  });

  test('the reloaded browser answers the re-attach INVITE: the call goes on past the grace, no new contact', async () => {
    const { browser, agent } = await connectedCall(3);
    const started = calls.filter((c) => c.method === 'startContact').length;
    let again: { leg: WebRtcLeg; sdp: string } | undefined;
    try {
      browser.close();
      const reloaded = await registered(50199);
      const invite = parsed(await until('the re-attach INVITE', () => reloaded.sent.find((m) => m.startsWith('INVITE '))));
      assert.equal(getHeader(invite, 'x-chokutsu-reattach'), 'contact-3');
      again = await WebRtcLeg.answer(invite.body, { host: '127.0.0.1' });
      reloaded.deliver(answer(invite, 200, again.sdp));
      await until('the re-attach', () => (logs.some((l) => l.includes('contact-3: agent sato re-attached')) ? true : undefined));
      await new Promise((r) => setTimeout(r, GRACE_MS + 200));
      assert.equal(calls.some((c) => c.args[1] === 'contact-3' && (c.method === 'agentHangUp' || c.method === 'accept' && c !== calls.find((x) => x.method === 'accept' && x.args[1] === 'contact-3'))), false,
        'no hang-up and no second accept for the contact');
      assert.equal(calls.filter((c) => c.method === 'startContact').length, started, 'no new contact');
      assert.equal(line.mediaStats().agent.length, 1, 'one agent leg: the new one');
      reloaded.close();
    } finally {
      await agent.leg.close();
      await again?.leg.close();
    }
  });
});
