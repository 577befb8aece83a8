// Bridged audio is forwarded as it arrives (issue 12): an RTP leg fed a whole frame of live audio
// while it has no prompt or digit to send puts it on the wire at once, as its next packet, and
// goes back to one frame per tick of its clock for prompts and digits. The clock, the monotonic
// time and the RTCP timer are driven by hand; the far end is a socket on loopback.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { until } from '../../support/until.ts';
import { RtpSession, type RtpSessionOptions } from '../../../src/telephony/rtp/rtp-session.ts';
import { PortAllocator } from '../../../src/telephony/rtp/ports.ts';
import { buildRtp, parseRtp, parseTelephoneEvent, type RtpPacket } from '../../../src/telephony/rtp/packet.ts';
import type { FrameClock, FrameHandler } from '../../../src/telephony/rtp/pacer.ts';
import type { IntervalTimer } from '../../../src/telephony/rtp/interval.ts';
import { copyG711, encodeG711 } from '../../../src/telephony/rtp/g711.ts';

const allocator = new PortAllocator({ min: 47800, max: 47899 });
const opened: RtpSession[] = [];
const sockets: dgram.Socket[] = [];
after(async () => {
  await Promise.all(opened.map((s) => s.close()));
  for (const socket of sockets) socket.close();
});

/** A send clock ticked by the test; says whether the leg is on it. */
class HandClock implements FrameClock {
  private handler: FrameHandler | undefined;
  add(_ptimeMs: number, handler: FrameHandler): () => void {
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }
  get joined(): boolean {
    return this.handler !== undefined;
  }
  tick(frames = 1): void {
    (this.handler ?? assert.fail('the leg is on the clock'))(frames);
  }
}

class HandTimer implements IntervalTimer {
  private fire: (() => void) | undefined;
  every(_ms: number, fire: () => void): () => void {
    this.fire = fire;
    return () => (this.fire = undefined);
  }
  report(): void {
    this.fire?.();
  }
}

/** A leg on hand clocks, sending to a far end that keeps what it hears. */
async function leg(options: Partial<RtpSessionOptions> = {}) {
  const clock = new HandClock();
  const rtcp = new HandTimer();
  let nowMs = 0;
  const farEnd = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => farEnd.bind(0, '127.0.0.1', resolve));
  sockets.push(farEnd);
  const heard: RtpPacket[] = [];
  farEnd.on('message', (msg) => {
    const packet = parseRtp(msg);
    if (packet) heard.push(packet);
  });
  const session = await RtpSession.open({
    allocator, bindAddress: '127.0.0.1', codec: 'PCMU', telephoneEventPt: 101,
    pacer: clock, rtcpTimer: rtcp, monotonic: () => nowMs, ...options,
  });
  opened.push(session);
  session.setRemote({ address: '127.0.0.1', port: farEnd.address().port });
  session.start();
  return {
    session, clock, rtcp, heard,
    /** Moves the monotonic clock on. */
    wait(ms: number): void {
      nowMs += ms;
    },
    /** Resolves once the far end has heard `count` packets in all. */
    heardAll(count: number): Promise<void> {
      return until(() => heard.length >= count, `${count} packets at the far end`);
    },
  };
}

/** A PCMA byte as this PCMU leg sends it. */
function copyG711Byte(byte: number): number {
  const out = new Uint8Array(1);
  copyG711('PCMA', Uint8Array.of(byte), 'PCMU', out, 0);
  return out[0] ?? 0;
}

/** A frame of PCMU whose bytes say which frame it is. */
function frame(n: number): Uint8Array {
  return new Uint8Array(160).fill(n);
}

function assertConsecutive(packets: RtpPacket[]): void {
  for (let i = 1; i < packets.length; i++) {
    const prev = packets[i - 1] ?? assert.fail();
    const cur = packets[i] ?? assert.fail();
    assert.equal(cur.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff, `sequence number of packet ${i}`);
  }
}

/** Each packet's timestamp after the first, as frames since the one before it (events excluded). */
function timestampSteps(packets: RtpPacket[]): number[] {
  const audio = packets.filter((p) => p.payloadType !== 101);
  return audio.slice(1).map((p, i) => ((p.timestamp - (audio[i]?.timestamp ?? 0)) >>> 0) / 160);
}

/** A received packet as Node hands it over (a buffer of its own) and its payload's view, as parseRtp gives it. */
function received(n: number, options: { padding?: number; payloadType?: number } = {}): { datagram: Buffer; payload: Uint8Array } {
  const built = buildRtp({ payloadType: options.payloadType ?? 0, marker: true, sequenceNumber: 7, timestamp: 99, ssrc: 0xabcdef, payload: frame(n) });
  const padding = options.padding ?? 0;
  const datagram = Buffer.alloc(built.length + padding);
  built.copy(datagram);
  if (padding > 0) {
    datagram[0] = (datagram[0] ?? 0) | 0x20;
    datagram[datagram.length - 1] = padding;
  }
  const payload = parseRtp(datagram)?.payload ?? assert.fail('parses');
  return { datagram, payload };
}

describe('cut-through forwarding of bridged audio', () => {
  test('a received packet in the leg\'s law is sent on itself, our header over the source\'s and its padding left off; another law is copied', async () => {
    const { session, heard, wait, heardAll } = await leg();
    const first = received(1);
    session.feedG711('PCMU', first.payload, 1000, first.datagram);
    wait(20);
    const padded = received(2, { padding: 4 });
    session.feedG711('PCMU', padded.payload, 1160, padded.datagram);
    wait(20);
    const otherLaw = received(3, { payloadType: 8 });
    session.feedG711('PCMA', otherLaw.payload, 1320, otherLaw.datagram);
    await heardAll(3);
    assertConsecutive(heard);
    assert.deepEqual(timestampSteps(heard), [1, 1]);
    assert.ok(heard.every((p) => p.ssrc === session.ssrc && p.payloadType === 0 && p.payload.length === 160));
    assert.deepEqual(heard.map((p) => p.payload[0]), [1, 2, copyG711Byte(3)]);
    // The first two went out in place: their datagrams now carry our header (and no padding bit).
    for (const { datagram } of [first, padded]) assert.equal(parseRtp(datagram)?.ssrc, session.ssrc);
    assert.equal((padded.datagram[0] ?? 0) & 0x20, 0);
    assert.equal(parseRtp(otherLaw.datagram)?.ssrc, 0xabcdef, 'converted into a new packet, the datagram untouched');
  });

  test('a fed frame goes out at once as the leg\'s next packet, its own SSRC, one frame on, and the leg leaves its clock', async () => {
    const { session, clock, heard, wait, heardAll } = await leg();
    clock.tick(); // keep-alive silence before the call is bridged
    wait(12);
    session.feedG711('PCMU', frame(1), 50_000);
    assert.equal(clock.joined, false, 'no tick while forwarding');
    wait(20);
    session.feedG711('PCMU', frame(2), 50_160);
    wait(20);
    session.feedG711('PCMU', frame(3), 50_320);
    await heardAll(4);
    assertConsecutive(heard);
    assert.deepEqual(timestampSteps(heard), [1, 1, 1]);
    assert.deepEqual(heard.map((p) => p.payload[0]), [0xff, 1, 2, 3], 'silence, then the fed frames as they came');
    assert.ok(heard.every((p) => p.ssrc === session.ssrc && p.payloadType === 0));
    assert.deepEqual(heard.map((p) => p.marker), [true, false, false, false]);
  });

  test('the source\'s gaps stay gaps: a second of silence suppression, a lost frame; a source that starts over follows on', async () => {
    const { session, heard, wait, heardAll } = await leg();
    session.feedG711('PCMU', frame(1), 1000);
    wait(20);
    session.feedG711('PCMU', frame(2), 1160);
    wait(1020);
    session.feedG711('PCMU', frame(3), 1160 + 51 * 160); // nothing sent for a second
    wait(40);
    session.feedG711('PCMU', frame(4), 1160 + 53 * 160); // the frame before was lost
    wait(20);
    session.feedG711('PCMU', frame(5), 7); // a new source: its timestamps start anywhere
    wait(20);
    session.feedG711('PCMU', frame(6), 167);
    await heardAll(6);
    assertConsecutive(heard);
    assert.deepEqual(timestampSteps(heard), [1, 51, 2, 1, 1]);
  });

  test('a frame delivered late after a stall keeps the source\'s timing: a burst of frames is a burst of consecutive timestamps', async () => {
    const { session, heard, wait, heardAll } = await leg();
    session.feedG711('PCMU', frame(1), 0);
    wait(150); // the loop stalled; the source's frames queued meanwhile come at once
    for (let n = 1; n <= 7; n++) session.feedG711('PCMU', frame(n + 1), n * 160);
    await heardAll(8);
    assert.deepEqual(timestampSteps(heard), [1, 1, 1, 1, 1, 1, 1]);
  });

  test('a prompt takes the leg back to its clock without a gap, audio fed meanwhile is not sent after it, and forwarding resumes when it ends', async () => {
    const { session, clock, heard, wait, heardAll } = await leg();
    session.feedG711('PCMU', frame(1), 0);
    wait(20);
    session.feedG711('PCMU', frame(2), 160);
    wait(50); // the source is silent for 2.5 periods, then a whisper starts
    const whisper = session.play(new Int16Array(320).fill(8000));
    assert.equal(clock.joined, true, 'the prompt is paced');
    wait(5);
    session.feedG711('PCMU', frame(3), 160 + 3 * 160);
    clock.tick();
    wait(20);
    session.feedG711('PCMU', frame(4), 160 + 4 * 160);
    clock.tick();
    assert.equal(await whisper, 'finished');
    wait(8);
    session.feedG711('PCMU', frame(5), 160 + 5 * 160);
    assert.equal(clock.joined, false, 'forwarding again');
    wait(20);
    session.feedG711('PCMU', frame(6), 160 + 6 * 160);
    await heardAll(6);
    assertConsecutive(heard);
    const whisperByte = encodeG711('PCMU', new Int16Array([8000]))[0];
    assert.deepEqual(heard.map((p) => p.payload[0]), [1, 2, whisperByte, whisperByte, 5, 6]);
    // The whisper's first frame is 3 periods after the last forwarded one (2.5 periods, and the
    // tick half a period on average); then every frame follows the one before.
    assert.deepEqual(timestampSteps(heard), [1, 3, 1, 1, 1]);
  });

  test('a digit sent during cut-through goes out on the clock on the leg\'s timeline; then audio is forwarded again', async () => {
    const { session, clock, heard, wait, heardAll } = await leg();
    session.feedG711('PCMU', frame(1), 0);
    wait(10);
    const sent = session.sendDtmf('5', { durationMs: 40, gapMs: 20 });
    assert.equal(clock.joined, true, 'the digit is paced');
    session.feedG711('PCMU', frame(2), 160); // the pause after the digit plays it
    for (let n = 0; n < 5; n++) {
      wait(20);
      clock.tick();
    }
    await sent;
    wait(10);
    session.feedG711('PCMU', frame(3), 640);
    assert.equal(clock.joined, false);
    await heardAll(7);
    assertConsecutive(heard);
    const events = heard.filter((p) => p.payloadType === 101);
    assert.deepEqual(events.map((p) => parseTelephoneEvent(p.payload)?.duration), [160, 320, 320, 320]);
    const first = heard[0] ?? assert.fail();
    assert.ok(events.every((p) => p.timestamp === first.timestamp + 160), 'the event starts one frame after the last forwarded frame');
    assert.deepEqual(heard.filter((p) => p.payloadType === 0).map((p) => p.payload[0]), [1, 2, 3]);
    assert.deepEqual(timestampSteps(heard), [5, 1], 'four frames of the event, the pause, then forwarding');
  });

  test('a PCMU frame forwarded on a PCMA leg is converted byte by byte and sent with PCMA\'s payload type', async () => {
    const { session, heard, heardAll } = await leg({ codec: 'PCMA' });
    const tone = encodeG711('PCMU', Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin(i / 3))));
    session.feedG711('PCMU', tone, 0);
    await heardAll(1);
    const expected = new Uint8Array(160);
    copyG711('PCMU', tone, 'PCMA', expected, 0);
    assert.equal(heard[0]?.payloadType, 8);
    assert.deepEqual([...(heard[0]?.payload ?? [])], [...expected]);
  });

  test('fed PCM is forwarded too, each frame one frame after the one before', async () => {
    const { session, clock, heard, wait, heardAll } = await leg();
    session.feed(new Int16Array(160).fill(1000));
    wait(60);
    session.feed(new Int16Array(160).fill(2000));
    assert.equal(clock.joined, false);
    await heardAll(2);
    assert.deepEqual(timestampSteps(heard), [1]);
    assert.deepEqual(heard.map((p) => p.payload[0]), [...encodeG711('PCMU', new Int16Array([1000, 2000]))]);
  });

  test('audio of another frame size than the leg\'s is repacketised on the clock', async () => {
    const { session, clock, heard, heardAll } = await leg({ ptime: 30 });
    session.feedG711('PCMU', frame(1), 0);
    session.feedG711('PCMU', frame(2), 160);
    assert.equal(clock.joined, true);
    clock.tick();
    await heardAll(1);
    assert.deepEqual([...(heard[0]?.payload ?? [])], [...frame(1), ...frame(2).subarray(0, 80)]);
  });

  test('a source silent for a whole RTCP interval gets silence paced again, on the same timeline', async () => {
    const { session, clock, rtcp, heard, wait, heardAll } = await leg();
    session.feedG711('PCMU', frame(1), 0);
    rtcp.report(); // something was forwarded in this interval
    assert.equal(clock.joined, false);
    wait(5000);
    rtcp.report(); // nothing since
    assert.equal(clock.joined, true);
    wait(10);
    clock.tick();
    await heardAll(2);
    assertConsecutive(heard);
    assert.deepEqual(timestampSteps(heard), [251]);
    assert.equal(heard[1]?.payload[0], 0xff);
  });

  test('frames forwarded in one turn of the event loop leave together after it, in order; a leg closed meanwhile sends nothing', async () => {
    const { session, heard, heardAll } = await leg();
    const other = await leg();
    for (let n = 1; n <= 3; n++) {
      session.feedG711('PCMU', frame(n), n * 160);
      other.session.feedG711('PCMU', frame(n), n * 160);
    }
    void other.session.close();
    await heardAll(3);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(heard.map((p) => p.payload[0]), [1, 2, 3]);
    assert.equal(other.heard.length, 0);
  });

  test('a leg on hold (recvonly) forwards nothing and stays on its clock', async () => {
    const { session, clock, heard } = await leg({ direction: 'recvonly' });
    session.feedG711('PCMU', frame(1), 0);
    assert.equal(clock.joined, true);
    clock.tick();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(heard.length, 0);
  });
});
