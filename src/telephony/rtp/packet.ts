// RTP fixed header (RFC 3550 §5.1) and the telephone-event payload (RFC 4733 §2.3).

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: readonly number[];
  payload: Uint8Array;
}

const RTP_VERSION = 2;
const FIXED_HEADER = 12;

export function buildRtp(packet: Omit<RtpPacket, 'csrc'> & { csrc?: readonly number[] }): Buffer {
  const csrc = packet.csrc ?? [];
  const header = FIXED_HEADER + 4 * csrc.length;
  const buf = Buffer.alloc(header + packet.payload.length);
  buf[0] = (RTP_VERSION << 6) | csrc.length;
  buf[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  buf.writeUInt16BE(packet.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(packet.timestamp >>> 0, 4);
  buf.writeUInt32BE(packet.ssrc >>> 0, 8);
  csrc.forEach((id, i) => buf.writeUInt32BE(id >>> 0, FIXED_HEADER + 4 * i));
  buf.set(packet.payload, header);
  return buf;
}

/** The big-endian 32-bit word at `at` (the caller has checked the length). */
function uint32At(buf: Uint8Array, at: number): number {
  return (((buf[at] ?? 0) << 24) | ((buf[at + 1] ?? 0) << 16) | ((buf[at + 2] ?? 0) << 8) | (buf[at + 3] ?? 0)) >>> 0;
}

/** The usual packet names no contributing source: one shared, frozen list, not one per packet. */
const NO_CSRC: readonly number[] = Object.freeze([]);

/** Parses an RTP packet; anything that is not version 2 or is truncated gives undefined (dropped). */
export function parseRtp(buf: Buffer): RtpPacket | undefined {
  if (buf.length < FIXED_HEADER) return undefined;
  const first = buf[0] ?? 0;
  if (first >> 6 !== RTP_VERSION) return undefined;
  const padding = (first & 0x20) !== 0;
  const extension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  let offset = FIXED_HEADER + 4 * csrcCount;
  if (buf.length < offset) return undefined;
  let csrc = NO_CSRC;
  if (csrcCount > 0) csrc = Array.from({ length: csrcCount }, (_, i) => buf.readUInt32BE(FIXED_HEADER + 4 * i));
  if (extension) {
    if (buf.length < offset + 4) return undefined;
    offset += 4 + 4 * buf.readUInt16BE(offset + 2);
  }
  let end = buf.length;
  if (padding) end -= buf[buf.length - 1] ?? 0;
  if (end < offset) return undefined;
  const second = buf[1] ?? 0;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    // Read byte by byte: Buffer's read methods are calls whose loads went polymorphic per packet (perf).
    sequenceNumber: ((buf[2] ?? 0) << 8) | (buf[3] ?? 0),
    timestamp: uint32At(buf, 4),
    ssrc: uint32At(buf, 8),
    csrc,
    // A plain view: cheaper to make than a Buffer (subarray), and every reader takes a Uint8Array.
    payload: new Uint8Array(buf.buffer, buf.byteOffset + offset, end - offset),
  };
}

/** RFC 4733 §3.2: events 0-9, *, #, A-D. */
const DTMF_DIGITS = '0123456789*#ABCD';

export type DtmfDigit = string;

export function dtmfEventCode(digit: DtmfDigit): number | undefined {
  const code = DTMF_DIGITS.indexOf(digit.toUpperCase());
  return code === -1 || digit.length !== 1 ? undefined : code;
}

export function dtmfDigit(event: number): DtmfDigit | undefined {
  return DTMF_DIGITS[event];
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  /** In timestamp units since the event's RTP timestamp. */
  duration: number;
}

export function buildTelephoneEvent(ev: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = ev.event;
  out[1] = (ev.end ? 0x80 : 0) | (ev.volume & 0x3f);
  out[2] = (ev.duration >> 8) & 0xff;
  out[3] = ev.duration & 0xff;
  return out;
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const flags = payload[1] ?? 0;
  return {
    event: payload[0] ?? 0,
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
  };
}
