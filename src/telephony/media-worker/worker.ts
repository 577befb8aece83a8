// A media worker: the RTP sessions, bridges and recorders of the contacts the pool gave it, on a
// thread of their own so pacing and recording do not wait for SIP or the flow. The classes are the
// ones the line uses on its own thread (RtpSession, MediaBridge, StereoRecorder), driven by
// messages (protocol.ts); between two legs bridged here no frame leaves the thread.
import { monitorEventLoopDelay, performance, PerformanceObserver, constants as perfConstants, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { MediaBridge } from '../media/bridge.ts';
import { StereoRecorder } from '../media/recorder.ts';
import { PortAllocator } from '../rtp/ports.ts';
import { RtpSession } from '../rtp/rtp-session.ts';
import { toWire, type FromWorker, type ToWorker, type WorkerFigures } from './protocol.ts';
import { RecentMax } from './recent-max.ts';

export interface MediaWorkerData {
  /** How often every leg's statistics are pushed to the main thread. */
  statsIntervalMs: number;
}

const port = parentPort;
if (!port) throw new Error('media-worker/worker.ts runs only as a worker thread');
const { statsIntervalMs } = workerData as MediaWorkerData;

interface HostedLeg {
  session: RtpSession;
  /** Stops posting frames to the main thread; set while tapped. */
  untap: (() => void) | undefined;
}

const legs = new Map<number, HostedLeg>();
const bridges = new Map<number, MediaBridge>();
const recorders = new Map<number, StereoRecorder>();

function post(message: FromWorker): void {
  port?.postMessage(message);
}

async function open(req: number, id: number, rtpPort: number, bindAddress: string): Promise<void> {
  let session: RtpSession;
  try {
    // The main thread allocated the pair; a one-pair allocator makes RtpSession bind just that one.
    session = await RtpSession.open({ allocator: new PortAllocator({ min: rtpPort, max: rtpPort + 1 }), bindAddress, codec: 'PCMU' });
  } catch (err) {
    return post({ type: 'portTaken', req, error: toWire(err) });
  }
  session.listen({ dtmf: (digit) => post({ type: 'dtmf', leg: id, digit }) });
  legs.set(id, { session, untap: undefined });
  post({ type: 'opened', req, ssrc: session.ssrc });
}

function tap(leg: HostedLeg, id: number, on: boolean): void {
  leg.untap?.();
  leg.untap = on ? leg.session.listen({
    g711: (law, payload, timestamp = 0) => post({ type: 'frame', leg: id, law, payload, timestamp }),
    dtmf: () => {}, // digits already go to the main thread, once
  }) : undefined;
}

async function closeLeg(req: number, id: number): Promise<void> {
  const leg = legs.get(id);
  if (!leg) return post({ type: 'failed', req, error: { message: `no media leg ${id}` } });
  legs.delete(id);
  await leg.session.close();
  post({ type: 'closed', req, stats: leg.session.stats() });
}

async function record(req: number, id: number, path: string): Promise<void> {
  try {
    recorders.set(id, await StereoRecorder.create(path, { onError: (err) => post({ type: 'recordingError', recorder: id, error: toWire(err) }) }));
    post({ type: 'recording', req });
  } catch (err) {
    post({ type: 'recording', req, error: toWire(err) });
  }
}

async function closeRecording(req: number, id: number): Promise<void> {
  const recorder = recorders.get(id);
  if (!recorder) return post({ type: 'failed', req, error: { message: `no recorder ${id}` } });
  recorders.delete(id);
  const result = await recorder.close();
  post({ type: 'recordingClosed', req, path: result.path, durationSeconds: result.durationSeconds, ...(result.failed ? { failed: toWire(result.failed) } : {}) });
}

function withLeg(id: number, req: number | undefined, act: (leg: HostedLeg) => void): void {
  const leg = legs.get(id);
  if (leg) act(leg);
  else if (req !== undefined) post({ type: 'failed', req, error: { message: `media leg ${id} is closed` } });
}

function onMessage(m: ToWorker): void {
  switch (m.type) {
    case 'open': return void open(m.req, m.leg, m.port, m.bindAddress);
    case 'configure': return withLeg(m.leg, undefined, (l) => l.session.configure(m.negotiated));
    case 'signallingAddress': return withLeg(m.leg, undefined, (l) => l.session.setSignallingAddress(m.address));
    case 'start': return withLeg(m.leg, undefined, (l) => l.session.start());
    case 'play': return withLeg(m.leg, m.req, (l) => void l.session.play(m.pcm, { loop: m.loop }).then((end) => post({ type: 'played', req: m.req, end })));
    case 'stop': return withLeg(m.leg, undefined, (l) => l.session.stop());
    case 'sendDtmf': return withLeg(m.leg, m.req, (l) => void l.session.sendDtmf(m.digits).then(
      () => post({ type: 'dtmfSent', req: m.req }),
      (err: unknown) => post({ type: 'dtmfSent', req: m.req, error: toWire(err) }),
    ));
    case 'tap': return withLeg(m.leg, undefined, (l) => tap(l, m.leg, m.on));
    case 'feed': return withLeg(m.leg, undefined, (l) => l.session.feed(m.pcm));
    case 'feedG711': return withLeg(m.leg, undefined, (l) => l.session.feedG711(m.law, m.payload, m.timestamp));
    case 'close': return void closeLeg(m.req, m.leg);
    case 'bridge': {
      const customer = legs.get(m.customer)?.session;
      const agent = legs.get(m.agent)?.session;
      // A leg closed before the bridge arrived: the call is ending, nothing to bridge.
      if (customer && agent) bridges.set(m.bridge, new MediaBridge({ customer, agent }));
      return;
    }
    case 'bridgeRecord': {
      const bridge = bridges.get(m.bridge);
      const recorder = m.recorder === undefined ? undefined : recorders.get(m.recorder);
      if (recorder) bridge?.startRecording(recorder);
      else bridge?.stopRecording();
      return;
    }
    case 'hold': return void bridges.get(m.bridge)?.hold(m.on);
    case 'unbridge': {
      bridges.get(m.bridge)?.close();
      bridges.delete(m.bridge);
      return;
    }
    case 'record': return void record(m.req, m.recorder, m.path);
    case 'closeRecording': return void closeRecording(m.req, m.recorder);
  }
}

/** This thread's heap: each isolate has its own, which the line's /metrics cannot read from its thread. */
function watchHeap(): () => Omit<WorkerFigures, 'loopDelayMaxMs' | 'utilization'> {
  let afterMajorGc: number | undefined;
  let majorGcs = 0;
  // As the line's thread does (server/prometheus.ts): the entries arrive a moment after the GC, little has been allocated since.
  new PerformanceObserver((list) => {
    const majors = list.getEntries().filter((e) => (e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR).length;
    if (majors === 0) return;
    majorGcs += majors;
    afterMajorGc = getHeapStatistics().used_heap_size;
  }).observe({ entryTypes: ['gc'] });
  return () => ({ used: getHeapStatistics().used_heap_size, ...(afterMajorGc !== undefined ? { afterMajorGc } : {}), majorGcs });
}

/**
 * This thread's event-loop delay: the longest over the last 10 s, from each report interval's
 * longest. Sampled every 10 ms, which costs a hundred wake-ups a second at most.
 */
function watchLoopDelay(): () => number {
  const resolutionMs = 10;
  const delay = monitorEventLoopDelay({ resolution: resolutionMs });
  delay.enable();
  const recent = new RecentMax(Math.max(1, Math.round(10_000 / statsIntervalMs)));
  return () => {
    // The histogram holds whole sampling intervals: the delay is what exceeds the resolution.
    recent.add(Math.max(0, delay.max / 1e6 - resolutionMs));
    delay.reset();
    return recent.max;
  };
}

/** The share of the time since it was last asked that this thread's loop was busy, 0 to 1. */
function watchUtilization(): () => number {
  let since: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, since);
    since = now;
    return utilization;
  };
}

const heap = watchHeap();
const loopDelayMaxMs = watchLoopDelay();
const utilization = watchUtilization();
port.on('message', onMessage);
setInterval(() => {
  post({ type: 'stats', legs: [...legs].map(([id, leg]) => [id, leg.session.stats()]), figures: { ...heap(), loopDelayMaxMs: loopDelayMaxMs(), utilization: utilization() } });
}, statsIntervalMs).unref();
post({ type: 'ready' });
