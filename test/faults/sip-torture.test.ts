// RFC 4475 torture messages (test/fixtures/rfc4475/*.sip, written for this line after the RFC's
// cases and named as it names them), each sent over UDP to a running line (`chokutsu start`, a child
// process): a valid request is parsed and answered (never 400), an invalid one gets 400 or is dropped,
// a stray response is dropped; the process keeps running and a normal sipp call afterwards works.
// Where the line does not yet do what the RFC asks, the case is a `todo` that says what it does
// (none today).
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ContactRecord } from '../../src/contacts/record.ts';
import { agentAnswersScenario, callerScenario } from '../e2e/sipp-support.ts';
import { api, login } from '../e2e/support.ts';
import { loadLineDir, phonesInjection, phonesRegisterScenario, sippProcess, startLineProcess, waitFor, type LineProcess, type LoadLine } from './line-process.ts';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'rfc4475');

/** What the RFC asks for each message (RFC 4475 §3.1.1 valid, §3.1.2 invalid). */
type Expect = 'answered' | '400-or-dropped' | 'dropped' | 400 | 505;
const EXPECT: Record<string, { expect: Expect; todo?: string }> = {
  'valid-wsinv.sip': { expect: 'answered' }, // quoted-pairs (\\ and \") in the From display name
  'valid-intmeth.sip': { expect: 'answered' }, // an extension method with digits and unusual token characters: 405
  'valid-esc01.sip': { expect: 'answered' },
  'valid-lwsdisp.sip': { expect: 'answered' },
  'valid-semiuri.sip': { expect: 'answered' },
  'valid-transports.sip': { expect: 'answered' },
  'valid-regaut01.sip': { expect: 'answered' },
  'valid-zeromf.sip': { expect: 'answered' },
  'valid-noreason.sip': { expect: 'dropped' }, // a valid response matching no transaction
  'valid-unreason.sip': { expect: 'dropped' },
  'invalid-badinv01.sip': { expect: '400-or-dropped' },
  'invalid-clerr.sip': { expect: '400-or-dropped' },
  'invalid-ncl.sip': { expect: '400-or-dropped' },
  'invalid-scalar02.sip': { expect: 400 }, // Max-Forwards 300 is found before the digest challenge
  'invalid-quotbal.sip': { expect: '400-or-dropped' },
  'invalid-ltgtruri.sip': { expect: '400-or-dropped' },
  'invalid-lwsruri.sip': { expect: 400 },
  'invalid-lwsstart.sip': { expect: 400 },
  'invalid-escruri.sip': { expect: 'answered' }, // §3.1.2.11 allows ignoring escaped headers in the Request-URI (we answer 404)
  'invalid-insuf.sip': { expect: '400-or-dropped' },
  'invalid-mismatch01.sip': { expect: '400-or-dropped' },
  'invalid-badvers.sip': { expect: 505 },
  'invalid-bcast.sip': { expect: 'dropped' },
};

function callIdOf(bytes: Buffer): string | undefined {
  return /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im.exec(bytes.toString('latin1'))?.[1];
}

describe('RFC 4475 torture messages against a running line', { timeout: 120_000 }, () => {
  let setup: LoadLine;
  let line: LineProcess;
  let socket: dgram.Socket;
  const received: Buffer[] = [];

  before(async () => {
    setup = await loadLineDir(1, { portMin: 44800, portMax: 44899 });
    line = await startLineProcess(setup.dir);
    socket = dgram.createSocket('udp4');
    socket.on('message', (m) => received.push(m));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    socket?.close();
    await line?.crash();
  });

  test('every fixture has an expectation', () => {
    assert.deepEqual(readdirSync(FIXTURES).filter((f) => f.endsWith('.sip')).sort(), Object.keys(EXPECT).sort());
  });

  for (const [file, { expect, todo }] of Object.entries(EXPECT)) {
    test(`${file}: ${expect}`, { ...(todo ? { todo } : {}) }, async () => {
      const bytes = readFileSync(join(FIXTURES, file));
      const callId = callIdOf(bytes);
      received.length = 0;
      socket.send(bytes, line.sipPort, '127.0.0.1');
      // A final answer ends the wait; silence is judged after a bounded window.
      const statuses = (): number[] => received.filter((m) => callId !== undefined && callIdOf(m) === callId)
        .map((m) => Number(/^SIP\/2\.0 (\d{3})/.exec(m.toString('latin1'))?.[1] ?? 0));
      const final = await waitFor('a final response', () => statuses().find((s) => s >= 200), 1_500, 20).catch(() => undefined);
      if (expect === 'answered') {
        assert.ok(final !== undefined, `no final response (${statuses().join(',') || 'nothing'})`);
        assert.notEqual(final, 400, 'a valid message is parsed');
      } else if (typeof expect === 'number') {
        assert.equal(final, expect, `answered ${final ?? 'nothing'}`);
      } else if (expect === 'dropped') {
        assert.deepEqual(statuses(), []);
      } else {
        assert.ok(final === undefined || final === 400, `answered ${final}`);
      }
      assert.equal(line.child.exitCode, null, 'the line is still running');
    });
  }

  test('after all of them the line still takes a normal call end to end (sipp caller, sipp agent phone)', async () => {
    const phone = await sippProcess({
      scenario: phonesRegisterScenario(60_000), serverPort: line.sipPort, inject: phonesInjection(setup.agents),
      oocs: agentAnswersScenario({ answerAfterMs: 100, talk: true }), timeoutSeconds: 90,
    });
    try {
      await waitFor('the phone to register', () => (phone.logged().length >= 1 ? true : undefined), 15_000);
      const admin = await login(line.url, 'admin', setup.adminPassword);
      assert.equal((await api(line.url, admin, 'PUT', `/api/agents/${setup.agents[0]!.id}/status`, { status: 'Available' })).status, 200);
      const call = await sippProcess({ scenario: callerScenario({ steps: [], hangUpAfterMs: 1500 }), serverPort: line.sipPort });
      const done = await call.done;
      assert.equal(done.code, 0, done.errors);
      const record = await waitFor('the record', async () => ((await api(line.url, admin, 'GET', '/api/contacts')).body['records'] as ContactRecord[])[0]);
      assert.equal(record.disconnectReason, 'CUSTOMER_DISCONNECT');
      assert.ok(record.recording);
    } finally {
      phone.kill();
    }
  });
});
