// A phone on loopback for media-plane tests: one UDP socket that says 20 ms PCMU frames, each
// tagged with the phone's id and the frame's index, and keeps every packet it hears with the time
// it arrived, so a test can tell whose frame came, in which order, and how late.
import dgram from 'node:dgram';
import { buildRtp, parseRtp, type RtpPacket } from '../../src/telephony/rtp/packet.ts';

const FILL = 0x55;

/** Phone `phone`'s frame `index`: the id and the index in the first bytes, a fixed byte after them. */
export function taggedFrame(phone: number, index: number): Buffer {
  const payload = Buffer.alloc(160, FILL);
  payload[0] = phone;
  payload.writeUInt16BE(index, 1);
  return payload;
}

/** Whose frame a payload is, if it is a tagged frame at all (a prompt or silence is not). */
export function tagOf(payload: Uint8Array): { phone: number; index: number } | undefined {
  for (let i = 3; i < payload.length; i++) if (payload[i] !== FILL) return undefined;
  return { phone: payload[0] ?? 0, index: ((payload[1] ?? 0) << 8) | (payload[2] ?? 0) };
}

export class RtpPhone {
  readonly heard: RtpPacket[] = [];
  /** When each packet heard arrived, and when each frame of this phone was sent (performance.now()). */
  readonly heardAt: number[] = [];
  readonly sentAt: number[] = [];

  private constructor(readonly id: number, readonly socket: dgram.Socket) {
    socket.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (!packet) return;
      this.heard.push(packet);
      this.heardAt.push(performance.now());
    });
  }

  static async open(id: number): Promise<RtpPhone> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RtpPhone(id, socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends `frames` tagged frames to `port`, one per 20 ms on a drift-free schedule (late ones go at once). */
  speak(port: number, frames: number): Promise<void> {
    const start = performance.now();
    let index = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        for (const due = Math.min(frames, Math.floor((performance.now() - start) / 20) + 1); index < due; index++) {
          const packet = buildRtp({ payloadType: 0, sequenceNumber: index, timestamp: index * 160, ssrc: 1000 + this.id, marker: index === 0, payload: taggedFrame(this.id, index) });
          this.socket.send(packet, port, '127.0.0.1');
          this.sentAt[index] = performance.now();
        }
        if (index >= frames) resolve();
        else setTimeout(tick, Math.max(0, start + index * 20 - performance.now()));
      };
      tick();
    });
  }

  /** The indexes of phone `from`'s frames heard, in arrival order. */
  framesFrom(from: number): number[] {
    return this.heard.map((p) => tagOf(p.payload)).filter((t) => t?.phone === from).map((t) => t?.index ?? -1);
  }

  /** How long each frame of `from` took to reach this phone, in ms. */
  delaysFrom(from: RtpPhone): number[] {
    return this.heard.flatMap((p, i) => {
      const tag = tagOf(p.payload);
      return tag?.phone === from.id ? [(this.heardAt[i] ?? 0) - (from.sentAt[tag.index] ?? 0)] : [];
    });
  }

  close(): void {
    this.socket.close();
  }
}
