// Soak (issue 13): the line as a child process, recording on, sipp callers placing bridged calls to
// sipp agent phones at a steady rate, each held for a uniformly random time; both sides talk for the
// whole call. Every sample (a minute by default): calls placed / completed / failed, the line's RSS,
// heap (its thread's, and its media workers' summed), fds, event-loop delay p99 and CPU. At the end: records written vs calls placed and
// least-squares slopes after the warm-up against the goals (bench/soak-summary.ts).
//   flock /tmp/chokutsu-heavy.lock npm run bench:soak -- --minutes 10 --rate 3 --hold 20-60
// Defaults are the issue's: 30 minutes, 20 calls/s, 20–60 s holds (≈ 800 calls up at once).
// Rewrites the "Soak" section of bench/RESULTS.md (--no-write: only print it).
import { readdirSync, readlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sippProcess, type SippProcess } from '../test/faults/line-process.ts';
import {
  callerHoldScenario, dialedNumber, metricSum, processCpuMs, processFds, processRss, recordsWritten, registerPhones,
  scrape, sippStats, sleep, startBenchLine, statMs, statNumber, talkAudio, type BenchLine,
} from './load-line.ts';
import { soakVerdict, type SoakSample, type SoakTotals } from './soak-summary.ts';
import { writeResultsSection } from './results.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '20' },
    hold: { type: 'string', default: '20-60' },
    'warmup-minutes': { type: 'string' },
    'sample-seconds': { type: 'string', default: '60' },
    agents: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
const [holdMin = NaN, holdMax = holdMin] = (args.hold ?? '').split('-').map((s) => Number(s) * 1000);
const sampleSeconds = Number(args['sample-seconds']);
const ACW_SECONDS = 2;
// Concurrency is rate × mean hold; an agent is busy for the hold, the ring and the ACW. A quarter more for the spread.
const agents = args.agents !== undefined ? Number(args.agents) : Math.ceil(rate * ((holdMin + holdMax) / 2000 + ACW_SECONDS + 1) * 1.25);
// The warm-up: calls pile up for a whole hold before arrivals and departures balance, then the heap settles.
const warmupSeconds = args['warmup-minutes'] !== undefined ? Number(args['warmup-minutes']) * 60 : Math.min(300, Math.max(120, Math.round(minutes * 60 / 3)));
const durationMs = minutes * 60_000;
const callsToPlace = Math.round(rate * minutes * 60);
if (![minutes, rate, holdMin, holdMax, sampleSeconds, agents].every((n) => Number.isFinite(n) && n > 0) || holdMax < holdMin) {
  throw new Error(`bad options: --minutes ${args.minutes} --rate ${args.rate} --hold ${args.hold} --sample-seconds ${args['sample-seconds']} --agents ${args.agents}`);
}

/** The line with its phones registered and no call up. */
interface Idle {
  fds: number;
  rssMb: number;
}

interface Row extends SoakSample {
  placed: number;
  completed: number;
  failed: number;
  up: number;
  records: number;
  cpuPercent: number;
  /** Major GCs so far: the heap-after-GC figure is as fresh as the last of them. */
  majorGcs: number;
  /** The media workers' major GCs so far, summed (a replaced worker's count starts again). */
  workersMajorGcs: number;
}

/** One value per media worker of a `{worker}` series. */
function perWorker(m: Map<string, number>, name: string): number[] {
  return [...m].filter(([series]) => series.startsWith(`${name}{`)).map(([, value]) => value);
}

/** The media workers' heaps, summed; after GC only once every worker has had one (a partial sum would jump when the next reports). */
function workersHeap(m: Map<string, number>): Pick<SoakSample, 'workersHeapUsedMb' | 'workersHeapAfterGcMb'> {
  const used = perWorker(m, 'chokutsu_media_worker_heap_used_bytes');
  const afterGc = perWorker(m, 'chokutsu_media_worker_heap_used_after_major_gc_bytes');
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0) / 2 ** 20;
  return { workersHeapUsedMb: sum(used), workersHeapAfterGcMb: afterGc.length === used.length ? sum(afterGc) : undefined };
}

const audio = talkAudio();
console.error(`soak: ${minutes} min at ${rate} calls/s, holds ${holdMin / 1000}–${holdMax / 1000} s, ${agents} agents, warm-up ${warmupSeconds} s`);
const bench: BenchLine = await startBenchLine({ agents, rtp: { portMin: 50000, portMax: Math.min(65000, 50000 + 8 * agents + 200) }, acwSeconds: ACW_SECONDS });
const sipps: SippProcess[] = [];
const rows: Row[] = [];
let totals: SoakTotals | undefined;
let setupMs = NaN;
let lineLog = '';
try {
  const drainMs = holdMax + 30_000;
  sipps.push(await registerPhones(bench, durationMs + drainMs + 60_000, audio));
  const logFrom = bench.line.output().length; // what the line says from the first call on
  const idleBefore = { fds: processFds(bench.pid), rssMb: processRss(bench.pid) / 2 ** 20 };
  const fdsBefore = fdKinds(bench.pid);
  const callers = await sippProcess({
    scenario: callerHoldScenario(dialedNumber(bench), { min: holdMin, max: holdMax }), serverPort: bench.line.sipPort,
    calls: callsToPlace, rate, limit: agents * 2, timeoutSeconds: Math.ceil((durationMs + drainMs) / 1000) + 60,
    args: ['-trace_stat', '-stf', 'stats.csv', '-fd', '5'], files: { 'talk.al': audio },
  });
  sipps.push(callers);
  const started = performance.now();
  const stats = () => sippStats(join(callers.dir, 'stats.csv'));
  await scrape(bench.line.url); // starts the loop-delay window of the first sample
  let cpu0 = processCpuMs(bench.pid);
  for (let i = 1; i * sampleSeconds * 1000 <= durationMs; i++) {
    await sleep(started + i * sampleSeconds * 1000 - performance.now());
    const m = await scrape(bench.line.url);
    const s = stats();
    const cpu = processCpuMs(bench.pid);
    const afterGc = m.get('chokutsu_heap_used_after_major_gc_bytes');
    rows.push({
      t: (performance.now() - started) / 1000,
      placed: statNumber(s, 'TotalCallCreated'), completed: statNumber(s, 'SuccessfulCall(C)'), failed: statNumber(s, 'FailedCall(C)'),
      up: statNumber(s, 'CurrentCall'), records: metricSum(m, 'chokutsu_contacts_total'),
      rssMb: processRss(bench.pid) / 2 ** 20, heapUsedMb: (m.get('nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20,
      heapAfterGcMb: afterGc === undefined ? undefined : afterGc / 2 ** 20, ...workersHeap(m), fds: processFds(bench.pid),
      loopDelayP99Ms: (m.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000, cpuPercent: (100 * (cpu - cpu0)) / (sampleSeconds * 1000),
      majorGcs: m.get('nodejs_gc_duration_seconds_count{kind="major"}') ?? 0, workersMajorGcs: metricSum(m, 'chokutsu_media_worker_major_gcs_total'),
    });
    cpu0 = cpu;
    const r = rows[rows.length - 1] as Row;
    console.error(`${(r.t / 60).toFixed(1)} min: placed ${r.placed}, completed ${r.completed}, failed ${r.failed}, up ${r.up}, RSS ${r.rssMb.toFixed(0)} MB, `
      + `heap ${r.heapUsedMb.toFixed(0)} MB (after GC ${r.heapAfterGcMb?.toFixed(1) ?? '-'}, ${r.majorGcs} major GCs), `
      + `workers' heaps ${r.workersHeapUsedMb.toFixed(0)} MB (after GC ${r.workersHeapAfterGcMb?.toFixed(1) ?? '-'}, ${r.workersMajorGcs} major GCs), fds ${r.fds}, loop p99 ${r.loopDelayP99Ms.toFixed(0)} ms, CPU ${r.cpuPercent.toFixed(0)}%`);
  }
  const done = await callers.done;
  const last = sippStats(join(callers.dir, 'stats.csv'));
  setupMs = statMs(last, 'ResponseTime1(C)');
  if (done.code !== 0) console.error(`caller sipp exited ${done.code}: ${done.errors.split('\n').slice(0, 5).join(' | ')}`);
  await sleep((ACW_SECONDS + 3) * 1000); // the last records are rewritten after their ACW
  const idleAfter = { fds: processFds(bench.pid), rssMb: processRss(bench.pid) / 2 ** 20 };
  const fdsChanged = fdKindsDiff(fdsBefore, fdKinds(bench.pid));
  if (fdsChanged !== '') console.error(`idle fds by kind, before → after the calls: ${fdsChanged}`);
  for (const s of sipps) s.kill();
  await bench.line.stop();
  lineLog = bench.line.output().slice(logFrom);
  const records = recordsWritten(bench.setup.dir);
  totals = {
    placed: statNumber(last, 'TotalCallCreated'), successful: statNumber(last, 'SuccessfulCall(C)'), failed: statNumber(last, 'FailedCall(C)'),
    records: records.total,
  };
  console.error(`records: ${records.total} (${records.withAgent} with an agent, ${records.withRecording} with a recording)`);
  report(totals, records, idleBefore, idleAfter);
} finally {
  for (const s of sipps) s.kill();
  await bench.line.crash();
}

/** The line's open fds by what they are (socket, pipe, anon_inode:[eventpoll], a file's directory), for a difference that needs explaining. */
function fdKinds(pid: number): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const kind = target.replace(/:\[\d+\]$/, '').replace(/\/[^/]*$/, '/…');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return kinds;
}

function fdKindsDiff(before: Map<string, number>, after: Map<string, number>): string {
  return [...new Set([...before.keys(), ...after.keys()])].sort()
    .filter((k) => (before.get(k) ?? 0) !== (after.get(k) ?? 0))
    .map((k) => `${k} ${before.get(k) ?? 0} → ${after.get(k) ?? 0}`).join(', ');
}

/** The options this run was given, as they would be typed again (the section names what ran). */
function commandOptions(): string {
  const given = [`--minutes ${minutes}`, `--rate ${rate}`, `--hold ${holdMin / 1000}-${holdMax / 1000}`];
  if (args['warmup-minutes'] !== undefined) given.push(`--warmup-minutes ${args['warmup-minutes']}`);
  if (args['sample-seconds'] !== '60') given.push(`--sample-seconds ${sampleSeconds}`);
  if (args.agents !== undefined) given.push(`--agents ${agents}`);
  return given.join(' ');
}

function report(t: SoakTotals, records: ReturnType<typeof recordsWritten>, idleBefore: Idle, idleAfter: Idle): void {
  const v = soakVerdict(rows, t, warmupSeconds, { before: idleBefore.fds, after: idleAfter.fds });
  const f1 = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const logLines = lineLog.split('\n').filter((l) => l.trim() !== '');
  const full = minutes >= 30 && rate >= 20 && holdMin <= 20_000 && holdMax >= 60_000;
  const section = [
    '## Soak',
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, loopback. Date: ${new Date().toISOString().slice(0, 10)}.`,
    `Command: \`flock /tmp/chokutsu-heavy.lock npm run bench:soak -- ${commandOptions()}\``,
    '',
    full
      ? 'This is the issue\'s soak: 30 minutes at 20 calls/s with 20–60 s holds.'
      : `**Not the issue's soak** (30 min at 20 calls/s with 20–60 s holds ≈ 800 calls up at once, which this 2-core machine cannot carry: ` +
        `its measured ceiling is about 200 bridged, recorded calls with the line alone on a core, see Telephony). What ran: ${minutes} min at ${rate} calls/s ` +
        `with ${holdMin / 1000}–${holdMax / 1000} s holds, ≈ ${Math.round(rate * (holdMin + holdMax) / 2000)} calls up at once. ` +
        'The full soak is `npm run bench:soak` with no options, on a machine with the cores for it.',
    '',
    'Method: the line is a child process (`node bin/chokutsu.mjs start`, the load line of `test/faults/line-process.ts`: ' +
      `${agents} agents in one queue, a flow that records both sides and queues, ACW ${ACW_SECONDS} s). One sipp registers every agent's desk phone ` +
      '(digest) and answers; one sipp places the calls (`-r`, uniform random hold). Both sides send PCMA for the whole call (sipp `rtp_stream`, looped). ' +
      'RSS and fds from `/proc/<pid>/` of the line; heap used, heap at the last major GC (`chokutsu_heap_used_after_major_gc_bytes`, read in a ' +
      'PerformanceObserver right after each mark-compact: no `--expose-gc`, no forced GC in the line) and event-loop delay p99 since the previous ' +
      'scrape from the line\'s `/metrics`; the media worker threads\' heaps (each thread has its own V8 heap, in RSS but not in the line\'s heap figures) ' +
      'from the same scrape, read the same way in each worker (`chokutsu_media_worker_heap_used_bytes`, `chokutsu_media_worker_heap_used_after_major_gc_bytes`) ' +
      'and summed over the workers, after GC once every worker has had a major GC; calls from sipp\'s statistics. ' +
      `Slopes are least squares over the samples after a ${warmupSeconds / 60}-minute warm-up. RSS is the issue's goal; a sample of it includes garbage ` +
      'not yet collected, so the heaps after GC (line + workers: what stays alive in JavaScript) are shown beside it to tell a leak from noise.',
    '',
    '| min | placed | completed | failed | up | records so far | line CPU % | RSS MB | heap used MB | heap after GC MB | workers\' heaps used MB | ' +
      'workers\' heaps after GC MB | major GCs (line / workers) | fds | loop delay p99 ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${(r.t / 60).toFixed(1)} | ${r.placed} | ${r.completed} | ${r.failed} | ${r.up} | ${r.records} | ${f1(r.cpuPercent)} | ${f1(r.rssMb)} | ` +
      `${f1(r.heapUsedMb)} | ${f1(r.heapAfterGcMb)} | ${f1(r.workersHeapUsedMb)} | ${f1(r.workersHeapAfterGcMb)} | ${r.majorGcs} / ${r.workersMajorGcs} | ${r.fds} | ${f1(r.loopDelayP99Ms)} |`),
    '',
    `Calls placed ${t.placed}, completed ${t.successful}, failed ${t.failed}; INVITE→200 average ${f1(setupMs)} ms. ` +
      `Records written ${records.total} (${records.withAgent} reached an agent, ${records.withRecording} with a recording).`,
    `Slopes after the warm-up (${v.samplesUsed} samples), per 10 minutes: RSS ${f2(v.slopes.rssMb)} MB; the line's thread's heap used ${f2(v.slopes.heapUsedMb)} MB, ` +
      `after GC ${f2(v.slopes.heapAfterGcMb)} MB; the workers' heaps used ${f2(v.slopes.workersHeapUsedMb)} MB, after GC ${f2(v.slopes.workersHeapAfterGcMb)} MB; ` +
      `RSS less every heap used ${f2(v.slopes.outsideHeapsMb)} MB; fds ${f2(v.slopes.fds)} (fds follow the calls up: each has two RTP sockets and a recording file). ` +
      `Idle (phones registered, no call up): before the first call ${idleBefore.fds} fds, RSS ${f1(idleBefore.rssMb)} MB; ` +
      `after the last call ended ${idleAfter.fds} fds, RSS ${f1(idleAfter.rssMb)} MB.`,
    '',
    '| goal | result | |',
    '|---|---|---|',
    ...v.checks.map((c) => `| ${c.name} | ${c.detail} | ${c.ok ? 'pass' : '**FAIL**'} |`),
    '',
    `Memory: ${v.memory}`,
    '',
    `Line log lines during the run: ${logLines.length}${logLines.length > 0 ? ` (first: ${logLines.slice(0, 3).join(' | ')})` : ''}.`,
    '',
  ].join('\n');
  console.log(section);
  if (!args['no-write']) writeResultsSection('Soak', section);
}
