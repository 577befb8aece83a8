// Media worker threads (issue 12): each owns the RTP sockets, pacing, bridging and recording of
// the contacts it was given, so the line's thread keeps only SIP, the flow and the router. Every
// RTP leg of one contact is opened in the same worker (`near`), so an RTP↔RTP bridge and its
// recorder run there and no frame crosses threads; a bridge with a browser leg (werift stays on
// the main thread) runs here, with the worker posting its leg's frames. Ports are chosen here and
// bound there. A worker that dies ends its legs (the line hangs their calls up) and is replaced.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { G711Law } from '../rtp/g711.ts';
import { LegSinks } from '../media/leg-sinks.ts';
import type { CallLeg, LegStats, MediaSink, PlaybackEnd } from '../media/leg.ts';
import { MainThreadBridge, RecorderPlacementError, type LineBridge, type LineRecorder, type MediaPlane, type MediaThreadFigures, type RtpLeg } from '../media/plane.ts';
import { RECORDING_LAYOUT, StereoRecorder, type RecordingResult } from '../media/recorder.ts';
import { repairWav } from '../media/wav.ts';
import { PortsExhaustedError, type PortAllocator } from '../rtp/ports.ts';
import type { NegotiatedAudio } from '../sdp/sdp.ts';
import { fromWire, type FromWorker, type ToWorker, type WorkerFigures } from './protocol.ts';
import type { MediaWorkerData } from './worker.ts';

/** The default number of media workers: one per core the process may use. */
export function defaultMediaWorkers(): number {
  return availableParallelism();
}

/** A media worker stopped (crashed, or was terminated) while a request to it was open. */
export class MediaWorkerDiedError extends Error {
  override readonly name = 'MediaWorkerDiedError';
  constructor(readonly workerId: number, reason: string) {
    super(`media worker ${workerId} stopped: ${reason}`);
  }
}

export interface MediaWorkerPoolOptions {
  workers: number;
  allocator: PortAllocator;
  bindAddress: string;
  log: (line: string) => void;
  /** A leg's worker died (`err` says which and why): the leg is closed already; the line ends its call or withdraws its offer. */
  legFailed: (leg: CallLeg, err: MediaWorkerDiedError) => void;
  /** How often workers push their legs' statistics; 500 ms by default. */
  statsIntervalMs?: number;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
const ZERO_STATS: LegStats = { packetsSent: 0, octetsSent: 0, packetsReceived: 0, packetsLost: 0, jitter: 0 };

type Reply = Extract<FromWorker, { req: number }>;

interface Pending {
  reply(message: Reply): void;
  died(err: MediaWorkerDiedError): void;
}

/** One worker thread, as the main thread talks to it. */
class MediaWorker {
  readonly legs = new Map<number, RemoteRtpLeg>();
  readonly recorders = new Map<number, WorkerRecorder>();
  private readonly pending = new Map<number, Pending>();
  private readonly thread: Worker;
  /** Its heap and loop delay as of its last stats message; undefined until the first. */
  figures: WorkerFigures | undefined;
  private error: Error | undefined;
  private ready = false;
  /** Set by terminate(): the exit is ours, not a failure. */
  private stopping = false;

  constructor(readonly id: number, private readonly pool: MediaWorkerPool, statsIntervalMs: number) {
    const workerData: MediaWorkerData = { statsIntervalMs };
    this.thread = new Worker(ENTRY, { workerData, name: `media-${id}` });
    this.thread.on('message', (m: FromWorker) => this.onMessage(m));
    this.thread.on('error', (err) => {
      this.error ??= err;
    });
    this.thread.on('exit', (code) => this.onExit(code));
  }

  /** The legs it carries: a new contact goes to the least loaded worker. */
  get load(): number {
    return this.legs.size;
  }

  get alive(): boolean {
    return !this.stopping && this.error === undefined;
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.thread.postMessage(message, transfer);
  }

  request(make: (req: number) => ToWorker, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (!this.alive) return Promise.reject(new MediaWorkerDiedError(this.id, this.reason()));
    const req = this.pool.nextId();
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(req, { reply: resolve, died: reject });
      this.post(make(req), transfer);
    });
  }

  /** Ends the thread (the line closes); nothing is reported as failed. */
  async terminate(): Promise<void> {
    this.stopping = true;
    await this.thread.terminate();
  }

  /** Kills the thread as a crash would (tests, fault injection): its legs fail and it is replaced. */
  async kill(): Promise<void> {
    this.error ??= new Error('terminated');
    await this.thread.terminate();
  }

  private reason(): string {
    return this.error?.message ?? 'exited';
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        return;
      case 'dtmf':
        return this.legs.get(m.leg)?.digit(m.digit);
      case 'frame':
        return this.legs.get(m.leg)?.frame(m.law, m.payload, m.timestamp);
      case 'stats':
        for (const [leg, stats] of m.legs) this.legs.get(leg)?.updateStats(stats);
        this.figures = m.figures;
        return;
      case 'recordingError':
        return this.recorders.get(m.recorder)?.writingFailed(fromWire(m.error));
      default: {
        const pending = this.pending.get(m.req);
        this.pending.delete(m.req);
        pending?.reply(m);
      }
    }
  }

  private onExit(code: number): void {
    if (this.stopping) {
      // The line is closing: a leg's close() still waiting for its answer has nothing left to wait for.
      for (const pending of this.pending.values()) pending.died(new MediaWorkerDiedError(this.id, 'the line closed'));
      this.pending.clear();
      return;
    }
    const err = new MediaWorkerDiedError(this.id, this.error?.message ?? `exit code ${code}`);
    this.error ??= err;
    this.pool.log(`${err.message}; ending its ${this.legs.size} media legs and starting another`);
    for (const pending of this.pending.values()) pending.died(err);
    this.pending.clear();
    for (const recorder of this.recorders.values()) recorder.died(err);
    this.recorders.clear();
    const legs = [...this.legs.values()];
    this.legs.clear();
    for (const leg of legs) leg.died();
    this.pool.replace(this, this.ready);
    for (const leg of legs) this.pool.legFailed(leg, err);
  }
}

/** An RTP leg whose session lives in a media worker; its statistics are the worker's last copy. */
export class RemoteRtpLeg implements RtpLeg {
  private readonly sinks = new LegSinks();
  /** Sinks that want the party's audio: the worker posts frames while there are any. */
  private audioSinks = 0;
  private cachedStats: LegStats = ZERO_STATS;
  private telephoneEventPt: number | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;
  private readonly playing = new Set<(end: PlaybackEnd) => void>();

  constructor(
    readonly id: number,
    readonly worker: MediaWorker,
    readonly localPort: number,
    readonly ssrc: number,
    private readonly release: (port: number) => void,
  ) {}

  get canSendDtmf(): boolean {
    return this.telephoneEventPt !== undefined;
  }

  configure(negotiated: NegotiatedAudio): void {
    this.telephoneEventPt = negotiated.telephoneEventPt;
    this.send({ type: 'configure', leg: this.id, negotiated });
  }

  setSignallingAddress(address: string): void {
    this.send({ type: 'signallingAddress', leg: this.id, address });
  }

  start(): void {
    this.send({ type: 'start', leg: this.id });
  }

  /** The prompt crosses once, as a copy the worker owns. */
  play(pcm: Int16Array, options: { loop?: boolean } = {}): Promise<PlaybackEnd> {
    if (this.closed) return Promise.resolve('stopped');
    const copy = pcm.slice();
    return new Promise<PlaybackEnd>((resolve) => {
      const settle = (end: PlaybackEnd): void => {
        this.playing.delete(settle);
        resolve(end);
      };
      this.playing.add(settle);
      this.worker.request((req) => ({ type: 'play', req, leg: this.id, pcm: copy, loop: options.loop ?? false }), [copy.buffer as ArrayBuffer])
        .then((m) => settle(m.type === 'played' ? m.end : 'stopped'), () => settle('stopped'));
    });
  }

  stop(): void {
    this.send({ type: 'stop', leg: this.id });
  }

  feed(pcm: Int16Array): void {
    const copy = pcm.slice();
    this.send({ type: 'feed', leg: this.id, pcm: copy }, [copy.buffer as ArrayBuffer]);
  }

  feedG711(law: G711Law, payload: Uint8Array, timestamp?: number): void {
    // A copy of its own to transfer: a Buffer's slice() is a view, and would detach the caller's bytes (the recorder reads them after this).
    const copy = new Uint8Array(payload);
    this.send({ type: 'feedG711', leg: this.id, law, payload: copy, timestamp }, [copy.buffer as ArrayBuffer]);
  }

  listen(sink: MediaSink): () => void {
    const remove = this.sinks.add(sink);
    const wantsAudio = sink.g711 !== undefined || sink.audio !== undefined;
    if (wantsAudio && this.audioSinks++ === 0) this.send({ type: 'tap', leg: this.id, on: true });
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      remove();
      if (wantsAudio && --this.audioSinks === 0) this.send({ type: 'tap', leg: this.id, on: false });
    };
  }

  async sendDtmf(digits: string): Promise<void> {
    if (this.closed) throw new Error(`media leg on port ${this.localPort} is closed`);
    const m = await this.worker.request((req) => ({ type: 'sendDtmf', req, leg: this.id, digits }));
    if (m.type === 'dtmfSent' && m.error) throw fromWire(m.error);
    if (m.type === 'failed') throw fromWire(m.error);
  }

  stats(): LegStats {
    return this.cachedStats;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        const m = await this.worker.request((req) => ({ type: 'close', req, leg: this.id }));
        if (m.type === 'closed') this.cachedStats = m.stats;
      } catch {
        // The worker died meanwhile: its sockets are gone with it.
      }
      this.worker.legs.delete(this.id);
      this.release(this.localPort);
    })();
    return this.closing;
  }

  digit(digit: string): void {
    this.sinks.digit(digit);
  }

  frame(law: G711Law, payload: Uint8Array, timestamp: number): void {
    this.sinks.audio(law, payload, timestamp);
  }

  updateStats(stats: LegStats): void {
    this.cachedStats = stats;
  }

  /** The worker is gone: prompts end, the port returns; close() has nothing left to do. */
  died(): void {
    if (!this.closed) {
      this.closed = true;
      this.release(this.localPort);
    }
    this.closing ??= Promise.resolve();
    for (const settle of [...this.playing]) settle('stopped');
  }

  private send(message: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.closed) this.worker.post(message, transfer);
  }
}

/** A MediaBridge inside a worker, between two legs it hosts. */
class WorkerBridge implements LineBridge {
  private recorder: WorkerRecorder | undefined;

  constructor(readonly id: number, readonly worker: MediaWorker) {}

  startRecording(recorder: LineRecorder): void {
    if (!(recorder instanceof WorkerRecorder) || recorder.worker !== this.worker) throw new RecorderPlacementError(recorder.path);
    this.recorder = recorder;
    this.worker.post({ type: 'bridgeRecord', bridge: this.id, recorder: recorder.id });
  }

  stopRecording(): LineRecorder | undefined {
    const recorder = this.recorder;
    this.recorder = undefined;
    if (recorder) this.worker.post({ type: 'bridgeRecord', bridge: this.id, recorder: undefined });
    return recorder;
  }

  hold(on: boolean): void {
    this.worker.post({ type: 'hold', bridge: this.id, on });
  }

  close(): void {
    this.worker.post({ type: 'unbridge', bridge: this.id });
  }
}

/** A StereoRecorder inside a worker. If the worker dies, the file is made playable from here. */
class WorkerRecorder implements LineRecorder {
  private lost: MediaWorkerDiedError | undefined;
  private closing: Promise<RecordingResult> | undefined;

  constructor(
    readonly id: number,
    readonly worker: MediaWorker,
    readonly path: string,
    private readonly onError: (err: NodeJS.ErrnoException) => void,
  ) {}

  writingFailed(err: NodeJS.ErrnoException): void {
    this.onError(err);
  }

  /** The recording stops here, as on a write error: the line is told once, the file is repaired on close(). */
  died(err: MediaWorkerDiedError): void {
    this.lost = err;
    this.onError(lostRecording(err));
  }

  close(): Promise<RecordingResult> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<RecordingResult> {
    if (!this.lost) {
      try {
        const m = await this.worker.request((req) => ({ type: 'closeRecording', req, recorder: this.id }));
        this.worker.recorders.delete(this.id);
        if (m.type === 'recordingClosed') {
          return { path: m.path, durationSeconds: m.durationSeconds, ...(m.failed ? { failed: fromWire(m.failed) } : {}) };
        }
        if (m.type === 'failed') throw fromWire(m.error);
      } catch (err) {
        if (!(err instanceof MediaWorkerDiedError)) throw err;
        this.lost = err;
      }
    }
    // What the worker flushed before it died is kept; the header is set from the file's length.
    const repaired = await repairWav(this.path, RECORDING_LAYOUT);
    return { path: this.path, durationSeconds: repaired.ok ? repaired.durationSeconds : 0, failed: lostRecording(this.lost) };
  }
}

/** A recording cut short by its worker's end, as the error a write failure would give (with a code the record shows). */
function lostRecording(err: MediaWorkerDiedError | undefined): NodeJS.ErrnoException {
  const lost: NodeJS.ErrnoException = new Error(err?.message ?? 'media worker stopped');
  lost.code = 'EMEDIAWORKER';
  return lost;
}

export class MediaWorkerPool implements MediaPlane {
  private readonly slots: (MediaWorker | undefined)[];
  private lastId = 0;
  private nextSlot = 0;
  private closing = false;

  constructor(private readonly o: MediaWorkerPoolOptions) {
    if (!Number.isInteger(o.workers) || o.workers < 1) throw new RangeError(`a media worker pool needs at least one worker, not ${o.workers}`);
    // Workers start with warm() (a phone registered: all of them) or with the legs that need them:
    // a line that takes no RTP call and has no phone registered costs no thread.
    this.slots = Array.from({ length: o.workers }, () => undefined);
  }

  nextId(): number {
    return ++this.lastId;
  }

  log(line: string): void {
    this.o.log(line);
  }

  legFailed(leg: CallLeg, err: MediaWorkerDiedError): void {
    if (!this.closing) this.o.legFailed(leg, err);
  }

  /** The workers running now, for tests that kill one. */
  get workers(): readonly { id: number; load: number; kill(): Promise<void> }[] {
    return this.slots.filter((w): w is MediaWorker => w !== undefined);
  }

  /** The worker a leg runs in, for tests that kill it. */
  workerOf(leg: CallLeg): { id: number; kill(): Promise<void> } | undefined {
    return leg instanceof RemoteRtpLeg ? leg.worker : undefined;
  }

  async openRtp(options: { near?: CallLeg | undefined } = {}): Promise<RtpLeg> {
    const worker = this.pick(options.near);
    const { allocator, bindAddress } = this.o;
    for (let attempt = 0; attempt < allocator.capacity; attempt++) {
      const port = allocator.acquire();
      if (port === undefined) break;
      const id = this.nextId();
      let m: Reply;
      try {
        m = await worker.request((req) => ({ type: 'open', req, leg: id, port, bindAddress }));
      } catch (err) {
        allocator.release(port);
        throw err;
      }
      if (m.type === 'opened') {
        const leg = new RemoteRtpLeg(id, worker, port, m.ssrc, (p) => allocator.release(p));
        worker.legs.set(id, leg);
        return leg;
      }
      // Taken by another process: leave it marked in use and try the next pair.
    }
    throw new PortsExhaustedError(allocator.min, allocator.max);
  }

  /**
   * Starts every worker before the calls need them: a worker takes about 0.5 s to start through
   * tsx, and a second one started by the first busy moment would stay, so the pool's idle state
   * (threads, their fds and memory) is reached before the first call, not during the calls.
   */
  warm(): void {
    if (this.closing) return;
    for (let slot = 0; slot < this.slots.length; slot++) this.slots[slot] ??= this.spawn();
  }

  bridge(customer: CallLeg, agent: CallLeg): LineBridge {
    if (customer instanceof RemoteRtpLeg && agent instanceof RemoteRtpLeg && customer.worker === agent.worker && customer.worker.alive) {
      const bridge = new WorkerBridge(this.nextId(), customer.worker);
      customer.worker.post({ type: 'bridge', bridge: bridge.id, customer: customer.id, agent: agent.id });
      return bridge;
    }
    return new MainThreadBridge(customer, agent);
  }

  async record(path: string, bridge: LineBridge, options: { onError: (err: NodeJS.ErrnoException) => void }): Promise<LineRecorder> {
    if (!(bridge instanceof WorkerBridge)) return StereoRecorder.create(path, options);
    const { worker } = bridge;
    const recorder = new WorkerRecorder(this.nextId(), worker, path, options.onError);
    const m = await worker.request((req) => ({ type: 'record', req, recorder: recorder.id, path }));
    if (m.type === 'recording' && m.error) throw fromWire(m.error);
    worker.recorders.set(recorder.id, recorder);
    return recorder;
  }

  /** Numbered by slot, not by thread: a replacement takes its predecessor's number, and its own figures from its first report. */
  figures(): MediaThreadFigures[] {
    return this.slots.flatMap((w, worker) => (w?.figures && w.alive ? [{ worker, ...w.figures }] : []));
  }

  async close(): Promise<void> {
    this.closing = true;
    const running = this.slots.filter((w): w is MediaWorker => w !== undefined);
    this.slots.fill(undefined);
    await Promise.all(running.map((w) => w.terminate()));
  }

  /** A dead worker's slot gets a new thread; one that never came up is retried by the next open. */
  replace(dead: MediaWorker, wasReady: boolean): void {
    const slot = this.slots.indexOf(dead);
    if (slot < 0) return;
    this.slots[slot] = undefined;
    if (wasReady && !this.closing) this.slots[slot] = this.spawn();
  }

  private spawn(): MediaWorker {
    return new MediaWorker(this.nextId(), this, this.o.statsIntervalMs ?? 500);
  }

  /**
   * The worker of a leg of the same contact, else the least loaded one (round-robin on ties); a
   * thread is started only when every running one carries calls.
   */
  private pick(near: CallLeg | undefined): MediaWorker {
    if (near instanceof RemoteRtpLeg && near.worker.alive && this.slots.includes(near.worker)) return near.worker;
    let best: MediaWorker | undefined;
    let free: number | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = (this.nextSlot + i) % this.slots.length;
      const worker = this.slots[slot];
      if (!worker) free ??= slot;
      else if (!best || worker.load < best.load) best = worker;
    }
    this.nextSlot = (this.nextSlot + 1) % this.slots.length;
    if (free !== undefined && (!best || best.load > 0)) best = this.slots[free] = this.spawn();
    if (!best) throw new Error('a media worker pool without workers');
    return best;
  }
}
