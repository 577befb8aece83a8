// Heartbeat benchmark: main-thread time of one ContactHeartbeat.beat() with 200 contacts up.
//   npm run bench:heartbeat [-- contacts]   (rewrites the "Heartbeat" section of bench/RESULTS.md)
//   node --no-opt --import tsx bench/heartbeat.ts   (closer to the line, where the beat runs too
//                                                    rarely to leave V8's baseline tier)
// One contact is taken through the demo line's flow to an agent (talking, recorded); the rest are
// copies of it under their own ids. Times the beat (SQLite commit and fsync included) with nothing
// changed, 10% changed and all changed, then its parts: the fingerprints and the records.
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { directLine } from '../flows/direct-line.ts';
import type { LiveContact } from '../src/runtime/contact-center.ts';
import { ContactHeartbeat, contactRecordOf, crashRecordOf } from '../src/runtime/contact-records.ts';
import { SqliteInFlightStore } from '../src/store/in-flight.ts';
import { dial, line, waitForQueue } from '../test/runtime/support.ts';
import { percentile } from './media/leg-stats.ts';
import { writeResultsSection } from './results.ts';

const CONTACTS = Number(process.argv[2] ?? 200);
const BEATS = 200;

const { s, time } = await line();
s.center.setAgentStatus('tanaka', 'Available');
const caller = dial(s, time, '1002#');
await waitForQueue(s, time, caller.contactId);
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
  const q = (p: number) => percentile(ms, p).toFixed(2);
  console.log(`${label}: median ${q(50)} ms, p90 ${q(90)} ms, max ${q(100)} ms`);
  rows.push(`| ${label} | ${q(50)} | ${q(90)} | ${q(100)} |`);
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
rmSync(s.line.dataDir, { recursive: true, force: true });

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
