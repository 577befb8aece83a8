// Telephony benchmark: the whole line (SIP, RTP, flow, router, bridge, recorder) against sipp on
// loopback: call setup rate (INVITE → 200 → ACK → BYE) at 100 calls/s and above. What the far ends
// of concurrent bridged, recorded calls receive is bench/media.ts.
//   node --expose-gc --import tsx bench/sip.ts
// Prints the figures and rewrites the "Telephony" section of bench/RESULTS.md.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { startServer, type RunningServer } from '../src/app/start.ts';
import { benchAgents, benchDataDir, benchTelephony, WAIT_NUMBER } from './bench-line.ts';
import { processCpuMs } from './proc-cpu.ts';
import { writeResultsSection } from './results.ts';

const SIPP = '/usr/bin/sipp';
const SCENARIOS = fileURLToPath(new URL('./sipp/', import.meta.url));

const SETUP_RATES = [100, 150, 200]; // calls per second; the first is the target
const SETUP_CALLS = 3000;
// The setup calls reach no agent; the company is bench/media.ts's, with a few.
const AGENTS = 20;

// ---- sipp ------------------------------------------------------------------------------------

// What sipp prints on every run, not problems.
const SIPP_INFO = /^(Resolving remote host|In pcap |max pkt length|base port|The following events occurred)/;

let nextSippPort = 40000 + (process.pid % 100) * 40;

interface SippRun {
  /** The exit code, and the last line of sipp's statistics file (-trace_stat) by column. */
  done: Promise<{ code: number | null; stats: Map<string, string>; errors: string }>;
  stop(): void;
  /** CPU time used so far (Linux /proc), to see how much of the machine the peers take. */
  cpuMs(): number;
}

interface SippOptions {
  /** A file of bench/sipp/ (-sf), and optionally the out-of-call scenario (-oocsf). */
  scenario: string;
  oocScenario?: string;
  args: readonly string[];
}

/** One sipp process, bounded by -m and -timeout; `stop()` kills it (for the phones, which wait). */
function sipp(workDir: string, name: string, o: SippOptions, serverPort: number): SippRun {
  // sipp looks for a scenario's pcap files next to the scenario, so the scenarios join the pcaps.
  const scenarioArgs: string[] = [];
  for (const [flag, file] of [['-sf', o.scenario], ['-oocsf', o.oocScenario]] as const) {
    if (file === undefined) continue;
    copyFileSync(join(SCENARIOS, file), join(workDir, file));
    scenarioArgs.push(flag, join(workDir, file));
  }
  const statsFile = join(workDir, `${name}-stats.csv`);
  const errorFile = join(workDir, `${name}-errors.log`);
  const port = nextSippPort;
  nextSippPort += 10;
  const child = spawn(SIPP, [
    ...scenarioArgs, ...o.args, '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 2), '-nostdin',
    '-trace_stat', '-stf', statsFile, '-fd', '1', '-trace_err', '-error_file', errorFile,
    `127.0.0.1:${serverPort}`,
  ], { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stats: Map<string, string>; errors: string }>((resolveDone) => {
    child.on('exit', (code) => {
      const log = `${stderr}\n${existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : ''}`;
      const errors = log.split('\n').filter((l) => l.trim() !== '' && !SIPP_INFO.test(l)).join('\n');
      resolveDone({ code, stats: lastStatsRow(statsFile), errors });
    });
  });
  return { done, stop: () => child.kill('SIGKILL'), cpuMs: () => processCpuMs(child.pid) };
}

function lastStatsRow(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  const row = lines[lines.length - 1]?.split(';') ?? [];
  return new Map(header.map((h, i) => [h, row[i] ?? '']));
}

function sippVersion(): string {
  const out = spawnSync(SIPP, ['-v'], { encoding: 'utf8' });
  return /SIPp v[\w.-]*\w/.exec(`${out.stdout}${out.stderr}`)?.[0] ?? 'SIPp';
}

const statNumber = (stats: Map<string, string>, column: string): number => Number(stats.get(column) ?? NaN);

/** sipp's "HH:MM:SS:uuuuuu" (or with milliseconds) response time, in milliseconds. */
function statMs(stats: Map<string, string>, column: string): number {
  const parts = (stats.get(column) ?? '').split(':').map(Number);
  const [h = NaN, m = NaN, s = NaN, frac = NaN] = parts;
  const fraction = (stats.get(column)?.split(':')[3]?.length ?? 0) >= 6 ? frac / 1000 : frac;
  return ((h * 60 + m) * 60 + s) * 1000 + fraction;
}

// ---- measuring the server --------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** CPU time of this process (the server; sipp runs separately) over an interval. */
function cpuMeter(): () => { cpuMs: number; wallMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const d = process.cpuUsage(cpu0);
    return { cpuMs: (d.user + d.system) / 1000, wallMs: performance.now() - t0 };
  };
}

function loopDelay(): IntervalHistogram {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  return h;
}

const ms = (ns: number) => ns / 1e6;
const mb = (bytes: number) => bytes / 2 ** 20;

// ---- phase 1: setup rate ---------------------------------------------------------------------

interface SetupRun {
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  achievedRate: number;
  setupMs: number;
  /** INVITE → 200 by sipp's buckets, e.g. "<10 ms: 2990, <20 ms: 10". */
  setupSpread: string;
  retransmissions: number;
  cpuMsPerCall: number;
  cpuPercent: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  rssMb: number;
  sippExit: number | null;
  errors: string;
}

async function setupRun(sip: NonNullable<RunningServer['sip']>, workDir: string, rate: number): Promise<SetupRun> {
  const meter = cpuMeter();
  const delay = loopDelay();
  let rss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 250);
  const run = sipp(workDir, `setup-${rate}`, { scenario: 'caller-setup.xml', args: [
    '-s', WAIT_NUMBER.slice(1),
    '-r', String(rate), '-rp', '1000', '-m', String(SETUP_CALLS), '-l', '400',
    '-timeout', `${Math.ceil(SETUP_CALLS / rate) + 30}s`, '-timeout_error',
  ] }, sip.port);
  try {
    const result = await run.done;
    await until('the line to finish the calls', () => sip.callers.size === 0, 15_000);
    const { cpuMs, wallMs } = meter();
    delay.disable();
    const successful = statNumber(result.stats, 'SuccessfulCall(C)');
    return {
      rate, calls: statNumber(result.stats, 'TotalCallCreated'), successful,
      failed: statNumber(result.stats, 'FailedCall(C)'),
      achievedRate: statNumber(result.stats, 'CallRate(C)'),
      setupMs: statMs(result.stats, 'ResponseTime1(C)'),
      setupSpread: [...result.stats].filter(([k, v]) => k.startsWith('ResponseTimeRepartition1_') && Number(v) > 0)
        .map(([k, v]) => `${k.slice('ResponseTimeRepartition1_'.length)} ms: ${v}`).join(', '),
      retransmissions: statNumber(result.stats, 'Retransmissions(C)'),
      cpuMsPerCall: cpuMs / Math.max(1, successful),
      cpuPercent: (100 * cpuMs) / wallMs,
      loopDelayP99Ms: ms(delay.percentile(99)), loopDelayMaxMs: ms(delay.max),
      rssMb: mb(rss), sippExit: result.code, errors: result.errors.split('\n').slice(0, 5).join(' | '),
    };
  } finally {
    clearInterval(rssTimer);
    delay.disable();
    run.stop();
  }
}

// ---- the run ---------------------------------------------------------------------------------

const telephony = benchTelephony();
const dataDir = benchDataDir(benchAgents(AGENTS), telephony);
const workDir = join(dataDir, 'sipp');
mkdirSync(workDir);
const serverLog: string[] = [];
const server = await startServer(dataDir, { port: 0, telephony, log: (m) => serverLog.push(m) });
const setupRuns: SetupRun[] = [];
try {
  const sip = server.sip;
  if (!sip) throw new Error('the line did not start SIP');
  for (const rate of SETUP_RATES) {
    const run = await setupRun(sip, workDir, rate);
    setupRuns.push(run);
    console.error(`setup ${rate}/s: ${run.successful} ok, ${run.failed} failed, ${run.achievedRate.toFixed(1)}/s, ${run.cpuMsPerCall.toFixed(2)} CPU ms/call`);
    if (run.failed > 0 || run.successful < SETUP_CALLS) break; // the ceiling is found
  }
} finally {
  await server.close();
}
rmSync(dataDir, { recursive: true, force: true });

// ---- report ----------------------------------------------------------------------------------

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const target = setupRuns[0];
const lines = [
  '## Telephony',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${sippVersion()}, loopback. Date: ${new Date().toISOString().slice(0, 10)}.`,
  'Command: `node --expose-gc --import tsx bench/sip.ts`',
  '',
  'Method: the whole line (`startServer` with SIP on UDP, RTP 127.0.0.1:30000–31999) runs in the bench process; sipp runs as separate ' +
    'processes (scenarios in `bench/sipp/`). Server CPU is `process.cpuUsage()` of the bench process (sipp excluded), event-loop delay ' +
    'from `monitorEventLoopDelay`. The bench company (`bench/bench-line.ts`) is the demo plus ${AGENTS} agents in one queue `bench` (all ranked, ACW 2 s), open ' +
    'around the clock with no closures.',
  '',
  `### Call setup rate (target: 100 calls/s sustained, zero failed calls)`,
  '',
  `sipp caller: INVITE (PCMA + telephone-event) → 100/180/200 → ACK → 200 ms → BYE → 200, \`-r <rate> -rp 1000 -m ${SETUP_CALLS} -l 400\`, ` +
    'to a number whose flow only waits (so routing is not measured here). INVITE→200 is sipp\'s ResponseTime1 (1 ms resolution), ' +
    '"achieved" is sipp\'s CallRate(C) (calls created / elapsed, including the last calls\' 0.2 s), server CPU covers the run until the line has ended every call.',
  '',
  '| target calls/s | calls | successful | failed | achieved calls/s | INVITE→200 avg ms | INVITE→200 spread | retransmissions | server CPU ms/call | server CPU % | loop delay p99 / max ms | RSS MB |',
  '|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|',
  ...setupRuns.map((r) => `| ${r.rate} | ${r.calls} | ${r.successful} | ${r.failed} | ${f1(r.achievedRate)} | ${f1(r.setupMs)} | ${r.setupSpread} | ${r.retransmissions} | ${f2(r.cpuMsPerCall)} | ${f1(r.cpuPercent)} | ${f1(r.loopDelayP99Ms)} / ${f1(r.loopDelayMaxMs)} | ${r.rssMb.toFixed(0)} |`),
  '',
  target
    ? `Target ${target.failed === 0 && target.successful === SETUP_CALLS ? 'met' : 'MISSED'}: ${target.successful} of ${SETUP_CALLS} calls at ${target.rate}/s succeeded, ${target.failed} failed.` +
      (target.errors ? ` sipp reported: ${target.errors}` : '')
    : 'Not run.',
  '',
  'Concurrent bridged, recorded calls, measured at the far ends: the Media section (`bench/media.ts`).',
  '',
  `Server log lines during the run: ${serverLog.length}${serverLog.length > 0 ? ` (first: ${serverLog.slice(0, 3).join(' | ')})` : ''}.`,
  '',
];
const section = lines.join('\n');
console.log(section);

writeResultsSection('Telephony', section);
