// Media benchmark: what the FAR ENDS of bridged, recorded calls receive from the line, against
// rtpengine and a bare Node relay under the identical packet load.
//   node --import tsx bench/media.ts [--quick] [--steps 50,100,200,…] [--window 10] [--calls 200] [--far-ends 2]
//     [--media-workers N] [--no-peers] [--cpu-pairs 3] [--cpu-together 0]
// --media-workers sets telephony.rtp.mediaWorkers (default: the line's, one per core; 0: media on
// the signalling thread); --no-peers skips rtpengine and the Node relay (the line's figures only);
// --cpu-pairs N alternates N more relay and line windows at --calls for the CPU ratio's median (0: none);
// --cpu-together N runs N more windows in which the relay and a line carry --calls calls each at once.
// Far-end processes (bench/media/far-end.ts) send every leg a paced 20 ms PCMA stream and
// timestamp what comes back; the peers run in their own processes, their CPU read from /proc.
// Prints the figures and rewrites the "Media" section of bench/RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_NUMBER, benchAgents, benchDataDir, benchTelephony, phonePassword, WAIT_NUMBER } from './bench-line.ts';
import { Child } from './media/child.ts';
import type { WindowReport } from './media/far-end.ts';
import { CAPACITY, GOAL, misses, percentile, runStats, type Criterion, type RunStats } from './media/leg-stats.ts';
import { startRtpEngine } from './media/rtpengine.ts';
import { SipUa, type Answered } from './media/sip-ua.ts';
import { writeResultsSection } from './results.ts';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    steps: { type: 'string', default: '50,100,200,300,400,500,600,700,800' },
    window: { type: 'string', default: '10' },
    calls: { type: 'string', default: '200' },
    'far-ends': { type: 'string', default: '2' },
    'setup-rate': { type: 'string', default: '50' },
    'media-workers': { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
    'cpu-pairs': { type: 'string', default: '3' },
    'cpu-together': { type: 'string', default: '0' },
  },
});
const STEPS = opts.quick ? [50] : opts.steps.split(',').map(Number);
const REPORT_CALLS = opts.quick ? 50 : Number(opts.calls);
const WINDOW_MS = (opts.quick ? 5 : Number(opts.window)) * 1000;
const FAR_ENDS = Number(opts['far-ends']);
const SETUP_RATE = Number(opts['setup-rate']);
const SETTLE_MS = 2000;
const MEDIA_WORKERS = opts['media-workers'] === undefined ? undefined : Number(opts['media-workers']);
// One window of each a minute apart swung the CPU ratio from 1.36 to 2.36 between runs: pairs of a
// relay window and a fresh line's window, one right after the other, give it as a median.
const CPU_PAIRS = opts.quick || opts['no-peers'] ? 0 : Number(opts['cpu-pairs']);
// On this machine the same work costs more CPU time while the other core is busy (docs/decisions.md),
// and the line keeps it busier than the relay does: windows with both at once put them under the same load.
const CPU_TOGETHER = opts.quick || opts['no-peers'] ? 0 : Number(opts['cpu-together']);
// Far ends and peers alike run before anything else on the machine (other work shares it): as
// root −10, else as they come. Every peer gets the same, so the comparison stays fair.
const NICE = process.getuid?.() === 0 ? -10 : 0;
// Extra node options for the line's process only, e.g. BENCH_LINE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const LINE_NODE_ARGS = (process.env.BENCH_LINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PROBE_CALLS = 25; // extra calls while REPORT_CALLS are up: INVITE → 200 under load
const MAX_CALLS = Math.max(...STEPS, REPORT_CALLS);
const AGENTS = MAX_CALLS + 20;
const file = (name: string) => fileURLToPath(new URL(name, import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

// ---- far ends ----------------------------------------------------------------------------------

/** The far-end processes; a call's two legs live in the same one, calls spread round robin. */
class FarEnds {
  readonly children = Array.from({ length: FAR_ENDS }, (_, i) => new Child(`far end ${i}`, file('./media/far-end.ts'), [], NICE));
  private readonly owner = new Map<number, Child>();
  /** Opens `calls` pairs of legs: [A port, B port] per call. */
  async openPairs(calls: number, first: number): Promise<[number, number][]> {
    const perChild = this.children.map(() => 0);
    for (let c = 0; c < calls; c++) perChild[(first + c) % FAR_ENDS]! += 2;
    const opened = await Promise.all(this.children.map((child, i) => child.call<{ ports: number[] }>('open', { count: perChild[i] })));
    const pairs: [number, number][] = [];
    for (let c = 0; c < calls; c++) {
      const i = (first + c) % FAR_ENDS;
      const child = this.children[i]!;
      const [a, b] = opened[i]!.ports.splice(0, 2) as [number, number];
      this.owner.set(a, child).set(b, child);
      pairs.push([a, b]);
    }
    return pairs;
  }

  async start(legs: { port: number; to: number }[]): Promise<void> {
    await Promise.all(this.children.map((child) => {
      const mine = legs.filter((l) => this.owner.get(l.port) === child);
      return mine.length > 0 ? child.call('start', { legs: mine }) : undefined;
    }));
  }

  startWindow(): Promise<unknown> {
    return Promise.all(this.children.map((c) => c.call('startWindow')));
  }

  endWindow(): Promise<WindowReport[]> {
    return Promise.all(this.children.map((c) => c.call<WindowReport>('endWindow')));
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.children.map((child) => child.call('close', { ports: [...this.owner].filter(([, c]) => c === child).map(([p]) => p) })));
    this.owner.clear();
  }

  stop(): Promise<unknown> {
    return Promise.all(this.children.map((c) => c.stop()));
  }
}

// ---- one measuring window ----------------------------------------------------------------------

/** The line's main thread over the window (raw samples of a 5 ms timer), and each media worker's longest delay. */
interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  workers: number[];
  /** Each media worker's busy share (0–1) as of its last report, and the legs it carried, at the window's end. */
  utilization: number[];
  legs: number[];
}

interface Measured {
  peer: string;
  calls: number;
  run: RunStats;
  cpuMs: number;
  wallMs: number;
  packetsIn: number;
  packetsOut: number;
  cpuUsPerPacket: number;
  sendLateness: { p50: number; p99: number; max: number };
  farEndCpuPercent: number;
  loopDelay?: LoopDelay;
  /** The CPU per packet of the peer measured alongside, over its own legs (measure()'s `alongside`). */
  alongsideCpuUsPerPacket?: number;
  /** Packets other than PCMA RTP the far ends received (RTCP, events). */
  other: number;
}

/** Another peer carrying calls in the same window (its legs' far-end ports): its CPU per packet is taken too. */
interface Alongside {
  ports: ReadonlySet<number>;
  cpuMs: () => number;
}

/**
 * With `alongside`, the peer's packets and CPU per packet count only its own legs; the timing figures
 * pool every leg's deviations, so such a window's only figures shown are the CPU ones.
 */
async function measure(peer: string, calls: number, farEnds: FarEnds, peerCpuMs: () => number, line?: Child, alongside?: Alongside): Promise<Measured> {
  await sleep(SETTLE_MS);
  const farEndCpu = () => farEnds.children.reduce((s, c) => s + c.cpuMs(), 0);
  const fe0 = farEndCpu();
  const cpu0 = peerCpuMs();
  const alongsideCpu0 = alongside?.cpuMs() ?? 0;
  const t0 = performance.now();
  await Promise.all([farEnds.startWindow(), line?.call('startWindow')]);
  await sleep(WINDOW_MS);
  const [reports, loopDelay] = await Promise.all([farEnds.endWindow(), line?.call<LoopDelay>('endWindow')]);
  const wallMs = performance.now() - t0;
  const cpuMs = peerCpuMs() - cpu0;
  const allLegs = reports.flatMap((r) => r.legs);
  const legs = alongside ? allLegs.filter((l) => !alongside.ports.has(l.port)) : allLegs;
  const theirs = alongside ? allLegs.filter((l) => alongside.ports.has(l.port)) : [];
  const alongsideCpuUsPerPacket = alongside
    ? ((alongside.cpuMs() - alongsideCpu0) * 1000) / Math.max(1, theirs.reduce((s, l) => s + l.sent + l.received + l.other, 0))
    : undefined;
  const pooled = new Float64Array(reports.reduce((n, r) => n + r.deviations.length, 0));
  reports.reduce((at, r) => (pooled.set(r.deviations, at), at + r.deviations.length), 0);
  const packetsIn = legs.reduce((s, l) => s + l.sent, 0);
  const other = legs.reduce((s, l) => s + l.other, 0);
  const packetsOut = legs.reduce((s, l) => s + l.received, 0) + other;
  const worst = (f: (r: WindowReport) => number) => reports.reduce((m, r) => Math.max(m, f(r)), 0);
  const m: Measured = {
    peer, calls, run: runStats(legs, pooled), cpuMs, wallMs, packetsIn, packetsOut,
    cpuUsPerPacket: (cpuMs * 1000) / Math.max(1, packetsIn + packetsOut),
    sendLateness: { p50: worst((r) => r.sendLateness.p50), p99: worst((r) => r.sendLateness.p99), max: worst((r) => r.sendLateness.max) },
    farEndCpuPercent: (100 * (farEndCpu() - fe0)) / wallMs, other,
    ...(loopDelay ? { loopDelay } : {}),
    ...(alongsideCpuUsPerPacket !== undefined ? { alongsideCpuUsPerPacket } : {}),
  };
  const r = m.run;
  console.error(`${peer} ${calls} calls: ${r.received}/${r.expected} frames (worst leg ${(100 * r.worstDeliveredRatio).toFixed(2)}%), ` +
    `deviation p50/p99/max ${r.deviationP50Ms.toFixed(1)}/${r.deviationP99Ms.toFixed(1)}/${r.deviationMaxMs.toFixed(1)} ms, hole ${r.longestHoleMs.toFixed(0)} ms, ` +
    `${m.cpuUsPerPacket.toFixed(1)} µs/packet, CPU ${((100 * cpuMs) / wallMs).toFixed(0)}%` + (loopDelay ? `, loop delay p99 ${loopDelay.p99.toFixed(1)} ms, workers' legs ${loopDelay.legs.join('/')} busy ${loopDelay.utilization.map((u) => u.toFixed(2)).join('/')}` : ''));
  return m;
}

// ---- chokutsu ----------------------------------------------------------------------------------

interface LineResult {
  /** `remeasured`: a failed first window of a step, followed by its second window. */
  steps: (Measured & { misses: string[]; remeasured?: boolean })[];
  capacity: number;
  /** The step whose calls could not all be set up, if one could not. */
  setupFailed?: { calls: number; why: string };
  /** Trouble after the last window (hanging up, closing): the figures stand, the note says what went wrong. */
  teardown?: string;
  setupProbe?: { samples: number; p50: number; p99: number; max: number; failed: number };
  registered: number;
  recordings: number;
  callsPlaced: number;
  logLines: number;
  firstLogLines: string[];
}

/** `steps`: the call counts to measure at; `probe`: measure call setup while REPORT_CALLS are up. */
async function runLine(farEnds: FarEnds, steps: readonly number[] = STEPS, probe = true, alongside?: Alongside): Promise<LineResult> {
  const agents = benchAgents(AGENTS);
  const dataDir = benchDataDir(agents, benchTelephony({
    portMin: 30000, portMax: 30000 + 4 * MAX_CALLS + 400, ...(MEDIA_WORKERS === undefined ? {} : { mediaWorkers: MEDIA_WORKERS }),
  }));
  // --no-memory-reducer: as bin/chokutsu.mjs starts the line.
  const line = new Child('line', file('./media/line.ts'), [dataDir, String(AGENTS)], NICE, ['--no-memory-reducer', ...LINE_NODE_ARGS]);
  const agentPorts: number[] = [];
  const answered: Answered[] = [];
  let phones: SipUa | undefined;
  let callers: SipUa | undefined;
  const result: LineResult = { steps: [], capacity: 0, registered: 0, recordings: 0, callsPlaced: 0, logLines: 0, firstLogLines: [] };
  const placed: string[] = [];
  let failedAt: number | undefined;
  try {
    const sipPort = await line.call<number>('sipPort');
    phones = await SipUa.open(sipPort, () => agentPorts.shift(), (a) => {
      answered.push(a);
      void farEnds.start([{ port: a.port, to: a.linePort }]);
    });
    for (let i = 0; i < agents.length; i += 20) {
      await Promise.all(agents.slice(i, i + 20).map((a) => phones!.register(a.extension ?? '', phonePassword(a.extension ?? ''))));
    }
    await line.call('available');
    result.registered = (await line.call<{ registered: number }>('status')).registered;
    callers = await SipUa.open(sipPort);
    const ua = callers;
    for (const step of steps) {
      const more = step - placed.length;
      const pairs = await farEnds.openPairs(more, placed.length);
      agentPorts.push(...pairs.map(([, b]) => b));
      const calls: Promise<void>[] = [];
      for (const [a] of pairs) {
        const from = `03${String(placed.length + calls.length).padStart(8, '0')}`;
        calls.push(ua.call(BENCH_NUMBER.slice(1), from, a).then(async ({ callId, linePort }) => {
          placed.push(callId);
          await farEnds.start([{ port: a, to: linePort }]);
        }));
        await sleep(1000 / SETUP_RATE);
      }
      // A step the line cannot even set up is the first failing step, not a crash of the bench.
      const failed = (await Promise.allSettled(calls)).filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      try {
        if (failed.length > 0) throw new Error(`${failed.length} calls failed: ${String(failed[0]?.reason)}`);
        await until(`${step} calls answered by the agents' phones`, () => answered.length >= step, 30_000);
        await until(`${step} calls connected`, async () => (await line.call<{ connected: number }>('status')).connected >= step, 30_000);
      } catch (err) {
        result.setupFailed = { calls: step, why: err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err) };
        break;
      }
      let m = await measure('chokutsu', step, farEnds, () => line.cpuMs(), line, alongside);
      let miss = misses(m.run, CAPACITY);
      if (miss.length > 0) {
        // One window can fail on a hiccup of the far ends or of the machine (their own send lateness is
        // in the table): a step fails when a second window over the same calls fails too. Both are shown.
        result.steps.push({ ...m, misses: miss, remeasured: true });
        m = await measure('chokutsu, second window', step, farEnds, () => line.cpuMs(), line, alongside);
        miss = misses(m.run, CAPACITY);
      }
      result.steps.push({ ...m, misses: miss });
      if (step === REPORT_CALLS && probe) result.setupProbe = await setupProbe(sipPort, dataDir);
      if (miss.length > 0) failedAt ??= step;
      if (failedAt === undefined) result.capacity = step;
      // The first failing step ends the stepping, but the comparison at REPORT_CALLS is always made.
      if (failedAt !== undefined && step >= REPORT_CALLS) break;
    }
    result.callsPlaced = placed.length;
    try {
      await Promise.all(placed.map((id) => ua.hangUp(id).catch(() => undefined)));
      await until('the line to end every call', async () => (await line.call<{ connected: number }>('status')).connected === 0, 30_000);
      const status = await line.call<{ logLines: number; firstLogLines: string[] }>('status');
      result.logLines = status.logLines;
      result.firstLogLines = status.firstLogLines;
      await line.call('close');
      result.recordings = wavFiles(join(dataDir, 'recordings')).length;
    } catch (err) {
      result.teardown = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
    }
    return result;
  } finally {
    phones?.close();
    callers?.close();
    await line.stop();
    await farEnds.closeAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function wavFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.wav')).map((e) => e.name);
}

/** sipp places PROBE_CALLS short calls (answer-and-wait flow) while the bridged calls are up; -trace_rtt gives each INVITE → 200. */
async function setupProbe(sipPort: number, dataDir: string): Promise<LineResult['setupProbe']> {
  const dir = mkdtempSync(join(dataDir, 'probe-'));
  copyFileSync(file('./sipp/caller-setup.xml'), join(dir, 'caller-setup.xml'));
  // Ports of its own, away from bench/sip.ts's 40000–44000.
  const port = 46000 + 4 * Math.floor(Math.random() * 500);
  const child = spawn('/usr/bin/sipp', [
    '-sf', 'caller-setup.xml', '-s', WAIT_NUMBER.slice(1), '-r', '5', '-m', String(PROBE_CALLS), '-l', String(PROBE_CALLS),
    '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 2), '-nostdin', '-timeout', '60s', '-timeout_error', '-trace_rtt', '-rtt_freq', '1',
    '-trace_stat', '-stf', 'stats.csv', `127.0.0.1:${sipPort}`,
  ], { cwd: dir, stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  const rtt = readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
  const samples = rtt
    ? readFileSync(join(dir, rtt), 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => Number(l.split(';')[1])).filter(Number.isFinite)
    : [];
  const stats = readFileSync(join(dir, 'stats.csv'), 'utf8').trim().split('\n');
  const header = stats[0]?.split(';') ?? [];
  const last = stats[stats.length - 1]?.split(';') ?? [];
  const failed = Number(last[header.indexOf('FailedCall(C)')] ?? NaN);
  const sorted = Float64Array.from(samples).sort();
  return { samples: samples.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, failed };
}

// ---- the reference peers -------------------------------------------------------------------------

async function runRtpEngine(farEnds: FarEnds, calls: number, recording: boolean): Promise<Measured> {
  const recordingDir = recording ? mkdtempSync(join(tmpdir(), 'chokutsu-rtpengine-')) : undefined;
  const engine = await startRtpEngine({ nice: NICE, ngPort: 22300, portMin: 36000, portMax: 36000 + 4 * calls + 400, ...(recordingDir ? { recordingDir } : {}) });
  try {
    const pairs = await farEnds.openPairs(calls, 0);
    const legs: { port: number; to: number }[] = [];
    for (const [i, [a, b]] of pairs.entries()) {
      const { toA, toB } = await engine.call(`bench-${i}`, a, b);
      legs.push({ port: a, to: toB }, { port: b, to: toA });
    }
    await farEnds.start(legs);
    const m = await measure(recording ? 'rtpengine, pcap recording' : 'rtpengine', calls, farEnds, () => engine.cpuMs());
    for (let i = 0; i < pairs.length; i++) await engine.delete(`bench-${i}`);
    return m;
  } finally {
    await engine.stop();
    await farEnds.closeAll();
    if (recordingDir) rmSync(recordingDir, { recursive: true, force: true });
  }
}

/** A relay process carrying `calls` calls of the far ends, streaming; `use` measures; then both are closed. */
async function withRelay<T>(farEnds: FarEnds, calls: number, use: (relay: Child, ports: ReadonlySet<number>) => Promise<T>): Promise<T> {
  const relay = new Child('relay', file('./media/relay.ts'), [], NICE);
  try {
    const pairs = await farEnds.openPairs(calls, 0);
    const legs: { port: number; to: number }[] = [];
    for (const [a, b] of pairs) {
      const { toA, toB } = await relay.call<{ toA: number; toB: number }>('pair', { a, b });
      legs.push({ port: a, to: toB }, { port: b, to: toA });
    }
    await farEnds.start(legs);
    return await use(relay, new Set(pairs.flat()));
  } finally {
    await relay.stop();
    await farEnds.closeAll();
  }
}

function runRelay(farEnds: FarEnds, calls: number): Promise<Measured> {
  return withRelay(farEnds, calls, (relay) => measure('Node dgram relay', calls, farEnds, () => relay.cpuMs()));
}

/**
 * The relay and a fresh line carrying `calls` calls each at once, on the same far ends: both see the
 * same machine. The line's second window (warmed) counts, its CPU and the relay's in that window.
 */
function runTogether(farEnds: FarEnds, calls: number): Promise<{ line: number; relay: number } | undefined> {
  // The relay's far-end legs are opened first; the line's calls open theirs beside them.
  return withRelay(farEnds, calls, async (relay, ports) => {
    const lineWindow = (await runLine(farEnds, [calls, calls], false, { ports, cpuMs: () => relay.cpuMs() })).steps.at(-1);
    const relayUs = lineWindow?.alongsideCpuUsPerPacket;
    return lineWindow && relayUs !== undefined ? { line: lineWindow.cpuUsPerPacket, relay: relayUs } : undefined;
  });
}

// ---- the run -----------------------------------------------------------------------------------

// Other work on the machine shows in every timing figure: the load is part of the result.
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loadBefore = loadAverage();
const began = performance.now();
const farEnds = new FarEnds();
let line: LineResult;
const peers: Measured[] = [];
/** CPU µs per packet of each alternating pair (a relay window, then a fresh line's) at REPORT_CALLS. */
const cpuPairs: { line: number; relay: number }[] = [];
/** CPU µs per packet of the line and the relay in each window they shared. */
const cpuTogether: { line: number; relay: number }[] = [];
try {
  line = await runLine(farEnds);
  if (!opts['no-peers']) {
    peers.push(await runRtpEngine(farEnds, REPORT_CALLS, false));
    peers.push(await runRtpEngine(farEnds, REPORT_CALLS, true));
    peers.push(await runRelay(farEnds, REPORT_CALLS));
    for (let i = 0; i < CPU_PAIRS; i++) {
      const relayWindow = await runRelay(farEnds, REPORT_CALLS);
      // Twice at the same calls: the second window is the line warmed up, as in the stepping.
      const lineWindow = (await runLine(farEnds, [REPORT_CALLS, REPORT_CALLS], false)).steps.at(-1);
      if (lineWindow) cpuPairs.push({ line: lineWindow.cpuUsPerPacket, relay: relayWindow.cpuUsPerPacket });
    }
    for (let i = 0; i < CPU_TOGETHER; i++) {
      const shared = await runTogether(farEnds, REPORT_CALLS);
      if (shared) cpuTogether.push(shared);
    }
  }
} finally {
  await farEnds.stop();
}
const elapsedS = (performance.now() - began) / 1000;
const loadAfter = loadAverage();

// ---- report ------------------------------------------------------------------------------------

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const pct = (r: number) => `${(100 * r).toFixed(2)}%`;
const at = line.steps.findLast((s) => s.calls === REPORT_CALLS);
const firstFailing = line.steps.find((s) => s.misses.length > 0 && !s.remeasured);
const rtpengine = peers[0];
const relay = peers[2];
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const meets = (m: Measured | undefined, c: Criterion) => m !== undefined && misses(m.run, c).length === 0;
const sippVersion = /SIPp v[\w.-]*\w/.exec(`${spawnSync('/usr/bin/sipp', ['-v'], { encoding: 'utf8' }).stdout}`)?.[0] ?? 'SIPp';
const rtpengineOut = spawnSync('/usr/bin/rtpengine', ['--version'], { encoding: 'utf8' });
const rtpengineVersion = /version:? (\S+)/i.exec(`${rtpengineOut.stdout}${rtpengineOut.stderr}`)?.[1] ?? 'unknown';

const row = (m: Measured) => {
  const r = m.run;
  return `| ${m.peer} | ${m.calls} | ${r.received} / ${r.expected} (${pct(r.received / Math.max(1, r.expected))}) | ${pct(r.worstDeliveredRatio)} | ` +
    `${r.framesSkipped} (largest jump ${r.largestTsJump}) | ${f1(r.deviationP50Ms)} / ${f1(r.deviationP99Ms)} / ${f1(r.deviationMaxMs)} | ${f1(r.worstLegDeviationP99Ms)} | ` +
    `${f2(r.jitterMeanMs)} / ${f2(r.jitterMaxMs)} | ${f1(r.longestHoleMs)} | ${f1(m.cpuUsPerPacket)} | ${f1((100 * m.cpuMs) / m.wallMs)} | ` +
    `${f1(m.sendLateness.p99)} / ${f1(m.sendLateness.max)} |`;
};
const HEAD = [
  '| peer | calls | frames received / owed | worst leg | ts frames skipped | deviation p50 / p99 / max ms | worst leg p99 ms | RFC 3550 jitter mean / max ms | longest hole ms | CPU µs per packet (in+out) | peer CPU % | far-end send lateness p99 / max ms |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
const ratio = (a: Measured | undefined, b: Measured | undefined) => (a && b ? f2(a.cpuUsPerPacket / b.cpuUsPerPacket) : 'n/a');
/** The median of the line / relay ratios (the mean of the middle two of an even count). */
function medianRatioOf(pairs: readonly { line: number; relay: number }[]): number | undefined {
  const r = pairs.map((p) => p.line / p.relay).sort((a, b) => a - b);
  if (r.length === 0) return undefined;
  return r.length % 2 === 1 ? r[(r.length - 1) / 2] as number : ((r[r.length / 2 - 1] as number) + (r[r.length / 2] as number)) / 2;
}
const medianRatio = medianRatioOf(cpuPairs);
const togetherRatio = medianRatioOf(cpuTogether);

const lines = [
  '## Media',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, rtpengine ${rtpengineVersion}, ${sippVersion}, loopback. ` +
    `Date: ${new Date().toISOString().slice(0, 10)}. Run time ${f1(elapsedS)} s. Load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}.`,
  `Command: \`npm run bench:media\` (\`node --import tsx bench/media.ts${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`)`,
  '',
  `Method: what each FAR END receives. ${FAR_ENDS} far-end processes (\`bench/media/far-end.ts\`) own every caller's and agent phone's RTP socket, ` +
    'send each leg a 20 ms PCMA stream (continuous sequence numbers and timestamps, legs spread over 1 ms slots, frames sent late are still sent) ' +
    'and timestamp every packet that comes back (performance.now()). Per leg over the window: frames owed (the whole 20 ms periods in it) and received; a frame is missing when the RTP timestamps skip it or the count falls short by more than the one frame the window\'s end can cut in flight (the worst leg column); frames the ' +
    'RTP timestamps skip, |inter-arrival − 20 ms| (pooled p50/p99/max, and the worst leg\'s own p99), RFC 3550 jitter, the longest time without a ' +
    `packet (window edges included). Window ${WINDOW_MS / 1000} s, opened ${SETTLE_MS / 1000} s after the last call connected; ` +
    'a step whose window misses the capacity rule is measured in a second window over the same calls, and fails only if that one misses too (both rows shown). ' +
    'The line runs alone in its process (`bench/media/line.ts`: startServer on the bench company of `bench/bench-line.ts`, ' +
    `media in ${MEDIA_WORKERS === undefined ? 'the default media worker threads (`telephony.rtp.mediaWorkers`: one per core)' : MEDIA_WORKERS === 0 ? 'the signalling thread (`telephony.rtp.mediaWorkers: 0`)' : `${MEDIA_WORKERS} media worker thread(s)`}, ` +
    `${AGENTS} agents Available, flow: record Agent + Customer → queue → transfer); the calls are set up by a minimal SIP UA (\`bench/media/sip-ua.ts\`: ` +
    `callers INVITE at ${SETUP_RATE}/s, agent phones register with digest and answer), so every call is bridged and recorded. ` +
    'rtpengine runs in userspace (`--table=-1`, 127.0.0.1, offer/answer over ng), once plain and once with pcap recording; the Node relay ' +
    '(`bench/media/relay.ts`) is two connected dgram sockets per call forwarding A ↔ B. Same streams, same far ends, same call count for all. ' +
    'CPU is utime + stime of the peer\'s process, all threads (/proc/<pid>/stat) over the window; packets handled = packets the far ends sent it + ' +
    'packets they received from it. The far ends\' own send lateness is the floor no receiver can beat. ' +
    `Far ends and peers run at nice ${NICE} (rtpengine through nice(1), the Node processes from their start), ahead of other work on the machine.`,
  '',
  `### Capacity (every leg ≥ ${CAPACITY.minDelivered * 100}% of its frames, deviation p99 < ${CAPACITY.maxDeviationP99Ms} ms, no hole > ${CAPACITY.maxHoleMs} ms)`,
  '',
  ...HEAD,
  ...line.steps.map(row),
  '',
  line.steps.length === 0 && !line.setupFailed ? 'Not run.' :
    `Capacity: **${line.capacity}** concurrent bridged, recorded calls` +
    (line.setupFailed ? ` (first failing step ${line.setupFailed.calls}: not all calls set up — ${line.setupFailed.why}).`
      : firstFailing ? ` (first failing step ${firstFailing.calls}: ${firstFailing.misses.join(', ')}).`
      : ` (every step passed; the steps end at ${STEPS[STEPS.length - 1]}).`) +
    ` Goal ≥ 400: ${verdict(line.capacity >= 400)}.`,
  '',
  `Event-loop delay of the line's main (signalling) thread over each window, p50 / p99 / max ms: ` +
    line.steps.map((s) => `${s.calls} calls ${f1(s.loopDelay?.p50 ?? NaN)} / ${f1(s.loopDelay?.p99 ?? NaN)} / ${f1(s.loopDelay?.max ?? NaN)}`).join('; ') + '.',
  `The media workers' longest event-loop delay over the last 10 s of each window (beyond the 10 ms sampling timer, ` +
    `\`chokutsu_media_worker_loop_delay_max_seconds\`), one figure per worker, ms: ` +
    line.steps.map((s) => `${s.calls} calls ${s.loopDelay?.workers.map(f1).join(' / ') ?? 'n/a'}`).join('; ') + '.',
  `Legs each media worker carried and its event loop's busy share at the end of each window (\`chokutsu_media_worker_utilization\`): ` +
    line.steps.map((s) => `${s.calls} calls ${s.loopDelay?.legs.map((n, i) => `${n} legs, ${f2(s.loopDelay?.utilization[i] ?? NaN)}`).join(' / ') ?? 'n/a'}`).join('; ') + '.',
  `Registered phones: ${line.registered}. Calls placed: ${line.callsPlaced}; recordings written: ${line.recordings}. Line log lines: ${line.logLines}` +
    `${line.firstLogLines.length > 0 ? ` (first: ${line.firstLogLines.join(' | ')})` : ''}.` +
    (line.teardown ? ` After the last window: ${line.teardown}.` : ''),
  '',
  `### ${REPORT_CALLS} calls: chokutsu, rtpengine and a Node relay under the same load`,
  '',
  ...HEAD,
  ...(at ? [row(at)] : []),
  ...peers.map(row),
  '',
  `CPU per packet handled: chokutsu / rtpengine = **${ratio(at, rtpengine)}**, chokutsu / rtpengine with pcap recording = ${ratio(at, peers[1])}, ` +
    `chokutsu / Node relay = **${ratio(at, relay)}**` + (medianRatio === undefined
      ? ` (goal ≤ 1.3: ${verdict(at !== undefined && relay !== undefined && at.cpuUsPerPacket <= 1.3 * relay.cpuUsPerPacket)}).`
      : ` in these windows. Alternating pairs at ${REPORT_CALLS} calls (a relay window, then a fresh line's, ${cpuPairs.length} pairs): ` +
        `chokutsu ${cpuPairs.map((p) => f1(p.line)).join(' / ')} µs, relay ${cpuPairs.map((p) => f1(p.relay)).join(' / ')} µs, ` +
        `ratios ${cpuPairs.map((p) => f2(p.line / p.relay)).join(' / ')}; median chokutsu / Node relay **${f2(medianRatio)}** (goal ≤ 1.3: ${verdict(medianRatio <= 1.3)}).`),
  ...(togetherRatio === undefined ? [] : [
    `Sharing the machine: ${cpuTogether.length} windows in which the relay and a fresh line carried ${REPORT_CALLS} calls each at once, on the same far ends ` +
      `(the line's warmed second window; here the same work costs more CPU time while the other core is busy, and both see the same load): ` +
      `chokutsu ${cpuTogether.map((p) => f1(p.line)).join(' / ')} µs, relay ${cpuTogether.map((p) => f1(p.relay)).join(' / ')} µs, ` +
      `ratios ${cpuTogether.map((p) => f2(p.line / p.relay)).join(' / ')}; median chokutsu / Node relay ${f2(togetherRatio)}. The goal is judged on the alternating pairs above.`,
  ]),
  ...(at ? [
    `Far-end CPU while measuring chokutsu: ${f1(at.farEndCpuPercent)}% of a core (all far ends); packets other than PCMA (RTCP on the RTP port, events): ${at.other}.`,
    '',
    `Goals at ${REPORT_CALLS} calls: every far end ≥ 99.9% of its frames, deviation p99 < ${GOAL.maxDeviationP99Ms} ms, no hole > ${GOAL.maxHoleMs} ms: ` +
      `${verdict(meets(at, GOAL))}${misses(at.run, GOAL).length > 0 ? ` (${misses(at.run, GOAL).join(', ')})` : ''}; ` +
      `loop delay p99 < 10 ms: ${verdict((at.loopDelay?.p99 ?? Infinity) < 10)} (${f1(at.loopDelay?.p99 ?? NaN)} ms).`,
  ] : []),
  line.setupProbe
    ? `Call setup while the ${REPORT_CALLS} calls are up (sipp, ${line.setupProbe.samples} calls at 5/s to the answer-and-wait number, right after the window, -trace_rtt, 1 ms resolution): ` +
      `INVITE → 200 p50 ${f1(line.setupProbe.p50)} ms, p99 ${f1(line.setupProbe.p99)} ms, max ${f1(line.setupProbe.max)} ms; ${line.setupProbe.failed} failed.`
    : `Call setup under load: not measured (the steps stopped before ${REPORT_CALLS} calls).`,
  '',
];
const section = lines.join('\n');
console.log(section);

writeResultsSection('Media', section, { after: 'Telephony' });
