// The floor of bench/media.ts: a Node dgram relay that only forwards A ↔ B, nothing parsed,
// nothing paced, nothing recorded. What any Node media plane costs at the least per packet.
import dgram from 'node:dgram';
import { serve } from './child.ts';

async function bound(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(0, '127.0.0.1', () => resolve()));
  return socket;
}

const connect = (socket: dgram.Socket, port: number) => new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));

const sockets: dgram.Socket[] = [];

/** Relays a call between A (at port a) and B (at port b): A sends to the returned `toB`, B to `toA`. */
async function pair(p: { a: number; b: number }): Promise<{ toA: number; toB: number }> {
  const fromA = await bound();
  const fromB = await bound();
  // Connected: each socket hears only its own party and sends without an address lookup.
  await Promise.all([connect(fromA, p.a), connect(fromB, p.b)]);
  // A far end gone (ICMP port unreachable on a connected socket) is no reason to stop relaying the others.
  for (const s of [fromA, fromB]) s.on('error', () => {});
  fromA.on('message', (m) => fromB.send(m));
  fromB.on('message', (m) => fromA.send(m));
  sockets.push(fromA, fromB);
  return { toB: fromA.address().port, toA: fromB.address().port };
}

function closeAll(): void {
  for (const s of sockets.splice(0)) s.close();
}

serve({ pair, closeAll });
