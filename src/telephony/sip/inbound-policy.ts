// Who may call in and who may register (RFC 3261 §22 digest, §10.3 registrar authorization):
// trunks by source address or by credentials, agent phones by digest, and a per-source
// failure limiter against password guessing, and a message-rate screen for everyone else.
// Requests, source and time in; a decision out. Nothing here sends: the user agent answers (or
// drops) as it is told.
import net from 'node:net';
import { challengeHeader, digestHa1, NonceIssuer, verifyAuthorization, type DigestVerdict } from './digest.ts';
import { SlidingWindowLimiter, SourceRateLimiter, type FailureLimiter, type RateLimiterOptions } from './limiter.ts';
import { getHeader, parseAuthHeader, parseUri, type Header, type IncomingRequest, type NameAddr } from './message.ts';
import type { Registrar } from './registrar.ts';
import type { Endpoint } from './transport.ts';

export interface TrunkConfig {
  readonly name: string;
  /** Source addresses allowed to send calls in: exact IPs or CIDR blocks. */
  readonly addresses?: readonly string[];
  readonly username?: string;
  readonly password?: string;
}

/** accept: go ahead; challenge: ask for digest credentials (401); reject: 403 and a log line. */
export type CallDecision = 'accept' | 'challenge' | 'reject';

export interface InboundPolicyOptions {
  readonly realm: string;
  /** Agent phones' digest HA1 (MD5(username:realm:password)) by username (= extension = AoR user part). */
  readonly lookupHa1?: (username: string) => string | readonly string[] | undefined;
  /** The same from clear-text passwords, when those are what the caller has. */
  readonly lookupUser?: (username: string) => string | undefined;
  readonly trunks?: readonly TrunkConfig[];
  /** Replaces the default inbound policy (trunk allowlist, registered phones, trunk credentials). */
  readonly acceptCall?: (source: Endpoint, from: NameAddr) => CallDecision;
  readonly limiter?: FailureLimiter;
  /** SIP messages per source that is neither a listed trunk nor a registered phone (default 50/s, burst 100). */
  readonly requestRate?: RateLimiterOptions;
  readonly nonces?: NonceIssuer;
}

/** pass: on to the parser; otherwise dropped unanswered, and why. */
export type Screening = 'pass' | 'rate' | 'locked-out';

/** What the policy refused or dropped since it started (for /metrics). */
export interface ProtectionCounts {
  dropped: { rate: number; lockedOut: number };
  authFailures: number;
  lockouts: number;
}

/** A final response to send instead of going ahead, and the log line that explains it, if any. */
export interface Refusal {
  readonly ok: false;
  readonly status: 401 | 403;
  readonly headers: readonly Header[];
  readonly log?: string;
}

export type InviteAdmission = { readonly ok: true } | Refusal;
export type RegisterAdmission = { readonly ok: true; readonly aor: string } | Refusal;

type Verdict = DigestVerdict | { ok: false; reason: 'none'; username?: undefined };

export class InboundPolicy {
  private readonly trunkAddresses = new net.BlockList();
  private readonly limiter: FailureLimiter;
  private readonly rate: SourceRateLimiter;
  private readonly nonces: NonceIssuer;
  readonly counts: ProtectionCounts = { dropped: { rate: 0, lockedOut: 0 }, authFailures: 0, lockouts: 0 };

  /** `phones` tells which source addresses are registered phones (the location service). */
  constructor(
    private readonly options: InboundPolicyOptions,
    private readonly phones: Pick<Registrar, 'hasSource'>,
  ) {
    this.limiter = options.limiter ?? new SlidingWindowLimiter();
    this.rate = new SourceRateLimiter(options.requestRate);
    this.nonces = options.nonces ?? new NonceIssuer();
    for (const trunk of options.trunks ?? []) {
      for (const address of trunk.addresses ?? []) {
        const [ip = '', bits] = address.split('/');
        const family = net.isIPv6(ip) ? 'ipv6' : 'ipv4';
        if (bits === undefined) this.trunkAddresses.addAddress(ip, family);
        else this.trunkAddresses.addSubnet(ip, Number(bits), family);
      }
    }
  }

  /**
   * Every message, before it is parsed: a flood or a locked-out password guesser costs a few map
   * lookups, not a parse, a transaction, a response and its retransmissions. Listed trunks are
   * never screened; registered phones only when a guesser behind their address got it locked out.
   * (Responses come only from phones we called, which are registered.)
   */
  screen(source: Endpoint, now: Date): Screening {
    const address = source.address;
    if (this.isTrunkAddress(address)) return 'pass';
    if (this.limiter.isBlocked(address, now)) {
      this.counts.dropped.lockedOut++;
      return 'locked-out';
    }
    // The bucket first: the registrar lookup runs only for a source over its rate.
    if (this.rate.take(address, now.getTime()) || this.phones.hasSource(address, now)) return 'pass';
    this.counts.dropped.rate++;
    return 'rate';
  }

  /** A new INVITE (not a re-INVITE): from an allowed trunk, a registered phone, or with credentials. */
  invite(request: IncomingRequest, source: Endpoint, now: Date): InviteAdmission {
    const address = source.address;
    if (this.limiter.isBlocked(address, now)) {
      return refuse(403, [], `sip: refused INVITE from ${address} (blocked after failed authentication) call-id=${request.callId}`);
    }
    const decision = this.options.acceptCall ? this.options.acceptCall(source, request.from) : this.decide(source, now);
    if (decision === 'reject') {
      return refuse(403, [], `sip: refused INVITE from ${address}:${source.port} From ${request.from.uri} call-id=${request.callId}: not an allowed trunk or phone`);
    }
    if (decision === 'accept') return { ok: true };
    const verdict = this.authenticate(request, now, (username) => this.trunkHa1(username) ?? this.phoneHa1(username));
    return verdict.ok ? { ok: true } : this.challenge(request, source, verdict, now);
  }

  /** A REGISTER: digest credentials of the phone whose AoR it registers. */
  register(request: IncomingRequest, source: Endpoint, now: Date): RegisterAdmission {
    if (this.limiter.isBlocked(source.address, now)) {
      return refuse(403, [], `sip: refused REGISTER from ${source.address} (blocked after failed authentication)`);
    }
    const verdict = this.authenticate(request, now, (username) => this.phoneHa1(username));
    if (!verdict.ok) return this.challenge(request, source, verdict, now);
    const aor = parseUri(request.to.uri)?.user ?? '';
    if (aor !== verdict.username) {
      return refuse(403, [], `sip: REGISTER for ${aor} with credentials of ${verdict.username} from ${source.address} refused`);
    }
    return { ok: true, aor };
  }

  /** The default policy: trunk allowlist, then registered phones, then trunk credentials if any. */
  private decide(source: Endpoint, now: Date): CallDecision {
    if (this.isTrunkAddress(source.address)) return 'accept';
    if (this.phones.hasSource(source.address, now)) return 'accept';
    return (this.options.trunks ?? []).some((t) => t.username !== undefined) ? 'challenge' : 'reject';
  }

  private isTrunkAddress(address: string): boolean {
    return this.trunkAddresses.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
  }

  private trunkHa1(username: string): string | undefined {
    const password = (this.options.trunks ?? []).find((t) => t.username === username)?.password;
    return password === undefined ? undefined : digestHa1(username, this.options.realm, password);
  }

  private phoneHa1(username: string): string | readonly string[] | undefined {
    const ha1 = this.options.lookupHa1?.(username);
    if (ha1 !== undefined) return ha1;
    const password = this.options.lookupUser?.(username);
    return password === undefined ? undefined : digestHa1(username, this.options.realm, password);
  }

  private authenticate(request: IncomingRequest, now: Date, lookupHa1: (username: string) => string | readonly string[] | undefined): Verdict {
    const header = getHeader(request, 'authorization');
    if (header === undefined) return { ok: false, reason: 'none' };
    const auth = parseAuthHeader(header);
    if (!auth) return { ok: false, reason: 'malformed' };
    return verifyAuthorization(auth, { method: request.method, realm: this.options.realm, nonces: this.nonces, lookupHa1, now });
  }

  // §22.4: 401 with a fresh nonce; a wrong answer counts against the source, and a source
  // over the limit is refused outright. A stale nonce only asks again (stale=true).
  private challenge(request: IncomingRequest, source: Endpoint, verdict: Verdict & { ok: false }, now: Date): Refusal {
    const stale = verdict.reason === 'stale-nonce';
    let log: string | undefined;
    if (verdict.reason !== 'none' && !stale) {
      this.counts.authFailures++;
      if (this.limiter.recordFailure(source.address, now)) this.counts.lockouts++;
      log = `sip: ${request.method} authentication failed (${verdict.reason}) user=${verdict.username ?? '-'} from ${source.address} call-id=${request.callId}`;
      if (this.limiter.isBlocked(source.address, now)) return refuse(403, [], log);
    }
    return refuse(401, [{ name: 'WWW-Authenticate', value: challengeHeader(this.options.realm, this.nonces.issue(now), stale) }], log);
  }
}

function refuse(status: 401 | 403, headers: readonly Header[], log: string | undefined): Refusal {
  return log === undefined ? { ok: false, status, headers } : { ok: false, status, headers, log };
}
