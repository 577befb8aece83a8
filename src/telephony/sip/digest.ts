// HTTP digest authentication as SIP uses it (RFC 3261 §22.4, RFC 2617 / RFC 7616 with MD5 and
// qop=auth). Nonces are stateless: a timestamp signed with a per-process secret, so expiry can be
// checked without remembering what was issued.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthHeader } from './message.ts';

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** HA1 = MD5(username:realm:password) (RFC 2617 §3.2.2.2): what a registrar needs to keep. */
export function digestHa1(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

export interface DigestInput {
  readonly ha1: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly qop?: string | undefined;
  readonly nc?: string | undefined;
  readonly cnonce?: string | undefined;
}

/** The `response` value (RFC 2617 §3.2.2.1). */
export function digestResponse(input: DigestInput): string {
  const ha1 = input.ha1;
  const ha2 = md5(`${input.method}:${input.uri}`);
  if (input.qop === 'auth') return md5(`${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:auth:${ha2}`);
  return md5(`${ha1}:${input.nonce}:${ha2}`);
}

export type NonceState = 'valid' | 'stale' | 'invalid';

export class NonceIssuer {
  constructor(
    private readonly ttlMs: number = 5 * 60_000,
    private readonly secret: Buffer = randomBytes(32),
  ) {}

  issue(now: Date): string {
    const stamp = now.getTime().toString(36);
    return `${stamp}.${this.sign(stamp)}`;
  }

  check(nonce: string, now: Date): NonceState {
    const [stamp = '', signature = ''] = nonce.split('.');
    const expected = Buffer.from(this.sign(stamp));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    const issuedAt = parseInt(stamp, 36);
    if (!Number.isFinite(issuedAt) || issuedAt > now.getTime()) return 'invalid';
    return now.getTime() - issuedAt > this.ttlMs ? 'stale' : 'valid';
  }

  private sign(stamp: string): string {
    return createHmac('sha256', this.secret).update(stamp).digest('base64url').slice(0, 22);
  }
}

/** A `WWW-Authenticate` value (RFC 3261 §22.4). */
export function challengeHeader(realm: string, nonce: string, stale = false): string {
  return `Digest realm="${realm}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
}

export type DigestVerdict =
  | { readonly ok: true; readonly username: string }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'wrong-realm' | 'unknown-user' | 'wrong-password' | 'stale-nonce' | 'bad-nonce';
      readonly username?: string;
    };

export interface VerifyOptions {
  readonly method: string;
  readonly realm: string;
  readonly nonces: NonceIssuer;
  /** HA1 of the user in our realm, undefined for an unknown user; several when the user has more than one password (a desk phone and a browser's). */
  readonly lookupHa1: (username: string) => string | readonly string[] | undefined;
  readonly now: Date;
}

/** Checks an `Authorization` header against our realm, nonce and the user's password. */
export function verifyAuthorization(auth: AuthHeader, options: VerifyOptions): DigestVerdict {
  const p = auth.params;
  const username = p['username'];
  if (auth.scheme.toLowerCase() !== 'digest' || username === undefined || p['nonce'] === undefined ||
    p['uri'] === undefined || p['response'] === undefined) {
    return { ok: false, reason: 'malformed', ...(username === undefined ? {} : { username }) };
  }
  if (p['algorithm'] !== undefined && p['algorithm'].toUpperCase() !== 'MD5') return { ok: false, reason: 'malformed', username };
  if (p['realm'] !== options.realm) return { ok: false, reason: 'wrong-realm', username };
  const found = options.lookupHa1(username);
  const ha1s = found === undefined ? [] : typeof found === 'string' ? [found] : found;
  if (ha1s.length === 0) return { ok: false, reason: 'unknown-user', username };
  const given = Buffer.from(p['response'].toLowerCase());
  const matches = ha1s.map((ha1) => {
    const expected = digestResponse({ ha1, method: options.method, uri: p['uri'] as string, nonce: p['nonce'] as string, qop: p['qop'], nc: p['nc'], cnonce: p['cnonce'] });
    return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
  });
  if (!matches.includes(true)) return { ok: false, reason: 'wrong-password', username };
  // The password was right; only now does nonce freshness decide between stale and accepted.
  const nonce = options.nonces.check(p['nonce'], options.now);
  if (nonce === 'invalid') return { ok: false, reason: 'bad-nonce', username };
  if (nonce === 'stale') return { ok: false, reason: 'stale-nonce', username };
  return { ok: true, username };
}
