// A real server on loopback with the demo company, its clock set to an open Tuesday morning.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { demoDataDir } from '../runtime/support.ts';
import { startServer, type RunningServer } from '../../src/app/start.ts';
import type { InstanceDefinition, TelephonyConfig } from '../../src/instance/types.ts';
import { demoCustomers } from '../../src/instance/demo.ts';
import { setPhonePassword } from '../../src/app/accounts.ts';
import { SqlitePhoneStore } from '../../src/store/phones.ts';

export const TUESDAY_10AM = Date.parse('2026-11-24T10:00:00+09:00');

export interface TestLine {
  server: RunningServer;
  url: string;
  dir: string;
  admin: string;
  agent(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The demo line, edited, on an ephemeral port; time runs from Tuesday 10:00 JST. */
export async function startTestLine(
  edit?: (def: InstanceDefinition, dir: string) => void,
  options: { at?: number; telephony?: TelephonyConfig; log?: (m: string) => void } = {},
): Promise<TestLine> {
  const dir = demoDataDir((def, d) => edit?.(def, d));
  const realStart = Date.now();
  const start = options.at ?? TUESDAY_10AM;
  const clock = { now: () => start + (Date.now() - realStart) };
  const server = await startServer(dir, { port: 0, clock, log: options.log ?? (() => {}), telephony: options.telephony ?? false });
  server.services.line.directory.importAll(demoCustomers(), new Date(clock.now()));
  await server.services.users.create({ username: 'admin', password: 'admin-password', role: 'admin' });
  for (const a of server.services.line.definition.agents) {
    await server.services.users.create({ username: a.username, password: `${a.username}-password`, role: 'agent', agentId: a.id });
  }
  const admin = await login(server.url, 'admin', 'admin-password');
  return {
    server, url: server.url, admin, dir,
    agent: (name) => login(server.url, name, `${name}-password`),
    close: () => server.close(),
  };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const r = await api(url, undefined, 'POST', '/api/login', { username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { token: string }).token;
}

export interface ApiResponse {
  status: number;
  body: Record<string, unknown> & { [k: string]: unknown };
  text: string;
}

export async function api(url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (e.g. /metrics)
  }
  return { status: res.status, body: parsed, text };
}

/** Polls until `check` returns a value (bounded: `tries` tries, 50 ms apart). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The event stream as a browser opens it: a single-use ticket for the bearer token, then the WebSocket. */
export async function openEvents(url: string, token: string): Promise<WebSocket> {
  const r = await api(url, token, 'POST', '/api/events/ticket');
  if (r.status !== 200) throw new Error(`events ticket: ${r.status} ${r.text}`);
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/events?ticket=${encodeURIComponent(String(r.body['ticket']))}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Options of phoneLine: the line's start time, an edit of the definition, an outbound trunk, media threads, its log. */
export interface PhoneLineOptions {
  at?: string;
  edit?: (def: InstanceDefinition, dir: string) => void;
  outbound?: NonNullable<TelephonyConfig['trunks']>[number]['outbound'];
  /** telephony.rtp.mediaWorkers; one per core by default. */
  mediaWorkers?: number;
  log?: (m: string) => void;
}

/**
 * The demo line with SIP (UDP/TCP and WebSocket) on loopback, 127.0.0.1 a trunk, and every agent's
 * phone password `secret<extension>`; RTP on 200 ports from `rtpBase`.
 */
export async function phoneLine(rtpBase: number, o: PhoneLineOptions = {}): Promise<TestLine & { sipPort: number; wsUrl: string }> {
  const line = await startTestLine(o.edit, {
    ...(o.at ? { at: Date.parse(o.at) } : {}),
    ...(o.log ? { log: o.log } : {}),
    telephony: {
      sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
      rtp: { host: '127.0.0.1', portMin: rtpBase, portMax: rtpBase + 199, ...(o.mediaWorkers !== undefined ? { mediaWorkers: o.mediaWorkers } : {}) },
      trunks: [{ name: 'test trunk', addresses: ['127.0.0.1'], ...(o.outbound ? { outbound: o.outbound } : {}) }],
      tts: { engine: 'espeak-ng', wordsPerMinute: 450 },
    },
  });
  const phones = new SqlitePhoneStore(line.server.services.line.db);
  for (const a of line.server.services.line.definition.agents) {
    if (a.extension) setPhonePassword(phones, { username: a.extension, agentId: a.id, realm: 'chokutsu', password: `secret${a.extension}` }, new Date());
  }
  const sipPort = line.server.sip?.port;
  assert.ok(sipPort, 'the line listens for SIP');
  return { ...line, sipPort, wsUrl: `${line.url.replace(/^http/, 'ws')}/sip` };
}
