// Reads the UDP payloads of a classic libpcap file (Ethernet + IPv4), to replay captures
// that ship with sipp as a real third-party RTP source.
import { readFileSync } from 'node:fs';

export function udpPayloadsOfPcap(path: string): Buffer[] {
  const file = readFileSync(path);
  const littleEndian = file.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (offset: number) => (littleEndian ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const payloads: Buffer[] = [];
  for (let offset = 24; offset + 16 <= file.length; ) {
    const length = u32(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    if (frame.readUInt16BE(12) !== 0x0800) continue;
    const ipHeader = ((frame[14] ?? 0) & 0x0f) * 4;
    if (frame[14 + 9] !== 17) continue;
    const udp = 14 + ipHeader;
    payloads.push(frame.subarray(udp + 8, udp + frame.readUInt16BE(udp + 4)));
  }
  return payloads;
}
