// Telephony benchmark: the whole line (SIP, RTP, flow, router, bridge, recorder) against sipp on
// loopback. Phase 1: call setup rate (INVITE → 200 → ACK → BYE) at 100 calls/s and above.
// Phase 2: 200 concurrent bridged, recorded calls between sipp callers and sipp agent phones.
//   node --expose-gc --import tsx bench/sip.ts
// Prints the figures and rewrites the "Telephony" section of bench/RESULTS.md.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { checkFlow } from '../src/flow/validate.ts';
import { writeDemoInstance } from '../src/instance/demo.ts';
import type { Agent, InstanceDefinition, TelephonyConfig, Weekday } from '../src/instance/types.ts';
import { startServer, type RunningServer } from '../src/app/start.ts';
import { parseWav } from '../src/telephony/media/wav.ts';
import { SqlitePhoneStore } from '../src/store/phones.ts';
import { setPhonePassword } from '../src/app/accounts.ts';
import type { RtpStats } from '../src/telephony/rtp/rtp-session.ts';

const SIPP = '/usr/bin/sipp';
const SAMPLE_PCAP = '/usr/share/sip-tester/g711a.pcap';
const SCENARIOS = fileURLToPath(new URL('./sipp/', import.meta.url));
const FLOWS_DIR = fileURLToPath(new URL('../flows/', import.meta.url));

const SETUP_RATES = [100, 150, 200]; // calls per second; the first is the target
const SETUP_CALLS = 3000;
const AGENTS = 220;
const BRIDGED_CALLS = 200;
const BRIDGED_RATE = 20;
const TALK_MS = 32_000; // long enough for all 200 calls to overlap for the sampling window
const SAMPLE_SECONDS = 10;

const BENCH_NUMBER = '+81509990001'; // record → bench queue → transfer
const WAIT_NUMBER = '+81509990002'; // phase 1: answer and wait, so routing stays out of the figures
const QUEUE_ARN = 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/queue/bench';
const REALM = 'chokutsu';
const TELEPHONY: TelephonyConfig = {
  sip: { host: '127.0.0.1', port: 0, realm: REALM, udp: true, tcp: false },
  rtp: { host: '127.0.0.1', portMin: 30000, portMax: 31999 },
  trunks: [{ name: 'bench sipp', addresses: ['127.0.0.1'] }],
  tts: { engine: 'espeak-ng', wordsPerMinute: 450 },
};

// ---- the bench line --------------------------------------------------------------------------

const next = (id: string) => ({ NextAction: id, Errors: [], Conditions: [] });
const onError = (id: string, ...types: string[]) => types.map((ErrorType) => ({ NextAction: id, ErrorType }));

const BENCH_FLOW = {
  Version: '2019-10-30',
  StartAction: 'record',
  Metadata: { name: 'bench', description: 'Telephony benchmark: record both legs, queue, transfer' },
  Actions: [
    { Identifier: 'record', Type: 'UpdateContactRecordingBehavior',
      Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } }, Transitions: next('set-queue') },
    { Identifier: 'set-queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: QUEUE_ARN },
      Transitions: { NextAction: 'transfer', Errors: onError('disconnect', 'NoMatchingError'), Conditions: [] } },
    { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {},
      Transitions: { NextAction: 'disconnect', Errors: onError('disconnect', 'QueueAtCapacity', 'NoMatchingError'), Conditions: [] } },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

const WAIT_FLOW = {
  Version: '2019-10-30',
  StartAction: 'wait',
  Metadata: { name: 'bench-wait', description: 'Telephony benchmark: answer, wait 30 s, disconnect' },
  Actions: [
    { Identifier: 'wait', Type: 'Wait', Parameters: { TimeLimitSeconds: '30' },
      Transitions: {
        Errors: onError('disconnect', 'NoMatchingError'),
        Conditions: [{ NextAction: 'disconnect', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }],
      } },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

const WEEK: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

const benchAgents: Agent[] = Array.from({ length: AGENTS }, (_, i) => {
  const n = String(i + 1).padStart(3, '0');
  return { id: `a${n}`, name: `Bench ${n}`, username: `a${n}`, routingProfile: 'bench', extension: String(3001 + i) };
});
const phonePassword = (extension: string) => `bench-${extension}`;

/** The demo company plus 220 agents in one always-open queue, and the two bench flows. */
function benchDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-bench-'));
  const { file } = writeDemoInstance(dir, { force: false, flowsDir: FLOWS_DIR });
  for (const [id, flow] of [['bench', BENCH_FLOW], ['bench-wait', WAIT_FLOW]] as const) {
    const problems = checkFlow(flow, { id }).problems.filter((p) => p.severity === 'error');
    if (problems.length > 0) throw new Error(`flow ${id}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    writeFileSync(join(dir, 'flows', `${id}.json`), JSON.stringify(flow, null, 2));
  }
  const def = parse(readFileSync(file, 'utf8')) as InstanceDefinition;
  // Open around the clock (an EndTime of 00:00 is the end of the day) and no closures: the
  // result does not depend on the date.
  def.hoursOfOperation.push({
    id: 'always', name: 'always open',
    config: WEEK.map((Day) => ({ Day, StartTime: { Hours: 0, Minutes: 0 }, EndTime: { Hours: 0, Minutes: 0 } })),
  });
  def.closures = [];
  // A short ACW: 0 would mean no timeout (the agent stays in ACW until they finish it).
  def.routingProfiles.push({ id: 'bench', name: 'bench', afterContactWorkTimeoutSeconds: 2 });
  def.agents.push(...benchAgents);
  def.queues.push({
    id: 'bench', name: 'bench', hoursOfOperation: 'always', ringTimeoutSeconds: 20, maxWaitSeconds: 3600,
    agents: benchAgents.map((a, i) => ({ agent: a.id, rank: i + 1 })),
  });
  def.flows.push(
    { id: 'bench', name: 'bench', file: 'flows/bench.json', type: 'CONTACT_FLOW' },
    { id: 'bench-wait', name: 'bench-wait', file: 'flows/bench-wait.json', type: 'CONTACT_FLOW' },
  );
  def.phoneNumbers.push({ number: BENCH_NUMBER, flow: 'bench' }, { number: WAIT_NUMBER, flow: 'bench-wait' });
  def.telephony = TELEPHONY;
  writeFileSync(file, stringify(def));
  return dir;
}

// ---- sipp ------------------------------------------------------------------------------------

/**
 * sipp's g711a.pcap (7 s) looped to `durationMs` with continuing RTP sequence numbers and
 * timestamps: replaying the capture itself restarts the sequence, which a receiver cannot tell
 * from loss or reordering, so the RTP loss figure would be meaningless. `startFrame` rotates the
 * audio, so that two parties playing it do not say the same thing at the same time.
 */
function loopedPcap(durationMs: number, startFrame = 0): Buffer {
  const src = readFileSync(SAMPLE_PCAP);
  if (src.readUInt32LE(0) !== 0xa1b2c3d4 || src.readUInt32LE(20) !== 1) throw new Error(`${SAMPLE_PCAP}: expected a little-endian Ethernet pcap`);
  const records: { us: number; data: Buffer }[] = [];
  for (let at = 24; at + 16 <= src.length;) {
    const length = src.readUInt32LE(at + 8);
    records.push({ us: src.readUInt32LE(at) * 1e6 + src.readUInt32LE(at + 4), data: src.subarray(at + 16, at + 16 + length) });
    at += 16 + length;
  }
  const rtpAt = (data: Buffer) => 14 + (((data[14] ?? 0) & 0x0f) * 4) + 8; // Ethernet, IPv4 header, UDP
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last || records.length < 2) throw new Error(`${SAMPLE_PCAP}: no packets`);
  const frameUs = (last.us - first.us) / (records.length - 1);
  const loopUs = last.us - first.us + frameUs;
  const firstTs = first.data.readUInt32BE(rtpAt(first.data) + 4);
  const loopTs = last.data.readUInt32BE(rtpAt(last.data) + 4) - firstTs + Math.round((frameUs * 8000) / 1e6);
  const loops = Math.ceil((durationMs * 1000) / loopUs);
  const out: Buffer[] = [src.subarray(0, 24)];
  for (let loop = 0; loop < loops; loop++) {
    records.forEach((r, i) => {
      const header = Buffer.alloc(16);
      const us = r.us + loop * loopUs;
      header.writeUInt32LE(Math.floor(us / 1e6), 0);
      header.writeUInt32LE(Math.round(us % 1e6), 4);
      header.writeUInt32LE(r.data.length, 8);
      header.writeUInt32LE(r.data.length, 12);
      const data = Buffer.from(r.data);
      const rtp = rtpAt(data);
      const voice = records[(i + startFrame) % records.length]?.data;
      if (voice && voice.length === data.length) voice.copy(data, rtp + 12, rtp + 12);
      data.writeUInt16BE((loop * records.length + i) & 0xffff, rtp + 2);
      data.writeUInt32BE((r.data.readUInt32BE(rtp + 4) + loop * loopTs) >>> 0, rtp + 4);
      out.push(header, data);
    });
  }
  return Buffer.concat(out);
}

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

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processCpuMs(pid: number | undefined): number {
  const file = `/proc/${pid ?? 'none'}/stat`;
  const stat = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
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

function lossOf(stats: RtpStats[]): { received: number; lost: number; ratio: number } {
  const received = stats.reduce((s, x) => s + x.packetsReceived, 0);
  // Duplicates make a leg's count negative (RFC 3550 §6.4.1); they are not loss, nor do they offset it.
  const lost = stats.reduce((s, x) => s + Math.max(0, x.packetsLost), 0);
  return { received, lost, ratio: lost / Math.max(1, received + lost) };
}

function channelRms(samples: Int16Array, channel: 0 | 1): number {
  let sum = 0;
  let n = 0;
  for (let i = channel; i < samples.length; i += 2) {
    sum += (samples[i] ?? 0) ** 2;
    n++;
  }
  return Math.sqrt(sum / Math.max(1, n));
}

/** Share of stereo frames whose channels differ: the two parties say different things. */
function framesDiffering(samples: Int16Array): number {
  let differ = 0;
  for (let i = 0; i + 1 < samples.length; i += 2) if (samples[i] !== samples[i + 1]) differ++;
  return differ / Math.max(1, samples.length / 2);
}

function wavFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.wav'))
    .map((e) => join(e.parentPath, e.name));
}

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

// ---- phase 2: concurrent bridged, recorded calls ---------------------------------------------

interface BridgedRun {
  registered: number;
  secondsToAllConnected: number;
  samples: { connected: number; cpuPercent: number; sippCpuPercent: number; rssMb: number; loopDelayP99Ms: number }[];
  loopDelayMaxMs: number;
  customerLoss: ReturnType<typeof lossOf>;
  agentLoss: ReturnType<typeof lossOf>;
  legsMeasured: { customer: number; agent: number };
  cpuMsPerCallSecond: number;
  callerStats: { successful: number; failed: number; exit: number | null; errors: string };
  recordings: number;
  sampleRecording?: { file: string; seconds: number; rmsCustomer: number; rmsAgent: number; framesDiffering: number };
}

async function bridgedRun(server: RunningServer, sip: NonNullable<RunningServer['sip']>, workDir: string, dataDir: string): Promise<BridgedRun> {
  // sipp expands no keyword inside [authentication ...], so the whole keyword is the second field.
  const users = benchAgents.map((a) => `${a.extension};[authentication username=${a.extension} password=${phonePassword(a.extension ?? '')}]`);
  writeFileSync(join(workDir, 'users.csv'), `SEQUENTIAL\n${users.join('\n')}\n`);
  const phones = sipp(workDir, 'phones', { scenario: 'agent-register.xml', oocScenario: 'agent-answer.xml', args: [
    '-inf', join(workDir, 'users.csv'), '-r', '100', '-m', String(AGENTS), '-l', String(AGENTS),
    '-d', String(TALK_MS + 60_000), '-timeout', `${Math.ceil(TALK_MS / 1000) + 120}s`,
  ] }, sip.port);
  let callers: SippRun | undefined;
  try {
    await until('all agent phones to register', () => sip.sip.registrations().length >= AGENTS, 20_000);
    const registered = sip.sip.registrations().length;
    for (const a of benchAgents) server.services.center.setAgentStatus(a.id, 'Available');

    const started = performance.now();
    callers = sipp(workDir, 'callers', { scenario: 'caller-talk.xml', args: [
      '-s', BENCH_NUMBER.slice(1),
      '-r', String(BRIDGED_RATE), '-m', String(BRIDGED_CALLS), '-l', String(BRIDGED_CALLS),
      '-d', String(TALK_MS), '-timeout', `${Math.ceil(TALK_MS / 1000) + 60}s`, '-timeout_error',
    ] }, sip.port);
    const connected = () => server.services.center.liveContacts().filter((c) => c.phase === 'connected').length;
    await until(`${BRIDGED_CALLS} calls to be connected`, () => connected() >= BRIDGED_CALLS, (BRIDGED_CALLS / BRIDGED_RATE) * 1000 + 15_000);
    const secondsToAllConnected = (performance.now() - started) / 1000;

    // Sample while all calls are bridged; the loss is read at the end, from the legs' own counters.
    const samples: BridgedRun['samples'] = [];
    const overall = cpuMeter();
    const overallDelay = loopDelay();
    for (let s = 0; s < SAMPLE_SECONDS; s++) {
      const meter = cpuMeter();
      const delay = loopDelay();
      const sippCpu = () => phones.cpuMs() + (callers?.cpuMs() ?? 0);
      const sipp0 = sippCpu();
      await sleep(1000);
      const { cpuMs, wallMs } = meter();
      delay.disable();
      samples.push({
        connected: connected(), cpuPercent: (100 * cpuMs) / wallMs, sippCpuPercent: (100 * (sippCpu() - sipp0)) / wallMs,
        rssMb: mb(process.memoryUsage().rss), loopDelayP99Ms: ms(delay.percentile(99)),
      });
    }
    const { cpuMs, wallMs } = overall();
    overallDelay.disable();
    const media = sip.mediaStats();

    const callerResult = await callers.done;
    await until('the line to finish the calls', () => sip.callers.size === 0 && sip.mediaStats().agent.length === 0, 15_000);
    phones.stop();
    // Recorders close asynchronously after the legs.
    await sleep(500);
    const wavs = wavFiles(join(dataDir, 'recordings'));
    const first = wavs[0];
    let sampleRecording: BridgedRun['sampleRecording'];
    if (first) {
      const parsed = parseWav(readFileSync(first));
      if (parsed.ok) {
        sampleRecording = {
          file: first.slice(dataDir.length + 1), seconds: parsed.wav.samples.length / parsed.wav.channels / parsed.wav.sampleRate,
          rmsCustomer: channelRms(parsed.wav.samples, 0), rmsAgent: channelRms(parsed.wav.samples, 1),
          framesDiffering: framesDiffering(parsed.wav.samples),
        };
      }
    }
    return {
      registered, secondsToAllConnected, samples, loopDelayMaxMs: ms(overallDelay.max),
      customerLoss: lossOf(media.customer), agentLoss: lossOf(media.agent),
      legsMeasured: { customer: media.customer.length, agent: media.agent.length },
      cpuMsPerCallSecond: cpuMs / (wallMs / 1000) / BRIDGED_CALLS,
      callerStats: {
        successful: statNumber(callerResult.stats, 'SuccessfulCall(C)'), failed: statNumber(callerResult.stats, 'FailedCall(C)'),
        exit: callerResult.code, errors: callerResult.errors.split('\n').slice(0, 5).join(' | '),
      },
      recordings: wavs.length, ...(sampleRecording ? { sampleRecording } : {}),
    };
  } finally {
    callers?.stop();
    phones.stop();
  }
}

// ---- the run ---------------------------------------------------------------------------------

const dataDir = benchDataDir();
const workDir = join(dataDir, 'sipp');
mkdirSync(workDir);
writeFileSync(join(workDir, 'talk.pcap'), loopedPcap(TALK_MS + 10_000));
writeFileSync(join(workDir, 'agent.pcap'), loopedPcap(TALK_MS + 10_000, 100));
const serverLog: string[] = [];
const server = await startServer(dataDir, { port: 0, telephony: TELEPHONY, log: (m) => serverLog.push(m) });
const setupRuns: SetupRun[] = [];
let bridged: BridgedRun | undefined;
try {
  const sip = server.sip;
  if (!sip) throw new Error('the line did not start SIP');
  const phoneStore = new SqlitePhoneStore(server.services.line.db);
  for (const a of benchAgents) {
    const extension = a.extension ?? '';
    setPhonePassword(phoneStore, { username: extension, agentId: a.id, realm: REALM, password: phonePassword(extension) }, new Date());
  }
  for (const rate of SETUP_RATES) {
    const run = await setupRun(sip, workDir, rate);
    setupRuns.push(run);
    console.error(`setup ${rate}/s: ${run.successful} ok, ${run.failed} failed, ${run.achievedRate.toFixed(1)}/s, ${run.cpuMsPerCall.toFixed(2)} CPU ms/call`);
    if (run.failed > 0 || run.successful < SETUP_CALLS) break; // the ceiling is found
  }
  bridged = await bridgedRun(server, sip, workDir, dataDir);
} finally {
  await server.close();
}
rmSync(dataDir, { recursive: true, force: true });

// ---- report ----------------------------------------------------------------------------------

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const pct = (r: number) => `${(100 * r).toFixed(3)}%`;
const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const target = setupRuns[0];
const lines = [
  '## Telephony',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${sippVersion()}, loopback. Date: ${new Date().toISOString().slice(0, 10)}.`,
  'Command: `node --expose-gc --import tsx bench/sip.ts`',
  '',
  'Method: the whole line (`startServer` with SIP on UDP, RTP 127.0.0.1:30000–31999) runs in the bench process; sipp runs as separate ' +
    'processes (scenarios in `bench/sipp/`). Server CPU is `process.cpuUsage()` of the bench process (sipp excluded), event-loop delay ' +
    'from `monitorEventLoopDelay`. The bench company is the demo plus 220 agents in one queue `bench` (all ranked, ACW 2 s), open ' +
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
  `### ${BRIDGED_CALLS} concurrent bridged, recorded calls (target: RTP loss < 1%)`,
  '',
  `${AGENTS} agent phones registered (digest) by one sipp process (\`-inf users.csv\`, answer scenario as \`-oocsf\`), all Available; ` +
    `a sipp caller places \`-r ${BRIDGED_RATE} -m ${BRIDGED_CALLS} -l ${BRIDGED_CALLS}\` calls to the bench flow (record Agent + Customer → queue → transfer). ` +
    `Both sides speak for the whole call (sipp's g711a.pcap looped to ${TALK_MS / 1000 + 10} s with continuing RTP sequence numbers, 30 ms frames); ` +
    `the caller hangs up after ${TALK_MS / 1000} s. Sampled for ${SAMPLE_SECONDS} s once all calls were connected; RTP loss is the ` +
    "server's receive counters (RFC 3550 sequence gaps) on every leg at the end of the window.",
  '',
  ...(bridged
    ? [
        `Registered phones: ${bridged.registered}. All ${BRIDGED_CALLS} connected ${f1(bridged.secondsToAllConnected)} s after the first INVITE.`,
        '',
        '| second | connected | server CPU % | both sipp CPU % | RSS MB | loop delay p99 ms |',
        '|---:|---:|---:|---:|---:|---:|',
        ...bridged.samples.map((s, i) => `| ${i + 1} | ${s.connected} | ${f1(s.cpuPercent)} | ${f1(s.sippCpuPercent)} | ${s.rssMb.toFixed(0)} | ${f1(s.loopDelayP99Ms)} |`),
        '',
        `Average: ${f1(avg(bridged.samples.map((s) => s.cpuPercent)))}% CPU for ${BRIDGED_CALLS} calls = ${f2(bridged.cpuMsPerCallSecond)} CPU ms per bridged, recorded call per second ` +
          `(two RTP legs, decode/re-encode, WAV writing). Event-loop delay max ${f1(bridged.loopDelayMaxMs)} ms.`,
        '',
        `RTP loss, customer legs (${bridged.legsMeasured.customer}): ${bridged.customerLoss.lost} lost of ${bridged.customerLoss.received + bridged.customerLoss.lost} = ${pct(bridged.customerLoss.ratio)}; ` +
          `agent legs (${bridged.legsMeasured.agent}): ${bridged.agentLoss.lost} lost of ${bridged.agentLoss.received + bridged.agentLoss.lost} = ${pct(bridged.agentLoss.ratio)}. ` +
          `Target ${Math.max(bridged.customerLoss.ratio, bridged.agentLoss.ratio) < 0.01 ? 'met' : 'MISSED'}.`,
        '',
        `Caller sipp: ${bridged.callerStats.successful} successful, ${bridged.callerStats.failed} failed calls (exit ${bridged.callerStats.exit})` +
          `${bridged.callerStats.errors ? `; ${bridged.callerStats.errors}` : ''}.`,
        `Recordings written: ${bridged.recordings}` +
          (bridged.sampleRecording
            ? `; one of them (${f1(bridged.sampleRecording.seconds)} s): RMS customer channel ${bridged.sampleRecording.rmsCustomer.toFixed(0)}, ` +
              `agent channel ${bridged.sampleRecording.rmsAgent.toFixed(0)}, channels differ in ${pct(bridged.sampleRecording.framesDiffering)} of frames.`
            : '; none could be read.'),
      ]
    : ['Not run.']),
  '',
  `Server log lines during the run: ${serverLog.length}${serverLog.length > 0 ? ` (first: ${serverLog.slice(0, 3).join(' | ')})` : ''}.`,
  '',
];
const section = lines.join('\n');
console.log(section);

const resultsPath = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const existing = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n\n';
const start = existing.indexOf('## Telephony\n');
const end = start < 0 ? -1 : existing.indexOf('\n## ', start + 1);
const updated = start < 0 ? `${existing.trimEnd()}\n\n${section}` : `${existing.slice(0, start)}${section}${end < 0 ? '' : existing.slice(end + 1)}`;
writeFileSync(resultsPath, updated.endsWith('\n') ? updated : `${updated}\n`);
