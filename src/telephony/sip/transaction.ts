// The transaction layer (RFC 3261 §17, with the RFC 6026 "Accepted" states): server and client
// transactions for INVITE and non-INVITE requests, their retransmission timers, and matching of
// incoming messages to them. Timers come from an injected Scheduler so tests run without waiting.
import { randomBytes } from 'node:crypto';
import { createResponse, getHeaders, type IncomingRequest, type IncomingResponse, type IncomingMessage, type SipRequest, type SipResponse, type Header } from './message.ts';
import { isReliable, responseDestination, type Endpoint } from './transport.ts';

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  after(ms: number, fire: () => void): TimerHandle;
}

export const realScheduler: Scheduler = {
  after(ms, fire) {
    const timer = setTimeout(fire, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** RFC 3261 §17.1.1.1 / Table 4. */
export interface TimerValues {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
}

export const DEFAULT_TIMERS: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

export interface Sender {
  send(message: SipRequest | SipResponse, to: Endpoint): void;
}

/** A branch with the RFC 3261 magic cookie (§8.1.1.7). */
export const newBranch = (): string => `z9hG4bK${randomBytes(10).toString('hex')}`;

interface Context {
  readonly sender: Sender;
  readonly scheduler: Scheduler;
  readonly timers: TimerValues;
}

/** Retransmits `send` at `first`, doubling up to `cap`, until cancelled (Timers A, E, G, and §13.3.1.4). */
export function retransmit(scheduler: Scheduler, first: number, cap: number, send: () => void): TimerHandle {
  let interval = first;
  let handle: TimerHandle;
  const arm = (): void => {
    handle = scheduler.after(interval, () => {
      send();
      interval = Math.min(interval * 2, cap);
      arm();
    });
  };
  arm();
  return { cancel: () => handle.cancel() };
}

export type ServerTransactionState = 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

abstract class ServerTransactionBase {
  state: ServerTransactionState;
  protected lastResponse: SipResponse | undefined;
  protected readonly destination: Endpoint;
  protected readonly timers: TimerHandle[] = [];

  constructor(
    readonly request: IncomingRequest,
    readonly source: Endpoint,
    protected readonly ctx: Context,
    private readonly onTerminated: () => void,
    initial: ServerTransactionState,
  ) {
    this.state = initial;
    const top = request.via[0];
    this.destination = top ? responseDestination(top, source) : source;
  }

  get reliable(): boolean {
    return isReliable(this.source.protocol);
  }

  protected transmit(response: SipResponse): void {
    this.ctx.sender.send(response, this.destination);
  }

  protected terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    for (const t of this.timers) t.cancel();
    this.onTerminated();
  }

  protected after(ms: number, fire: () => void): void {
    this.timers.push(this.ctx.scheduler.after(ms, fire));
  }
}

/** §17.2.1 (+ RFC 6026 §7.1). */
export class InviteServerTransaction extends ServerTransactionBase {
  readonly method = 'INVITE';
  /** Called when Timer H fires: no ACK came for our non-2xx final response. */
  onAckTimeout: () => void = () => undefined;
  private retransmission: TimerHandle | undefined;

  constructor(request: IncomingRequest, source: Endpoint, ctx: Context, onTerminated: () => void) {
    super(request, source, ctx, onTerminated, 'proceeding');
    // Sent at once rather than after 200 ms: the core may take a while to decide (policy, routing).
    this.respond(createResponse(request, 100));
  }

  get finalSent(): boolean {
    return this.state !== 'proceeding';
  }

  respond(response: SipResponse): void {
    if (this.state !== 'proceeding') {
      // RFC 6026 §8.7: the TU retransmits 2xx through the Accepted state.
      if (this.state === 'accepted' && response.status >= 200 && response.status < 300) this.transmit(response);
      return;
    }
    this.lastResponse = response;
    this.transmit(response);
    const { t1, t2 } = this.ctx.timers;
    if (response.status < 200) return;
    if (response.status < 300) {
      this.state = 'accepted';
      this.after(64 * t1, () => this.terminate()); // Timer L
      return;
    }
    this.state = 'completed';
    if (!this.reliable) {
      this.retransmission = retransmit(this.ctx.scheduler, t1, t2, () => this.transmit(response)); // Timer G
      this.timers.push(this.retransmission);
    }
    this.after(64 * t1, () => { // Timer H
      if (this.state !== 'completed') return;
      this.terminate();
      this.onAckTimeout();
    });
  }

  /** A retransmitted INVITE or an ACK for a non-2xx response. Returns true when absorbed. */
  receive(request: IncomingRequest): boolean {
    if (request.method === 'INVITE') {
      if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse) this.transmit(this.lastResponse);
      return true;
    }
    if (request.method === 'ACK') {
      if (this.state === 'completed') {
        this.state = 'confirmed';
        this.retransmission?.cancel();
        this.after(this.reliable ? 0 : this.ctx.timers.t4, () => this.terminate()); // Timer I
        return true;
      }
      // An ACK for a 2xx belongs to the dialog, not to us (RFC 6026 §8.7).
      return this.state !== 'accepted';
    }
    return false;
  }
}

/** §17.2.2. */
export class NonInviteServerTransaction extends ServerTransactionBase {
  constructor(request: IncomingRequest, source: Endpoint, ctx: Context, onTerminated: () => void) {
    super(request, source, ctx, onTerminated, 'trying');
  }

  get method(): string {
    return this.request.method;
  }

  respond(response: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.lastResponse = response;
    this.transmit(response);
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    this.after(this.reliable ? 0 : 64 * this.ctx.timers.t1, () => this.terminate()); // Timer J
  }

  receive(): boolean {
    if (this.lastResponse) this.transmit(this.lastResponse);
    return true;
  }
}

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface ClientHandlers {
  onResponse(response: IncomingResponse): void;
  /** Timer B or F: no final response (the TU treats it as 408, §8.1.3.1). */
  onTimeout(): void;
}

export type ClientTransactionState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

/** §17.1.1 (+ RFC 6026 §7.2) and §17.1.2. */
export class ClientTransaction {
  state: ClientTransactionState;
  private readonly timers: TimerHandle[] = [];
  private retransmission: TimerHandle | undefined;
  private ack: SipRequest | undefined;

  constructor(
    readonly request: SipRequest,
    readonly destination: Endpoint,
    private readonly ctx: Context,
    private readonly handlers: ClientHandlers,
    private readonly onTerminated: () => void,
  ) {
    const { t1, t2 } = ctx.timers;
    const invite = request.method === 'INVITE';
    this.state = invite ? 'calling' : 'trying';
    ctx.sender.send(request, destination);
    if (destination.protocol === 'udp') {
      // Timer A doubles without a cap; Timer E is capped at T2.
      this.retransmission = retransmit(ctx.scheduler, t1, invite ? Number.MAX_SAFE_INTEGER : t2, () => ctx.sender.send(request, destination));
      this.timers.push(this.retransmission);
    }
    this.after(64 * t1, () => { // Timer B (Calling only) / F (Trying or Proceeding)
      const waiting = invite ? this.state === 'calling' : this.state === 'trying' || this.state === 'proceeding';
      if (!waiting) return;
      this.terminate();
      handlers.onTimeout();
    });
  }

  get method(): string {
    return this.request.method;
  }

  receive(response: IncomingResponse): void {
    if (this.request.method === 'INVITE') this.receiveForInvite(response);
    else this.receiveForNonInvite(response);
  }

  // §17.1.2.2: a provisional response moves Timer E to T2; a final one completes (Timer K).
  private receiveForNonInvite(response: IncomingResponse): void {
    const { t2, t4 } = this.ctx.timers;
    const udp = this.destination.protocol === 'udp';
    if (this.state === 'completed' || this.state === 'terminated') return;
    if (response.status < 200) {
      if (this.state === 'trying' && udp) {
        this.retransmission?.cancel();
        this.retransmission = retransmit(this.ctx.scheduler, t2, t2, () => this.ctx.sender.send(this.request, this.destination));
        this.timers.push(this.retransmission);
      }
      this.state = 'proceeding';
      this.handlers.onResponse(response);
      return;
    }
    this.state = 'completed';
    this.retransmission?.cancel();
    this.after(udp ? t4 : 0, () => this.terminate()); // Timer K
    this.handlers.onResponse(response);
  }

  // §17.1.1.2 with RFC 6026: 2xx moves to Accepted (Timer M), other finals are ACKed here.
  private receiveForInvite(response: IncomingResponse): void {
    if (this.state === 'completed') {
      if (response.status >= 300 && this.ack) this.ctx.sender.send(this.ack, this.destination);
      return;
    }
    if (this.state === 'terminated') return;
    if (response.status < 200) {
      if (this.state === 'accepted') return;
      this.retransmission?.cancel();
      this.state = 'proceeding';
      this.handlers.onResponse(response);
      return;
    }
    this.retransmission?.cancel();
    if (response.status < 300) {
      // 2xx retransmissions go to the TU too, which answers each with the same ACK (§13.2.2.4).
      if (this.state !== 'accepted') {
        this.state = 'accepted';
        this.after(64 * this.ctx.timers.t1, () => this.terminate()); // Timer M
      }
      this.handlers.onResponse(response);
      return;
    }
    // §17.1.1.3: the transaction itself ACKs a non-2xx final response.
    this.ack = ackForFailure(this.request, response);
    this.ctx.sender.send(this.ack, this.destination);
    this.state = 'completed';
    this.after(this.destination.protocol === 'udp' ? 32_000 : 0, () => this.terminate()); // Timer D
    this.handlers.onResponse(response);
  }

  private after(ms: number, fire: () => void): void {
    this.timers.push(this.ctx.scheduler.after(ms, fire));
  }

  private terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    for (const t of this.timers) t.cancel();
    this.onTerminated();
  }
}

/** §17.1.1.3: same Request-URI, top Via, From, Call-ID and Route; To from the response. */
function ackForFailure(request: SipRequest, response: IncomingResponse): SipRequest {
  const headers: Header[] = [];
  const via = getHeaders(request, 'via')[0];
  if (via !== undefined) headers.push({ name: 'Via', value: via });
  for (const h of request.headers) {
    if (['From', 'Call-ID', 'Route', 'Max-Forwards'].includes(h.name)) headers.push(h);
  }
  const to = response.headers.find((h) => h.name === 'To');
  if (to) headers.push(to);
  headers.push({ name: 'CSeq', value: `${response.cseq.seq} ACK` });
  return { kind: 'request', method: 'ACK', uri: request.uri, headers, body: '' };
}

export interface TransactionUser {
  /** A request that starts a new server transaction, or an ACK for a 2xx (then `transaction` is undefined). */
  onRequest(request: IncomingRequest, source: Endpoint, transaction: ServerTransaction | undefined): void;
  /** A response no client transaction matches (e.g. a 2xx retransmission after Timer M). */
  onStrayResponse(response: IncomingResponse, source: Endpoint): void;
}

/** Owns every live transaction and routes incoming messages to them (§17.1.3, §17.2.3). */
export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly ctx: Context;

  constructor(
    sender: Sender,
    private readonly user: TransactionUser,
    scheduler: Scheduler = realScheduler,
    timers: TimerValues = DEFAULT_TIMERS,
  ) {
    this.ctx = { sender, scheduler, timers };
  }

  receive(message: IncomingMessage, source: Endpoint): void {
    if (message.kind === 'response') {
      const branch = message.via[0]?.branch ?? '';
      const client = this.clients.get(`${branch}|${message.cseq.method}`);
      if (client) client.receive(message);
      else this.user.onStrayResponse(message, source);
      return;
    }
    const key = serverKey(message, message.method === 'ACK' ? 'INVITE' : message.method);
    const existing = key === undefined ? undefined : this.servers.get(key);
    if (existing) {
      const absorbed = existing instanceof InviteServerTransaction ? existing.receive(message) : existing.receive();
      if (absorbed) return;
    }
    if (message.method === 'ACK') {
      this.user.onRequest(message, source, undefined);
      return;
    }
    const onTerminated = (): void => {
      if (key !== undefined) this.servers.delete(key);
    };
    const transaction = message.method === 'INVITE'
      ? new InviteServerTransaction(message, source, this.ctx, onTerminated)
      : new NonInviteServerTransaction(message, source, this.ctx, onTerminated);
    if (key !== undefined) this.servers.set(key, transaction);
    this.user.onRequest(message, source, transaction);
  }

  /** The INVITE transaction a CANCEL targets (§9.2: same branch and sent-by). */
  findInvite(cancel: IncomingRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel, 'INVITE');
    const found = key === undefined ? undefined : this.servers.get(key);
    return found instanceof InviteServerTransaction ? found : undefined;
  }

  /** Sends `request` (whose top Via carries a fresh branch) reliably. */
  request(request: SipRequest, to: Endpoint, handlers: ClientHandlers): ClientTransaction {
    const branch = /;\s*branch=([^;\s]+)/i.exec(getHeaders(request, 'via')[0] ?? '')?.[1] ?? '';
    const key = `${branch}|${request.method}`;
    const transaction = new ClientTransaction(request, to, this.ctx, handlers, () => {
      if (this.clients.get(key) === transaction) this.clients.delete(key);
    });
    if (transaction.state !== 'terminated') this.clients.set(key, transaction);
    return transaction;
  }

  /** Sends a message outside any transaction (ACK for 2xx, §13.2.2.4). */
  sendDirect(message: SipRequest | SipResponse, to: Endpoint): void {
    this.ctx.sender.send(message, to);
  }

  get size(): { servers: number; clients: number } {
    return { servers: this.servers.size, clients: this.clients.size };
  }
}

function serverKey(request: IncomingRequest, method: string): string | undefined {
  const top = request.via[0];
  if (!top?.branch?.startsWith('z9hG4bK')) return undefined; // pre-3261 peers: not matched, treated as new
  return `${top.branch}|${top.host}:${top.port ?? 5060}|${method}`;
}
