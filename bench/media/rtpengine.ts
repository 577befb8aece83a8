// rtpengine as bench/media.ts's reference media relay: started in userspace (--table=-1) on
// 127.0.0.1 with its own port range, driven over its ng control protocol (bencode over UDP,
// "cookie dict"; commands offer/answer/delete, rtpengine's docs: ng_control_protocol).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import dgram from 'node:dgram';
import { processCpuMs } from '../proc-cpu.ts';
import { farEndSdp, sdpAudioPort } from './sdp.ts';

const RTPENGINE = '/usr/bin/rtpengine';

type Bencode = string | number | Bencode[] | { [key: string]: Bencode };

export function bencode(v: Bencode): string {
  if (typeof v === 'number') return `i${Math.trunc(v)}e`;
  if (typeof v === 'string') return `${Buffer.byteLength(v)}:${v}`;
  if (Array.isArray(v)) return `l${v.map(bencode).join('')}e`;
  // Keys in sorted order (BEP 3); rtpengine does not insist, but it is the format.
  return `d${Object.keys(v).sort().map((k) => bencode(k) + bencode(v[k] as Bencode)).join('')}e`;
}

export function bdecode(buf: Buffer): Bencode {
  let at = 0;
  const value = (): Bencode => {
    const c = String.fromCharCode(buf[at] ?? 0);
    if (c === 'i') {
      const end = buf.indexOf(0x65, at);
      const n = Number(buf.toString('latin1', at + 1, end));
      at = end + 1;
      return n;
    }
    if (c === 'l' || c === 'd') {
      at++;
      const items: Bencode[] = [];
      while (buf[at] !== 0x65) {
        if (at >= buf.length) throw new Error('bencode: unterminated list or dictionary');
        items.push(value());
      }
      at++;
      if (c === 'l') return items;
      const dict: Record<string, Bencode> = {};
      for (let i = 0; i + 1 < items.length; i += 2) dict[String(items[i])] = items[i + 1] as Bencode;
      return dict;
    }
    const colon = buf.indexOf(0x3a, at);
    if (colon < 0) throw new Error(`bencode: no string length at byte ${at}`);
    const length = Number(buf.toString('latin1', at, colon));
    const s = buf.toString('utf8', colon + 1, colon + 1 + length);
    at = colon + 1 + length;
    return s;
  };
  return value();
}

export interface RtpEngine {
  pid: number | undefined;
  cpuMs(): number;
  /** Sets up a call between A (port a) and B (port b): A sends to `toB`, B to `toA`. */
  call(id: string, a: number, b: number): Promise<{ toA: number; toB: number }>;
  delete(id: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startRtpEngine(o: { nice: number; ngPort: number; portMin: number; portMax: number; recordingDir?: string }): Promise<RtpEngine> {
  if (!existsSync(RTPENGINE)) throw new Error(`${RTPENGINE} is missing: npm run setup:bench installs rtpengine-daemon`);
  const args = [
    '--table=-1', '--foreground', '--log-stderr', '--log-level=4', '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${o.ngPort}`, `--port-min=${o.portMin}`, `--port-max=${o.portMax}`,
    '--no-redis-required', '--delete-delay=0',
    ...(o.recordingDir ? [`--recording-dir=${o.recordingDir}`, '--recording-method=pcap'] : []),
  ];
  // nice(1) execs rtpengine: the pid is rtpengine's, and every thread it starts has the niceness.
  const child: ChildProcess = spawn('nice', ['-n', String(o.nice), RTPENGINE, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-10_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const control = dgram.createSocket('udp4');
  await new Promise<void>((r) => control.bind(0, '127.0.0.1', () => r()));
  const pending = new Map<string, (reply: Record<string, Bencode>) => void>();
  control.on('message', (msg) => {
    const space = msg.indexOf(0x20);
    const reply = bdecode(msg.subarray(space + 1));
    pending.get(msg.toString('latin1', 0, space))?.(reply as Record<string, Bencode>);
  });
  let cookie = 0;
  // UDP: the request is repeated until a reply, as a SIP proxy's rtpengine module does.
  const ng = async (command: Record<string, Bencode>): Promise<Record<string, Bencode>> => {
    const id = `c${++cookie}`;
    const reply = new Promise<Record<string, Bencode>>((resolve) => pending.set(id, resolve));
    for (let attempt = 0; attempt < 20; attempt++) {
      control.send(`${id} ${bencode(command)}`, o.ngPort, '127.0.0.1');
      const r = await Promise.race([reply, new Promise<undefined>((t) => setTimeout(() => t(undefined), 250))]);
      if (!r) continue;
      pending.delete(id);
      if (r['result'] !== 'ok' && r['result'] !== 'pong') throw new Error(`rtpengine ${String(command['command'])}: ${JSON.stringify(r)}\n${log}`);
      return r;
    }
    throw new Error(`rtpengine did not answer ${String(command['command'])} within 5 s:\n${log}`);
  };
  try {
    await ng({ command: 'ping' });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const record: Record<string, Bencode> = o.recordingDir ? { 'record call': 'yes' } : {};
  return {
    pid: child.pid,
    cpuMs: () => processCpuMs(child.pid),
    call: async (id, a, b) => {
      const offer = await ng({ command: 'offer', 'call-id': id, 'from-tag': `${id}-a`, sdp: farEndSdp(a, 'a'), ...record });
      const answer = await ng({ command: 'answer', 'call-id': id, 'from-tag': `${id}-a`, 'to-tag': `${id}-b`, sdp: farEndSdp(b, 'b'), ...record });
      return { toA: sdpAudioPort(String(offer['sdp'])), toB: sdpAudioPort(String(answer['sdp'])) };
    },
    delete: async (id) => {
      await ng({ command: 'delete', 'call-id': id, 'from-tag': `${id}-a` });
    },
    stop: async () => {
      control.close();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
