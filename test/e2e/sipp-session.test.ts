// The session after the INVITE, with sipp on both legs: a carrier's delayed offer (no SDP in the
// INVITE, the answer in the ACK), re-INVITEs that move the media or change the codec, and hold
// and resume on the caller's leg and on the agent's phone, counted in the contact record.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { describe, test } from 'node:test';
import { parseRtp } from '../../src/telephony/rtp/packet.ts';
import { until } from '../support/until.ts';
import { agentAnswersScenario, agentPhoneScenario, AWAIT_BYE, registered, sipp } from './sipp-support.ts';
import { api, eventually, phoneLine, type TestLine } from './support.ts';

const PCAPS = '/usr/share/sip-tester';
const DIALED = '81501234567';
const FROM = '<sip:0312345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]';
const TO = `<sip:${DIALED}@[remote_ip]:[remote_port]>`;
const RURI = `sip:${DIALED}@[remote_ip]:[remote_port]`;

/** A UDP socket standing in for the caller's media after a re-INVITE moves it: when each packet came, and its payload type. */
async function mediaSink(): Promise<{ port: number; packets: { at: number; pt: number }[]; close(): void }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const socket = dgram.createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(0, '127.0.0.1', () => resolve()));
    } catch {
      socket.close();
      continue;
    }
    const packets: { at: number; pt: number }[] = [];
    socket.on('message', (m) => {
      const p = parseRtp(m);
      if (p) packets.push({ at: Date.now(), pt: p.payloadType });
    });
    return { port: socket.address().port, packets, close: () => socket.close() };
  }
  throw new Error('no UDP port for the media sink');
}

const sdp = (port: string, direction = 'sendrecv', codec: 0 | 8 = 8, version = 1) => `v=0
o=caller 1 ${version} IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio ${port} RTP/AVP ${codec} 101
a=rtpmap:${codec} ${codec === 8 ? 'PCMA' : 'PCMU'}/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=${direction}`;

const headers = (method: string, cseq: number, toTag: boolean) => `${method} ${RURI} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${FROM}
To: ${TO}${toTag ? '[peer_tag_param]' : ''}
Call-ID: [call_id]
CSeq: ${cseq} ${method}
Contact: <sip:0312345678@[local_ip]:[local_port]>
Max-Forwards: 70`;

const withBody = (body: string) => `Content-Type: application/sdp
Content-Length: [len]

${body}`;

/** A re-INVITE (offer in `body`), its 200 checked against `expect` (e.g. the answer's direction), and the ACK. */
function reInvite(cseq: number, body: string, expect: string, check: string): string {
  return `<send retrans="500"><![CDATA[
${headers('INVITE', cseq, true)}
${withBody(body)}
]]></send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action><ereg regexp="${expect}" search_in="msg" check_it="true" assign_to="${check}"/></action>
  </recv>
  <send><![CDATA[
${headers('ACK', cseq, true)}
X-Checked: [$${check}]
Content-Length: 0
]]></send>`;
}

const keys = (digits: string) => [...digits].map((d) =>
  `<nop><action><exec play_pcap_audio="${PCAPS}/${d === '#' ? 'dtmf_2833_pound.pcap' : `dtmf_2833_${d}.pcap`}"/></action></nop><pause milliseconds="400"/>`).join('\n');

const bye = (cseq: number) => `<send retrans="500"><![CDATA[
${headers('BYE', cseq, true)}
Content-Length: 0
]]></send>
  <recv response="200" crlf="true"/>`;

/** The caller: INVITE (with an offer, or none: delayed offer), ACK (with the answer when delayed), then `after`. */
function caller(o: { delayedOffer?: boolean; after: string }): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="chokutsu session caller">
  <send retrans="500"><![CDATA[
${headers('INVITE', 1, false)}
${o.delayedOffer ? 'Content-Length: 0\n' : withBody(sdp('[media_port]'))}
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true">
    ${o.delayedOffer ? '<action><ereg regexp="m=audio [0-9]+ RTP/AVP 0 8 101" search_in="msg" check_it="true" assign_to="offer"/></action>' : ''}
  </recv>
  <send><![CDATA[
${headers('ACK', 1, true)}
${o.delayedOffer ? `X-Offer: [$offer]\n${withBody(sdp('[media_port]'))}` : 'Content-Length: 0\n'}
]]></send>
  ${o.after}
</scenario>`;
}

/** The agent's phone: answers with PCMA, talks (sipp's g711a capture), holds and resumes by re-INVITE, then waits for BYE. */
function agentHolds(o: { holdAfterMs: number; holdForMs: number }): string {
  const peer = (cseq: number, body: string, expect: string, check: string) => `<send retrans="500"><![CDATA[
INVITE [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: [$to];tag=[pid]SIPpTag01[call_number]
To: [$from]
Call-ID: [call_id]
CSeq: ${cseq} INVITE
Contact: <sip:agent@[local_ip]:[local_port]>
Max-Forwards: 70
${withBody(body)}
]]></send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action><ereg regexp="${expect}" search_in="msg" check_it="true" assign_to="${check}"/></action>
  </recv>
  <send><![CDATA[
ACK [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: [$to];tag=[pid]SIPpTag01[call_number]
To: [$from]
Call-ID: [call_id]
CSeq: ${cseq} ACK
X-Checked: [$${check}]
Max-Forwards: 70
Content-Length: 0
]]></send>`;
  const ok = `[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phone holds">
  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="sips?:[^>;]*" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
      <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="to"/>
    </action>
  </recv>
  <send><![CDATA[
SIP/2.0 200 OK
${ok}
Contact: <sip:agent@[local_ip]:[local_port]>
${withBody(sdp('[media_port]'))}
]]></send>
  <recv request="ACK" crlf="true"/>
  <nop><action><exec play_pcap_audio="${PCAPS}/g711a.pcap"/></action></nop>
  <pause milliseconds="${o.holdAfterMs}"/>
  ${peer(1, sdp('[media_port]', 'sendonly', 8, 2), 'a=recvonly', 'held')}
  <pause milliseconds="${o.holdForMs}"/>
  ${peer(2, sdp('[media_port]', 'sendrecv', 8, 3), 'a=sendrecv', 'resumed')}
  ${AWAIT_BYE}
</scenario>`;
}

async function recordOf(line: TestLine, ready: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return eventually('the contact record', async () => {
    const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records?: Record<string, unknown>[] };
    const r = all.records?.[0];
    return r && ready(r) ? r : undefined;
  });
}

describe('the session after the INVITE (sipp)', { timeout: 120_000 }, () => {
  test('a re-INVITE moves the media to a new port and changes the codec: the line follows', async () => {
    const line = await phoneLine(42000);
    const sink = await mediaSink();
    try {
      const run = await sipp(caller({
        after: `<pause milliseconds="500"/>
  ${reInvite(2, sdp(String(sink.port), 'sendrecv', 0, 2), 'm=audio [0-9]+ RTP/AVP 0 101', 'moved')}
  <pause milliseconds="2500"/>
  ${bye(3)}`,
      }), line.sipPort);
      await until(() => sink.packets.length >= 20, 'RTP at the new port', 10_000);
      assert.ok(sink.packets.every((p) => p.pt === 0 || p.pt === 101), `PCMU after the re-INVITE: ${[...new Set(sink.packets.map((p) => p.pt))].join(',')}`);
      const result = await run.done;
      assert.equal(result.code, 0, result.errors);
    } finally {
      sink.close();
      await line.close();
    }
  });

  test('delayed offer (no SDP in the INVITE): our offer in the 200, the answer in the ACK; keys and routing work as for any call', async () => {
    const line = await phoneLine(42200);
    try {
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 40_000), line.sipPort, [], agentAnswersScenario({ answerAfterMs: 300, talk: false }));
      await registered(line.server.sip?.sip, ['201'], [phone]);
      await api(line.url, await line.agent('sato'), 'PUT', '/api/agent/status', { status: 'Available' });
      const run = await sipp(caller({ delayedOffer: true, after: `<pause milliseconds="1500"/>\n${keys('1001#')}\n<pause milliseconds="7000"/>\n${bye(2)}` }), line.sipPort);
      const result = await run.done;
      phone.kill();
      assert.equal(result.code, 0, result.errors);
      const record = await recordOf(line, (r) => r['disconnectReason'] === 'CUSTOMER_DISCONNECT');
      assert.equal(record['customerNumber'], '1001');
      assert.equal((record['agent'] as { id: string }).id, 'sato');
      assert.equal(record['systemEndpoint'], '+81501234567');
    } finally {
      await line.close();
    }
  });

  test('hold and resume on the agent\'s phone and then on the caller\'s leg: answered recvonly, nothing sent while held, two holds in the record', async () => {
    const line = await phoneLine(42400);
    const sink = await mediaSink();
    try {
      const phone = await sipp(agentPhoneScenario('201', 'secret201', 40_000), line.sipPort, [], agentHolds({ holdAfterMs: 500, holdForMs: 1500 }));
      await registered(line.server.sip?.sip, ['201'], [phone]);
      await api(line.url, await line.agent('sato'), 'PUT', '/api/agent/status', { status: 'Available' });
      // The caller holds with its media moved to the sink: all the sink hears comes after the resume.
      const run = await sipp(caller({
        after: `<pause milliseconds="1500"/>
  ${keys('1001#')}
  <pause milliseconds="8000"/>
  ${reInvite(2, sdp(String(sink.port), 'sendonly', 8, 2), 'a=recvonly', 'held')}
  <pause milliseconds="2500"/>
  ${reInvite(3, sdp(String(sink.port), 'sendrecv', 8, 3), 'a=sendrecv', 'resumed')}
  <pause milliseconds="1000"/>
  ${bye(4)}`,
      }), line.sipPort);
      const center = line.server.services.center;
      let heldAt = 0;
      await until(() => {
        const holds = center.liveContacts()[0]?.holds;
        if (holds?.count === 2 && holds.since !== undefined) heldAt = Date.now();
        return heldAt > 0;
      }, 'the caller\'s hold', 30_000);
      const result = await run.done;
      phone.kill();
      assert.equal(result.code, 0, result.errors);
      const first = sink.packets[0];
      assert.ok(first, 'RTP after the resume');
      assert.ok(first.at - heldAt >= 2000, `the first packet came ${first.at - heldAt} ms after the hold began`);
      const record = await recordOf(line, (r) => r['disconnectReason'] === 'CUSTOMER_DISCONNECT');
      assert.equal(record['numberOfHolds'], 2);
      const hold = record['holdDuration'] as number;
      assert.ok(hold >= 3 && hold <= 6, `holdDuration ${hold}`);
      assert.ok((record['talkDuration'] as number) < (record['totalDuration'] as number) - hold);
    } finally {
      sink.close();
      await line.close();
    }
  });
});
