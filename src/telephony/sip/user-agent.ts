// The user-agent core (RFC 3261 §8, §10, §12-15): a UAS for callers, the registrar front for
// agent phones, and a UAC towards registered phones — the signalling half of the B2BUA. Who may
// call in or register is decided by inbound-policy.ts; INFO bodies are read by dtmf-info.ts.
//
// Public API
//   const sip = await SipUserAgent.start(options: SipUserAgentOptions)
//     { realm, lookupHa1? | lookupUser?, trunks?, acceptCall?, host?, port?, udp?, tcp?,
//       advertisedHost?, limiter?, now?, scheduler?, timers?, log? }   (policy options: InboundPolicyOptions)
//   sip.port                                  bound port (UDP and TCP share it)
//   sip.on('incomingCall', (call: IncomingCall) => ...)
//     call.callId, call.from, call.to, call.callerNumber, call.remoteSdp, call.source
//     call.ringing()         180
//     call.answer(sdp)       200 with SDP; 2xx retransmitted until ACK (§13.3.1.4)
//     call.reject(code)      403/404/480/486/488/503/603 ...
//     call.hangUp()          BYE once answered, 480 before
//     events: 'confirmed' (ACK), 'dtmf' ({ digit, durationMs }) from SIP INFO,
//             'hungUp' ({ reason: 'bye' | 'cancel' | 'ack-timeout' })
//   sip.call(aor, { sdp, from, ringTimeoutMs? }) → { ok: true, call: OutgoingCall } | { ok: false, reason: 'not-registered', aor }
//     call.callId, call.aor, call.state
//     call.cancel()          CANCEL before answer; call.hangUp() BYE after
//     events: 'ringing', 'answered' (remote SDP, after our ACK), 'failed' ({ status, reason }), 'hungUp'
//   sip.registrations()                        live bindings
//   sip.acceptWebSocket(socket, peer)          SIP over WebSocket (RFC 7118) from the HTTP server's /sip
//   sip.close()
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { dtmfFromInfo, type DtmfEvent } from './dtmf-info.ts';
import { dialogKey, inDialogRequest, nextHop, uacDialog, uasDialog, type Dialog } from './dialog.ts';
import { InboundPolicy, type InboundPolicyOptions } from './inbound-policy.ts';
import {
  createResponse, formatNameAddr, getHeader, getHeaders, parseUri,
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
export type { CallDecision, TrunkConfig } from './inbound-policy.ts';

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

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER';
const SERVER = { name: 'Server', value: 'chokutsu' };
const newTag = (): string => randomBytes(6).toString('hex');

export class IncomingCall extends EventEmitter<{
  confirmed: [];
  dtmf: [DtmfEvent];
  hungUp: [{ reason: 'bye' | 'cancel' | 'ack-timeout' }];
}> {
  state: IncomingCallState = 'offered';
  readonly callId: string;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** The user part of the From URI: the caller's number as the trunk presents it. */
  readonly callerNumber: string;
  readonly remoteSdp: string;
  /** @internal */ readonly localTag = newTag();
  /** @internal */ dialog: Dialog | undefined;
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
    this.from = invite.from;
    this.to = invite.to;
    this.callerNumber = parseUri(invite.from.uri)?.user ?? '';
    this.remoteSdp = invite.body;
  }

  ringing(): void {
    if (this.state !== 'offered') return;
    this.transaction.respond(this.core.response(this.invite, 180, { toTag: this.localTag }));
  }

  answer(sdp: string): void {
    if (this.state !== 'offered') return;
    this.state = 'answered';
    this.localSdp = sdp;
    this.core.answer(this, this.transaction, sdp);
  }

  reject(status: number): void {
    if (this.state !== 'offered') return;
    this.state = 'ended';
    this.transaction.respond(this.core.response(this.invite, status, { toTag: this.localTag }));
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
  hungUp: [];
}> {
  state: OutgoingCallState = 'calling';
  /** @internal */ dialog: Dialog | undefined;
  /** @internal */ ack: SipRequest | undefined;
  /** @internal */ cancelRequested = false;
  /** @internal */ failure: { status: number; reason: string } | undefined;
  /** @internal */ ringTimer: TimerHandle | undefined;

  constructor(
    readonly aor: string,
    readonly invite: SipRequest,
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
  answer(call: IncomingCall, transaction: InviteServerTransaction, sdp: string): void;
  bye(call: IncomingCall | OutgoingCall): void;
  cancel(call: OutgoingCall): void;
}

export type CallResult =
  | { readonly ok: true; readonly call: OutgoingCall }
  | { readonly ok: false; readonly reason: 'not-registered'; readonly aor: string };

export class SipUserAgent extends EventEmitter<{ incomingCall: [IncomingCall] }> implements Core {
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
    transport.onReceive((message, source) => this.transactions.receive(message, source));
    // A browser's bindings live as long as its WebSocket: nothing can reach it once it closes.
    transport.onConnectionClosed((peer) => this.registrar.removeSource(peer));
  }

  /** SIP over WebSocket (RFC 7118): a socket the HTTP server accepted at /sip. */
  acceptWebSocket(socket: SipWebSocket, peer: WebSocketPeer): boolean {
    return this.transport.acceptWebSocket(socket, peer);
  }

  static async start(options: SipUserAgentOptions): Promise<SipUserAgent> {
    const log = options.log ?? ((line: string) => console.error(line));
    const transport = await SipTransport.listen({
      host: options.host ?? '0.0.0.0', port: options.port ?? 5060, udp: options.udp ?? true, tcp: options.tcp ?? true, log,
    });
    return new SipUserAgent(transport, options);
  }

  get port(): number {
    return this.transport.port;
  }

  registrations(): Binding[] {
    return this.registrar.all(this.now());
  }

  async close(): Promise<void> {
    for (const call of this.dialogs.values()) if (call instanceof IncomingCall) call.retransmission?.cancel();
    await this.transport.close();
  }

  /** Calls a registered phone (the agent leg). */
  call(aor: string, options: { sdp: string; from: { user: string; displayName?: string }; ringTimeoutMs?: number }): CallResult {
    const binding = this.registrar.lookup(aor, this.now()).at(-1);
    if (!binding) return { ok: false, reason: 'not-registered', aor };
    const destination = this.phoneDestination(binding);
    const tag = newTag();
    const from: NameAddr = { displayName: options.from.displayName, uri: `sip:${options.from.user}@${this.hostPort}`, params: { tag }, tag };
    const invite = this.initialInvite(binding.contact, aor, from, destination, options.sdp);
    const call = new OutgoingCall(aor, invite, from, destination, this);
    if (options.ringTimeoutMs !== undefined) {
      call.ringTimer = this.scheduler.after(options.ringTimeoutMs, () => {
        if (call.state !== 'calling' && call.state !== 'ringing') return;
        call.failure = { status: 408, reason: 'No Answer' };
        call.cancel();
      });
    }
    this.transactions.request(invite, destination, {
      onResponse: (response) => this.onInviteResponse(call, response),
      onTimeout: () => this.failOutgoing(call, 408, 'Request Timeout'),
    });
    return { ok: true, call };
  }

  // §8.1.1: a new dialog-creating request towards the phone's contact.
  private initialInvite(contact: string, aor: string, from: NameAddr, destination: Endpoint, sdp: string): SipRequest {
    return {
      kind: 'request', method: 'INVITE', uri: contact, body: sdp,
      headers: [
        { name: 'Via', value: this.via(destination) },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: formatNameAddr(from) },
        { name: 'To', value: `<sip:${aor}@${this.hostPort}>` },
        { name: 'Call-ID', value: `${randomBytes(12).toString('hex')}@chokutsu` },
        { name: 'CSeq', value: '1 INVITE' },
        { name: 'Contact', value: this.contact(destination) },
        { name: 'Allow', value: ALLOW },
        { name: 'Content-Type', value: 'application/sdp' },
        { name: 'User-Agent', value: 'chokutsu' },
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
    if (request.to.tag !== undefined) {
      // A re-INVITE (hold, codec change): keep our answer, which is still valid for the session.
      const existing = this.dialogs.get(dialogKey(request.callId, request.to.tag, request.from.tag ?? ''));
      if (!existing) return reject(481);
      const sdp = existing instanceof IncomingCall ? existing.localSdp : existing.invite.body;
      transaction.respond(this.response(request, 200, {
        headers: [{ name: 'Contact', value: this.contact(source) }, { name: 'Content-Type', value: 'application/sdp' }],
        body: sdp,
      }));
      return;
    }
    const admission = this.policy.invite(request, source, this.now());
    if (!admission.ok) {
      if (admission.log !== undefined) this.log(admission.log);
      return reject(admission.status, admission.headers);
    }
    const call = new IncomingCall(request, source, transaction, this);
    this.offered.set(transaction, call);
    if (this.listenerCount('incomingCall') === 0) return call.reject(503);
    this.emit('incomingCall', call);
  }

  private onAck(request: IncomingRequest): void {
    const call = this.dialogs.get(dialogKey(request.callId, request.to.tag ?? '', request.from.tag ?? ''));
    if (!(call instanceof IncomingCall) || call.state !== 'answered') return;
    call.retransmission?.cancel();
    call.state = 'confirmed';
    call.emit('confirmed');
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
      if (admission.log !== undefined) this.log(admission.log);
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

  private contact(to: Endpoint): string {
    return `<sip:chokutsu@${this.hostPort}${to.protocol === 'udp' ? '' : `;transport=${to.protocol}`}>`;
  }
}
