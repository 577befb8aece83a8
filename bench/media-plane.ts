// Quick media-plane measurement (issue 12): N bridged, recorded calls of the line's own media
// code (RtpSession ×2, MediaBridge, StereoRecorder) against a Node far end on loopback that
// sends 20 ms PCMU frames from 2N sockets. What the line sends is captured with tcpdump (kernel
// timestamps, so the far end's own event loop does not colour the timing) and analysed per
// stream: frames delivered vs owed, RTP timestamp jumps, deviation from the 20 ms interval,
// holes, back-to-back packets. The line's CPU and event-loop delay are measured in-process.
// No SIP: bench/sip.ts measures the whole line, bench/media.ts compares with other peers.
//   flock /tmp/chokutsu-heavy.lock node --import tsx bench/media-plane.ts [calls=200] [seconds=10] [mediaWorkers=0]
// With mediaWorkers > 0 the calls run in the media worker pool (each call's legs, bridge and recorder
// in one worker), as the line runs them; the loop delay is then the main thread's, the CPU all threads'.
import { fork, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LocalMediaPlane, type LineRecorder, type MediaPlane, type RtpLeg } from '../src/telephony/media/plane.ts';
import { MediaWorkerPool } from '../src/telephony/media-worker/pool.ts';
import { encodeG711 } from '../src/telephony/rtp/g711.ts';
import { PortAllocator } from '../src/telephony/rtp/ports.ts';

const PORT_MIN = 52000;
const PORT_MAX = 53999;
const WARMUP_MS = 3000;

type FarMessage = { ports: number[] } | { lines: number[] };

// ---- the far end: 2N phones on one socket, sending 20 ms frames on their own drift-free clock ----

// One socket stands for every phone (each stream its own SSRC) and never reads: what the line
// sends is counted by the capture, so the far end costs only its sends.
async function farEnd(): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  (socket as unknown as Record<symbol, { handle: { recvStop(): void } }>)[Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol') ?? Symbol()]?.handle.recvStop();
  process.send?.({ ports: [socket.address().port] } satisfies FarMessage);
  const lines = await new Promise<number[]>((resolve) => process.once('message', (m: FarMessage) => 'lines' in m && resolve(m.lines)));
  const tone = encodeG711('PCMU', Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 8000))));
  const start = performance.now();
  let tick = 0;
  const send = (): void => {
    const due = Math.floor((performance.now() - start) / 20);
    for (; tick <= due; tick++) {
      lines.forEach((port, i) => {
        const packet = Buffer.allocUnsafe(172);
        packet[0] = 0x80;
        packet[1] = 0;
        packet.writeUInt16BE(tick & 0xffff, 2);
        packet.writeUInt32BE((tick * 160) >>> 0, 4);
        packet.writeUInt32BE(i + 1, 8);
        packet.set(tone, 12);
        socket.send(packet, port, '127.0.0.1');
      });
    }
    setTimeout(send, Math.max(0, start + tick * 20 - performance.now()));
  };
  send();
  process.once('message', () => process.exit(0));
}

// ---- the capture: what the line sent, per stream ----

interface Stream { arrivals: number[]; timestamps: number[] }

/** RTP packets from the line's ports in a classic pcap of loopback (Ethernet framing), by SSRC. */
function streamsOf(path: string): Map<number, Stream> {
  const buf = readFileSync(path);
  const streams = new Map<number, Stream>();
  for (let at = 24; at + 16 <= buf.length;) {
    const seconds = buf.readUInt32LE(at);
    const micros = buf.readUInt32LE(at + 4);
    const captured = buf.readUInt32LE(at + 8);
    const frame = at + 16;
    at = frame + captured;
    const ip = frame + 14;
    const udp = ip + 4 * ((buf[ip] ?? 0) & 0x0f);
    const rtp = udp + 8;
    if (rtp + 12 > at) continue;
    const source = buf.readUInt16BE(udp);
    if (source < PORT_MIN || source > PORT_MAX || source % 2 === 1) continue; // RTCP is on the odd ports
    const ssrc = buf.readUInt32BE(rtp + 8);
    const stream = streams.get(ssrc) ?? { arrivals: [], timestamps: [] };
    stream.arrivals.push(seconds * 1000 + micros / 1000);
    stream.timestamps.push(buf.readUInt32BE(rtp + 4));
    streams.set(ssrc, stream);
  }
  return streams;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function analyse(streams: Map<number, Stream>, windowMs: number) {
  const deviations: number[] = [];
  let received = 0;
  let jumps = 0;
  let backToBack = 0;
  let maxHole = 0;
  let worstDelivered = Infinity;
  for (const { arrivals, timestamps } of streams.values()) {
    received += arrivals.length;
    worstDelivered = Math.min(worstDelivered, arrivals.length / (windowMs / 20 + 1));
    for (let i = 1; i < arrivals.length; i++) {
      const gap = (arrivals[i] ?? 0) - (arrivals[i - 1] ?? 0);
      deviations.push(Math.abs(gap - 20));
      if (gap < 2) backToBack++;
      maxHole = Math.max(maxHole, gap);
      if ((((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0)) >>> 0) !== 160) jumps++;
    }
  }
  deviations.sort((a, b) => a - b);
  return {
    streams: streams.size, received, owed: streams.size * (windowMs / 20 + 1), worstDelivered, jumps,
    backToBack: backToBack / Math.max(1, deviations.length),
    deviationMs: { p50: percentile(deviations, 0.5), p99: percentile(deviations, 0.99), max: deviations.at(-1) ?? NaN },
    maxHoleMs: maxHole,
  };
}

// ---- the line ----

async function line(calls: number, seconds: number, workers: number): Promise<void> {
  const far = fork(fileURLToPath(import.meta.url), ['far'], { execArgv: ['--import', 'tsx'] });
  const [farPort = 0] = await new Promise<number[]>((resolve) => far.once('message', (m: FarMessage) => 'ports' in m && resolve(m.ports)));
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-media-plane-'));
  const allocator = new PortAllocator({ min: PORT_MIN, max: PORT_MAX });
  const plane: MediaPlane = workers === 0
    ? new LocalMediaPlane({ allocator, bindAddress: '127.0.0.1' })
    : new MediaWorkerPool({ workers, allocator, bindAddress: '127.0.0.1', log: console.error, legFailed: () => {} });
  const sessions: RtpLeg[] = [];
  const recorders: LineRecorder[] = [];
  const toFarEnd = { codec: 'PCMU', payloadType: 0, remoteAddress: '127.0.0.1', remotePort: farPort, direction: 'sendrecv', ptime: 20 } as const;
  for (let call = 0; call < calls; call++) {
    const customer = await plane.openRtp();
    const agent = await plane.openRtp({ near: customer });
    customer.configure(toFarEnd);
    agent.configure(toFarEnd);
    const bridge = plane.bridge(customer, agent);
    const recorder = await plane.record(join(dir, `${call}.wav`), bridge, { onError: (err) => console.error(err) });
    bridge.startRecording(recorder);
    sessions.push(customer, agent);
    recorders.push(recorder);
  }
  for (const s of sessions) s.start();
  far.send({ lines: sessions.map((s) => s.localPort) } satisfies FarMessage);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));

  const pcap = join(dir, 'line.pcap');
  const tcpdump = spawn('tcpdump', ['-i', 'lo', '-n', '-s', '64', '-B', '32768', '-w', pcap, `udp src portrange ${PORT_MIN}-${PORT_MAX}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let tcpdumpLog = '';
  tcpdump.stderr.on('data', (d: Buffer) => (tcpdumpLog += d.toString()));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  // Each second's worst loop delay and CPU: a stall shows when it happened.
  const perSecond: { loopMaxMs: number; cpuPercent: number }[] = [];
  const second = monitorEventLoopDelay({ resolution: 1 });
  second.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    const cpuNow = process.cpuUsage(lastCpu);
    perSecond.push({ loopMaxMs: Math.round(second.max / 1e6), cpuPercent: Math.round((cpuNow.user + cpuNow.system) / 10 / (now - lastAt)) });
    second.reset();
    lastCpu = process.cpuUsage();
    lastAt = now;
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(sampler);
  second.disable();
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - started;
  loop.disable();
  tcpdump.kill('SIGINT');
  await new Promise((resolve) => tcpdump.once('exit', resolve));
  far.send('stop');
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(recorders.map((r) => r.close()));
  await plane.close();

  const streams = streamsOf(pcap);
  // The capture's own window: from its first to its last packet, trimmed by a frame at each end.
  const all = [...streams.values()].flatMap((s) => [s.arrivals[0] ?? 0, s.arrivals.at(-1) ?? 0]);
  const windowMs = Math.max(...all) - Math.min(...all);
  const stats = analyse(streams, windowMs);
  const packetsHandled = stats.received * 2; // in and out: the far end sends as much as it gets
  const cpuMs = (used.user + used.system) / 1000;
  console.log(JSON.stringify({
    calls, seconds, mediaWorkers: workers, windowMs: Math.round(windowMs),
    deliveredPerSecond: Math.round(stats.received / (windowMs / 1000)), owedPerSecond: 2 * calls * 50,
    deliveredRatio: stats.received / stats.owed, worstStreamDelivered: stats.worstDelivered,
    timestampJumps: stats.jumps, backToBack: stats.backToBack, deviationMs: stats.deviationMs, maxHoleMs: stats.maxHoleMs,
    loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    cpuPercent: (100 * cpuMs) / elapsed, cpuMicrosPerPacket: (1000 * cpuMs) / (packetsHandled * (elapsed / windowMs)),
    perSecond: perSecond.map((p) => `${p.loopMaxMs}ms/${p.cpuPercent}%`).join(' '),
    loadAverage: loadavg(),
    tcpdump: tcpdumpLog.trim().split('\n').filter((l) => /dropped|captured/.test(l)),
  }, null, 1));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

if (process.argv[2] === 'far') await farEnd();
else await line(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 0));
