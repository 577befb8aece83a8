// SIP over UDP and TCP (RFC 3261 §18), and WebSocket (RFC 7118, ws-transport.ts). Receives, frames and parses; stamps the top Via with
// received/rport (§18.2.1, RFC 3581) so responses route back through NATs; answers malformed
// requests with 400 when they can be answered at all, and drops the rest with a log line.
import dgram from 'node:dgram';
import net from 'node:net';
import { excerpt, LogLimiter, printable } from './log-limiter.ts';
import { SIP_WS_PROTOCOL, webSocketEndpoint, wsMessageBytes, type SipWebSocket, type WebSocketPeer } from './ws-transport.ts';
import {
  createResponse, formatVia, looseRequestLine, parseMessage, parseVia, serialize, StreamFramer,
  type IncomingMessage, type SipMessage, type SipParseError, type Via,
} from './message.ts';

export type TransportProtocol = 'udp' | 'tcp' | 'ws' | 'wss';

/** TCP and WebSocket: responses go back on the connection the request came in on. */
export const isReliable = (protocol: TransportProtocol): boolean => protocol !== 'udp';

export interface Endpoint {
  readonly protocol: TransportProtocol;
  readonly address: string;
  readonly port: number;
}

export interface TransportOptions {
  readonly host: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  readonly port: number;
  readonly udp?: boolean;
  readonly tcp?: boolean;
  readonly log: (line: string) => void;
  /** Clock of the malformed-message log limit (ms). */
  readonly now?: () => number;
}

/**
 * The UDP socket's receive buffer. Linux's default (~208 KB, a hundred-odd datagrams) overflows in
 * one GC pause under a flood, and the kernel then drops trunks' and phones' packets with the
 * flood's; 4 MB rides out a few hundred ms. The kernel caps it at net.core.rmem_max.
 */
const UDP_RECEIVE_BUFFER = 4 * 2 ** 20;

/** Malformed messages logged per source address per 10 s; the rest are counted. */
const MALFORMED_LOG = { perWindow: 5, windowMs: 10_000 };

export type Receive = (message: IncomingMessage, source: Endpoint) => void;

export const endpointKey = (e: Endpoint): string => `${e.protocol}:${e.address}:${e.port}`;

/** Where a response to a request that arrived from `source` with top Via `via` goes (§18.2.2). */
export function responseDestination(via: Via, source: Endpoint): Endpoint {
  // Reliable transports answer on the connection the request came in on.
  if (isReliable(source.protocol)) return source;
  return {
    protocol: 'udp',
    address: via.received ?? via.host,
    port: typeof via.rport === 'number' ? via.rport : via.port ?? 5060,
  };
}

/** Adds received/rport to the top Via as the server transport must (§18.2.1, RFC 3581 §4). */
export function stampVia(via: Via, source: Endpoint): Via {
  const params: Record<string, string> = { ...via.params };
  if (via.host !== source.address || via.rport !== undefined) params['received'] = source.address;
  if (via.rport !== undefined) params['rport'] = String(source.port);
  return {
    ...via,
    params,
    received: params['received'],
    rport: via.rport === undefined ? undefined : source.port,
  };
}

export class SipTransport {
  private readonly connections = new Map<string, net.Socket>();
  private readonly webSockets = new Map<string, SipWebSocket>();
  private receive: Receive = () => undefined;
  private readonly malformed = new LogLimiter(MALFORMED_LOG);
  private connectionClosed: (peer: Endpoint) => void = () => undefined;

  private constructor(
    private readonly options: TransportOptions,
    private readonly udpSocket: dgram.Socket | undefined,
    private readonly tcpServer: net.Server | undefined,
    /** The bound port (same for UDP and TCP). */
    readonly port: number,
  ) {}

  static async listen(options: TransportOptions): Promise<SipTransport> {
    const wantUdp = options.udp ?? true;
    const wantTcp = options.tcp ?? true;
    for (let attempt = 0; ; attempt++) {
      const udp = wantUdp ? dgram.createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: UDP_RECEIVE_BUFFER }) : undefined;
      try {
        let port = options.port;
        if (udp) {
          await new Promise<void>((resolve, reject) => {
            udp.once('error', reject);
            udp.bind(port, options.host, () => {
              udp.off('error', reject);
              resolve();
            });
          });
          port = udp.address().port;
        }
        const server = wantTcp ? net.createServer() : undefined;
        if (server) {
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, options.host, () => {
              server.off('error', reject);
              resolve();
            });
          });
          const address = server.address();
          if (address !== null && typeof address === 'object') port = address.port;
        }
        const transport = new SipTransport(options, udp, server, port);
        transport.attach();
        return transport;
      } catch (error) {
        udp?.close();
        // A free UDP port whose TCP twin is taken: try another when the caller let us choose.
        if (options.port !== 0 || attempt >= 5) throw error;
      }
    }
  }

  /** The single consumer of inbound messages (the transaction layer). */
  onReceive(receive: Receive): void {
    this.receive = receive;
  }

  /** Asked for every message before it is parsed: false drops it (a flood costs no parse). */
  onScreen(screen: (source: Endpoint) => boolean): void {
    this.screen = screen;
  }

  /** Told when a WebSocket closes: a browser behind it can no longer be reached (its bindings go). */
  onConnectionClosed(listener: (peer: Endpoint) => void): void {
    this.connectionClosed = listener;
  }

  /**
   * Adopts a WebSocket the HTTP server accepted at /sip (RFC 7118). Returns false, closing it,
   * when the handshake did not agree on the "sip" subprotocol.
   */
  acceptWebSocket(socket: SipWebSocket, peer: WebSocketPeer): boolean {
    if (socket.protocol !== SIP_WS_PROTOCOL || this.closing) {
      socket.close(1002, 'subprotocol sip required');
      return false;
    }
    const endpoint = webSocketEndpoint(peer);
    const key = endpointKey(endpoint);
    this.webSockets.set(key, socket);
    socket.on('message', (data) => this.handle(wsMessageBytes(data), endpoint));
    socket.on('error', (error) => this.options.log(`sip: ${key}: ${error.message}`));
    socket.on('close', () => {
      if (this.webSockets.get(key) !== socket) return;
      this.webSockets.delete(key);
      this.connectionClosed(endpoint);
    });
    return true;
  }

  send(message: SipMessage, to: Endpoint): void {
    // A transaction timer may still fire after shutdown; there is nobody left to send to.
    if (this.closing) return;
    const bytes = serialize(message);
    if (to.protocol === 'ws' || to.protocol === 'wss') {
      // A browser cannot be connected to: without its socket the message has nowhere to go.
      const socket = this.webSockets.get(endpointKey(to));
      if (socket) socket.send(bytes.toString('utf8'));
      else this.options.log(`sip: no WebSocket to ${endpointKey(to)}`);
      return;
    }
    if (to.protocol === 'udp') {
      if (!this.udpSocket) {
        this.options.log(`sip: cannot send over UDP to ${to.address}:${to.port}: UDP disabled`);
        return;
      }
      this.udpSocket.send(bytes, to.port, to.address, (error) => {
        if (error) this.options.log(`sip: UDP send to ${to.address}:${to.port} failed: ${error.message}`);
      });
      return;
    }
    const key = endpointKey(to);
    let socket = this.connections.get(key);
    if (!socket || socket.destroyed) {
      socket = net.connect({ host: to.address, port: to.port });
      this.adopt(socket, to);
    }
    socket.write(bytes);
  }

  private closing = false;
  private screen: (source: Endpoint) => boolean = () => true;

  async close(): Promise<void> {
    this.closing = true;
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    for (const socket of this.webSockets.values()) socket.close(1001, 'shutting down');
    this.webSockets.clear();
    await Promise.all([
      new Promise<void>((resolve) => (this.udpSocket ? this.udpSocket.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcpServer ? this.tcpServer.close(() => resolve()) : resolve())),
    ]);
  }

  private attach(): void {
    this.udpSocket?.on('message', (data, rinfo) => {
      this.handle(data, { protocol: 'udp', address: rinfo.address, port: rinfo.port });
    });
    this.udpSocket?.on('error', (error) => this.options.log(`sip: UDP socket error: ${error.message}`));
    this.tcpServer?.on('connection', (socket) => {
      this.adopt(socket, { protocol: 'tcp', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
    });
  }

  private adopt(socket: net.Socket, peer: Endpoint): void {
    const key = endpointKey(peer);
    this.connections.set(key, socket);
    const framer = new StreamFramer();
    socket.on('data', (chunk) => {
      for (const frame of framer.push(chunk)) {
        if (frame.ok) this.handle(frame.message, peer);
        else {
          this.options.log(`sip: closing TCP connection from ${peer.address}:${peer.port}: ${frame.reason}`);
          socket.destroy();
        }
      }
    });
    socket.on('error', (error) => this.options.log(`sip: TCP ${peer.address}:${peer.port}: ${error.message}`));
    socket.on('close', () => {
      if (this.connections.get(key) === socket) this.connections.delete(key);
    });
  }

  private handle(data: Buffer, source: Endpoint): void {
    if (data.length <= 4 && data.toString('latin1').trim() === '') return; // keep-alive
    if (!this.screen(source)) return;
    const parsed = parseMessage(data);
    if (!parsed.ok) {
      this.reject(parsed.error, source, data);
      return;
    }
    const message = parsed.message;
    if (message.kind === 'response') {
      this.receive(message, source);
      return;
    }
    const [top, ...rest] = message.via;
    if (!top) return;
    const stamped = stampVia(top, source);
    let replaced = false;
    const headers = message.headers.map((h) => {
      if (replaced || h.name !== 'Via') return h;
      replaced = true;
      return { name: 'Via', value: formatVia(stamped) };
    });
    this.receive({ ...message, headers, via: [stamped, ...rest] }, source);
  }

  /** One log line per malformed message, within the per-source limit; the peer's bytes shown escaped and short. */
  private logMalformed(source: Endpoint, line: string, data: Buffer): void {
    const now = this.options.now?.() ?? Date.now();
    for (const l of this.malformed.admit(source.address, `${line}: "${excerpt(data)}"`, now)) this.options.log(l);
  }

  /** §8.2, §16.3: a request we can route a response for gets 400 naming the header (505 for another SIP version); the rest is dropped. */
  private reject(error: SipParseError, source: Endpoint, data: Buffer): void {
    const raw = error.header === undefined ? error.reason : `${error.header}: ${error.reason}`;
    const what = printable(raw.length > 120 ? `${raw.slice(0, 120)}…` : raw);
    const partial = error.partial;
    const method = partial === undefined ? undefined : looseRequestLine(partial.startLine)?.method;
    const isRequest = method !== undefined && method !== 'ACK';
    const viaHeader = partial?.headers.find((h) => h.name === 'Via');
    const via = viaHeader === undefined ? undefined : parseVia(viaHeader.value);
    if (partial === undefined || !isRequest || !via || error.header === 'Via') {
      this.logMalformed(source, `sip: dropped unparseable message from ${source.address}:${source.port} (${what})`, data);
      return;
    }
    const status = error.status ?? 400;
    this.logMalformed(source, `sip: ${status} to ${source.address}:${source.port} call-id=${printable(error.callId ?? '-').slice(0, 80)} (${what})`, data);
    const stamped = stampVia(via, source);
    const headers = partial.headers.map((h) => (h === viaHeader ? { name: 'Via', value: formatVia(stamped) } : h));
    const reason = status === 505 ? 'Version Not Supported' : `Bad Request (${what})`.replace(/[\r\n]/g, ' ').slice(0, 120);
    const response = createResponse({ headers }, status, { reason });
    this.send(response, responseDestination(stamped, source));
  }
}
