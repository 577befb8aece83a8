// Heartbeat benchmark: main-thread time of one ContactHeartbeat.beat() with 200 contacts up.
//   npm run bench:heartbeat [-- contacts]   (rewrites the "Heartbeat" section of bench/RESULTS.md)
//   node --no-opt --import tsx bench/heartbeat.ts   (closer to the line, where the beat runs too
//                                                    rarely to leave V8's baseline tier)
// One contact is taken through the demo line's flow to an agent (talking, recorded); the rest are
// copies of it under their own ids. Times the beat (SQLite commit and fsync included) with nothing
// changed, 10% changed and all changed, then its parts: the fingerprints and the records.
import { createLineServices } from '../src/app/services.ts';
import type { LiveContact } from '../src/runtime/contact-center.ts';
import { ContactHeartbeat, contactRecordOf, crashRecordOf } from '../src/runtime/contact-records.ts';
import { directLine } from '../flows/direct-line.ts';
import { SqliteInFlightStore } from '../src/store/in-flight.ts';
import { SimulatedCaller } from '../src/server/simulated-caller.ts';
import { demoCustomers, writeDemoInstance } from '../src/instance/demo.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeResultsSection } from './results.ts';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Scheduler } from '../src/runtime/scheduler.ts';

const CONTACTS = Number(process.argv[2] ?? 200);
const BEATS = 200;

class Time implements Scheduler {
  now = Date.parse('2026-12-01T10:00:00+09:00');
  private timers = new Map<string, { due: number; fn: () => void }>();
  set(id: string, ms: number, fn: () => void): void { this.timers.set(id, { due: this.now + ms, fn }); }
  clear(id: string): void { this.timers.delete(id); }
  clearAll(): void { this.timers.clear(); }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: [string, { due: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].due <= until && (!next || e[1].due < next[1].due)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].due);
      next[1].fn();
    }
    this.now = until;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'chokutsu-bench-hb-'));
writeDemoInstance(dir, { force: false, flowsDir: resolve(import.meta.dirname, '..', 'flows') });
const time = new Time();
const s = await createLineServices(dir, { clock: { now: () => time.now }, scheduler: time, log: () => {} });
s.line.directory.importAll(demoCustomers(), new Date(time.now));
s.center.setAgentStatus('tanaka', 'Available');
const caller = new SimulatedCaller(() => s.center, time, { now: () => time.now }, 2000);
caller.contactId = s.newContactId();
caller.press('1002#');
s.center.startContact(caller, { contactId: caller.contactId, from: '+819011112222', to: '+81501234567' });
for (let i = 0; i < 200 && s.center.contact(caller.contactId)?.phase !== 'queued' && s.center.contact(caller.contactId)?.phase !== 'ringing'; i++) {
  for (let j = 0; j < 20; j++) await new Promise((r) => setImmediate(r));
  time.advance(1000);
}
s.center.accept('tanaka', caller.contactId);
s.heartbeat.stop();
const template = s.center.contact(caller.contactId) as LiveContact;
if (template.phase !== 'connected') throw new Error(`the template contact is ${template.phase}`);
template.recordingLocation = `recordings/${template.contactId}.wav`;
const contacts: LiveContact[] = Array.from({ length: CONTACTS }, (_, i) => ({ ...structuredClone(template), contactId: `c-${i}` }));

const recordOf = (live: LiveContact) => contactRecordOf(live, s.line.definition, s.line.catalog, directLine);
const heartbeat = new ContactHeartbeat({
  contacts: () => contacts, recordOf, definition: () => s.line.definition, port: new SqliteInFlightStore(s.line.db),
  clock: { now: () => time.now }, scheduler: { set() {}, clear() {} }, intervalMs: 2000, log: (m) => console.error(m),
});

/** Median, p90 and max of `fn` over BEATS runs, in ms; `before` runs untimed first each time. */
function timed(label: string, fn: () => void, before: (b: number) => void = () => {}): void {
  const ms: number[] = [];
  for (let b = 0; b < BEATS; b++) {
    before(b);
    const t0 = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((x, y) => x - y);
  const q = (p: number) => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] as number).toFixed(2);
  console.log(`${label}: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms`);
  rows.push(`| ${label} | ${q(0.5)} | ${q(0.9)} | ${q(1)} |`);
}
const rows: string[] = [];

const beatWith = (changed: number) => (b: number) => {
  time.now += 2000;
  for (let i = 0; i < changed; i++) (contacts[(b * changed + i) % CONTACTS] as LiveContact).holds.count++;
};
console.log(`${CONTACTS} contacts, ${BEATS} runs each`);
timed('beat, all changed (warm-up)', () => heartbeat.beat(), beatWith(CONTACTS));
timed('beat, nothing changed', () => heartbeat.beat(), beatWith(0));
timed('beat, 10% changed', () => heartbeat.beat(), beatWith(Math.round(CONTACTS / 10)));
timed('beat, all changed', () => heartbeat.beat(), beatWith(CONTACTS));
timed('their fingerprints alone (JSON of all but the flow states)', () => {
  for (const c of contacts) {
    const { flowState: _f, queueFlowState: _q, ...rest } = c;
    JSON.stringify(rest);
  }
});
timed('their records alone (crashRecordOf)', () => {
  for (const c of contacts) crashRecordOf(c, time.now, recordOf);
});
s.close();
rmSync(dir, { recursive: true, force: true });

writeResultsSection('Heartbeat', [
  '## Heartbeat',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}${process.execArgv.includes('--no-opt') ? ' (--no-opt)' : ''}. Date: ${new Date().toISOString().slice(0, 10)}.`,
  `Command: \`npm run bench:heartbeat\` (\`node --import tsx bench/heartbeat.ts${process.argv[2] ? ` ${process.argv[2]}` : ''}\`)`,
  '',
  `One \`ContactHeartbeat.beat()\` on the line's main thread with ${CONTACTS} talking, recorded contacts up (SQLite commit and fsync included), ` +
    `${BEATS} beats each; a beat writes only the contacts that changed since their row.`,
  '',
  '| what | median ms | p90 ms | max ms |',
  '|---|---:|---:|---:|',
  ...rows,
].join('\n'), { after: 'Floods' });
