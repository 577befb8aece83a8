// The media plane as the SIP line sees it: where RTP legs are opened, how two legs are bridged and
// where their recording is made. On the line's own thread (LocalMediaPlane) that is RtpSession,
// MediaBridge and StereoRecorder as they are; the media worker pool (media-worker/pool.ts) puts
// them on worker threads behind the same interface.
import { MediaBridge } from './bridge.ts';
import type { CallLeg, MediaLeg } from './leg.ts';
import { StereoRecorder, type RecordingResult } from './recorder.ts';
import type { PortAllocator } from '../rtp/ports.ts';
import { RtpSession } from '../rtp/rtp-session.ts';
import type { NegotiatedAudio } from '../sdp/sdp.ts';

/** A plain RTP leg as the line drives it: a CallLeg that takes SDP offer/answer's outcome. */
export interface RtpLeg extends CallLeg {
  readonly localPort: number;
  readonly ssrc: number;
  /** Applies a (re-)negotiation: codec, payload types, remote address, direction, ptime. */
  configure(negotiated: NegotiatedAudio): void;
  /** Where the peer's SIP came from: RTP from that address is the peer's too (NAT). */
  setSignallingAddress(address: string): void;
  /** Starts sending (paced frames, RTCP). */
  start(): void;
}

/** A call's recording as the line keeps it: moved between bridges, closed when the contact ends. */
export interface LineRecorder {
  readonly path: string;
  close(): Promise<RecordingResult>;
}

/** Two legs hearing each other, as the line uses MediaBridge. */
export interface LineBridge {
  startRecording(recorder: LineRecorder): void;
  /** Stops feeding the recorder (pause); the caller closes it when the contact ends. */
  stopRecording(): LineRecorder | undefined;
  hold(on: boolean): void;
  /** Unbridges; both legs stay open. */
  close(): void;
}

/** A media thread's V8 heap and event-loop delay, as the thread last reported them (each thread has its own, apart from the line's). */
export interface MediaThreadFigures {
  /**
   * The thread's place in the pool, 0 to workers - 1: a thread started to replace one that died
   * reports under the same number, so monitoring sees as many threads as the pool has.
   */
  worker: number;
  /** Heap used at its last report, garbage included. */
  used: number;
  /** Heap used right after its last major (mark-compact) GC; absent until it has had one. */
  afterMajorGc?: number;
  /** Its major GCs so far (the thread's: a replacement starts from 0). */
  majorGcs: number;
  /**
   * The longest its event loop was late over the last 10 s (sampled every 10 ms): a forwarded frame
   * waits that long, so it is the media thread's share of what the far end hears as jitter.
   */
  loopDelayMaxMs: number;
  /**
   * The share of its last report interval (500 ms) its event loop was busy, 0 to 1 (Node's event
   * loop utilization): how near the thread is to falling behind its frames.
   */
  utilization: number;
}

export interface MediaPlane {
  /** Opens an RTP leg; `near` is another leg of the same contact, which it should share a thread with. */
  openRtp(options?: { near?: CallLeg | undefined }): Promise<RtpLeg>;
  bridge(customer: CallLeg, agent: CallLeg): LineBridge;
  /** A recorder for `bridge`, made where the bridge runs. Rejects when the file cannot be created. */
  record(path: string, bridge: LineBridge, options: { onError: (err: NodeJS.ErrnoException) => void }): Promise<LineRecorder>;
  /** Gets ready for calls ahead of them (starts its threads, if the plane has threads). */
  warm(): void;
  /** Ends the plane's threads, if any (the line closes after its legs). */
  close(): Promise<void>;
  /** The heaps and loop delays of its threads that have reported; none on the line's own thread, whose heap the line measures itself. */
  figures(): MediaThreadFigures[];
}

/** A recorder handed to a bridge that cannot feed it (made for another thread): a bug in the line. */
export class RecorderPlacementError extends Error {
  override readonly name = 'RecorderPlacementError';
  constructor(path: string) {
    super(`recording ${path} was made for another thread than the bridge it was given to`);
  }
}

/** A MediaBridge on the line's thread: what it records must be a StereoRecorder of that thread. */
export class MainThreadBridge implements LineBridge {
  private readonly bridge: MediaBridge;

  constructor(customer: MediaLeg, agent: MediaLeg) {
    this.bridge = new MediaBridge({ customer, agent });
  }

  startRecording(recorder: LineRecorder): void {
    if (!(recorder instanceof StereoRecorder)) throw new RecorderPlacementError(recorder.path);
    this.bridge.startRecording(recorder);
  }

  stopRecording(): LineRecorder | undefined {
    return this.bridge.stopRecording();
  }

  hold(on: boolean): void {
    this.bridge.hold(on);
  }

  close(): void {
    this.bridge.close();
  }
}

/** Media on the line's own thread (`telephony.rtp.mediaWorkers: 0`). */
export class LocalMediaPlane implements MediaPlane {
  constructor(private readonly o: { allocator: PortAllocator; bindAddress: string }) {}

  openRtp(): Promise<RtpLeg> {
    return RtpSession.open({ allocator: this.o.allocator, bindAddress: this.o.bindAddress, codec: 'PCMU' });
  }

  bridge(customer: CallLeg, agent: CallLeg): LineBridge {
    return new MainThreadBridge(customer, agent);
  }

  record(path: string, _bridge: LineBridge, options: { onError: (err: NodeJS.ErrnoException) => void }): Promise<LineRecorder> {
    return StereoRecorder.create(path, options);
  }

  warm(): void {}

  async close(): Promise<void> {}

  figures(): MediaThreadFigures[] {
    return [];
  }
}
