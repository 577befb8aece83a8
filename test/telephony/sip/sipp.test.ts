// End-to-end signalling against a real third-party peer: SIPp on 127.0.0.1.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../support/until.ts';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { SipUserAgent, type IncomingCall } from '../../../src/telephony/sip/user-agent.ts';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'sipp');
const SDP = 'v=0\r\no=chokutsu 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

interface SippRun {
  readonly code: number | null;
  readonly errors: string;
  readonly messages: string;
}

/** Runs sipp once, bounded; always killed in `finally`. */
async function sipp(serverPort: number, args: readonly string[]): Promise<SippRun> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'chokutsu-sipp-'));
  const port = await freePort();
  const child = spawn('/usr/bin/sipp', [
    ...args, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-timeout', '20s', '-timeout_error',
    '-trace_err', '-error_file', join(dir, 'errors.log'), '-trace_msg', '-message_file', join(dir, 'messages.log'),
    '-nostdin', `127.0.0.1:${serverPort}`,
  ], { cwd: dir, stdio: 'ignore' });
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const read = (name: string): string => (fs.existsSync(join(dir, name)) ? fs.readFileSync(join(dir, name), 'utf8') : '');
    return { code, errors: read('errors.log'), messages: read('messages.log') };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(answerAfterMs: number | undefined, logs: string[] = []): Promise<{ server: SipUserAgent; calls: IncomingCall[] }> {
  const server = await SipUserAgent.start({
    host: '127.0.0.1', port: 0, realm: 'chokutsu',
    lookupUser: (user) => (user === '1001' ? 'secret1001' : undefined),
    trunks: [{ name: 'loopback', addresses: ['127.0.0.0/8'] }],
    log: (line) => logs.push(line),
  });
  const calls: IncomingCall[] = [];
  // The test app: ring, answer with a fixed SDP after a moment, and let the caller hang up.
  server.on('incomingCall', (call) => {
    calls.push(call);
    call.ringing();
    if (answerAfterMs !== undefined) setTimeout(() => call.answer(SDP), answerAfterMs);
  });
  return { server, calls };
}

describe('SIP against sipp', () => {
  test('a trunk caller is rung, answered, sends DTMF by INFO and hangs up', async () => {
    const { server, calls } = await startServer(50);
    try {
      const run = await sipp(server.port, ['-sf', join(SCENARIOS, 'caller.xml'), '-s', '800']);
      assert.equal(run.code, 0, run.errors);
      const call = calls[0];
      assert.ok(call);
      assert.equal(call.callerNumber, '0312345678');
      assert.match(call.remoteSdp, /telephone-event\/8000/);
      assert.equal(call.state, 'ended');
    } finally {
      await server.close();
    }
  });

  test('the same call works over TCP', async () => {
    const { server, calls } = await startServer(50);
    try {
      const run = await sipp(server.port, ['-sf', join(SCENARIOS, 'caller.xml'), '-s', '800', '-t', 't1']);
      assert.equal(run.code, 0, run.errors);
      assert.equal(calls[0]?.source.protocol, 'tcp');
      assert.equal(calls[0]?.state, 'ended');
    } finally {
      await server.close();
    }
  });

  test('DTMF sent by SIP INFO reaches the call, then BYE ends it', async () => {
    const { server } = await startServer(undefined);
    const events: string[] = [];
    server.on('incomingCall', (call) => {
      call.on('confirmed', () => events.push('confirmed'));
      call.on('dtmf', (d) => events.push(`dtmf ${d.digit} ${d.durationMs ?? ''}`));
      call.on('hungUp', (h) => events.push(`hungUp ${h.reason}`));
      setTimeout(() => call.answer(SDP), 20);
    });
    try {
      const run = await sipp(server.port, ['-sf', join(SCENARIOS, 'caller.xml'), '-s', '800']);
      assert.equal(run.code, 0, run.errors);
      assert.deepEqual(events, ['confirmed', 'dtmf 5 160', 'hungUp bye']);
    } finally {
      await server.close();
    }
  });

  test('a caller who cancels while it rings gets 200 for the CANCEL and 487 for the INVITE', async () => {
    const { server, calls } = await startServer(undefined);
    const reasons: string[] = [];
    server.on('incomingCall', (call) => call.on('hungUp', (h) => reasons.push(h.reason)));
    try {
      const run = await sipp(server.port, ['-sf', join(SCENARIOS, 'cancel.xml'), '-s', '800']);
      assert.equal(run.code, 0, run.errors);
      assert.equal(calls.length, 1);
      assert.deepEqual(reasons, ['cancel']);
      assert.match(run.messages, /SIP\/2\.0 487 Request Terminated/);
    } finally {
      await server.close();
    }
  });

  test('a phone registers with digest authentication', async () => {
    const { server } = await startServer(undefined);
    try {
      const run = await sipp(server.port, ['-sf', join(SCENARIOS, 'register.xml')]);
      assert.equal(run.code, 0, run.errors);
      const [binding] = server.registrations();
      assert.equal(binding?.aor, '1001');
      assert.match(binding?.contact ?? '', /^sip:1001@127\.0\.0\.1:\d+$/);
      assert.match(run.messages, /SIP\/2\.0 401 Unauthorized[\s\S]*WWW-Authenticate: Digest realm="chokutsu"/);
    } finally {
      await server.close();
    }
  });

  test('the server calls a registered agent phone, which answers; the server hangs up', async () => {
    const { server } = await startServer(undefined);
    const events: string[] = [];
    const answered = new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        if (server.registrations().length === 0) return;
        clearInterval(poll);
        const result = server.call('1001', { sdp: SDP, from: { user: '0312345678', displayName: 'Caller' } });
        assert.ok(result.ok);
        result.call.on('ringing', () => events.push('ringing'));
        result.call.on('failed', (f) => events.push(`failed ${f.status}`));
        result.call.on('answered', (sdp) => {
          events.push('answered');
          setTimeout(() => result.call.hangUp(), 50);
          resolve(sdp);
        });
      }, 20);
    });
    try {
      const run = sipp(server.port, ['-sf', join(SCENARIOS, 'agent-phone.xml'), '-oocsf', join(SCENARIOS, 'agent-phone-incoming.xml')]);
      const sdp = await answered;
      const done = await run;
      assert.equal(done.code, 0, done.errors);
      assert.match(sdp, /^o=agent/m);
      assert.deepEqual(events, ['ringing', 'answered']);
      // sipp's trace: our ACK, our BYE, and its 200 to the BYE.
      assert.match(done.messages, /ACK sip:1001@[\s\S]*BYE sip:1001@[\s\S]*SIP\/2\.0 200 OK[\s\S]*CSeq: \d+ BYE/);
    } finally {
      await server.close();
    }
  });

  test('garbage and a malformed INVITE during a call do not disturb it', async () => {
    const logs: string[] = [];
    const { server, calls } = await startServer(400, logs);
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const replies: string[] = [];
    probe.on('message', (m) => replies.push(m.toString('utf8')));
    try {
      const run = sipp(server.port, ['-sf', join(SCENARIOS, 'caller.xml'), '-s', '800']);
      await until(() => calls.length > 0, 'sipp\'s INVITE');
      probe.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), server.port, '127.0.0.1');
      const { port } = probe.address();
      probe.send(
        `INVITE sip:800@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKbad1\r\n` +
        'From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:800@127.0.0.1>\r\nCall-ID: bad-1\r\nCSeq: one INVITE\r\nContent-Length: 0\r\n\r\n',
        server.port, '127.0.0.1');
      const done = await run;
      assert.equal(done.code, 0, done.errors);
      assert.equal(replies.length, 1);
      assert.match(replies[0] ?? '', /^SIP\/2\.0 400 Bad Request \(CSeq: /);
      assert.ok(logs.some((l) => l.includes('dropped unparseable message')));
    } finally {
      probe.close();
      await server.close();
    }
  });
});
