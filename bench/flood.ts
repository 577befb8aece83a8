// Floods (issue 13): the line as a child process with registered agent phones and a steady stream
// of legitimate calls from the trunk (sipp, 127.0.0.1), while (a) 5,000 INVITEs/s for 10 s arrive from
// an unlisted address (127.0.0.2), then (b) a REGISTER brute force with wrong passwords, many
// usernames (127.0.0.3). Each flood is a process of its own (bench/flood-blaster.ts), so the line's
// CPU share in /proc is the line's alone. Reports what the line answered and dropped (/metrics), its
// CPU before and during each flood, its log lines about each source, and the legitimate calls.
//   flock /tmp/chokutsu-heavy.lock npm run bench:flood
// Rewrites the "Floods" section of bench/RESULTS.md (--no-write: only print it).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sippProcess, type SippProcess } from '../test/faults/line-process.ts';
import type { BlastResult } from './flood-blaster.ts';
import {
  callerHoldScenario, dialedNumber, metricSum, processCpuMs, recordStarts, recordsWritten, registerPhones, scrape, sippStats, sleep,
  startBenchLine, statNumber, talkAudio, udpSocketDrops, type BenchLine,
} from './load-line.ts';
import { writeResultsSection } from './results.ts';

const { values: args } = parseArgs({
  options: {
    'invite-rate': { type: 'string', default: '5000' },
    'register-rate': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    'call-rate': { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const INVITE_RATE = Number(args['invite-rate']);
const REGISTER_RATE = Number(args['register-rate']);
const FLOOD_SECONDS = Number(args.seconds);
const CALL_RATE = Number(args['call-rate']);
const QUIET_SECONDS = 10; // legitimate calls alone: the baseline, and between the floods
const HOLD_MS = 3000;
const ACW_SECONDS = 2;
const AGENTS = Math.ceil(CALL_RATE * (HOLD_MS / 1000 + ACW_SECONDS + 1) * 1.5);
const FLOODER = '127.0.0.2';
const GUESSER = '127.0.0.3';
const BLASTER = fileURLToPath(new URL('./flood-blaster.ts', import.meta.url));

interface Phase {
  name: string;
  /** A flood was arriving (not the quiet time before or after). */
  flood: boolean;
  from: number;
  to: number;
  cpuPercent: number;
  /** Datagrams the kernel dropped at the line's SIP socket for a full receive buffer. */
  kernelDrops: number;
  metrics: { droppedRate: number; droppedLockedOut: number; authFailures: number; lockouts: number };
}

/** The blaster in its own process: when it starts and stops sending, and what it sent and got back. */
function runBlaster(kind: 'invite' | 'register', from: string, rate: number, port: number, dialed: string):
  { sending: Promise<void>; sent: Promise<void>; result: Promise<BlastResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', BLASTER, '--kind', kind, '--from', from, '--port', String(port),
    '--rate', String(rate), '--seconds', String(FLOOD_SECONDS), '--dialed', dialed], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const said = (word: string) => new Promise<void>((done) => {
    const check = () => {
      if (!err.split('\n').includes(word)) return;
      child.stderr.off('data', check);
      done();
    };
    child.stderr.on('data', check);
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<BlastResult>((done, fail) => child.on('exit', (code) => {
    if (code === 0) done(JSON.parse(out) as BlastResult);
    else fail(new Error(`flood-blaster ${kind} exited ${code}: ${err}`));
  }));
  // A blaster that dies early must not leave the bench waiting for a word it never says.
  const or = (p: Promise<void>) => Promise.race([p, result.then(() => undefined)]);
  return { sending: or(said('sending')), sent: or(said('sent')), result };
}

const audio = talkAudio();
const bench: BenchLine = await startBenchLine({ agents: AGENTS, rtp: { portMin: 46000, portMax: 46000 + 8 * AGENTS + 200 }, acwSeconds: ACW_SECONDS });
const sipps: SippProcess[] = [];
try {
  sipps.push(await registerPhones(bench, 5 * 60_000, audio));
  const dialed = dialedNumber(bench);
  const totalSeconds = 3 * QUIET_SECONDS + 2 * FLOOD_SECONDS + 8; // and the blasters' start-up
  const callers = await sippProcess({
    scenario: callerHoldScenario(dialed, { min: HOLD_MS, max: HOLD_MS }), serverPort: bench.line.sipPort,
    calls: CALL_RATE * totalSeconds, rate: CALL_RATE, limit: AGENTS, timeoutSeconds: totalSeconds + 60,
    args: ['-trace_stat', '-stf', 'stats.csv', '-fd', '1', '-trace_rtt', '-rtt_freq', '1'], files: { 'talk.al': audio },
  });
  sipps.push(callers);
  const t0 = Date.now();
  const logFrom = bench.line.output().length;
  const phases: Phase[] = [];
  let mark = { at: Date.now(), cpu: processCpuMs(bench.pid), m: await scrape(bench.line.url), udp: udpSocketDrops(bench.line.sipPort) };
  const endPhase = async (name: string, flood = false) => {
    const now = { at: Date.now(), cpu: processCpuMs(bench.pid), m: await scrape(bench.line.url), udp: udpSocketDrops(bench.line.sipPort) };
    const d = (series: string) => metricSum(now.m, series) - metricSum(mark.m, series);
    phases.push({
      name, flood, from: (mark.at - t0) / 1000, to: (now.at - t0) / 1000, cpuPercent: (100 * (now.cpu - mark.cpu)) / (now.at - mark.at), kernelDrops: now.udp - mark.udp,
      metrics: {
        droppedRate: d('chokutsu_sip_messages_dropped_total{reason="rate"}'), droppedLockedOut: d('chokutsu_sip_messages_dropped_total{reason="locked_out"}'),
        authFailures: d('chokutsu_sip_auth_failures_total'), lockouts: d('chokutsu_sip_lockouts_total'),
      },
    });
    mark = now;
  };
  // Each phase is measured from the flood's first request to its last (the blaster's own start-up is not in it).
  const flood = async (before: string, name: string, kind: 'invite' | 'register', from: string, rate: number): Promise<BlastResult> => {
    await sleep(QUIET_SECONDS * 1000);
    const blaster = runBlaster(kind, from, rate, bench.line.sipPort, dialed);
    await blaster.sending;
    await endPhase(before);
    await blaster.sent;
    await endPhase(name, true);
    return blaster.result;
  };
  const invites = await flood('legitimate calls only', `INVITE flood from ${FLOODER}`, 'invite', FLOODER, INVITE_RATE);
  const guesses = await flood('after the INVITE flood', `REGISTER brute force from ${GUESSER}`, 'register', GUESSER, REGISTER_RATE);
  await sleep(QUIET_SECONDS * 1000);
  await endPhase('after the brute force');

  const done = await callers.done;
  const stats = sippStats(join(callers.dir, 'stats.csv'));
  const rtt = readRtt(callers.dir);
  await sleep((ACW_SECONDS + 2) * 1000);
  for (const s of sipps) s.kill();
  const lineLog = bench.line.output().slice(logFrom).split('\n').filter((l) => l.trim() !== '');
  await bench.line.stop();
  const records = recordsWritten(bench.setup.dir);
  report({
    phases, invites, guesses, lineLog, records, rtt, t0, starts: recordStarts(bench.setup.dir),
    calls: { placed: statNumber(stats, 'TotalCallCreated'), successful: statNumber(stats, 'SuccessfulCall(C)'), failed: statNumber(stats, 'FailedCall(C)'), exit: done.code, errors: done.errors },
  });
} finally {
  for (const s of sipps) s.kill();
  await bench.line.crash();
}

/** sipp's -trace_rtt file: each call's INVITE→200, stamped with the wall clock (ms) when it was measured. */
function readRtt(dir: string): { at: number; ms: number }[] {
  const file = readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
  if (file === undefined) return [];
  return readFileSync(join(dir, file), 'utf8').split('\n').slice(1).flatMap((line) => {
    const [at, ms] = line.split(';').map(Number);
    return at !== undefined && ms !== undefined && Number.isFinite(at) && Number.isFinite(ms) ? [{ at, ms }] : [];
  });
}

function report(r: {
  phases: Phase[]; invites: BlastResult; guesses: BlastResult; lineLog: string[]; records: ReturnType<typeof recordsWritten>;
  starts: ReturnType<typeof recordStarts>;
  rtt: { at: number; ms: number }[]; t0: number;
  calls: { placed: number; successful: number; failed: number; exit: number | null; errors: string };
}): void {
  const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(2)}%` : 'n/a');
  const responses = (b: BlastResult) => Object.entries(b.responses).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none';
  const aboutSource = (source: string) => r.lineLog.filter((l) => l.includes(source));
  const setupIn = (p: Phase) => {
    // -rtt_freq 1 stamps every call with sipp's clock: ms since it started, which is t0 within a few ms.
    const xs = r.rtt.filter((x) => x.at >= p.from * 1000 && x.at < p.to * 1000).map((x) => x.ms).sort((a, b) => a - b);
    const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
    return xs.length === 0 ? 'n/a' : `${xs.length} calls: p50 ${f1(q(0.5))}, p99 ${f1(q(0.99))}, max ${f1(xs[xs.length - 1] ?? NaN)}`;
  };
  const inPhase = (p: Phase) => r.starts.filter((s) => s.at >= r.t0 + p.from * 1000 && s.at < r.t0 + p.to * 1000);
  const bridgedIn = (p: Phase) => {
    const xs = inPhase(p);
    return `${xs.filter((s) => s.bridged).length} of ${xs.length}`;
  };
  const floods = r.phases.filter((p) => p.flood);
  const duringFloods = floods.flatMap(inPhase);
  const bridgedDuring = duringFloods.filter((s) => s.bridged).length;
  const ok = r.calls.placed > 0 && r.calls.successful / r.calls.placed >= 0.99 && bridgedDuring / Math.max(1, duringFloods.length) >= 0.99;
  const section = [
    '## Floods',
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, loopback. Date: ${new Date().toISOString().slice(0, 10)}.`,
    'Command: `flock /tmp/chokutsu-heavy.lock npm run bench:flood`',
    '',
    'Method: the line is a child process (`node bin/chokutsu.mjs start`, the load line of `test/faults/line-process.ts` with ' +
      `${AGENTS} agents, ACW ${ACW_SECONDS} s); its trunk is 127.0.0.1. sipp registers every agent's phone and places legitimate calls from the trunk ` +
      `at ${CALL_RATE}/s for the whole run (bridged to an agent, recorded, both sides talking, ${HOLD_MS / 1000} s each). The floods come from ` +
      '`bench/flood-blaster.ts` in a process of its own, bound to another loopback address: ' +
      `(a) ${INVITE_RATE.toLocaleString('en')} INVITEs/s for ${FLOOD_SECONDS} s from ${FLOODER} (listed nowhere), then (b) ${REGISTER_RATE.toLocaleString('en')} ` +
      `REGISTERs/s for ${FLOOD_SECONDS} s from ${GUESSER} over extensions 3001–3999, each 401 answered with a digest for a wrong password. ` +
      'Line CPU is `/proc/<pid>/stat` of the line (utime + stime) over each phase; dropped and failed counts are the line\'s `/metrics`; ' +
      'kernel drops are the `drops` of the line\'s SIP socket in `/proc/net/udp` (datagrams lost because its receive buffer was full, legitimate ones included); ' +
      '"bridged" counts the contact records started in the phase that reached an agent; INVITE→200 is sipp\'s `-trace_rtt` per call.',
    '',
    'The line\'s screen (`src/telephony/sip/inbound-policy.ts`, before a message is parsed): a listed trunk passes; a source locked out after 5 wrong ' +
      'digests in 60 s is dropped unanswered for 15 min; any other source gets 100 requests at once and 50/s (token bucket), then is dropped ' +
      'unanswered unless it is a registered phone. A dropped source is logged once per source per minute; refusals (403, failed digests) at most 5 per source per minute.',
    '',
    '| phase | seconds | line CPU % | dropped (rate) | dropped (locked out) | failed digests | lockouts | kernel drops at the SIP socket | legit calls bridged | legit INVITE→200 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...r.phases.map((p) => `| ${p.name} | ${f1(p.to - p.from)} | ${f1(p.cpuPercent)} | ${p.metrics.droppedRate} | ${p.metrics.droppedLockedOut} | ` +
      `${p.metrics.authFailures} | ${p.metrics.lockouts} | ${p.kernelDrops} | ${bridgedIn(p)} | ${setupIn(p)} |`),
    '',
    `(a) INVITE flood: ${r.invites.sent.toLocaleString('en')} sent in ${f1(r.invites.seconds)} s (${f1(r.invites.sent / r.invites.seconds)}/s); ` +
      `${r.invites.answered} answered (responses: ${responses(r.invites)}; a 403 is retransmitted until Timer H because a flooder sends no ACK), ` +
      `${r.invites.sent - r.invites.answered} dropped unanswered (by the screen, or by the kernel when the socket's buffer was full).`,
    `(b) REGISTER brute force: ${r.guesses.sent.toLocaleString('en')} REGISTERs sent and ${r.guesses.guesses} wrong-password answers to 401s; ` +
      `responses: ${responses(r.guesses)}; ${r.guesses.sent + r.guesses.guesses - Object.values(r.guesses.responses).reduce((a, b) => a + b, 0)} requests dropped unanswered.`,
    '',
    `Line log lines about ${FLOODER}: ${aboutSource(FLOODER).length}; about ${GUESSER}: ${aboutSource(GUESSER).length}; all lines during the run: ${r.lineLog.length}.`,
    '',
    '```',
    ...[...aboutSource(FLOODER), ...aboutSource(GUESSER)].slice(0, 14).map((l) => (l.length > 220 ? `${l.slice(0, 220)}…` : l)),
    '```',
    '',
    `Legitimate calls: ${r.calls.placed} placed, ${r.calls.successful} succeeded (${pct(r.calls.successful, r.calls.placed)}), ${r.calls.failed} failed ` +
      `(sipp exit ${r.calls.exit}); records written ${r.records.total}, ${r.records.withAgent} bridged to an agent, ${r.records.withRecording} recorded. ` +
      `Started while a flood was arriving: ${duringFloods.length}, bridged ${bridgedDuring} (${pct(bridgedDuring, duringFloods.length)}). ` +
      `Goal ≥ 99% succeeded (answered and ended by sipp, and bridged to an agent during the floods): ${ok ? 'met' : '**MISSED**'}.`,
    '',
  ].join('\n');
  console.log(section);
  if (!args['no-write']) writeResultsSection('Floods', section);
}
