// `chokutsu call --server`: a whole simulated contact on a running line, through its API: a test
// caller dials and presses keys; optionally an agent logs in, becomes Available, answers, talks,
// hangs up and finishes after-contact work.
import type { Io } from './io.ts';

export interface CallServerOptions {
  server: string;
  keys: string;
  from: string;
  to?: string;
  user?: string;
  answerAs?: string;
  talkSeconds: number;
  waitSeconds: number;
  json: boolean;
}

class ApiError extends Error {}

const REQUEST_TIMEOUT_MS = 10_000;

async function api<T>(base: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new ApiError(`cannot reach ${base}: ${unreachable(err)} — is \`chokutsu start\` running?`);
  }
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiError(`${method} ${path}: ${res.status} ${data.error ?? ''}`.trim());
  return data;
}

/** Why fetch could not talk to the server, from undici's cause (fetch itself only says "fetch failed"). */
function unreachable(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  switch (cause?.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'no such host';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return 'the connection was closed';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'the host is unreachable';
    default: return cause?.message ?? (err instanceof Error ? err.message : String(err));
  }
}

async function login(base: string, credentials: string): Promise<string> {
  const i = credentials.indexOf(':');
  if (i < 1) throw new ApiError('credentials are user:password');
  const r = await api<{ token: string }>(base, undefined, 'POST', '/api/login', { username: credentials.slice(0, i), password: credentials.slice(i + 1) });
  return r.token;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CallView { contactId: string; phase: string; hungUp: boolean; heard: { at: string; kind: string; text: string }[]; agentId?: string; queueId?: string }

export async function callServer(o: CallServerOptions, io: Io): Promise<number> {
  const usage = usageProblem(o);
  if (usage) {
    io.err(usage);
    return 2;
  }
  try {
    const { token, contactId, view } = await simulateContact(o);
    const record = await api<Record<string, unknown>>(o.server, token, 'GET', `/api/contacts/${contactId}`).catch(() => undefined);
    printContact(o, contactId, view, record, io);
    return 0;
  } catch (err) {
    if (err instanceof ApiError) {
      io.err(`call --server: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

function usageProblem(o: CallServerOptions): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(o.server);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return `--server ${JSON.stringify(o.server)}: not an http(s) URL (e.g. http://127.0.0.1:8080)`;
  if (!(o.talkSeconds >= 0)) return '--talk: a number of seconds';
  if (!(o.waitSeconds > 0)) return '--wait: a number of seconds, more than 0';
  return undefined;
}

/** Places the call as the supervisor and follows it to its end; the agent, if any, is Available first. */
async function simulateContact(o: CallServerOptions): Promise<{ token: string; contactId: string; view: CallView }> {
  if (!o.user) throw new ApiError('--user user:password (a supervisor or admin) is needed with --server');
  const token = await login(o.server, o.user);
  let agentToken: string | undefined;
  if (o.answerAs) {
    agentToken = await login(o.server, o.answerAs);
    await api(o.server, agentToken, 'PUT', '/api/agent/status', { status: 'Available' });
  }
  const call = await api<CallView>(o.server, token, 'POST', '/api/calls', { keys: o.keys, from: o.from.replace(/[^+0-9]/g, ''), ...(o.to ? { to: o.to } : {}) });
  const view = await followContact(o, token, call, agentToken ? { token: agentToken, hungUp: false } : undefined);
  return { token, contactId: call.contactId, view };
}

interface SimulatedAgent { token: string; answeredAt?: number; hungUp: boolean }

/** Bounded polling: every 100 ms until the contact ends or the wait runs out. */
async function followContact(o: CallServerOptions, token: string, call: CallView, agent: SimulatedAgent | undefined): Promise<CallView> {
  const deadline = Date.now() + o.waitSeconds * 1000;
  let view = call;
  while (Date.now() < deadline) {
    view = await api<CallView>(o.server, token, 'GET', `/api/calls/${call.contactId}`);
    if (view.hungUp || view.phase === 'ended') break;
    if (agent) {
      await agentTurn(o, call.contactId, agent);
    } else if (view.phase === 'queued' || view.phase === 'ringing') {
      break; // nobody simulated to answer: the call waits in the queue
    }
    await pause(100);
  }
  return view;
}

/** The agent accepts the offer, talks for talkSeconds, hangs up and finishes after-contact work. */
async function agentTurn(o: CallServerOptions, contactId: string, agent: SimulatedAgent): Promise<void> {
  const desk = await api<{ offers: { contactId: string }[] }>(o.server, agent.token, 'GET', '/api/agent');
  if (agent.answeredAt === undefined && desk.offers.some((c) => c.contactId === contactId)) {
    await api(o.server, agent.token, 'POST', `/api/agent/contacts/${contactId}/accept`);
    agent.answeredAt = Date.now();
  }
  if (agent.answeredAt !== undefined && !agent.hungUp && Date.now() - agent.answeredAt >= o.talkSeconds * 1000) {
    await api(o.server, agent.token, 'POST', `/api/agent/contacts/${contactId}/hangup`);
    await api(o.server, agent.token, 'POST', '/api/agent/acw/finish', { notes: 'chokutsu call --server' });
    agent.hungUp = true;
  }
}

function printContact(o: CallServerOptions, contactId: string, view: CallView, record: Record<string, unknown> | undefined, io: Io): void {
  if (o.json) {
    io.out(JSON.stringify({ call: view, record }, null, 2));
    return;
  }
  io.out(`contact ${contactId} on ${o.server}`);
  for (const h of view.heard) io.out(`${h.at}  ${h.kind.padEnd(10)} ${h.text}`);
  io.out(`phase: ${view.phase}${view.queueId ? ` · queue ${view.queueId}` : ''}${view.agentId ? ` · agent ${view.agentId}` : ''}`);
  if (!record) return;
  io.out(`record: ${String(record['disconnectReason'])} · talk ${String(record['talkDuration'])} s · cost ${JSON.stringify(record['cost'])}`);
  const recording = record['recording'] as { location: string } | undefined;
  if (recording) io.out(`recording: ${recording.location}`);
  else if (typeof record['recordingNote'] === 'string') io.out(`recording: ${record['recordingNote']}`);
}
