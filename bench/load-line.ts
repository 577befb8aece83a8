// What the soak and the flood benches share: the line as an operator runs it (a child process, so
// its CPU, memory and descriptors are its own in /proc), agent desk phones and callers in sipp that
// talk for the whole call (rtp_stream, looped), /metrics read as numbers, and the RESULTS.md section.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import type { InstanceDefinition } from '../src/instance/types.ts';
import { agentAnswersScenario, pcmaSdp } from '../test/e2e/sipp-support.ts';
import { api, login } from '../test/e2e/support.ts';
import {
  loadLineDir, phonesInjection, phonesRegisterScenario, sippProcess, startLineProcess, waitFor,
  type LineProcess, type LoadLine, type SippProcess,
} from '../test/faults/line-process.ts';

export interface BenchLine {
  line: LineProcess;
  setup: LoadLine;
  admin: string;
  pid: number;
}

/**
 * The load line (test/faults/line-process.ts: N agents in queue `load`, a flow that records both
 * sides and queues) with a short after-contact work, so an agent takes the next call soon.
 */
export async function startBenchLine(o: { agents: number; rtp: { portMin: number; portMax: number }; acwSeconds: number }): Promise<BenchLine> {
  const setup = await loadLineDir(o.agents, o.rtp);
  const file = join(setup.dir, 'chokutsu.yaml');
  const def = parse(readFileSync(file, 'utf8')) as InstanceDefinition;
  for (const profile of def.routingProfiles) profile.afterContactWorkTimeoutSeconds = o.acwSeconds;
  writeFileSync(file, stringify(def));
  const line = await startLineProcess(setup.dir);
  const pid = line.child.pid;
  if (pid === undefined) throw new Error('the line process has no pid');
  return { line, setup, pid, admin: await login(line.url, 'admin', setup.adminPassword) };
}

/** Raw A-law (rtp_stream's format for payload 8): `seconds` of quiet pink noise, looped by sipp. */
export function talkAudio(seconds = 10): Buffer {
  return execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'a-law', '-t', 'raw', '-', 'synth', String(seconds), 'pinknoise', 'vol', '0.2']);
}

/** A trunk caller: INVITE (PCMA), talks (talk.al, looped) for a uniformly random hold, BYE. INVITE→200 is ResponseTime1. */
export function callerHoldScenario(dialed: string, holdMs: { min: number; max: number }): string {
  const from = '<sip:0312345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]';
  const to = `<sip:${dialed}@[remote_ip]:[remote_port]>`;
  const request = (method: string, cseq: number, extra = '') => `${method} sip:${dialed}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: ${to}${method === 'INVITE' ? '' : '[peer_tag_param]'}
Call-ID: [call_id]
CSeq: ${cseq} ${method}
Max-Forwards: 70${extra}`;
  const pause = holdMs.min === holdMs.max
    ? `<pause milliseconds="${holdMs.min}"/>`
    : `<pause distribution="uniform" min="${holdMs.min}" max="${holdMs.max}"/>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench caller (hold)">
  <send retrans="500" start_rtd="true"><![CDATA[
${request('INVITE', 1, '\nContact: <sip:0312345678@[local_ip]:[local_port]>\nContent-Type: application/sdp\nContent-Length: [len]')}

${pcmaSdp('caller')}
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
${request('ACK', 1, '\nContent-Length: 0')}
]]></send>
  <nop><action><exec rtp_stream="talk.al,-1,8"/></action></nop>
  ${pause}
  <send retrans="500"><![CDATA[
${request('BYE', 2, '\nContent-Length: 0')}
]]></send>
  <recv response="200" crlf="true"/>
  <ResponseTimeRepartition value="10, 20, 50, 100, 200, 500, 1000"/>
</scenario>`;
}

/** Every agent's phone registers (one sipp, digest) and answers; then every agent is made Available. */
export async function registerPhones(b: BenchLine, upForMs: number, audio: Buffer): Promise<SippProcess> {
  const n = b.setup.agents.length;
  const phones = await sippProcess({
    scenario: phonesRegisterScenario(upForMs, 3600), serverPort: b.line.sipPort, calls: n, rate: 50, limit: n,
    inject: phonesInjection(b.setup.agents), oocs: agentAnswersScenario({ answerAfterMs: 100, talk: { loop: 'talk.al' } }), timeoutSeconds: Math.ceil(upForMs / 1000) + 120,
    files: { 'talk.al': audio },
  });
  await waitFor('every phone to register', () => (phones.logged().length >= n ? true : undefined), 60_000);
  for (const a of b.setup.agents) {
    const r = await api(b.line.url, b.admin, 'PUT', `/api/agents/${a.id}/status`, { status: 'Available' });
    if (r.status !== 200) throw new Error(`agent ${a.id} Available: ${r.status} ${r.text}`);
  }
  return phones;
}

/** The line's number as the load line's callers dial it (the demo's first number, without +). */
export function dialedNumber(b: BenchLine): string {
  const def = parse(readFileSync(join(b.setup.dir, 'chokutsu.yaml'), 'utf8')) as InstanceDefinition;
  const number = def.phoneNumbers[0]?.number;
  if (number === undefined) throw new Error('the load line has no phone number');
  return number.replace(/^\+/, '');
}

/** /metrics as numbers by series, e.g. `chokutsu_sip_messages_dropped_total{reason="rate"}`. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
  return parseMetrics(await res.text());
}

export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** The sum of every series of a metric (all label sets). */
export function metricSum(metrics: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [series, value] of metrics) if (series === name || series.startsWith(`${name}{`)) sum += value;
  return sum;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A process's CPU time so far (user + system, /proc/<pid>/stat), in ms; 0 once it is gone. */
export function processCpuMs(pid: number | undefined): number {
  const file = `/proc/${pid ?? 'none'}/stat`;
  if (!existsSync(file)) return 0;
  const stat = readFileSync(file, 'utf8');
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** VmRSS of a process (/proc/<pid>/status), in bytes. */
export function processRss(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

export function processFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** sipp's statistics file (-trace_stat -stf): the last row by column. */
export function sippStats(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  const row = lines[lines.length - 1]?.split(';') ?? [];
  return new Map(header.map((h, i) => [h, row[i] ?? '']));
}

export const statNumber = (stats: Map<string, string>, column: string): number => Number(stats.get(column) ?? NaN);

/** sipp's "HH:MM:SS:uuuuuu" (or milliseconds) response time, in milliseconds. */
export function statMs(stats: Map<string, string>, column: string): number {
  const text = stats.get(column) ?? '';
  const [h = NaN, m = NaN, s = NaN, frac = NaN] = text.split(':').map(Number);
  const fraction = (text.split(':')[3]?.length ?? 0) >= 6 ? frac / 1000 : frac;
  return ((h * 60 + m) * 60 + s) * 1000 + fraction;
}

/** Contact records the line wrote (read after it stopped). */
export function recordsWritten(dir: string): { total: number; withAgent: number; withRecording: number } {
  const db = new Database(join(dir, 'chokutsu.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT count(*) AS total, count(agent_id) AS withAgent,
      sum(CASE WHEN json_extract(record, '$.recording') IS NOT NULL THEN 1 ELSE 0 END) AS withRecording FROM contact_records`).get() as
      { total: number; withAgent: number; withRecording: number | null };
    return { total: row.total, withAgent: row.withAgent, withRecording: row.withRecording ?? 0 };
  } finally {
    db.close();
  }
}

/** When each contact started (epoch ms) and whether it reached an agent (read after the line stopped). */
export function recordStarts(dir: string): { at: number; bridged: boolean }[] {
  const db = new Database(join(dir, 'chokutsu.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT initiation_ts AS at, agent_id AS agent FROM contact_records').all() as { at: number; agent: string | null }[];
    return rows.map((r) => ({ at: r.at, bridged: r.agent !== null }));
  } finally {
    db.close();
  }
}

/**
 * Datagrams the kernel dropped at the UDP sockets bound to `port` because their receive buffer was
 * full (the `drops` column of /proc/net/udp): what a flood took from everyone else on that socket.
 */
export function udpSocketDrops(port: number): number {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hexPort)) drops += Number(fields[fields.length - 1]);
  }
  return drops;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
