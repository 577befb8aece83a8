// The API client: JSON over fetch with the session's bearer token. A 401 ends the session here,
// so every page falls back to the login page the same way.
import { store } from './store.ts';
import type { Instance, User } from './types.ts';

export interface Session {
  token: string;
  user: User;
  instance: Instance;
  /** The line's clock minus the browser's, ms (a test line runs on a virtual clock). */
  clockOffset: number;
}

const KEY = 'chokutsu.session';

function saved(): Session | undefined {
  try {
    const text = sessionStorage.getItem(KEY);
    return text ? (JSON.parse(text) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export const session = store<Session | undefined>(saved());
session.subscribe((s) => (s ? sessionStorage.setItem(KEY, JSON.stringify(s)) : sessionStorage.removeItem(KEY)));

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  /** Sent as is with this content type (CSV, a flow file); otherwise `body` goes as JSON. */
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

async function request(method: string, path: string, body: unknown, options: RequestOptions, token = session.get()?.token): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (options.accept) headers['accept'] = options.accept;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    payload = options.contentType ? (body as BodyInit) : JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, ...(payload !== undefined ? { body: payload } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  if (!res.ok) {
    let parsed: Record<string, unknown> = {};
    try {
      parsed = (await res.json()) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    if (res.status === 401 && token && path !== '/api/login') session.set(undefined);
    throw new ApiError(res.status, typeof parsed['error'] === 'string' ? parsed['error'] : `${res.status} ${res.statusText}`, parsed);
  }
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const res = await request(method, path, body, options);
  return (await res.json()) as T;
}

/** A file from the API (a recording, a CSV export) as a Blob: the token goes in the header, never in a URL. */
export async function apiBlob(path: string, accept?: string): Promise<Blob> {
  const res = await request('GET', path, undefined, accept ? { accept } : {});
  return res.blob();
}

export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function logIn(username: string, password: string): Promise<Session> {
  const res = await request('POST', '/api/login', { username, password }, {}, undefined);
  const { token, user } = (await res.json()) as { token: string; user: User };
  const instance = (await (await request('GET', '/api/instance', undefined, {}, token)).json()) as Instance;
  const s = { token, user, instance, clockOffset: Date.parse(instance.now) - Date.now() };
  session.set(s);
  return s;
}

export async function logOut(): Promise<void> {
  try {
    await request('POST', '/api/logout', undefined, {});
  } catch {
    // the session may be gone already
  }
  session.set(undefined);
}
