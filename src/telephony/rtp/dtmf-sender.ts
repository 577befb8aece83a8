// RFC 4733 telephone-event out: which frames of the outgoing stream carry an event packet
// for a queued digit, and what is in it. Asked once per frame; no sockets, no timers.
import { buildTelephoneEvent, dtmfEventCode } from './packet.ts';

/** A telephone-event packet to send in place of this frame's audio. */
export interface EventPacketOut {
  readonly marker: boolean;
  /** The event's start timestamp, the same in every packet of the event. */
  readonly timestamp: number;
  readonly payload: Uint8Array;
}

export interface DigitTiming {
  /** How long the key is held, in timestamp units. */
  readonly samples: number;
  /** Audio frames sent after the end packets before the next digit. */
  readonly pauseFrames: number;
}

interface OutgoingDigit {
  event: number;
  samples: number;
  timestamp?: number;
  elapsed: number;
  endsSent: number;
  pauseFrames: number;
  done: () => void;
}

const END_PACKET_REPEATS = 3;
const VOLUME = 10;

export class DtmfSender {
  private readonly queue: OutgoingDigit[] = [];

  /** Whether no digit (nor the pause after one) is left to send. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Sends each digit (0-9 * # A-D) in turn, the next queued once the previous one and its
   * pause are sent; resolves after the last. Throws RangeError, before sending any, for a digit
   * that is not one.
   */
  async send(digits: string, timing: DigitTiming): Promise<void> {
    const events = [...digits].map((digit) => {
      const event = dtmfEventCode(digit);
      if (event === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
      return event;
    });
    for (const event of events) {
      await new Promise<void>((done) => this.queue.push({ event, ...timing, elapsed: 0, endsSent: 0, done }));
    }
  }

  /**
   * The event packet for the frame starting at `timestamp`, or undefined when the frame is
   * audio (no digit, or the pause after one). RFC 4733 §2.5: all packets of one event carry its
   * start timestamp and a growing duration, the first has the marker bit, the end packet is
   * sent three times.
   */
  next(timestamp: number, samplesPerFrame: number): EventPacketOut | undefined {
    const digit = this.queue[0];
    if (!digit) return undefined;
    if (digit.endsSent >= END_PACKET_REPEATS) {
      if (--digit.pauseFrames <= 0) this.finish(digit);
      return undefined;
    }
    const marker = digit.timestamp === undefined;
    const start = digit.timestamp ?? timestamp;
    digit.timestamp = start;
    digit.elapsed = Math.min(digit.samples, digit.elapsed + samplesPerFrame);
    const end = digit.elapsed >= digit.samples;
    const payload = buildTelephoneEvent({ event: digit.event, end, volume: VOLUME, duration: digit.elapsed });
    if (end && ++digit.endsSent >= END_PACKET_REPEATS && digit.pauseFrames <= 0) this.finish(digit);
    return { marker, timestamp: start, payload };
  }

  /** Resolves every queued digit unsent (the session is closing). */
  clear(): void {
    for (const digit of this.queue.splice(0)) digit.done();
  }

  private finish(digit: OutgoingDigit): void {
    this.queue.shift();
    digit.done();
  }
}
