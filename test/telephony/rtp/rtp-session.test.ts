import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../support/until.ts';
import { onAudio } from '../../support/heard.ts';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { RtpSession, type RtpSessionOptions } from '../../../src/telephony/rtp/rtp-session.ts';
import { PortAllocator, PortsExhaustedError } from '../../../src/telephony/rtp/ports.ts';
import { buildRtp, parseRtp, parseTelephoneEvent, type RtpPacket } from '../../../src/telephony/rtp/packet.ts';
import { Pacer, type FrameClock } from '../../../src/telephony/rtp/pacer.ts';
import { decodeG711 } from '../../../src/telephony/rtp/g711.ts';
import { parseRtcp, type RtcpPacket } from '../../../src/telephony/rtp/rtcp.ts';
import type { IntervalTimer } from '../../../src/telephony/rtp/interval.ts';
import { udpPayloadsOfPcap } from './pcap.ts';

const allocator = new PortAllocator({ min: 47100, max: 47199 });
const opened: RtpSession[] = [];
after(() => Promise.all(opened.map((s) => s.close())));

async function session(options: Partial<RtpSessionOptions> = {}): Promise<RtpSession> {
  const s = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', codec: 'PCMU', telephoneEventPt: 101, ...options });
  opened.push(s);
  return s;
}

async function pair(a: Partial<RtpSessionOptions> = {}, b: Partial<RtpSessionOptions> = {}): Promise<[RtpSession, RtpSession]> {
  const left = await session(a);
  const right = await session(b);
  left.setRemote({ address: '127.0.0.1', port: right.localPort });
  right.setRemote({ address: '127.0.0.1', port: left.localPort });
  return [left, right];
}

function tone(samples: number, amplitude = 8000): Int16Array {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return pcm;
}

async function rawSocket(address = '127.0.0.1'): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  // A test that fails before closing it must not keep the file's process alive.
  socket.unref();
  return socket;
}

function port(socket: dgram.Socket): number {
  return socket.address().port;
}

describe('RtpSession on loopback', () => {
  test('opens on an even port with RTCP on the next one, and refuses when the range is used up', async () => {
    const small = new PortAllocator({ min: 47200, max: 47203 });
    const a = await RtpSession.open({ allocator: small, bindAddress: '127.0.0.1', codec: 'PCMU' });
    const b = await RtpSession.open({ allocator: small, bindAddress: '127.0.0.1', codec: 'PCMU' });
    assert.deepEqual([a.localPort, b.localPort].sort(), [47200, 47202]);
    await assert.rejects(RtpSession.open({ allocator: small, bindAddress: '127.0.0.1', codec: 'PCMU' }), PortsExhaustedError);
    await a.close();
    const c = await RtpSession.open({ allocator: small, bindAddress: '127.0.0.1', codec: 'PCMU' });
    assert.equal(c.localPort, a.localPort);
    await Promise.all([b.close(), c.close()]);
  });

  test('skips a port pair held by another process', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(47205, '127.0.0.1', resolve));
    const small = new PortAllocator({ min: 47204, max: 47207 });
    const s = await RtpSession.open({ allocator: small, bindAddress: '127.0.0.1', codec: 'PCMU' });
    assert.equal(s.localPort, 47206);
    await s.close();
    blocker.close();
  });

  test('a one-second prompt goes out as ~50 packets per second with continuous sequence and timestamps', async () => {
    const receiver = await rawSocket();
    const sender = await session();
    sender.setRemote({ address: '127.0.0.1', port: port(receiver) });
    const packets: { packet: RtpPacket; at: number }[] = [];
    receiver.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (packet) packets.push({ packet, at: performance.now() });
    });
    sender.start();
    const started = performance.now();
    const end = await sender.play(tone(8000));
    const elapsed = performance.now() - started;
    await until(() => packets.length >= 49, '49 packets at the receiver');
    receiver.close();
    assert.equal(end, 'finished');
    assert.ok(elapsed > 950 && elapsed < 1200, `prompt took ${elapsed} ms`);
    assert.ok(packets.length >= 49 && packets.length <= 54, `${packets.length} packets`);
    assert.equal(packets[0]?.packet.marker, true);
    for (let i = 1; i < packets.length; i++) {
      const prev = packets[i - 1]?.packet;
      const cur = packets[i]?.packet;
      assert.ok(prev && cur);
      assert.equal(cur.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff);
      assert.equal(cur.timestamp, (prev.timestamp + 160) >>> 0);
      assert.equal(cur.payload.length, 160);
      assert.equal(cur.payloadType, 0);
    }
    // Drift-free pacing: the n-th packet leaves close to n·20 ms after the first.
    const first = packets[0]?.at ?? 0;
    const last = packets.at(-1);
    assert.ok(last && Math.abs(last.at - first - (packets.length - 1) * 20) < 40);
  });

  test('sends silence when idle so the stream (and NAT binding) stays alive', async () => {
    const receiver = await rawSocket();
    const sender = await session({ codec: 'PCMA' });
    sender.setRemote({ address: '127.0.0.1', port: port(receiver) });
    const payloads: Uint8Array[] = [];
    receiver.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (packet) payloads.push(packet.payload);
    });
    sender.start();
    await until(() => payloads.length >= 4, 'four frames of silence');
    receiver.close();
    assert.ok(payloads.length >= 4, `${payloads.length} packets`);
    assert.ok(payloads.every((p) => p.every((b) => b === 0xd5)));
  });

  test('two sessions exchange audio: PCMU one way is decoded on the other side', async () => {
    const [a, b] = await pair();
    const received: Int16Array[] = [];
    const timestamps: number[] = [];
    onAudio(b, (pcm, ts) => {
      received.push(pcm);
      timestamps.push(ts);
    });
    a.start();
    await a.play(tone(1600));
    const isLoud = (pcm: Int16Array) => pcm.some((s) => Math.abs(s) > 4000);
    await until(() => received.filter(isLoud).length >= 10, 'the ten frames of the tone');
    const loud = received.filter(isLoud);
    assert.equal(loud.length, 10);
    for (let i = 1; i < timestamps.length; i++) assert.equal(timestamps[i], ((timestamps[i - 1] ?? 0) + 160) >>> 0);
    const stats = b.stats();
    assert.equal(stats.packetsLost, 0);
    assert.ok(stats.packetsReceived >= 10);
    assert.equal(stats.remoteSsrc, a.ssrc);
  });

  test('stop() ends the prompt early and resolves it as stopped', async () => {
    const [a] = await pair();
    a.start();
    const playing = a.play(tone(80000));
    setTimeout(() => a.stop(), 60);
    assert.equal(await playing, 'stopped');
    assert.equal(a.playing, false);
  });

  test('symmetric RTP: sends to where the peer sends from, not to the SDP address', async () => {
    const peer = await rawSocket();
    const s = await session();
    s.setRemote({ address: '127.0.0.1', port: 9 }); // what the SDP said (behind NAT)
    const latched = once(s, 'latched');
    const silence = Buffer.alloc(160, 0xff);
    peer.send(Buffer.concat([Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5]), silence]), s.localPort, '127.0.0.1');
    assert.deepEqual((await latched)[0], { address: '127.0.0.1', port: port(peer) });
    const got = once(peer, 'message');
    s.start();
    const [msg] = (await got) as [Buffer];
    assert.equal(parseRtp(msg)?.ssrc, s.ssrc);
    peer.close();
  });

  /** A PCMU packet whose payload is one byte repeated, so who sent what can be told from the decoded audio. */
  const marked = (ssrc: number, seq: number, byte: number) =>
    buildRtp({ payloadType: 0, marker: false, sequenceNumber: seq, timestamp: seq * 160, ssrc, payload: new Uint8Array(160).fill(byte) });
  const PEER_BYTE = 0xff; // µ-law silence
  const INTRUDER_BYTE = 0x00; // µ-law full scale
  const loud = (pcm: Int16Array) => pcm.some((x) => Math.abs(x) > 4000);
  const settle = (ms = 60) => new Promise((resolve) => setTimeout(resolve, ms));

  test('no media hijack: RTP from another address than the SDP\'s is ignored, before and after the peer latched', async () => {
    const peer = await rawSocket('127.0.0.1');
    const intruder = await rawSocket('127.0.0.2');
    const s = await session();
    s.setRemote({ address: '127.0.0.1', port: port(peer) });
    const heard: Int16Array[] = [];
    const latched: unknown[] = [];
    onAudio(s, (pcm) => heard.push(pcm));
    s.on('latched', (e) => latched.push(e));
    intruder.send(marked(0x1111, 1, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    await settle();
    assert.deepEqual({ heard: heard.length, latched }, { heard: 0, latched: [] }, 'the intruder sent first and was not taken');
    for (let i = 0; i < 3; i++) peer.send(marked(0x2222, 10 + i, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => heard.length >= 3, 'the peer\'s three packets');
    for (let i = 0; i < 3; i++) intruder.send(marked(0x2222, 13 + i, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    await settle();
    assert.deepEqual({ heard: heard.length, loud: heard.filter(loud).length }, { heard: 3, loud: 0 });
    assert.deepEqual(latched, [{ address: '127.0.0.1', port: port(peer) }]);
    assert.deepEqual(s.remote, { address: '127.0.0.1', port: port(peer) });
    assert.equal(s.stats().packetsReceived, 3);
    peer.close();
    intruder.close();
  });

  test('a phone behind a NAT: its SDP names a private address, its RTP comes from where its SIP came from, and is heard; others are not', async () => {
    const natted = await rawSocket('127.0.0.1');
    const intruder = await rawSocket('127.0.0.2');
    const s = await session();
    s.setRemote({ address: '192.168.1.20', port: 40000 }); // the phone's own (private) address
    s.setSignallingAddress('127.0.0.1'); // its REGISTER/INVITE came from the NAT's address
    const heard: Int16Array[] = [];
    onAudio(s, (pcm) => heard.push(pcm));
    intruder.send(marked(0x1111, 1, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    for (let i = 0; i < 3; i++) natted.send(marked(0x3333, 10 + i, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => heard.length >= 3, 'the natted phone\'s three packets');
    intruder.send(marked(0x3333, 13, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    await settle();
    assert.deepEqual({ heard: heard.length, loud: heard.filter(loud).length }, { heard: 3, loud: 0 });
    assert.deepEqual(s.remote, { address: '127.0.0.1', port: port(natted) }, 'the line sends back to the NAT');
    natted.close();
    intruder.close();
  });

  test('behind a NAT the first source of the SDP\'s address latches (another port); a second port of it is ignored, the SDP\'s own port wins back', async () => {
    const natted = await rawSocket();
    const other = await rawSocket();
    const exact = await rawSocket();
    const s = await session();
    s.setRemote({ address: '127.0.0.1', port: port(exact) });
    const heard: number[] = [];
    onAudio(s, (pcm) => heard.push(pcm[0] ?? 0));
    natted.send(marked(0x3333, 1, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => heard.length === 1, 'the natted packet');
    assert.deepEqual(s.remote, { address: '127.0.0.1', port: port(natted) });
    other.send(marked(0x3333, 2, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    await settle();
    assert.equal(heard.length, 1, 'another port of the same address after the latch is ignored');
    exact.send(marked(0x3333, 3, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => heard.length === 2, 'the packet from the SDP port');
    assert.deepEqual(s.remote, { address: '127.0.0.1', port: port(exact) });
    natted.send(marked(0x3333, 4, PEER_BYTE), s.localPort, '127.0.0.1');
    await settle();
    assert.equal(heard.length, 2, 'once on the SDP port, the natted port is not the peer any more');
    for (const socket of [natted, other, exact]) socket.close();
  });

  test('latched on exactly the SDP\'s address and port, the socket is connected to the peer; frames sent while it connects leave after, in order', async () => {
    let tick: ((frames: number) => void) | undefined;
    const clock: FrameClock = { add: (_ptime, handler) => { tick = handler; return () => { tick = undefined; }; } };
    const peer = await rawSocket();
    const s = await session({ pacer: clock });
    s.setRemote({ address: '127.0.0.1', port: port(peer) });
    const got: RtpPacket[] = [];
    peer.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (packet) got.push(packet);
    });
    s.start();
    // Three frames in the turn the first packet latched: the socket is connecting then.
    const stop = onAudio(s, () => {
      stop();
      assert.equal(s.connectedTo, undefined, 'not connected yet');
      for (let i = 0; i < 3; i++) tick?.(1);
    });
    peer.send(marked(0x4444, 1, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => got.length >= 3, 'the three frames at the peer');
    assert.deepEqual(s.connectedTo, { address: '127.0.0.1', port: port(peer) });
    tick?.(2);
    await until(() => got.length >= 5, 'two more frames');
    assert.deepEqual(got.map((p) => (p.sequenceNumber - (got[0]?.sequenceNumber ?? 0)) & 0xffff), [0, 1, 2, 3, 4]);
    peer.close();
  });

  test('a new SDP address disconnects the socket: the new port is heard and sent to, and the old one is not', async () => {
    const first = await rawSocket();
    const second = await rawSocket();
    const s = await session();
    s.setRemote({ address: '127.0.0.1', port: port(first) });
    const heard: number[] = [];
    onAudio(s, (pcm) => heard.push(pcm[0] ?? 0));
    first.send(marked(0x5555, 1, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => s.connectedTo !== undefined, 'connected to the first port');
    s.setRemote({ address: '127.0.0.1', port: port(second) }); // a re-INVITE moved the phone's media
    assert.equal(s.connectedTo, undefined);
    second.send(marked(0x5555, 2, PEER_BYTE), s.localPort, '127.0.0.1');
    await until(() => s.connectedTo?.port === port(second), 'connected to the second port');
    first.send(marked(0x5555, 3, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    await settle();
    assert.equal(heard.length, 2, 'the old port is not heard');
    const atSecond = once(second, 'message');
    s.start();
    const [msg] = (await atSecond) as [Buffer];
    assert.equal(parseRtp(msg)?.ssrc, s.ssrc);
    first.close();
    second.close();
  });

  test('packets of a foreign SSRC interleaved with the peer\'s are not played; a new SSRC after a gap restarts the statistics (RFC 3550)', async () => {
    const peer = await rawSocket();
    const s = await session();
    s.setRemote({ address: '127.0.0.1', port: port(peer) });
    const heard: Int16Array[] = [];
    onAudio(s, (pcm) => heard.push(pcm));
    for (let i = 0; i < 4; i++) {
      peer.send(marked(0xa, 100 + i, PEER_BYTE), s.localPort, '127.0.0.1');
      peer.send(marked(0xb, 900 + i, INTRUDER_BYTE), s.localPort, '127.0.0.1');
      await settle(5);
    }
    await settle();
    assert.deepEqual({ heard: heard.length, loud: heard.filter(loud).length }, { heard: 4, loud: 0 });
    assert.deepEqual({ received: s.stats().packetsReceived, ssrc: s.stats().remoteSsrc }, { received: 4, ssrc: 0xa });
    await settle(150); // the SSRC 0xa falls silent
    for (let i = 0; i < 3; i++) peer.send(marked(0xc, 5000 + i, INTRUDER_BYTE), s.localPort, '127.0.0.1');
    await until(() => heard.length === 7, 'the new SSRC\'s packets');
    assert.deepEqual({ received: s.stats().packetsReceived, lost: s.stats().packetsLost, ssrc: s.stats().remoteSsrc }, { received: 3, lost: 0, ssrc: 0xc });
    peer.close();
  });

  test('sends nothing while recvonly or inactive (on hold)', async () => {
    const receiver = await rawSocket();
    const s = await session({ direction: 'inactive' });
    s.setRemote({ address: '127.0.0.1', port: port(receiver) });
    let count = 0;
    receiver.on('message', () => count++);
    s.start();
    await new Promise((resolve) => setTimeout(resolve, 70));
    receiver.close();
    assert.equal(count, 0);
  });

  test('counts lost packets from sequence gaps', async () => {
    const peer = await rawSocket();
    const s = await session();
    const audio = new Promise<void>((resolve) => onAudio(s, () => resolve()));
    for (const seq of [10, 11, 14, 15]) {
      const header = Buffer.from([0x80, 0, 0, seq, 0, 0, 0, seq, 0, 0, 0, 7]);
      peer.send(Buffer.concat([header, Buffer.alloc(160, 0xff)]), s.localPort, '127.0.0.1');
    }
    await audio;
    await until(() => s.stats().packetsReceived >= 4, 'the four packets counted');
    assert.deepEqual({ received: s.stats().packetsReceived, lost: s.stats().packetsLost }, { received: 4, lost: 2 });
    peer.close();
  });

  /** Sends PCMU packets of one SSRC with these sequence numbers and resolves once all are decoded. */
  async function sendSequence(s: RtpSession, peer: dgram.Socket, packets: { seq: number; ts: number }[]): Promise<void> {
    let decoded = 0;
    const all = new Promise<void>((resolve) => {
      const stop = onAudio(s, () => {
        if (++decoded < packets.length) return;
        stop();
        resolve();
      });
    });
    for (const { seq, ts } of packets) {
      const packet = buildRtp({ payloadType: 0, marker: false, sequenceNumber: seq, timestamp: ts, ssrc: 0x5150, payload: new Uint8Array(160).fill(0xff) });
      peer.send(packet, s.localPort, '127.0.0.1');
    }
    await all;
  }

  const run = (firstSeq: number, count: number, firstTs: number) =>
    Array.from({ length: count }, (_, i) => ({ seq: (firstSeq + i) & 0xffff, ts: firstTs + 160 * i }));

  test('a sender restarting its sequence under the same SSRC restarts the counts once two packets follow (RFC 3550 §A.1)', async () => {
    const peer = await rawSocket();
    const s = await session();
    // As sipp's play_pcap_audio replays a capture: same SSRC, sequence and timestamps from the start again.
    await sendSequence(s, peer, [...run(30000, 10, 500000), ...run(5, 5, 0)]);
    peer.close();
    const stats = s.stats();
    // 5 only marks the jump; 6 follows it and restarts the counts.
    assert.deepEqual({ received: stats.packetsReceived, lost: stats.packetsLost }, { received: 4, lost: 0 });
    // The transit time of the old timestamps is not compared with the new ones.
    assert.ok(stats.jitter < 1000, `jitter ${stats.jitter}`);
  });

  test('a single packet far off the sequence is neither a restart nor counted', async () => {
    const peer = await rawSocket();
    const s = await session();
    await sendSequence(s, peer, [...run(100, 3, 0), { seq: 40000, ts: 480 }, ...run(103, 2, 480)]);
    peer.close();
    assert.deepEqual({ received: s.stats().packetsReceived, lost: s.stats().packetsLost }, { received: 5, lost: 0 });
  });

  test('duplicated packets never make the loss negative', async () => {
    const peer = await rawSocket();
    const s = await session();
    await sendSequence(s, peer, [...run(7, 3, 0), ...run(8, 2, 160)]);
    peer.close();
    assert.deepEqual({ received: s.stats().packetsReceived, lost: s.stats().packetsLost }, { received: 5, lost: 0 });
  });

  test('counts across a sequence wrap as continuous', async () => {
    const peer = await rawSocket();
    const s = await session();
    await sendSequence(s, peer, [...run(65533, 3, 0), ...run(1, 2, 800)]);
    peer.close();
    assert.deepEqual({ received: s.stats().packetsReceived, lost: s.stats().packetsLost }, { received: 5, lost: 1 });
  });

  test('a late clock owes frames: each one goes out, in order, with consecutive sequence numbers and timestamps', async () => {
    // The clock is driven by hand: one tick, then a stall of 15 periods reported at once.
    let tick: ((frames: number) => void) | undefined;
    const clock: FrameClock = { add: (_ptime, handler) => { tick = handler; return () => { tick = undefined; }; } };
    const receiver = await rawSocket();
    const sender = await session({ pacer: clock });
    sender.setRemote({ address: '127.0.0.1', port: port(receiver) });
    const packets: RtpPacket[] = [];
    receiver.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (packet) packets.push(packet);
    });
    // 20 frames of prompt, each frame one level: the order is readable at the far end.
    const prompt = new Int16Array(20 * 160);
    for (let frame = 0; frame < 20; frame++) prompt.fill(1000 * (frame + 1), frame * 160, (frame + 1) * 160);
    const played = sender.play(prompt);
    sender.start();
    const send = tick ?? assert.fail('the session joined the clock');
    send(1);
    send(15);
    send(4);
    assert.equal(await played, 'finished');
    await until(() => packets.length >= 20, '20 packets at the receiver');
    receiver.close();
    assert.equal(packets.length, 20);
    for (let i = 1; i < packets.length; i++) {
      const prev = packets[i - 1] ?? assert.fail();
      const cur = packets[i] ?? assert.fail();
      assert.equal(cur.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff, `sequence at ${i}`);
      assert.equal(cur.timestamp, (prev.timestamp + 160) >>> 0, `timestamp at ${i}`);
    }
    const levels = packets.map((p) => Math.round((decodeG711('PCMU', p.payload)[0] ?? 0) / 1000));
    assert.deepEqual(levels, Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('sessions share one send clock per ptime and leave it when closed', async () => {
    const pacer = new Pacer();
    const receiver = await rawSocket();
    const sizes = new Map<number, Set<number>>();
    receiver.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (!packet) return;
      const seen = sizes.get(packet.ssrc) ?? new Set<number>();
      seen.add(packet.payload.length);
      sizes.set(packet.ssrc, seen);
    });
    const sessions = await Promise.all([session({ pacer }), session({ pacer }), session({ pacer, ptime: 30 })]);
    for (const s of sessions) {
      s.setRemote({ address: '127.0.0.1', port: port(receiver) });
      s.start();
    }
    assert.equal(pacer.clockCount, 2);
    await until(() => sessions.every((s) => sizes.has(s.ssrc)), 'a packet from every session');
    await Promise.all(sessions.map((s) => s.close()));
    receiver.close();
    assert.equal(pacer.clockCount, 0);
    assert.deepEqual(sessions.map((s) => [...(sizes.get(s.ssrc) ?? [])]), [[160], [160], [240]]);
  });

  test('sends RTCP sender reports on port+1', async () => {
    const rtcp = await rawSocket();
    const s = await session({ rtcpIntervalMs: 50 });
    // RTCP goes to the RTP port + 1 of the peer; bind the peer's RTP port just below ours.
    s.setRemote({ address: '127.0.0.1', port: port(rtcp) - 1 });
    const got = new Promise<RtcpPacket[]>((resolve) => rtcp.on('message', (msg) => resolve(parseRtcp(msg))));
    s.start();
    const packets = await got;
    rtcp.close();
    assert.equal(packets[0]?.type, 'SR');
    assert.equal(packets[1]?.type, 'SDES');
  });
});

/** An RTCP clock the test fires by hand: reports without waiting out the interval. */
class ManualTimer implements IntervalTimer {
  readonly running = new Map<number, () => void>();
  readonly intervals: number[] = [];
  private next = 0;
  every(ms: number, fire: () => void): () => void {
    const id = this.next++;
    this.running.set(id, fire);
    this.intervals.push(ms);
    return () => this.running.delete(id);
  }
  fire(): void {
    for (const fire of this.running.values()) fire();
  }
}

describe('RTCP reports on an injected timer', () => {
  async function rtcpPeer(s: RtpSession): Promise<{ peer: dgram.Socket; reports: RtcpPacket[][] }> {
    const peer = await rawSocket();
    const reports: RtcpPacket[][] = [];
    peer.on('message', (msg) => reports.push(parseRtcp(msg)));
    // RTCP goes to the RTP port + 1 of the peer: the SDP names the port just below.
    s.setRemote({ address: '127.0.0.1', port: port(peer) - 1 });
    return { peer, reports };
  }

  test('a receive-only session reports what it heard in an RR on each tick, and stops with close()', async () => {
    const timer = new ManualTimer();
    const s = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', codec: 'PCMU', direction: 'recvonly', rtcpTimer: timer, rtcpIntervalMs: 5000, cname: 'leg-a' });
    const { peer, reports } = await rtcpPeer(s);
    assert.equal(timer.running.size, 0, 'no reports before start()');
    s.start();
    assert.deepEqual(timer.intervals, [5000]);
    const media = await rawSocket();
    for (const seq of [10, 11, 13]) {
      media.send(buildRtp({ payloadType: 0, marker: false, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0xcafe, payload: new Uint8Array(160).fill(0xff) }), s.localPort, '127.0.0.1');
    }
    await until(() => s.stats().packetsReceived >= 3, 'the three packets counted');
    // Received from the media socket, so RTP latched there; RTCP still goes to the SDP port + 1.
    s.setRemote({ address: '127.0.0.1', port: port(peer) - 1 });
    timer.fire();
    await until(() => reports.length >= 1, 'the report');
    const [rr, sdes] = reports[0] ?? [];
    assert.equal(rr?.type, 'RR');
    if (rr?.type !== 'RR') return;
    assert.equal(rr.ssrc, s.ssrc);
    assert.deepEqual(rr.reports.map((b) => ({ ssrc: b.ssrc, lost: b.cumulativeLost, highest: b.extendedHighestSeq, fraction: b.fractionLost })),
      [{ ssrc: 0xcafe, lost: 1, highest: 13, fraction: 64 }]);
    assert.deepEqual(sdes, { type: 'SDES', ssrc: s.ssrc, cname: 'leg-a' });
    await s.close();
    assert.equal(timer.running.size, 0, 'the timer is stopped with the session');
    peer.close();
    media.close();
  });

  test('a session that has sent media since the last report sends an SR with its counts and the wall-clock time', async () => {
    const timer = new ManualTimer();
    const now = new Date('2025-04-01T09:00:00Z');
    const s = await session({ rtcpTimer: timer, now: () => now });
    const { peer, reports } = await rtcpPeer(s);
    s.start();
    await until(() => s.stats().packetsSent >= 2, 'two frames sent');
    timer.fire();
    const sent = s.stats();
    await until(() => reports.length >= 1, 'the first report');
    const sr = reports[0]?.[0];
    assert.equal(sr?.type, 'SR');
    if (sr?.type !== 'SR') return;
    assert.equal(sr.sender.packetCount, sent.packetsSent);
    assert.equal(sr.sender.octetCount, sent.octetsSent);
    assert.equal(sr.sender.ntpSeconds, Math.floor(now.getTime() / 1000) + 2208988800);
    await s.close();
    peer.close();
  });
});

describe('DTMF (RFC 4733)', () => {
  test('digits sent by one session are received once each by the other', async () => {
    const [a, b] = await pair();
    const digits: string[] = [];
    b.on('dtmf', (d) => digits.push(d));
    a.start();
    await a.sendDtmf('19*#0', { durationMs: 60, gapMs: 20 });
    await until(() => digits.length >= 5, 'five digits');
    assert.deepEqual(digits, ['1', '9', '*', '#', '0']);
  });

  test('the same digit twice in a row is two events', async () => {
    const [a, b] = await pair();
    const digits: string[] = [];
    b.on('dtmf', (d) => digits.push(d));
    a.start();
    await a.sendDtmf('55', { durationMs: 40, gapMs: 20 });
    await until(() => digits.length >= 2, 'two digits');
    assert.deepEqual(digits, ['5', '5']);
  });

  test('sent events carry one timestamp, growing durations, a marker first and three end packets', async () => {
    const receiver = await rawSocket();
    const s = await session({ telephoneEventPt: 96 });
    s.setRemote({ address: '127.0.0.1', port: port(receiver) });
    const events: RtpPacket[] = [];
    receiver.on('message', (msg) => {
      const packet = parseRtp(msg);
      if (packet?.payloadType === 96) events.push(packet);
    });
    s.start();
    await s.sendDtmf('7', { durationMs: 80, gapMs: 0 });
    await until(() => events.length >= 6, 'the six event packets');
    receiver.close();
    const parsed = events.map((p) => parseTelephoneEvent(p.payload));
    assert.deepEqual(parsed.map((e) => e?.duration), [160, 320, 480, 640, 640, 640]);
    assert.deepEqual(parsed.map((e) => e?.end), [false, false, false, true, true, true]);
    assert.ok(parsed.every((e) => e?.event === 7));
    assert.equal(new Set(events.map((p) => p.timestamp)).size, 1);
    assert.deepEqual(events.map((p) => p.marker), [true, false, false, false, false, false]);
  });

  test('reports a digit whose end packets were all lost when the next event starts', async () => {
    const peer = await rawSocket();
    const s = await session();
    const digits: string[] = [];
    s.on('dtmf', (d) => digits.push(d));
    const send = (seq: number, ts: number, event: number, end: boolean) =>
      peer.send(Buffer.from([0x80, 101, 0, seq, 0, 0, 0x10, ts, 0, 0, 0, 1, event, end ? 0x8a : 0x0a, 0, 160]), s.localPort, '127.0.0.1');
    send(1, 1, 4, false);
    send(2, 1, 4, false);
    send(3, 2, 6, false);
    send(4, 2, 6, true);
    send(5, 2, 6, true);
    await until(() => digits.length >= 2, 'two digits');
    peer.close();
    assert.deepEqual(digits, ['4', '6']);
  });

  test('receives the RFC 4733 captures shipped with sipp, once per digit', async () => {
    const s = await session();
    const digits: string[] = [];
    s.on('dtmf', (d) => digits.push(d));
    const peer = await rawSocket();
    const names = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'star', 'pound'];
    for (const name of names) {
      for (const payload of udpPayloadsOfPcap(`/usr/share/sip-tester/dtmf_2833_${name}.pcap`)) {
        peer.send(payload, s.localPort, '127.0.0.1');
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until(() => digits.length >= 12, 'twelve digits');
    peer.close();
    assert.deepEqual(digits.join(''), '1234567890*#');
  });
});

test('decodes the PCMA capture shipped with sipp (30 ms packets)', async () => {
  const s = await session({ codec: 'PCMA' });
  const frames: Int16Array[] = [];
  onAudio(s, (pcm) => frames.push(pcm));
  const peer = await rawSocket();
  const payloads = udpPayloadsOfPcap('/usr/share/sip-tester/g711a.pcap');
  // In bursts small enough for the socket receive buffer.
  for (let i = 0; i < payloads.length; i += 20) {
    for (const payload of payloads.slice(i, i + 20)) peer.send(payload, s.localPort, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await until(() => frames.length >= payloads.length, 'every frame of the capture');
  peer.close();
  assert.equal(frames.length, payloads.length);
  assert.ok(frames.every((f) => f.length === 240));
  const energy = frames.reduce((sum, f) => sum + f.reduce((acc, x) => acc + Math.abs(x), 0), 0);
  assert.ok(energy / (frames.length * 240) > 100, 'the capture carries speech, not silence');
});
