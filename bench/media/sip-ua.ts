// A minimal SIP user agent over UDP for bench/media.ts: agent desk phones that register (digest)
// and answer, and callers that place and end calls. Only the signalling: the media sockets belong
// to the far-end processes, whose ports go into the SDP. Enough of RFC 3261 for a loopback line —
// retransmission of requests (Timer A/E), of our 2xx until ACK (§13.3.1.4), ACK of every 2xx.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { farEndSdp, sdpAudioPort } from './sdp.ts';

interface Message {
  start: string;
  headers: Map<string, string[]>;
  body: string;
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

function parse(buf: Buffer): Message {
  const text = buf.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const [start = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { start, headers, body: split < 0 ? '' : text.slice(split + 4) };
}

const header = (m: Message, name: string): string => m.headers.get(name)?.[0] ?? '';
const token = () => randomBytes(6).toString('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const uriOf = (nameAddr: string): string => /<([^>]+)>/.exec(nameAddr)?.[1] ?? nameAddr.split(';')[0] ?? nameAddr;
const userOf = (uri: string): string => /^sips?:([^@;]+)@/.exec(uri)?.[1] ?? '';

function build(start: string, headers: [string, string][], body = ''): string {
  const all = [...headers, ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []), ['Content-Length', String(Buffer.byteLength(body))] as [string, string]];
  return `${start}\r\n${all.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

export class SipError extends Error {}

interface Pending { resolve(m: Message): void; provisional: boolean }

/** An incoming call the phones answered: the far end sends to `linePort` from `port`. */
export interface Answered { callId: string; extension: string; port: number; linePort: number }

export class SipUa {
  private readonly pending = new Map<string, Pending>();
  /** ACKs we sent, to send again when a 2xx is retransmitted. */
  private readonly acks = new Map<string, string>();
  /** Our 2xx to incoming INVITEs until their ACK. */
  private readonly answers = new Map<string, { text: string; answered: Answered; timer?: NodeJS.Timeout }>();
  private readonly dialogs = new Map<string, { to: string; from: string; target: string; cseq: number }>();
  /** INVITE → 200 of our calls, ms. */
  readonly setupMs: number[] = [];
  ended = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly port: number,
    private readonly linePort: number,
    /** Called for an incoming INVITE: the far-end port that answers it (undefined: 486). */
    private readonly answerPort: (extension: string, linePort: number) => number | undefined,
    private readonly answered: (a: Answered) => void,
  ) {
    socket.on('message', (buf) => this.receive(parse(buf)));
  }

  static async open(linePort: number, answerPort: SipUa['answerPort'] = () => undefined, answered: SipUa['answered'] = () => {}): Promise<SipUa> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    return new SipUa(socket, socket.address().port, linePort, answerPort, answered);
  }

  close(): void {
    for (const a of this.answers.values()) clearTimeout(a.timer);
    this.socket.close();
  }

  private send(text: string): void {
    this.socket.send(text, this.linePort, '127.0.0.1');
  }

  private via(): string {
    return `SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${token()};rport`;
  }

  /** Sends until a response (Timer A/E: 500 ms doubling to 4 s), resolves with the final one. */
  private request(callId: string, cseq: string, text: string, what: string): Promise<Message> {
    const key = `${callId} ${cseq}`;
    return new Promise<Message>((resolve, reject) => {
      const entry: Pending = { resolve, provisional: false };
      this.pending.set(key, entry);
      let wait = 500;
      let elapsed = 0;
      const again = () => {
        if (!this.pending.has(key)) return;
        if (elapsed > 32_000) {
          this.pending.delete(key);
          reject(new SipError(`${what}: no final response in 32 s`));
          return;
        }
        if (!entry.provisional) this.send(text);
        elapsed += wait;
        setTimeout(again, wait);
        wait = Math.min(wait * 2, 4000);
      };
      again();
    });
  }

  async register(extension: string, password: string): Promise<void> {
    const callId = `reg-${extension}-${token()}`;
    const uri = `sip:127.0.0.1:${this.linePort}`;
    const tag = token();
    const registerText = (cseq: number, auth?: string) => build(`REGISTER ${uri} SIP/2.0`, [
      ['Via', this.via()], ['From', `<sip:${extension}@127.0.0.1>;tag=${tag}`], ['To', `<sip:${extension}@127.0.0.1>`],
      ['Call-ID', callId], ['CSeq', `${cseq} REGISTER`], ['Contact', `<sip:${extension}@127.0.0.1:${this.port}>`],
      ['Expires', '3600'], ['Max-Forwards', '70'], ...(auth ? [['Authorization', auth] as [string, string]] : []),
    ]);
    const first = await this.request(callId, '1 REGISTER', registerText(1), `REGISTER ${extension}`);
    if (first.start.startsWith('SIP/2.0 200')) return;
    const challenge = header(first, 'www-authenticate');
    const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(challenge)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const cnonce = token();
    const ha1 = md5(`${extension}:${realm}:${password}`);
    const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
    const auth = `Digest username="${extension}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
    const second = await this.request(callId, '2 REGISTER', registerText(2, auth), `REGISTER ${extension} with digest`);
    if (!second.start.startsWith('SIP/2.0 200')) throw new SipError(`REGISTER ${extension}: ${second.start}`);
  }

  /** Calls `number` offering media at `port`; resolves once answered (and ACKed) with the line's media port. */
  async call(number: string, from: string, port: number): Promise<{ callId: string; linePort: number }> {
    const callId = `call-${token()}`;
    const fromHeader = `<sip:${from}@127.0.0.1:${this.port}>;tag=${token()}`;
    const to = `<sip:${number}@127.0.0.1:${this.linePort}>`;
    const started = performance.now();
    const invite = build(`INVITE sip:${number}@127.0.0.1:${this.linePort} SIP/2.0`, [
      ['Via', this.via()], ['From', fromHeader], ['To', to], ['Call-ID', callId], ['CSeq', '1 INVITE'],
      ['Contact', `<sip:${from}@127.0.0.1:${this.port}>`], ['Max-Forwards', '70'],
    ], farEndSdp(port, 'caller'));
    const final = await this.request(callId, '1 INVITE', invite, `INVITE ${number}`);
    if (!final.start.startsWith('SIP/2.0 2')) throw new SipError(`INVITE ${number}: ${final.start}`);
    this.setupMs.push(performance.now() - started);
    return { callId, linePort: sdpAudioPort(final.body) };
  }

  async hangUp(callId: string): Promise<void> {
    const dialog = this.dialogs.get(callId);
    if (!dialog) return; // the line ended it already
    dialog.cseq++;
    const bye = build(`BYE ${dialog.target} SIP/2.0`, [
      ['Via', this.via()], ['From', dialog.from], ['To', dialog.to], ['Call-ID', callId], ['CSeq', `${dialog.cseq} BYE`], ['Max-Forwards', '70'],
    ]);
    this.dialogs.delete(callId);
    await this.request(callId, `${dialog.cseq} BYE`, bye, `BYE ${callId}`);
  }

  private receive(m: Message): void {
    const callId = header(m, 'call-id');
    if (m.start.startsWith('SIP/2.0 ')) {
      this.response(m, callId);
      return;
    }
    const [method = '', target = ''] = m.start.split(' ');
    if (method === 'ACK') {
      const answer = this.answers.get(callId);
      if (answer?.timer) {
        clearTimeout(answer.timer);
        delete answer.timer;
        this.answered(answer.answered);
      }
      return;
    }
    if (method === 'INVITE') {
      this.invite(m, callId, target);
      return;
    }
    if (method === 'BYE') {
      this.dialogs.delete(callId);
      const answer = this.answers.get(callId);
      clearTimeout(answer?.timer);
      this.answers.delete(callId);
      this.ended++;
    }
    this.send(this.reply(m, '200 OK'));
  }

  private response(m: Message, callId: string): void {
    const cseq = header(m, 'cseq');
    const status = Number(m.start.split(' ')[1]);
    const pending = this.pending.get(`${callId} ${cseq}`);
    if (cseq.endsWith('INVITE') && status >= 200 && status < 300) {
      // Every 2xx is ACKed, a retransmitted one again (RFC 3261 §13.2.2.4).
      let ack = this.acks.get(callId);
      if (!ack) {
        const target = uriOf(header(m, 'contact'));
        const from = header(m, 'from');
        const to = header(m, 'to');
        ack = build(`ACK ${target} SIP/2.0`, [
          ['Via', this.via()], ['From', from], ['To', to], ['Call-ID', callId], ['CSeq', `${cseq.split(' ')[0]} ACK`], ['Max-Forwards', '70'],
        ]);
        this.acks.set(callId, ack);
        this.dialogs.set(callId, { from, to, target, cseq: Number(cseq.split(' ')[0]) });
      }
      this.send(ack);
    }
    if (!pending) return;
    if (status < 200) {
      pending.provisional = true;
      return;
    }
    this.pending.delete(`${callId} ${cseq}`);
    pending.resolve(m);
  }

  private invite(m: Message, callId: string, target: string): void {
    const known = this.answers.get(callId);
    if (known) {
      this.send(known.text); // a retransmitted INVITE (or a re-INVITE): the same answer
      return;
    }
    const extension = userOf(target);
    const linePort = sdpAudioPort(m.body);
    const port = this.answerPort(extension, linePort);
    if (port === undefined) {
      this.send(this.reply(m, '486 Busy Here'));
      return;
    }
    const tag = token();
    this.send(this.reply(m, '180 Ringing', tag));
    const text = this.reply(m, '200 OK', tag, farEndSdp(port, 'agent'));
    const entry: { text: string; answered: Answered; timer?: NodeJS.Timeout } = { text, answered: { callId, extension, port, linePort } };
    this.answers.set(callId, entry);
    // Our 2xx again until the ACK: T1 doubling to T2 (RFC 3261 §13.3.1.4), 32 s at most.
    let wait = 500;
    let elapsed = 0;
    const again = () => {
      if (!this.answers.has(callId) || elapsed > 32_000) return;
      this.send(text);
      elapsed += wait;
      entry.timer = setTimeout(again, wait);
      wait = Math.min(wait * 2, 4000);
    };
    again();
  }

  private reply(m: Message, status: string, tag?: string, body = ''): string {
    const to = header(m, 'to');
    return build(`SIP/2.0 ${status}`, [
      ...(m.headers.get('via') ?? []).map((v) => ['Via', v] as [string, string]),
      ['From', header(m, 'from')], ['To', tag && !/;tag=/.test(to) ? `${to};tag=${tag}` : to],
      ['Call-ID', header(m, 'call-id')], ['CSeq', header(m, 'cseq')],
      ...(status.startsWith('200') || status.startsWith('180') ? [['Contact', `<sip:agent@127.0.0.1:${this.port}>`] as [string, string]] : []),
    ], body);
  }
}
