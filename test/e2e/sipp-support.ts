// sipp as the caller and as the agent phone, against the whole line on loopback.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/until.ts';

const SIPP = '/usr/bin/sipp';
const PCAPS = '/usr/share/sip-tester';

/**
 * Ports for sipp and test peers come from 20010–29999: below the kernel's ephemeral range
 * (32768–60999), where every bind(0) of every test process draws, and above the lines' default
 * RTP range (10000–20000). A port the OS handed out and we closed could be taken by another
 * test's bind(0) before sipp binds it (sipp's media port was, once, in CI: EADDRINUSE).
 */
const TEST_PORTS = { min: 20010, max: 29996 };

/** A UDP port nobody holds now, and for media an even one with its three neighbours free. */
export async function freePort(even = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    let port = TEST_PORTS.min + Math.floor(Math.random() * (TEST_PORTS.max - TEST_PORTS.min));
    if (even) port -= port % 2;
    const sockets: dgram.Socket[] = [];
    try {
      for (const p of even ? [port, port + 1, port + 2, port + 3] : [port]) {
        const s = dgram.createSocket('udp4');
        sockets.push(s);
        await new Promise<void>((r, j) => s.once('error', j).bind(p, '127.0.0.1', () => r()));
      }
      return port;
    } catch {
      // taken: try another
    } finally {
      for (const s of sockets) s.close();
    }
  }
  throw new Error('no free UDP port');
}

export interface SippRun {
  done: Promise<{ code: number | null; errors: string }>;
  /** How sipp ended, once it has. */
  readonly ended: { code: number | null; errors: string } | undefined;
  kill(): void;
}

/**
 * Waits (15 s at most) until the line holds a binding for each extension. On timeout it says what
 * the registrar holds and how any of the phones' sipp ended, so a phone that never registered
 * tells why.
 */
export async function registered(sip: { registrations(): readonly { aor: string; contact: string }[] } | undefined, extensions: readonly string[], phones: readonly SippRun[]): Promise<void> {
  try {
    await until(() => extensions.every((ext) => sip?.registrations().some((b) => b.aor === ext)), 'the phones to register', 15_000);
    return;
  } catch {
    // said below, with what the registrar holds and how the phones ended
  }
  const bindings = (sip?.registrations() ?? []).map((b) => `${b.aor} ${b.contact}`);
  const ended = phones.flatMap((p, i) => (p.ended ? [`phone ${i}: sipp exited ${p.ended.code}: ${p.ended.errors.slice(0, 2000)}`] : []));
  assert.fail(`timed out waiting for ${extensions.join(', ')} to register; the registrar holds [${bindings.join('; ')}]${ended.length ? `\n${ended.join('\n')}` : '; every phone\'s sipp still runs'}`);
}

/** Runs one sipp scenario (bounded by -timeout) and collects its error log. */
export async function sipp(scenarioXml: string, serverPort: number, extra: readonly string[] = [], oocsXml?: string, localPort?: number): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-sipp-'));
  const file = join(dir, 'scenario.xml');
  writeFileSync(file, scenarioXml);
  const args = ['-sf', file, '-i', '127.0.0.1', '-p', String(localPort ?? await freePort()), '-mp', String(await freePort(true)), '-m', '1',
    '-timeout', '60s', '-timeout_error', '-nostdin', '-trace_err', '-error_file', join(dir, 'errors.log'), ...extra];
  if (oocsXml) {
    const ooc = join(dir, 'ooc.xml');
    writeFileSync(ooc, oocsXml);
    args.push('-oocsf', ooc);
  }
  args.push(`127.0.0.1:${serverPort}`);
  const child = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; errors: string }>((resolveDone) => {
    child.on('exit', (code) => {
      const logs = readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
      resolveDone({ code, errors: `${stderr}\n${logs}`.trim() });
    });
  });
  let ended: { code: number | null; errors: string } | undefined;
  void done.then((r) => (ended = r));
  return { done, get ended() { return ended; }, kill: () => child.kill('SIGKILL') };
}

/** Waits for the other side's BYE and answers 200. */
export const AWAIT_BYE = `<recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>`;

/** Hangs up: BYE in the dialog, then the 200. */
function sendBye(requestUri: string, from: string, to: string, cseq: number): string {
  return `<send retrans="500"><![CDATA[
BYE ${requestUri} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: ${to}
Call-ID: [call_id]
CSeq: ${cseq} BYE
Max-Forwards: 70
Content-Length: 0
]]></send>
  <recv response="200" crlf="true"/>`;
}

/** Audio as sipp's captures carry it: PCMA (g711a.pcap) and telephone-event 101 (the DTMF captures). */
export const pcmaSdp = (owner: string) => `v=0
o=${owner} 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv`;

const playPcap = (name: string) => `<nop><action><exec play_pcap_audio="${PCAPS}/${name}"/></action></nop>`;
const DIGIT_PCAP: Record<string, string> = { '*': 'dtmf_2833_star.pcap', '#': 'dtmf_2833_pound.pcap' };

export interface CallerScript {
  /** Key presses: digits, `*`, `#`, or `wait:MS`. */
  steps: (string | { waitMs: number })[];
  /** Speak (sipp's g711a.pcap, 7 s) after the keys. */
  talk?: boolean;
  /** Hang up after this long; undefined: wait for the line to hang up (BYE from the line). */
  hangUpAfterMs?: number;
  dialed?: string;
}

/**
 * The demo line's caller who keys customer 1001 (the sakura queue) and, nobody being Available,
 * presses 1 for a callback. The 1 must fall in the queue flow's offer (its prompt, 11.6 s at the
 * tests' 450 words a minute, then 5 s of input time), which starts after the transfer message
 * (3.3 s): 10 s after the # leaves about 6 s either side, for prompts rendered or flows run late on
 * a loaded machine (at 6 s, a 1 keyed during the transfer message was lost once in CI).
 */
const ASKS_FOR_CALLBACK: CallerScript['steps'] = ['1001#', { waitMs: 10_000 }, '1'];

/** That caller, on the line at `sipPort`, until the line hangs up on them: the callback then waits in the sakura queue. */
export async function askForCallback(sipPort: number): Promise<void> {
  const caller = await (await sipp(callerScenario({ steps: ASKS_FOR_CALLBACK }), sipPort)).done;
  assert.equal(caller.code, 0, `caller: ${caller.errors}`);
}

/** A trunk caller: INVITE with PCMA + telephone-event, RFC 4733 keys from sipp's captures, speech, BYE. */
export function callerScenario(s: CallerScript): string {
  const from = `<sip:0312345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]`;
  const to = `<sip:${s.dialed ?? '81501234567'}@[remote_ip]:[remote_port]>`;
  const keys = s.steps.map((k) => typeof k === 'string'
    ? [...k].map((d) => `${playPcap(DIGIT_PCAP[d] ?? `dtmf_2833_${d}.pcap`)}<pause milliseconds="400"/>`).join('\n')
    : `<pause milliseconds="${k.waitMs}"/>`).join('\n');
  const ending = s.hangUpAfterMs !== undefined
    ? `<pause milliseconds="${s.hangUpAfterMs}"/>
  ${sendBye(`sip:${s.dialed ?? '81501234567'}@[remote_ip]:[remote_port]`, from, `${to}[peer_tag_param]`, 3)}`
    : AWAIT_BYE;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="chokutsu test caller">
  <send retrans="500"><![CDATA[
INVITE sip:${s.dialed ?? '81501234567'}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: ${to}
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:0312345678@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${pcmaSdp('caller')}
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
ACK sip:${s.dialed ?? '81501234567'}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: ${to}[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0
]]></send>
  ${s.steps.length > 0 ? '<pause milliseconds="1500"/>' : ''}
  ${keys}
  ${s.talk ? `${playPcap('g711a.pcap')}<pause milliseconds="7500"/>` : ''}
  ${ending}
</scenario>`;
}

/** An agent's desk phone: REGISTER with digest, then stays up while the out-of-call scenario answers. */
export function agentPhoneScenario(extension: string, password: string, upForMs: number): string {
  // The same REGISTER twice: first unauthenticated (401 with a nonce), then with the digest.
  const register = (cseq: number, auth: string) => `<send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:${extension}@[remote_ip]>;tag=[pid]SIPpTag00[call_number]
To: <sip:${extension}@[remote_ip]>
Call-ID: [call_id]
CSeq: ${cseq} REGISTER
Contact: <sip:${extension}@[local_ip]:[local_port]>
Expires: 300${auth}
Max-Forwards: 70
Content-Length: 0
]]></send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phone ${extension}">
  ${register(1, '')}
  <recv response="401" auth="true"/>
  ${register(2, `\n[authentication username=${extension} password=${password}]`)}
  <recv response="200"/>
  <pause milliseconds="${upForMs}"/>
</scenario>`;
}

/** A phone that is busy: every call from the line gets 486 Busy Here. */
export function agentBusyScenario(): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phone busy">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 486 Busy Here
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
  <recv request="ACK" crlf="true"/>
</scenario>`;
}

const ANSWER_TAGGED = `[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]`;

/**
 * Rings (180) and answers the line's CANCEL (RFC 3261 §9.2: 200 to the CANCEL, 487 to the INVITE,
 * whose CSeq number the CANCEL shares), then takes the ACK. `cancel` and `ack` are extra attributes
 * of those two receives (a timeout that answers instead, where to go next).
 */
function ringsUntilCancelled(o: { cancel?: string; ack?: string } = {}): string {
  return `<recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
${ANSWER_TAGGED}
[last_CSeq:]
Contact: <sip:agent@[local_ip]:[local_port]>
Content-Length: 0
]]></send>
  <recv request="CANCEL"${o.cancel ?? ''}/>
  <send><![CDATA[
SIP/2.0 200 OK
${ANSWER_TAGGED}
[last_CSeq:]
Content-Length: 0
]]></send>
  <send><![CDATA[
SIP/2.0 487 Request Terminated
${ANSWER_TAGGED}
CSeq: [last_cseq_number] INVITE
Content-Length: 0
]]></send>
  <recv request="ACK" crlf="true"${o.ack ?? ''}/>`;
}

/** Answers the INVITE with PCMA (the 200 retransmitted until the ACK) and takes the ACK. */
function answersWithPcma(): string {
  return `<send retrans="500"><![CDATA[
SIP/2.0 200 OK
${ANSWER_TAGGED}
[last_CSeq:]
Contact: <sip:agent@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

${pcmaSdp('agent')}
]]></send>
  <recv request="ACK" crlf="true"/>`;
}

/** A phone that rings and is never answered: 180, then the line's CANCEL and the ACK. Exits 0 only if cancelled. */
export function agentRingsUntilCancelledScenario(): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phone rings until cancelled">
  ${ringsUntilCancelled()}
</scenario>`;
}

/**
 * A phone the line calls twice (run it with `-m 2`): a call it is ringing for when the line CANCELs
 * it ends as in agentRingsUntilCancelledScenario; a call not cancelled within `answerAfterMs` is
 * answered (PCMA) and kept until the line's BYE. Exits 0 once both calls went so.
 */
export function agentRingsThenAnswersScenario(o: { answerAfterMs: number }): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phone rings, then answers the next call">
  ${ringsUntilCancelled({ cancel: ` timeout="${o.answerAfterMs}" ontimeout="answer"`, ack: ' next="done"' })}
  <label id="answer"/>
  ${answersWithPcma()}
  ${AWAIT_BYE}
  <label id="done"/>
</scenario>`;
}

/**
 * The phone's side of a call from the line: rings, answers with PCMA, talks (the g711a capture, or a
 * raw A-law file sent by rtp_stream, looped, for calls longer than the capture), hangs up or waits for BYE.
 */
export function agentAnswersScenario(o: { answerAfterMs: number; talk: boolean | { loop: string }; hangUpAfterMs?: number }): string {
  const ok = `[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]`;
  const end = o.hangUpAfterMs !== undefined
    ? `<pause milliseconds="${o.hangUpAfterMs}"/>
  ${sendBye('[$contact]', '[$to];tag=[pid]SIPpTag01[call_number]', '[$from]', 1)}`
    : AWAIT_BYE;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phone answers">
  ${o.hangUpAfterMs !== undefined ? `<recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="sips?:[^>;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
      <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="to"/>
    </action>
  </recv>` : '<recv request="INVITE" crlf="true"/>'}
  <send><![CDATA[
SIP/2.0 180 Ringing
${ok}
Contact: <sip:agent@[local_ip]:[local_port]>
Content-Length: 0
]]></send>
  <pause milliseconds="${o.answerAfterMs}"/>
  ${answersWithPcma()}
  ${typeof o.talk === 'object' ? `<nop><action><exec rtp_stream="${o.talk.loop},-1,8"/></action></nop>` : o.talk ? playPcap('g711a.pcap') : ''}
  ${end}
</scenario>`;
}

/**
 * A trunk's far end for the line's outbound calls: challenges the first INVITE with 401 (digest), checks
 * the Request-URI and From of the second, answers with PCMA, talks (g711a capture), then hangs up
 * (`hangUpAfterMs`) or, without it, waits for the line's BYE (and keeps no dialog headers: sipp refuses a
 * scenario with a variable set and never used).
 */
export function trunkPeerScenario(o: { number: string; callerId: string; username: string; password: string; hangUpAfterMs?: number }): string {
  const re = (s: string) => s.replace(/[+.]/g, (c) => `\\${c}`);
  const reply = (status: string, extra = '') => `<send><![CDATA[
SIP/2.0 ${status}
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]${extra}
Content-Length: 0
]]></send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk peer">
  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="^INVITE sip:${re(o.number)}@127\\.0\\.0\\.1:[0-9]+ SIP/2\\.0" search_in="msg" check_it="true" assign_to="ruri"/>
      <ereg regexp="sip:${re(o.callerId)}@" search_in="hdr" header="From:" check_it="true" assign_to="fromuser"/>
    </action>
  </recv>
  ${reply('401 Unauthorized', '\nWWW-Authenticate: Digest realm="trunk.test", nonce="5f1c0d2e9a", algorithm=MD5\nX-Checked: [$ruri] [$fromuser]')}
  <recv request="ACK" crlf="true"/>
  <recv request="INVITE" crlf="true">
    <action>
      <verifyauth assign_to="authvalid" username="${o.username}" password="${o.password}"/>${o.hangUpAfterMs !== undefined ? `
      <ereg regexp="sips?:[^>;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
      <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="to"/>` : ''}
    </action>
  </recv>
  <nop hide="true" test="authvalid" next="authorized"/>
  ${reply('403 Forbidden')}
  <recv request="ACK" crlf="true"/>
  <recv request="NEVER" timeout="100"/>
  <label id="authorized"/>
  ${reply('180 Ringing')}
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:${o.number}@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

${pcmaSdp('trunk')}
]]></send>
  <recv request="ACK" crlf="true"/>
  ${playPcap('g711a.pcap')}
  ${o.hangUpAfterMs !== undefined ? `<pause milliseconds="${o.hangUpAfterMs}"/>
  ${sendBye('[$contact]', '[$to];tag=[pid]SIPpTag01[call_number]', '[$from]', 1)}` : AWAIT_BYE}
</scenario>`;
}
