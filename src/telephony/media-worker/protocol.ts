// What the line's thread and a media worker say to each other. Legs, bridges and recorders are
// named by ids the main thread hands out; a request that needs an answer carries a `req` id the
// answer repeats. Frames cross only for a leg bridged on the main thread (a browser leg's bridge).
import type { G711Law } from '../rtp/g711.ts';
import type { NegotiatedAudio } from '../sdp/sdp.ts';
import type { LegStats, PlaybackEnd } from '../media/leg.ts';
import type { MediaThreadFigures } from '../media/plane.ts';

/** A worker's own heap and loop delay, as it reports them with every stats message: the pool numbers it by slot. */
export type WorkerFigures = Omit<MediaThreadFigures, 'worker'>;

/** An error as it crosses threads: structured clone keeps no `code`. */
export interface WireError {
  message: string;
  code?: string;
}

export type ToWorker =
  | { type: 'open'; req: number; leg: number; port: number; bindAddress: string }
  | { type: 'configure'; leg: number; negotiated: NegotiatedAudio }
  | { type: 'signallingAddress'; leg: number; address: string }
  | { type: 'start'; leg: number }
  | { type: 'play'; req: number; leg: number; pcm: Int16Array; loop: boolean }
  | { type: 'stop'; leg: number }
  | { type: 'sendDtmf'; req: number; leg: number; digits: string }
  /** Whether the leg's frames are posted to the main thread (a main-thread bridge listens). */
  | { type: 'tap'; leg: number; on: boolean }
  | { type: 'feed'; leg: number; pcm: Int16Array }
  | { type: 'feedG711'; leg: number; law: G711Law; payload: Uint8Array; timestamp: number | undefined }
  | { type: 'close'; req: number; leg: number }
  | { type: 'bridge'; bridge: number; customer: number; agent: number }
  | { type: 'bridgeRecord'; bridge: number; recorder: number | undefined }
  | { type: 'hold'; bridge: number; on: boolean }
  | { type: 'unbridge'; bridge: number }
  | { type: 'record'; req: number; recorder: number; path: string }
  | { type: 'closeRecording'; req: number; recorder: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'opened'; req: number; ssrc: number }
  /** The port pair could not be bound (taken by another process): the main thread tries the next. */
  | { type: 'portTaken'; req: number; error: WireError }
  | { type: 'played'; req: number; end: PlaybackEnd }
  | { type: 'dtmfSent'; req: number; error?: WireError }
  | { type: 'dtmf'; leg: number; digit: string }
  | { type: 'frame'; leg: number; law: G711Law; payload: Uint8Array; timestamp: number }
  | { type: 'closed'; req: number; stats: LegStats }
  /**
   * Every open leg's statistics, pushed periodically (an idle worker too, for its heap and loop delay):
   * the main thread's stats() reads this copy, /metrics the figures.
   */
  | { type: 'stats'; legs: [leg: number, stats: LegStats][]; figures: WorkerFigures }
  | { type: 'recording'; req: number; error?: WireError }
  | { type: 'recordingError'; recorder: number; error: WireError }
  | { type: 'recordingClosed'; req: number; path: string; durationSeconds: number; failed?: WireError }
  /** A request the worker could not carry out (a bug, or a leg closed meanwhile). */
  | { type: 'failed'; req: number; error: WireError };

export function toWire(err: unknown): WireError {
  const e = err as NodeJS.ErrnoException;
  return { message: e?.message ?? String(err), ...(e?.code ? { code: e.code } : {}) };
}

export function fromWire(wire: WireError): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(wire.message);
  if (wire.code) err.code = wire.code;
  return err;
}
