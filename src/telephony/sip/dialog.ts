// Dialog state (RFC 3261 §12): identifiers, sequence numbers, route set and remote target, and
// construction of in-dialog requests. Pure data; the user-agent core sends what this builds.
import { formatNameAddr, getHeaders, parseNameAddr, parseUri, type Header, type IncomingRequest, type IncomingResponse, type NameAddr, type SipRequest } from './message.ts';
import type { Endpoint, TransportProtocol } from './transport.ts';

export interface Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly local: NameAddr;
  readonly remote: NameAddr;
  localSeq: number;
  remoteSeq: number;
  /** Refreshed by a re-INVITE or UPDATE carrying a new Contact (§12.2.2). */
  remoteTarget: string;
  readonly routeSet: readonly string[];
  /**
   * Where requests go when there is no route set: the address the peer's requests (UAS) or our
   * INVITE (UAC) actually used, which survives NAT where the Contact may not (cf. RFC 5626 §5).
   */
  readonly peer: Endpoint;
}

export const dialogKey = (callId: string, localTag: string, remoteTag: string): string => `${callId}|${localTag}|${remoteTag}`;

function contactUri(message: { readonly headers: readonly Header[] }): string | undefined {
  const contact = getHeaders(message, 'contact')[0];
  return contact === undefined ? undefined : parseNameAddr(contact)?.uri;
}

/** §12.1.1: the UAS side, created when we answer an INVITE. */
export function uasDialog(invite: IncomingRequest, localTag: string, source: Endpoint): Dialog {
  return {
    callId: invite.callId,
    localTag,
    remoteTag: invite.from.tag ?? '',
    local: { ...invite.to, tag: localTag, params: { ...invite.to.params, tag: localTag } },
    remote: invite.from,
    localSeq: Math.floor(Math.random() * 10_000),
    remoteSeq: invite.cseq.seq,
    remoteTarget: contactUri(invite) ?? invite.from.uri,
    routeSet: getHeaders(invite, 'record-route'),
    peer: source,
  };
}

/** §12.1.2: the UAC side, created from a 2xx to our INVITE (route set reversed). */
export function uacDialog(invite: SipRequest, from: NameAddr, response: IncomingResponse, destination: Endpoint): Dialog {
  const seq = response.cseq.seq;
  return {
    callId: response.callId,
    localTag: from.tag ?? '',
    remoteTag: response.to.tag ?? '',
    local: from,
    remote: response.to,
    localSeq: seq,
    remoteSeq: 0,
    remoteTarget: contactUri(response) ?? invite.uri,
    routeSet: getHeaders(response, 'record-route').reverse(),
    peer: destination,
  };
}

/** The next hop for an in-dialog request: the first loose route, else the peer. */
export function nextHop(dialog: Dialog): Endpoint {
  const first = dialog.routeSet[0];
  const uri = first === undefined ? undefined : parseNameAddr(first)?.uri;
  const parsed = uri === undefined ? undefined : parseUri(uri);
  if (!parsed) return dialog.peer;
  const transport = (parsed.params['transport'] ?? dialog.peer.protocol).toLowerCase();
  const protocol: TransportProtocol = transport === 'tcp' || transport === 'ws' || transport === 'wss' ? transport : 'udp';
  return { protocol, address: parsed.host, port: parsed.port ?? 5060 };
}

export interface InDialogOptions {
  readonly via: string;
  readonly contact?: string;
  /** For ACK: the INVITE's sequence number, not a new one (§13.2.2.4). */
  readonly seq?: number;
  readonly headers?: readonly Header[];
  readonly body?: string;
}

/** §12.2.1.1: Request-URI is the remote target, Route the route set (loose routing assumed). */
export function inDialogRequest(dialog: Dialog, method: string, options: InDialogOptions): SipRequest {
  if (options.seq === undefined) dialog.localSeq += 1;
  const seq = options.seq ?? dialog.localSeq;
  const headers: Header[] = [
    { name: 'Via', value: options.via },
    ...dialog.routeSet.map((value) => ({ name: 'Route', value })),
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: formatNameAddr(dialog.local) },
    { name: 'To', value: formatNameAddr(dialog.remote) },
    { name: 'Call-ID', value: dialog.callId },
    { name: 'CSeq', value: `${seq} ${method}` },
    ...(options.contact === undefined ? [] : [{ name: 'Contact', value: options.contact }]),
    ...(options.headers ?? []),
  ];
  return { kind: 'request', method, uri: dialog.remoteTarget, headers, body: options.body ?? '' };
}
