// The user-agent core (RFC 3261 §8, §10, §12-15): a UAS for callers, the registrar front for
// agent phones, and a UAC towards registered phones — the signalling half of the B2BUA. Who may
// call in or register is decided by inbound-policy.ts; INFO bodies are read by dtmf-info.ts.
//
// Public API
//   const sip = await SipUserAgent.start(options: SipUserAgentOptions)
//     { realm, lookupHa1? | lookupUser?, trunks?, acceptCall?, host?, port?, udp?, tcp?,
//       advertisedHost?, limiter?, requestRate?, now?, scheduler?, timers?, log? }   (policy options: InboundPolicyOptions)
//   sip.port                                  bound port (UDP and TCP share it)
//   sip.on('incomingCall', (call: IncomingCall) => ...)
//     call.callId, call.requestUri, call.from, call.to, call.callerNumber, call.remoteSdp ('' = delayed offer), call.source
//     call.ringing()         180
//     call.answer(sdp)       200 with SDP (our answer, or our offer when the INVITE had none); 2xx retransmitted until ACK (§13.3.1.4)
//     call.reject(code, warning?)  403/404/480/486/488/503/603 ..., with a Warning header (§20.43)
//     call.hangUp()          BYE once answered, 480 before
//     events: 'confirmed' (ACK; its SDP, the answer to a delayed offer), 'dtmf' ({ digit, durationMs }) from SIP INFO,
//             'reoffer' (Reoffer: a re-INVITE or UPDATE in the dialog), 'hungUp' ({ reason: 'bye' | 'cancel' | 'ack-timeout' })
//   sip.call(aor, { sdp, from, ringTimeoutMs? }) → { ok: true, call: OutgoingCall } | { ok: false, reason: 'not-registered', aor }
//   sip.dial({ uri, destination, sdp, from, credentials?, ringTimeoutMs? }) → OutgoingCall   (out through a trunk;
//     a 401/407 is answered once with digest credentials, RFC 3261 §22.2)
//     call.callId, call.aor, call.state
//     call.cancel()          CANCEL before answer; call.hangUp() BYE after
//     events: 'ringing', 'answered' (remote SDP, after our ACK), 'failed' ({ status, reason }), 'reoffer', 'hungUp'
//   reoffer.sdp ('' = the peer asks for our offer), reoffer.method ('INVITE' | 'UPDATE')
//     reoffer.accept(sdp)    200 with our answer (or offer; the answer then comes as 'acked')
//     reoffer.reject(status, warning?)   e.g. 488 with Warning; the session stays as it was (§14.1)
//   sip.on('registered', ({ aor, source }) => ...)   after a REGISTER's 200 that leaves bindings
//   sip.on('connectionClosed', (peer) => ...)        a TCP/WebSocket connection closed (its bindings dropped)
//   sip.registrations()                        live bindings
//   sip.protectionCounts()                     messages dropped (rate, locked out), failed digests, lockouts
//   sip.dropRegistrations(aor)                 forgets a phone whose credentials were revoked
//   sip.acceptWebSocket(socket, peer)          SIP over WebSocket (RFC 7118) from the HTTP server's /sip
//   sip.close()
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { digestHa1, digestResponse } from './digest.ts';
import { dtmfFromInfo, type DtmfEvent } from './dtmf-info.ts';
import { dialogKey, inDialogRequest, nextHop, uacDialog, uasDialog, type Dialog } from './dialog.ts';
import { InboundPolicy, type InboundPolicyOptions, type ProtectionCounts } from './inbound-policy.ts';
import { LogLimiter } from './log-limiter.ts';
import {
  createResponse, formatNameAddr, getHeader, getHeaders, parseAuthHeader, parseNameAddr, parseUri,
  type Header, type IncomingRequest, type IncomingResponse, type NameAddr, type SipRequest, type SipResponse,
} from './message.ts';
import { Registrar, type Binding } from './registrar.ts';
import {
  DEFAULT_TIMERS, InviteServerTransaction, newBranch, realScheduler, retransmit, TransactionLayer,
  type Scheduler, type ServerTransaction, type TimerHandle, type TimerValues,
} from './transaction.ts';
import { isReliable, SipTransport, type Endpoint } from './transport.ts';
import type { SipWebSocket, WebSocketPeer } from './ws-transport.ts';

export type { Binding } from './registrar.ts';
export type { Endpoint } from './transport.ts';
export type { SipWebSocket, WebSocketPeer } from './ws-transport.ts';
export type { NameAddr } from './message.ts';
export type { DtmfEvent } from './dtmf-info.ts';
export type { CallDecision, ProtectionCounts, TrunkConfig } from './inbound-policy.ts';

/** Transport and timing; who may call in and register is the policy's part (inbound-policy.ts). */
export interface SipUserAgentOptions extends Omit<InboundPolicyOptions, 'nonces'> {
  readonly host?: string;
  readonly port?: number;
  readonly udp?: boolean;
  readonly tcp?: boolean;
  /** The address put in Via and Contact when `host` is a wildcard. */
  readonly advertisedHost?: string;
  readonly now?: () => Date;
  readonly scheduler?: Scheduler;
  readonly timers?: TimerValues;
  readonly log?: (line: string) => void;
}

export type IncomingCallState = 'offered' | 'answered' | 'confirmed' | 'ended';

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REGISTER';
const SERVER = { name: 'Server', value: 'chokutsu' };
const newTag = (): string => randomBytes(6).toString('hex');

/** RFC 3261 §20.43: why a request was refused, for the peer's logs (e.g. 305 Incompatible media format). */
export interface Warning {
  code: number;
  text: string;
}

function warningHeaders(warning: Warning | undefined): Header[] {
  if (!warning) return [];
  const text = warning.text.replace(/[^\x20-\x7e]/g, '?').replace(/(["\\])/g, '\\$1').slice(0, 200);
  return [{ name: 'Warning', value: `${warning.code} chokutsu "${text}"` }];
}

/**
 * A new offer inside a dialog (RFC 3264 §8): a re-INVITE (hold, resume, a new address or codec)
 * or an UPDATE (RFC 3311). The line answers it; without an answer nothing is sent.
 */
export class Reoffer extends EventEmitter<{ acked: [sdp: string] }> {
  /** @internal */ settled = false;

  constructor(
    readonly method: 'INVITE' | 'UPDATE',
    /** The offer; '' when the peer wants ours (re-INVITE without SDP: the answer comes with the ACK). */
    readonly sdp: string,
    private readonly respond: (status: number, options: { sdp?: string; warning?: Warning }) => void,
  ) {
    super();
  }

  accept(sdp: string): void {
    if (this.settled) return;
    this.settled = true;
    this.respond(200, { sdp });
  }

  reject(status: number, warning?: Warning): void {
    if (this.settled) return;
    this.settled = true;
    this.respond(status, warning ? { warning } : {});
  }
}

/** What a dialog's call keeps while one of its offer/answer exchanges is open. */
interface DialogMedia {
  /** @internal */ dialog: Dialog | undefined;
  /** @internal */ reoffer: { seq: number; reoffer: Reoffer; retransmission?: TimerHandle; giveUp?: TimerHandle } | undefined;
}

export class IncomingCall extends EventEmitter<{
  confirmed: [sdp: string];
  dtmf: [DtmfEvent];
  reoffer: [Reoffer];
  hungUp: [{ reason: 'bye' | 'cancel' | 'ack-timeout' }];
}> implements DialogMedia {
  state: IncomingCallState = 'offered';
  readonly callId: string;
  /** The INVITE's Request-URI: whom the caller dialled. */
  readonly requestUri: string;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** The user part of the From URI: the caller's number as the trunk presents it. */
  readonly callerNumber: string;
  readonly remoteSdp: string;
  /** @internal */ readonly localTag = newTag();
  /** @internal */ dialog: Dialog | undefined;
  /** @internal */ reoffer: DialogMedia['reoffer'];
  /** @internal */ localSdp = '';
  /** @internal */ retransmission: TimerHandle | undefined;

  constructor(
    readonly invite: IncomingRequest,
    readonly source: Endpoint,
    private readonly transaction: InviteServerTransaction,
    private readonly core: Core,
  ) {
    super();
    this.callId = invite.callId;
    this.requestUri = invite.uri;
    this.from = invite.from;
    this.to = invite.to;
    this.callerNumber = parseUri(invite.from.uri)?.user ?? '';
    this.remoteSdp = invite.body;
  }

  ringing(): void {
    if (this.state !== 'offered') return;
    // A Contact in the 180 too: WebRTC SIP clients (SIP.js) drop an early dialog without one.
    this.transaction.respond(this.core.response(this.invite, 180, { toTag: this.localTag, headers: [{ name: 'Contact', value: this.core.contactFor(this.source) }] }));
  }

  answer(sdp: string): void {
    if (this.state !== 'offered') return;
    this.state = 'answered';
    this.localSdp = sdp;
    this.core.answer(this, this.transaction, sdp);
  }

  reject(status: number, warning?: Warning): void {
    if (this.state !== 'offered') return;
    this.state = 'ended';
    this.transaction.respond(this.core.response(this.invite, status, { toTag: this.localTag, headers: warningHeaders(warning) }));
  }

  hangUp(): void {
    if (this.state === 'offered') this.reject(480);
    else if (this.state !== 'ended') this.core.bye(this);
  }
}

export type OutgoingCallState = 'calling' | 'ringing' | 'answered' | 'ended';

export class OutgoingCall extends EventEmitter<{
  ringing: [];
  answered: [sdp: string];
  failed: [{ status: number; reason: string }];
  reoffer: [Reoffer];
  hungUp: [];
}> implements DialogMedia {
  state: OutgoingCallState = 'calling';
  /** @internal */ dialog: Dialog | undefined;
  /** @internal */ reoffer: DialogMedia['reoffer'];
  /** @internal */ ack: SipRequest | undefined;
  /** @internal */ cancelRequested = false;
  /** @internal */ failure: { status: number; reason: string } | undefined;
  /** @internal */ ringTimer: TimerHandle | undefined;
  /** @internal Digest credentials for a trunk's challenge; cleared once used (one try). */
  credentials: { username: string; password: string } | undefined;

  constructor(
    readonly aor: string,
    /** The INVITE sent last: a challenged INVITE is sent again with credentials. */
    public invite: SipRequest,
    readonly fromAddr: NameAddr,
    readonly destination: Endpoint,
    private readonly core: Core,
  ) {
    super();
  }

  get callId(): string {
    return getHeader(this.invite, 'call-id') ?? '';
  }

  cancel(): void {
    if (this.state !== 'calling' && this.state !== 'ringing') return;
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    // §9.1: a CANCEL may only follow a provisional response.
    if (this.state === 'ringing') this.core.cancel(this);
  }

  hangUp(): void {
    if (this.state === 'answered') this.core.bye(this);
    else this.cancel();
  }
}

/** What IncomingCall and OutgoingCall ask of the core. */
interface Core {
  response(request: IncomingRequest, status: number, options?: { toTag?: string; headers?: readonly Header[]; body?: string }): SipResponse;
  /** Our Contact towards a peer (RFC 3261 §12.1.1: in every response that creates a dialog, 18x too). */
  contactFor(to: Endpoint): string;
  answer(call: IncomingCall, transaction: InviteServerTransaction, sdp: string): void;
  bye(call: IncomingCall | OutgoingCall): void;
  cancel(call: OutgoingCall): void;
}

export type CallResult =
  | { readonly ok: true; readonly call: OutgoingCall }
  | { readonly ok: false; readonly reason: 'not-registered'; readonly aor: string };

export interface SipUserAgentEvents {
  incomingCall: [IncomingCall];
  /** A phone registered (or refreshed) a binding: its AoR and where the REGISTER came from. */
  registered: [{ aor: string; source: Endpoint }];
  /** A connection (TCP, a browser's WebSocket) closed; its bindings are already gone. */
  connectionClosed: [Endpoint];
}

export class SipUserAgent extends EventEmitter<SipUserAgentEvents> implements Core {
  private readonly transactions: TransactionLayer;
  private readonly registrar = new Registrar();
  private readonly policy: InboundPolicy;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private readonly scheduler: Scheduler;
  private readonly timers: TimerValues;
  private readonly dialogs = new Map<string, IncomingCall | OutgoingCall>();
  private readonly offered = new WeakMap<InviteServerTransaction, IncomingCall>();
  private readonly hostPort: string;
  // A flood or a password guesser must not write a line per packet (issue 13: once per source per interval).
  private readonly droppedLog = new LogLimiter({ perWindow: 1, windowMs: 60_000, what: 'dropped messages' });
  private readonly refusedLog = new LogLimiter({ perWindow: 5, windowMs: 60_000, what: 'refused requests' });

  private constructor(private readonly transport: SipTransport, options: SipUserAgentOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? ((line) => console.error(line));
    this.scheduler = options.scheduler ?? realScheduler;
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.policy = new InboundPolicy(options, this.registrar);
    const host = options.advertisedHost ?? (options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host);
    this.hostPort = `${host.includes(':') ? `[${host}]` : host}:${transport.port}`;
    this.transactions = new TransactionLayer(transport, {
      onRequest: (request, source, transaction) => this.onRequest(request, source, transaction),
      onStrayResponse: (response) => this.onStrayResponse(response),
    }, this.scheduler, this.timers);
    transport.onScreen((source) => this.screen(source));
    transport.onReceive((message, source) => this.transactions.receive(message, source));
    // A browser's bindings live as long as its WebSocket: nothing can reach it once it closes.
    transport.onConnectionClosed((peer) => {
      this.registrar.removeSource(peer);
      this.emit('connectionClosed', peer);
    });
  }

  /** SIP over WebSocket (RFC 7118): a socket the HTTP server accepted at /sip. */
  acceptWebSocket(socket: SipWebSocket, peer: WebSocketPeer): boolean {
    return this.transport.acceptWebSocket(socket, peer);
  }

  static async start(options: SipUserAgentOptions): Promise<SipUserAgent> {
    const log = options.log ?? ((line: string) => console.error(line));
    const transport = await SipTransport.listen({
      host: options.host ?? '0.0.0.0', port: options.port ?? 5060, udp: options.udp ?? true, tcp: options.tcp ?? true, log,
      now: () => (options.now?.() ?? new Date()).getTime(),
    });
    return new SipUserAgent(transport, options);
  }

  get port(): number {
    return this.transport.port;
  }

  registrations(): Binding[] {
    return this.registrar.all(this.now());
  }

  /** Forgets a phone's registrations (its credentials were revoked); it is not rung again until it registers anew. */
  dropRegistrations(aor: string): void {
    this.registrar.removeAor(aor);
  }

  async close(): Promise<void> {
    for (const call of this.dialogs.values()) if (call instanceof IncomingCall) call.retransmission?.cancel();
    await this.transport.close();
  }

  /** What the inbound policy refused or dropped since the start (for /metrics). */
  protectionCounts(): ProtectionCounts {
    return this.policy.counts;
  }

  /** The policy's screen; a dropped request is logged once per source per minute, then counted. */
  private screen(source: Endpoint): boolean {
    const now = this.now();
    const verdict = this.policy.screen(source, now);
    if (verdict === 'pass') return true;
    const why = verdict === 'rate' ? 'over the request rate of an address that is neither a trunk nor a registered phone' : 'locked out after failed authentication';
    for (const line of this.droppedLog.admit(source.address, `sip: dropping messages from ${source.address} unanswered (${why})`, now.getTime())) this.log(line);
    return false;
  }

  /** Calls a registered phone (the agent leg). */
  call(aor: string, options: { sdp: string; from: { user: string; displayName?: string }; ringTimeoutMs?: number; headers?: readonly Header[] }): CallResult {
    const binding = this.registrar.lookup(aor, this.now()).at(-1);
    if (!binding) return { ok: false, reason: 'not-registered', aor };
    const destination = this.phoneDestination(binding);
    const tag = newTag();
    const from: NameAddr = { displayName: options.from.displayName, uri: `sip:${options.from.user}@${this.hostPort}`, params: { tag }, tag };
    const invite = this.initialInvite(binding.contact, `<sip:${aor}@${this.hostPort}>`, from, destination, options.sdp, options.headers ?? []);
    const call = new OutgoingCall(aor, invite, from, destination, this);
    this.place(call, options.ringTimeoutMs);
    return { ok: true, call };
  }

  /**
   * Calls out through a trunk (the third-party leg): the Request-URI and To are `uri`, sent to a fixed
   * next hop. A 401/407 is answered once with the credentials (RFC 3261 §22.2); a second one fails the call.
   */
  dial(options: {
    uri: string; destination: Endpoint; sdp: string; from: { user: string; displayName?: string };
    credentials?: { username: string; password: string }; ringTimeoutMs?: number;
  }): OutgoingCall {
    const tag = newTag();
    const from: NameAddr = { displayName: options.from.displayName, uri: `sip:${options.from.user}@${this.hostPort}`, params: { tag }, tag };
    const invite = this.initialInvite(options.uri, `<${options.uri}>`, from, options.destination, options.sdp, []);
    const call = new OutgoingCall(options.uri, invite, from, options.destination, this);
    call.credentials = options.credentials;
    this.place(call, options.ringTimeoutMs);
    return call;
  }

  private place(call: OutgoingCall, ringTimeoutMs: number | undefined): void {
    if (ringTimeoutMs !== undefined) {
      call.ringTimer = this.scheduler.after(ringTimeoutMs, () => {
        if (call.state !== 'calling' && call.state !== 'ringing') return;
        call.failure = { status: 408, reason: 'No Answer' };
        call.cancel();
      });
    }
    this.send(call, call.invite);
  }

  private send(call: OutgoingCall, invite: SipRequest): void {
    call.invite = invite;
    this.transactions.request(invite, call.destination, {
      onResponse: (response) => this.onInviteResponse(call, response),
      onTimeout: () => this.failOutgoing(call, 408, 'Request Timeout'),
    });
  }

  /** §22.2: the same INVITE again (CSeq + 1, a new branch) with the digest the challenge asks for. */
  private authenticate(call: OutgoingCall, response: IncomingResponse): boolean {
    const credentials = call.credentials;
    const challenge = getHeader(response, response.status === 407 ? 'proxy-authenticate' : 'www-authenticate');
    const parsed = challenge === undefined ? undefined : parseAuthHeader(challenge);
    const nonce = parsed?.params['nonce'];
    if (!credentials || parsed?.scheme.toLowerCase() !== 'digest' || nonce === undefined) return false;
    call.credentials = undefined;
    const realm = parsed.params['realm'] ?? '';
    const qop = (parsed.params['qop'] ?? '').split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
    const cnonce = qop ? randomBytes(8).toString('hex') : undefined;
    const nc = qop ? '00000001' : undefined;
    const uri = call.invite.uri;
    const digest = digestResponse({ ha1: digestHa1(credentials.username, realm, credentials.password), method: 'INVITE', uri, nonce, qop, nc, cnonce });
    const fields = [
      `username="${credentials.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${digest}"`, 'algorithm=MD5',
      ...(parsed.params['opaque'] !== undefined ? [`opaque="${parsed.params['opaque']}"`] : []),
      ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
    ];
    const seq = Number(/^\d+/.exec(getHeader(call.invite, 'cseq') ?? '1')?.[0] ?? '1') + 1;
    const headers = call.invite.headers.map((h) => (h.name === 'Via' ? { name: 'Via', value: this.via(call.destination) }
      : h.name === 'CSeq' ? { name: 'CSeq', value: `${seq} INVITE` } : h));
    headers.push({ name: response.status === 407 ? 'Proxy-Authorization' : 'Authorization', value: `Digest ${fields.join(', ')}` });
    // A new transaction: a CANCEL waits for its own provisional response (§9.1).
    call.state = 'calling';
    this.send(call, { ...call.invite, headers });
    return true;
  }

  // §8.1.1: a new dialog-creating request towards the phone's contact (or a trunk's number).
  private initialInvite(requestUri: string, to: string, from: NameAddr, destination: Endpoint, sdp: string, extra: readonly Header[]): SipRequest {
    return {
      kind: 'request', method: 'INVITE', uri: requestUri, body: sdp,
      headers: [
        { name: 'Via', value: this.via(destination) },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: formatNameAddr(from) },
        { name: 'To', value: to },
        { name: 'Call-ID', value: `${randomBytes(12).toString('hex')}@chokutsu` },
        { name: 'CSeq', value: '1 INVITE' },
        { name: 'Contact', value: this.contact(destination) },
        { name: 'Allow', value: ALLOW },
        { name: 'Content-Type', value: 'application/sdp' },
        { name: 'User-Agent', value: 'chokutsu' },
        ...extra,
      ],
    };
  }

  // --- Core, used by the call objects ---

  response(request: IncomingRequest, status: number, options: { toTag?: string; headers?: readonly Header[]; body?: string } = {}): SipResponse {
    return createResponse(request, status, { ...options, headers: [SERVER, ...(options.headers ?? [])] });
  }

  answer(call: IncomingCall, transaction: InviteServerTransaction, sdp: string): void {
    const ok = this.response(call.invite, 200, {
      toTag: call.localTag,
      headers: [
        { name: 'Contact', value: this.contact(call.source) },
        { name: 'Allow', value: ALLOW },
        { name: 'Content-Type', value: 'application/sdp' },
      ],
      body: sdp,
    });
    transaction.respond(ok);
    const dialog = uasDialog(call.invite, call.localTag, call.source);
    call.dialog = dialog;
    this.dialogs.set(dialogKey(dialog.callId, dialog.localTag, dialog.remoteTag), call);
    const { t1, t2 } = this.timers;
    // §13.3.1.4: the UAS core, not the transaction, retransmits 2xx until the ACK arrives.
    if (call.source.protocol === 'udp') call.retransmission = retransmit(this.scheduler, t1, t2, () => transaction.respond(ok));
    const giveUp = this.scheduler.after(64 * t1, () => {
      if (call.state !== 'answered') return;
      call.retransmission?.cancel();
      this.log(`sip: no ACK for 200 OK call-id=${call.callId}; hanging up`);
      this.bye(call);
      call.emit('hungUp', { reason: 'ack-timeout' });
    });
    call.once('confirmed', () => giveUp.cancel());
  }

  bye(call: IncomingCall | OutgoingCall): void {
    const dialog = call.dialog;
    call.state = 'ended';
    if (call instanceof IncomingCall) call.retransmission?.cancel();
    endReoffer(call);
    if (!dialog) return;
    this.dialogs.delete(dialogKey(dialog.callId, dialog.localTag, dialog.remoteTag));
    const to = nextHop(dialog);
    const bye = inDialogRequest(dialog, 'BYE', { via: this.via(to), headers: [{ name: 'User-Agent', value: 'chokutsu' }] });
    this.transactions.request(bye, to, {
      onResponse: () => undefined,
      onTimeout: () => this.log(`sip: BYE timed out call-id=${dialog.callId}`),
    });
  }

  cancel(call: OutgoingCall): void {
    // §9.1: same Request-URI, Call-ID, To, From, CSeq number and top Via (branch) as the INVITE.
    const keep = new Set(['Via', 'Route', 'From', 'To', 'Call-ID', 'Max-Forwards']);
    const headers: Header[] = call.invite.headers.filter((h) => keep.has(h.name));
    const seq = /^\d+/.exec(getHeader(call.invite, 'cseq') ?? '1')?.[0] ?? '1';
    headers.push({ name: 'CSeq', value: `${seq} CANCEL` });
    const cancel: SipRequest = { kind: 'request', method: 'CANCEL', uri: call.invite.uri, headers, body: '' };
    this.transactions.request(cancel, call.destination, {
      onResponse: () => undefined,
      onTimeout: () => this.failOutgoing(call, 408, 'Request Timeout'),
    });
  }

  // --- Incoming requests ---

  private onRequest(request: IncomingRequest, source: Endpoint, transaction: ServerTransaction | undefined): void {
    if (request.method === 'ACK') {
      this.onAck(request);
      return;
    }
    if (!transaction) return;
    const respond = (status: number, headers: readonly Header[] = [], toTag?: string): void =>
      transaction.respond(this.response(request, status, { headers, ...(toTag === undefined ? {} : { toTag }) }));
    switch (request.method) {
      case 'INVITE':
        if (transaction instanceof InviteServerTransaction) this.onInvite(request, source, transaction);
        return;
      case 'CANCEL':
        this.onCancel(request, respond);
        return;
      case 'BYE':
        this.onBye(request, respond);
        return;
      case 'INFO':
        this.onInfo(request, respond);
        return;
      case 'UPDATE':
        this.onUpdate(request, source, transaction);
        return;
      case 'OPTIONS':
        respond(200, [{ name: 'Allow', value: ALLOW }, { name: 'Accept', value: 'application/sdp' }], newTag());
        return;
      case 'REGISTER':
        this.onRegister(request, source, respond);
        return;
      default:
        respond(405, [{ name: 'Allow', value: ALLOW }]);
    }
  }

  private onInvite(request: IncomingRequest, source: Endpoint, transaction: InviteServerTransaction): void {
    const reject = (status: number, headers: readonly Header[] = []): void =>
      transaction.respond(this.response(request, status, { toTag: newTag(), headers }));
    if (request.to.tag !== undefined) return this.onReInvite(request, source, transaction);
    const admission = this.policy.invite(request, source, this.now());
    if (!admission.ok) {
      if (admission.log !== undefined) this.logRefusal(source, admission.log);
      return reject(admission.status, admission.headers);
    }
    const call = new IncomingCall(request, source, transaction, this);
    this.offered.set(transaction, call);
    if (this.listenerCount('incomingCall') === 0) return call.reject(503);
    this.emit('incomingCall', call);
  }

  private logRefusal(source: Endpoint, line: string): void {
    for (const l of this.refusedLog.admit(source.address, line, this.now().getTime())) this.log(l);
  }

  private onAck(request: IncomingRequest): void {
    const call = this.dialogs.get(dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? ''));
    const pending = call?.reoffer;
    if (pending && pending.seq === request.cseq.seq) {
      // The ACK to our 2xx for a re-INVITE; it carries the answer when we made the offer.
      pending.retransmission?.cancel();
      pending.giveUp?.cancel();
      if (call) call.reoffer = undefined;
      pending.reoffer.emit('acked', request.body);
      return;
    }
    if (!(call instanceof IncomingCall) || call.state !== 'answered') return;
    call.retransmission?.cancel();
    call.state = 'confirmed';
    call.emit('confirmed', request.body);
  }

  /**
   * A re-INVITE (RFC 3261 §14.2, RFC 3264 §8): a new offer, or a request for ours. One exchange
   * at a time: a second re-INVITE while one is open gets 500 with Retry-After (§14.2), and one
   * crossing our own pending offer gets 491.
   */
  private onReInvite(request: IncomingRequest, source: Endpoint, transaction: InviteServerTransaction): void {
    const call = this.dialogs.get(dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? ''));
    const refuse = (status: number, headers: readonly Header[] = []): void => transaction.respond(this.response(request, status, { headers }));
    if (!call?.dialog) return refuse(481);
    const dialog = call.dialog;
    if (request.cseq.seq <= dialog.remoteSeq) return refuse(500, [{ name: 'Retry-After', value: '1' }]); // §12.2.2
    dialog.remoteSeq = request.cseq.seq;
    const open = openExchange(call);
    if (open !== undefined) return refuse(open, open === 500 ? [retryAfter()] : []);
    refreshTarget(dialog, request);
    if (call.listenerCount('reoffer') === 0) return refuse(488, warningHeaders({ code: 399, text: 'session changes are not accepted on this leg' }));
    const entry: NonNullable<DialogMedia['reoffer']> = {
      seq: request.cseq.seq,
      reoffer: new Reoffer('INVITE', request.body, (status, o) => {
        if (status >= 300) {
          if (call.reoffer === entry) call.reoffer = undefined;
          refuse(status, warningHeaders(o.warning));
          return;
        }
        this.acceptReInvite(call, request, source, transaction, entry, o.sdp ?? '');
      }),
    };
    call.reoffer = entry;
    emitReoffer(call, entry.reoffer);
  }

  /** 200 to a re-INVITE, retransmitted until its ACK (§13.3.1.4); no ACK within 64*T1 ends the call. */
  private acceptReInvite(call: IncomingCall | OutgoingCall, request: IncomingRequest, source: Endpoint, transaction: InviteServerTransaction,
    entry: NonNullable<DialogMedia['reoffer']>, sdp: string): void {
    const ok = this.response(request, 200, {
      headers: [{ name: 'Contact', value: this.contact(source) }, { name: 'Allow', value: ALLOW }, { name: 'Content-Type', value: 'application/sdp' }],
      body: sdp,
    });
    transaction.respond(ok);
    const { t1, t2 } = this.timers;
    if (source.protocol === 'udp') entry.retransmission = retransmit(this.scheduler, t1, t2, () => transaction.respond(ok));
    entry.giveUp = this.scheduler.after(64 * t1, () => {
      if (call.reoffer !== entry) return;
      entry.retransmission?.cancel();
      call.reoffer = undefined;
      this.log(`sip: no ACK for 200 OK to re-INVITE call-id=${call.callId}; hanging up`);
      this.bye(call);
      if (call instanceof IncomingCall) call.emit('hungUp', { reason: 'ack-timeout' });
      else call.emit('hungUp');
    });
  }

  /** RFC 3311: an offer without a new transaction-level dance; no body is a target refresh only. */
  private onUpdate(request: IncomingRequest, source: Endpoint, transaction: ServerTransaction): void {
    const call = this.dialogs.get(dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? ''));
    const respond = (status: number, o: { sdp?: string; headers?: readonly Header[] } = {}): void => transaction.respond(this.response(request, status, {
      headers: [
        ...(status < 300 ? [{ name: 'Contact', value: this.contact(source) }] : []),
        ...(o.sdp ? [{ name: 'Content-Type', value: 'application/sdp' }] : []),
        ...(o.headers ?? []),
      ],
      ...(o.sdp ? { body: o.sdp } : {}),
    }));
    if (!call?.dialog) return respond(481);
    if (request.cseq.seq <= call.dialog.remoteSeq) return respond(500, { headers: [{ name: 'Retry-After', value: '1' }] });
    call.dialog.remoteSeq = request.cseq.seq;
    refreshTarget(call.dialog, request);
    if (request.body.trim() === '') return respond(200);
    const open = openExchange(call);
    if (open !== undefined) return respond(open, { headers: open === 500 ? [retryAfter()] : [] });
    if (call.listenerCount('reoffer') === 0) return respond(488, { headers: warningHeaders({ code: 399, text: 'session changes are not accepted on this leg' }) });
    const reoffer = new Reoffer('UPDATE', request.body, (status, o) =>
      respond(status, { ...(o.sdp !== undefined ? { sdp: o.sdp } : {}), headers: warningHeaders(o.warning) }));
    emitReoffer(call, reoffer);
  }

  private onCancel(request: IncomingRequest, respond: (status: number) => void): void {
    const invite = this.transactions.findInvite(request);
    if (!invite) return respond(481);
    respond(200);
    const call = this.offered.get(invite);
    if (invite.finalSent || !call || call.state !== 'offered') return;
    // §9.2: the INVITE is answered 487 and the call is gone before it began.
    call.state = 'ended';
    invite.respond(this.response(call.invite, 487, { toTag: call.localTag }));
    call.emit('hungUp', { reason: 'cancel' });
  }

  private onBye(request: IncomingRequest, respond: (status: number) => void): void {
    const key = dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? '');
    const call = this.dialogs.get(key);
    if (!call) return respond(481);
    this.dialogs.delete(key);
    respond(200);
    call.state = 'ended';
    endReoffer(call);
    if (call instanceof IncomingCall) {
      call.retransmission?.cancel();
      call.emit('hungUp', { reason: 'bye' });
    } else call.emit('hungUp');
  }

  private onInfo(request: IncomingRequest, respond: (status: number) => void): void {
    const call = this.dialogs.get(dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? ''));
    if (!call) return respond(481);
    respond(200);
    const dtmf = dtmfFromInfo(getHeader(request, 'content-type') ?? '', request.body);
    if (dtmf && call instanceof IncomingCall) call.emit('dtmf', dtmf);
  }

  /** §10.3, once the policy has authenticated the phone (§22). */
  private onRegister(request: IncomingRequest, source: Endpoint, respond: (status: number, headers?: readonly Header[], toTag?: string) => void): void {
    const now = this.now();
    const tag = newTag();
    const admission = this.policy.register(request, source, now);
    if (!admission.ok) {
      if (admission.log !== undefined) this.logRefusal(source, admission.log);
      return respond(admission.status, admission.headers, tag);
    }
    const outcome = this.registrar.register({
      aor: admission.aor, contacts: getHeaders(request, 'contact'), expiresHeader: getHeader(request, 'expires'), callId: request.callId, source,
    }, now);
    if (!outcome.ok) return respond(outcome.status, [], tag);
    const contacts = outcome.bindings.map((b) => ({
      name: 'Contact',
      value: `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt.getTime() - now.getTime()) / 1000))}`,
    }));
    respond(200, [...contacts, { name: 'Date', value: now.toUTCString() }], tag);
    const fromHere = outcome.bindings.some((b) => b.source.protocol === source.protocol && b.source.address === source.address && b.source.port === source.port);
    if (fromHere) this.emit('registered', { aor: admission.aor, source });
  }

  // --- Our INVITEs ---

  private onInviteResponse(call: OutgoingCall, response: IncomingResponse): void {
    if (response.status < 200) {
      if (call.state === 'calling') {
        call.state = 'ringing';
        if (call.cancelRequested) this.cancel(call);
        else if (response.status === 180 || response.status === 183) call.emit('ringing');
      }
      return;
    }
    const pending = call.state === 'calling' || call.state === 'ringing';
    if ((response.status === 401 || response.status === 407) && pending && !call.cancelRequested && this.authenticate(call, response)) return;
    if (response.status >= 300) {
      const failure = call.failure ?? { status: response.status, reason: response.reason };
      this.failOutgoing(call, failure.status, failure.reason);
      return;
    }
    this.onInvite2xx(call, response);
  }

  private onInvite2xx(call: OutgoingCall, response: IncomingResponse): void {
    if (call.ack && call.dialog) {
      // A retransmitted 2xx: our ACK was lost (§13.2.2.4).
      this.transactions.sendDirect(call.ack, nextHop(call.dialog));
      return;
    }
    call.ringTimer?.cancel();
    const dialog = uacDialog(call.invite, call.fromAddr, response, call.destination);
    call.dialog = dialog;
    this.dialogs.set(dialogKey(dialog.callId, dialog.localTag, dialog.remoteTag), call);
    const to = nextHop(dialog);
    call.ack = inDialogRequest(dialog, 'ACK', { via: this.via(to), seq: response.cseq.seq });
    this.transactions.sendDirect(call.ack, to);
    if (call.cancelRequested) {
      // The phone answered as our CANCEL crossed it: end the session we did not want (§9.1).
      this.bye(call);
      const failure = call.failure ?? { status: 487, reason: 'Request Terminated' };
      call.emit('failed', failure);
      return;
    }
    call.state = 'answered';
    call.emit('answered', response.body);
  }

  private failOutgoing(call: OutgoingCall, status: number, reason: string): void {
    if (call.state === 'ended' || call.state === 'answered') return;
    call.state = 'ended';
    call.ringTimer?.cancel();
    call.emit('failed', { status, reason });
  }

  private onStrayResponse(response: IncomingResponse): void {
    if (response.cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const call = this.dialogs.get(dialogKey(response.callId, response.from.tag ?? '', response.to.tag ?? ''));
    if (call instanceof OutgoingCall) this.onInvite2xx(call, response);
  }

  // --- Addresses ---


  /**
   * A phone behind NAT registers a Contact it cannot be reached at; the REGISTER's source address
   * is what works. Over TCP the phone's own connection is reused.
   */
  private phoneDestination(binding: Binding): Endpoint {
    if (isReliable(binding.source.protocol)) return binding.source;
    const uri = parseUri(binding.contact);
    if (uri && uri.host === binding.source.address) {
      return { protocol: uri.params['transport']?.toLowerCase() === 'tcp' ? 'tcp' : 'udp', address: uri.host, port: uri.port ?? 5060 };
    }
    return binding.source;
  }

  private via(to: Endpoint): string {
    return `SIP/2.0/${to.protocol.toUpperCase()} ${this.hostPort};branch=${newBranch()};rport`;
  }

  contactFor(to: Endpoint): string {
    return this.contact(to);
  }

  private contact(to: Endpoint): string {
    return `<sip:chokutsu@${this.hostPort}${to.protocol === 'udp' ? '' : `;transport=${to.protocol}`}>`;
  }
}

/** §12.2.2: a re-INVITE or UPDATE may move the peer (a new Contact is the new remote target). */
function refreshTarget(dialog: Dialog, request: IncomingRequest): void {
  const contact = getHeaders(request, 'contact')[0];
  const uri = contact === undefined ? undefined : parseNameAddr(contact)?.uri;
  if (uri !== undefined) dialog.remoteTarget = uri;
}

/**
 * An offer/answer exchange still open on the call refuses a new offer (RFC 3261 §14.2, RFC 3311
 * §5.2): 491 when our offer awaits its answer (in the ACK), 500 when we have not answered theirs.
 */
function openExchange(call: IncomingCall | OutgoingCall): 491 | 500 | undefined {
  const initial = call instanceof IncomingCall && call.state === 'answered';
  if (call.reoffer?.reoffer.sdp === '' || (initial && call.remoteSdp === '')) return 491;
  if (call.reoffer || initial) return 500;
  return undefined;
}

const retryAfter = (): Header => ({ name: 'Retry-After', value: String(1 + Math.floor(Math.random() * 5)) });

function emitReoffer(call: IncomingCall | OutgoingCall, reoffer: Reoffer): void {
  if (call instanceof IncomingCall) call.emit('reoffer', reoffer);
  else call.emit('reoffer', reoffer);
}

function endReoffer(call: DialogMedia): void {
  call.reoffer?.retransmission?.cancel();
  call.reoffer?.giveUp?.cancel();
  call.reoffer = undefined;
}
