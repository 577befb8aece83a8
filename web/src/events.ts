// The live event stream (GET /api/events, a WebSocket): one connection per signed-in tab, shared by
// every page. A dropped connection comes back by itself with a growing, jittered delay, says so on
// screen meanwhile, and tells pages to fetch their state again once it is back (events may be missed).
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, api, session } from './api.ts';
import { store } from './store.ts';
import type { CenterEvent } from './types.ts';

export type Connection =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'reconnecting'; attempt: number; inSeconds: number }
  | { state: 'closed' };

export const connection = store<Connection>({ state: 'closed' });

const eventListeners = new Set<(e: CenterEvent) => void>();
const resyncListeners = new Set<() => void>();

/**
 * The address to open, the one place that knows how the stream is authorised: a short-lived ticket
 * from POST /api/events/ticket when the server has it, else the session token in the query string.
 */
export async function eventSocketUrl(token: string): Promise<string> {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`;
  try {
    const { ticket } = await api<{ ticket: string }>('POST', '/api/events/ticket');
    return `${base}?ticket=${encodeURIComponent(ticket)}`;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    return `${base}?token=${encodeURIComponent(token)}`;
  }
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

class EventStream {
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = true;
  private everOpened = false;

  start(token: string): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.everOpened = false;
    this.attempt = 0;
    void this.open(token);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = undefined;
    connection.set({ state: 'closed' });
  }

  private async open(token: string): Promise<void> {
    if (this.attempt === 0) connection.set({ state: 'connecting' });
    let url: string;
    try {
      url = await eventSocketUrl(token);
    } catch {
      this.retry(token);
      return;
    }
    if (this.stopped) return;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      const reopened = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      connection.set({ state: 'open' });
      if (reopened) for (const l of [...resyncListeners]) l();
    };
    socket.onmessage = (m) => {
      let event: CenterEvent;
      try {
        event = JSON.parse(String(m.data)) as CenterEvent;
      } catch {
        return;
      }
      for (const l of [...eventListeners]) l(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      this.retry(token);
    };
  }

  private retry(token: string): void {
    if (this.stopped) return;
    this.attempt += 1;
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** (this.attempt - 1));
    const delay = base * (0.8 + Math.random() * 0.4);
    connection.set({ state: 'reconnecting', attempt: this.attempt, inSeconds: Math.ceil(delay / 1000) });
    this.timer = setTimeout(() => void this.open(token), delay);
  }
}

const stream = new EventStream();

// One stream per session: it starts at log-in and stops at log-out.
function follow(s: ReturnType<typeof session.get>): void {
  stream.stop();
  if (s) stream.start(s.token);
}
session.subscribe(follow);
follow(session.get());

/** Calls `onEvent` for every event while the component is mounted; `onResync` after a reconnect. */
export function useEvents(onEvent: (e: CenterEvent) => void, onResync?: () => void): void {
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };
  useEffect(() => {
    const e = (ev: CenterEvent) => handlers.current.onEvent(ev);
    const r = () => handlers.current.onResync?.();
    eventListeners.add(e);
    resyncListeners.add(r);
    return () => {
      eventListeners.delete(e);
      resyncListeners.delete(r);
    };
  }, []);
}
