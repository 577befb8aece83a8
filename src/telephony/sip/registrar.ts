// The registrar's location service (RFC 3261 §10.3): bindings from an address-of-record to
// contacts, each with an expiry. Time is passed in; nothing here reads the clock.
import { parseNameAddr } from './message.ts';
import type { Endpoint } from './transport.ts';

export interface Binding {
  /** The user part of the address-of-record (the phone's username, e.g. an extension). */
  readonly aor: string;
  readonly contact: string;
  readonly expiresAt: Date;
  /** Where the REGISTER came from: the way back to the phone through NAT. */
  readonly source: Endpoint;
  readonly callId: string;
}

export interface RegisterInput {
  readonly aor: string;
  readonly contacts: readonly string[];
  readonly expiresHeader: string | undefined;
  readonly callId: string;
  readonly source: Endpoint;
}

export type RegisterOutcome =
  | { readonly ok: true; readonly bindings: readonly Binding[] }
  | { readonly ok: false; readonly status: 400; readonly reason: string };

export class Registrar {
  private readonly bindings = new Map<string, Binding[]>();

  constructor(private readonly maxExpiresSeconds = 3600, private readonly defaultExpiresSeconds = 3600) {}

  /** Applies a REGISTER; with no Contact it only queries (§10.3 step 8). */
  register(input: RegisterInput, now: Date): RegisterOutcome {
    const headerExpires = input.expiresHeader === undefined ? undefined : Number(input.expiresHeader);
    if (headerExpires !== undefined && !Number.isInteger(headerExpires)) return { ok: false, status: 400, reason: 'Expires is not a number' };
    let current = this.lookup(input.aor, now);
    if (input.contacts.length === 1 && input.contacts[0] === '*') {
      if (headerExpires !== 0) return { ok: false, status: 400, reason: 'Contact * needs Expires: 0' };
      this.bindings.delete(input.aor);
      return { ok: true, bindings: [] };
    }
    for (const value of input.contacts) {
      const contact = parseNameAddr(value);
      if (!contact || contact.uri === '*') return { ok: false, status: 400, reason: `bad Contact ${value}` };
      const paramExpires = contact.params['expires'] === undefined ? undefined : Number(contact.params['expires']);
      const requested = Number.isInteger(paramExpires) ? (paramExpires as number) : headerExpires ?? this.defaultExpiresSeconds;
      const seconds = Math.max(0, Math.min(requested, this.maxExpiresSeconds));
      current = current.filter((b) => b.contact !== contact.uri);
      if (seconds > 0) {
        current.push({ aor: input.aor, contact: contact.uri, expiresAt: new Date(now.getTime() + seconds * 1000), source: input.source, callId: input.callId });
      }
    }
    if (current.length === 0) this.bindings.delete(input.aor);
    else this.bindings.set(input.aor, current);
    return { ok: true, bindings: current };
  }

  /** Live bindings of one AoR, most recently refreshed last. */
  lookup(aor: string, now: Date): Binding[] {
    const live = (this.bindings.get(aor) ?? []).filter((b) => b.expiresAt.getTime() > now.getTime());
    if (live.length === 0) this.bindings.delete(aor);
    return live;
  }

  all(now: Date): Binding[] {
    return [...this.bindings.keys()].flatMap((aor) => this.lookup(aor, now));
  }

  /** Drops every binding of an AoR (its credentials were revoked). */
  removeAor(aor: string): void {
    this.bindings.delete(aor);
  }

  /** Drops the bindings made over a connection that closed (a browser's WebSocket). */
  removeSource(source: Endpoint): void {
    for (const [aor, list] of this.bindings) {
      const kept = list.filter((b) => !(b.source.protocol === source.protocol && b.source.address === source.address && b.source.port === source.port));
      if (kept.length === 0) this.bindings.delete(aor);
      else this.bindings.set(aor, kept);
    }
  }

  /** Asked for every request from an unlisted source over its rate (a flood): no copies, no allocation. */
  hasSource(address: string, now: Date): boolean {
    const t = now.getTime();
    for (const list of this.bindings.values()) {
      for (const b of list) if (b.source.address === address && b.expiresAt.getTime() > t) return true;
    }
    return false;
  }
}
