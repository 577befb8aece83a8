// SIP message syntax (RFC 3261 §7, §20, §25): parsing, serialization and the header helpers the
// transaction and dialog layers need. Nothing here knows about sockets or calls.

export interface Header {
  readonly name: string;
  readonly value: string;
}

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: string;
  readonly headers: readonly Header[];
  readonly body: string;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly Header[];
  readonly body: string;
}

export type SipMessage = SipRequest | SipResponse;

export interface Via {
  readonly transport: string; // UDP, TCP, ...
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly branch: string | undefined;
  readonly received: string | undefined;
  /** RFC 3581: `true` when present without a value (the client asks us to fill it in). */
  readonly rport: number | true | undefined;
}

export interface SipUri {
  readonly scheme: string;
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Readonly<Record<string, string>>;
}

export interface NameAddr {
  readonly displayName: string | undefined;
  readonly uri: string;
  readonly params: Readonly<Record<string, string>>;
  readonly tag: string | undefined;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export interface AuthHeader {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The headers every request and response must carry (RFC 3261 §8.1.1), parsed once. */
export interface Essentials {
  readonly via: readonly Via[];
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: CSeq;
}

export type IncomingRequest = SipRequest & Essentials;
export type IncomingResponse = SipResponse & Essentials;
export type IncomingMessage = IncomingRequest | IncomingResponse;

export interface SipParseError {
  readonly kind: 'sip-parse-error';
  /** The header at fault, when one is. */
  readonly header?: string;
  readonly reason: string;
  /** The answer for a request that can be answered: 400 unless said (505 for another SIP version). */
  readonly status?: 400 | 505;
  readonly callId?: string;
  /** What could be read, so a malformed request can still be answered with 400 (RFC 3261 §8.2). */
  readonly partial?: { readonly startLine: string; readonly headers: readonly Header[] };
}

/**
 * A start line shaped like a request (method, something, `SIP/x.y`) even if it breaks the strict
 * grammar (extra spaces, whitespace in the URI, another version): such a request can still be
 * answered with an error; anything else is dropped.
 */
export function looseRequestLine(startLine: string): { method: string; version: string } | undefined {
  const m = /^([A-Za-z0-9!%*_+`'~.-]+)[ \t]+\S.*?[ \t]+SIP\/(\d+\.\d+)[ \t]*$/.exec(startLine);
  return m?.[1] === undefined || m[2] === undefined ? undefined : { method: m[1], version: m[2] };
}

export type ParseResult = { ok: true; message: IncomingMessage } | { ok: false; error: SipParseError };

const COMPACT: Readonly<Record<string, string>> = {
  v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type',
  k: 'supported', s: 'subject', e: 'content-encoding', o: 'event', r: 'refer-to', u: 'allow-events',
};

const CANONICAL: Readonly<Record<string, string>> = {
  via: 'Via', from: 'From', to: 'To', 'call-id': 'Call-ID', cseq: 'CSeq', contact: 'Contact',
  'content-length': 'Content-Length', 'content-type': 'Content-Type', supported: 'Supported',
  subject: 'Subject', 'content-encoding': 'Content-Encoding', event: 'Event', 'refer-to': 'Refer-To',
  'allow-events': 'Allow-Events', 'max-forwards': 'Max-Forwards', route: 'Route',
  'record-route': 'Record-Route', allow: 'Allow', accept: 'Accept', expires: 'Expires',
  'www-authenticate': 'WWW-Authenticate', authorization: 'Authorization',
  'proxy-authenticate': 'Proxy-Authenticate', 'proxy-authorization': 'Proxy-Authorization',
  'user-agent': 'User-Agent', server: 'Server', require: 'Require', unsupported: 'Unsupported',
};

// Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1); others (Authorization,
// Date, WWW-Authenticate, ...) contain commas of their own and are never split.
const LIST_HEADERS = new Set([
  'via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'proxy-require',
  'unsupported', 'accept', 'accept-encoding', 'accept-language', 'allow-events', 'content-encoding',
]);

/** `canonicalName('v')` → `Via`; unknown names keep their spelling. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  const full = COMPACT[lower] ?? lower;
  return CANONICAL[full] ?? name;
}

export function getHeader(message: { readonly headers: readonly Header[] }, name: string): string | undefined {
  const wanted = canonicalName(name).toLowerCase();
  return message.headers.find((h) => h.name.toLowerCase() === wanted)?.value;
}

export function getHeaders(message: { readonly headers: readonly Header[] }, name: string): string[] {
  const wanted = canonicalName(name).toLowerCase();
  return message.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** Splits on commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (quoted && ch === '\\') {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle = true;
    else if (!quoted && ch === '>') angle = false;
    if (ch === ',' && !quoted && !angle) {
      if (current.trim() !== '') parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** `;a=1;b;c="x"` → `{ a: '1', b: '', c: 'x' }`; names lower-cased. */
function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of splitOutsideQuotes(text, ';')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) params[trimmed.toLowerCase()] = '';
    else params[trimmed.slice(0, eq).trim().toLowerCase()] = unquote(trimmed.slice(eq + 1).trim());
  }
  return params;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let escaped = false;
  for (const ch of text) {
    if (escaped) escaped = false;
    else if (quoted && ch === '\\') escaped = true;
    else if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

function splitHostPort(text: string): { host: string; port: number | undefined } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m || m[1] === undefined) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export function parseVia(value: string): Via | undefined {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;]+)(.*)$/i.exec(value.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const sentBy = splitHostPort(m[2]);
  if (!sentBy) return undefined;
  const params = parseParams(m[3] ?? '');
  const rportText = params['rport'];
  let rport: number | true | undefined;
  if (rportText !== undefined) rport = rportText === '' ? true : Number(rportText);
  if (typeof rport === 'number' && !Number.isInteger(rport)) return undefined;
  return {
    transport: m[1].toUpperCase(),
    host: sentBy.host,
    port: sentBy.port,
    params,
    branch: params['branch'],
    received: params['received'],
    rport,
  };
}

export function formatVia(via: Via): string {
  const host = via.host.includes(':') ? `[${via.host}]` : via.host;
  const sentBy = via.port === undefined ? host : `${host}:${via.port}`;
  const params = Object.entries(via.params).map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`)).join('');
  return `SIP/2.0/${via.transport} ${sentBy}${params}`;
}

export function parseUri(text: string): SipUri | undefined {
  const m = /^(sips?|tel):(.*)$/i.exec(text.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const scheme = m[1].toLowerCase();
  const rest = m[2].split('?')[0] ?? '';
  if (scheme === 'tel') {
    const [number = '', ...paramParts] = rest.split(';');
    return { scheme, user: number, host: '', port: undefined, params: parseParams(paramParts.join(';')) };
  }
  // The user part may itself carry `;phone-context=…` (user=phone, RFC 3261 §19.1.6), so split at '@' first.
  const at = rest.lastIndexOf('@');
  const [hostText = '', ...paramParts] = rest.slice(at + 1).split(';');
  const user = at >= 0 ? percentDecode(rest.slice(0, at).split(':')[0] ?? '') : undefined;
  const hostPort = splitHostPort(hostText);
  if (!hostPort || hostPort.host === '' || user === null) return undefined;
  return { scheme, user, host: hostPort.host, port: hostPort.port, params: parseParams(paramParts.join(';')) };
}

/** `%2B81…` → `+81…`; null for a broken escape (the URI is malformed, never an exception). */
function percentDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** name-addr or addr-spec (RFC 3261 §20.10); without `<>`, `;params` belong to the header. */
export function parseNameAddr(value: string): NameAddr | undefined {
  const text = value.trim();
  let displayName: string | undefined;
  let uri: string;
  let rest: string;
  const lt = indexOutsideQuotes(text, '<');
  if (lt >= 0) {
    const gt = text.indexOf('>', lt);
    if (gt < 0) return undefined;
    const display = text.slice(0, lt).trim();
    displayName = display === '' ? undefined : unquote(display);
    uri = text.slice(lt + 1, gt).trim();
    rest = text.slice(gt + 1);
  } else {
    const semi = text.indexOf(';');
    uri = semi < 0 ? text : text.slice(0, semi);
    rest = semi < 0 ? '' : text.slice(semi);
  }
  if (uri !== '*' && !parseUri(uri)) return undefined;
  const params = parseParams(rest);
  return { displayName, uri, params, tag: params['tag'] };
}

function indexOutsideQuotes(text: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (quoted && text[i] === '\\') i++; // quoted-pair (RFC 3261 §25.1)
    else if (text[i] === '"') quoted = !quoted;
    else if (!quoted && text[i] === ch) return i;
  }
  return -1;
}

export function formatNameAddr(addr: { displayName?: string | undefined; uri: string; params?: Readonly<Record<string, string>> }): string {
  const display = addr.displayName === undefined ? '' : `"${addr.displayName.replace(/(["\\])/g, '\\$1')}" `;
  const params = Object.entries(addr.params ?? {}).map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`)).join('');
  return `${display}<${addr.uri}>${params}`;
}

export function parseCSeq(value: string): CSeq | undefined {
  const m = /^(\d{1,10})\s+([A-Za-z0-9!%*_+`'~.-]+)$/.exec(value.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const seq = Number(m[1]);
  return seq < 2 ** 31 ? { seq, method: m[2] } : undefined;
}

/** `Digest realm="x", nonce="y", qop="auth"` (RFC 2617 §1.2, §3.2). */
export function parseAuthHeader(value: string): AuthHeader | undefined {
  const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(value);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const params: Record<string, string> = {};
  for (const part of splitOutsideQuotes(m[2], ',')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim() === '') continue;
      return undefined;
    }
    params[part.slice(0, eq).trim().toLowerCase()] = unquote(part.slice(eq + 1).trim());
  }
  return { scheme: m[1], params };
}

/** Parses one message from a datagram or a framed stream chunk. Never throws. */
export function parseMessage(data: Buffer | string): ParseResult {
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const { head, rawBody } = splitHead(buffer);
  const lines = head.replace(/^(\r?\n)+/, '').split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  const headers = parseHeaderLines(startLine, lines);
  if (!Array.isArray(headers)) return headers;
  const partial = { startLine, headers };
  const callId = getHeader(partial, 'call-id');
  const bad = (problem: HeaderProblem): ParseResult =>
    fail({ ...problem, partial, ...(callId === undefined ? {} : { callId }) });

  const request = /^([A-Za-z0-9!%*_+`'~.-]+) (\S+) SIP\/2\.0$/.exec(startLine);
  const response = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/.exec(startLine);
  if (!request && !response) {
    const what = `malformed start line: ${JSON.stringify(startLine.slice(0, 60))}`;
    const version = looseRequestLine(startLine)?.version;
    if (version === undefined) return fail({ reason: what, partial });
    // RFC 4475 §3.1.2.15 (badvers): another SIP version is answered 505; extra whitespace in the
    // request line (§3.1.2.7 lwsruri, §3.1.2.8 lwsstart) is a request we can answer 400.
    if (version !== '2.0') return fail({ reason: `SIP/${version} is not supported`, status: 505, partial, ...(callId === undefined ? {} : { callId }) });
    return fail({ reason: what, partial, ...(callId === undefined ? {} : { callId }) });
  }
  const body = bodyOf(partial, rawBody);
  if (!Buffer.isBuffer(body)) return bad(body);
  const essentials = essentialsOf(partial, callId, request?.[1]);
  if ('header' in essentials) return bad(essentials);
  const common = { headers, body: body.toString('utf8'), ...essentials };
  if (request && request[1] !== undefined && request[2] !== undefined) {
    if (!parseUri(request[2])) return fail({ reason: `malformed Request-URI ${request[2]}`, partial, callId });
    return { ok: true, message: { kind: 'request', method: request[1], uri: request[2], ...common } };
  }
  return { ok: true, message: { kind: 'response', status: Number(response?.[1]), reason: response?.[2] ?? '', ...common } };
}

interface HeaderProblem {
  readonly header: string;
  readonly reason: string;
}

type Head = { readonly startLine: string; readonly headers: readonly Header[] };

// The head ends at the first empty line (CRLF CRLF, or bare LF LF from lenient peers).
function splitHead(buffer: Buffer): { head: string; rawBody: Buffer } {
  let end = buffer.indexOf('\r\n\r\n');
  let separatorLength = 4;
  if (end < 0) {
    end = buffer.indexOf('\n\n');
    separatorLength = 2;
  }
  if (end < 0) return { head: buffer.toString('utf8'), rawBody: Buffer.alloc(0) };
  return { head: buffer.subarray(0, end).toString('utf8'), rawBody: buffer.subarray(end + separatorLength) };
}

/** Header lines with folding undone and list headers split, or the parse failure. */
function parseHeaderLines(startLine: string, lines: readonly string[]): Header[] | ParseResult {
  const headers: Header[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // Folded continuation (RFC 3261 §7.3.1): belongs to the previous header.
      const last = headers.pop();
      if (!last) return fail({ reason: 'continuation line before any header' });
      headers.push({ name: last.name, value: `${last.value} ${line.trim()}` });
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) {
      return fail({ reason: `malformed header line: ${JSON.stringify(line.slice(0, 60))}`, partial: { startLine, headers } });
    }
    const canonical = canonicalName(name);
    const value = line.slice(colon + 1).trim();
    const values = LIST_HEADERS.has(canonical.toLowerCase()) ? splitList(value) : [value];
    for (const v of values) headers.push({ name: canonical, value: v });
  }
  return headers;
}

// §18.3: Content-Length bounds the body; without it the rest of the datagram is the body.
function bodyOf(partial: Head, rawBody: Buffer): Buffer | HeaderProblem {
  const lengthText = getHeader(partial, 'content-length');
  if (lengthText === undefined) return rawBody;
  if (!/^\d+$/.test(lengthText)) return { header: 'Content-Length', reason: 'not a number' };
  const length = Number(lengthText);
  if (length > rawBody.length) return { header: 'Content-Length', reason: `says ${length} bytes, ${rawBody.length} received` };
  return rawBody.subarray(0, length);
}

/** §8.1.1: the headers every request and response must carry, parsed, in this order of checking. */
function essentialsOf(partial: Head, callId: string | undefined, method: string | undefined):
  { via: Via[]; from: NameAddr; to: NameAddr; callId: string; cseq: CSeq } | HeaderProblem {
  const via: Via[] = [];
  for (const value of getHeaders(partial, 'via')) {
    const parsed = parseVia(value);
    if (!parsed) return { header: 'Via', reason: `cannot parse ${JSON.stringify(value)}` };
    via.push(parsed);
  }
  if (via.length === 0) return { header: 'Via', reason: 'missing' };
  const from = nameAddrHeader(partial, 'From');
  if ('header' in from) return from;
  const to = nameAddrHeader(partial, 'To');
  if ('header' in to) return to;
  if (callId === undefined || callId === '') return { header: 'Call-ID', reason: 'missing' };
  const cseqText = getHeader(partial, 'cseq');
  if (cseqText === undefined) return { header: 'CSeq', reason: 'missing' };
  const cseq = parseCSeq(cseqText);
  if (!cseq) return { header: 'CSeq', reason: `cannot parse ${JSON.stringify(cseqText)}` };
  if (method !== undefined && method !== cseq.method) return { header: 'CSeq', reason: `method ${cseq.method} does not match ${method}` };
  const maxForwards = getHeader(partial, 'max-forwards');
  // §20.22: 0..255 hops (RFC 4475 §3.1.2.2 scalar02 sends 300).
  if (method !== undefined && maxForwards !== undefined && (!/^\d{1,10}$/.test(maxForwards) || Number(maxForwards) > 255)) {
    return { header: 'Max-Forwards', reason: `not 0..255: ${JSON.stringify(maxForwards.slice(0, 20))}` };
  }
  return { via, from, to, callId, cseq };
}

function nameAddrHeader(partial: Head, name: 'From' | 'To'): NameAddr | HeaderProblem {
  const value = getHeader(partial, name);
  if (value === undefined) return { header: name, reason: 'missing' };
  return parseNameAddr(value) ?? { header: name, reason: `cannot parse ${JSON.stringify(value)}` };
}

function fail(error: Omit<SipParseError, 'kind'>): ParseResult {
  return { ok: false, error: { kind: 'sip-parse-error', ...error } };
}

/** Serializes with a correct Content-Length (bytes, not characters). */
export function serialize(message: SipMessage): Buffer {
  const start = message.kind === 'request'
    ? `${message.method} ${message.uri} SIP/2.0`
    : `SIP/2.0 ${message.status} ${message.reason}`;
  const lines = [start];
  for (const h of message.headers) {
    if (h.name.toLowerCase() !== 'content-length') lines.push(`${h.name}: ${h.value}`);
  }
  lines.push(`Content-Length: ${Buffer.byteLength(message.body, 'utf8')}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${message.body}`, 'utf8');
}

const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist', 486: 'Busy Here', 487: 'Request Terminated',
  488: 'Not Acceptable Here', 500: 'Server Internal Error', 503: 'Service Unavailable', 505: 'Version Not Supported',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 300 ? 'OK' : 'Error');
}

/**
 * A response to `request` (RFC 3261 §8.2.6): Via, From, Call-ID, CSeq copied, To copied with
 * `toTag` added when the request's To had none.
 */
export function createResponse(
  request: { readonly headers: readonly Header[]; readonly to?: NameAddr },
  status: number,
  options: { reason?: string; toTag?: string; headers?: readonly Header[]; body?: string } = {},
): SipResponse {
  const copied: Header[] = [];
  for (const h of request.headers) {
    const lower = h.name.toLowerCase();
    if (lower === 'to') {
      const hasTag = request.to ? request.to.tag !== undefined : /;\s*tag=/i.test(h.value);
      copied.push({ name: 'To', value: options.toTag !== undefined && !hasTag && status > 100 ? `${h.value};tag=${options.toTag}` : h.value });
    } else if (lower === 'via' || lower === 'from' || lower === 'call-id' || lower === 'cseq' || (lower === 'record-route' && status < 300 && status > 100)) {
      copied.push(h);
    }
  }
  return {
    kind: 'response',
    status,
    reason: options.reason ?? reasonPhrase(status),
    headers: [...copied, ...(options.headers ?? [])],
    body: options.body ?? '',
  };
}

export type FrameResult = { ok: true; message: Buffer } | { ok: false; reason: string };

/**
 * Splits a TCP byte stream into messages by Content-Length (RFC 3261 §18.3). CRLF keep-alives
 * between messages (RFC 5626 §3.5.1) are skipped.
 */
export class StreamFramer {
  private buffer = Buffer.alloc(0);

  constructor(private readonly maxHeaderBytes = 65536) {}

  push(chunk: Buffer): FrameResult[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: FrameResult[] = [];
    for (;;) {
      let skip = 0;
      while (this.buffer[skip] === 0x0d || this.buffer[skip] === 0x0a) skip++;
      if (skip > 0) this.buffer = this.buffer.subarray(skip);
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffer.length > this.maxHeaderBytes) {
          this.buffer = Buffer.alloc(0);
          out.push({ ok: false, reason: `no end of headers within ${this.maxHeaderBytes} bytes` });
        }
        return out;
      }
      const head = this.buffer.subarray(0, end).toString('utf8');
      const m = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(head);
      const length = m?.[1] === undefined ? 0 : Number(m[1]);
      const total = end + 4 + length;
      if (this.buffer.length < total) return out;
      out.push({ ok: true, message: this.buffer.subarray(0, total) });
      this.buffer = this.buffer.subarray(total);
    }
  }
}
