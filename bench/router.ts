// Router benchmark: per-decision latency and memory per waiting contact at contact-centre scale.
//   node --expose-gc --import tsx bench/router.ts
// 10,000 agents; 100,000 contacts waiting in 180 "busy" queues (9,000 agents, each a member of
// 3 of them with a rank); 20 "idle" queues whose 1,000 Available agents take new contacts at once.
// Prints the figures and rewrites the "Router" section of bench/RESULTS.md.

import { cpus } from 'node:os';
import { Router, type QueueConfig, type RouterInput, type RouterOutput } from '../src/routing/router.ts';
import { writeResultsSection } from './results.ts';

const AGENTS = 10_000;
const IDLE_AGENTS = 1_000;
const BUSY_QUEUES = 180;
const IDLE_QUEUES = 20;
const QUEUES_PER_AGENT = 3;
const WAITING = 100_000;
const SAMPLES = 10_000;

let seed = 12345;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
const randInt = (n: number): number => Math.floor(rand() * n);

function buildConfig(): { queues: QueueConfig[]; agents: { id: string; afterContactWorkSeconds?: number }[] } {
  const queues: QueueConfig[] = [];
  for (let i = 0; i < BUSY_QUEUES; i++) queues.push({ id: `busy${i}`, name: `busy ${i}`, members: [], maxWaitSeconds: 3600 });
  for (let i = 0; i < IDLE_QUEUES; i++) queues.push({ id: `idle${i}`, name: `idle ${i}`, members: [] });
  const agents = [];
  for (let a = 0; a < AGENTS; a++) {
    const id = `agent${a}`;
    agents.push({ id });
    const idle = a < IDLE_AGENTS;
    const chosen = new Set<number>();
    while (chosen.size < QUEUES_PER_AGENT) chosen.add(randInt(idle ? IDLE_QUEUES : BUSY_QUEUES));
    for (const q of chosen) {
      const queue = queues[idle ? BUSY_QUEUES + q : q];
      queue?.members.push({ agentId: id, rank: 1 + randInt(10) });
    }
  }
  return { queues, agents };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

interface Figures {
  label: string;
  p50: number;
  p99: number;
  max: number;
  n: number;
}

function summarize(label: string, ns: number[]): Figures {
  const us = ns.map((x) => x / 1000).sort((a, b) => a - b);
  return { label, p50: percentile(us, 50), p99: percentile(us, 99), max: us[us.length - 1] ?? NaN, n: us.length };
}

const gc = globalThis.gc;
function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

let now = 0;
const router = new Router(buildConfig(), now);

function timed(samples: number[], input: RouterInput): RouterOutput[] {
  const t0 = process.hrtime.bigint();
  const out = router.handle(input);
  samples.push(Number(process.hrtime.bigint() - t0));
  return out;
}

function expectOffer(out: RouterOutput[], what: string): Extract<RouterOutput, { type: 'ContactOffered' }> {
  const offer = out.find((o): o is Extract<RouterOutput, { type: 'ContactOffered' }> => o.type === 'ContactOffered');
  if (offer === undefined) throw new Error(`${what}: no offer in ${JSON.stringify(out)}`);
  return offer;
}

for (let a = 0; a < IDLE_AGENTS; a++) router.handle({ type: 'SetAgentStatus', agentId: `agent${a}`, status: 'Available', at: now });

// Waiting contacts: nobody in the busy queues is Available yet.
const enqueueWaiting: number[] = [];
const before = heapUsed();
for (let c = 0; c < WAITING; c++) {
  now += 1;
  timed(enqueueWaiting, { type: 'EnqueueContact', contactId: `w${c}`, queueId: `busy${randInt(BUSY_QUEUES)}`, at: now, priority: rand() < 0.1 ? 1 : 5 });
}
const after = heapUsed();
const bytesPerContact = (after - before) / WAITING;

// An idle agent takes a new contact at once; the call runs its course to free them again.
function enqueueWithAgentAvailable(samples: number[], i: number): void {
  now += 1;
  const contactId = `n${i}`;
  const offer = expectOffer(timed(samples, { type: 'EnqueueContact', contactId, queueId: `idle${randInt(IDLE_QUEUES)}`, at: now }), 'enqueue');
  router.handle({ type: 'AcceptOffer', contactId, agentId: offer.agentId, at: now });
  router.handle({ type: 'EndContact', contactId, at: now });
  router.handle({ type: 'FinishAfterContactWork', agentId: offer.agentId, at: now });
}

// A busy-queue agent comes on and gets the waiting contact they know best; a new caller keeps
// the backlog at 100,000, and the agent goes back Offline after the call.
let next = IDLE_AGENTS;
let refill = 0;
function agentBecomesAvailable(samples: number[], accepts: number[]): void {
  now += 1;
  const agentId = `agent${next}`;
  next = next + 1 < AGENTS ? next + 1 : IDLE_AGENTS;
  const offer = expectOffer(timed(samples, { type: 'SetAgentStatus', agentId, status: 'Available', at: now }), 'available');
  timed(accepts, { type: 'AcceptOffer', contactId: offer.contactId, agentId, at: now });
  router.handle({ type: 'EndContact', contactId: offer.contactId, at: now });
  router.handle({ type: 'FinishAfterContactWork', agentId, at: now });
  router.handle({ type: 'SetAgentStatus', agentId, status: 'Offline', at: now });
  router.handle({ type: 'EnqueueContact', contactId: `r${refill++}`, queueId: `busy${randInt(BUSY_QUEUES)}`, at: now });
}

// Warm-up (JIT), then measure.
for (let i = 0; i < 2000; i++) {
  enqueueWithAgentAvailable([], -i - 1);
  agentBecomesAvailable([], []);
}
const enqueueOffered: number[] = [];
const becameAvailable: number[] = [];
const accepted: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  enqueueWithAgentAvailable(enqueueOffered, i);
  agentBecomesAvailable(becameAvailable, accepted);
}

const snapshot = router.queueSnapshot('busy0');
const figures = [
  summarize('enqueue, an agent available (offered at once)', enqueueOffered),
  summarize('agent becomes Available, contacts waiting (offered the best-ranked)', becameAvailable),
  summarize('accept offer', accepted),
  summarize('enqueue, nobody available (queued with position), while filling', enqueueWaiting),
];

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '## Router',
  '',
  `Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}. Date: ${new Date().toISOString().slice(0, 10)}.`,
  `Command: \`node --expose-gc --import tsx bench/router.ts\``,
  '',
  `Setup: ${AGENTS.toLocaleString('en')} agents, ${WAITING.toLocaleString('en')} contacts waiting over ${BUSY_QUEUES} queues ` +
    `(each agent in ${QUEUES_PER_AGENT} queues, ranks 1–10, 10% priority 1, max wait timers armed), ` +
    `${IDLE_QUEUES} more queues with ${IDLE_AGENTS.toLocaleString('en')} Available agents. One \`handle()\` call per decision, ` +
    `timed with process.hrtime.bigint() after a warm-up.`,
  '',
  '| decision | samples | p50 µs | p99 µs | max µs |',
  '|---|---:|---:|---:|---:|',
  ...figures.map((f) => `| ${f.label} | ${f.n} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.max.toFixed(0)} |`),
  '',
  gc === undefined
    ? 'Memory per waiting contact: not measured (run node with --expose-gc).'
    : `Memory per waiting contact: ${bytesPerContact.toFixed(0)} bytes (heap used after GC, delta over ${WAITING.toLocaleString('en')} contacts). ` +
      `Targets: p99 < 100 µs per decision, < 1 KB per waiting contact.`,
  `Check: busy0 has ${snapshot?.waiting ?? '?'} waiting at the end.`,
  '',
];
const section = lines.join('\n');
console.log(section);

writeResultsSection('Router', section);
