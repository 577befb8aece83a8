// The bench company shared by bench/sip.ts and bench/media.ts: the demo plus N agents with desk
// phones in one always-open queue, a flow that records both sides and queues every call, and a
// flow that only answers and waits (so routing stays out of call-setup figures).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { checkFlow } from '../src/flow/validate.ts';
import { writeDemoInstance } from '../src/instance/demo.ts';
import type { Agent, InstanceDefinition, TelephonyConfig, Weekday } from '../src/instance/types.ts';

const FLOWS_DIR = fileURLToPath(new URL('../flows/', import.meta.url));

export const BENCH_NUMBER = '+81509990001'; // record → bench queue → transfer
export const WAIT_NUMBER = '+81509990002'; // phase 1: answer and wait, so routing stays out of the figures
const QUEUE_ARN = 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/queue/bench';
export const REALM = 'chokutsu';
/** SIP on a free UDP port, RTP in `rtp` (two ports a leg: RTP and RTCP). */
export function benchTelephony(rtp: { portMin: number; portMax: number; mediaWorkers?: number } = { portMin: 30000, portMax: 31999 }): TelephonyConfig {
  return {
    sip: { host: '127.0.0.1', port: 0, realm: REALM, udp: true, tcp: false },
    rtp: { host: '127.0.0.1', ...rtp },
    trunks: [{ name: 'bench sipp', addresses: ['127.0.0.1'] }],
    tts: { engine: 'espeak-ng', wordsPerMinute: 450 },
  };
}

// ---- the bench line --------------------------------------------------------------------------

const next = (id: string) => ({ NextAction: id, Errors: [], Conditions: [] });
const onError = (id: string, ...types: string[]) => types.map((ErrorType) => ({ NextAction: id, ErrorType }));

const BENCH_FLOW = {
  Version: '2019-10-30',
  StartAction: 'record',
  Metadata: { name: 'bench', description: 'Telephony benchmark: record both legs, queue, transfer' },
  Actions: [
    { Identifier: 'record', Type: 'UpdateContactRecordingBehavior',
      Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } }, Transitions: next('set-queue') },
    { Identifier: 'set-queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: QUEUE_ARN },
      Transitions: { NextAction: 'transfer', Errors: onError('disconnect', 'NoMatchingError'), Conditions: [] } },
    { Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {},
      Transitions: { NextAction: 'disconnect', Errors: onError('disconnect', 'QueueAtCapacity', 'NoMatchingError'), Conditions: [] } },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

const WAIT_FLOW = {
  Version: '2019-10-30',
  StartAction: 'wait',
  Metadata: { name: 'bench-wait', description: 'Telephony benchmark: answer, wait 30 s, disconnect' },
  Actions: [
    { Identifier: 'wait', Type: 'Wait', Parameters: { TimeLimitSeconds: '30' },
      Transitions: {
        Errors: onError('disconnect', 'NoMatchingError'),
        Conditions: [{ NextAction: 'disconnect', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }],
      } },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

const WEEK: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** Agents a001…, extensions 3001…, in rank order. */
export function benchAgents(count: number): Agent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return { id: `a${n}`, name: `Bench ${n}`, username: `a${n}`, routingProfile: 'bench', extension: String(3001 + i) };
  });
}
export const phonePassword = (extension: string) => `bench-${extension}`;

/** The demo company plus `agents` in one always-open queue, and the two bench flows. */
export function benchDataDir(agents: readonly Agent[], telephony: TelephonyConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-bench-'));
  const { file } = writeDemoInstance(dir, { force: false, flowsDir: FLOWS_DIR });
  for (const [id, flow] of [['bench', BENCH_FLOW], ['bench-wait', WAIT_FLOW]] as const) {
    const problems = checkFlow(flow, { id }).problems.filter((p) => p.severity === 'error');
    if (problems.length > 0) throw new Error(`flow ${id}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    writeFileSync(join(dir, 'flows', `${id}.json`), JSON.stringify(flow, null, 2));
  }
  const def = parse(readFileSync(file, 'utf8')) as InstanceDefinition;
  // Open around the clock (an EndTime of 00:00 is the end of the day) and no closures: the
  // result does not depend on the date.
  def.hoursOfOperation.push({
    id: 'always', name: 'always open',
    config: WEEK.map((Day) => ({ Day, StartTime: { Hours: 0, Minutes: 0 }, EndTime: { Hours: 0, Minutes: 0 } })),
  });
  def.closures = [];
  // A short ACW: 0 would mean no timeout (the agent stays in ACW until they finish it).
  def.routingProfiles.push({ id: 'bench', name: 'bench', afterContactWorkTimeoutSeconds: 2 });
  def.agents.push(...agents);
  def.queues.push({
    id: 'bench', name: 'bench', hoursOfOperation: 'always', ringTimeoutSeconds: 20, maxWaitSeconds: 3600,
    agents: agents.map((a, i) => ({ agent: a.id, rank: i + 1 })),
  });
  def.flows.push(
    { id: 'bench', name: 'bench', file: 'flows/bench.json', type: 'CONTACT_FLOW' },
    { id: 'bench-wait', name: 'bench-wait', file: 'flows/bench-wait.json', type: 'CONTACT_FLOW' },
  );
  def.phoneNumbers.push({ number: BENCH_NUMBER, flow: 'bench' }, { number: WAIT_NUMBER, flow: 'bench-wait' });
  def.telephony = telephony;
  writeFileSync(file, stringify(def));
  return dir;
}
