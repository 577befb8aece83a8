// The line as an operator runs it (`node bin/chokutsu.mjs start`, a child process) on a data
// directory made for calls at load: N agents with desk phones in one queue, a flow that records and
// queues every call at any hour. Used by the crash test, the disk tests, bench/soak.ts and bench/flood.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { setAgentPhonePassword } from '../../src/app/accounts.ts';
import { openLine } from '../../src/app/line.ts';
import { resourceArn } from '../../src/instance/arn.ts';
import type { InstanceDefinition } from '../../src/instance/types.ts';
import { main } from '../../src/cli/main.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const SIPP = '/usr/bin/sipp';

export interface LoadLine {
  dir: string;
  adminPassword: string;
  /** Agent ids, in rank order, with their phones' extensions and passwords. */
  agents: { id: string; extension: string; password: string }[];
}

/**
 * A demo data directory with `agents` more agents (`load-01`…, extensions 3001…) ranked in the queue
 * `load`, and the line's number running a flow that records both sides and queues the caller there.
 */
export async function loadLineDir(agents: number, rtp: { portMin: number; portMax: number }): Promise<LoadLine> {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-faults-'));
  const quiet = { out: () => {}, err: () => {} };
  if (await main(['--data-dir', dir, 'init'], quiet) !== 0) throw new Error('chokutsu init failed');
  const file = join(dir, 'chokutsu.yaml');
  const def = parse(readFileSync(file, 'utf8')) as InstanceDefinition;
  const added = Array.from({ length: agents }, (_, i) => ({
    id: `load-${String(i + 1).padStart(2, '0')}`, extension: String(3001 + i), password: `phone-secret-${3001 + i}`,
  }));
  def.agents.push(...added.map((a) => ({ id: a.id, name: a.id, username: a.id, routingProfile: 'default', extension: a.extension })));
  def.queues.push({
    id: 'load', name: 'load', hoursOfOperation: def.queues[0]?.hoursOfOperation ?? 'business-hours', ringTimeoutSeconds: 20, maxWaitSeconds: 300,
    agents: added.map((a, i) => ({ agent: a.id, rank: i + 1 })),
  });
  if (!def.telephony) throw new Error('the demo definition has no telephony');
  def.telephony.sip = { ...def.telephony.sip, port: 0 };
  def.telephony.rtp = { ...def.telephony.rtp, ...rtp };
  def.telephony.tts = { engine: 'espeak-ng', wordsPerMinute: 450 };
  writeFileSync(join(dir, 'flows', 'record-and-queue.json'), JSON.stringify(recordAndQueueFlow(resourceArn(def, 'queue', 'load'))));
  def.flows.push({ id: 'record-and-queue', name: 'record-and-queue', file: 'flows/record-and-queue.json', type: 'CONTACT_FLOW' });
  const first = def.phoneNumbers[0];
  if (!first) throw new Error('the demo definition has no phone number');
  first.flow = 'record-and-queue';
  writeFileSync(file, stringify(def));
  const line = await openLine(dir, { now: () => new Date(), warn: () => {} });
  try {
    for (const a of added) setAgentPhonePassword(line, a, a.password, new Date());
  } finally {
    line.close();
  }
  const adminPassword = readFileSync(join(dir, 'demo-users.txt'), 'utf8').split('\n').find((l) => l.startsWith('admin\t'))?.split('\t')[1] ?? '';
  return { dir, adminPassword, agents: added };
}

/** Records agent and customer, queues the caller in `queueArn`; the line hangs up when the queue fails. */
function recordAndQueueFlow(queueArn: string): unknown {
  const bye = { NextAction: 'bye', ErrorType: 'NoMatchingError' };
  return {
    Version: '2019-10-30',
    StartAction: 'record',
    Actions: [
      { Identifier: 'record', Type: 'UpdateContactRecordingBehavior', Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } },
        Transitions: { NextAction: 'queue', Errors: [], Conditions: [] } },
      { Identifier: 'queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: queueArn }, Transitions: { NextAction: 'transfer', Errors: [bye], Conditions: [] } },
      { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {},
        Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'QueueAtCapacity' }, bye], Conditions: [] } },
      { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };
}

export interface LineProcess {
  child: ChildProcess;
  url: string;
  sipPort: number;
  output(): string;
  /** SIGTERM and the exit (graceful stop). */
  stop(): Promise<void>;
  /** kill -9: no clean-up of any kind. */
  crash(): Promise<void>;
}

export async function freeTcpPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

/** A UDP port nobody holds now; for media an even one with its three neighbours free. */
export async function freeUdpPort(even = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const sockets: dgram.Socket[] = [];
    try {
      const bind = async (p: number) => {
        const s = dgram.createSocket('udp4');
        sockets.push(s);
        await new Promise<void>((r, j) => s.once('error', j).bind(p, '127.0.0.1', () => r()));
        return s.address().port;
      };
      const port = await bind(0);
      if (!even) return port;
      if (port % 2 !== 0 || port > 65000) continue;
      for (const p of [port + 1, port + 2, port + 3]) await bind(p);
      return port;
    } catch {
      // taken: another
    } finally {
      for (const s of sockets) s.close();
    }
  }
  throw new Error('no free UDP port');
}

/** Resolves with the first match of `pattern` in the output (bounded). */
export function waitForOutput(child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((done, fail) => {
    const check = () => {
      const m = output().match(pattern);
      if (!m) return;
      cleanup();
      done(m);
    };
    const exited = (code: number | null) => {
      cleanup();
      fail(new Error(`exited (${code}) before printing ${pattern}:\n${output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      fail(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

/** `node bin/chokutsu.mjs start` on the data directory; resolves once HTTP and SIP are up. */
export async function startLineProcess(dir: string, port?: number): Promise<LineProcess> {
  const httpPort = port ?? await freeTcpPort();
  const child = spawn(process.execPath, ['bin/chokutsu.mjs', 'start', '--port', String(httpPort)], {
    cwd: ROOT, env: { ...process.env, CHOKUTSU_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const output = () => out;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const [, url] = await waitForOutput(child, output, /the line is up at (http:\/\/\S+)/, 60_000);
    const [, sipPort] = await waitForOutput(child, output, /SIP \(UDP and TCP\) on [\d.]+:(\d+)/, 10_000);
    return {
      child, url: url as string, sipPort: Number(sipPort), output,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
      crash: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

export interface SippProcess {
  /** sipp's working directory: the scenario, its logs, and any file `args` asked for (e.g. -stf). */
  dir: string;
  pid: number | undefined;
  /** Lines sipp logged with <log> (the -trace_logs file). */
  logged(): string[];
  done: Promise<{ code: number | null; errors: string }>;
  kill(): void;
}

/**
 * sipp with a scenario, bounded by -timeout. `calls` calls at `rate` per second (at most `limit` at
 * once); `inject` is an injection file (-inf) whose fields the scenario reads as [field0]….
 */
export async function sippProcess(o: {
  scenario: string; serverPort: number; calls?: number; rate?: number; limit?: number; inject?: string; oocs?: string; timeoutSeconds?: number;
  /** More sipp arguments (statistics files, -rp). */
  args?: readonly string[];
  /** Files sipp reads next to the scenario (rtp_stream audio), by name. */
  files?: Readonly<Record<string, Buffer>>;
}): Promise<SippProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-sipp-'));
  writeFileSync(join(dir, 'scenario.xml'), o.scenario);
  const calls = o.calls ?? 1;
  const args = ['-sf', 'scenario.xml', '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-mp', String(await freeUdpPort(true)),
    '-m', String(calls), '-r', String(o.rate ?? 10), '-l', String(o.limit ?? calls), '-timeout', `${o.timeoutSeconds ?? 120}s`, '-timeout_error',
    '-nostdin', '-trace_err', '-error_file', 'errors.log', '-trace_logs', '-log_file', 'scenario.log'];
  if (o.inject !== undefined) {
    writeFileSync(join(dir, 'inject.csv'), o.inject);
    args.push('-inf', 'inject.csv');
  }
  if (o.oocs !== undefined) {
    writeFileSync(join(dir, 'ooc.xml'), o.oocs);
    args.push('-oocsf', 'ooc.xml');
  }
  for (const [name, bytes] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), bytes);
  args.push(...(o.args ?? []), `127.0.0.1:${o.serverPort}`);
  const child = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const read = (f: string): string => {
    try {
      return readFileSync(join(dir, f), 'utf8');
    } catch {
      return '';
    }
  };
  const done = new Promise<{ code: number | null; errors: string }>((resolveDone) => {
    child.on('exit', (code) => resolveDone({ code, errors: `${stderr}\n${read('errors.log')}`.trim() }));
  });
  return {
    dir, pid: child.pid,
    logged: () => read('scenario.log').split('\n').filter((l) => l.trim() !== ''),
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Agents' desk phones in one sipp: each "call" registers the extension in [field0] with the digest credential in [field1] and logs it. */
export function phonesRegisterScenario(upForMs: number, expiresSeconds = 600): string {
  const register = (cseq: number, auth: string) => `<send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:[field0]@[remote_ip]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: ${cseq} REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
Expires: ${expiresSeconds}${auth}
Max-Forwards: 70
Content-Length: 0
]]></send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent phones">
  ${register(1, '')}
  <recv response="401" auth="true"/>
  ${register(2, '\n[field1]')}
  <recv response="200"/>
  <nop><action><log message="registered [field0]"/></action></nop>
  <pause milliseconds="${upForMs}"/>
</scenario>`;
}

/** The injection file for phonesRegisterScenario. */
export function phonesInjection(agents: readonly { extension: string; password: string }[]): string {
  // sipp reads a keyword inside a field (not a field inside a keyword): the whole credential is field 1.
  return `SEQUENTIAL\n${agents.map((a) => `${a.extension};[authentication username=${a.extension} password=${a.password}]`).join('\n')}\n`;
}

/** Polls until `check` returns a value; `what` names it in the error (bounded by timeoutMs). */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
