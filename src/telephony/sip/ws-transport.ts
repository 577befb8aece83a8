// SIP over WebSocket (RFC 7118): browsers (SIP.js) reach the line on the HTTP server's port at
// /sip with the subprotocol "sip". The HTTP adapter accepts the upgrade and hands the socket
// over; here it becomes one more connection of the SIP transport, connection-oriented like TCP:
// responses and requests towards the browser go back on the socket it opened (§5, the browser
// cannot be connected to), and the Via host of a browser (`xxxx.invalid`) is never used.
/** A server-side WebSocket as the transport needs it; the `ws` package's socket satisfies it. */
export interface SipWebSocket {
  /** The subprotocol the handshake agreed on; RFC 7118 §4 requires "sip". */
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Where a WebSocket came from, as the HTTP server saw it. */
export interface WebSocketPeer {
  readonly address: string;
  readonly port: number;
  /** Whether it arrived over TLS (wss); Via then says WSS. */
  readonly secure: boolean;
}

/** One WS message carries exactly one SIP message (RFC 7118 §5.2); no stream framing. */
export function wsMessageBytes(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

export function webSocketEndpoint(peer: WebSocketPeer): { protocol: 'ws' | 'wss'; address: string; port: number } {
  return { protocol: peer.secure ? 'wss' : 'ws', address: peer.address, port: peer.port };
}

/** RFC 7118 §4: a handshake without the "sip" subprotocol is not a SIP connection. */
export const SIP_WS_PROTOCOL = 'sip';
