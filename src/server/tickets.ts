// Tickets for the WebSocket handshake. A browser cannot set Authorization on a WebSocket, and a
// session token in a URL ends up in proxy logs and browser history; so the page asks for a ticket
// (POST /api/events/ticket, with its bearer token) and opens /api/events?ticket=…: valid 30 s,
// once, and only while the session that asked for it is still live.
import { randomBytes } from 'node:crypto';

export const TICKET_MS = 30_000;
const MAX_TICKETS = 10_000;

export class TicketBook<Session> {
  private readonly tickets = new Map<string, { session: Session; expiresAt: number }>();

  issue(session: Session, now: number): { ticket: string; expiresAt: string } {
    this.prune(now);
    if (this.tickets.size >= MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value as string); // oldest first
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = now + TICKET_MS;
    this.tickets.set(ticket, { session, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The ticket's session, once: a used, unknown or expired ticket gives undefined. */
  redeem(ticket: string, now: number): Session | undefined {
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return entry && entry.expiresAt > now ? entry.session : undefined;
  }

  private prune(now: number): void {
    for (const [k, v] of this.tickets) if (v.expiresAt <= now) this.tickets.delete(k);
  }
}
