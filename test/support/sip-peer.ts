// A hand-driven SIP peer on a UDP socket: sends requests as text and waits for the responses
// (and requests) the other side sends, so a test can spell out exactly what goes on the wire.
import dgram from 'node:dgram';

export interface SipPeer {
  readonly port: number;
  send(text: string): void;
  /** The next message (after any already seen) matching `match`; bounded. */
  next(match: RegExp, timeoutMs?: number): Promise<string>;
  readonly received: string[];
  close(): void;
}

export async function sipPeer(serverPort: number): Promise<SipPeer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const received: string[] = [];
  let waiter: (() => void) | undefined;
  let seen = 0;
  socket.on('message', (m) => {
    received.push(m.toString('utf8'));
    waiter?.();
  });
  return {
    port: socket.address().port,
    received,
    send: (text) => socket.send(text.replace(/\r?\n/g, '\r\n'), serverPort, '127.0.0.1'),
    async next(match, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (; seen < received.length; seen++) {
          const m = received[seen] ?? '';
          if (match.test(m)) {
            seen++;
            return m;
          }
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${match}; got:\n${received.map((r) => r.split('\r\n')[0]).join('\n')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    close: () => socket.close(),
  };
}

/** A request from `peer`: the headers a dialog needs, with Content-Length computed. */
export function request(o: {
  method: string; uri: string; peerPort: number; callId: string; cseq: number; fromTag: string; toTag?: string;
  to?: string; body?: string; branch?: string; extra?: string[];
}): string {
  const body = (o.body ?? '').replace(/\r?\n/g, '\r\n');
  return [
    `${o.method} ${o.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${o.peerPort};branch=${o.branch ?? `z9hG4bK${Math.random().toString(36).slice(2)}`};rport`,
    'Max-Forwards: 70',
    `From: <sip:0312345678@127.0.0.1:${o.peerPort}>;tag=${o.fromTag}`,
    `To: <${o.to ?? o.uri}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} ${o.method === 'ACK' ? 'ACK' : o.method}`,
    `Contact: <sip:0312345678@127.0.0.1:${o.peerPort}>`,
    ...(o.extra ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** An audio offer from 127.0.0.1:`port` (PCMU, PCMA, telephone-event) with a direction. */
export function audioSdp(port: number, o: { direction?: string; codecs?: number[]; version?: number; address?: string } = {}): string {
  const codecs = o.codecs ?? [0, 8];
  const names: Record<number, string> = { 0: 'PCMU', 8: 'PCMA', 18: 'G729' };
  return [
    'v=0', `o=peer 1 ${o.version ?? 1} IN IP4 127.0.0.1`, 's=-', `c=IN IP4 ${o.address ?? '127.0.0.1'}`, 't=0 0',
    `m=audio ${port} RTP/AVP ${[...codecs, 101].join(' ')}`,
    ...codecs.map((c) => `a=rtpmap:${c} ${names[c] ?? 'X'}/8000`),
    'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', `a=${o.direction ?? 'sendrecv'}`, '',
  ].join('\r\n');
}

/** The To tag of a response. */
export const toTagOf = (response: string): string => /\r\nTo:[^\r]*;tag=([^;\s\r]+)/i.exec(response)?.[1] ?? '';
/** The body of a message. */
export const bodyOf = (message: string): string => message.slice(message.indexOf('\r\n\r\n') + 4);
