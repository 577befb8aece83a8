// RFC 4733 telephone-event in: the packets of one key press become one digit, however many
// updates and (retransmitted) end packets carry it. Packets in, digits out; no sockets.
import { dtmfDigit, parseTelephoneEvent, type DtmfDigit } from './packet.ts';

/** The parts of an RTP packet an event is recognised by. */
export interface EventPacketIn {
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payload: Uint8Array;
}

/** Timestamps of reported events kept, so their late end retransmissions are not new digits. */
const RECENT_DIGITS_KEPT = 16;

export class DtmfDetector {
  /** The timestamp of the event being received, if any. */
  private current: number | undefined;
  private reported = false;
  private event = 0;
  private readonly recent: number[] = [];

  /**
   * RFC 4733 §2.5.1.3: an event is identified by its timestamp; it is reported once, on its
   * first end packet, or when the next event starts if every end packet was lost. The marker
   * bit starts a new event even when a sender reuses a timestamp, as a replayed capture
   * (sipp's play_pcap_audio) does for every key. Returns the digits this packet completes.
   */
  receive(packet: EventPacketIn): DtmfDigit[] {
    const ev = parseTelephoneEvent(packet.payload);
    if (!ev) return [];
    const { timestamp } = packet;
    const digits: DtmfDigit[] = [];
    if (packet.marker && (this.recent.includes(timestamp) || this.current === timestamp)) this.restartAt(timestamp, digits);
    if (this.recent.includes(timestamp)) return digits;
    if (timestamp !== this.current) {
      if (this.current !== undefined && !this.reported) this.report(this.current, this.event, digits);
      this.current = timestamp;
      this.reported = false;
      this.event = ev.event;
    }
    if (ev.end && !this.reported) {
      this.reported = true;
      this.report(timestamp, ev.event, digits);
    }
    return digits;
  }

  /** The peer's SSRC changed: the event in progress is abandoned. */
  sourceChanged(): void {
    this.current = undefined;
  }

  // A marker on a timestamp already seen: the old event ends here and a new one begins.
  private restartAt(timestamp: number, digits: DtmfDigit[]): void {
    if (this.current === timestamp && !this.reported) this.report(timestamp, this.event, digits);
    for (let i = this.recent.indexOf(timestamp); i >= 0; i = this.recent.indexOf(timestamp)) this.recent.splice(i, 1);
    this.current = undefined;
  }

  private report(timestamp: number, event: number, digits: DtmfDigit[]): void {
    this.recent.push(timestamp);
    if (this.recent.length > RECENT_DIGITS_KEPT) this.recent.shift();
    const digit = dtmfDigit(event);
    if (digit !== undefined) digits.push(digit);
  }
}
