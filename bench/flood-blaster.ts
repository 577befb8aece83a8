// A SIP flood from one source address, for bench/flood.ts (a process of its own, so the line's CPU is
// measured alone): INVITEs at a fixed rate, or a REGISTER brute force that answers every 401 with a
// digest for a wrong password, as password-guessing bots do. Messages come from a template with only
// the Call-ID, branch and tag varied, so thousands a second cost the sender little.
//   node --import tsx bench/flood-blaster.ts --kind invite --from 127.0.0.2 --port 5060 --rate 5000 --seconds 10
// Prints a BlastResult as JSON; "sending" and "sent" on stderr when the flood starts and ends.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import { digestHa1, digestResponse } from '../src/telephony/sip/digest.ts';

export interface BlastOptions {
  /** Told when the first request goes out and when the last has ('sending', 'sent'). */
  progress?: (event: 'sending' | 'sent') => void;
  kind: 'invite' | 'register';
  /** The line's SIP address. */
  host: string;
  port: number;
  /** The source address (bound), e.g. 127.0.0.2: loopback answers for all of 127.0.0.0/8. */
  from: string;
  /** New requests per second (for register: first REGISTERs; each 401 is answered on top). */
  rate: number;
  seconds: number;
  /** The number the INVITEs dial. */
  dialed?: string;
  realm?: string;
}

export interface BlastResult {
  kind: BlastOptions['kind'];
  sent: number;
  /** REGISTERs with a (wrong) digest, sent in answer to a 401. */
  guesses: number;
  /** Responses received by status, retransmissions included. */
  responses: Record<string, number>;
  /** Requests that got any response at all. */
  answered: number;
  seconds: number;
}

/** Sends for `seconds`, then listens one more second for late answers. */
export async function blast(o: BlastOptions): Promise<BlastResult> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((done, fail) => socket.once('error', fail).bind(0, o.from, () => done()));
  const local = `${o.from}:${socket.address().port}`;
  const tag = randomBytes(4).toString('hex');
  const realm = o.realm ?? 'chokutsu';
  const responses: Record<string, number> = {};
  const answered = new Set<string>();
  let sent = 0;
  let guesses = 0;
  const send = (text: string) => socket.send(Buffer.from(text), o.port, o.host);

  socket.on('message', (data) => {
    const text = data.toString('latin1');
    const status = /^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 'other';
    responses[status] = (responses[status] ?? 0) + 1;
    const callId = /^Call-ID:\s*(\S+)/mi.exec(text)?.[1] ?? '';
    answered.add(callId);
    if (o.kind !== 'register' || status !== '401' || !/^CSeq:\s*1 /mi.test(text)) return;
    // The guess: a digest for the nonce just given, with a wrong password.
    const nonce = /nonce="([^"]+)"/.exec(text)?.[1];
    const user = /^To:.*sip:(\d+)@/mi.exec(text)?.[1];
    if (nonce === undefined || user === undefined) return;
    const uri = `sip:${o.host}:${o.port}`;
    const response = digestResponse({ ha1: digestHa1(user, realm, `guess-${guesses}`), method: 'REGISTER', uri, nonce, qop: 'auth', nc: '00000001', cnonce: tag });
    guesses++;
    send(register(callId, user, 2, `g${guesses}`, `\r\nAuthorization: Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", qop=auth, nc=00000001, cnonce="${tag}", algorithm=MD5`));
  });

  const sdp = `v=0\r\no=flood 1 1 IN IP4 ${o.from}\r\ns=-\r\nc=IN IP4 ${o.from}\r\nt=0 0\r\nm=audio 9 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n`;
  const dialed = o.dialed ?? '81501234567';
  const invite = (n: number) => [
    `INVITE sip:${dialed}@${o.host}:${o.port} SIP/2.0`, `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${tag}i${n};rport`,
    `From: <sip:flood@${o.from}>;tag=${tag}${n}`, `To: <sip:${dialed}@${o.host}>`, `Call-ID: ${tag}-${n}@${o.from}`, 'CSeq: 1 INVITE',
    `Contact: <sip:flood@${local}>`, 'Max-Forwards: 70', 'Content-Type: application/sdp', `Content-Length: ${sdp.length}`, '', sdp,
  ].join('\r\n');
  function register(callId: string, user: string, cseq: number, branch: string, auth = ''): string {
    return [
      `REGISTER sip:${o.host}:${o.port} SIP/2.0`, `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${tag}r${branch};rport`,
      `From: <sip:${user}@${o.host}>;tag=${tag}`, `To: <sip:${user}@${o.host}>`, `Call-ID: ${callId}`, `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@${local}>`, `Expires: 600${auth}`, 'Max-Forwards: 70', 'Content-Length: 0', '', '',
    ].join('\r\n');
  }

  const started = performance.now();
  o.progress?.('sending');
  await new Promise<void>((done) => {
    // Every 5 ms, what is due by now: an even rate without a timer per packet.
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.floor(Math.min(elapsed, o.seconds) * o.rate);
      for (; sent < due; sent++) {
        // Many usernames: a bot walks the extensions (3001…3999).
        send(o.kind === 'invite' ? invite(sent) : register(`${tag}-${sent}@${o.from}`, String(3001 + (sent % 999)), 1, String(sent)));
      }
      if (elapsed >= o.seconds) {
        clearInterval(timer);
        done();
      }
    }, 5);
  });
  const seconds = (performance.now() - started) / 1000;
  o.progress?.('sent');
  await new Promise((r) => setTimeout(r, 1000));
  socket.close();
  return { kind: o.kind, sent, guesses, responses, answered: answered.size, seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' }, from: { type: 'string' },
      rate: { type: 'string' }, seconds: { type: 'string' }, dialed: { type: 'string' },
    },
  });
  const kind = values.kind;
  if ((kind !== 'invite' && kind !== 'register') || values.from === undefined) throw new Error('--kind invite|register and --from are required');
  const result = await blast({
    kind, host: values.host ?? '127.0.0.1', port: Number(values.port), from: values.from, rate: Number(values.rate), seconds: Number(values.seconds),
    ...(values.dialed !== undefined ? { dialed: values.dialed } : {}),
    // On stderr, so the parent can time its measurement to the flood itself.
    progress: (event) => process.stderr.write(`${event}\n`),
  });
  console.log(JSON.stringify(result));
}
