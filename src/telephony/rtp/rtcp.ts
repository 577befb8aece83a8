// Minimal RTCP (RFC 3550 §6): compound SR or RR + SDES CNAME to send, and a tolerant parser.

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, in 1/256 (§6.4.1). */
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSeq: number;
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from ssrc, 0 if none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s. */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export type RtcpPacket =
  | { type: 'SR'; ssrc: number; sender: SenderInfo; reports: ReportBlock[] }
  | { type: 'RR'; ssrc: number; reports: ReportBlock[] }
  | { type: 'SDES'; ssrc: number; cname?: string }
  | { type: 'BYE'; ssrcs: number[] }
  | { type: 'other'; packetType: number };

const PT_SR = 200;
const PT_RR = 201;
const PT_SDES = 202;
const PT_BYE = 203;
const NTP_UNIX_OFFSET = 2208988800;

export function toNtp(date: Date): { ntpSeconds: number; ntpFraction: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { ntpSeconds: (seconds + NTP_UNIX_OFFSET) >>> 0, ntpFraction: Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32) >>> 0 };
}

function header(buf: Buffer, count: number, packetType: number): void {
  buf[0] = 0x80 | (count & 0x1f);
  buf[1] = packetType;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
}

function writeReport(buf: Buffer, offset: number, r: ReportBlock): void {
  buf.writeUInt32BE(r.ssrc >>> 0, offset);
  // Cumulative loss is a signed 24-bit value (duplicates can make it negative).
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
  buf.writeUInt32BE(((r.fractionLost & 0xff) << 24 | lost) >>> 0, offset + 4);
  buf.writeUInt32BE(r.extendedHighestSeq >>> 0, offset + 8);
  buf.writeUInt32BE(Math.round(r.jitter) >>> 0, offset + 12);
  buf.writeUInt32BE(r.lastSr >>> 0, offset + 16);
  buf.writeUInt32BE(r.delaySinceLastSr >>> 0, offset + 20);
}

function sdes(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8').subarray(0, 255);
  // chunk: SSRC, CNAME item (type 1, length, text), END item, padded to a 32-bit boundary
  const chunk = 4 + 2 + text.length + 1;
  const buf = Buffer.alloc(4 + Math.ceil(chunk / 4) * 4);
  header(buf, 1, PT_SDES);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf[8] = 1;
  buf[9] = text.length;
  buf.set(text, 10);
  return buf;
}

/** A compound packet: SR when we have sent media since the last report, else RR; then SDES. */
export function buildRtcpReport(input: {
  ssrc: number;
  cname: string;
  sender?: SenderInfo;
  reports: ReportBlock[];
}): Buffer {
  const reports = input.reports.slice(0, 31);
  let first: Buffer;
  if (input.sender) {
    first = Buffer.alloc(28 + 24 * reports.length);
    header(first, reports.length, PT_SR);
    first.writeUInt32BE(input.ssrc >>> 0, 4);
    first.writeUInt32BE(input.sender.ntpSeconds >>> 0, 8);
    first.writeUInt32BE(input.sender.ntpFraction >>> 0, 12);
    first.writeUInt32BE(input.sender.rtpTimestamp >>> 0, 16);
    first.writeUInt32BE(input.sender.packetCount >>> 0, 20);
    first.writeUInt32BE(input.sender.octetCount >>> 0, 24);
    reports.forEach((r, i) => writeReport(first, 28 + 24 * i, r));
  } else {
    first = Buffer.alloc(8 + 24 * reports.length);
    header(first, reports.length, PT_RR);
    first.writeUInt32BE(input.ssrc >>> 0, 4);
    reports.forEach((r, i) => writeReport(first, 8 + 24 * i, r));
  }
  return Buffer.concat([first, sdes(input.ssrc, input.cname)]);
}

export function buildRtcpBye(ssrc: number): Buffer {
  const buf = Buffer.alloc(8);
  header(buf, 1, PT_BYE);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  return buf;
}

function readReports(buf: Buffer, offset: number, count: number): ReportBlock[] {
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count && offset + 24 * (i + 1) <= buf.length; i++) {
    const at = offset + 24 * i;
    const lostWord = buf.readUInt32BE(at + 4);
    const lost = lostWord & 0xffffff;
    reports.push({
      ssrc: buf.readUInt32BE(at),
      fractionLost: lostWord >>> 24,
      cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
      extendedHighestSeq: buf.readUInt32BE(at + 8),
      jitter: buf.readUInt32BE(at + 12),
      lastSr: buf.readUInt32BE(at + 16),
      delaySinceLastSr: buf.readUInt32BE(at + 20),
    });
  }
  return reports;
}

/** Parses a compound RTCP packet; stops quietly at the first malformed part (never throws). */
export function parseRtcp(buf: Buffer): RtcpPacket[] {
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset + 4 <= buf.length) {
    const first = buf[offset] ?? 0;
    if (first >> 6 !== 2) break;
    const length = (buf.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + length > buf.length) break;
    packets.push(parsePart(buf.subarray(offset, offset + length), first & 0x1f, buf[offset + 1] ?? 0));
    offset += length;
  }
  return packets;
}

// One packet of a compound (§6.4-6.6); a type we do not read, or too short to read, is 'other'.
function parsePart(part: Buffer, count: number, packetType: number): RtcpPacket {
  if (packetType === PT_SR && part.length >= 28) {
    return {
      type: 'SR',
      ssrc: part.readUInt32BE(4),
      sender: {
        ntpSeconds: part.readUInt32BE(8),
        ntpFraction: part.readUInt32BE(12),
        rtpTimestamp: part.readUInt32BE(16),
        packetCount: part.readUInt32BE(20),
        octetCount: part.readUInt32BE(24),
      },
      reports: readReports(part, 28, count),
    };
  }
  if (packetType === PT_RR && part.length >= 8) return { type: 'RR', ssrc: part.readUInt32BE(4), reports: readReports(part, 8, count) };
  if (packetType === PT_SDES && part.length >= 8) {
    const ssrc = part.readUInt32BE(4);
    const cname = part[8] === 1 && part.length >= 10 + (part[9] ?? 0) ? part.subarray(10, 10 + (part[9] ?? 0)).toString('utf8') : undefined;
    return cname === undefined ? { type: 'SDES', ssrc } : { type: 'SDES', ssrc, cname };
  }
  if (packetType === PT_BYE) {
    const ssrcs: number[] = [];
    for (let i = 0; i < count && 8 + 4 * i <= part.length; i++) ssrcs.push(part.readUInt32BE(4 + 4 * i));
    return { type: 'BYE', ssrcs };
  }
  return { type: 'other', packetType };
}
